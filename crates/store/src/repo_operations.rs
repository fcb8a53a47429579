// The database's own state: the SQL of [`crate::OperationsStore`], included into each engine by
// `repo.rs`. Listing tables and writing rows out as text is what the engines say differently;
// each engine file supplies `engine_table_fingerprints` for that.

#[async_trait]
impl crate::OperationsStore for Backend {
    async fn schema_state(&self) -> StoreResult<crate::SchemaState> {
        let rows: Vec<(i64, bool)> =
            query_as("SELECT version, success FROM _sqlx_migrations ORDER BY version")
                .fetch_all(&self.pool)
                .await?;
        let mut known: Vec<i64> = MIGRATOR.iter().map(|m| m.version).collect();
        known.sort_unstable();
        known.dedup();
        Ok(crate::SchemaState {
            applied: rows.iter().filter(|r| r.1).map(|r| r.0).collect(),
            failed: rows.iter().filter(|r| !r.1).map(|r| r.0).collect(),
            known,
        })
    }

    fn pool_use(&self) -> crate::PoolUse {
        let pool = self.pool.sqlx();
        crate::PoolUse {
            open: pool.size(),
            idle: u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
            max: pool.options().get_max_connections(),
        }
    }

    async fn probe_acquire(&self) -> StoreResult<std::time::Duration> {
        let started = std::time::Instant::now();
        let connection = self.pool.sqlx().acquire().await?;
        let waited = started.elapsed();
        drop(connection);
        Ok(waited)
    }

    async fn backlog(&self) -> StoreResult<crate::Backlog> {
        let (report_jobs_queued, oldest_queued_report_job): (i64, Option<DateTime<Utc>>) =
            query_as(
                "SELECT COUNT(*), MIN(created_at) FROM report_jobs WHERE state = 'queued'",
            )
            .fetch_one(&self.pool)
            .await?;
        let (email_pending, oldest_pending_email): (i64, Option<DateTime<Utc>>) = query_as(
            "SELECT COUNT(*), MIN(created_at) FROM mail_deliveries \
             WHERE channel = 'email' AND status = 'pending'",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(crate::Backlog {
            report_jobs_queued,
            oldest_queued_report_job,
            email_pending,
            oldest_pending_email,
        })
    }

    async fn file_keys(&self) -> StoreResult<Vec<String>> {
        Ok(query_scalar("SELECT DISTINCT storage_key FROM files ORDER BY storage_key")
            .fetch_all(&self.pool)
            .await?)
    }

    async fn table_fingerprints(&self) -> StoreResult<Vec<crate::TableFingerprint>> {
        engine_table_fingerprints(&self.pool).await
    }
}
