//! The sections of the header menu: decided here, rendered by `web`.

use super::Actor;
use crate::Role;

/// A section of the portal the menu may link to, in the order SGO shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// «Дневник».
    Diary,
    /// «Успеваемость».
    Progress,
    /// «Журнал».
    Journal,
    /// «Регион».
    Region,
    /// «Школа».
    School,
    /// «Пользователи» for the administration.
    People,
    /// «Мой класс» for a teacher.
    MyClass,
    /// «Журнал изменений».
    AuditLog,
    /// «Отчёты».
    Reports,
    /// «Объявления».
    Announcements,
    /// «Ресурсы».
    Resources,
    /// «Почта».
    Mail,
}

/// The sections the actor's roles open.
pub fn menu(actor: &Actor) -> Vec<Section> {
    let mut out = Vec::new();
    let family = actor.has_any(&[Role::Student, Role::Parent]);
    if family {
        out.extend([Section::Diary, Section::Progress]);
    }
    if actor.has(Role::Teacher) {
        out.push(Section::Journal);
    }
    if actor.has(Role::RegionAdministrator) {
        out.push(Section::Region);
    }
    if actor.is_administration() {
        out.extend([
            Section::School,
            Section::People,
            Section::AuditLog,
            Section::Reports,
        ]);
    } else if actor.has(Role::Teacher) {
        out.extend([Section::MyClass, Section::Reports]);
    } else if family || actor.has_any(&[Role::AuthorityOfficer, Role::RegionAdministrator]) {
        out.push(Section::Reports);
    }
    if !actor.has_any(&[Role::RegionAdministrator, Role::AuthorityOfficer]) {
        out.extend([Section::Announcements, Section::Resources]);
    }
    out.push(Section::Mail);
    out
}

#[cfg(test)]
mod tests {
    use super::super::actor;
    use super::*;

    #[test]
    fn each_role_sees_its_sections() {
        let parent = menu(&actor(1, 1, &[Role::Parent]));
        assert!(parent.contains(&Section::Diary) && !parent.contains(&Section::School));
        let admin = menu(&actor(1, 1, &[Role::Administrator]));
        assert!(admin.contains(&Section::People) && !admin.contains(&Section::MyClass));
        let teacher = menu(&actor(1, 1, &[Role::Teacher]));
        assert!(teacher.contains(&Section::MyClass) && teacher.contains(&Section::Journal));
        let region = menu(&actor(1, 1, &[Role::RegionAdministrator]));
        assert!(region.contains(&Section::Region) && !region.contains(&Section::Announcements));
        assert_eq!(
            menu(&actor(1, 1, &[])),
            vec![Section::Announcements, Section::Resources, Section::Mail]
        );
    }
}
