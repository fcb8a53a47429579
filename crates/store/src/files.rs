//! The file store: bytes of attachments and generated documents, kept by an opaque key.
//!
//! Names people gave their files live in the database with the thing they belong to; a stored
//! file is only its key, so no uploaded name can ever reach a path. Contents travel as streams
//! of chunks both ways, so a file of any size costs a few chunks of memory, never its whole
//! length.

mod local;
mod postgres;

use std::pin::Pin;

use async_trait::async_trait;
use bytes::Bytes;
use futures_util::{Stream, StreamExt};

use crate::{StoreError, StoreResult};

pub use local::LocalFileStore;
pub use postgres::PostgresFileStore;

/// The size of a chunk of file contents in the database: small enough that a few in flight
/// cost little memory, large enough that a 50 MB file is two hundred rows.
pub const FILE_CHUNK_BYTES: usize = 256 * 1024;

/// Pieces of a file's contents in order, as they are written or read.
pub type ByteStream = Pin<Box<dyn Stream<Item = std::io::Result<Bytes>> + Send>>;

/// A stored file's contents: the size, known before the first byte is read (a download's
/// `Content-Length`), and the bytes as a stream.
pub struct FileBody {
    /// The number of bytes the stream yields.
    pub size: u64,
    /// The bytes.
    pub stream: ByteStream,
}

impl std::fmt::Debug for FileBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileBody")
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

impl FileBody {
    /// Reads the whole file into memory: for small files only (imports, tests).
    pub async fn into_vec(mut self) -> StoreResult<Vec<u8>> {
        let mut bytes = Vec::with_capacity(usize::try_from(self.size).unwrap_or(0));
        while let Some(chunk) = self.stream.next().await {
            bytes.extend_from_slice(&chunk.map_err(|e| StoreError::Files(e.to_string()))?);
        }
        Ok(bytes)
    }
}

/// A stream of bytes already in memory, as one piece.
pub fn stream_of(bytes: impl Into<Bytes>) -> ByteStream {
    let bytes: Bytes = bytes.into();
    Box::pin(futures_util::stream::once(async move { Ok(bytes) }))
}

/// Where file contents are kept: the data directory (one node, SQLite) or the PostgreSQL
/// database itself (any number of nodes sharing nothing else).
#[async_trait]
pub trait FileStore: Send + Sync + 'static {
    /// Stores the bytes of `body` under a new key (32 lower-case hex characters chosen by the
    /// caller) and answers their count. All or nothing: a reader never sees part of the file,
    /// and when the body fails or goes over `limit` bytes ([`StoreError::TooLarge`]) nothing is
    /// left behind.
    async fn write(&self, key: &str, body: ByteStream, limit: u64) -> StoreResult<u64>;
    /// The contents under a key, or `None` when there is no such file.
    async fn read(&self, key: &str) -> StoreResult<Option<FileBody>>;
    /// Removes a file; removing a missing one is not an error.
    async fn delete(&self, key: &str) -> StoreResult<()>;
    /// Every stored key, sorted (moving files between stores, and checks).
    async fn keys(&self) -> StoreResult<Vec<String>>;
}

/// A key is exactly 32 lower-case hex characters: nothing else can name a file.
pub fn is_key(key: &str) -> bool {
    key.len() == 32
        && key
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Refuses anything but a key before it reaches a path or a statement.
fn checked_key(key: &str) -> StoreResult<&str> {
    if is_key(key) {
        Ok(key)
    } else {
        Err(StoreError::Conflict(format!("not a file key: {key:?}")))
    }
}

/// The failure of a body being written (the upload's spool or the source of a migration).
fn body_error(e: std::io::Error) -> StoreError {
    StoreError::Files(format!("reading the file being stored: {e}"))
}
