//! What operators and their tools read about the database itself: whether its schema is the
//! one this program expects, how busy the connection pool is, how long the background queues
//! are, and a fingerprint of every table for comparing a restored copy with its original.

use std::time::Duration;

use async_trait::async_trait;

use crate::StoreResult;

pub use sgo_core::operations::{Backlog, PoolUse, SchemaState, TableFingerprint};

/// Reading the database's own state, for health checks, metrics, backups and their checks.
#[async_trait]
pub trait OperationsStore {
    /// The applied migrations against the known ones.
    async fn schema_state(&self) -> StoreResult<SchemaState>;
    /// The connection pool right now.
    fn pool_use(&self) -> PoolUse;
    /// How long taking a connection from the pool takes right now (the connection goes back at
    /// once).
    async fn probe_acquire(&self) -> StoreResult<Duration>;
    /// The report queue and the e-mail outbox.
    async fn backlog(&self) -> StoreResult<Backlog>;
    /// Every file-store key the database refers to, sorted, each once.
    async fn file_keys(&self) -> StoreResult<Vec<String>>;
    /// Every table (SQLite's own bookkeeping tables aside) with its row count and checksum, by
    /// name, all read in one transaction so that a live database gives one moment's picture.
    /// Checksums compare a database with copies on the same engine, not across engines.
    async fn table_fingerprints(&self) -> StoreResult<Vec<TableFingerprint>>;
}

/// Hashes rows into a [`TableFingerprint`]: each row's length, then its text, so that no two
/// different sequences of rows hash alike by moving a boundary.
pub(crate) struct RowHasher {
    hash: sha2::Sha256,
    rows: u64,
}

impl RowHasher {
    pub(crate) fn new() -> RowHasher {
        use sha2::Digest;
        RowHasher {
            hash: sha2::Sha256::new(),
            rows: 0,
        }
    }

    pub(crate) fn row(&mut self, text: &str) {
        use sha2::Digest;
        self.hash.update((text.len() as u64).to_le_bytes());
        self.hash.update(text.as_bytes());
        self.rows += 1;
    }

    pub(crate) fn finish(self, table: String) -> TableFingerprint {
        use sha2::Digest;
        let sha256 = self
            .hash
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        TableFingerprint {
            table,
            rows: self.rows,
            sha256,
        }
    }
}

/// A table or column name as the catalogue gave it, quoted for SQL; names that are not plain
/// identifiers are refused rather than quoted, as no table of this schema has one.
pub(crate) fn quoted_identifier(name: &str) -> StoreResult<String> {
    let plain = !name.is_empty()
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !name.as_bytes()[0].is_ascii_digit();
    if plain {
        Ok(format!("\"{name}\""))
    } else {
        Err(crate::StoreError::Conflict(format!(
            "unexpected table or column name {name:?}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_boundaries_count() {
        let mut a = RowHasher::new();
        a.row("ab");
        a.row("c");
        let mut b = RowHasher::new();
        b.row("a");
        b.row("bc");
        let (a, b) = (a.finish("t".into()), b.finish("t".into()));
        assert_eq!((a.rows, b.rows), (2, 2));
        assert_ne!(a.sha256, b.sha256);
        assert_eq!(a.sha256.len(), 64);
    }

    #[test]
    fn only_plain_names_are_quoted() {
        assert_eq!(
            quoted_identifier("marks").ok().as_deref(),
            Some("\"marks\"")
        );
        assert_eq!(
            quoted_identifier("_sqlx_migrations").ok().as_deref(),
            Some("\"_sqlx_migrations\"")
        );
        for bad in ["", "a\"b", "a b", "1x", "x;--"] {
            assert!(quoted_identifier(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn current_means_every_known_migration_and_no_failed_one() {
        let state = |applied: Vec<i64>, failed: Vec<i64>| SchemaState {
            applied,
            failed,
            known: vec![1, 2, 3],
        };
        assert!(state(vec![1, 2, 3], vec![]).is_current());
        assert!(state(vec![1, 2, 3, 4], vec![]).is_current());
        assert_eq!(state(vec![1, 3], vec![]).missing(), vec![2]);
        assert!(!state(vec![1, 2], vec![]).is_current());
        assert!(!state(vec![1, 2], vec![3]).is_current());
        assert!(!state(vec![1, 2, 3], vec![4]).is_current());
    }
}
