//! File contents inside PostgreSQL (migration 0018): what lets any number of `sgo serve` nodes
//! share nothing but the database.
//!
//! A file is written in one transaction, chunk by chunk, so a reader sees it whole or not at all
//! and a failed or refused upload leaves nothing. A download reads its chunks one statement at a
//! time, so a slow client never holds a connection, and no file is ever whole in memory.

use async_trait::async_trait;
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use sha2::{Digest, Sha256};
use sqlx::{Connection, Postgres};

use super::{ByteStream, FILE_CHUNK_BYTES, FileBody, FileStore, body_error, checked_key};
use crate::{StoreError, StoreResult};

/// Chunks fetched ahead of the one being sent, so the next is ready when the client wants it.
const READ_AHEAD: usize = 2;

/// Files in the tables `file_keys`, `file_blobs` and `file_chunks`; identical contents are kept
/// once.
#[derive(Debug, Clone)]
pub struct PostgresFileStore {
    pool: PgPool,
}

/// The repository's pool: through a transaction pooler its lone statements get a transaction of
/// their own, and statements are named only when the engine allows it.
type PgPool = crate::pool::Pool<Postgres>;

impl PostgresFileStore {
    /// The store of the database behind `pool`.
    pub(crate) fn new(pool: PgPool) -> PostgresFileStore {
        PostgresFileStore { pool }
    }
}

fn query<'q>(sql: &'static str) -> sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments> {
    sqlx::query(sql).persistent(crate::postgres::named_statements())
}

fn query_scalar<'q, O>(
    sql: &'static str,
) -> sqlx::query::QueryScalar<'q, Postgres, O, sqlx::postgres::PgArguments>
where
    (O,): for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
{
    sqlx::query_scalar(sql).persistent(crate::postgres::named_statements())
}

fn query_as<'q, O>(
    sql: &'static str,
) -> sqlx::query::QueryAs<'q, Postgres, O, sqlx::postgres::PgArguments>
where
    O: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
{
    sqlx::query_as(sql).persistent(crate::postgres::named_statements())
}

type Tx = sqlx::Transaction<'static, Postgres>;

