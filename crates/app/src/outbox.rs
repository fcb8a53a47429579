//! Following the outbox: every store write appends what it changed (`sgo_core::changes`) in its
//! own transaction; this process reads the new rows in id order and hands them to its
//! subscribers, the caches. A write use case catches up after its commit and before it answers,
//! so the next request in this process reads fresh data by construction, not by timing.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

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
    /// The last id handed on, readable without waiting for a catch-up in progress (-1: none).
    reached: AtomicI64,
    subscribers: Vec<Arc<dyn Subscriber>>,
}

impl Follower {
    /// A follower that has not read the outbox yet.
    pub fn new(subscribers: Vec<Arc<dyn Subscriber>>) -> Follower {
        Follower {
            position: tokio::sync::Mutex::new(None),
            reached: AtomicI64::new(-1),
            subscribers,
        }
    }

    /// Catches up unless the subscribers have already been handed everything up to `head`: the
    /// check a request makes with the head it read, cheap when nothing new was written.
    pub async fn catch_up_to(&self, store: &dyn Store, head: i64) -> bool {
        if self.reached.load(Ordering::Acquire) >= head {
            return false;
        }
        self.catch_up(store).await
    }

    /// Reads every row after the last one handed on and hands them to the subscribers. A failed
    /// read drops everything the subscribers hold and starts again from the end, which is always
    /// correct for caches; the write that called this has committed either way.
    /// Returns whether the position moved (something new was handed on).
    pub async fn catch_up(&self, store: &dyn Store) -> bool {
        let mut position = self.position.lock().await;
        let before = *position;
        if let Err(error) = self.read(store, &mut position).await {
            tracing::warn!(%error, "reading the outbox failed; the caches start empty");
            *position = None;
            self.reached.store(-1, Ordering::Release);
            self.forget_everything();
            return true;
        }
        self.reached
            .store(position.unwrap_or(-1), Ordering::Release);
        *position != before
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
    /// Brings this process's caches up to the outbox and wakes the other nodes' followers. Write
    /// use cases call it after their commit, before answering. Other nodes do not depend on the
    /// wake-up: each request there first follows the outbox to the head it reads.
    pub async fn catch_up(&self) {
        if self.changes.catch_up(self.store.as_ref()).await
            && let Err(error) = self.store.signal_changes().await
        {
            tracing::warn!(%error, "could not signal the other nodes");
        }
    }

    /// Follows the outbox whenever another node signals a write (PostgreSQL `LISTEN` on a plain
    /// connection of its own), so requests here seldom find the caches behind. Nothing on SQLite.
    pub async fn follow_other_nodes(&self) -> crate::AppResult<()> {
        let Some(mut signals) = self.store.change_signals().await? else {
            return Ok(());
        };
        let app = self.clone();
        tokio::spawn(async move {
            loop {
                // A lost connection also returns: notifications may have been missed meanwhile.
                if let Err(error) = signals.next().await {
                    tracing::warn!(%error, "listening for other nodes' writes failed; retrying");
                }
                app.changes.catch_up(app.store.as_ref()).await;
            }
        });
        Ok(())
    }

    /// Follows the outbox up to `head` (read by this request) before anything cached is served.
    pub(crate) async fn catch_up_to(&self, head: i64) {
        self.changes.catch_up_to(self.store.as_ref(), head).await;
    }

    /// Deletes outbox rows older than [`OUTBOX_RETENTION_DAYS`]; run periodically by the server.
    pub async fn prune_outbox(&self) -> crate::AppResult<u64> {
        let before = self.clock.now() - chrono::Duration::days(OUTBOX_RETENTION_DAYS);
        Ok(self.store.prune_outbox(before).await?)
    }
}
