//! File contents in the store each engine chooses (the data directory on SQLite, the database on
//! PostgreSQL), on both engines: chunk boundaries, the byte limit enforced while writing, all or
//! nothing, deleting, concurrent readers and writers, and identical contents kept once.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::path::PathBuf;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::StreamExt;
use sgo_store::testing::TestStore;
use sgo_store::{ByteStream, Engine, FILE_CHUNK_BYTES, FileStore, StoreError, stream_of};
use sgo_testkit::both_engines;

const CHUNK: usize = FILE_CHUNK_BYTES;

/// A test database and the file store its engine chooses.
struct Files {
    db: TestStore,
    files: Arc<dyn FileStore>,
}

impl Files {
    async fn new(engine: Engine) -> Files {
        let db = TestStore::new(engine).await;
        let files = db.store.file_store(&db.dir.join("files"));
        Files { db, files }
    }

    fn dir(&self) -> PathBuf {
        self.db.dir.join("files")
    }

    /// Rows of a table (always 0 on SQLite, which keeps its files on disk).
    async fn rows(&self, table: &str) -> i64 {
        self.db.ids(&format!("SELECT COUNT(*) FROM {table}")).await[0]
    }

    /// Everything under the files directory, half-written files included.
    fn on_disk(&self) -> Vec<String> {
        let mut found = Vec::new();
        for dir in std::fs::read_dir(self.dir())
            .into_iter()
            .flatten()
            .flatten()
        {
            for f in std::fs::read_dir(dir.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                found.push(f.file_name().to_string_lossy().into_owned());
            }
        }
        found
    }

    /// Nothing stored anywhere: no key, no row, no file on disk.
    async fn assert_empty(&self) {
        assert!(self.files.keys().await.unwrap().is_empty());
        for table in ["file_keys", "file_blobs", "file_chunks"] {
            assert_eq!(self.rows(table).await, 0, "{table}");
        }
        assert!(self.on_disk().is_empty(), "{:?}", self.on_disk());
    }

    async fn read(&self, key: &str) -> Option<Vec<u8>> {
        let body = self.files.read(key).await.unwrap()?;
        let size = body.size;
        let bytes = body.into_vec().await.unwrap();
        assert_eq!(
            bytes.len() as u64,
            size,
            "the announced size is the real one"
        );
        Some(bytes)
    }
}

fn key(n: u8) -> String {
    format!("{n:02x}").repeat(16)
}

/// Bytes that do not repeat within a chunk, so a chunk out of place would show.
fn contents(len: usize, seed: u32) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761).max(1);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

/// The bytes in pieces of `piece` bytes, as a spool or a migration hands them over.
fn pieces(bytes: &[u8], piece: usize) -> ByteStream {
    let parts: Vec<std::io::Result<Bytes>> = bytes
        .chunks(piece)
        .map(|p| Ok(Bytes::copy_from_slice(p)))
        .collect();
    Box::pin(futures_util::stream::iter(parts))
}

async fn chunk_boundaries_round_trip(engine: Engine) {
    let f = Files::new(engine).await;
    let sizes = [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17];
    let mut expected_chunks = 0;
    for (i, &size) in sizes.iter().enumerate() {
        let bytes = contents(size, i as u32 + 1);
        let k = key(i as u8);
        assert!(f.read(&k).await.is_none());
        // Pieces of an odd size cross the chunk boundaries anywhere.
        let written = f
            .files
            .write(&k, pieces(&bytes, 10_007), size as u64)
            .await
            .unwrap();
        assert_eq!(written, size as u64);
        assert_eq!(f.read(&k).await.unwrap(), bytes, "{size} bytes");
        expected_chunks += size.div_ceil(CHUNK) as i64;
        if engine == Engine::Postgres {
            let chunks = f
                .db
                .ids(&format!(
                    "SELECT CAST(b.chunk_count AS BIGINT) FROM file_keys k JOIN file_blobs b ON b.id = k.blob_id \
                     WHERE k.storage_key = '{k}'"
                ))
                .await;
            assert_eq!(chunks, vec![size.div_ceil(CHUNK) as i64], "{size} bytes");
        }
    }
    if engine == Engine::Postgres {
        // Exactly one chunk for 256 KiB, two for one byte more, none for an empty file.
        assert_eq!(f.rows("file_chunks").await, expected_chunks);
        assert!(f.on_disk().is_empty(), "PostgreSQL keeps nothing on disk");
    }
    let mut keys: Vec<String> = (0..sizes.len() as u8).map(key).collect();
    keys.sort();
    assert_eq!(f.files.keys().await.unwrap(), keys);
}

