//! Both engines' migrations must produce the same tables and columns.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::collections::BTreeMap;

use sgo_store::Engine;
use sgo_store::testing::{TestStore, postgres_admin_url, replace_database};
use sqlx::Connection;

type Columns = BTreeMap<String, Vec<String>>;

async fn sqlite_columns(path: &std::path::Path) -> Columns {
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite:{}", path.display()))
        .await
        .unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let mut out = Columns::new();
    for table in tables {
        let sql = format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid");
        let cols: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .fetch_all(&mut conn)
            .await
            .unwrap();
        out.insert(table, cols);
    }
    out
}

async fn postgres_columns(url: &str) -> Columns {
    let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations' ORDER BY table_name, ordinal_position",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let mut out = Columns::new();
    for (table, column) in rows {
        out.entry(table).or_default().push(column);
    }
    out
}

#[tokio::test]
async fn both_engines_have_the_same_tables_and_columns() {
    let lite = TestStore::new(Engine::Sqlite).await;
    let pg = TestStore::new(Engine::Postgres).await;
    let lite_cols = sqlite_columns(&lite.dir.join("sgo.db")).await;
    let pg_cols = postgres_columns(pg.database_url.as_deref().unwrap()).await;
    assert!(
        lite_cols.len() > 25,
        "expected the whole schema, got {:?}",
        lite_cols.keys()
    );
    assert_eq!(lite_cols, pg_cols);
}

#[test]
fn database_url_replacement_keeps_the_server() {
    assert_eq!(
        replace_database("postgres://u@h:5432/test", "x"),
        "postgres://u@h:5432/x"
    );
    assert_eq!(
        replace_database("postgres://u@h/test?sslmode=disable", "x"),
        "postgres://u@h/x?sslmode=disable"
    );
    let _ = postgres_admin_url();
}
