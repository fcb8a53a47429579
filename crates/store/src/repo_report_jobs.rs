// The report queue: the SQL of [`crate::ReportJobStore`], included into each engine by `repo.rs`.

macro_rules! report_job_columns {
    () => {
        "id, account_id, organization_id, queue_key, kind, title, request, state, progress, \
         error, created_at, finished_at, expires_at, attempts "
    };
}

macro_rules! report_job_select {
    () => {
        concat!("SELECT ", report_job_columns!(), "FROM report_jobs ")
    };
}

// The oldest claimable job: queued, or running under a lease that ran out by `$3`, and not
// expired by `$4`. Jobs from before leases (running, no lease) are claimable too: their builder
// is long gone.
macro_rules! claimable_job {
    () => {
        "SELECT id FROM report_jobs WHERE (state = 'queued' OR (state = 'running' \
         AND (lease_until IS NULL OR lease_until < $3))) AND expires_at > $4 ORDER BY id LIMIT 1"
    };
}

macro_rules! claim_job {
    ($pick:expr) => {
        concat!(
            "UPDATE report_jobs SET state = 'running', node = $1, lease_until = $2, \
             attempts = attempts + 1 WHERE id = (",
            $pick,
            ") RETURNING ",
            report_job_columns!()
        )
    };
}

/// Claims a job. PostgreSQL skips rows other nodes are claiming at this moment; SQLite has one
/// writer at a time, so the statement alone is enough there.
const CLAIM_REPORT_JOB: &str = if matches!(ENGINE, Engine::Postgres) {
    claim_job!(concat!(claimable_job!(), " FOR UPDATE SKIP LOCKED"))
} else {
    claim_job!(claimable_job!())
};

#[async_trait]
impl crate::ReportJobStore for Backend {
    async fn insert_report_job(&self, job: &crate::NewReportJob) -> StoreResult<i64> {
        let id: i64 = query_scalar(
            "INSERT INTO report_jobs (account_id, organization_id, queue_key, kind, title, request, \
             node, state, progress, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, '', 'queued', 0, $7, $8) RETURNING id",
        )
        .bind(job.account_id)
        .bind(job.organization_id)
        .bind(&job.queue_key)
        .bind(&job.kind)
        .bind(&job.title)
        .bind(&job.request)
        .bind(job.created_at)
        .bind(job.expires_at)
        .fetch_one(&self.pool)
        .await
        .map_err(map_conflict)?;
        Ok(id)
    }

    async fn report_job(
        &self,
        id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<crate::ReportJobRecord>> {
        Ok(
            query_as(concat!(report_job_select!(), "WHERE id = $1 AND expires_at > $2"))
                .bind(id)
                .bind(now)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    async fn report_jobs_of(
        &self,
        account: AccountId,
        now: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<crate::ReportJobRecord>> {
        Ok(query_as(concat!(
            report_job_select!(),
            "WHERE account_id = $1 AND expires_at > $2 ORDER BY id DESC LIMIT $3"
        ))
        .bind(account)
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn unfinished_report_jobs_of(&self, account: AccountId) -> StoreResult<i64> {
        Ok(query_scalar(
            "SELECT COUNT(*) FROM report_jobs WHERE account_id = $1 \
             AND state IN ('queued', 'running')",
        )
        .bind(account)
        .fetch_one(&self.pool)
        .await?)
    }

    async fn claim_report_job(
        &self,
        node: &str,
        lease: crate::Lease,
        today: DateTime<Utc>,
    ) -> StoreResult<Option<crate::ReportJobRecord>> {
        // SQLite takes its one write lock for any UPDATE, even one that changes nothing: look
        // first, so idle nodes polling for work do not queue behind writers.
        if ENGINE == Engine::Sqlite {
            let any: Option<i64> = query_scalar(claimable_job!())
                .bind(node)
                .bind(lease.until)
                .bind(lease.now)
                .bind(today)
                .fetch_optional(&self.pool)
                .await?;
            if any.is_none() {
                return Ok(None);
            }
        }
        Ok(query_as(CLAIM_REPORT_JOB)
            .bind(node)
            .bind(lease.until)
            .bind(lease.now)
            .bind(today)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn renew_report_job(
        &self,
        id: i64,
        node: &str,
        lease_until: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = query(
            "UPDATE report_jobs SET lease_until = $3 WHERE id = $1 AND node = $2 AND state = 'running'",
        )
        .bind(id)
        .bind(node)
        .bind(lease_until)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn report_job_progress(&self, id: i64, node: &str, progress: i32) -> StoreResult<()> {
        query("UPDATE report_jobs SET progress = $3 WHERE id = $1 AND node = $2 AND state = 'running'")
            .bind(id)
            .bind(node)
            .bind(progress)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn finish_report_job(
        &self,
        id: i64,
        node: &str,
        document: &str,
        at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = query(
            "UPDATE report_jobs SET state = 'done', progress = 100, document = $3, \
             finished_at = $4, expires_at = $5, lease_until = NULL \
             WHERE id = $1 AND node = $2 AND state = 'running'",
        )
        .bind(id)
        .bind(node)
        .bind(document)
        .bind(at)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn fail_report_job(
        &self,
        id: i64,
        node: &str,
        error: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = query(
            "UPDATE report_jobs SET state = 'failed', error = $3, finished_at = $4, lease_until = NULL \
             WHERE id = $1 AND node = $2 AND state = 'running'",
        )
        .bind(id)
        .bind(node)
        .bind(error)
        .bind(at)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn release_report_jobs(&self, node: &str) -> StoreResult<u64> {
        let done = query(
            "UPDATE report_jobs SET state = 'queued', node = '', lease_until = NULL, \
             attempts = attempts - 1 WHERE node = $1 AND state = 'running'",
        )
        .bind(node)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    async fn report_job_document(
        &self,
        id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<String>> {
        Ok(query_scalar(
            "SELECT document FROM report_jobs WHERE id = $1 AND state = 'done' \
             AND expires_at > $2",
        )
        .bind(id)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?
        .flatten())
    }

    async fn delete_expired_report_jobs(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        let done = query("DELETE FROM report_jobs WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}
