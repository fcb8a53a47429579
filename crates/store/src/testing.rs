//! Per-test databases: a fresh SQLite file, or a fresh PostgreSQL database that is dropped after.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::Connection;

use crate::{Engine, Store, connect};

/// The server used by tests, from `SGO_TEST_DATABASE_URL`.
pub fn postgres_admin_url() -> String {
    std::env::var("SGO_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A store for one test; the database disappears when this is dropped.
pub struct TestStore {
    /// The store.
    pub store: Arc<dyn Store>,
    /// The directory for files of this test.
    pub dir: PathBuf,
    /// The PostgreSQL URL of this test's database, if on PostgreSQL.
    pub database_url: Option<String>,
    pg_name: Option<String>,
}

impl std::fmt::Debug for TestStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TestStore({:?})", self.dir)
    }
}

fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}_{}_{}_{}",
        std::process::id(),
        nanos,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

impl TestStore {
    /// A fresh store on the given engine.
    pub async fn new(engine: Engine) -> TestStore {
        let name = unique_name("sgo_t");
        let dir = std::env::temp_dir().join(&name);
        std::fs::create_dir_all(&dir).expect("create test directory");
        match engine {
            Engine::Sqlite => {
                let store = connect(None, &dir.join("sgo.db"))
                    .await
                    .expect("open SQLite");
                TestStore {
                    store,
                    dir,
                    database_url: None,
                    pg_name: None,
                }
            }
            Engine::Postgres => {
                let admin = postgres_admin_url();
                let mut conn = sqlx::PgConnection::connect(&admin)
                    .await
                    .expect("connect to PostgreSQL");
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&mut conn)
                    .await
                    .expect("create test database");
                let url = replace_database(&admin, &name);
                let store = connect(Some(&url), &dir.join("unused.db"))
                    .await
                    .expect("open PostgreSQL");
                TestStore {
                    store,
                    dir,
                    database_url: Some(url),
                    pg_name: Some(name),
                }
            }
        }
    }
}

impl TestStore {
    /// Runs a read-only query written for both engines and returns its first column as
    /// integers: tests use it to find the fixtures they need (a class, a lesson, a message).
    pub async fn ids(&self, sql: &str) -> Vec<i64> {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        match &self.database_url {
            Some(url) => {
                let mut conn = sqlx::PgConnection::connect(url)
                    .await
                    .expect("connect to the test database");
                sqlx::query_scalar::<_, i64>(sql)
                    .fetch_all(&mut conn)
                    .await
                    .expect("test query")
            }
            None => {
                let url = format!("sqlite://{}", self.dir.join("sgo.db").display());
                let mut conn = sqlx::SqliteConnection::connect(&url)
                    .await
                    .expect("open the test database");
                sqlx::query_scalar::<_, i64>(sql)
                    .fetch_all(&mut conn)
                    .await
                    .expect("test query")
            }
        }
    }
}

/// The URL with its database name replaced.
pub fn replace_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let base = match base.rfind('/') {
        Some(i) if i > "postgres://".len() => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{base}/{database}?{q}"),
        None => format!("{base}/{database}"),
    }
}

impl Drop for TestStore {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some(name) = self.pg_name.take() {
            let admin = postgres_admin_url();
            // Drop needs its own runtime: the test's runtime may be shutting down.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                if let Ok(rt) = rt {
                    rt.block_on(async {
                        if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                            let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                            let _ = sqlx::query(sqlx::AssertSqlSafe(sql))
                                .execute(&mut conn)
                                .await;
                        }
                    });
                }
            })
            .join();
        }
    }
}
