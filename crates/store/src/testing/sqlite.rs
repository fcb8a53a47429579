//! SQLite test databases: template files in a directory shared by the processes of a run.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use sqlx::Connection;

use super::{
    KEPT_DATA_TEMPLATES, SQLITE_MIGRATIONS, data_template, quote, schema_template,
    sqlite_template_dir, unique_name,
};
use crate::{Engine, Store, connect};

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
pub(super) async fn sqlite_schema_template() -> PathBuf {
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
pub(super) async fn sqlite_data_template<F, Fut>(key: &str, fill: F) -> (PathBuf, String)
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
