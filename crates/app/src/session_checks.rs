//! Every request's session check (`OutboxStore::session_check`), shared by the requests that
//! arrive together.
//!
//! On PostgreSQL each check is a round trip, and through a transaction pooler three; at thousands
//! of requests a second the checks alone would keep the database busy. Requests that arrive while
//! a check is running wait for it to end, and then one of them checks all of their sessions in one
//! statement. That keeps the guarantee the check exists for: a request only ever joins a check
//! that has not started yet, so the check reads the database as of a moment after the request
//! arrived, and sees every sign-out and write that committed before it.
//! On SQLite a check is an in-place read of microseconds: each request makes its own.

use std::mem;
use std::sync::{Arc, Mutex};

use sgo_store::{SessionCheck, Store, StoreResult};
use tokio::sync::oneshot;

/// What a waiting request is told.
enum Turn {
    /// Its check, or `None` when the shared statement failed (it then checks alone).
    Checked(Option<SessionCheck>),
    /// The check it waited for has ended: it now checks for everyone waiting.
    Lead,
}

type Waiter = (i64, oneshot::Sender<Turn>);

/// The gathering of concurrent session checks.
#[derive(Default)]
pub(crate) struct SessionChecks {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// A check is running; new requests wait for the next one.
    running: bool,
    waiting: Vec<Waiter>,
}

impl SessionChecks {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether the session still exists, and the outbox's head, read after this call began.
    pub(crate) async fn check(
        self: &Arc<Self>,
        store: &dyn Store,
        session_id: i64,
    ) -> StoreResult<SessionCheck> {
        if store.engine() != sgo_store::Engine::Postgres {
            return store.session_check(session_id).await;
        }
        loop {
            let (tx, rx) = oneshot::channel();
            let lead = {
                let mut state = self.lock();
                if state.running {
                    state.waiting.push((session_id, tx));
                    false
                } else {
                    state.running = true;
                    true
                }
            };
            if lead {
                return self.lead(store, session_id).await;
            }
            match rx.await {
                Ok(Turn::Checked(Some(check))) => return Ok(check),
                Ok(Turn::Checked(None)) => return store.session_check(session_id).await,
                Ok(Turn::Lead) => return self.lead(store, session_id).await,
                // The leader's request was dropped (its client went away) before it answered:
                // nothing was read on this request's behalf, so it asks again.
                Err(_) => continue,
            }
        }
    }

    /// Checks `mine` and every session waiting, then hands the lead to the next waiter.
    async fn lead(self: &Arc<Self>, store: &dyn Store, mine: i64) -> StoreResult<SessionCheck> {
        let guard = Handover(self.clone());
        let batch = mem::take(&mut guard.0.lock().waiting);
        let mut ids: Vec<i64> = batch.iter().map(|(id, _)| *id).collect();
        ids.push(mine);
        let result = store.session_checks(&ids).await;
        let answer = |id: i64| {
            result.as_ref().ok().map(|(alive, head)| SessionCheck {
                alive: alive.contains(&id),
                outbox_head: *head,
            })
        };
        for (id, tx) in batch {
            let _ = tx.send(Turn::Checked(answer(id)));
        }
        drop(guard);
        let (alive, head) = result?;
        Ok(SessionCheck {
            alive: alive.contains(&mine),
            outbox_head: head,
        })
    }
}

/// Passes the lead on when a check ends, also when the leading request is dropped mid-way.
struct Handover(Arc<SessionChecks>);

impl Drop for Handover {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        // A waiter whose request went away cannot lead: try the next one.
        while !state.waiting.is_empty() {
            let (_, tx) = state.waiting.remove(0);
            if tx.send(Turn::Lead).is_ok() {
                return;
            }
        }
        state.running = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dropped_lead_is_passed_to_a_live_waiter_or_released() {
        let checks = Arc::new(SessionChecks::default());
        checks.lock().running = true;
        let (gone, gone_rx) = oneshot::channel();
        drop(gone_rx);
        let (live, mut live_rx) = oneshot::channel();
        checks.lock().waiting.extend([(1, gone), (2, live)]);
        drop(Handover(checks.clone()));
        assert!(matches!(live_rx.try_recv(), Ok(Turn::Lead)));
        assert!(checks.lock().running, "the live waiter leads now");
        assert!(checks.lock().waiting.is_empty());
        drop(Handover(checks.clone()));
        assert!(
            !checks.lock().running,
            "nobody waits: the next request leads"
        );
    }
}
