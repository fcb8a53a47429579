//! The PostgreSQL engine, for regions that outgrow one machine.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use std::sync::atomic::{AtomicBool, Ordering};

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use crate::PostgresOptions;

use crate::bulk::id_tables;

type Db = sqlx::Postgres;
const ENGINE: Engine = Engine::Postgres;
// The protocol allows 65535 parameters per statement.
const MAX_BIND_PARAMS: usize = 60_000;

/// The store on PostgreSQL.
pub struct Backend {
    pool: DbPool,
    /// Where `LISTEN` connects: a plain connection, never through a transaction pooler.
    direct: PgConnectOptions,
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Whether statements may be prepared under names and kept. A process that opens a database
/// through a transaction pooler runs unnamed statements only (see [`open`]); one node serves one
/// database, so the switch is per process.
static NAMED_STATEMENTS: AtomicBool = AtomicBool::new(true);

pub(crate) fn named_statements() -> bool {
    NAMED_STATEMENTS.load(Ordering::Relaxed)
}

/// Connects and brings the schema up to date.
///
/// Through a transaction pooler (PgBouncer before 1.21), statements are unnamed, since a named
/// one would meet another client's of the same name on a shared server connection, and every
/// lone statement runs in a transaction of its own (`crate::pool`). Startup options do not pass
/// such a pooler, so the date style is not set there; the server's default ISO output is what
/// the packed report rows need.
pub async fn open(url: &str, how: &PostgresOptions) -> StoreResult<Backend> {
    let backend = connect(url, how, 16).await?;
    // Migrations hold a session-level advisory lock: they run on a plain connection.
    let migrations = PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(backend.direct.clone())
        .await?;
    let migrated = crate::connect::migrate(&MIGRATOR, &migrations).await;
    migrations.close().await;
    migrated?;
    Ok(backend)
}

/// The pool of at most `connections`, set for a transaction pooler or a plain server, and the
/// options of the direct connection.
async fn connect(url: &str, how: &PostgresOptions, connections: u32) -> StoreResult<Backend> {
    let options = url.parse::<PgConnectOptions>()?;
    let direct = match &how.direct_url {
        Some(direct) => direct.parse::<PgConnectOptions>()?,
        None => options.clone(),
    };
    let options = if how.transaction_pooler {
        NAMED_STATEMENTS.store(false, Ordering::Relaxed);
        options.statement_cache_capacity(0)
    } else {
        // Some queries turn dates into text (the reports' packed rows); ISO output whatever the
        // server's default DateStyle is.
        options.options([("DateStyle", "ISO, YMD")])
    };
    // No ping before each statement: it doubled every request's round trips. A connection the
    // server dropped fails its next statement instead, and the pool closes it.
    let pool = PgPoolOptions::new()
        .max_connections(connections)
        .acquire_timeout(Duration::from_secs(10))
        .test_before_acquire(false)
        .connect_with(options)
        .await?;
    Ok(Backend {
        pool: DbPool::new(pool, how.transaction_pooler),
        direct,
    })
}

async fn change_signals(backend: &Backend) -> StoreResult<Option<crate::ChangeSignals>> {
    Ok(Some(crate::ChangeSignals::listen(&backend.direct).await?))
}

/// Connects without migrating: for tools that read a database other nodes may be serving
/// (`sgo fingerprint`), which must not change its schema. Through a transaction pooler as
/// [`open`] does it.
pub async fn open_existing(url: &str, how: &PostgresOptions) -> StoreResult<Backend> {
    connect(url, how, 2).await
}

/// Every table of the current schema with its rows written out as PostgreSQL's record text,
/// sorted bytewise; the output settings are fixed for the transaction, so that a server's
/// defaults cannot change the text. One transaction from `BEGIN` to its end, so it also runs
/// through a transaction pooler.
async fn engine_table_fingerprints(pool: &DbPool) -> StoreResult<Vec<crate::TableFingerprint>> {
    use crate::operations::{RowHasher, quoted_identifier};
    use futures_util::TryStreamExt;
    // One snapshot for every table, and nothing written by mistake.
    let mut tx = pool
        .sqlx()
        .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .await?;
    for setting in [
        "SET LOCAL TIME ZONE 'UTC'",
        "SET LOCAL DateStyle = 'ISO, YMD'",
        "SET LOCAL IntervalStyle = 'iso_8601'",
        "SET LOCAL extra_float_digits = 1",
        "SET LOCAL bytea_output = 'hex'",
    ] {
        query(setting).execute(&mut *tx).await?;
    }
    let mut tables: Vec<String> =
        query_scalar("SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()")
            .fetch_all(&mut *tx)
            .await?;
    tables.sort();
    let mut out = Vec::with_capacity(tables.len());
    for table in tables {
        // The name comes from the database's own catalogue and is checked to be a plain identifier.
        let sql = format!(
            "SELECT t::text FROM {} AS t ORDER BY t::text COLLATE \"C\"",
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

/// File contents live in the database: nodes share nothing else.
fn engine_file_store(pool: &DbPool, _files_dir: &Path) -> Arc<dyn crate::FileStore> {
    Arc::new(crate::PostgresFileStore::new(pool.clone()))
}

async fn finish_bulk(pool: &DbPool) -> StoreResult<()> {
    for table in id_tables() {
        // Identity sequences do not follow explicit ids; move each past the largest loaded id.
        let sql = format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        );
        query(sqlx::AssertSqlSafe(sql)).execute(pool).await?;
    }
    query("ANALYZE").execute(pool).await?;
    Ok(())
}

/// A diary span: one statement, one round trip.
async fn engine_diary_week(
    b: &Backend,
    student: AccountId,
    span: (NaiveDate, NaiveDate),
    today: NaiveDate,
) -> StoreResult<crate::DiaryWeekRecord> {
    let rows = query(DIARY_WEEK_SQL)
        .bind(student)
        .bind(span.0)
        .bind(span.1)
        .bind(today)
        .fetch_all(&b.pool)
        .await?;
    let mut week = crate::week::WeekBuilder::default();
    for row in &rows {
        week.push(&PgCells(row))?;
    }
    Ok(week.finish())
}

/// Every engine runs the session check as one statement through its pool.
async fn engine_session_check(b: &Backend, session_id: i64) -> StoreResult<crate::SessionCheck> {
    let (alive, outbox_head): (bool, i64) = query_as(SESSION_CHECK_SQL)
        .bind(session_id)
        .fetch_one(&b.pool)
        .await?;
    Ok(crate::SessionCheck { alive, outbox_head })
}

/// Many sessions in one statement (`App`'s session checks gather concurrent requests).
async fn engine_session_checks(b: &Backend, session_ids: &[i64]) -> StoreResult<(Vec<i64>, i64)> {
    let (alive, head): (Vec<i64>, i64) = query_as(
        "SELECT ARRAY(SELECT id FROM sessions WHERE id = ANY($1)), \
         (SELECT COALESCE(MAX(id), 0) FROM outbox)",
    )
    .bind(session_ids)
    .fetch_one(&b.pool)
    .await?;
    Ok((alive, head))
}

/// A PostgreSQL row of the diary week statement.
struct PgCells<'r>(&'r sqlx::postgres::PgRow);

impl PgCells<'_> {
    fn get<T>(&self, i: usize) -> StoreResult<Option<T>>
    where
        T: for<'a> sqlx::Decode<'a, Db> + sqlx::Type<Db>,
    {
        use sqlx::Row;
        Ok(self.0.try_get::<Option<T>, _>(i)?)
    }
}

crate::week::week_row_by_get!(PgCells<'_>);

include!("repo.rs");
