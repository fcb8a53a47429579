//! Configuration: defaults, then a TOML file, then `SGO_*` environment variables, then flags.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// Flags shared by the commands; each overrides the same key of the file and environment.
#[derive(Args, Debug, Default, Clone)]
pub struct Overrides {
    /// Configuration file (TOML). Default: `sgo.toml` in the current directory, if present.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Directory for the embedded database, the server key and demo files.
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// PostgreSQL URL (postgres://…); without it the embedded SQLite database is used.
    #[arg(long)]
    pub database_url: Option<String>,
}

/// The keys of [`Config`], as environment variables take them after the `SGO_` prefix.
const CONFIG_KEYS: [&str; 33] = [
    "data_dir",
    "listen",
    "database_url",
    "direct_database_url",
    "database_pooler",
    "job_lease_seconds",
    "session_idle_minutes",
    "legacy_login",
    "portal_name",
    "secure_cookies",
    "server_key",
    "log",
    "public_url",
    "mail_file_limit_kb",
    "assignment_file_limit_kb",
    "lockout_failures",
    "lockout_pause_seconds",
    "lockout_max_pause_minutes",
    "address_lockout_failures",
    "address_lockout_window_minutes",
    "address_lockout_pause_minutes",
    "password_reset_link_minutes",
    "report_workers",
    "pending_upload_hours",
    "pending_upload_quota_mb",
    "max_sessions_per_account",
    "sign_ins_per_minute",
    "mail_per_minute",
    "uploads_per_minute",
    "api_calls_per_minute",
    "metrics_listen",
    "log_format",
    "shutdown_drain_seconds",
];

/// The largest upload limit accepted, in KB: the HTTP layer refuses bodies above ~52 MB.
const MAX_FILE_LIMIT_KB: u64 = 50 * 1024;

