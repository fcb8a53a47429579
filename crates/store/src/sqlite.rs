//! The SQLite engine: the embedded default, one file in the data directory, WAL.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

type Db = sqlx::Sqlite;
const ENGINE: Engine = Engine::Sqlite;
// Binding cost per statement grows faster than linearly with its parameter count in sqlx-sqlite,
// so bulk loads use many small prepared (and cached) statements instead of a few huge ones.
const MAX_BIND_PARAMS: usize = 900;

/// The store on SQLite.
pub struct Backend {
    pool: sqlx::SqlitePool,
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// Opens (creating if needed) the database file and brings its schema up to date.
pub async fn open(path: &Path) -> StoreResult<Backend> {
    let options = SqliteConnectOptions::from_str("sqlite:")?
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
    // Readers run in parallel under WAL; writes serialise on SQLite's lock and wait up to the busy timeout.
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .min_connections(1)
        .connect_with(options)
        .await?;
    crate::connect::migrate(&MIGRATOR, &pool).await?;
    Ok(Backend { pool })
}

async fn finish_bulk(pool: &sqlx::SqlitePool) -> StoreResult<()> {
    sqlx::query("ANALYZE").execute(pool).await?;
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(pool)
        .await?;
    Ok(())
}

include!("repo.rs");
