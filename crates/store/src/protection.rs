//! Protection of sign-in: failure counters shared by every server process, password recovery
//! tokens, and a person's list of their own sessions.

use crate::{AccountId, OrganizationId};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::StoreResult;

/// A counter of failures (or requests) in one scope.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct ThrottleRecord {
    pub scope: String,
    /// Failures in the current window (since the last lockout or success).
    pub failures: i64,
    pub window_start: DateTime<Utc>,
    /// Lockouts without a success in between, for the growing pause.
    pub lockouts: i64,
    pub locked_until: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// A recovery token to store (its hash only).
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub struct NewResetToken {
    pub token_hash: Vec<u8>,
    pub account_id: AccountId,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub ip: String,
}

/// A recovery token with the account it resets.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct ResetTokenRecord {
    pub id: i64,
    pub account_id: i64,
    pub organization_id: i64,
    pub login: String,
    pub display_name: String,
    pub account_active: bool,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

/// An account a recovery request may concern, with where the link would go.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct RecoveryAccountRecord {
    pub account_id: i64,
    pub organization_id: i64,
    pub login: String,
    pub login_norm: String,
    pub display_name: String,
    pub email: String,
    pub active: bool,
}

/// One of a person's sessions as their sessions page lists it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct SessionListRecord {
    pub id: i64,
    pub account_id: i64,
    /// `web` or `webapi`.
    pub channel: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub ip: String,
    pub user_agent: String,
}

/// Protection of sign-in — storage operations.
#[async_trait]
pub trait ProtectionStore: Send + Sync {
    /// The counter of a scope, if any.
    async fn throttle(&self, scope: &str) -> StoreResult<Option<ThrottleRecord>>;
    /// Counts one failure in a scope, atomically, and returns the counter after it. A window that
    /// started before `window_cutoff` restarts at this failure; a counter untouched since
    /// `quiet_cutoff` forgets its earlier lockouts.
    async fn count_failure(
        &self,
        scope: &str,
        now: DateTime<Utc>,
        window_cutoff: DateTime<Utc>,
        quiet_cutoff: DateTime<Utc>,
    ) -> StoreResult<ThrottleRecord>;
    /// Pauses a scope until `until`: its failures start again from zero, its lockouts grow by one.
    async fn lock_throttle(&self, scope: &str, until: DateTime<Utc>) -> StoreResult<()>;
    /// Forgets a scope's counter (a successful sign-in).
    async fn clear_throttle(&self, scope: &str) -> StoreResult<()>;
    /// Forgets counters untouched since `cutoff` whose pause is over; returns how many.
    async fn delete_throttles_idle_since(&self, cutoff: DateTime<Utc>) -> StoreResult<u64>;

    /// Active and inactive accounts of an organization with a login (normalised) or an e-mail
    /// (compared without case) equal to `needle`.
    async fn recovery_accounts(
        &self,
        organization_id: OrganizationId,
        login_norm: &str,
        email_lower: &str,
    ) -> StoreResult<Vec<RecoveryAccountRecord>>;
    /// Stores a recovery token.
    async fn create_reset_token(&self, token: &NewResetToken) -> StoreResult<i64>;
    /// The recovery token with this hash, spent or not.
    async fn reset_token(&self, token_hash: &[u8]) -> StoreResult<Option<ResetTokenRecord>>;
    /// Spends a token that is unspent and unexpired at `now`, atomically; returns its account.
    async fn spend_reset_token(
        &self,
        token_hash: &[u8],
        now: DateTime<Utc>,
    ) -> StoreResult<Option<AccountId>>;
    /// Removes an account's unspent tokens (its password was just set); returns how many.
    async fn delete_unspent_reset_tokens(&self, account: AccountId) -> StoreResult<u64>;
    /// Removes tokens that expired before `cutoff`.
    async fn delete_reset_tokens_expired_before(&self, cutoff: DateTime<Utc>) -> StoreResult<u64>;

    /// The sessions of an account seen since `since`, most recently active first (API tokens
    /// are listed apart).
    async fn account_sessions(
        &self,
        account: AccountId,
        since: DateTime<Utc>,
    ) -> StoreResult<Vec<SessionListRecord>>;
    /// Ends one session of an account; false when the account has no such session.
    async fn delete_account_session(&self, account: AccountId, session: i64) -> StoreResult<bool>;
    /// Ends every session of an account; returns how many.
    async fn delete_account_sessions(&self, account: AccountId) -> StoreResult<u64>;
    /// Ends the oldest sessions of an account so that at most `keep` remain (API tokens do not
    /// count); returns their ids.
    async fn delete_sessions_beyond(&self, account: AccountId, keep: i64) -> StoreResult<Vec<i64>>;
}
