//! What operators and their tools ask of an installation: is it ready to serve, how busy are its
//! database pool and background queues, and what exactly does it hold (a fingerprint, to compare
//! a restored backup with its original).

use std::time::Duration;

pub use sgo_core::operations::{Backlog, PoolUse, SchemaState, TableFingerprint};
use sgo_store::{StoreError, StoreResult};
use sha2::{Digest, Sha256};

use crate::App;

/// How long a readiness check may wait for the database before it counts as unreachable: a
/// load balancer's probe must get an answer well within its own timeout.
const READINESS_TIMEOUT: Duration = Duration::from_secs(3);

/// Whether this process can serve requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Readiness {
    /// The database answers and its schema is the one this program expects.
    Ready,
    /// The database did not answer in time, or answered with an error.
    DatabaseUnreachable,
    /// The database lacks migrations this program needs, or a migration did not finish.
    SchemaMismatch(SchemaState),
}

/// One stored file in a fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFingerprint {
    /// The file-store key the database refers to.
    pub key: String,
    /// Hex SHA-256 of its bytes; `None` when the store has no such file.
    pub sha256: Option<String>,
}

impl FileFingerprint {
    /// The fingerprint of a file's bytes as read from the store (`None`: missing).
    pub fn of(key: &str, bytes: Option<&[u8]>) -> FileFingerprint {
        FileFingerprint {
            key: key.to_owned(),
            sha256: bytes.map(|b| hex(&Sha256::digest(b))),
        }
    }
}

/// What an installation holds: every table's row count and checksum, and every file its
/// database refers to with the checksum of its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    /// The tables, by name.
    pub tables: Vec<TableFingerprint>,
    /// The files, by key.
    pub files: Vec<FileFingerprint>,
}

impl Fingerprint {
    /// The text `sgo fingerprint` prints and a backup keeps: one line per table
    /// (`table NAME rows N sha256 HEX`), then one per file (`file KEY sha256 HEX` or
    /// `file KEY missing`). Equal texts mean equal contents.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for t in &self.tables {
            out.push_str(&format!(
                "table {} rows {} sha256 {}\n",
                t.table, t.rows, t.sha256
            ));
        }
        for f in &self.files {
            match &f.sha256 {
                Some(sha) => out.push_str(&format!("file {} sha256 {sha}\n", f.key)),
                None => out.push_str(&format!("file {} missing\n", f.key)),
            }
        }
        out
    }
}

/// How a sign-in attempt ended, for the `sgo_sign_ins_total` counter.
#[derive(Debug, Clone, Copy)]
pub(crate) enum SignInOutcome {
    /// A session was opened (any door: password, NetSchool, ESIA, passkey).
    Ok,
    /// Wrong login, password or organization.
    Failed,
    /// Refused unchecked: the login or the address is paused after failures.
    Locked,
    /// Refused: the account opened too many sessions this minute.
    Limited,
}

/// Counts a sign-in attempt (a no-op unless the server exports metrics).
pub(crate) fn count_sign_in(outcome: SignInOutcome) {
    let outcome = match outcome {
        SignInOutcome::Ok => "ok",
        SignInOutcome::Failed => "failed",
        SignInOutcome::Locked => "locked",
        SignInOutcome::Limited => "limited",
    };
    metrics::counter!("sgo_sign_ins_total", "outcome" => outcome).increment(1);
}

/// Counts a lookup in one of the in-process caches.
pub(crate) fn count_cache_lookup(cache: &'static str, hit: bool) {
    let result = if hit { "hit" } else { "miss" };
    metrics::counter!("sgo_cache_lookups_total", "cache" => cache, "result" => result).increment(1);
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl App {
    /// Whether the database answers within a few seconds and has every migration of this
    /// program.
    pub async fn readiness(&self) -> Readiness {
        match tokio::time::timeout(READINESS_TIMEOUT, self.store.schema_state()).await {
            Ok(Ok(state)) if state.is_current() => Readiness::Ready,
            Ok(Ok(state)) => Readiness::SchemaMismatch(state),
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "readiness: the database failed");
                Readiness::DatabaseUnreachable
            }
            Err(_) => {
                tracing::warn!("readiness: the database did not answer in time");
                Readiness::DatabaseUnreachable
            }
        }
    }

    /// The database connection pool right now.
    pub fn pool_use(&self) -> PoolUse {
        self.store.pool_use()
    }

    /// How long taking a database connection takes right now.
    pub async fn probe_pool(&self) -> StoreResult<Duration> {
        self.store.probe_acquire().await
    }

    /// The report queue and the e-mail outbox, region-wide.
    pub async fn backlog(&self) -> StoreResult<Backlog> {
        self.store.backlog().await
    }

    /// Every table's row count and checksum, read as of one moment.
    pub async fn table_fingerprints(&self) -> StoreResult<Vec<TableFingerprint>> {
        self.store.table_fingerprints().await
    }

    /// The file-store keys the database refers to, sorted.
    pub async fn referenced_file_keys(&self) -> StoreResult<Vec<String>> {
        self.store.file_keys().await
    }

    /// A stored file's bytes by key, through the file store this installation uses.
    pub async fn stored_file(&self, key: &str) -> StoreResult<Option<Vec<u8>>> {
        if !sgo_store::is_key(key) {
            return Err(StoreError::Conflict(format!("not a file key: {key:?}")));
        }
        match self.files.read(key).await? {
            Some(body) => Ok(Some(body.into_vec().await?)),
            None => Ok(None),
        }
    }

    /// Stores a file's bytes under its key through this installation's file store (restoring
    /// a backup).
    pub async fn restore_stored_file(&self, key: &str, bytes: &[u8]) -> StoreResult<()> {
        if !sgo_store::is_key(key) {
            return Err(StoreError::Conflict(format!("not a file key: {key:?}")));
        }
        let body = sgo_store::stream_of(bytes.to_vec());
        self.files.write(key, body, u64::MAX).await.map(|_| ())
    }

    /// The whole fingerprint: tables first (one snapshot), then each referenced file.
    pub async fn fingerprint(&self) -> StoreResult<Fingerprint> {
        let tables = self.table_fingerprints().await?;
        let mut files = Vec::new();
        for key in self.referenced_file_keys().await? {
            let bytes = self.stored_file(&key).await?;
            files.push(FileFingerprint::of(&key, bytes.as_deref()));
        }
        Ok(Fingerprint { tables, files })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_names_every_table_and_file() {
        let print = Fingerprint {
            tables: vec![TableFingerprint {
                table: "marks".into(),
                rows: 2,
                sha256: "ab".into(),
            }],
            files: vec![
                FileFingerprint::of("0123456789abcdef0123456789abcdef", Some(b"abc")),
                FileFingerprint::of("fedcba9876543210fedcba9876543210", None),
            ],
        };
        assert_eq!(
            print.to_text(),
            "table marks rows 2 sha256 ab\n\
             file 0123456789abcdef0123456789abcdef sha256 \
             ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n\
             file fedcba9876543210fedcba9876543210 missing\n"
        );
    }
}
