//! The Prometheus exporter: a listener of its own (`metrics_listen`) that answers `GET /metrics`
//! in the text format. Request, sign-in and cache counters are recorded where they happen
//! (`sgo-web`, `sgo-app`, through the `metrics` facade); the database pool, the report queue and
//! the e-mail outbox are read when scraped. Every name is listed in docs/operations.md.

use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use sgo_app::App;

/// Upper bounds of the latency buckets, seconds: from a cached diary week to a slow report page.
const LATENCY_BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// How often the pool is probed and the exporter's histograms are tidied between scrapes.
const SAMPLE_EVERY: Duration = Duration::from_secs(5);

/// Installs the recorder (once per process); from then on the facade's counters are kept.
pub fn install() -> anyhow::Result<PrometheusHandle> {
    let handle = PrometheusBuilder::new()
        .set_buckets(&LATENCY_BUCKETS)
        .context("неверные границы гистограмм метрик")?
        .install_recorder()
        .context("не удалось включить метрики")?;
    describe();
    // Counters with a fixed set of labels start at zero, so that a rate over them is defined
    // before the first event and every documented series is there from the first scrape.
    for outcome in ["ok", "failed", "locked", "limited"] {
        metrics::counter!("sgo_sign_ins_total", "outcome" => outcome).absolute(0);
    }
    for cache in ["session", "diary_week"] {
        for result in ["hit", "miss"] {
            metrics::counter!("sgo_cache_lookups_total", "cache" => cache, "result" => result)
                .absolute(0);
        }
    }
    metrics::gauge!("sgo_http_requests_in_flight").set(0.0);
    metrics::gauge!("sgo_build_info", "version" => env!("CARGO_PKG_VERSION")).set(1.0);
    Ok(handle)
}

fn describe() {
    describe_counter!(
        "sgo_http_requests_total",
        "HTTP requests answered, by method, route template and status"
    );
    describe_histogram!(
        "sgo_http_request_duration_seconds",
        Unit::Seconds,
        "Time to the answer's headers, by method and route template"
    );
    describe_gauge!(
        "sgo_http_requests_in_flight",
        "HTTP requests being answered now"
    );
    describe_gauge!(
        "sgo_db_pool_connections",
        "Database connections open (busy and idle)"
    );
    describe_gauge!(
        "sgo_db_pool_idle_connections",
        "Database connections open and idle"
    );
    describe_gauge!(
        "sgo_db_pool_max_connections",
        "The most database connections this process opens"
    );
    describe_histogram!(
        "sgo_db_pool_acquire_seconds",
        Unit::Seconds,
        "Wait for a database connection, probed every 5 s and at each scrape"
    );
    describe_gauge!(
        "sgo_report_jobs_queued",
        "Report jobs waiting for a worker (region-wide)"
    );
    describe_gauge!(
        "sgo_report_jobs_oldest_queued_age_seconds",
        "Age of the longest-waiting queued report job; 0 when none (region-wide)"
    );
    describe_gauge!(
        "sgo_email_deliveries_pending",
        "E-mail deliveries not yet sent (region-wide)"
    );
    describe_gauge!(
        "sgo_email_deliveries_oldest_pending_age_seconds",
        "Age of the oldest unsent e-mail delivery; 0 when none (region-wide)"
    );
    describe_counter!(
        "sgo_cache_lookups_total",
        "Lookups in the in-process caches (session, diary_week), by result (hit, miss)"
    );
    describe_counter!(
        "sgo_sign_ins_total",
        "Sign-in attempts by outcome: ok, failed, locked (paused login or address), limited (too many sessions a minute)"
    );
    describe_gauge!("sgo_build_info", "Always 1; the version is a label");
}

/// Probes the pool now and then, and keeps the exporter's histograms from growing between
/// scrapes; runs until aborted.
pub fn start_sampler(app: App, handle: PrometheusHandle) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(SAMPLE_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            probe_pool(&app).await;
            handle.run_upkeep();
        }
    })
}

async fn probe_pool(app: &App) {
    match app.probe_pool().await {
        Ok(waited) => {
            metrics::histogram!("sgo_db_pool_acquire_seconds").record(waited.as_secs_f64())
        }
        Err(e) => tracing::warn!(error = %e, "metrics: no database connection for the probe"),
    }
}

fn age_seconds(since: Option<DateTime<Utc>>, now: DateTime<Utc>) -> f64 {
    since
        .map(|t| (now - t).num_milliseconds().max(0) as f64 / 1000.0)
        .unwrap_or(0.0)
}

/// Reads what is sampled rather than counted: the pool, the queues.
async fn sample(app: &App) {
    let pool = app.pool_use();
    metrics::gauge!("sgo_db_pool_connections").set(f64::from(pool.open));
    metrics::gauge!("sgo_db_pool_idle_connections").set(f64::from(pool.idle));
    metrics::gauge!("sgo_db_pool_max_connections").set(f64::from(pool.max));
    probe_pool(app).await;
    match app.backlog().await {
        Ok(b) => {
            let now = Utc::now();
            metrics::gauge!("sgo_report_jobs_queued").set(b.report_jobs_queued as f64);
            metrics::gauge!("sgo_report_jobs_oldest_queued_age_seconds")
                .set(age_seconds(b.oldest_queued_report_job, now));
            metrics::gauge!("sgo_email_deliveries_pending").set(b.email_pending as f64);
            metrics::gauge!("sgo_email_deliveries_oldest_pending_age_seconds")
                .set(age_seconds(b.oldest_pending_email, now));
        }
        Err(e) => tracing::warn!(error = %e, "metrics: the queues could not be read"),
    }
}

#[derive(Clone)]
struct Exporter {
    app: App,
    handle: PrometheusHandle,
}

async fn scrape(State(exporter): State<Exporter>) -> Response {
    sample(&exporter.app).await;
    exporter.handle.run_upkeep();
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        exporter.handle.render(),
    )
        .into_response()
}

/// The metrics listener's router: `GET /metrics` and nothing else.
pub fn router(app: App, handle: PrometheusHandle) -> Router {
    Router::new()
        .route("/metrics", get(scrape))
        .with_state(Exporter { app, handle })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_are_never_negative() {
        let now = Utc::now();
        assert_eq!(age_seconds(None, now), 0.0);
        assert_eq!(
            age_seconds(Some(now + chrono::Duration::seconds(5)), now),
            0.0
        );
        assert_eq!(
            age_seconds(Some(now - chrono::Duration::milliseconds(1500)), now),
            1.5
        );
    }
}
