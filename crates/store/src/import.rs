//! Imports of students, parents and staff: staged files and their all-or-nothing application.

use crate::{AccountId, OrganizationId};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use crate::StoreResult;

/// A checked batch waiting for confirmation.
pub const IMPORT_STAGED: &str = "staged";
/// Confirmed; its transaction is running.
pub const IMPORT_APPLYING: &str = "applying";
/// Written; the payload has been emptied.
pub const IMPORT_APPLIED: &str = "applied";
/// Confirmed, but the transaction was rolled back; `message` says why.
pub const IMPORT_FAILED: &str = "failed";

/// A batch to stage.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub struct NewImportBatch {
    pub organization_id: OrganizationId,
    pub created_by: AccountId,
    pub created_at: DateTime<Utc>,
    /// `students` or `staff`.
    pub kind: String,
    pub file_name: String,
    /// The checked batch, serialised by the caller.
    pub payload: String,
    pub students: i32,
    pub parents: i32,
    pub staff: i32,
    /// Accounts the batch creates: the progress bar's end.
    pub rows_total: i32,
}

/// A staged (or applied) batch.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct ImportBatchRecord {
    pub id: i64,
    pub organization_id: OrganizationId,
    pub created_by: AccountId,
    pub created_at: DateTime<Utc>,
    pub kind: String,
    pub file_name: String,
    pub payload: String,
    /// One of `IMPORT_STAGED`, `IMPORT_APPLYING`, `IMPORT_APPLIED`, `IMPORT_FAILED`.
    pub status: String,
    pub students: i32,
    pub parents: i32,
    pub staff: i32,
    pub rows_total: i32,
    pub rows_done: i32,
    /// Why it failed, when it did.
    pub message: String,
    pub finished_at: Option<DateTime<Utc>>,
    /// How many times a node has started writing it.
    pub attempts: i32,
}

/// A class of the school's year, for matching «5А» in a file.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct ImportClassRecord {
    pub id: i64,
    pub grade: i32,
    pub letter: String,
}

/// A person and their account as an import writes them (no password: sheets issue those).
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub struct ImportAccount {
    pub last_name: String,
    pub first_name: String,
    pub middle_name: String,
    pub birth_date: Option<NaiveDate>,
    /// `male`, `female` or none.
    pub gender: Option<String>,
    pub login: String,
    pub login_norm: String,
    pub display_name: String,
    pub email: String,
    pub phone: String,
    /// Role codes.
    pub roles: Vec<String>,
    /// The class the account joins from [`ImportPlan::class_from`], for students.
    pub class_id: Option<i64>,
}

/// Everything one confirmed batch writes.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub struct ImportPlan {
    pub batch_id: i64,
    pub organization_id: OrganizationId,
    pub at: DateTime<Utc>,
    /// Class membership starts on this day.
    pub class_from: NaiveDate,
    pub accounts: Vec<ImportAccount>,
    /// (parent, student) as indexes into `accounts`.
    pub links: Vec<(usize, usize)>,
    /// What `message` of the batch says once applied.
    pub summary: String,
}

/// How applying a plan ended.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportOutcome {
    /// Everything was written; the new account ids in plan order.
    Applied(Vec<AccountId>),
    /// A login was taken in the school meanwhile; nothing was written.
    LoginTaken(String),
    /// The batch was not in the `applying` state (applied already, or never confirmed).
    NotClaimed,
}

/// Imports of students, parents and staff — storage operations.
#[async_trait]
pub trait ImportStore: Send + Sync {
    /// Normalised logins of every account of the organization.
    async fn organization_login_norms(
        &self,
        organization_id: OrganizationId,
    ) -> StoreResult<Vec<String>>;
    /// The classes of an academic year.
    async fn year_classes(&self, academic_year_id: i64) -> StoreResult<Vec<ImportClassRecord>>;
    /// Stages a checked batch in the `staged` state; returns its id.
    async fn create_import_batch(&self, batch: &NewImportBatch) -> StoreResult<i64>;
    /// One batch.
    async fn import_batch(&self, id: i64) -> StoreResult<Option<ImportBatchRecord>>;
    /// The organization's newest batches, without payloads.
    async fn import_batches(
        &self,
        organization_id: OrganizationId,
        limit: i64,
    ) -> StoreResult<Vec<ImportBatchRecord>>;
    /// Moves a batch from `staged` to `applying`, held by `node` under `lease`; false when it
    /// was not staged (so a batch is confirmed once even when two requests race).
    async fn claim_import_batch(
        &self,
        id: i64,
        node: &str,
        lease: crate::Lease,
    ) -> StoreResult<bool>;
    /// Takes over an `applying` batch whose holder's lease ran out (its node died: the writing
    /// was rolled back with it), for `node` under `lease`; the batch, with its payload.
    async fn reclaim_import_batch(
        &self,
        node: &str,
        lease: crate::Lease,
    ) -> StoreResult<Option<ImportBatchRecord>>;
    /// Extends the lease of a batch `node` is writing and records how far it got; false when
    /// `node` no longer holds it. PostgreSQL only: on SQLite the writing holds the one write lock.
    async fn renew_import_batch(
        &self,
        id: i64,
        node: &str,
        lease_until: DateTime<Utc>,
        rows_done: i32,
    ) -> StoreResult<bool>;
    /// Writes a claimed plan in one transaction, calling `progress` with the number of accounts
    /// written so far; on success the batch becomes `applied` in the same transaction.
    async fn apply_import(
        &self,
        plan: &ImportPlan,
        progress: &(dyn Fn(usize) + Send + Sync),
    ) -> StoreResult<ImportOutcome>;
    /// Marks an `applying` batch `failed` with the reason.
    async fn fail_import_batch(&self, id: i64, message: &str, at: DateTime<Utc>)
    -> StoreResult<()>;
    /// Removes staged and failed batches created before `cutoff`; returns how many.
    async fn delete_stale_import_batches(&self, cutoff: DateTime<Utc>) -> StoreResult<u64>;
}
