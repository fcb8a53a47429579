//! Per-test databases: a copy of a migrated SQLite template file, or a PostgreSQL database
//! cloned from a migrated template database, dropped after.
//!
//! Migrating from nothing for every test cost more than the tests themselves. The first test of
//! a run builds a template named after a checksum of the migration files (under a lock, so that
//! the parallel processes of one run do not race) and every test copies it. A template may also
//! hold data (the kit's demo regions): [`TestStore::from_template`].

use std::future::Future;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Instant;

use sqlx::Connection;
use sqlx::migrate::Migrator;

use crate::{Engine, Store, connect};

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

async fn admin_connection() -> sqlx::PgConnection {
    sqlx::PgConnection::connect(&postgres_admin_url())
        .await
        .expect("connect to PostgreSQL")
}

async fn execute(conn: &mut sqlx::PgConnection, sql: String) {
    sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
        .execute(&mut *conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn pg_database_exists(conn: &mut sqlx::PgConnection, name: &str) -> bool {
    sqlx::query_scalar::<_, i64>("SELECT count(*) FROM pg_database WHERE datname = $1")
        .bind(name)
        .fetch_one(&mut *conn)
        .await
        .expect("read pg_database")
        > 0
}

/// Ends every session on a database, so that it can be copied or dropped.
async fn pg_disconnect_all(conn: &mut sqlx::PgConnection, name: &str) {
    sqlx::query("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = $1")
        .bind(name)
        .execute(&mut *conn)
        .await
        .expect("end sessions on the template");
}

/// Makes sure the migrated template exists; called with the lock held exclusively.
async fn pg_create_schema_template(admin: &mut sqlx::PgConnection, name: &str) {
    if pg_database_exists(admin, name).await {
        return;
    }
    // Templates of other migration sets are from older runs; nobody clones them any more.
    let old: Vec<String> = sqlx::query_scalar(
        "SELECT datname::text FROM pg_database WHERE datname LIKE 'sgo\\_tpl\\_%' AND datname NOT LIKE $1",
    )
    .bind(format!("{name}%"))
    .fetch_all(&mut *admin)
    .await
    .expect("list old templates");
    for db in old {
        execute(admin, format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)")).await;
    }
    pg_drop_orphan_copies(admin).await;
    // Built under another name and renamed, so that a crash never leaves a half-migrated template.
    let building = unique_name("sgo_build");
    execute(admin, format!("CREATE DATABASE {building}")).await;
    let url = replace_database(&postgres_admin_url(), &building);
    let mut conn = sqlx::PgConnection::connect(&url)
        .await
        .expect("connect to the new template");
    PG_MIGRATIONS
        .run(&mut conn)
        .await
        .expect("migrate the template");
    conn.close().await.expect("close the template");
    pg_disconnect_all(admin, &building).await;
    execute(admin, format!("ALTER DATABASE {building} RENAME TO {name}")).await;
}

/// Fills a data template from the schema template; called with the lock held exclusively.
/// Answers the payload that `fill` returned, kept as the database's comment.
async fn pg_create_data_template<F, Fut>(
    admin: &mut sqlx::PgConnection,
    schema: &str,
    name: &str,
    fill: F,
) -> String
where
    F: FnOnce(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = String>,
{
    let building = unique_name("sgo_build");
    execute(
        admin,
        format!("CREATE DATABASE {building} TEMPLATE {schema}"),
    )
    .await;
    let url = replace_database(&postgres_admin_url(), &building);
    let dir = std::env::temp_dir().join(&building);
    let store = connect(Some(&url), &dir.join("unused.db"))
        .await
        .expect("open the data template");
    let payload = fill(store).await;
    pg_disconnect_all(admin, &building).await;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "COMMENT ON DATABASE {building} IS {}",
        quote(&payload)
    )))
    .execute(&mut *admin)
    .await
    .expect("keep the template's payload");
    execute(admin, format!("ALTER DATABASE {building} RENAME TO {name}")).await;
    let _ = std::fs::remove_dir_all(&dir);
    // Keys whose inputs changed (a new generator) are never asked for again: keep the newest few.
    let stale: Vec<String> = sqlx::query_scalar(
        "SELECT datname::text FROM pg_database WHERE datname LIKE $1 ORDER BY oid DESC OFFSET $2",
    )
    .bind(format!("{}\\_%", schema.replace('_', "\\_")))
    .bind(KEPT_DATA_TEMPLATES)
    .fetch_all(&mut *admin)
    .await
    .expect("list data templates");
    for db in stale {
        execute(admin, format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)")).await;
    }
    pg_drop_orphan_copies(admin).await;
    payload
}

/// A SQL string literal.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

