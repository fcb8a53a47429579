//! The PostgreSQL engine, for regions that outgrow one machine.

use std::time::Duration;

use std::sync::atomic::{AtomicBool, Ordering};

use sqlx::Connection as _;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgTransactionManager};
use sqlx_core::transaction::TransactionManager as _;

use crate::PostgresOptions;

use crate::bulk::id_tables;

type Db = sqlx::Postgres;
const ENGINE: Engine = Engine::Postgres;
// The protocol allows 65535 parameters per statement.
const MAX_BIND_PARAMS: usize = 60_000;

/// The store on PostgreSQL.
pub struct Backend {
    pool: sqlx::PgPool,
    /// Where `LISTEN` connects: a plain connection, never through a transaction pooler.
    direct: PgConnectOptions,
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Whether statements may be prepared under names and kept. A process that opens a database
/// through a transaction pooler runs unnamed statements only (see [`open`]); one node serves one
/// database, so the switch is per process.
static NAMED_STATEMENTS: AtomicBool = AtomicBool::new(true);

fn named_statements() -> bool {
    NAMED_STATEMENTS.load(Ordering::Relaxed)
}

/// Connects and brings the schema up to date.
///
/// Through a transaction pooler (PgBouncer before 1.21), a server connection is ours only inside
/// a transaction, while sqlx sends a statement's parse and its execution as two exchanges. So
/// every checkout of a pooled connection is one transaction, opened when it is handed out and
/// committed when it comes back (the store's own transactions nest in it as savepoints), and
/// statements are unnamed, since a named one would meet another client's of the same name.
pub async fn open(url: &str, how: &PostgresOptions) -> StoreResult<Backend> {
    let options = url.parse::<PgConnectOptions>()?;
    let direct = match &how.direct_url {
        Some(direct) => direct.parse::<PgConnectOptions>()?,
        None => options.clone(),
    };
    let mut pool = PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(10));
    let options = if how.transaction_pooler {
        NAMED_STATEMENTS.store(false, Ordering::Relaxed);
        pool = pool
            .after_connect(|conn, _| Box::pin(open_checkout(conn)))
            .before_acquire(|conn, _| {
                Box::pin(async move {
                    // A connection that went idle without being handed back (a cancelled
                    // checkout) still holds its transaction: end it before opening a new one.
                    while conn.is_in_transaction() {
                        PgTransactionManager::commit(conn).await?;
                    }
                    open_checkout(conn).await?;
                    Ok(true)
                })
            })
            .after_release(|conn, _| {
                Box::pin(async move {
                    while conn.is_in_transaction() {
                        PgTransactionManager::commit(conn).await?;
                    }
                    Ok(true)
                })
            });
        options.statement_cache_capacity(0)
    } else {
        // Some queries turn dates into text (the reports' packed rows); ISO output whatever the
        // server's default DateStyle is.
        options.options([("DateStyle", "ISO, YMD")])
    };
    let pool = pool.connect_with(options).await?;
    // Migrations hold a session-level advisory lock: they run on a plain connection.
    let migrations = PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(direct.clone())
        .await?;
    let migrated = crate::connect::migrate(&MIGRATOR, &migrations).await;
    migrations.close().await;
    migrated?;
    Ok(Backend { pool, direct })
}

/// Opens the transaction of one checkout of a pooled connection (transaction pooler mode).
async fn open_checkout(conn: &mut sqlx::PgConnection) -> Result<(), sqlx::Error> {
    // One exchange: startup options do not pass a pooler, so the date style is set here.
    let begin = sqlx::SqlSafeStr::into_sql_str("BEGIN; SET LOCAL DateStyle = 'ISO, YMD'");
    PgTransactionManager::begin(conn, Some(begin)).await
}

async fn change_signals(backend: &Backend) -> StoreResult<Option<crate::ChangeSignals>> {
    Ok(Some(crate::ChangeSignals::listen(&backend.direct).await?))
}

async fn finish_bulk(pool: &sqlx::PgPool) -> StoreResult<()> {
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

include!("repo.rs");
