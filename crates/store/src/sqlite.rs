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
    /// The per-request reads, off sqlx (`sqlite_reads`).
    reads: crate::sqlite_reads::Readers,
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
    // No ping before each statement: a file does not hang up, and each ping is a hand-off to
    // the connection's thread and back.
    let pool = SqlitePoolOptions::new()
        .max_connections(16)
        .min_connections(1)
        .test_before_acquire(false)
        .connect_with(options)
        .await?;
    crate::connect::migrate(&MIGRATOR, &pool).await?;
    // A transaction that reads and then writes must hold the write lock from its start: under
    // WAL a deferred one that began reading before another writer committed cannot upgrade
    // (SQLITE_BUSY_SNAPSHOT), and no busy timeout helps it.
    let pool = DbPool::new(pool, false).beginning_with("BEGIN IMMEDIATE");
    // A database analysed by an earlier version still has the samples.
    forget_value_samples(&pool).await?;
    Ok(Backend {
        pool,
        reads: crate::sqlite_reads::Readers::new(path),
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
        reads: crate::sqlite_reads::Readers::new(path),
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
    // One read transaction: under WAL every table is read as of the same commit (a plain
    // `BEGIN`: it must not hold the write lock).
    let mut tx = pool.sqlx().begin().await?;
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

/// Drops the per-value samples ANALYZE keeps (`sqlite_stat4`), leaving the per-index counts
/// (`sqlite_stat1`). The bundled SQLite is built with STAT4, and with samples present a prepared
/// statement whose parameter meets an indexed column in a range (every diary span) is parsed and
/// planned again each time that parameter's value changes: for a crowd of different weeks that
/// was most of the diary's cost. The counts alone give the same plans for these index lookups.
async fn forget_value_samples(pool: &DbPool) -> StoreResult<()> {
    let samples: i64 = query_scalar(
        "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = 'sqlite_stat4'",
    )
    .fetch_one(pool)
    .await?;
    if samples > 0 {
        sqlx::query("DELETE FROM sqlite_stat4")
            .execute(pool)
            .await?;
        // Reloads the statistics of this connection; others load them when they open.
        sqlx::query("ANALYZE sqlite_schema").execute(pool).await?;
    }
    Ok(())
}

async fn finish_bulk(pool: &DbPool) -> StoreResult<()> {
    sqlx::query("ANALYZE").execute(pool).await?;
    forget_value_samples(pool).await?;
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(pool)
        .await?;
    Ok(())
}

/// A diary span: one statement on a reader of our own, in place (`sqlite_reads`).
async fn engine_diary_week(
    b: &Backend,
    student: AccountId,
    span: (NaiveDate, NaiveDate),
    today: NaiveDate,
) -> StoreResult<crate::DiaryWeekRecord> {
    b.reads.diary_week(DIARY_WEEK_SQL, student, span, today)
}

/// The per-request session check, in place like the diary.
async fn engine_session_check(b: &Backend, session_id: i64) -> StoreResult<crate::SessionCheck> {
    b.reads.session_check(SESSION_CHECK_SQL, session_id)
}

/// One in-place check per session: each costs microseconds, so there is nothing to share.
async fn engine_session_checks(b: &Backend, session_ids: &[i64]) -> StoreResult<(Vec<i64>, i64)> {
    let mut alive = Vec::with_capacity(session_ids.len());
    let mut head = 0;
    for id in session_ids {
        let check = b.reads.session_check(SESSION_CHECK_SQL, *id)?;
        if check.alive {
            alive.push(*id);
        }
        head = head.max(check.outbox_head);
    }
    Ok((alive, head))
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
