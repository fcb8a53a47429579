//! Announcements and resources: who publishes, who manages, to whom an announcement speaks.

use super::Actor;
use crate::communication::Audience;
use crate::{AccountId, ClassId, OrganizationId, Role};

/// What the reader is, for matching an audience: their roles (kept here, in the policy) and
/// the classes that concern them (a student's class, a parent's children's classes, the classes
/// a teacher teaches or leads).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reader {
    roles: Vec<Role>,
    /// The classes that concern the reader.
    pub class_ids: Vec<ClassId>,
}

/// The actor as a reader of announcements.
pub fn reader(actor: &Actor, class_ids: Vec<ClassId>) -> Reader {
    Reader {
        roles: actor.roles.clone(),
        class_ids,
    }
}

/// Whether an announcement with this audience is addressed to the reader.
pub fn addressed_to(audience: &Audience, reader: &Reader) -> bool {
    match audience {
        Audience::All => true,
        Audience::Roles(roles) => roles.iter().any(|r| reader.roles.contains(r)),
        Audience::Classes(classes) => classes.iter().any(|c| reader.class_ids.contains(c)),
    }
}

/// True for the school administration (director, administrator, deputy head).
pub fn is_school_admin(actor: &Actor) -> bool {
    actor.is_administration()
}

/// Whether the actor may write announcements: the administration and teachers.
pub fn may_publish_announcement(actor: &Actor) -> bool {
    is_school_admin(actor) || actor.has(Role::Teacher)
}

/// Whether the actor may change or delete a piece written by `author` in `organization`:
/// its author, or the administration of that school.
pub fn may_manage(actor: &Actor, author: AccountId, organization: OrganizationId) -> bool {
    actor.organization_id == organization && (actor.account_id == author || is_school_admin(actor))
}

/// Whether the actor sees every announcement of their school, addressed to them or not.
pub fn sees_all_announcements(actor: &Actor) -> bool {
    is_school_admin(actor)
}

/// Whether the actor may publish resources at all: teachers and the administration.
pub fn may_publish_resource(actor: &Actor) -> bool {
    is_school_admin(actor) || actor.has(Role::Teacher)
}

#[cfg(test)]
mod tests {
    use super::super::actor as make;
    use super::*;

    fn classes(ids: &[i64]) -> Vec<ClassId> {
        ids.iter().map(|i| ClassId::new(*i)).collect()
    }

    fn actor(roles: &[Role]) -> Actor {
        make(7, 1, roles)
    }

    #[test]
    fn audience_matches_roles_and_classes() {
        let parent = reader(&actor(&[Role::Parent]), classes(&[10]));
        assert!(addressed_to(&Audience::All, &parent));
        assert!(addressed_to(&Audience::Roles(vec![Role::Parent]), &parent));
        assert!(!addressed_to(
            &Audience::Roles(vec![Role::Student, Role::Teacher]),
            &parent
        ));
        assert!(addressed_to(&Audience::Classes(classes(&[9, 10])), &parent));
        assert!(!addressed_to(&Audience::Classes(classes(&[11])), &parent));
        assert!(!addressed_to(&Audience::Classes(classes(&[])), &parent));
    }

    #[test]
    fn teachers_and_administration_publish_families_do_not() {
        assert!(may_publish_announcement(&actor(&[Role::Teacher])));
        assert!(may_publish_announcement(&actor(&[Role::DeputyHead])));
        assert!(may_publish_announcement(&actor(&[Role::Administrator])));
        assert!(!may_publish_announcement(&actor(&[Role::Parent])));
        assert!(!may_publish_announcement(&actor(&[Role::Student])));
        assert!(!may_publish_announcement(&actor(&[Role::Staff])));
        assert!(!may_publish_resource(&actor(&[Role::Parent])));
        assert!(may_publish_resource(&actor(&[Role::Teacher])));
    }

    #[test]
    fn the_author_or_the_administration_manage() {
        let teacher = actor(&[Role::Teacher]);
        assert!(may_manage(
            &teacher,
            AccountId::new(7),
            OrganizationId::new(1)
        ));
        assert!(!may_manage(
            &teacher,
            AccountId::new(8),
            OrganizationId::new(1)
        ));
        assert!(!may_manage(
            &teacher,
            AccountId::new(7),
            OrganizationId::new(2)
        ));
        let admin = make(7, 1, &[Role::Administrator]);
        assert!(may_manage(
            &admin,
            AccountId::new(8),
            OrganizationId::new(1)
        ));
        assert!(!may_manage(
            &admin,
            AccountId::new(8),
            OrganizationId::new(2)
        ));
    }
}
