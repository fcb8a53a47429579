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
    // Jobs queued on any node, or left by a node that died, are built here too.
    app.start_report_workers();
    let jobs = app.clone();
    // Other nodes' writes wake this one's caches (PostgreSQL); requests check the outbox anyway.
    app.follow_other_nodes().await?;
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
    let served = axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await
    .context("сервер остановился с ошибкой");
    // Jobs this node was building go back to the queue: another node takes them at once.
    match jobs.release_jobs().await {
        Ok(0) => {}
        Ok(n) => tracing::info!(jobs = n, "report jobs handed back to the queue"),
        Err(e) => tracing::warn!(error = %e, "report jobs not handed back; their leases run out"),
    }
    served
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
