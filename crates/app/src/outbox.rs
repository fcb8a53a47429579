//! Following the outbox: every store write appends what it changed (`sgo_core::changes`) in its
//! own transaction; this process reads the new rows in id order and hands them to its
//! subscribers, the caches. A write use case catches up after its commit and before it answers,
//! so the next request in this process reads fresh data by construction, not by timing.

use std::sync::Arc;

use sgo_core::changes::Changed;
use sgo_store::Store;

use crate::App;

/// How many outbox rows are read at a time.
const BATCH: i64 = 500;

/// How long outbox rows are kept. Followers in this process are seconds behind at most; the
/// margin is for readers that resume from an id later (other nodes after a restart, events).
pub const OUTBOX_RETENTION_DAYS: i64 = 7;

/// Derived data kept in this process that writes can make wrong.
pub(crate) trait Subscriber: Send + Sync {
    /// Drops what these changes made wrong.
    fn changed(&self, changes: &[Changed]);
    /// Drops everything: the follower lost its place.
    fn forget_everything(&self);
}

/// Where this process is in the outbox, and who is told.
pub(crate) struct Follower {
    /// The last id handed on; `None` until the first catch-up (or after a failed read).
    position: tokio::sync::Mutex<Option<i64>>,
    subscribers: Vec<Arc<dyn Subscriber>>,
}

impl Follower {
    /// A follower that has not read the outbox yet.
    pub fn new(subscribers: Vec<Arc<dyn Subscriber>>) -> Follower {
        Follower {
            position: tokio::sync::Mutex::new(None),
            subscribers,
        }
    }

    /// Reads every row after the last one handed on and hands them to the subscribers. A failed
    /// read drops everything the subscribers hold and starts again from the end, which is always
    /// correct for caches; the write that called this has committed either way.
    pub async fn catch_up(&self, store: &dyn Store) {
        let mut position = self.position.lock().await;
        if let Err(error) = self.read(store, &mut position).await {
            tracing::warn!(%error, "reading the outbox failed; the caches start empty");
            *position = None;
            self.forget_everything();
        }
    }

    async fn read(
        &self,
        store: &dyn Store,
        position: &mut Option<i64>,
    ) -> sgo_store::StoreResult<()> {
        let Some(mut after) = *position else {
            // Whatever the subscribers hold may predate rows we never saw: start clean at the end.
            let last = store.outbox_last_id().await?;
            self.forget_everything();
            *position = Some(last);
            return Ok(());
        };
        loop {
            let rows = store.outbox_after(after, BATCH).await?;
            let Some(last) = rows.last() else {
                return Ok(());
            };
            after = last.id;
            let changes: Vec<Changed> = rows.iter().filter_map(|r| r.changed).collect();
            if rows.len() > changes.len() {
                // Written by a newer program: what it changed is unknown, so all of it may be.
                self.forget_everything();
            }
            for s in &self.subscribers {
                s.changed(&changes);
            }
            *position = Some(after);
            if (rows.len() as i64) < BATCH {
                return Ok(());
            }
        }
    }

    fn forget_everything(&self) {
        for s in &self.subscribers {
            s.forget_everything();
        }
    }
}

impl App {
    /// Brings this process's caches up to the outbox. Write use cases call it after their
    /// commit, before answering; a server may also call it now and then for other processes'
    /// writes (until then the caches' lifetimes bound how stale those are).
    pub async fn catch_up(&self) {
        self.changes.catch_up(self.store.as_ref()).await;
    }

    /// Deletes outbox rows older than [`OUTBOX_RETENTION_DAYS`]; run periodically by the server.
    pub async fn prune_outbox(&self) -> crate::AppResult<u64> {
        let before = self.clock.now() - chrono::Duration::days(OUTBOX_RETENTION_DAYS);
        Ok(self.store.prune_outbox(before).await?)
    }
}
