//! Typed identifiers: one newtype per kind of row, so that a class id cannot be passed where a
//! lesson id is wanted. They are numbers on the wire (serde transparent, `Display` and `FromStr`
//! as the number), so NetSchool JSON and query strings do not change; the store keeps `i64`
//! and `sgo-app` converts at its boundary with [`new`](AccountId::new) and
//! [`get`](AccountId::get).

use std::fmt;
use std::str::FromStr;

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident;)*) => {
        $(
            $(#[$doc])*
            #[derive(
                Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default,
                serde::Serialize, serde::Deserialize,
            )]
            #[serde(transparent)]
            pub struct $name(i64);

            impl $name {
                /// The id of a stored row.
                pub const fn new(id: i64) -> $name {
                    $name(id)
                }

                /// The number, for the store and the wire.
                pub const fn get(self) -> i64 {
                    self.0
                }

                /// The numbers of several ids, for the store.
                pub fn numbers(ids: &[$name]) -> Vec<i64> {
                    ids.iter().map(|id| id.0).collect()
                }
            }

            impl fmt::Display for $name {
                fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    self.0.fmt(f)
                }
            }

            impl FromStr for $name {
                type Err = std::num::ParseIntError;

                fn from_str(s: &str) -> Result<$name, Self::Err> {
                    s.parse().map($name)
                }
            }
        )*
    };
}

ids! {
    /// An account: a login in one organization (`accounts.id`).
    AccountId;
    /// A person, who may hold several accounts (`persons.id`).
    PersonId;
    /// A student, named by their account (`class_students.student_account_id`), as NetSchool's
    /// `studentId` is.
    StudentId;
    /// An organization: a school or an education authority (`organizations.id`).
    OrganizationId;
    /// A region (`regions.id`).
    RegionId;
    /// A municipality (`municipalities.id`).
    MunicipalityId;
    /// A settlement (`settlements.id`).
    SettlementId;
    /// A class, grade and letter (`classes.id`).
    ClassId;
    /// A subgroup of a class (`subgroups.id`).
    SubgroupId;
    /// A subject group: class or subgroup × subject (`subject_groups.id`), NetSchool's group.
    GroupId;
    /// A subject (`subjects.id`).
    SubjectId;
    /// An academic year (`academic_years.id`), NetSchool's `yearId`.
    YearId;
    /// A period of an academic year (`periods.id`).
    PeriodId;
    /// A holiday (`holidays.id`).
    HolidayId;
    /// A dated lesson (`lessons.id`), NetSchool's class meeting.
    LessonId;
    /// An assignment on a lesson (`assignments.id`).
    AssignmentId;
    /// An assignment type (`assignment_types.id`).
    AssignmentTypeId;
    /// A mail message (`mail_messages.id`).
    MessageId;
    /// An announcement (`announcements.id`).
    AnnouncementId;
    /// A stored file (`files.id`).
    FileId;
    /// A school resource (`resources.id`).
    ResourceId;
    /// A signed-in session (`sessions.id`).
    SessionId;
    /// A registered passkey (`passkeys.id`).
    PasskeyId;
}

impl StudentId {
    /// The student's account.
    pub const fn account(self) -> AccountId {
        AccountId(self.0)
    }
}

impl AccountId {
    /// The account seen as a student's (the caller knows it is one, or the store will find
    /// nothing for it).
    pub const fn as_student(self) -> StudentId {
        StudentId(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_read_and_write_as_their_number() {
        let id: LessonId = "42".parse().unwrap();
        assert_eq!(id, LessonId::new(42));
        assert_eq!(id.to_string(), "42");
        assert!("4x".parse::<LessonId>().is_err());
    }

    #[test]
    fn a_student_is_named_by_their_account() {
        let student = AccountId::new(7).as_student();
        assert_eq!(student.get(), 7);
        assert_eq!(student.account(), AccountId::new(7));
    }
}
