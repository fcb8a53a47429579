//! ESIA identities: links to accounts, login states, and the region's rules for them.

use crate::AccountId;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use crate::StoreResult;

/// An ESIA subject linked to an account, with what a list of links shows.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct EsiaLinkRecord {
    pub id: i64,
    pub subject: String,
    pub account_id: i64,
    pub organization_id: i64,
    pub organization_name: String,
    pub display_name: String,
    pub login: String,
    pub account_active: bool,
    pub birth_date: Option<NaiveDate>,
    /// Who linked it; `None` for an automatic link.
    pub linked_by_account_id: Option<i64>,
    /// `settings` or `auto`.
    pub how: String,
    pub created_at: DateTime<Utc>,
}

/// One ESIA round trip.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct LoginStateRecord {
    /// The lower-case UUID (NetSchool's `loginState`).
    pub id: String,
    /// `signin`, `link` or `webapi`.
    pub purpose: String,
    pub account_id: Option<i64>,
    pub oauth_state: Option<String>,
    pub nonce: String,
    pub pkce_verifier: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub subject: Option<String>,
    /// JSON of the person data (no SNILS).
    pub identity: Option<String>,
    pub authenticated_at: Option<DateTime<Utc>>,
    pub used_at: Option<DateTime<Utc>>,
}

/// The region's ESIA rules (a core type: the store reads its two columns).
pub use sgo_core::identity::RegionIdentitySettings;

/// An active account with its person's identifying data, for automatic linking.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct PersonAccountRecord {
    pub account_id: i64,
    pub person_id: i64,
    pub organization_id: i64,
    pub last_name: String,
    pub first_name: String,
    pub middle_name: String,
    pub birth_date: Option<NaiveDate>,
    pub snils: Option<String>,
}

/// Storage of ESIA links, login states and the region's identity rules.
#[async_trait]
pub trait IdentityStore: Send + Sync {
    /// The accounts linked to an ESIA subject, by organization and name.
    async fn esia_links_by_subject(&self, subject: &str) -> StoreResult<Vec<EsiaLinkRecord>>;
    /// The ESIA subjects linked to an account.
    async fn esia_links_by_account(&self, account: AccountId) -> StoreResult<Vec<EsiaLinkRecord>>;
    /// Links a subject to an account; false when that link already exists.
    async fn create_esia_link(
        &self,
        subject: &str,
        account: AccountId,
        linked_by: Option<AccountId>,
        how: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Removes a link of an account; false when it is not that account's.
    async fn delete_esia_link(&self, id: i64, account: AccountId) -> StoreResult<bool>;

    /// Records a new login state.
    async fn create_login_state(&self, state: &LoginStateRecord) -> StoreResult<()>;
    /// A login state by its id.
    async fn login_state(&self, id: &str) -> StoreResult<Option<LoginStateRecord>>;
    /// A login state by the OAuth `state` sent to the provider.
    async fn login_state_by_oauth(
        &self,
        oauth_state: &str,
    ) -> StoreResult<Option<LoginStateRecord>>;
    /// Sends a not yet authenticated state (again) to the provider with new parameters;
    /// false when it is authenticated, used or unknown.
    async fn restart_login_state(
        &self,
        id: &str,
        oauth_state: &str,
        nonce: &str,
        pkce_verifier: &str,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Marks a state authenticated as `subject`; false when it already was (a replayed callback).
    async fn authenticate_login_state(
        &self,
        id: &str,
        subject: &str,
        identity: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Spends an authenticated state; false when it was spent already.
    async fn use_login_state(&self, id: &str, at: DateTime<Utc>) -> StoreResult<bool>;
    /// Removes states that expired before `cutoff`.
    async fn delete_login_states_before(&self, cutoff: DateTime<Utc>) -> StoreResult<u64>;

    /// The region's ESIA rules (defaults for an unknown region).
    async fn region_identity_settings(&self, region: i64) -> StoreResult<RegionIdentitySettings>;
    /// Replaces the region's ESIA rules; false when the region does not exist.
    async fn set_region_identity_settings(
        &self,
        region: i64,
        settings: &RegionIdentitySettings,
    ) -> StoreResult<bool>;

    /// Active accounts whose person has this SNILS (already in its written form).
    async fn accounts_by_snils(&self, snils: &str) -> StoreResult<Vec<PersonAccountRecord>>;
    /// Active accounts whose person was born on this day.
    async fn accounts_by_birth_date(
        &self,
        birth: NaiveDate,
    ) -> StoreResult<Vec<PersonAccountRecord>>;
}
