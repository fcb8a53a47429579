//! Personal access tokens of the open API: sessions of the channel `api` with a name, scopes
//! and an expiry (migration 0019).

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::{AccountId, NewSession, StoreResult};

/// The channel code of a token's session row.
pub const API_CHANNEL: &str = "api";

/// A token as its owner sees it in the list (never its secret: only the hash is stored).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct ApiTokenRecord {
    /// The id of the token's session row.
    pub id: i64,
    pub account_id: i64,
    pub name: String,
    /// Scope codes separated by spaces.
    pub scopes: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A token presented with a request, with what deciding on it needs.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct ApiTokenGrant {
    pub id: i64,
    pub account_id: i64,
    pub organization_id: i64,
    pub scopes: String,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub account_active: bool,
    /// The outbox's largest id, read in the same statement as the token: what the request
    /// must have followed before it reads anything cached.
    pub outbox_head: i64,
}

/// Personal access tokens — storage operations.
#[async_trait]
pub trait ApiTokenStore: Send + Sync {
    /// Saves a token: its session row (channel `api`) and its name, scopes and expiry, in one
    /// transaction. Answers the id.
    async fn create_api_token(
        &self,
        session: &NewSession,
        name: &str,
        scopes: &str,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<i64>;
    /// The tokens of an account, newest first.
    async fn api_tokens_of(&self, account: AccountId) -> StoreResult<Vec<ApiTokenRecord>>;
    /// The token whose secret hashes to `token_hash`, if it exists.
    async fn api_token_by_hash(&self, token_hash: &[u8]) -> StoreResult<Option<ApiTokenGrant>>;
    /// Deletes one of the account's tokens; false when it has no such token.
    async fn delete_api_token(&self, account: AccountId, id: i64) -> StoreResult<bool>;
    /// Deletes the tokens whose expiry has passed; answers how many.
    async fn delete_expired_api_tokens(&self, now: DateTime<Utc>) -> StoreResult<u64>;
}
