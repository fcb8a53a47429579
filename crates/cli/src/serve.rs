//! `sgo serve`: the web server, and its orderly stop.
//!
//! On SIGTERM or Ctrl-C the server stops accepting connections, lets the requests in progress
//! finish for at most `shutdown_drain_seconds` (`/readyz` answers 503 meanwhile), stops its
//! background workers, hands the report jobs it holds back to the queue and exits 0. A second
//! signal during the drain stops at once.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use sgo_web::{Lifecycle, WebOptions};
use tokio::sync::watch;

use crate::config::{self, LogFormat, Overrides};
use crate::demo;

/// How long the e-mail worker may take to finish the pass it is in when the server stops.
const WORKER_STOP_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs the server until Ctrl-C or SIGTERM.
pub async fn run(o: Overrides, listen: Option<String>, with_demo: bool) -> anyhow::Result<()> {
    let mut config = config::load(&o)?;
    if let Some(l) = listen {
        config.listen = l;
    }
    crate::open::init_logging(&config);
    // Before anything counts, so that no early event is lost.
    let metrics = match &config.metrics_listen {
        Some(_) => Some(crate::exporter::install()?),
        None => None,
    };
    let app = crate::open::open_app(&config).await?;
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
    // Other nodes' writes wake this one's caches (PostgreSQL); requests check the outbox anyway.
    app.follow_other_nodes().await?;
    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .with_context(|| format!("не удалось занять адрес {}", config.listen))?;
    let address = listener.local_addr()?;
    let metrics_listener = match &config.metrics_listen {
        Some(addr) => Some(
            tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("не удалось занять адрес метрик {addr}"))?,
        ),
        None => None,
    };

    let sweeper = start_sweeper(app.clone());
    // E-mail deliveries wait in the database; the worker sends them (and retries) every 15 s.
    // Without SMTP settings the rows just wait.
    let mail_worker = app.start_delivery_worker(Duration::from_secs(15));

    let lifecycle = Lifecycle::default();
    let (stop, stopped) = watch::channel(false);
    let router = sgo_web::router(
        app.clone(),
        WebOptions {
            portal_name: config.portal_name.clone(),
            secure_cookies: config.secure_cookies,
            regional_portals: config.regional_portals.clone(),
            lifecycle: lifecycle.clone(),
        },
    );
    let mut server = tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(until_stopped(stopped))
        .await
    });
    let mut exporter = None;
    if let (Some(listener), Some(handle)) = (metrics_listener, metrics) {
        let metrics_address = listener.local_addr()?;
        let sampler = crate::exporter::start_sampler(app.clone(), handle.clone());
        let metrics_router = crate::exporter::router(app.clone(), handle);
        // Its own stop, after the drain: the drain itself can be watched.
        let (metrics_stop, metrics_stopped) = watch::channel(false);
        let serving = tokio::spawn(async move {
            axum::serve(listener, metrics_router)
                .with_graceful_shutdown(until_stopped(metrics_stopped))
                .await
        });
        tracing::info!(address = %metrics_address, "metrics at /metrics");
        exporter = Some((sampler, serving, metrics_stop));
    }
    let mut signals = StopSignals::listen();
    match config.log_format {
        LogFormat::Text => {
            println!("SGO слушает http://{address}/ (вход: http://{address}/login)")
        }
        LogFormat::Json => tracing::info!(address = %address, "SGO слушает"),
    }

    tokio::select! {
        _ = signals.next() => {}
        ended = &mut server => {
            // The server stopped by itself: an error, not a request to stop.
            return match ended {
                Ok(result) => result.context("сервер остановился с ошибкой"),
                Err(e) => Err(anyhow::anyhow!("сервер остановился с ошибкой: {e}")),
            };
        }
    }

    // 1. No new connections; requests in progress finish, within the drain time.
    let drain = Duration::from_secs(config.shutdown_drain_seconds);
    tracing::info!(
        in_flight = lifecycle.in_flight(),
        drain_seconds = drain.as_secs(),
        "stopping: no new connections, finishing the requests in progress"
    );
    lifecycle.begin_draining();
    let _ = stop.send(true);
    let drained = tokio::select! {
        ended = tokio::time::timeout(drain, &mut server) => Some(ended),
        _ = signals.next() => None,
    };
    let at_once = drained.is_none();
    match drained {
        Some(Ok(Ok(Err(e)))) => tracing::warn!(error = %e, "the server stopped with an error"),
        Some(Ok(_)) => tracing::info!("requests in progress finished"),
        Some(Err(_)) => {
            tracing::warn!(
                unfinished = lifecycle.in_flight(),
                "drain time over: the requests still in progress are cut off"
            );
            server.abort();
        }
        None => {
            tracing::warn!(
                unfinished = lifecycle.in_flight(),
                "second signal: stopping at once"
            );
            server.abort();
        }
    }

    // 2. Background workers: periodic sweeps are idempotent and simply stop; the e-mail worker
    // finishes the message it is handing over, unless told to stop at once.
    sweeper.abort();
    if at_once {
        mail_worker.stop();
    } else if tokio::time::timeout(WORKER_STOP_TIMEOUT, mail_worker.finish())
        .await
        .is_err()
    {
        tracing::warn!("the e-mail worker did not finish its pass in time");
    }

    // 3. Report jobs this node holds go back to the queue, and it claims no more: another node
    // takes them at once instead of after their lease runs out.
    match app.release_jobs().await {
        Ok(0) => {}
        Ok(n) => tracing::info!(jobs = n, "report jobs handed back to the queue"),
        Err(e) => tracing::warn!(error = %e, "report jobs not handed back; their leases run out"),
    }

    // 4. The metrics listener goes last, so that the drain itself can be watched.
    if let Some((sampler, serving, metrics_stop)) = exporter {
        sampler.abort();
        let _ = metrics_stop.send(true);
        let _ = tokio::time::timeout(Duration::from_secs(2), serving).await;
    }
    tracing::info!("сервер остановлен");
    Ok(())
}

