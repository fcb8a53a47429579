//! Records the store returns and takes.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use sgo_core::OrganizationKind;

/// An id and a name, for lists such as the login cascade.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct NamedRecord {
    /// The id.
    pub id: i64,
    /// The name.
    pub name: String,
}

/// An organization with its school-card fields and its place in the territory.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct OrganizationRecord {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub kind: OrganizationKind,
    pub short_name: String,
    pub full_name: String,
    pub authority_id: Option<i64>,
    pub inn: String,
    pub ogrn: String,
    pub post_address: String,
    pub juridical_address: String,
    pub phones: String,
    pub fax: String,
    pub email: String,
    pub web: String,
    pub director: String,
    pub principal_uvr: String,
    pub principal_ahc: String,
    pub principal_it: String,
    pub about: String,
    pub founding_date: Option<NaiveDate>,
    pub settlement_id: i64,
    pub settlement_name: String,
    pub municipality_id: i64,
    pub municipality_name: String,
    pub region_id: i64,
    pub region_name: String,
}

/// What a password check needs.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CredentialsRecord {
    /// The account.
    pub account_id: i64,
    /// Argon2id PHC string; `None` when no password was issued yet.
    pub password_hash: Option<String>,
    /// The sealed NetSchool verifier.
    pub legacy_verifier: Option<Vec<u8>>,
    /// Deactivated accounts cannot sign in.
    pub active: bool,
    /// A one-time password was issued and must be changed.
    pub must_change_password: bool,
}

/// An account with its person.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct AccountRecord {
    pub id: i64,
    pub person_id: i64,
    pub organization_id: i64,
    pub login: String,
    pub display_name: String,
    pub last_name: String,
    pub first_name: String,
    pub middle_name: String,
    pub birth_date: Option<NaiveDate>,
    pub email: String,
    pub phone: String,
    pub preferred_channel: String,
    pub active: bool,
}

/// A session to record.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// SHA-256 of the token.
    pub token_hash: Vec<u8>,
    /// SHA-256 of the NSSESSIONID bound to it, for clients that send only the cookie.
    pub cookie_hash: Option<Vec<u8>>,
    /// Who signed in.
    pub account_id: i64,
    /// `web` or `webapi`.
    pub channel: String,
    /// When.
    pub now: DateTime<Utc>,
    /// From where.
    pub ip: String,
    /// With what.
    pub user_agent: String,
}

/// A stored session and its account's standing.
#[derive(Debug, Clone, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct SessionRecord {
    pub id: i64,
    pub account_id: i64,
    pub organization_id: i64,
    pub channel: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub account_active: bool,
}

/// A NetSchool challenge issued to a pre-login NSSESSIONID.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct LoginTicket {
    pub cookie_hash: Vec<u8>,
    pub lt: String,
    pub ver: String,
    pub salt: String,
    pub created_at: DateTime<Utc>,
}

/// A student and their class on a date.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct StudentRecord {
    pub account_id: i64,
    pub organization_id: i64,
    pub display_name: String,
    pub class_id: Option<i64>,
    pub grade: Option<i32>,
    pub letter: Option<String>,
}

/// An academic year.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct AcademicYearRecord {
    pub id: i64,
    pub organization_id: i64,
    pub name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
}

/// A period (quarter, trimester, half-year) of a year for a range of grades.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct PeriodRecord {
    pub id: i64,
    pub academic_year_id: i64,
    pub kind: String,
    pub number: i32,
    pub name: String,
    pub grade_from: i32,
    pub grade_to: i32,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
}

/// A type of assignment with its default weight.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct AssignmentTypeRecord {
    pub id: i64,
    pub name: String,
    pub abbr: String,
    pub default_weight: i32,
    pub sort_order: i32,
    pub active: bool,
}

/// A lesson as the diary shows it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct DiaryLessonRecord {
    pub lesson_id: i64,
    pub date: NaiveDate,
    pub shift: i32,
    pub number: i32,
    pub start_time: NaiveTime,
    pub end_time: NaiveTime,
    pub room: String,
    pub topic: String,
    pub subject_name: String,
    pub subject_group_id: i64,
    pub subject_group_name: String,
}

/// An assignment with one student's mark.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct DiaryAssignmentRecord {
    pub assignment_id: i64,
    pub lesson_id: i64,
    pub lesson_date: NaiveDate,
    pub subject_name: String,
    pub type_id: i64,
    pub type_name: String,
    pub type_abbr: String,
    pub title: String,
    pub description: String,
    pub weight: i32,
    pub due_date: NaiveDate,
    pub mandatory: bool,
    pub mark_id: Option<i64>,
    pub mark_value: Option<i32>,
    pub mark_code: Option<String>,
    pub mark_duty: Option<bool>,
    pub mark_comment: Option<String>,
    pub mark_set_at: Option<DateTime<Utc>>,
}

/// One attendance code of a student on a lesson.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AttendanceRecord {
    /// The lesson.
    pub lesson_id: i64,
    /// ОТ, Б, УП, НП, ОП or ОСВ.
    pub code: String,
}

/// A line of the audit log.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct AuditLogEntry {
    pub at: DateTime<Utc>,
    pub actor_account_id: Option<i64>,
    /// The organization whose data the event concerns, when there is one (the audit log's filter).
    pub organization_id: Option<i64>,
    pub action: String,
    pub target: String,
    pub ip: String,
    pub result: String,
    pub details: String,
}
