//! Persistence: the repository trait, the records it returns, and its SQL, written once and
//! compiled for each engine (SQLite and PostgreSQL).

mod announcements;
mod api_tokens;
mod attachments;
mod bulk;
mod calendar_feeds;
mod connect;
mod curriculum;
mod files;
mod identity;
mod import;
mod journal;
mod mail;
mod operations;
mod outbox;
mod passkeys;
mod people;
mod pool;
mod postgres;
mod progress;
mod protection;
mod records;
mod report_jobs;
mod reports;
mod resources;
mod school_setup;
mod settings;
mod sqlite;
mod sqlite_reads;
mod territory_admin;
/// Per-test databases; public so that every crate's tests share one harness.
#[doc(hidden)]
pub mod testing;
mod week;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sgo_core::OrganizationKind;

/// An account's id as stored. The store keeps plain numbers (sqlx may know no `sgo-core` type);
/// `sgo-app` turns them into [`sgo_core::AccountId`] and back at its boundary.
pub(crate) type AccountId = i64;
/// An organization's id as stored (see [`AccountId`]).
pub(crate) type OrganizationId = i64;

pub use announcements::*;
pub use api_tokens::*;
pub use attachments::*;
pub use bulk::Value;
pub use calendar_feeds::*;
pub use connect::{
    Engine, PostgresOptions, connect, connect_existing, connect_with, is_postgres, sqlite_snapshot,
};
pub use curriculum::*;
pub use files::{
    ByteStream, FILE_CHUNK_BYTES, FileBody, FileStore, LocalFileStore, PostgresFileStore, is_key,
    stream_of,
};
pub use identity::*;
pub use import::*;
pub use journal::*;
pub use mail::*;
pub use operations::{Backlog, OperationsStore, PoolUse, SchemaState, TableFingerprint};
pub use outbox::*;
pub use passkeys::*;
pub use people::*;
pub use progress::*;
pub use protection::*;
pub use records::*;
pub use report_jobs::*;
pub use reports::*;
pub use resources::*;
pub use school_setup::*;
pub use settings::*;
pub use territory_admin::*;
pub use week::{DiaryStore, DiaryWeekRecord, WeekFileRecord};

/// What can go wrong in storage.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness or reference rule of the schema was broken; carries the constraint name if known.
    #[error("constraint violated: {0}")]
    Conflict(String),
    /// The database schema is newer than this program.
    #[error("{0}")]
    SchemaTooNew(String),
    /// Any other database failure.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// The file store failed (disk full, permissions).
    #[error("file store error: {0}")]
    Files(String),
    /// A file being stored went over the byte limit its writer set; nothing of it was kept.
    #[error("the file is larger than {limit} bytes")]
    TooLarge {
        /// The limit.
        limit: u64,
    },
    /// Data read back is not what the schema promises.
    #[error("unexpected data: {0}")]
    Corrupt(String),
    /// SQLite's in-place read path failed (`sqlite_reads`).
    #[error("database error: {0}")]
    Sqlite(String),
    /// Migrations failed.
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Result of storage operations.
pub type StoreResult<T> = Result<T, StoreError>;

