//! The PostgreSQL engine, for regions that outgrow one machine.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use crate::bulk::id_tables;

type Db = sqlx::Postgres;
const ENGINE: Engine = Engine::Postgres;
// The protocol allows 65535 parameters per statement.
const MAX_BIND_PARAMS: usize = 60_000;

/// The store on PostgreSQL.
pub struct Backend {
    pool: sqlx::PgPool,
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Connects and brings the schema up to date.
pub async fn open(url: &str) -> StoreResult<Backend> {
    // Some queries turn dates into text (the reports' packed rows); ISO output whatever the
    // server's default DateStyle is.
    let options = url
        .parse::<PgConnectOptions>()?
        .options([("DateStyle", "ISO, YMD")]);
    let pool = PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await?;
    crate::connect::migrate(&MIGRATOR, &pool).await?;
    Ok(Backend { pool })
}

/// File contents live in the database: nodes share nothing else.
fn engine_file_store(pool: &sqlx::PgPool, _files_dir: &Path) -> Arc<dyn crate::FileStore> {
    Arc::new(crate::PostgresFileStore::new(pool.clone()))
}

async fn finish_bulk(pool: &sqlx::PgPool) -> StoreResult<()> {
    for table in id_tables() {
        // Identity sequences do not follow explicit ids; move each past the largest loaded id.
        let sql = format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql)).execute(pool).await?;
    }
    sqlx::query("ANALYZE").execute(pool).await?;
    Ok(())
}

include!("repo.rs");
