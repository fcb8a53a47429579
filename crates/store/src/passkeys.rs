//! Passkeys («Мобильный ID») and the ceremonies that register them or sign in with them.

use crate::AccountId;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::StoreResult;

/// A registered passkey.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct PasskeyRecord {
    pub id: i64,
    pub account_id: i64,
    /// The credential id the authenticator chose (unique across the portal).
    pub credential_id: Vec<u8>,
    /// The user handle given to the authenticator at registration.
    pub user_handle: Vec<u8>,
    /// The serialised credential (public key and signature counter).
    pub credential: String,
    /// The device's name, as its owner gave it.
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A passkey to save after a successful registration.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub struct NewPasskey {
    pub account_id: AccountId,
    pub credential_id: Vec<u8>,
    pub user_handle: Vec<u8>,
    pub credential: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

/// A ceremony between its start and its finish.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct PasskeyCeremony {
    /// SHA-256 of the ceremony id handed to the browser.
    pub id_hash: Vec<u8>,
    /// `register` or `sign_in`.
    pub kind: String,
    /// The account registering a device; none for a sign-in.
    pub account_id: Option<i64>,
    /// The serialised server-side state of the ceremony.
    pub state: String,
    pub expires_at: DateTime<Utc>,
}

/// Passkeys and their ceremonies — storage operations.
#[async_trait]
pub trait PasskeyStore: Send + Sync {
    /// Saves a passkey; a credential id registered before is a [`crate::StoreError::Conflict`].
    async fn insert_passkey(&self, p: &NewPasskey) -> StoreResult<i64>;
    /// The passkeys of an account, oldest first.
    async fn passkeys_of(&self, account: AccountId) -> StoreResult<Vec<PasskeyRecord>>;
    /// One passkey by id.
    async fn passkey(&self, id: i64) -> StoreResult<Option<PasskeyRecord>>;
    /// The passkey with a credential id.
    async fn passkey_by_credential(
        &self,
        credential_id: &[u8],
    ) -> StoreResult<Option<PasskeyRecord>>;
    /// Renames a passkey; false when it does not exist.
    async fn rename_passkey(&self, id: i64, name: &str) -> StoreResult<bool>;
    /// Removes a passkey; false when it does not exist.
    async fn delete_passkey(&self, id: i64) -> StoreResult<bool>;
    /// Records a sign-in with a passkey and its updated credential (the counter moves).
    async fn passkey_used(&self, id: i64, credential: &str, at: DateTime<Utc>) -> StoreResult<()>;
    /// Records a started ceremony.
    async fn create_passkey_ceremony(&self, c: &PasskeyCeremony) -> StoreResult<()>;
    /// Removes and returns a ceremony of a kind: each can be finished once.
    async fn take_passkey_ceremony(
        &self,
        id_hash: &[u8],
        kind: &str,
    ) -> StoreResult<Option<PasskeyCeremony>>;
    /// Removes ceremonies that expired before `now`; returns how many.
    async fn delete_expired_passkey_ceremonies(&self, now: DateTime<Utc>) -> StoreResult<u64>;
}
