//! `sgo serve`: the web server.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use sgo_web::WebOptions;

use crate::config::{self, Overrides};
use crate::demo;

/// Runs the server until Ctrl-C or SIGTERM.
pub async fn run(o: Overrides, listen: Option<String>, with_demo: bool) -> anyhow::Result<()> {
    let mut config = config::load(&o)?;
    if let Some(l) = listen {
        config.listen = l;
    }
    config::init_logging(&config);
    let app = config::open_app(&config).await?;
    if with_demo {
        if app.is_empty().await? {
            println!("База пуста: создаю демо-регион…");
            let accounts = demo::generate(&app, &config.data_dir, 2, 20, 1).await?;
            demo::print_summary(&config.data_dir, &accounts);
        } else {
            println!(
                "База уже содержит данные; учётные записи демо-региона: {}",
                config.data_dir.join("demo-accounts.csv").display()
            );
        }
    }
    // Reports a previous run was building are lost with it; their owners are told to reorder.
    let interrupted = app.recover_report_jobs().await?;
    if interrupted > 0 {
        tracing::warn!(
            jobs = interrupted,
            "report jobs interrupted by the restart marked failed"
        );
    }
    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .with_context(|| format!("не удалось занять адрес {}", config.listen))?;
    let address = listener.local_addr()?;

    let sweeper = app.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(300));
        loop {
            tick.tick().await;
            if let Err(e) = sweeper.sweep_sessions().await {
                tracing::warn!(error = %e, "session sweep failed");
            }
            if let Err(e) = sweeper.sweep_login_counters().await {
                tracing::warn!(error = %e, "login counter sweep failed");
            }
            if let Err(e) = sweeper.sweep_report_jobs().await {
                tracing::warn!(error = %e, "report job sweep failed");
            }
            if let Err(e) = sweeper.sweep_pending_uploads().await {
                tracing::warn!(error = %e, "pending upload sweep failed");
            }
            if let Err(e) = sweeper.prune_outbox().await {
                tracing::warn!(error = %e, "outbox pruning failed");
            }
        }
    });

    // E-mail deliveries wait in the database; the worker sends them (and retries) every 15 s.
    // Without SMTP settings the rows just wait.
    let _mail_worker = app.start_delivery_worker(Duration::from_secs(15));

    let router = sgo_web::router(
        app,
        WebOptions {
            portal_name: config.portal_name.clone(),
            secure_cookies: config.secure_cookies,
            regional_portals: config.regional_portals.clone(),
        },
    );
    println!("SGO слушает http://{address}/ (вход: http://{address}/login)");
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await
    .context("сервер остановился с ошибкой")
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