/// Every repository operation. Implemented once in SQL for both engines; the administration
/// areas are sub-traits in their own files, so callers import the area they use.
#[async_trait]
pub trait Store:
    TerritoryAdminStore
    + SchoolSetupStore
    + CurriculumStore
    + PeopleStore
    + ImportStore
    + SettingsStore
    + AttachmentStore
    + JournalStore
    + ProgressStore
    + AnnouncementStore
    + ResourceStore
    + MailStore
    + ProtectionStore
    + IdentityStore
    + PasskeyStore
    + ApiTokenStore
    + CalendarFeedStore
    + ReportStore
    + ReportJobStore
    + OutboxStore
    + OperationsStore
    + DiaryStore
    + Send
    + Sync
    + 'static
{
    /// Which engine this is.
    fn engine(&self) -> Engine;

    /// Where this engine keeps file contents: in the database itself on PostgreSQL (so that
    /// every node sharing it serves every file), in `files_dir` on SQLite.
    fn file_store(&self, files_dir: &std::path::Path) -> std::sync::Arc<dyn FileStore>;

    // --- territory and organizations ---
    /// All regions of the portal.
    async fn regions(&self) -> StoreResult<Vec<NamedRecord>>;
    /// Municipalities of a region.
    async fn municipalities(&self, region_id: i64) -> StoreResult<Vec<NamedRecord>>;
    /// Settlements of a municipality.
    async fn settlements(&self, municipality_id: i64) -> StoreResult<Vec<NamedRecord>>;
    /// The kinds of the active organizations in a settlement.
    async fn organization_kinds(&self, settlement_id: i64) -> StoreResult<Vec<OrganizationKind>>;
    /// Active organizations of a kind in a settlement.
    async fn organizations_in(
        &self,
        settlement_id: i64,
        kind: OrganizationKind,
    ) -> StoreResult<Vec<NamedRecord>>;
    /// Active organizations whose normalised name contains `needle` (all when `None`), by kind.
    async fn search_organizations(
        &self,
        needle: Option<&str>,
        kind: Option<OrganizationKind>,
    ) -> StoreResult<Vec<OrganizationRecord>>;
    /// One organization with its place in the territory.
    async fn organization(&self, id: OrganizationId) -> StoreResult<Option<OrganizationRecord>>;

    // --- accounts ---
    /// What is needed to check a password for a login in an organization.
    async fn credentials(
        &self,
        organization_id: OrganizationId,
        login_norm: &str,
    ) -> StoreResult<Option<CredentialsRecord>>;
    /// An account with its person.
    async fn account(&self, id: AccountId) -> StoreResult<Option<AccountRecord>>;
    /// The roles of an account.
    async fn account_roles(&self, id: AccountId) -> StoreResult<Vec<sgo_core::Role>>;
    /// Replaces an account's password (hash and sealed legacy verifier) and sets whether it must be
    /// changed at the next sign-in; returns false when the account does not exist.
    async fn set_password(
        &self,
        account: AccountId,
        password_hash: &str,
        legacy_verifier: Option<&[u8]>,
        must_change: bool,
    ) -> StoreResult<bool>;

    // --- sessions and the NetSchool challenge ---
    /// Records a new session.
    async fn create_session(&self, session: &NewSession) -> StoreResult<i64>;
    /// The session whose token hashes to `token_hash`.
    async fn session_by_token(&self, token_hash: &[u8]) -> StoreResult<Option<SessionRecord>>;
    /// The session bound to a NSSESSIONID cookie hash.
    async fn session_by_cookie(&self, cookie_hash: &[u8]) -> StoreResult<Option<SessionRecord>>;
    /// Moves a session's last activity forward.
    async fn touch_session(&self, id: i64, at: DateTime<Utc>) -> StoreResult<()>;
    /// Ends a session.
    async fn delete_session(&self, id: i64) -> StoreResult<()>;
    /// Ends every session idle since before `cutoff` (API tokens end at their expiry instead);
    /// returns how many.
    async fn delete_sessions_idle_since(&self, cutoff: DateTime<Utc>) -> StoreResult<u64>;
    /// Records a challenge issued to a NSSESSIONID.
    async fn create_login_ticket(&self, ticket: &LoginTicket) -> StoreResult<()>;
    /// Removes and returns the challenge with `lt` issued to the cookie; all its challenges are spent.
    async fn take_login_ticket(
        &self,
        cookie_hash: &[u8],
        lt: &str,
    ) -> StoreResult<Option<LoginTicket>>;
    /// Removes challenges issued before `cutoff`.
    async fn delete_login_tickets_before(&self, cutoff: DateTime<Utc>) -> StoreResult<u64>;

    // --- people around a student ---
    /// The children linked to a parent, with their class on `on`.
    async fn children(&self, parent: AccountId, on: NaiveDate) -> StoreResult<Vec<StudentRecord>>;
    /// A student with their class on `on`; `None` if the account does not exist.
    async fn student(
        &self,
        student: AccountId,
        on: NaiveDate,
    ) -> StoreResult<Option<StudentRecord>>;

    // --- the school year ---
    /// The academic year of the organization that contains `on`, else the latest that started before it.
    async fn current_year(
        &self,
        organization_id: OrganizationId,
        on: NaiveDate,
    ) -> StoreResult<Option<AcademicYearRecord>>;
    /// All academic years of an organization, newest first.
    async fn years(&self, organization_id: OrganizationId) -> StoreResult<Vec<AcademicYearRecord>>;
    /// Periods of a year that apply to a grade, in order.
    async fn periods(&self, academic_year_id: i64, grade: i32) -> StoreResult<Vec<PeriodRecord>>;
    /// Assignment types of an organization (`active_only` hides retired ones).
    async fn assignment_types(
        &self,
        organization_id: OrganizationId,
        active_only: bool,
    ) -> StoreResult<Vec<AssignmentTypeRecord>>;

    // --- the diary ---
    /// A student's lessons between two dates (inclusive), in time order.
    async fn diary_lessons(
        &self,
        student: AccountId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<DiaryLessonRecord>>;
    /// Assignments on those lessons, each with the student's mark if any.
    async fn diary_assignments(
        &self,
        student: AccountId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<DiaryAssignmentRecord>>;
    /// The student's attendance codes on those lessons.
    async fn diary_attendance(
        &self,
        student: AccountId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<AttendanceRecord>>;
    /// Mandatory assignments of the student due between the dates and before `today` that have
    /// no mark or only a duty mark.
    async fn overdue_assignments(
        &self,
        student: AccountId,
        from: NaiveDate,
        to: NaiveDate,
        today: NaiveDate,
    ) -> StoreResult<Vec<DiaryAssignmentRecord>>;

    // --- audit ---
    /// Appends to the audit log.
    async fn append_audit_log(&self, entry: &AuditLogEntry) -> StoreResult<()>;
    /// The newest audit entries, for tests and the administrator's view.
    async fn recent_audit_log(&self, limit: i64) -> StoreResult<Vec<AuditLogEntry>>;

    // --- bulk loading (demo region, imports) ---
    /// True when the database holds no region yet.
    async fn is_empty(&self) -> StoreResult<bool>;
    /// Inserts rows with explicit ids into a table, in one transaction.
    async fn bulk_insert(
        &self,
        table: &'static str,
        columns: &'static [&'static str],
        rows: Vec<Vec<Value>>,
    ) -> StoreResult<()>;
    /// After explicit-id loads: moves id sequences past the loaded ids and refreshes statistics.
    async fn finish_bulk_load(&self) -> StoreResult<()>;
}
