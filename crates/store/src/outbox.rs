//! The outbox: what each write changed, appended in the write's own transaction (see
//! `sgo_core::changes`), read back in id order by whoever follows it.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sgo_core::changes::Changed;

use crate::StoreResult;

/// One outbox row.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxRow {
    /// Increasing; a follower keeps the last one it has seen.
    pub id: i64,
    /// When the write committed (the database's clock, roughly).
    pub at: DateTime<Utc>,
    /// What was changed; `None` when a newer program wrote a subject or kind this one does not know.
    pub changed: Option<Changed>,
}

/// Reading the outbox.
#[async_trait]
pub trait OutboxStore {
    /// Rows with an id above `after`, oldest first, at most `limit` of them.
    async fn outbox_after(&self, after: i64, limit: i64) -> StoreResult<Vec<OutboxRow>>;
    /// The largest id written so far (0 when none).
    async fn outbox_last_id(&self) -> StoreResult<i64>;
    /// Deletes rows written before `before`, but never the newest row, so the largest id stays
    /// readable; returns how many went.
    async fn prune_outbox(&self, before: DateTime<Utc>) -> StoreResult<u64>;
    /// Whether a session still exists, and the outbox's largest id, in one round trip: what every
    /// request of a node checks, so that another node's sign-out or write is seen by the next
    /// request here.
    async fn session_check(&self, session_id: i64) -> StoreResult<SessionCheck>;
    /// [`OutboxStore::session_check`] for many sessions in one statement: which of them still
    /// exist, and the outbox's largest id. What concurrent requests share on PostgreSQL, where
    /// each statement is a round trip.
    async fn session_checks(&self, session_ids: &[i64]) -> StoreResult<(Vec<i64>, i64)>;
    /// Wakes the other nodes' followers after a write has committed (PostgreSQL `NOTIFY`, sent
    /// outside the write's transaction); nothing on SQLite, which one node serves.
    async fn signal_changes(&self) -> StoreResult<()>;
    /// A listener for other nodes' [`OutboxStore::signal_changes`], on a plain connection of its
    /// own; `None` on SQLite.
    async fn change_signals(&self) -> StoreResult<Option<ChangeSignals>>;
}

/// What [`OutboxStore::session_check`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionCheck {
    /// The session has not been ended.
    pub alive: bool,
    /// The outbox's largest id.
    pub outbox_head: i64,
}

/// The channel of [`OutboxStore::signal_changes`].
pub(crate) const CHANGES_CHANNEL: &str = "sgo_changes";

/// Signals that the outbox may have grown, from other nodes. The outbox stays the truth: a
/// signal only says "read it now", and a lost connection is a signal too, since notifications
/// may have been missed while it was down.
pub struct ChangeSignals {
    listener: sqlx::postgres::PgListener,
}

impl ChangeSignals {
    pub(crate) async fn listen(options: &sqlx::postgres::PgConnectOptions) -> StoreResult<Self> {
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .connect_lazy_with(options.clone());
        let mut listener = sqlx::postgres::PgListener::connect_with(&pool).await?;
        listener.listen(CHANGES_CHANNEL).await?;
        Ok(ChangeSignals { listener })
    }

    /// Waits for the next signal. An error (the server unreachable) is returned after a pause,
    /// so a caller that simply catches up and waits again does not spin.
    pub async fn next(&mut self) -> StoreResult<()> {
        match self.listener.try_recv().await {
            Ok(_) => Ok(()),
            Err(e) => {
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                Err(e.into())
            }
        }
    }
}
