//! Use cases: every operation a person can do, authorised here, once.
//!
//! Each use case takes the [`Actor`](sgo_core::Actor) asking, checks a policy from `sgo-core`,
//! and only then reaches the store. Handlers in `sgo-web` have no other way to data.

// `msg!` (a catalogue message) is written at hundreds of call sites: in scope everywhere.
#[macro_use]
extern crate sgo_core;

pub mod announcements;
pub mod api_tokens;
pub mod audit_log;
pub mod authors;
pub mod calendar;
pub mod calendar_feed;
mod context;
pub mod credentials;
pub mod diary;
mod diary_cache;
mod error;
pub mod files;
pub mod form;
pub mod html;
pub mod identity;
pub mod import;
pub mod journal;
pub mod mail;
pub mod operations;
mod outbox;
pub mod passkeys;
pub mod password;
pub mod people;
pub mod progress;
mod protection;
pub mod rate;
pub mod recovery;
pub mod reports;
pub mod resources;
pub mod school_setup;
pub mod session;
mod session_cache;
mod session_checks;
pub mod session_list;
pub mod settings;
pub mod territory;
pub mod territory_admin;
mod view;

pub use context::{App, Clock, Settings, SmtpSettings, SmtpTls, UploadSettings};
pub use error::{AppError, AppResult};
pub use sgo_auth::ServerKey;
pub use sgo_auth::password::PasswordCost;
pub use sgo_auth::token::new_cookie_id;
pub use sgo_core::files::{PendingUploadRules, UploadLimits};
pub use sgo_core::message::Message;
pub use sgo_core::protection::{LockoutRules, RecoveryRules};
pub use sgo_core::{Actor, OrganizationKind, Role, ids};
pub use sgo_store::{Engine, Store, StoreError};
pub use view::Named;

/// How a PostgreSQL server is reached, as the configuration says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DatabaseAccess {
    /// The database URL goes through a pooler in transaction mode (PgBouncer).
    pub transaction_pooler: bool,
    /// A plain connection for migrations and `LISTEN`; the database URL when absent.
    pub direct_url: Option<String>,
}

impl DatabaseAccess {
    fn store_options(&self) -> sgo_store::PostgresOptions {
        sgo_store::PostgresOptions {
            transaction_pooler: self.transaction_pooler,
            direct_url: self.direct_url.clone(),
        }
    }
}

/// Opens the configured store (used by the CLI, which may not reach `sgo-store` itself).
pub async fn connect_store(
    database_url: Option<&str>,
    sqlite_path: &std::path::Path,
    postgres: &DatabaseAccess,
) -> Result<std::sync::Arc<dyn Store>, StoreError> {
    sgo_store::connect_with(database_url, sqlite_path, &postgres.store_options()).await
}

/// Whether a text is a file-store key (what a backup archive may name).
pub fn is_file_key(key: &str) -> bool {
    sgo_store::is_key(key)
}

/// Whether a database URL names a PostgreSQL server.
pub fn is_postgres_url(url: &str) -> bool {
    sgo_store::is_postgres(url)
}

/// Opens an existing store as it is, without migrating or creating it: for the operator's tools
/// (`sgo fingerprint`, `sgo backup`) that read an installation servers may be using.
pub async fn connect_existing_store(
    database_url: Option<&str>,
    sqlite_path: &std::path::Path,
    postgres: &DatabaseAccess,
) -> Result<std::sync::Arc<dyn Store>, StoreError> {
    sgo_store::connect_existing(database_url, sqlite_path, &postgres.store_options()).await
}

/// Copies the SQLite database at `live` into the new file `out` as of one moment, while servers
/// go on reading and writing it.
pub async fn sqlite_snapshot(
    live: &std::path::Path,
    out: &std::path::Path,
) -> Result<(), StoreError> {
    sgo_store::sqlite_snapshot(live, out).await
}

/// Where a request came from, for the audit log and sessions.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    /// Client address.
    pub ip: String,
    /// Client software.
    pub user_agent: String,
}
