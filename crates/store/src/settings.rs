//! Personal settings of an account, password changes, and reading the audit log.

use crate::{AccountId, OrganizationId};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::StoreResult;

/// What the personal settings page shows: the school's fields and the person's own.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct PersonalSettingsRecord {
    pub account_id: i64,
    pub organization_id: i64,
    pub login: String,
    pub last_name: String,
    pub first_name: String,
    pub middle_name: String,
    pub display_name: String,
    pub email: String,
    pub phone: String,
    /// `system`, `email` or `paper`.
    pub preferred_channel: String,
    pub signature_cert_url: String,
    pub must_change_password: bool,
}

/// The fields a person may change themself, already checked.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub struct PersonalSettingsUpdate {
    pub display_name: String,
    pub email: String,
    pub phone: String,
    pub preferred_channel: String,
    pub signature_cert_url: String,
}

/// Which change-log entries to read. Text values are matched with `LIKE` as given (the caller
/// passes the spellings it wants matched); every value is bound.
#[derive(Debug, Clone, Default)]
pub struct AuditLogFilter {
    /// One organization, or every organization when `None`.
    pub organization_id: Option<OrganizationId>,
    /// Entries at or after this moment.
    pub from: Option<DateTime<Utc>>,
    /// Entries before this moment.
    pub before: Option<DateTime<Utc>>,
    /// Spellings of a piece of the actor's display name or normalised login; any may match.
    pub who: Vec<String>,
    /// Action code prefix (the area, such as `class`): matches `class.*`.
    pub area: Option<String>,
    /// Spellings of a piece of the target or details; any may match.
    pub text: Vec<String>,
}

/// A change-log entry with its actor's name.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct AuditLogRecord {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub organization_id: Option<i64>,
    pub actor_account_id: Option<i64>,
    pub actor_name: Option<String>,
    pub actor_login: Option<String>,
    pub action: String,
    pub target: String,
    pub details: String,
    pub ip: String,
    pub result: String,
}

/// Personal settings of an account, password changes, and reading the audit log. — storage operations.
#[async_trait]
pub trait SettingsStore: Send + Sync {
    /// The settings of an account with its person's names; `None` if there is no such account.
    async fn personal_settings(
        &self,
        account: AccountId,
    ) -> StoreResult<Option<PersonalSettingsRecord>>;
    /// Writes the fields a person may change; returns false when the account does not exist.
    async fn update_personal_settings(
        &self,
        account: AccountId,
        update: &PersonalSettingsUpdate,
    ) -> StoreResult<bool>;
    /// Whether the account signed in with a one-time password it has not replaced yet.
    async fn password_change_required(&self, account: AccountId) -> StoreResult<bool>;
    /// Ends every session of the account except `keep`; returns how many ended.
    async fn delete_other_sessions(&self, account: AccountId, keep: i64) -> StoreResult<u64>;
    /// Change-log entries that match, newest first, from `offset`, at most `limit`.
    async fn audit_log(
        &self,
        filter: &AuditLogFilter,
        offset: i64,
        limit: i64,
    ) -> StoreResult<Vec<AuditLogRecord>>;
    /// How many change-log entries match.
    async fn count_audit_log(&self, filter: &AuditLogFilter) -> StoreResult<i64>;
}
