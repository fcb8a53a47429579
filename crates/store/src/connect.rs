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

/// Opens the store: PostgreSQL when `database_url` starts with `postgres://` or `postgresql://`,
/// otherwise SQLite in `sqlite_path`. Migrations run first; a schema newer than this program is refused.
pub async fn connect(
    database_url: Option<&str>,
    sqlite_path: &Path,
) -> StoreResult<Arc<dyn Store>> {
    match database_url {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            Ok(Arc::new(crate::postgres::open(url).await?))
        }
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
