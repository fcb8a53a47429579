//! The hottest SQLite reads (the per-request session check, a diary span) on connections of our
//! own, run on the calling thread.
//!
//! sqlx-sqlite runs every statement on a worker thread per connection and hands each row back
//! through a channel: two thread hand-offs and a wake-up per statement and per row, which cost far
//! more than SQLite's own index lookups (tens of microseconds for a week). These reads are
//! bounded index range scans (a span is at most `MAX_DIARY_SPAN_DAYS` days) and WAL readers never
//! wait for the writer, so running them in place is cheaper than any hand-off. Writes stay on
//! sqlx; a reader starts a new read transaction per statement, so it sees every committed write.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use chrono::NaiveDate;
use rusqlite::types::FromSql;
use rusqlite::{Connection, OpenFlags};

use crate::week::{DiaryWeekRecord, WeekBuilder};
use crate::{SessionCheck, StoreError, StoreResult};

/// Idle connections kept for reuse; more are opened while more requests read at once.
const KEPT: usize = 16;

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Sqlite(e.to_string())
    }
}

/// Read-only connections to one database file.
pub(crate) struct Readers {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl Readers {
    /// Connections to `path`, opened when first needed.
    pub(crate) fn new(path: &Path) -> Self {
        Readers {
            path: path.to_owned(),
            idle: Mutex::new(Vec::new()),
        }
    }

    fn open(&self) -> StoreResult<Connection> {
        // Read-write open with `query_only`: a read-only open of a WAL database cannot create the
        // shared-memory file, which a reader may need after the last writer closed.
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let c = Connection::open_with_flags(&self.path, flags)?;
        c.busy_timeout(Duration::from_secs(10))?;
        c.pragma_update(None, "query_only", true)?;
        c.set_prepared_statement_cache_capacity(8);
        Ok(c)
    }

    /// Runs `f` on an idle connection (or a new one) and keeps the connection for the next read.
    fn with<T>(&self, f: impl FnOnce(&Connection) -> StoreResult<T>) -> StoreResult<T> {
        let taken = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let conn = match taken {
            Some(c) => c,
            None => self.open()?,
        };
        let out = f(&conn);
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < KEPT && conn.is_autocommit() {
            idle.push(conn);
        }
        out
    }

    /// A diary span (see `repo_week.rs` for the statement).
    pub(crate) fn diary_week(
        &self,
        sql: &str,
        student: i64,
        span: (NaiveDate, NaiveDate),
        today: NaiveDate,
    ) -> StoreResult<DiaryWeekRecord> {
        self.with(|c| {
            let mut statement = c.prepare_cached(sql)?;
            let params = rusqlite::named_params! {
                "$1": student, "$2": span.0, "$3": span.1, "$4": today,
            };
            let mut rows = statement.query(params)?;
            let mut week = WeekBuilder::default();
            while let Some(row) = rows.next()? {
                week.push(&Cells(row))?;
            }
            Ok(week.finish())
        })
    }

    /// Whether the session still exists, and the outbox's head (`OutboxStore::session_check`).
    pub(crate) fn session_check(&self, sql: &str, session_id: i64) -> StoreResult<SessionCheck> {
        self.with(|c| {
            let mut statement = c.prepare_cached(sql)?;
            let check = statement.query_row(rusqlite::named_params! {"$1": session_id}, |r| {
                Ok(SessionCheck {
                    alive: r.get(0)?,
                    outbox_head: r.get(1)?,
                })
            })?;
            Ok(check)
        })
    }
}

/// A rusqlite row read by column position.
struct Cells<'r, 's>(&'r rusqlite::Row<'s>);

impl Cells<'_, '_> {
    fn get<T: FromSql>(&self, i: usize) -> Result<Option<T>, StoreError> {
        Ok(self.0.get::<_, Option<T>>(i)?)
    }
}

crate::week::week_row_by_get!(Cells<'_, '_>);
