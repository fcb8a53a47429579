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
}
