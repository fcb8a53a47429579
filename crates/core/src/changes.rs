//! What a write changed, said once by the store in the write's own transaction (the outbox) and
//! followed by whoever keeps derived data: the caches now; other nodes, rebuilt diary weeks and
//! families' events later. Not the audit log (who did what, for people), and not the school's
//! announcements (объявления): these are facts for machines.

use crate::{AccountId, OrganizationId, UnknownCode};

/// Whose data a write touched. The ids are the stored numbers: the store names them in the
/// write's own transaction; [`Scope`] gives them their types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeSubject {
    /// One student's diary: marks, attendance, class and subgroup membership.
    Student(i64),
    /// A subject group (by id): its lessons, homework, attachments, teachers.
    Group(i64),
    /// A class (by id): its name, teacher, subgroups, timetable, groups.
    Class(i64),
    /// Everything in an organization: its calendar, bells, subjects, assignment types, imports.
    Organization(i64),
    /// One account's sign-in standing: password, roles, activity, parent links, sessions.
    Account(i64),
}

impl ChangeSubject {
    /// The stored kind and id.
    pub fn parts(self) -> (&'static str, i64) {
        match self {
            ChangeSubject::Student(id) => ("student", id),
            ChangeSubject::Group(id) => ("group", id),
            ChangeSubject::Class(id) => ("class", id),
            ChangeSubject::Organization(id) => ("organization", id),
            ChangeSubject::Account(id) => ("account", id),
        }
    }

    /// Reads the stored kind and id.
    pub fn from_parts(kind: &str, id: i64) -> Result<ChangeSubject, UnknownCode> {
        Ok(match kind {
            "student" => ChangeSubject::Student(id),
            "group" => ChangeSubject::Group(id),
            "class" => ChangeSubject::Class(id),
            "organization" => ChangeSubject::Organization(id),
            "account" => ChangeSubject::Account(id),
            _ => {
                return Err(UnknownCode {
                    what: "change subject",
                    value: kind.into(),
                });
            }
        })
    }
}

macro_rules! change_kinds {
    ($($variant:ident => $code:literal, $doc:literal;)*) => {
        /// What kind of write it was.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ChangeKind {
            $(#[doc = $doc] $variant,)*
        }

        impl ChangeKind {
            /// The stored form.
            pub fn code(self) -> &'static str {
                match self {
                    $(ChangeKind::$variant => $code,)*
                }
            }

            /// Reads the stored form.
            pub fn from_code(code: &str) -> Result<ChangeKind, UnknownCode> {
                match code {
                    $($code => Ok(ChangeKind::$variant),)*
                    _ => Err(UnknownCode { what: "change kind", value: code.into() }),
                }
            }
        }
    };
}

change_kinds! {
    Marks => "marks", "A mark or a final mark set, changed or removed.";
    Attendance => "attendance", "An attendance code set or removed.";
    Assignments => "assignments", "Homework or another assignment created, removed, or given files.";
    Lessons => "lessons", "A lesson's topic, time, room, teacher or status.";
    Timetable => "timetable", "A class's timetable and the lessons made from it.";
    Groups => "groups", "Classes, subgroups, subject groups, subjects and who is in or teaches them.";
    Calendar => "calendar", "Academic years, periods, holidays.";
    Bells => "bells", "The bell schedule.";
    AssignmentTypes => "assignment_types", "The organization's assignment types.";
    Person => "person", "A person's name or an account's display name and contacts.";
    Standing => "standing", "Password, roles, activity or sessions of an account.";
    Links => "links", "A parent linked to or unlinked from a child.";
    Import => "import", "People imported from a table.";
}

/// One thing a write changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Changed {
    /// Whose data.
    pub subject: ChangeSubject,
    /// What kind of write.
    pub kind: ChangeKind,
}

impl Changed {
    /// A change of `kind` to `subject`.
    pub fn new(subject: ChangeSubject, kind: ChangeKind) -> Changed {
        Changed { subject, kind }
    }

    /// Which assembled diary weeks this change may make wrong. A group's or class's members are
    /// not known without the database, so those widen to every week; an organization's weeks
    /// are known by the student's organization.
    pub fn stale_diaries(&self) -> Scope {
        match (self.subject, self.kind) {
            (ChangeSubject::Student(id), _) => Scope::Account(AccountId::new(id)),
            // A person's name is shown in their diary; their standing and links are not.
            (ChangeSubject::Account(id), ChangeKind::Person) => Scope::Account(AccountId::new(id)),
            (ChangeSubject::Account(_), _) => Scope::Nothing,
            (ChangeSubject::Group(_) | ChangeSubject::Class(_), _) => Scope::Everything,
            (ChangeSubject::Organization(id), _) => Scope::Organization(OrganizationId::new(id)),
        }
    }

