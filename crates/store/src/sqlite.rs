//! The SQLite engine: the embedded default, one file in the data directory, WAL.

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
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
    // A report reads several schools at once (reports::period_results), so the pool leaves
    // room for two of them beside the diary.
    let pool = SqlitePoolOptions::new()
        .max_connections(16)
        .min_connections(1)
        .connect_with(options)
        .await?;
    crate::connect::migrate(&MIGRATOR, &pool).await?;
    Ok(Backend { pool })
}

/// One node, one machine: file contents live in the data directory beside the database.
fn engine_file_store(_pool: &sqlx::SqlitePool, files_dir: &Path) -> Arc<dyn crate::FileStore> {
    Arc::new(crate::LocalFileStore::new(files_dir))
}

async fn finish_bulk(pool: &sqlx::SqlitePool) -> StoreResult<()> {
    sqlx::query("ANALYZE").execute(pool).await?;
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(pool)
        .await?;
    Ok(())
}

include!("repo.rs");

#[cfg(test)]
/// The packed report rows are read the same way on both engines; tested once, here.
mod packing_tests {
    #[test]
    fn mark_sums_unpack_and_spilled_counts_are_refused() {
        // Two 5s, one 3 and one 2: 2·2^48 + 1·2^24 + 1·2^12.
        let values = 2u64 * (1 << 48) + (1 << 24) + (1 << 12);
        let item = format!("7:42:19:4:4:{values}");
        let sum = super::unpack_mark_sum(3, &item).unwrap();
        assert_eq!(
            (sum.class_id, sum.subject_group_id, sum.student_account_id),
            (3, 7, 42)
        );
        assert_eq!((sum.weighted, sum.weights), (19, 4));
        assert_eq!(sum.counts, [0, 1, 1, 0, 2]);
        // 4096 marks of «1» spill into the «2» field: the total no longer matches.
        assert!(super::unpack_mark_sum(3, &format!("7:42:4096:4096:4096:{}", 1u64 << 12)).is_err());
        assert!(super::unpack_mark_sum(3, "7:42:19").is_err());
        assert!(super::unpack_mark_sum(3, "7:x:19:4:4:4").is_err());
    }
}