async fn over_the_limit_leaves_nothing(engine: Engine) {
    let f = Files::new(engine).await;
    let bytes = contents(4 * CHUNK, 7);
    // Refused in the middle: two chunks were already written when the limit was passed.
    let limit = (2 * CHUNK + CHUNK / 2) as u64;
    let refused = f.files.write(&key(1), pieces(&bytes, 65_536), limit).await;
    assert!(
        matches!(refused, Err(StoreError::TooLarge { limit: l }) if l == limit),
        "{refused:?}"
    );
    assert!(f.read(&key(1)).await.is_none());
    f.assert_empty().await;

    // A body that fails halfway (a client gone, a spool unreadable) leaves nothing either.
    let good = futures_util::stream::iter(vec![Ok(Bytes::from(bytes[..3 * CHUNK].to_vec()))]);
    let broken = good.chain(futures_util::stream::iter(vec![Err(
        std::io::Error::other("connection reset"),
    )]));
    let failed = f.files.write(&key(2), Box::pin(broken), u64::MAX).await;
    assert!(matches!(failed, Err(StoreError::Files(_))), "{failed:?}");
    f.assert_empty().await;

    // Exactly at the limit is allowed.
    let exact = f
        .files
        .write(&key(3), pieces(&bytes, 100_000), bytes.len() as u64)
        .await
        .unwrap();
    assert_eq!(exact, bytes.len() as u64);
    assert_eq!(f.read(&key(3)).await.unwrap(), bytes);

    // A taken key is refused and the file under it stays as it was.
    let again = f.files.write(&key(3), stream_of(&b"other"[..]), 100).await;
    assert!(again.is_err(), "{again:?}");
    assert_eq!(f.read(&key(3)).await.unwrap(), bytes);
}

async fn a_file_being_written_is_invisible_until_complete(engine: Engine) {
    let f = Files::new(engine).await;
    let bytes = contents(2 * CHUNK + 5, 3);
    let (tx, rx) = tokio::sync::mpsc::channel::<std::io::Result<Bytes>>(1);
    let body: ByteStream = Box::pin(tokio_stream_of(rx));
    let files = f.files.clone();
    let k = key(9);
    let writer = tokio::spawn(async move { files.write(&k, body, u64::MAX).await });
    tx.send(Ok(Bytes::from(bytes[..CHUNK + 10].to_vec())))
        .await
        .unwrap();
    // The writer has stored a chunk and waits for more: nobody sees the file yet.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(f.read(&key(9)).await.is_none());
    assert!(f.files.keys().await.unwrap().is_empty());
    tx.send(Ok(Bytes::from(bytes[CHUNK + 10..].to_vec())))
        .await
        .unwrap();
    drop(tx);
    assert_eq!(writer.await.unwrap().unwrap(), bytes.len() as u64);
    assert_eq!(f.read(&key(9)).await.unwrap(), bytes);
}

/// A receiver as a stream (tokio's own wrapper lives in another crate).
fn tokio_stream_of(
    rx: tokio::sync::mpsc::Receiver<std::io::Result<Bytes>>,
) -> impl futures_util::Stream<Item = std::io::Result<Bytes>> + Send {
    futures_util::stream::unfold(rx, |mut rx| async move {
        let item = rx.recv().await?;
        Some((item, rx))
    })
}

