//! Files in a local directory: the store of a single node on SQLite.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use async_trait::async_trait;
use bytes::BytesMut;
use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{ByteStream, FileBody, FileStore, body_error, checked_key, is_key};
use crate::{StoreError, StoreResult};

/// How much of a file one read takes from the disk.
const READ_CHUNK: usize = 64 * 1024;

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
        let key = checked_key(key)?;
        Ok(self.root.join(&key[..2]).join(key))
    }
}

fn io_error(path: &Path, e: std::io::Error) -> StoreError {
    StoreError::Files(format!("{}: {e}", path.display()))
}

/// Copies the body into `file`, refusing it once it passes `limit`; answers the byte count.
async fn copy_capped(
    file: &mut tokio::fs::File,
    path: &Path,
    mut body: ByteStream,
    limit: u64,
) -> StoreResult<u64> {
    let mut written = 0u64;
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(body_error)?;
        written += chunk.len() as u64;
        if written > limit {
            return Err(StoreError::TooLarge { limit });
        }
        file.write_all(&chunk)
            .await
            .map_err(|e| io_error(path, e))?;
    }
    file.flush().await.map_err(|e| io_error(path, e))?;
    // Put into place only once on disk: after a crash the key names the whole file or nothing.
    file.sync_all().await.map_err(|e| io_error(path, e))?;
    Ok(written)
}

#[async_trait]
impl FileStore for LocalFileStore {
    async fn write(&self, key: &str, body: ByteStream, limit: u64) -> StoreResult<u64> {
        let path = self.path(key)?;
        let dir = path.parent().unwrap_or(&self.root).to_owned();
        tokio::fs::create_dir_all(&dir)
            .await
            .map_err(|e| io_error(&dir, e))?;
        // Written beside and put into place whole, so a reader never sees half a file.
        let partial = path.with_extension("partial");
        let mut file = tokio::fs::File::create(&partial)
            .await
            .map_err(|e| io_error(&partial, e))?;
        let copied = copy_capped(&mut file, &partial, body, limit).await;
        drop(file);
        // Linked rather than renamed into place: a link never replaces a file already under
        // the key (a rename would, silently).
        let placed = match copied {
            Ok(n) => match tokio::fs::hard_link(&partial, &path).await {
                Ok(()) => Ok(n),
                Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                    Err(StoreError::Conflict(format!("file key {key} is taken")))
                }
                Err(e) => Err(io_error(&path, e)),
            },
            Err(e) => Err(e),
        };
        let _ = tokio::fs::remove_file(&partial).await;
        placed
    }

    async fn read(&self, key: &str) -> StoreResult<Option<FileBody>> {
        let path = self.path(key)?;
        let file = match tokio::fs::File::open(&path).await {
            Ok(file) => file,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_error(&path, e)),
        };
        let size = file.metadata().await.map_err(|e| io_error(&path, e))?.len();
        let stream = futures_util::stream::try_unfold(file, |mut file| async move {
            let mut buf = BytesMut::with_capacity(READ_CHUNK);
            while buf.len() < READ_CHUNK {
                if file.read_buf(&mut buf).await? == 0 {
                    break;
                }
            }
            Ok(if buf.is_empty() {
                None
            } else {
                Some((buf.freeze(), file))
            })
        });
        Ok(Some(FileBody {
            size,
            stream: Box::pin(stream),
        }))
    }

    async fn delete(&self, key: &str) -> StoreResult<()> {
        let path = self.path(key)?;
        match tokio::fs::remove_file(&path).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io_error(&path, e)),
        }
    }

    async fn keys(&self) -> StoreResult<Vec<String>> {
        let mut keys = Vec::new();
        let mut dirs = match tokio::fs::read_dir(&self.root).await {
            Ok(dirs) => dirs,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(keys),
            Err(e) => return Err(io_error(&self.root, e)),
        };
        while let Some(dir) = dirs
            .next_entry()
            .await
            .map_err(|e| io_error(&self.root, e))?
        {
            let prefix = dir.file_name().to_string_lossy().into_owned();
            if prefix.len() != 2 || !dir.file_type().await.is_ok_and(|t| t.is_dir()) {
                continue;
            }
            let path = dir.path();
            let mut files = tokio::fs::read_dir(&path)
                .await
                .map_err(|e| io_error(&path, e))?;
            while let Some(file) = files.next_entry().await.map_err(|e| io_error(&path, e))? {
                // Half-written `.partial` files and anything foreign are not files of the store.
                let name = file.file_name().to_string_lossy().into_owned();
                if is_key(&name) && name.starts_with(&prefix) {
                    keys.push(name);
                }
            }
        }
        keys.sort();
        Ok(keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::stream_of;

    fn scratch() -> PathBuf {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        std::env::temp_dir().join(format!("sgo-files-{}-{nanos}", std::process::id()))
    }

    #[tokio::test]
    async fn files_live_under_their_key_prefix() {
        let root = scratch();
        let files = LocalFileStore::new(&root);
        let key = "0123456789abcdef0123456789abcdef";
        assert!(files.read(key).await.unwrap().is_none());
        files
            .write(key, stream_of("Домашнее задание".as_bytes()), 1000)
            .await
            .unwrap();
        assert!(root.join("01").join(key).is_file());
        std::fs::write(root.join("01").join("notes.txt"), b"x").unwrap();
        std::fs::write(root.join("01").join(format!("{key}.partial")), b"x").unwrap();
        assert_eq!(files.keys().await.unwrap(), vec![key.to_owned()]);
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
            assert!(files.read(bad).await.is_err(), "{bad}");
            assert!(
                files.write(bad, stream_of(&b"x"[..]), 10).await.is_err(),
                "{bad}"
            );
        }
    }
}