/// Every setting of the server.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Config {
    /// Data directory.
    pub data_dir: PathBuf,
    /// Listen address.
    pub listen: String,
    /// PostgreSQL URL; none means SQLite in the data directory.
    pub database_url: Option<String>,
    /// A plain PostgreSQL URL for what a pooler cannot carry (migrations, `LISTEN`), when
    /// `database_url` goes through one; default: `database_url`.
    pub direct_database_url: Option<String>,
    /// `transaction` when `database_url` goes through a pooler in transaction mode (PgBouncer):
    /// then no statement relies on a prepared name or on session state; `none` otherwise.
    pub database_pooler: String,
    /// Seconds a node's claim on a report or import job holds without renewal; a job whose
    /// node died is taken by another after this.
    pub job_lease_seconds: u64,
    /// Minutes of inactivity that end a session.
    pub session_idle_minutes: u64,
    /// Whether the NetSchool challenge login is accepted.
    pub legacy_login: bool,
    /// The portal's name in the interface.
    pub portal_name: String,
    /// Mark cookies Secure (when served behind HTTPS).
    pub secure_cookies: bool,
    /// The server key as base64 of 32 bytes; default: `server.key` in the data directory.
    pub server_key: Option<String>,
    /// Log filter, e.g. `info` or `sgo_web=debug`.
    pub log: String,
    /// How log lines are written: readable text, or one JSON object per line for collectors.
    pub log_format: LogFormat,
    /// The address of the Prometheus `/metrics` listener; none: no metrics. Never the public
    /// listener: metrics name routes and queue sizes that are nobody else's business.
    pub metrics_listen: Option<String>,
    /// On SIGTERM or Ctrl-C, how long requests in progress may take to finish, seconds.
    pub shutdown_drain_seconds: u64,
    /// The directory of regional portals on `/regions`: `[[regional_portals]]` tables with
    /// `region`, `name` and `url` (file only; no environment variable).
    #[serde(default)]
    pub regional_portals: Vec<sgo_web::RegionalPortal>,
    /// The portal's public address (https://sgo.example.ru), for links in e-mails and letters.
    pub public_url: String,
    /// Largest mail attachment, KB.
    pub mail_file_limit_kb: u64,
    /// Largest homework, announcement or resource file, KB.
    pub assignment_file_limit_kb: u64,
    /// File extensions that may be uploaded (file only); empty allows any.
    pub upload_extensions: Vec<String>,
    /// Hours an uploaded file waits to be attached before it is deleted.
    pub pending_upload_hours: u32,
    /// Megabytes of uploaded, not yet attached files one account may keep.
    pub pending_upload_quota_mb: u64,
    /// The SMTP server for e-mail deliveries (`[smtp]` table, file only).
    pub smtp: Option<sgo_app::SmtpSettings>,
    /// Failed password sign-ins in a row on one login that pause it; 0 turns the lockout off.
    pub lockout_failures: u32,
    /// The first pause of a login, seconds; repeated lockouts double it.
    pub lockout_pause_seconds: u64,
    /// The longest pause of a login, minutes.
    pub lockout_max_pause_minutes: u64,
    /// Failed sign-ins from one address within the window that pause the address; 0: no limit.
    pub address_lockout_failures: u32,
    /// The window of the per-address count, minutes.
    pub address_lockout_window_minutes: u64,
    /// How long a paused address waits, minutes.
    pub address_lockout_pause_minutes: u64,
    /// How long a password recovery link works, minutes.
    pub password_reset_link_minutes: u64,
    /// How many reports are built at once (1..=16); the rest wait in the queue so that a wave
    /// of report orders cannot take the database from the diary.
    pub report_workers: usize,
    /// Live sessions one account may keep; one more ends the oldest. 0: no cap.
    pub max_sessions_per_account: u32,
    /// Sessions one account may open per minute; 0: no limit.
    pub sign_ins_per_minute: u32,
    /// Mail messages one account may send (or save as drafts) per minute; 0: no limit.
    pub mail_per_minute: u32,
    /// Files one account may upload per minute; 0: no limit.
    pub uploads_per_minute: u32,
    /// Requests one open API token may make per minute; 0: no limit.
    pub api_calls_per_minute: u32,
    /// Sign-in through ESIA or another OpenID Connect provider (`[esia]` table, file only).
    pub esia: Option<EsiaConfig>,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Readable text, one event per line.
    Text,
    /// One JSON object per line (`timestamp`, `level`, `message` and the event's fields).
    Json,
}

/// The `[esia]` table: the identity provider and how to talk to it.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EsiaConfig {
    /// `esia` (configured endpoints, signed `client_secret`) or `oidc` (discovery).
    pub profile: sgo_app::identity::ProviderProfile,
    /// OpenID Connect: the issuer to discover. ESIA: the expected `iss` of ID tokens (optional).
    #[serde(default)]
    pub issuer: String,
    /// ESIA: the authorization endpoint.
    #[serde(default)]
    pub authorize_url: String,
    /// ESIA: the token endpoint.
    #[serde(default)]
    pub token_url: String,
    /// ESIA: the person data endpoint, `{sub}` replaced by the subject (optional).
    #[serde(default)]
    pub userinfo_url: String,
    /// The client id (ESIA: the mnemonic of the information system).
    pub client_id: String,
    /// OpenID Connect: the client secret (never logged).
    #[serde(default)]
    pub client_secret: String,
    /// ESIA: the signing program and its arguments (message on stdin, signature on stdout).
    #[serde(default)]
    pub signer_command: Vec<String>,
    /// ESIA: the signing service (POST of the message, the signature in the answer).
    #[serde(default)]
    pub signer_url: String,
    /// Requested scopes.
    #[serde(default = "default_esia_scopes")]
    pub scopes: Vec<String>,
    /// Claim names of the person data (`[esia.claims]`).
    #[serde(default)]
    pub claims: sgo_app::identity::ClaimNames,
}