/// The periodic housekeeping of sessions, counters, report jobs, uploads and the outbox.
fn start_sweeper(sweeper: sgo_app::App) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(300));
        loop {
            tick.tick().await;
            if let Err(e) = sweeper.sweep_sessions().await {
                tracing::warn!(error = %e, "session sweep failed");
            }
            if let Err(e) = sweeper.sweep_api_tokens().await {
                tracing::warn!(error = %e, "api token sweep failed");
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
    })
}

/// Resolves once `stop` turns true (or its sender is gone).
async fn until_stopped(mut stopped: watch::Receiver<bool>) {
    let _ = stopped.wait_for(|s| *s).await;
}

/// Ctrl-C and SIGTERM, listened for from the moment this is made (a signal before the first
/// wait is not lost, nor does it kill the process the default way).
struct StopSignals {
    #[cfg(unix)]
    interrupt: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    terminate: Option<tokio::signal::unix::Signal>,
}

impl StopSignals {
    fn listen() -> StopSignals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            StopSignals {
                interrupt: signal(SignalKind::interrupt()).ok(),
                terminate: signal(SignalKind::terminate()).ok(),
            }
        }
        #[cfg(not(unix))]
        StopSignals {}
    }

    /// Resolves on the next Ctrl-C or SIGTERM.
    async fn next(&mut self) {
        #[cfg(unix)]
        {
            async fn one(signal: &mut Option<tokio::signal::unix::Signal>) {
                match signal {
                    Some(s) => {
                        s.recv().await;
                    }
                    // A signal that could not be listened for never comes.
                    None => std::future::pending::<()>().await,
                }
            }
            tokio::select! {
                _ = one(&mut self.interrupt) => {}
                _ = one(&mut self.terminate) => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
