//! A short-lived, in-process memory of recently checked sessions.
//!
//! Every API request authenticates; without this, two of the diary's database round trips are
//! the session and its roles. An entry is trusted for [`TTL`] only, so a sign-out or an account
//! deactivation on another server process takes effect within that time; in this process a
//! sign-out removes the entry at once, and changes to an account's standing reach it through the
//! outbox (`crate::outbox`) before the write that made them answers.

use std::collections::HashMap;
use std::sync::Mutex;
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
}

impl SessionCache {
    /// A fresh entry for the token hash, if one was checked less than [`TTL`] ago.
    pub fn get(&self, token_hash: &[u8]) -> Option<Entry> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .get(token_hash)
            .filter(|e| e.checked.elapsed() < TTL)
            .cloned()
    }

    /// Remembers a session just checked against the database.
    pub fn put(&self, token_hash: Vec<u8>, who: &Authenticated) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
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
        entries.retain(|_, e| e.session_id != session_id);
    }

    /// Forgets every session of an account (its password or standing changed).
    pub fn forget_account(&self, account_id: AccountId) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
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
                    entries.retain(|_, e| e.actor.organization_id != organization);
                }
                Scope::Everything => return self.forget_everything(),
            }
        }
    }

    fn forget_everything(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
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
        cache.put(vec![1], &who(10, 1));
        assert_eq!(cache.get(&[1]).map(|e| e.session_id), Some(10));
        assert!(cache.get(&[1]).is_some_and(|e| e.must_change_password));
        assert!(cache.get(&[2]).is_none());
        cache.forget(10);
        assert!(cache.get(&[1]).is_none());
        cache.put(vec![1], &who(10, 1));
        cache.put(vec![2], &who(11, 1));
        cache.put(vec![3], &who(12, 5));
        cache.forget_account(AccountId::new(1));
        assert!(cache.get(&[1]).is_none() && cache.get(&[2]).is_none());
        assert!(cache.get(&[3]).is_some());
    }
}
