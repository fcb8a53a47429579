// The outbox: the SQL of [`crate::OutboxStore`] and the append every write makes, included into
// each engine by `repo.rs`.

use sgo_core::changes::{ChangeKind, ChangeSubject, Changed};

/// Any number that no other advisory lock of this program uses.
const OUTBOX_LOCK: i64 = 0x5347_4f5f_4f42;

/// Appends what a write changed, inside the writer's transaction, so that both commit or neither.
/// Call it last, just before the commit: on PostgreSQL it takes a transaction-scoped lock held to
/// the commit, so ids are handed out in commit order and a follower reading "after N" never
/// passes over a row that commits later with a smaller id. SQLite has one writer at a time anyway.
async fn append_outbox(tx: &mut Tx, changed: &[Changed]) -> StoreResult<()> {
    if changed.is_empty() {
        return Ok(());
    }
    if ENGINE == Engine::Postgres {
        query("SELECT pg_advisory_xact_lock($1)").bind(OUTBOX_LOCK).execute(&mut **tx).await?;
    }
    let at = Utc::now();
    for c in changed {
        let (subject_kind, subject_id) = c.subject.parts();
        query("INSERT INTO outbox (at, subject_kind, subject_id, kind) VALUES ($1, $2, $3, $4)")
            .bind(at)
            .bind(subject_kind)
            .bind(subject_id)
            .bind(c.kind.code())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// The ids a statement with one `$1` parameter selects, made into subjects: e.g. the subject
/// group of a lesson, read inside the transaction that changes it.
async fn outbox_subjects(
    tx: &mut Tx,
    sql: &'static str,
    id: i64,
    subject: fn(i64) -> ChangeSubject,
    kind: ChangeKind,
) -> StoreResult<Vec<Changed>> {
    let ids: Vec<i64> = query_scalar(sql).bind(id).fetch_all(&mut **tx).await?;
    Ok(ids.into_iter().map(|id| Changed::new(subject(id), kind)).collect())
}

/// [`append_outbox`], then the commit.
async fn commit_with(mut tx: Tx, changed: &[Changed]) -> StoreResult<()> {
    append_outbox(&mut tx, changed).await?;
    tx.commit().await?;
    Ok(())
}

/// Runs `insert`, which returns the new row's id, and commits it with one change.
async fn insert_with_change(pool: &DbPool, insert: ScalarQuery<'_, i64>, subject: ChangeSubject, kind: ChangeKind) -> StoreResult<i64> {
    let mut tx = pool.begin().await?;
    let id = insert.fetch_one(&mut *tx).await.map_err(map_conflict)?;
    commit_change(tx, subject, kind).await?;
    Ok(id)
}

/// [`commit_with`] one change.
async fn commit_change(tx: Tx, subject: ChangeSubject, kind: ChangeKind) -> StoreResult<()> {
    commit_with(tx, &[Changed::new(subject, kind)]).await
}

#[async_trait]
impl crate::OutboxStore for Backend {
    async fn outbox_after(&self, after: i64, limit: i64) -> StoreResult<Vec<crate::OutboxRow>> {
        let rows: Vec<(i64, DateTime<Utc>, String, i64, String)> = query_as(
            "SELECT id, at, subject_kind, subject_id, kind FROM outbox WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, at, subject_kind, subject_id, kind)| {
                let subject = ChangeSubject::from_parts(&subject_kind, subject_id).ok();
                let kind = ChangeKind::from_code(&kind).ok();
                let changed = subject.zip(kind).map(|(s, k)| Changed::new(s, k));
                crate::OutboxRow { id, at, changed }
            })
            .collect())
    }

    async fn outbox_last_id(&self) -> StoreResult<i64> {
        Ok(query_scalar("SELECT COALESCE(MAX(id), 0) FROM outbox").fetch_one(&self.pool).await?)
    }

    async fn session_check(&self, session_id: i64) -> StoreResult<crate::SessionCheck> {
        engine_session_check(self, session_id).await
    }

    async fn session_checks(&self, session_ids: &[i64]) -> StoreResult<(Vec<i64>, i64)> {
        engine_session_checks(self, session_ids).await
    }

    async fn signal_changes(&self) -> StoreResult<()> {
        if ENGINE == Engine::Postgres {
            query("SELECT pg_notify($1, '')").bind(crate::outbox::CHANGES_CHANNEL).execute(&self.pool).await?;
        }
        Ok(())
    }

    async fn change_signals(&self) -> StoreResult<Option<crate::ChangeSignals>> {
        change_signals(self).await
    }

    async fn prune_outbox(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        let done = query("DELETE FROM outbox WHERE at < $1 AND id < (SELECT MAX(id) FROM outbox)")
            .bind(before)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}

/// Whether a session still exists, and the outbox's head: every request's one read.
const SESSION_CHECK_SQL: &str = "SELECT EXISTS (SELECT 1 FROM sessions WHERE id = $1), \
     (SELECT COALESCE(MAX(id), 0) FROM outbox)";
