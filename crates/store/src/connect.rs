//! Choosing and opening an engine.

use std::path::Path;
use std::sync::Arc;

use sqlx::migrate::Migrator;

use crate::{Store, StoreError, StoreResult};

/// The two engines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// Embedded, one file.
    Sqlite,
    /// A server.
    Postgres,
}

/// How a PostgreSQL store reaches its server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostgresOptions {
    /// The database URL goes through a pooler in transaction mode (PgBouncer): every checkout of a
    /// connection is one transaction, so no statement is split across server connections and
    /// nothing relies on session state.
    pub transaction_pooler: bool,
    /// A plain connection to the server, for what a transaction pooler cannot carry: migrations
    /// (advisory locks) and `LISTEN`. When absent, the database URL is used.
    pub direct_url: Option<String>,
}

/// Opens the store: PostgreSQL when `database_url` starts with `postgres://` or `postgresql://`,
/// otherwise SQLite in `sqlite_path`. Migrations run first; a schema newer than this program is refused.
pub async fn connect(
    database_url: Option<&str>,
    sqlite_path: &Path,
) -> StoreResult<Arc<dyn Store>> {
    connect_with(database_url, sqlite_path, &PostgresOptions::default()).await
}

/// [`connect`] with the PostgreSQL connection options.
pub async fn connect_with(
    database_url: Option<&str>,
    sqlite_path: &Path,
    postgres: &PostgresOptions,
) -> StoreResult<Arc<dyn Store>> {
    match database_url {
        Some(url) if is_postgres(url) => Ok(Arc::new(crate::postgres::open(url, postgres).await?)),
        Some(url) => Err(StoreError::Conflict(format!(
            "unsupported database URL (expected postgres://…): {}",
            url.split('@').next_back().unwrap_or("")
        ))),
        None => {
            if let Some(dir) = sqlite_path.parent() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| StoreError::Database(sqlx::Error::Io(e)))?;
            }
            Ok(Arc::new(crate::sqlite::open(sqlite_path).await?))
        }
    }
}

/// Whether a database URL names a PostgreSQL server.
pub fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// Opens an existing database as it is, without migrating it or creating anything: for tools that
/// read an installation while servers (perhaps of another version) use it, or a restored copy.
pub async fn connect_existing(
    database_url: Option<&str>,
    sqlite_path: &Path,
    postgres: &PostgresOptions,
) -> StoreResult<Arc<dyn Store>> {
    match database_url {
        Some(url) if is_postgres(url) => Ok(Arc::new(
            crate::postgres::open_existing(url, postgres).await?,
        )),
        Some(url) => Err(StoreError::Conflict(format!(
            "unsupported database URL (expected postgres://…): {}",
            url.split('@').next_back().unwrap_or("")
        ))),
        None => Ok(Arc::new(crate::sqlite::open_existing(sqlite_path).await?)),
    }
}

/// Copies the SQLite database at `live` into the new file `out` as of one moment, while other
/// processes go on using it (see [`crate::sqlite::snapshot`]).
pub async fn sqlite_snapshot(live: &Path, out: &Path) -> StoreResult<()> {
    crate::sqlite::snapshot(live, out).await
}

/// Runs the migrations, first refusing a database that has versions this program does not know.
pub(crate) async fn migrate<DB>(migrator: &Migrator, pool: &sqlx::Pool<DB>) -> StoreResult<()>
where
    DB: sqlx::Database,
    <DB as sqlx::Database>::Connection: sqlx::migrate::Migrate,
{
    let mut conn = pool.acquire().await?;
    let applied =
        sqlx::migrate::Migrate::list_applied_migrations(&mut *conn, "_sqlx_migrations").await;
    drop(conn);
    // A fresh database has no migrations table yet; that is not an error.
    if let Ok(applied) = applied {
        let known_max = migrator.iter().map(|m| m.version).max().unwrap_or(0);
        if let Some(newer) = applied.iter().map(|m| m.version).find(|v| *v > known_max) {
            return Err(StoreError::SchemaTooNew(format!(
                "the database schema (version {newer}) is newer than this program (version {known_max}); \
                 run a newer sgo"
            )));
        }
    }
    migrator.run(pool).await?;
    Ok(())
}
