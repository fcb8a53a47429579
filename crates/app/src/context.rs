//! The application context shared by every use case.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Local, NaiveDate, Utc};
use sgo_auth::ServerKey;
use sgo_auth::password::PasswordCost;
use sgo_store::Store;

use crate::diary_cache::DiaryCache;
use crate::session_cache::SessionCache;

/// Operator settings that use cases obey.
#[derive(Debug, Clone)]
pub struct Settings {
    /// A session ends after this long without requests.
    pub session_idle: Duration,
    /// Whether the NetSchool challenge login (md5 scheme) is accepted.
    pub legacy_login: bool,
    /// Argon2id cost for new password hashes.
    pub password_cost: PasswordCost,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            session_idle: Duration::from_secs(15 * 60),
            legacy_login: true,
            password_cost: PasswordCost::STANDARD,
        }
    }
}

/// The source of "now"; fixed in tests so that diaries and timeouts are reproducible.
#[derive(Debug, Clone, Default)]
pub enum Clock {
    /// The system clock; "today" in the server's local time zone.
    #[default]
    System,
    /// A fixed day (time still moves, for session timeouts).
    FixedDay(NaiveDate),
}

impl Clock {
    /// The current moment.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    /// Today's date as the school sees it.
    pub fn today(&self) -> NaiveDate {
        match self {
            Clock::System => Local::now().date_naive(),
            Clock::FixedDay(day) => *day,
        }
    }
}

/// Everything a use case needs: the store, the server key, settings and the clock.
#[derive(Clone)]
pub struct App {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) key: ServerKey,
    pub(crate) settings: Settings,
    pub(crate) clock: Clock,
    pub(crate) sessions: Arc<SessionCache>,
    pub(crate) diary_cache: Arc<DiaryCache>,
}

impl App {
    /// Builds the context.
    pub fn new(store: Arc<dyn Store>, key: ServerKey, settings: Settings, clock: Clock) -> App {
        App {
            store,
            key,
            settings,
            clock,
            sessions: Arc::new(SessionCache::default()),
            diary_cache: Arc::new(DiaryCache::default()),
        }
    }

    /// The operator settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Today's date.
    pub fn today(&self) -> NaiveDate {
        self.clock.today()
    }

    /// The store, for the CLI's administrative tasks (migrate, demo) only.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The server key, for the CLI's demo task.
    pub fn key(&self) -> &ServerKey {
        &self.key
    }
}
