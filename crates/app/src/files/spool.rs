//! An uploaded file's bytes between the request and the file store: small files in memory,
//! larger ones in an unnamed temporary file, so that an upload of any size costs a bounded
//! amount of memory and a slow client never holds a database connection.

use std::io::SeekFrom;

use bytes::{Bytes, BytesMut};
use sgo_store::ByteStream;
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

/// Bytes held in memory before the spool moves to a temporary file; also the size of the
/// pieces written to that file and read back from it.
const IN_MEMORY: usize = 256 * 1024;

/// A file's bytes as they arrived.
#[derive(Debug, Default)]
pub struct Spool {
    len: u64,
    /// Bytes not yet in the file (all of them while there is no file).
    buffer: Vec<u8>,
    /// The temporary file, once the bytes outgrew memory. It has no name: the system removes
    /// it when it is closed, whatever happens to the request or the process.
    file: Option<tokio::fs::File>,
}

impl Spool {
    /// An empty spool.
    pub fn new() -> Spool {
        Spool::default()
    }

    /// A spool of bytes already in memory (tests, generated files).
    pub fn from_bytes(bytes: impl Into<Vec<u8>>) -> Spool {
        let buffer = bytes.into();
        Spool {
            len: buffer.len() as u64,
            buffer,
            file: None,
        }
    }

    /// How many bytes it holds.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends bytes; past [`IN_MEMORY`] they go to the temporary file.
    pub async fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.len += bytes.len() as u64;
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= IN_MEMORY {
            self.spill().await?;
        }
        Ok(())
    }

    /// Moves the buffered bytes to the temporary file, making it first if needed.
    async fn spill(&mut self) -> std::io::Result<()> {
        let file = match &mut self.file {
            Some(file) => file,
            None => {
                let made = tokio::task::spawn_blocking(tempfile::tempfile)
                    .await
                    .map_err(std::io::Error::other)??;
                self.file.insert(tokio::fs::File::from_std(made))
            }
        };
        file.write_all(&self.buffer).await?;
        self.buffer.clear();
        Ok(())
    }

    /// The bytes as a stream of pieces, from the first.
    pub async fn into_stream(mut self) -> std::io::Result<ByteStream> {
        if self.file.is_none() {
            return Ok(sgo_store::stream_of(self.buffer));
        }
        if !self.buffer.is_empty() {
            self.spill().await?;
        }
        let Some(mut file) = self.file.take() else {
            return Ok(sgo_store::stream_of(Bytes::new()));
        };
        // Waits for the writes still in flight before reading from the start.
        file.flush().await?;
        file.seek(SeekFrom::Start(0)).await?;
        let stream = futures_util::stream::try_unfold(file, |mut file| async move {
            let mut piece = BytesMut::with_capacity(IN_MEMORY);
            while piece.len() < IN_MEMORY {
                if file.read_buf(&mut piece).await? == 0 {
                    break;
                }
            }
            Ok(if piece.is_empty() {
                None
            } else {
                Some((piece.freeze(), file))
            })
        });
        Ok(Box::pin(stream))
    }

    /// The bytes in memory: only for files whose size a caller has already bounded (a people
    /// import's spreadsheet).
    pub async fn into_bytes(self) -> std::io::Result<Vec<u8>> {
        let mut stream = self.into_stream().await?;
        let mut bytes = Vec::new();
        while let Some(piece) = futures_util::StreamExt::next(&mut stream).await {
            bytes.extend_from_slice(&piece?);
        }
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn spools_keep_every_byte_in_order_in_memory_or_on_disk() {
        for size in [
            0,
            1,
            IN_MEMORY - 1,
            IN_MEMORY,
            IN_MEMORY + 1,
            3 * IN_MEMORY + 17,
        ] {
            let bytes: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
            let mut spool = Spool::new();
            // Pieces of an odd size, as a multipart parser hands them over.
            for piece in bytes.chunks(7_001) {
                spool.write(piece).await.unwrap();
            }
            assert_eq!(spool.len(), size as u64);
            assert_eq!(spool.file.is_some(), size >= IN_MEMORY, "{size}");
            assert!(spool.buffer.len() < IN_MEMORY, "{size}");
            assert_eq!(spool.into_bytes().await.unwrap(), bytes, "{size}");
        }
        let spool = Spool::from_bytes(b"abc".to_vec());
        assert_eq!(spool.len(), 3);
        assert_eq!(spool.into_bytes().await.unwrap(), b"abc");
    }
}