async fn pg_payload(admin: &mut sqlx::PgConnection, name: &str) -> String {
    sqlx::query_scalar::<_, Option<String>>(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1",
    )
    .bind(name)
    .fetch_one(&mut *admin)
    .await
    .expect("read the template's payload")
    .unwrap_or_default()
}

/// How many ready copies of a template the pool aims to hold.
const POOL_TARGET: usize = 3;

/// The name prefix of a template's ready copies, `sgo_pool_<hash of the template's name>_`.
fn pool_prefix(template: &str) -> String {
    format!(
        "sgo_pool_{:016x}_",
        fnv(template.bytes(), 0xcbf2_9ce4_8422_2325)
    )
}

/// Renames a ready copy of `template` to `name`, or copies the template when none is ready;
/// then orders new copies in the background.
///
/// Copying a database takes the server about 140 ms, most of a test's set-up; a copy made while
/// earlier tests ran is taken by one rename. Called with the template lock held shared.
async fn pg_take_from_pool(admin: &mut sqlx::PgConnection, template: &str, name: &str) {
    let prefix = pool_prefix(template);
    let mut ready: Vec<String> =
        sqlx::query_scalar("SELECT datname::text FROM pg_database WHERE starts_with(datname, $1)")
            .bind(&prefix)
            .fetch_all(&mut *admin)
            .await
            .expect("list ready copies");
    // Parallel processes start from different ends, so that they rarely race for one copy.
    if std::process::id() % 2 == 1 {
        ready.reverse();
    }
    let mut taken = false;
    for copy in &ready {
        // Fails when another process renamed it first; nobody ever connects to a ready copy.
        let rename = format!("ALTER DATABASE {copy} RENAME TO {name}");
        if sqlx::query(sqlx::AssertSqlSafe(rename))
            .execute(&mut *admin)
            .await
            .is_ok()
        {
            taken = true;
            break;
        }
    }
    if !taken {
        execute(admin, format!("CREATE DATABASE {name} TEMPLATE {template}")).await;
    }
    let wanted = POOL_TARGET.saturating_sub(ready.len().saturating_sub(usize::from(taken)));
    for _ in 0..wanted.max(1) {
        pg_order_copy(template, &prefix);
    }
}

/// Sends `CREATE DATABASE` for a ready copy on its own connection without waiting for it.
///
/// The server finishes the copy even when this test's process has ended meanwhile (it commits
/// before it answers), and a copy that fails leaves nothing behind: the pool never holds half a
/// database.
fn pg_order_copy(template: &str, prefix: &str) {
    let sql = format!(
        "CREATE DATABASE {} TEMPLATE {template}",
        unique_name(&prefix[..prefix.len() - 1])
    );
    let admin = postgres_admin_url();
    std::thread::spawn(move || {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        rt.block_on(async {
            if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                let _ = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .execute(&mut conn)
                    .await;
            }
        });
    });
}

/// Drops ready copies whose template is gone; called with the lock held exclusively.
async fn pg_drop_orphan_copies(admin: &mut sqlx::PgConnection) {
    let templates: Vec<String> = sqlx::query_scalar(
        "SELECT datname::text FROM pg_database WHERE starts_with(datname, 'sgo_tpl_')",
    )
    .fetch_all(&mut *admin)
    .await
    .expect("list templates");
    let kept: Vec<String> = templates.iter().map(|t| pool_prefix(t)).collect();
    let copies: Vec<String> = sqlx::query_scalar(
        "SELECT datname::text FROM pg_database WHERE starts_with(datname, 'sgo_pool_')",
    )
    .fetch_all(&mut *admin)
    .await
    .expect("list ready copies");
    for copy in copies {
        if !kept.iter().any(|p| copy.starts_with(p)) {
            execute(
                admin,
                format!("DROP DATABASE IF EXISTS {copy} WITH (FORCE)"),
            )
            .await;
        }
    }
}

