//! Moving file contents from a data directory into PostgreSQL (`sgo files migrate`): an
//! installation that ran on PostgreSQL with its files on one node's disk brings them to where
//! every node finds them.
//!
//! Each file is copied in one transaction of the database store, so an interrupted run leaves
//! whole files or none, and running it again copies only what is still missing.

use std::path::Path;

use sgo_store::{Engine, FileStore, LocalFileStore, Store};

use crate::{AppError, AppResult};

/// What a migration found and did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FileMigration {
    /// Files in the data directory.
    pub found: u64,
    /// Files copied into the database by this run.
    pub copied: u64,
    /// Their bytes.
    pub copied_bytes: u64,
    /// Files the database held already (from an earlier run).
    pub present: u64,
    /// Files no file record names (left over after a failed removal): not copied.
    pub unused: u64,
    /// Files removed from the data directory once they were in the database.
    pub deleted: u64,
}

/// Copies every file under `files_dir` (laid out as [`LocalFileStore`] keeps them) that a file
/// record names into the database of `store`, skipping those already there. With
/// `delete_source`, each file in the database is removed from the directory afterwards.
/// `progress` is told the number of files done after each one.
pub async fn migrate_local_files(
    store: &dyn Store,
    files_dir: &Path,
    delete_source: bool,
    progress: &(dyn Fn(u64) + Sync),
) -> AppResult<FileMigration> {
    if store.engine() != Engine::Postgres {
        return Err(AppError::BadRequest(msg!("file-migrate-needs-postgres")));
    }
    let source = LocalFileStore::new(files_dir);
    let target = store.file_store(files_dir);
    let mut done = FileMigration::default();
    for key in source.keys().await? {
        done.found += 1;
        if target.read(&key).await?.is_some() {
            done.present += 1;
        } else if !store.storage_key_in_use(&key).await? {
            done.unused += 1;
            progress(done.found);
            continue;
        } else if let Some(body) = source.read(&key).await? {
            // The bytes were accepted under the limits of their day; only their count matters now.
            done.copied_bytes += target.write(&key, body.stream, u64::MAX).await?;
            done.copied += 1;
        } else {
            // Removed from the directory since it was listed: nothing left to move.
            progress(done.found);
            continue;
        }
        if delete_source {
            source.delete(&key).await?;
            done.deleted += 1;
        }
        progress(done.found);
    }
    Ok(done)
}
