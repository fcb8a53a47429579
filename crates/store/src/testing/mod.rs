//! Per-test databases: a copy of a migrated SQLite template file, or a PostgreSQL database
//! cloned from a migrated template database, dropped after.
//!
//! Migrating from nothing for every test cost more than the tests themselves. The first test of
//! a run builds a template named after a checksum of the migration files (under a lock, so that
//! the parallel processes of one run do not race) and every test copies it. A template may also
//! hold data (the kit's demo regions): [`TestStore::from_template`].

mod postgres;
mod sqlite;

use std::future::Future;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Instant;

use sqlx::Connection;
use sqlx::migrate::Migrator;

use crate::{Engine, Store, connect};
use postgres::pg_clone;
use sqlite::{sqlite_data_template, sqlite_schema_template};

static PG_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");
static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");

/// Serialises template creation and removal; clones hold it shared, so that no template is
/// dropped under a clone in progress.
const TEMPLATE_LOCK: i64 = 0x5347_4f54_504c; // "SGOTPL"

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

/// FNV-1a: stable across Rust releases, unlike `DefaultHasher`, and needs no crate.
fn fnv(bytes: impl IntoIterator<Item = u8>, mut hash: u64) -> u64 {
    for b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// A checksum of an engine's migration files (their versions and contents).
fn migrations_checksum(migrator: &Migrator) -> u64 {
    migrator.iter().fold(0xcbf2_9ce4_8422_2325, |h, m| {
        let h = fnv(m.version.to_le_bytes(), h);
        fnv(m.checksum.iter().copied(), h)
    })
}

/// The name of the migrated template of an engine, `sgo_tpl_<checksum>`.
fn schema_template(engine: Engine) -> String {
    let migrator = match engine {
        Engine::Sqlite => &SQLITE_MIGRATIONS,
        Engine::Postgres => &PG_MIGRATIONS,
    };
    format!("sgo_tpl_{:016x}", migrations_checksum(migrator))
}

/// A name for a template holding data: the schema's checksum and the caller's key together.
fn data_template(engine: Engine, key: &str) -> String {
    let schema = schema_template(engine);
    format!("{schema}_{:016x}", fnv(key.bytes(), 0xcbf2_9ce4_8422_2325))
}

/// How many templates holding data are kept per schema; older ones are dropped when a new one
/// is made.
const KEPT_DATA_TEMPLATES: i64 = 24;

/// Where SQLite templates live: shared by the processes of a run, kept between runs.
fn sqlite_template_dir() -> PathBuf {
    std::env::temp_dir().join("sgo-test-templates")
}

/// Appends `<test> <engine> <ms>` to `tests/.work/setup-times.txt` (read by `scripts/test`).
fn record_setup(engine: Engine, started: Instant) {
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/.work");
    let _ = std::fs::create_dir_all(&dir);
    // libtest names a test's thread after it; run alone (as nextest does) it may be `main`,
    // and the name is the first argument.
    let test = match std::thread::current().name() {
        Some(name) if name != "main" => name.to_owned(),
        _ => std::env::args()
            .skip(1)
            .find(|a| !a.starts_with('-'))
            .unwrap_or_else(|| "unnamed".into()),
    }
    .replace(' ', "_");
    let engine = match engine {
        Engine::Sqlite => "sqlite",
        Engine::Postgres => "postgres",
    };
    let line = format!("{test} {engine} {ms:.1}\n");
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("setup-times.txt"))
    {
        // One short write with O_APPEND: lines of parallel processes do not interleave.
        let _ = f.write_all(line.as_bytes());
    }
}

impl TestStore {
    /// A fresh, migrated store on the given engine.
    pub async fn new(engine: Engine) -> TestStore {
        let started = Instant::now();
        let name = unique_name("sgo_t");
        let db = match engine {
            Engine::Sqlite => {
                let template = sqlite_schema_template().await;
                TestStore::open_sqlite_copy(&name, &template).await
            }
            Engine::Postgres => {
                type NoFill = fn(Arc<dyn Store>) -> std::future::Ready<String>;
                pg_clone::<NoFill, std::future::Ready<String>>(&name, None).await;
                TestStore::open_postgres(name).await
            }
        };
        record_setup(engine, started);
        db
    }

    /// A store holding what `fill` wrote, copied from a template that `fill` makes once per
    /// `key` and schema (across test processes and runs); answers the store and the text `fill`
    /// returned when the template was made (what the test must know of the data: logins,
    /// passwords). `key` must name everything `fill` depends on.
    pub async fn from_template<F, Fut>(engine: Engine, key: &str, fill: F) -> (TestStore, String)
    where
        F: FnOnce(Arc<dyn Store>) -> Fut,
        Fut: Future<Output = String>,
    {
        let started = Instant::now();
        let name = unique_name("sgo_t");
        let made = match engine {
            Engine::Sqlite => {
                let (template, payload) = sqlite_data_template(key, fill).await;
                (TestStore::open_sqlite_copy(&name, &template).await, payload)
            }
            Engine::Postgres => {
                let template = data_template(Engine::Postgres, key);
                let payload = pg_clone(&name, Some((template, fill))).await;
                (TestStore::open_postgres(name).await, payload)
            }
        };
        record_setup(engine, started);
        made
    }

    async fn open_sqlite_copy(name: &str, template: &Path) -> TestStore {
        let dir = std::env::temp_dir().join(name);
        std::fs::create_dir_all(&dir).expect("create test directory");
        std::fs::copy(template, dir.join("sgo.db")).expect("copy the SQLite template");
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

    async fn open_postgres(name: String) -> TestStore {
        let dir = std::env::temp_dir().join(&name);
        std::fs::create_dir_all(&dir).expect("create test directory");
        let url = replace_database(&postgres_admin_url(), &name);
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

/// A SQL string literal.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
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
