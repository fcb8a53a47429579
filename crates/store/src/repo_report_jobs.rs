// The report queue: the SQL of [`crate::ReportJobStore`], included into each engine by `repo.rs`.

macro_rules! report_job_select {
    () => {
        "SELECT id, account_id, organization_id, queue_key, kind, title, request, state, progress, \
         error, created_at, finished_at, expires_at FROM report_jobs "
    };
}

// Fails the queued or running jobs that the condition on `$3` picks, with error `$1` at `$2`.
macro_rules! fail_jobs {
    () => {
        "UPDATE report_jobs SET state = 'failed', error = $1, finished_at = $2 \
         WHERE state IN ('queued', 'running') AND "
    };
}

/// Runs a [`fail_jobs!`] statement; how many jobs failed.
async fn fail_jobs<'q, K>(pool: &sqlx::Pool<Db>, sql: &'static str, error: &'q str, at: DateTime<Utc>, which: K) -> StoreResult<u64>
where
    K: 'q + Send + sqlx::Encode<'q, Db> + sqlx::Type<Db>,
{
    Ok(sqlx::query(sql).bind(error).bind(at).bind(which).execute(pool).await?.rows_affected())
}

#[async_trait]
impl crate::ReportJobStore for Backend {
    async fn insert_report_job(&self, job: &crate::NewReportJob) -> StoreResult<i64> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO report_jobs (account_id, organization_id, queue_key, kind, title, request, \
             node, state, progress, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued', 0, $8, $9) RETURNING id",
        )
        .bind(job.account_id)
        .bind(job.organization_id)
        .bind(&job.queue_key)
        .bind(&job.kind)
        .bind(&job.title)
        .bind(&job.request)
        .bind(&job.node)
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
            sqlx::query_as(concat!(report_job_select!(), "WHERE id = $1 AND expires_at > $2"))
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
        Ok(sqlx::query_as(concat!(
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
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM report_jobs WHERE account_id = $1 \
             AND state IN ('queued', 'running')",
        )
        .bind(account)
        .fetch_one(&self.pool)
        .await?)
    }

    async fn start_report_job(&self, id: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE report_jobs SET state = 'running' WHERE id = $1 AND state = 'queued'",
        )
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn report_job_progress(&self, id: i64, progress: i32) -> StoreResult<()> {
        sqlx::query("UPDATE report_jobs SET progress = $2 WHERE id = $1 AND state = 'running'")
            .bind(id)
            .bind(progress)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn finish_report_job(
        &self,
        id: i64,
        document: &str,
        at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE report_jobs SET state = 'done', progress = 100, document = $2, \
             finished_at = $3, expires_at = $4 WHERE id = $1 AND state = 'running'",
        )
        .bind(id)
        .bind(document)
        .bind(at)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn fail_report_job(&self, id: i64, error: &str, at: DateTime<Utc>) -> StoreResult<bool> {
        const SQL: &str = concat!(fail_jobs!(), "id = $3");
        Ok(fail_jobs(&self.pool, SQL, error, at, id).await? == 1)
    }

    async fn fail_unfinished_report_jobs(
        &self,
        node: &str,
        error: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<u64> {
        fail_jobs(&self.pool, concat!(fail_jobs!(), "node = $3"), error, at, node).await
    }

    async fn report_job_document(
        &self,
        id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<String>> {
        Ok(sqlx::query_scalar(
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
        let done = sqlx::query("DELETE FROM report_jobs WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}
