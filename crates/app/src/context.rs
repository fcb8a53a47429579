//! The application context shared by every use case.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Local, NaiveDate, Utc};
use sgo_auth::ServerKey;
use sgo_auth::password::PasswordCost;
use sgo_core::files::{PendingUploadRules, UploadLimits};
use sgo_store::{FileStore, Store};

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
    /// Where attached files are kept on SQLite (the local file store's root); on PostgreSQL
    /// they are in the database and this directory is not used.
    pub files_dir: PathBuf,
    /// What may be uploaded.
    pub uploads: UploadSettings,
    /// Outgoing e-mail; `None` leaves e-mail deliveries waiting until it is configured.
    pub smtp: Option<SmtpSettings>,
    /// The portal's public address, for links in e-mails and printed letters.
    pub public_url: String,
    /// Lockout after failed sign-ins and the per-address limit.
    pub lockout: sgo_core::protection::LockoutRules,
    /// Password recovery by e-mail: link lifetime and request limits.
    pub recovery: sgo_core::protection::RecoveryRules,
    /// How many reports are built at once; the rest wait in the queue.
    pub report_workers: usize,
    /// How long a node's claim on a job (report, import) holds without renewal: after it runs
    /// out, a job whose node died is taken by another.
    pub job_lease: Duration,
    /// Per-account rates (sign-ins, mail, uploads) and the cap on live sessions.
    pub rates: sgo_core::rate::RateRules,
}

/// Upload limits by what the file is for.
#[derive(Debug, Clone)]
pub struct UploadSettings {
    /// Attachments of mail messages.
    pub mail: UploadLimits,
    /// Homework, announcements and resources.
    pub assignment: UploadLimits,
    /// How long uploads wait to be attached and how much of them one account may keep.
    pub pending: PendingUploadRules,
}

impl Default for UploadSettings {
    fn default() -> Self {
        let documents: Vec<String> = [
            "pdf", "txt", "rtf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp",
            "jpg", "jpeg", "png", "gif", "webp", "mp3", "mp4", "zip", "7z", "rar", "csv",
        ]
        .into_iter()
        .map(String::from)
        .collect();
        UploadSettings {
            mail: UploadLimits {
                max_bytes: 10 * 1024 * 1024,
                allowed_extensions: documents.clone(),
            },
            assignment: UploadLimits {
                max_bytes: 10 * 1024 * 1024,
                allowed_extensions: documents,
            },
            pending: PendingUploadRules::default(),
        }
    }
}

/// How connections to the SMTP server are protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain text (a relay on the same machine, or tests).
    None,
    /// STARTTLS upgrade, usually port 587.
    Starttls,
    /// TLS from the first byte, usually port 465.
    Tls,
}

/// The SMTP server that sends e-mail deliveries.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct SmtpSettings {
    /// Host name or address.
    pub host: String,
    /// Port.
    pub port: u16,
    /// Connection protection.
    pub tls: SmtpTls,
    /// Login, if the server wants one.
    #[serde(default)]
    pub username: String,
    /// Password for that login (never logged).
    #[serde(default)]
    pub password: String,
    /// The sender address, e.g. `СГО <noreply@school.example.ru>`.
    pub from: String,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            session_idle: Duration::from_secs(15 * 60),
            legacy_login: true,
            password_cost: PasswordCost::STANDARD,
            files_dir: std::env::temp_dir().join("sgo-files"),
            uploads: UploadSettings::default(),
            smtp: None,
            public_url: String::new(),
            lockout: Default::default(),
            recovery: Default::default(),
            report_workers: 2,
            job_lease: Duration::from_secs(60),
            rates: Default::default(),
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
    /// A fixed day and a moment that only [`Clock::advance`] moves, for tests of expiry.
    Manual(NaiveDate, Arc<Mutex<DateTime<Utc>>>),
}

impl Clock {
    /// The current moment.
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::Manual(_, now) => *now.lock().unwrap_or_else(PoisonError::into_inner),
            _ => Utc::now(),
        }
    }

    /// A manual clock on `day`, standing at `now`.
    pub fn manual(day: NaiveDate, now: DateTime<Utc>) -> Clock {
        Clock::Manual(day, Arc::new(Mutex::new(now)))
    }

    /// Moves a manual clock forward (every copy of it); other clocks ignore this.
    pub fn advance(&self, by: chrono::Duration) {
        if let Clock::Manual(_, now) = self {
            let mut now = now.lock().unwrap_or_else(PoisonError::into_inner);
            *now += by;
        }
    }

    /// Today's date as the school sees it.
    pub fn today(&self) -> NaiveDate {
        match self {
            Clock::System => Local::now().date_naive(),
            Clock::FixedDay(day) | Clock::Manual(day, _) => *day,
        }
    }
}

/// Everything a use case needs: the store, the server key, settings and the clock.
#[derive(Clone)]
pub struct App {
    pub(crate) store: Arc<dyn Store>,
    // Shared, not copied: every request's state extraction clones the `App`.
    pub(crate) key: Arc<ServerKey>,
    pub(crate) settings: Arc<Settings>,
    pub(crate) clock: Clock,
    pub(crate) sessions: Arc<SessionCache>,
    pub(crate) diary_cache: Arc<DiaryCache>,
    pub(crate) session_checks: Arc<crate::session_checks::SessionChecks>,
    pub(crate) changes: Arc<crate::outbox::Follower>,
    pub(crate) files: Arc<dyn FileStore>,
    pub(crate) identity: Option<Arc<sgo_auth::oidc::IdentityProvider>>,
    pub(crate) reports: Arc<crate::reports::ReportQueue>,
}

impl App {
    /// Builds the context.
    pub fn new(store: Arc<dyn Store>, key: ServerKey, settings: Settings, clock: Clock) -> App {
        let files = store.file_store(&settings.files_dir);
        let reports = Arc::new(crate::reports::ReportQueue::new(
            settings.report_workers,
            settings.job_lease,
        ));
        let sessions = Arc::new(SessionCache::default());
        let diary_cache = Arc::new(DiaryCache::default());
        let subscribers: Vec<Arc<dyn crate::outbox::Subscriber>> =
            vec![sessions.clone(), diary_cache.clone()];
        let changes = Arc::new(crate::outbox::Follower::new(subscribers));
        App {
            files,
            store,
            key: Arc::new(key),
            settings: Arc::new(settings),
            clock,
            sessions,
            diary_cache,
            session_checks: Arc::default(),
            changes,
            identity: None,
            reports,
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

    /// The server key (tests seal NetSchool verifiers with it).
    pub fn key(&self) -> &ServerKey {
        &self.key
    }

    /// Whether the database holds no organization yet (a fresh installation).
    pub async fn is_empty(&self) -> crate::AppResult<bool> {
        Ok(self.store.is_empty().await?)
    }

    /// The store below the use cases, for tools beside `app` that write whole datasets at once
    /// (the demo generator).
    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    /// Where file contents are kept, as the engine chose (tests look inside).
    pub fn file_store(&self) -> &dyn FileStore {
        self.files.as_ref()
    }
}