    /// Which checked sessions this change may make wrong: those carrying the account's roles,
    /// password state or activity.
    pub fn stale_sessions(&self) -> Scope {
        match (self.subject, self.kind) {
            (ChangeSubject::Account(id), ChangeKind::Standing) => {
                Scope::Account(AccountId::new(id))
            }
            // An import may create or update accounts of the organization.
            (ChangeSubject::Organization(id), ChangeKind::Import) => {
                Scope::Organization(OrganizationId::new(id))
            }
            _ => Scope::Nothing,
        }
    }
}

/// Which entries of a cache keyed by account a change reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// None.
    Nothing,
    /// Those of one account (a student's weeks, an account's sessions).
    Account(AccountId),
    /// Those of the accounts of one organization.
    Organization(OrganizationId),
    /// All.
    Everything,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_forms_round_trip_and_unknown_ones_are_errors() {
        for subject in [
            ChangeSubject::Student(1),
            ChangeSubject::Group(2),
            ChangeSubject::Class(3),
            ChangeSubject::Organization(4),
            ChangeSubject::Account(5),
        ] {
            let (kind, id) = subject.parts();
            assert_eq!(ChangeSubject::from_parts(kind, id).unwrap(), subject);
        }
        assert!(ChangeSubject::from_parts("region", 1).is_err());
        for kind in [
            ChangeKind::Marks,
            ChangeKind::Attendance,
            ChangeKind::Assignments,
            ChangeKind::Lessons,
            ChangeKind::Timetable,
            ChangeKind::Groups,
            ChangeKind::Calendar,
            ChangeKind::Bells,
            ChangeKind::AssignmentTypes,
            ChangeKind::Person,
            ChangeKind::Standing,
            ChangeKind::Links,
            ChangeKind::Import,
        ] {
            assert_eq!(ChangeKind::from_code(kind.code()).unwrap(), kind);
        }
        assert!(ChangeKind::from_code("weather").is_err());
    }

    #[test]
    fn a_student_change_reaches_only_that_students_weeks() {
        let mark = Changed::new(ChangeSubject::Student(7), ChangeKind::Marks);
        assert_eq!(mark.stale_diaries(), Scope::Account(AccountId::new(7)));
        assert_eq!(mark.stale_sessions(), Scope::Nothing);
    }

    #[test]
    fn group_and_class_changes_reach_every_week_and_no_session() {
        for subject in [ChangeSubject::Group(3), ChangeSubject::Class(3)] {
            let c = Changed::new(subject, ChangeKind::Assignments);
            assert_eq!(c.stale_diaries(), Scope::Everything);
            assert_eq!(c.stale_sessions(), Scope::Nothing);
        }
    }

    #[test]
    fn an_organization_change_reaches_its_weeks_and_an_import_its_sessions() {
        let bells = Changed::new(ChangeSubject::Organization(2), ChangeKind::Bells);
        assert_eq!(
            bells.stale_diaries(),
            Scope::Organization(OrganizationId::new(2))
        );
        assert_eq!(bells.stale_sessions(), Scope::Nothing);
        let import = Changed::new(ChangeSubject::Organization(2), ChangeKind::Import);
        assert_eq!(
            import.stale_sessions(),
            Scope::Organization(OrganizationId::new(2))
        );
    }

    #[test]
    fn an_accounts_standing_reaches_its_sessions_and_its_name_its_weeks() {
        let password = Changed::new(ChangeSubject::Account(9), ChangeKind::Standing);
        assert_eq!(password.stale_sessions(), Scope::Account(AccountId::new(9)));
        assert_eq!(password.stale_diaries(), Scope::Nothing);
        let name = Changed::new(ChangeSubject::Account(9), ChangeKind::Person);
        assert_eq!(name.stale_diaries(), Scope::Account(AccountId::new(9)));
        assert_eq!(name.stale_sessions(), Scope::Nothing);
        let link = Changed::new(ChangeSubject::Account(9), ChangeKind::Links);
        assert_eq!(link.stale_sessions(), Scope::Nothing);
        assert_eq!(link.stale_diaries(), Scope::Nothing);
    }
}
