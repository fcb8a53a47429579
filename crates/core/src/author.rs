//! How the author of mail, an announcement or an answer is named to the people who read it.
//!
//! Anyone may set their «Имя на экране» to anything, another person's name included, so a
//! reader is always told who wrote by the school's records: surname, name and patronymic, the
//! author's roles and school. The self-chosen name is at most shown beside that, never instead.

use crate::person::full_name;
use crate::text::normalise;
use crate::{AccountId, Role};

/// What a reader is told about who wrote something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    /// The author's account.
    pub id: AccountId,
    /// Surname from the school's records.
    pub last_name: String,
    /// Name from the school's records.
    pub first_name: String,
    /// Patronymic from the school's records (may be empty).
    pub middle_name: String,
    /// «Имя на экране», chosen by the author.
    pub display_name: String,
    /// The author's roles in their organization.
    pub roles: Vec<Role>,
    /// The short name of the author's organization.
    pub school: String,
}

/// Shown when the records hold no name at all, rather than falling back to a chosen one.
const NO_NAME: &str = "(ФИО не указано)";

impl Author {
    /// «Петрова Анна Ивановна»: the full name from the records.
    pub fn full_name(&self) -> String {
        let name = full_name(&self.last_name, &self.first_name, &self.middle_name);
        if name.is_empty() {
            NO_NAME.to_owned()
        } else {
            name
        }
    }

    /// «Петрова А.И.»: the surname and initials from the records.
    pub fn short_name(&self) -> String {
        let initials: String = [&self.first_name, &self.middle_name]
            .iter()
            .filter_map(|n| n.trim().chars().next())
            .map(|c| format!("{c}."))
            .collect();
        match (self.last_name.trim(), initials.is_empty()) {
            ("", true) => NO_NAME.to_owned(),
            ("", false) => initials,
            (last, true) => last.to_owned(),
            (last, false) => format!("{last} {initials}"),
        }
    }

    /// «Учитель, МБОУ СОШ №1»: the roles in display order, then the school.
    pub fn role_and_school(&self) -> String {
        let mut roles = self.roles.clone();
        roles.sort();
        roles.dedup();
        let mut parts: Vec<&str> = roles.iter().map(|r| r.title()).collect();
        if !self.school.trim().is_empty() {
            parts.push(self.school.trim());
        }
        parts.join(", ")
    }

    /// The self-chosen name, only when it says something other than the records' full name.
    pub fn chosen_name(&self) -> Option<&str> {
        let chosen = self.display_name.trim();
        let differs = normalise(chosen) != normalise(&self.full_name());
        (!chosen.is_empty() && differs).then_some(chosen)
    }

    /// One line for lists and plain text: «Петрова Анна Ивановна (Учитель, МБОУ СОШ №1)», and
    /// «, имя на экране «Аня»» after it when the chosen name differs.
    pub fn label(&self) -> String {
        let mut out = self.full_name();
        let about = self.role_and_school();
        if !about.is_empty() {
            out.push_str(&format!(" ({about})"));
        }
        if let Some(chosen) = self.chosen_name() {
            out.push_str(&format!(", имя на экране «{chosen}»"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn author(display: &str) -> Author {
        Author {
            id: AccountId::new(7),
            last_name: "Петрова".into(),
            first_name: "Анна".into(),
            middle_name: "Ивановна".into(),
            display_name: display.into(),
            roles: vec![Role::Teacher, Role::Parent, Role::Teacher],
            school: "МБОУ СОШ №1".into(),
        }
    }

    #[test]
    fn the_records_name_the_author_and_the_chosen_name_is_only_beside_it() {
        let a = author("Сидоров Сергей Сергеевич, директор");
        assert_eq!(a.full_name(), "Петрова Анна Ивановна");
        assert_eq!(a.short_name(), "Петрова А.И.");
        assert_eq!(a.role_and_school(), "Учитель, Родитель, МБОУ СОШ №1");
        assert_eq!(
            a.label(),
            "Петрова Анна Ивановна (Учитель, Родитель, МБОУ СОШ №1), имя на экране «Сидоров Сергей Сергеевич, директор»"
        );
        assert!(a.label().starts_with("Петрова Анна Ивановна"));
    }

    #[test]
    fn a_chosen_name_equal_to_the_records_is_not_repeated() {
        assert_eq!(author("петрова  анна ивановна").chosen_name(), None);
        assert_eq!(author("").chosen_name(), None);
        assert_eq!(author("Аня").chosen_name(), Some("Аня"));
    }

    #[test]
    fn no_name_in_the_records_does_not_fall_back_to_the_chosen_one() {
        let mut a = author("Директор");
        a.last_name.clear();
        a.first_name.clear();
        a.middle_name.clear();
        assert_eq!(a.full_name(), NO_NAME);
        assert_eq!(a.short_name(), NO_NAME);
        assert!(a.label().starts_with(NO_NAME));
    }
}
