//! What operators read about an installation's database: whether its schema is the one the
//! program expects, how busy the connection pool is, how long the background queues are, and a
//! summary of each table for comparing a restored copy with its original. Plain data: the store
//! fills it in, the application and the operator's tools read it.

use chrono::{DateTime, Utc};

/// The migrations applied to the database against those this program carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaState {
    /// Versions applied successfully, ascending.
    pub applied: Vec<i64>,
    /// Versions whose migration started but did not finish.
    pub failed: Vec<i64>,
    /// Versions this program knows, ascending.
    pub known: Vec<i64>,
}

impl SchemaState {
    /// Known migrations the database lacks.
    pub fn missing(&self) -> Vec<i64> {
        self.known
            .iter()
            .filter(|v| !self.applied.contains(v))
            .copied()
            .collect()
    }

    /// Every migration this program knows is applied and none failed. Newer ones are allowed:
    /// during a rolling upgrade the first new node migrates, migrations only add, and the old
    /// nodes go on serving (docs/deployment.md).
    pub fn is_current(&self) -> bool {
        self.failed.is_empty() && self.missing().is_empty()
    }
}

/// The connection pool at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUse {
    /// Connections open (in use and idle).
    pub open: u32,
    /// Connections open and waiting for work.
    pub idle: u32,
    /// The most connections the pool opens.
    pub max: u32,
}

/// How much background work waits in the database (every node sees the same figures).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Backlog {
    /// Report jobs waiting for a worker.
    pub report_jobs_queued: i64,
    /// When the longest-waiting queued report job was ordered.
    pub oldest_queued_report_job: Option<DateTime<Utc>>,
    /// E-mail deliveries not yet sent (due or waiting for a retry).
    pub email_pending: i64,
    /// When the oldest unsent e-mail delivery was queued.
    pub oldest_pending_email: Option<DateTime<Utc>>,
}

/// One table's contents, summarised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableFingerprint {
    /// The table's name.
    pub table: String,
    /// How many rows it holds.
    pub rows: u64,
    /// Hex SHA-256 over its rows, each as the engine writes it out, in sorted order.
    pub sha256: String,
}
