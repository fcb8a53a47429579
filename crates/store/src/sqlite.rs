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
    pool: DbPool,
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// SQLite keeps its prepared statements: there is no pooler in between.
fn named_statements() -> bool {
    true
}

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
    Ok(Backend {
        pool: DbPool::new(pool, false),
    })
}

async fn change_signals(_: &Backend) -> StoreResult<Option<crate::ChangeSignals>> {
    Ok(None)
}

/// Opens an existing database file as it is: no migrations, nothing created. For tools that read
/// an installation another process may be serving, or a copy of one (`sgo fingerprint`,
/// `sgo backup`), which must not change its schema.
pub async fn open_existing(path: &Path) -> StoreResult<Backend> {
    if !path.is_file() {
        return Err(StoreError::Files(format!(
            "{}: no such database file",
            path.display()
        )));
    }
    let options = SqliteConnectOptions::from_str("sqlite:")?
        .filename(path)
        .busy_timeout(Duration::from_secs(10));
    let pool = SqlitePoolOptions::new()
        .max_connections(2)
        .connect_with(options)
        .await?;
    Ok(Backend {
        pool: DbPool::new(pool, false),
    })
}

/// Writes a consistent copy of the database at `live` into the new file `out` while other
/// processes keep reading and writing it: `VACUUM INTO` runs in one read transaction, so the copy
/// is the database as of one commit. Nothing is migrated; `out` must not exist.
pub async fn snapshot(live: &Path, out: &Path) -> StoreResult<()> {
    let out = out
        .to_str()
        .ok_or_else(|| StoreError::Files(format!("{}: not a UTF-8 path", out.display())))?
        .to_owned();
    let db = open_existing(live).await?;
    query("VACUUM INTO $1").bind(out).execute(&db.pool).await?;
    db.pool.sqlx().close().await;
    Ok(())
}

/// Every table with its rows written out by `quote()` (exact for text and blobs), sorted as text;
/// SQLite's own tables (`sqlite_sequence`, `sqlite_stat1`) are bookkeeping and left out.
async fn engine_table_fingerprints(pool: &DbPool) -> StoreResult<Vec<crate::TableFingerprint>> {
    use crate::operations::{RowHasher, quoted_identifier};
    use futures_util::TryStreamExt;
    // One read transaction: under WAL every table is read as of the same commit.
    let mut tx = pool.begin().await?;
    let mut tables: Vec<String> = query_scalar(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
    )
    .fetch_all(&mut *tx)
    .await?;
    tables.sort();
    let mut out = Vec::with_capacity(tables.len());
    for table in tables {
        let columns: Vec<String> =
            query_scalar("SELECT name FROM pragma_table_info($1) ORDER BY cid")
                .bind(&table)
                .fetch_all(&mut *tx)
                .await?;
        let row = columns
            .iter()
            .map(|c| quoted_identifier(c).map(|q| format!("quote({q})")))
            .collect::<StoreResult<Vec<_>>>()?
            .join(" || ',' || ");
        // Names come from the database's own catalogue and are checked to be plain identifiers.
        let sql = format!(
            "SELECT {row} AS r FROM {} ORDER BY r",
            quoted_identifier(&table)?
        );
        let mut hasher = RowHasher::new();
        let mut rows = query_scalar::<String>(sqlx::AssertSqlSafe(sql)).fetch(&mut *tx);
        while let Some(r) = rows.try_next().await? {
            hasher.row(&r);
        }
        drop(rows);
        out.push(hasher.finish(table));
    }
    tx.rollback().await?;
    Ok(out)
}

/// One node, one machine: file contents live in the data directory beside the database.
fn engine_file_store(_pool: &DbPool, files_dir: &Path) -> Arc<dyn crate::FileStore> {
    Arc::new(crate::LocalFileStore::new(files_dir))
}

async fn finish_bulk(pool: &DbPool) -> StoreResult<()> {
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
