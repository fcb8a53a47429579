//! Calendar feeds by a secret address — storage operations.

use async_trait::async_trait;

use crate::{AccountId, NamedRecord, NewSession, StoreResult};

/// The `sessions.channel` of calendar feeds.
pub const CALENDAR_CHANNEL: &str = "calendar";

/// A feed asked for by its secret, with what deciding on it needs.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct CalendarFeedGrant {
    pub id: i64,
    pub account_id: i64,
    pub organization_id: i64,
    pub account_active: bool,
}

/// Calendar feeds — storage operations.
#[async_trait]
pub trait CalendarFeedStore: Send + Sync {
    /// Saves a feed: its session row (channel `calendar`) and its sealed secret, in one
    /// transaction, unless the account has one already. Answers the account's feed's sealed
    /// secret, the new one or the one it had.
    async fn create_calendar_feed(&self, session: &NewSession, sealed: &str)
    -> StoreResult<String>;
    /// The sealed secret of the account's feed, if it has one.
    async fn calendar_feed_of(&self, account: AccountId) -> StoreResult<Option<String>>;
    /// The feed whose secret hashes to `token_hash`.
    async fn calendar_feed_by_hash(
        &self,
        token_hash: &[u8],
    ) -> StoreResult<Option<CalendarFeedGrant>>;
    /// Ends the account's feed; whether it had one.
    async fn delete_calendar_feed(&self, account: AccountId) -> StoreResult<bool>;
    /// The teacher of each of these lessons that has one: (lesson id, full name).
    async fn lesson_teachers(&self, lesson_ids: &[i64]) -> StoreResult<Vec<NamedRecord>>;
}
