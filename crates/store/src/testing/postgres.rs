//! PostgreSQL test databases: migrated and data templates built once under an advisory lock,
//! and per-test copies taken from a pool of copies made ahead.

use std::future::Future;
use std::sync::Arc;

use sqlx::Connection;

use super::{
    KEPT_DATA_TEMPLATES, PG_MIGRATIONS, TEMPLATE_LOCK, fnv, postgres_admin_url, quote,
    replace_database, schema_template, unique_name,
};
use crate::{Engine, Store, connect};

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
pub(super) async fn pg_clone<F, Fut>(name: &str, data: Option<(String, F)>) -> String
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
