//! The file store: bytes of attachments and generated documents, kept by an opaque key.
//!
//! Names people gave their files live in the database with the thing they belong to; on disk a
//! file is only its key, so no uploaded name can ever reach a path.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use async_trait::async_trait;

use crate::{StoreError, StoreResult};

/// Where file contents are kept. One interface for the local directory (one node) and, later,
/// an object store shared by several nodes.
#[async_trait]
pub trait FileStore: Send + Sync + 'static {
    /// Stores the bytes under a new key (32 lower-case hex characters chosen by the caller).
    async fn put(&self, key: &str, bytes: &[u8]) -> StoreResult<()>;
    /// The bytes under a key, or `None` when there is no such file.
    async fn get(&self, key: &str) -> StoreResult<Option<Vec<u8>>>;
    /// Removes a file; removing a missing one is not an error.
    async fn delete(&self, key: &str) -> StoreResult<()>;
}

/// Files in a local directory, spread over 256 sub-directories by the key's first two characters.
#[derive(Debug, Clone)]
pub struct LocalFileStore {
    root: PathBuf,
}

impl LocalFileStore {
    /// A store rooted at `root` (created on the first write).
    pub fn new(root: impl Into<PathBuf>) -> LocalFileStore {
        LocalFileStore { root: root.into() }
    }

    fn path(&self, key: &str) -> StoreResult<PathBuf> {
        if !is_key(key) {
            return Err(StoreError::Conflict(format!("not a file key: {key:?}")));
        }
        Ok(self.root.join(&key[..2]).join(key))
    }
}

/// A key is exactly 32 lower-case hex characters: nothing else can name a file.
pub fn is_key(key: &str) -> bool {
    key.len() == 32
        && key
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn io_error(path: &Path, e: std::io::Error) -> StoreError {
    StoreError::Files(format!("{}: {e}", path.display()))
}

#[async_trait]
impl FileStore for LocalFileStore {
    async fn put(&self, key: &str, bytes: &[u8]) -> StoreResult<()> {
        let path = self.path(key)?;
        let dir = path.parent().unwrap_or(&self.root).to_owned();
        tokio::fs::create_dir_all(&dir)
            .await
            .map_err(|e| io_error(&dir, e))?;
        // Written beside and renamed into place, so a reader never sees half a file.
        let partial = path.with_extension("partial");
        tokio::fs::write(&partial, bytes)
            .await
            .map_err(|e| io_error(&partial, e))?;
        tokio::fs::rename(&partial, &path)
            .await
            .map_err(|e| io_error(&path, e))
    }

    async fn get(&self, key: &str) -> StoreResult<Option<Vec<u8>>> {
        let path = self.path(key)?;
        match tokio::fs::read(&path).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_error(&path, e)),
        }
    }

    async fn delete(&self, key: &str) -> StoreResult<()> {
        let path = self.path(key)?;
        match tokio::fs::remove_file(&path).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io_error(&path, e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch() -> PathBuf {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        std::env::temp_dir().join(format!("sgo-files-{}-{nanos}", std::process::id()))
    }

    #[tokio::test]
    async fn files_round_trip_and_disappear() {
        let root = scratch();
        let files = LocalFileStore::new(&root);
        let key = "0123456789abcdef0123456789abcdef";
        assert_eq!(files.get(key).await.ok(), Some(None));
        files.put(key, "Домашнее задание".as_bytes()).await.ok();
        assert_eq!(
            files.get(key).await.ok().flatten().as_deref(),
            Some("Домашнее задание".as_bytes())
        );
        assert!(root.join("01").join(key).is_file());
        assert!(files.delete(key).await.is_ok());
        assert!(files.delete(key).await.is_ok());
        assert_eq!(files.get(key).await.ok(), Some(None));
        let _ = std::fs::remove_dir_all(&root);
    }

    #[tokio::test]
    async fn only_keys_name_files() {
        let files = LocalFileStore::new(scratch());
        for bad in [
            "../../etc/passwd",
            "",
            "0123456789ABCDEF0123456789ABCDEF",
            "0123456789abcdef0123456789abcde/",
        ] {
            assert!(!is_key(bad), "{bad}");
            assert!(files.get(bad).await.is_err(), "{bad}");
            assert!(files.put(bad, b"x").await.is_err(), "{bad}");
        }
    }
}
