//! From a configuration to a running application: logging, the store opened (migrated, or as it
//! is for the operator's tools) and the settings the use cases obey.

use std::time::Duration;

use anyhow::Context;
use sgo_app::PasswordCost;
use sgo_app::{App, Clock, ServerKey, Settings, UploadLimits, UploadSettings};

use crate::config::{Config, LogFormat};

/// Starts logging once.
pub fn init_logging(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    let _ = match config.log_format {
        // Colours only for a person at a terminal, not in a journal or a file.
        LogFormat::Text => builder
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
            .try_init(),
        // The event's fields at the top level, no span list: one flat object a collector can
        // index without knowing this program.
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .try_init(),
    };
}

/// Opens the store (migrating it) and builds the application context.
pub async fn open_app(config: &Config) -> anyhow::Result<App> {
    std::fs::create_dir_all(&config.data_dir).with_context(|| {
        format!(
            "не удалось создать каталог данных {}",
            config.data_dir.display()
        )
    })?;
    let key = match &config.server_key {
        Some(k) => ServerKey::from_base64(k)?,
        None => ServerKey::load_or_create(&config.data_dir.join("server.key"))?,
    };
    let store = sgo_app::connect_store(
        config.database_url.as_deref(),
        &config.data_dir.join("sgo.db"),
        &postgres_options(config),
    )
    .await
    .context("не удалось открыть базу данных")?;
    anyhow::ensure!(
        (1..=16).contains(&config.report_workers),
        "report_workers: укажите от 1 до 16 одновременно строящихся отчётов"
    );
    let app = App::new(store, key, settings(config), Clock::System);
    Ok(match &config.esia {
        Some(esia) => {
            let provider = esia.provider(config.public_url.trim_end_matches('/'))?;
            let provider = sgo_app::identity::IdentityProvider::new(provider)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            app.with_identity_provider(provider)
        }
        None => app,
    })
}

/// Opens an installation as it is, for the operator's tools that read it (`sgo fingerprint`,
/// `sgo backup`): nothing is migrated or created, so servers of another version may go on using
/// it. `sqlite_path` overrides the database file (a snapshot beside the live one).
pub async fn open_existing(
    config: &Config,
    sqlite_path: Option<&std::path::Path>,
) -> anyhow::Result<App> {
    let default_path = config.data_dir.join("sgo.db");
    let sqlite_path = sqlite_path.unwrap_or(&default_path);
    let store = sgo_app::connect_existing_store(
        config.database_url.as_deref(),
        sqlite_path,
        &postgres_options(config),
    )
    .await
    .with_context(|| match &config.database_url {
        Some(_) => "не удалось подключиться к базе данных".to_owned(),
        None => format!("не удалось открыть базу данных {}", sqlite_path.display()),
    })?;
    // These tools neither seal nor open anything with the server key; a throwaway one keeps
    // them from creating a key file in the data directory.
    let key = ServerKey::generate().map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(App::new(store, key, settings(config), Clock::System))
}

/// How PostgreSQL is reached: directly, or through a transaction pooler.
pub fn postgres_options(config: &Config) -> sgo_app::DatabaseAccess {
    sgo_app::DatabaseAccess {
        transaction_pooler: config.database_pooler == "transaction",
        direct_url: config.direct_database_url.clone(),
    }
}

/// The settings use cases obey, from the configuration.
fn settings(config: &Config) -> Settings {
    Settings {
        report_workers: config.report_workers,
        job_lease: Duration::from_secs(config.job_lease_seconds),
        session_idle: Duration::from_secs(config.session_idle_minutes * 60),
        legacy_login: config.legacy_login,
        password_cost: PasswordCost::STANDARD,
        files_dir: config.data_dir.join("files"),
        uploads: upload_settings(config),
        smtp: config.smtp.clone(),
        public_url: config.public_url.trim_end_matches('/').to_owned(),
        lockout: lockout_rules(config),
        recovery: sgo_app::RecoveryRules {
            token_lifetime: chrono::Duration::minutes(config.password_reset_link_minutes as i64),
            ..sgo_app::RecoveryRules::default()
        },
        rates: sgo_app::rate::RateRules {
            sign_ins_per_minute: config.sign_ins_per_minute,
            mail_per_minute: config.mail_per_minute,
            uploads_per_minute: config.uploads_per_minute,
            api_calls_per_minute: config.api_calls_per_minute,
            max_sessions_per_account: config.max_sessions_per_account,
        },
    }
}

/// The lockout rules from the configuration.
fn lockout_rules(config: &Config) -> sgo_app::LockoutRules {
    let minutes = |m: u64| chrono::Duration::minutes(m as i64);
    sgo_app::LockoutRules {
        failures: config.lockout_failures,
        pause: chrono::Duration::seconds(config.lockout_pause_seconds as i64),
        max_pause: minutes(config.lockout_max_pause_minutes),
        address_failures: config.address_lockout_failures,
        address_window: minutes(config.address_lockout_window_minutes),
        address_pause: minutes(config.address_lockout_pause_minutes),
        ..sgo_app::LockoutRules::default()
    }
}

/// The upload limits from the configuration.
pub(crate) fn upload_settings(config: &Config) -> UploadSettings {
    let extensions: Vec<String> = config
        .upload_extensions
        .iter()
        .map(|e| e.trim().trim_start_matches('.').to_lowercase())
        .filter(|e| !e.is_empty())
        .collect();
    let limits = |kb: u64| UploadLimits {
        max_bytes: kb * 1024,
        allowed_extensions: extensions.clone(),
    };
    UploadSettings {
        mail: limits(config.mail_file_limit_kb),
        assignment: limits(config.assignment_file_limit_kb),
        pending: sgo_app::PendingUploadRules {
            lifetime_hours: config.pending_upload_hours,
            quota_bytes: config.pending_upload_quota_mb * 1024 * 1024,
        },
    }
}