fn default_esia_scopes() -> Vec<String> {
    ["openid", "fullname", "birthdate", "snils"]
        .into_iter()
        .map(String::from)
        .collect()
}

impl std::fmt::Debug for EsiaConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EsiaConfig")
            .field("profile", &self.profile)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("signer_command", &self.signer_command)
            .field("signer_url", &self.signer_url)
            .finish_non_exhaustive()
    }
}

impl EsiaConfig {
    /// The provider configuration, with the callback under the public address.
    pub fn provider(&self, public_url: &str) -> anyhow::Result<sgo_app::identity::ProviderConfig> {
        use sgo_app::identity::{ProviderConfig, ProviderProfile, Signer};
        anyhow::ensure!(
            !public_url.is_empty(),
            "для входа через ЕСИА задайте public_url: из него строится адрес возврата"
        );
        let signer = match self.profile {
            ProviderProfile::Oidc => Signer::Fixed(self.client_secret.clone()),
            ProviderProfile::Esia => match (self.signer_command.is_empty(), self.signer_url.trim())
            {
                (false, "") => Signer::Command(self.signer_command.clone()),
                (true, url) if !url.is_empty() => Signer::Http(url.to_owned()),
                _ => anyhow::bail!(
                    "для профиля esia задайте ровно одно из signer_command и signer_url"
                ),
            },
        };
        Ok(ProviderConfig {
            profile: self.profile,
            issuer: self.issuer.clone(),
            authorize_url: self.authorize_url.clone(),
            token_url: self.token_url.clone(),
            userinfo_url: self.userinfo_url.clone(),
            client_id: self.client_id.clone(),
            signer,
            redirect_uri: format!("{public_url}{}", sgo_web::ESIA_CALLBACK_PATH),
            scopes: self.scopes.clone(),
            claims: self.claims.clone(),
        })
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data_dir: PathBuf::from("data"),
            listen: "127.0.0.1:8080".into(),
            database_url: None,
            direct_database_url: None,
            database_pooler: "none".into(),
            job_lease_seconds: 60,
            session_idle_minutes: 15,
            legacy_login: true,
            portal_name: "Сетевой город. Образование".into(),
            secure_cookies: false,
            server_key: None,
            log: "info,tower_http=warn,sqlx=error".into(),
            log_format: LogFormat::Text,
            metrics_listen: None,
            shutdown_drain_seconds: 30,
            regional_portals: Vec::new(),
            public_url: String::new(),
            mail_file_limit_kb: 10 * 1024,
            assignment_file_limit_kb: 10 * 1024,
            upload_extensions: sgo_app::UploadSettings::default()
                .assignment
                .allowed_extensions,
            pending_upload_hours: 24,
            pending_upload_quota_mb: 100,
            smtp: None,
            lockout_failures: 3,
            lockout_pause_seconds: 60,
            lockout_max_pause_minutes: 30,
            address_lockout_failures: 30,
            address_lockout_window_minutes: 5,
            address_lockout_pause_minutes: 5,
            password_reset_link_minutes: 60,
            report_workers: 2,
            max_sessions_per_account: 20,
            sign_ins_per_minute: 10,
            mail_per_minute: 20,
            uploads_per_minute: 30,
            api_calls_per_minute: 120,
            esia: None,
        }
    }
}

