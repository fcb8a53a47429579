//! A short-lived, in-process memory of recently checked sessions.
//!
//! Every API request authenticates; without this, three of the diary's database round trips are
//! the session, its roles and its password state. A hit is still checked against the database
//! with one cheap read (`App::authenticate_token`): the session must exist, and the outbox's head
//! is followed first, so changes to an account's standing made by any node reach the cache
//! before the next request here is answered. The [`TTL`] only bounds how long an entry lives.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use sgo_core::changes::{Changed, Scope};
use sgo_core::{AccountId, Actor};

use crate::outbox::Subscriber;
use crate::session::Authenticated;

/// How long a checked session is trusted without asking the database again.
pub(crate) const TTL: Duration = Duration::from_secs(2);
/// Above this many entries the cache is emptied rather than grown.
const MAX_ENTRIES: usize = 200_000;

#[derive(Clone)]
pub(crate) struct Entry {
    pub session_id: i64,
    pub actor: Actor,
    pub last_seen_at: DateTime<Utc>,
    pub must_change_password: bool,
    checked: Instant,
}

/// Token hash → recently checked session.
#[derive(Default)]
pub(crate) struct SessionCache {
    entries: Mutex<HashMap<Vec<u8>, Entry>>,
    /// Counts the drops; see [`SessionCache::generation`].
    generation: AtomicU64,
}

impl SessionCache {
    /// A fresh entry for the token hash, if one was checked less than [`TTL`] ago.
    pub fn get(&self, token_hash: &[u8]) -> Option<Entry> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let found = entries
            .get(token_hash)
            .filter(|e| e.checked.elapsed() < TTL)
            .cloned();
        crate::operations::count_cache_lookup("session", found.is_some());
        found
    }

    /// Read before a session is looked up and handed to [`SessionCache::put`]: roles read before
    /// a change was followed, but kept after, would outlive the drop meant for them.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Remembers a session just checked against the database, unless something was dropped
    /// since `generation` was read.
    pub fn put(&self, token_hash: Vec<u8>, who: &Authenticated, generation: u64) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if self.generation.load(Ordering::Acquire) != generation {
            return;
        }
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(
            token_hash,
            Entry {
                session_id: who.session_id,
                actor: who.actor.clone(),
                last_seen_at: who.last_seen_at,
                must_change_password: who.must_change_password,
                checked: Instant::now(),
            },
        );
    }

    /// Forgets a session (signed out).
    pub fn forget(&self, session_id: i64) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        self.generation.fetch_add(1, Ordering::AcqRel);
        entries.retain(|_, e| e.session_id != session_id);
    }

    /// Forgets every session of an account (its password or standing changed).
    pub fn forget_account(&self, account_id: AccountId) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        self.generation.fetch_add(1, Ordering::AcqRel);
        entries.retain(|_, e| e.actor.account_id != account_id);
    }
}

impl Subscriber for SessionCache {
    fn changed(&self, changes: &[Changed]) {
        for c in changes {
            match c.stale_sessions() {
                Scope::Nothing => {}
                Scope::Account(account) => self.forget_account(account),
                Scope::Organization(organization) => {
                    let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
                    self.generation.fetch_add(1, Ordering::AcqRel);
                    entries.retain(|_, e| e.actor.organization_id != organization);
                }
                Scope::Everything => return self.forget_everything(),
            }
        }
    }

    fn forget_everything(&self) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        self.generation.fetch_add(1, Ordering::AcqRel);
        entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sgo_core::OrganizationId;

    #[test]
    fn entries_expire_and_can_be_forgotten() {
        let cache = SessionCache::default();
        let who = |session_id, account_id| Authenticated {
            session_id,
            last_seen_at: Utc::now(),
            actor: Actor::new(AccountId::new(account_id), OrganizationId::new(2), vec![]),
            must_change_password: true,
        };
        cache.put(vec![1], &who(10, 1), cache.generation());
        assert_eq!(cache.get(&[1]).map(|e| e.session_id), Some(10));
        assert!(cache.get(&[1]).is_some_and(|e| e.must_change_password));
        assert!(cache.get(&[2]).is_none());
        cache.forget(10);
        assert!(cache.get(&[1]).is_none());
        cache.put(vec![1], &who(10, 1), cache.generation());
        cache.put(vec![2], &who(11, 1), cache.generation());
        cache.put(vec![3], &who(12, 5), cache.generation());
        cache.forget_account(AccountId::new(1));
        assert!(cache.get(&[1]).is_none() && cache.get(&[2]).is_none());
        assert!(cache.get(&[3]).is_some());
    }
}
