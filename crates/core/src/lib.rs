//! The domain of SGO: types and rules, pure. No IO, no async, no SQL, no HTTP.

pub mod api_scope;
pub mod author;
pub mod calendar;
pub mod changes;
pub mod communication;
pub mod files;
pub mod icalendar;
pub mod identity;
pub mod ids;
pub mod import;
pub mod journal;
pub mod login;
pub mod mail;
pub mod marks;
pub mod message;
pub mod operations;
pub mod organization;
pub mod password_strength;
pub mod person;
pub mod policy;
pub mod progress;
pub mod protection;
pub mod rate;
pub mod report;
pub mod report_job;
pub mod report_territory;
pub mod role;
pub mod schedule;
pub mod settings;
pub mod territory_admin;
pub mod text;

pub use organization::OrganizationKind;
pub use policy::Actor;
pub use role::Role;

pub use ids::{
    AccountId, AnnouncementId, AssignmentId, AssignmentTypeId, ClassId, FileId, GroupId, HolidayId,
    LessonId, MessageId, MunicipalityId, OrganizationId, PasskeyId, PeriodId, PersonId, RegionId,
    ResourceId, SessionId, SettlementId, StudentId, SubgroupId, SubjectId, YearId,
};

/// A value read from storage or input that is not one of the known codes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what}: {value}")]
pub struct UnknownCode {
    /// Which kind of code was expected.
    pub what: &'static str,
    /// The text that was found.
    pub value: String,
}