async fn delete_and_identical_contents(engine: Engine) {
    let f = Files::new(engine).await;
    let bytes = contents(CHUNK + 100, 11);
    for n in 1..=3 {
        f.files
            .write(&key(n), pieces(&bytes, 50_000), u64::MAX)
            .await
            .unwrap();
    }
    if engine == Engine::Postgres {
        // Three keys, one copy of the contents.
        assert_eq!(f.rows("file_keys").await, 3);
        assert_eq!(f.rows("file_blobs").await, 1);
        assert_eq!(f.rows("file_chunks").await, 2);
    }
    f.files.delete(&key(1)).await.unwrap();
    f.files.delete(&key(1)).await.unwrap(); // removing a missing file is not an error
    assert!(f.read(&key(1)).await.is_none());
    assert_eq!(f.read(&key(2)).await.unwrap(), bytes);
    f.files.delete(&key(2)).await.unwrap();
    assert_eq!(f.read(&key(3)).await.unwrap(), bytes);
    if engine == Engine::Postgres {
        assert_eq!(f.rows("file_blobs").await, 1);
    }
    f.files.delete(&key(3)).await.unwrap();
    f.assert_empty().await;
    // The same contents stored again after the last copy went are whole again.
    f.files
        .write(&key(4), stream_of(bytes.clone()), u64::MAX)
        .await
        .unwrap();
    assert_eq!(f.read(&key(4)).await.unwrap(), bytes);
    for bad in ["../../etc/passwd", "", "0123456789ABCDEF0123456789ABCDEF"] {
        assert!(f.files.read(bad).await.is_err(), "{bad}");
        assert!(f.files.delete(bad).await.is_err(), "{bad}");
        assert!(
            f.files.write(bad, stream_of(&b"x"[..]), 10).await.is_err(),
            "{bad}"
        );
    }
}

async fn concurrent_readers_and_writers(engine: Engine) {
    let f = Files::new(engine).await;
    let bytes = Arc::new(contents(4 * CHUNK + 3, 5));
    f.files
        .write(&key(1), pieces(&bytes, 70_000), u64::MAX)
        .await
        .unwrap();
    // Readers of one file, each pulling its chunks at its own pace.
    let readers: Vec<_> = (0..8)
        .map(|_| {
            let files = f.files.clone();
            let bytes = bytes.clone();
            tokio::spawn(async move {
                let mut body = files.read(&key(1)).await.unwrap().unwrap();
                let mut got = Vec::new();
                while let Some(piece) = body.stream.next().await {
                    got.extend_from_slice(&piece.unwrap());
                    tokio::task::yield_now().await;
                }
                assert_eq!(got, *bytes);
            })
        })
        .collect();
    // Writers of the same new contents under different keys at once: each key gets it whole
    // (on PostgreSQL they race for the one copy kept).
    let same = Arc::new(contents(CHUNK + 1, 6));
    let writers: Vec<_> = (10..16)
        .map(|n| {
            let files = f.files.clone();
            let same = same.clone();
            tokio::spawn(async move {
                files
                    .write(&key(n), pieces(&same, 30_000), u64::MAX)
                    .await
                    .unwrap()
            })
        })
        .collect();
    for r in readers {
        r.await.unwrap();
    }
    for w in writers {
        assert_eq!(w.await.unwrap(), same.len() as u64);
    }
    for n in 10..16 {
        assert_eq!(f.read(&key(n)).await.unwrap(), *same);
    }
    if engine == Engine::Postgres {
        assert_eq!(f.rows("file_blobs").await, 2);
        assert_eq!(f.rows("file_keys").await, 7);
    }
}

both_engines!(
    chunk_boundaries_round_trip,
    over_the_limit_leaves_nothing,
    a_file_being_written_is_invisible_until_complete,
    delete_and_identical_contents,
    concurrent_readers_and_writers
);