/// Reads the configuration in order of precedence.
pub fn load(o: &Overrides) -> anyhow::Result<Config> {
    let mut figment = Figment::from(Serialized::defaults(Config::default()));
    match &o.config {
        Some(path) => {
            anyhow::ensure!(path.exists(), "файл настроек не найден: {}", path.display());
            figment = figment.merge(Toml::file(path));
        }
        None => figment = figment.merge(Toml::file("sgo.toml")),
    }
    // Only the keys of `Config`: other SGO_* variables (SGO_BIN, SGO_TEST_DATABASE_URL in tests)
    // belong to other tools and must not be read as settings.
    figment = figment.merge(Env::prefixed("SGO_").only(&CONFIG_KEYS));
    if let Some(d) = &o.data_dir {
        figment = figment.merge(("data_dir", d));
    }
    if let Some(u) = &o.database_url {
        figment = figment.merge(("database_url", u));
    }
    let config: Config = figment.extract().context("неверные настройки")?;
    anyhow::ensure!(
        config.session_idle_minutes > 0,
        "session_idle_minutes должно быть больше нуля"
    );
    for (key, kb) in [
        ("mail_file_limit_kb", config.mail_file_limit_kb),
        ("assignment_file_limit_kb", config.assignment_file_limit_kb),
    ] {
        anyhow::ensure!(
            (1..=MAX_FILE_LIMIT_KB).contains(&kb),
            "{key} должно быть от 1 до {MAX_FILE_LIMIT_KB}"
        );
    }
    anyhow::ensure!(
        (1..=24 * 30).contains(&config.pending_upload_hours),
        "pending_upload_hours должно быть от 1 до 720"
    );
    let largest_file_kb = config
        .mail_file_limit_kb
        .max(config.assignment_file_limit_kb);
    anyhow::ensure!(
        (largest_file_kb.div_ceil(1024)..=100 * 1024).contains(&config.pending_upload_quota_mb),
        "pending_upload_quota_mb должно быть от {} (самый большой файл) до 102400",
        largest_file_kb.div_ceil(1024)
    );
    anyhow::ensure!(
        (1..=24 * 60).contains(&config.password_reset_link_minutes),
        "password_reset_link_minutes должно быть от 1 до 1440"
    );
    for (key, value) in [
        ("lockout_pause_seconds", config.lockout_pause_seconds),
        (
            "lockout_max_pause_minutes",
            config.lockout_max_pause_minutes,
        ),
        (
            "address_lockout_window_minutes",
            config.address_lockout_window_minutes,
        ),
        (
            "address_lockout_pause_minutes",
            config.address_lockout_pause_minutes,
        ),
    ] {
        anyhow::ensure!(
            (1..=7 * 24 * 60 * 60).contains(&value),
            "{key} должно быть положительным и не больше недели"
        );
    }
    anyhow::ensure!(
        matches!(config.database_pooler.as_str(), "none" | "transaction"),
        "database_pooler: укажите none или transaction (PgBouncer в режиме pool_mode = transaction)"
    );
    anyhow::ensure!(
        (1..=3600).contains(&config.job_lease_seconds),
        "job_lease_seconds должно быть от 1 до 3600"
    );
    for url in [&config.database_url, &config.direct_database_url]
        .into_iter()
        .flatten()
    {
        anyhow::ensure!(
            sgo_app::is_postgres_url(url),
            "адрес базы данных должен начинаться с postgres:// или postgresql://"
        );
    }
    anyhow::ensure!(
        config.database_url.is_some()
            || (config.direct_database_url.is_none() && config.database_pooler == "none"),
        "direct_database_url и database_pooler относятся к PostgreSQL: укажите database_url"
    );
    anyhow::ensure!(
        (1..=3600).contains(&config.shutdown_drain_seconds),
        "shutdown_drain_seconds должно быть от 1 до 3600"
    );
    if let Some(metrics) = &config.metrics_listen {
        anyhow::ensure!(
            metrics.trim() != config.listen.trim(),
            "metrics_listen должен отличаться от listen: метрики не отдаются на общем адресе"
        );
    }
    for portal in &config.regional_portals {
        portal
            .validate()
            .map_err(|e| anyhow::anyhow!("неверные настройки regional_portals: {e}"))?;
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::open::upload_settings;

    fn load_text(name: &str, toml: &str) -> anyhow::Result<Config> {
        let dir = std::env::temp_dir().join(format!("sgo-config-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let path = dir.join("sgo.toml");
        std::fs::write(&path, toml)?;
        let result = load(&Overrides {
            config: Some(path),
            ..Overrides::default()
        });
        let _ = std::fs::remove_dir_all(&dir);
        result
    }

    #[test]
    fn regional_portals_are_read_from_the_file() -> anyhow::Result<()> {
        let config = load_text(
            "good",
            r#"
[[regional_portals]]
region = "Заречный край"
name = "Сетевой город. Образование Заречного края"
url = "https://sgo.edu-zarechny.ru/"

[[regional_portals]]
region = "Озёрная область"
name = "Сетевой регион"
url = "http://sgo.ozernaya.example"
"#,
        )?;
        assert_eq!(config.regional_portals.len(), 2);
        assert_eq!(config.regional_portals[1].region, "Озёрная область");
        assert!(load_text("none", "")?.regional_portals.is_empty());
        Ok(())
    }

    #[test]
    fn pending_uploads_are_configured() -> anyhow::Result<()> {
        let defaults = upload_settings(&load_text("pending-default", "")?);
        assert_eq!(defaults.pending, sgo_app::PendingUploadRules::default());
        let config = load_text(
            "pending",
            "pending_upload_hours = 6\npending_upload_quota_mb = 20\n",
        )?;
        let pending = upload_settings(&config).pending;
        assert_eq!(pending.lifetime_hours, 6);
        assert_eq!(pending.quota_bytes, 20 << 20);
        // A quota below the largest file would refuse every such file.
        let err =
            load_text("pending-small", "pending_upload_quota_mb = 5\n").expect_err("small quota");
        assert!(
            format!("{err:#}").contains("pending_upload_quota_mb"),
            "{err:#}"
        );
        let err = load_text("pending-zero", "pending_upload_hours = 0\n").expect_err("zero hours");
        assert!(
            format!("{err:#}").contains("pending_upload_hours"),
            "{err:#}"
        );
        Ok(())
    }

    #[test]
    fn operations_settings_are_read_and_checked() -> anyhow::Result<()> {
        let defaults = load_text("ops-default", "")?;
        assert_eq!(defaults.log_format, LogFormat::Text);
        assert_eq!(defaults.metrics_listen, None);
        assert_eq!(defaults.shutdown_drain_seconds, 30);
        let config = load_text(
            "ops",
            "log_format = \"json\"\nmetrics_listen = \"127.0.0.1:9100\"\nshutdown_drain_seconds = 5\n",
        )?;
        assert_eq!(config.log_format, LogFormat::Json);
        assert_eq!(config.metrics_listen.as_deref(), Some("127.0.0.1:9100"));
        assert_eq!(config.shutdown_drain_seconds, 5);
        // Metrics never share the public listener.
        let err = load_text("ops-same", "metrics_listen = \"127.0.0.1:8080\"\n")
            .expect_err("same address");
        assert!(format!("{err:#}").contains("metrics_listen"), "{err:#}");
        let err = load_text("ops-drain", "shutdown_drain_seconds = 0\n").expect_err("no drain");
        assert!(
            format!("{err:#}").contains("shutdown_drain_seconds"),
            "{err:#}"
        );
        assert!(load_text("ops-format", "log_format = \"xml\"\n").is_err());
        Ok(())
    }

    #[test]
    fn a_portal_that_is_not_http_stops_the_start() {
        for (i, url) in [
            "javascript:alert(1)",
            "ftp://x.ru",
            "https://",
            "https://a b.ru",
        ]
        .iter()
        .enumerate()
        {
            let toml = format!(
                "[[regional_portals]]\nregion = \"Край\"\nname = \"Портал\"\nurl = \"{url}\"\n"
            );
            let err = load_text(&format!("bad{i}"), &toml).expect_err(url);
            assert!(
                format!("{err:#}").contains("regional_portals"),
                "{url}: {err:#}"
            );
        }
    }
}
