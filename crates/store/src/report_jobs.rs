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
    /// How many times a node has claimed it.
    pub attempts: i32,
}

/// A lease on a job, in the real time of the machines (never a portal clock fixed for tests):
/// leases are about processes that die.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lease {
    /// Now: leases that ran out before it are over.
    pub now: DateTime<Utc>,
    /// The end of the lease being taken.
    pub until: DateTime<Utc>,
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
    /// Claims for `node` the oldest job that is queued, or running under a lease that ran out,
    /// and has not expired by `today` (the portal's clock); concurrent claimers on other nodes
    /// skip it rather than wait.
    async fn claim_report_job(
        &self,
        node: &str,
        lease: Lease,
        today: DateTime<Utc>,
    ) -> StoreResult<Option<ReportJobRecord>>;
    /// Extends the lease of a job `node` holds; false when it no longer holds it.
    async fn renew_report_job(
        &self,
        id: i64,
        node: &str,
        lease_until: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Records how far a job `node` holds got.
    async fn report_job_progress(&self, id: i64, node: &str, progress: i32) -> StoreResult<()>;
    /// Finishes a job `node` holds with its document (JSON), kept until `expires_at`.
    async fn finish_report_job(
        &self,
        id: i64,
        node: &str,
        document: &str,
        at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Fails a job `node` holds with a message for its owner.
    async fn fail_report_job(
        &self,
        id: i64,
        node: &str,
        error: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Hands the jobs `node` holds back to the queue (the node is stopping); how many.
    async fn release_report_jobs(&self, node: &str) -> StoreResult<u64>;
    /// The document (JSON) of a finished job that has not expired by `now`.
    async fn report_job_document(&self, id: i64, now: DateTime<Utc>)
    -> StoreResult<Option<String>>;
    /// Deletes jobs expired by `now`; how many.
    async fn delete_expired_report_jobs(&self, now: DateTime<Utc>) -> StoreResult<u64>;
}