async fn insert_chunk(tx: &mut Tx, blob: i64, seq: i32, data: &[u8]) -> StoreResult<()> {
    query("INSERT INTO file_chunks (blob_id, seq, data) VALUES ($1, $2, $3)")
        .bind(blob)
        .bind(seq)
        .bind(data)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Gives the blob just written its hash, or, when the same contents are stored already, takes
/// a reference to those and drops the copy; answers the blob the key is to point at.
async fn settle_blob(
    tx: &mut Tx,
    blob: i64,
    sha256: &[u8],
    size: u64,
    chunks: i32,
) -> StoreResult<i64> {
    // A second round only follows a writer of the same contents that committed between our
    // look-up and our claim of the hash; a third would mean that blob vanished meanwhile.
    for _ in 0..3 {
        // The row lock this takes keeps a concurrent delete from removing the blob until we
        // commit; a blob deleted first is simply not found.
        let existing: Option<i64> =
            query_scalar("UPDATE file_blobs SET refs = refs + 1 WHERE sha256 = $1 RETURNING id")
                .bind(sha256)
                .fetch_optional(&mut **tx)
                .await?;
        if let Some(existing) = existing {
            query("DELETE FROM file_blobs WHERE id = $1")
                .bind(blob)
                .execute(&mut **tx)
                .await?;
            return Ok(existing);
        }
        // A savepoint: losing the race for the hash must not abort the whole transaction and
        // with it the chunks already written.
        let mut claim = Connection::begin(&mut **tx).await?;
        let claimed = query(
            "UPDATE file_blobs SET sha256 = $2, size = $3, chunk_count = $4, refs = 1 WHERE id = $1",
        )
        .bind(blob)
        .bind(sha256)
        .bind(i64::try_from(size).unwrap_or(i64::MAX))
        .bind(chunks)
        .execute(&mut *claim)
        .await;
        match claimed {
            Ok(_) => {
                claim.commit().await?;
                return Ok(blob);
            }
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                claim.rollback().await?;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(StoreError::Files(
        "the same contents were being stored and removed at once; try again".into(),
    ))
}

#[async_trait]
impl FileStore for PostgresFileStore {
    async fn write(&self, key: &str, mut body: ByteStream, limit: u64) -> StoreResult<u64> {
        let key = checked_key(key)?;
        // Everything below happens in this transaction: dropping it on any early return rolls
        // back every chunk written so far.
        let mut tx = self.pool.begin().await?;
        let blob: i64 = query_scalar(
            "INSERT INTO file_blobs (size, chunk_count, refs) VALUES (0, 0, 0) RETURNING id",
        )
        .fetch_one(&mut *tx)
        .await?;
        let mut hash = Sha256::new();
        let mut pending = BytesMut::with_capacity(FILE_CHUNK_BYTES);
        let mut size = 0u64;
        let mut seq = 0i32;
        while let Some(piece) = body.next().await {
            let piece = piece.map_err(body_error)?;
            size += piece.len() as u64;
            if size > limit {
                return Err(StoreError::TooLarge { limit });
            }
            hash.update(&piece);
            pending.extend_from_slice(&piece);
            while pending.len() >= FILE_CHUNK_BYTES {
                let chunk = pending.split_to(FILE_CHUNK_BYTES);
                insert_chunk(&mut tx, blob, seq, &chunk).await?;
                seq += 1;
            }
        }
        if !pending.is_empty() {
            insert_chunk(&mut tx, blob, seq, &pending).await?;
            seq += 1;
        }
        let sha256 = hash.finalize();
        let blob = settle_blob(&mut tx, blob, &sha256, size, seq).await?;
        query("INSERT INTO file_keys (storage_key, blob_id) VALUES ($1, $2)")
            .bind(key)
            .bind(blob)
            .execute(&mut *tx)
            .await
            .map_err(|e| match e {
                sqlx::Error::Database(db) if db.is_unique_violation() => {
                    StoreError::Conflict(format!("file key {key} is taken"))
                }
                e => e.into(),
            })?;
        tx.commit().await?;
        Ok(size)
    }

    async fn read(&self, key: &str) -> StoreResult<Option<FileBody>> {
        let key = checked_key(key)?;
        let found: Option<(i64, i64, i32)> = query_as(
            "SELECT b.id, b.size, b.chunk_count FROM file_keys k \
             JOIN file_blobs b ON b.id = k.blob_id WHERE k.storage_key = $1",
        )
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        let Some((blob, size, chunks)) = found else {
            return Ok(None);
        };
        let pool = self.pool.clone();
        let stream = futures_util::stream::iter(0..chunks)
            .map(move |seq| read_chunk(pool.clone(), blob, seq))
            .buffered(READ_AHEAD);
        Ok(Some(FileBody {
            size: u64::try_from(size).unwrap_or(0),
            stream: Box::pin(stream),
        }))
    }

    async fn delete(&self, key: &str) -> StoreResult<()> {
        let key = checked_key(key)?;
        let mut tx = self.pool.begin().await?;
        let blob: Option<i64> =
            query_scalar("DELETE FROM file_keys WHERE storage_key = $1 RETURNING blob_id")
                .bind(key)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some(blob) = blob {
            // Decremented and removed under the row's lock, so a writer taking a reference to
            // these contents at the same moment either comes first (and keeps them) or finds
            // them gone and stores its own.
            let refs: i64 =
                query_scalar("UPDATE file_blobs SET refs = refs - 1 WHERE id = $1 RETURNING refs")
                    .bind(blob)
                    .fetch_one(&mut *tx)
                    .await?;
            if refs <= 0 {
                query("DELETE FROM file_blobs WHERE id = $1")
                    .bind(blob)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    async fn keys(&self) -> StoreResult<Vec<String>> {
        Ok(
            query_scalar("SELECT storage_key FROM file_keys ORDER BY storage_key")
                .fetch_all(&self.pool)
                .await?,
        )
    }
}

/// One chunk of a blob, on a connection of its own for just this statement.
async fn read_chunk(pool: PgPool, blob: i64, seq: i32) -> std::io::Result<Bytes> {
    let data: Option<Vec<u8>> =
        query_scalar("SELECT data FROM file_chunks WHERE blob_id = $1 AND seq = $2")
            .bind(blob)
            .bind(seq)
            .fetch_optional(&pool)
            .await
            .map_err(std::io::Error::other)?;
    // Only a delete between the look-up and this chunk gets here: the download stops short
    // (its Content-Length then tells the client it is incomplete).
    data.map(Bytes::from)
        .ok_or_else(|| std::io::Error::other("the file was removed while it was being read"))
}
