//! Reports built in the background: the queue of jobs, their progress and finished documents.

use crate::{AccountId, OrganizationId};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::StoreResult;

/// A queued, running or finished report, without its document.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct ReportJobRecord {
    pub id: i64,
    pub account_id: AccountId,
    pub organization_id: OrganizationId,
    /// The secret a NetSchool client presents to wait for the job.
    pub queue_key: String,
    /// The report's address name, e.g. `class-progress`.
    pub kind: String,
    pub title: String,
    /// The request as JSON.
    pub request: String,
    /// `queued`, `running`, `done` or `failed`.
    pub state: String,
    /// 0..=100.
    pub progress: i32,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub expires_at: DateTime<Utc>,
}

/// A job to queue.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub struct NewReportJob {
    pub account_id: AccountId,
    pub organization_id: OrganizationId,
    pub queue_key: String,
    pub kind: String,
    pub title: String,
    pub request: String,
    pub node: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// The report queue — storage operations. State changes are conditional on the current state,
/// so a job is started once and a finished job never changes again.
#[async_trait]
pub trait ReportJobStore: Send + Sync {
    /// Queues a job; its id.
    async fn insert_report_job(&self, job: &NewReportJob) -> StoreResult<i64>;
    /// A job that has not expired by `now`.
    async fn report_job(&self, id: i64, now: DateTime<Utc>)
    -> StoreResult<Option<ReportJobRecord>>;
    /// An account's jobs that have not expired by `now`, newest first, at most `limit`.
    async fn report_jobs_of(
        &self,
        account: AccountId,
        now: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<ReportJobRecord>>;
    /// How many jobs of an account are queued or running.
    async fn unfinished_report_jobs_of(&self, account: AccountId) -> StoreResult<i64>;
    /// Moves a queued job to running; false when it was not queued.
    async fn start_report_job(&self, id: i64) -> StoreResult<bool>;
    /// Records how far a running job got.
    async fn report_job_progress(&self, id: i64, progress: i32) -> StoreResult<()>;
    /// Finishes a running job with its document (JSON), kept until `expires_at`.
    async fn finish_report_job(
        &self,
        id: i64,
        document: &str,
        at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Fails a queued or running job with a message for its owner.
    async fn fail_report_job(&self, id: i64, error: &str, at: DateTime<Utc>) -> StoreResult<bool>;
    /// Fails every queued or running job of a node (after its restart nothing is building
    /// them); how many.
    async fn fail_unfinished_report_jobs(
        &self,
        node: &str,
        error: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<u64>;
    /// The document (JSON) of a finished job that has not expired by `now`.
    async fn report_job_document(&self, id: i64, now: DateTime<Utc>)
    -> StoreResult<Option<String>>;
    /// Deletes jobs expired by `now`; how many.
    async fn delete_expired_report_jobs(&self, now: DateTime<Utc>) -> StoreResult<u64>;
}