/// A PostgreSQL clone of `template` (made by `fill` from the schema template when `fill` is
/// given and the template is missing) named `name`; answers the template's payload.
async fn pg_clone<F, Fut>(name: &str, data: Option<(String, F)>) -> String
where
    F: FnOnce(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = String>,
{
    let schema = schema_template(Engine::Postgres);
    let template = data.as_ref().map_or(schema.clone(), |(t, _)| t.clone());
    let mut admin = admin_connection().await;
    execute(
        &mut admin,
        format!("SELECT pg_advisory_lock_shared({TEMPLATE_LOCK})"),
    )
    .await;
    let mut payload = None;
    if !pg_database_exists(&mut admin, &template).await {
        execute(
            &mut admin,
            format!("SELECT pg_advisory_unlock_shared({TEMPLATE_LOCK})"),
        )
        .await;
        execute(
            &mut admin,
            format!("SELECT pg_advisory_lock({TEMPLATE_LOCK})"),
        )
        .await;
        pg_create_schema_template(&mut admin, &schema).await;
        if let Some((template, fill)) = data
            && !pg_database_exists(&mut admin, &template).await
        {
            payload = Some(pg_create_data_template(&mut admin, &schema, &template, fill).await);
        }
        // Downgraded to shared before copying, so that the other processes copy meanwhile too.
        execute(
            &mut admin,
            format!("SELECT pg_advisory_lock_shared({TEMPLATE_LOCK})"),
        )
        .await;
        execute(
            &mut admin,
            format!("SELECT pg_advisory_unlock({TEMPLATE_LOCK})"),
        )
        .await;
    }
    pg_take_from_pool(&mut admin, &template, name).await;
    let payload = match payload {
        Some(p) => p,
        None if template != schema => pg_payload(&mut admin, &template).await,
        None => String::new(),
    };
    let _ = admin.close().await;
    payload
}

/// Holds the lock of the SQLite template directory until dropped (the processes of a run
/// build each template once).
fn sqlite_template_lock() -> std::fs::File {
    let dir = sqlite_template_dir();
    std::fs::create_dir_all(&dir).expect("create the template directory");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join("lock"))
        .expect("open the template lock");
    file.lock().expect("lock the template directory");
    file
}

/// The path of a migrated SQLite template, made if missing.
async fn sqlite_schema_template() -> PathBuf {
    let dir = sqlite_template_dir();
    let path = dir.join(format!("{}.db", schema_template(Engine::Sqlite)));
    if path.exists() {
        return path;
    }
    let _lock = sqlite_template_lock();
    if path.exists() {
        return path;
    }
    // Built beside and renamed into place, so that a crash never leaves a half-made template.
    let building = dir.join(format!("{}.db", unique_name("building")));
    let url = format!("sqlite://{}?mode=rwc", building.display());
    let mut conn = sqlx::SqliteConnection::connect(&url)
        .await
        .expect("create the SQLite template");
    SQLITE_MIGRATIONS
        .run(&mut conn)
        .await
        .expect("migrate the SQLite template");
    conn.close().await.expect("close the SQLite template");
    std::fs::rename(&building, &path).expect("publish the SQLite template");
    path
}

/// A SQLite template holding data, made by `fill` if missing; answers its path and payload.
async fn sqlite_data_template<F, Fut>(key: &str, fill: F) -> (PathBuf, String)
where
    F: FnOnce(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = String>,
{
    let dir = sqlite_template_dir();
    let name = data_template(Engine::Sqlite, key);
    // The database and its payload live in one directory, published by one rename.
    let home = dir.join(&name);
    let read = || {
        let payload = std::fs::read_to_string(home.join("payload.txt")).ok()?;
        Some((home.join("sgo.db"), payload))
    };
    if let Some(found) = read() {
        return found;
    }
    let schema = sqlite_schema_template().await;
    let _lock = sqlite_template_lock();
    if let Some(found) = read() {
        return found;
    }
    let building = dir.join(unique_name("building"));
    let work = building.join("work");
    std::fs::create_dir_all(&work).expect("create the template's directory");
    std::fs::copy(&schema, work.join("sgo.db")).expect("copy the schema template");
    let store = connect(None, &work.join("sgo.db"))
        .await
        .expect("open the data template");
    let payload = fill(store).await;
    // VACUUM INTO writes one consistent file whatever the write-ahead log still holds.
    let url = format!("sqlite://{}", work.join("sgo.db").display());
    let mut conn = sqlx::SqliteConnection::connect(&url)
        .await
        .expect("open the data template");
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "VACUUM INTO {}",
        quote(&building.join("sgo.db").display().to_string())
    )))
    .execute(&mut conn)
    .await
    .expect("pack the data template");
    let _ = conn.close().await;
    let _ = std::fs::remove_dir_all(&work);
    std::fs::write(building.join("payload.txt"), &payload).expect("write the template's payload");
    std::fs::rename(&building, &home).expect("publish the data template");
    let schema_name = schema_template(Engine::Sqlite);
    let mut data: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| {
                    e.file_name()
                        .to_string_lossy()
                        .starts_with(&format!("{schema_name}_"))
                })
                .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
                .collect()
        })
        .unwrap_or_default();
    data.sort();
    let excess = data.len().saturating_sub(KEPT_DATA_TEMPLATES as usize);
    for (_, old) in data.into_iter().take(excess) {
        let _ = std::fs::remove_dir_all(old);
    }
    (home.join("sgo.db"), payload)
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
