//! `sgo-load`: an open-loop HTTP load generator for the benchmark scripts.
//!
//! wrk keeps a fixed number of connections busy, so when the server slows down wrk slows down
//! with it: it cannot hold "2,000 requests per second", and the requests it did not send never
//! show up in its latencies. Here request `i` is due at `start + i / rate` whatever the answers
//! are, and its latency runs from that due time to the last byte of its answer, so a server that
//! falls behind is seen falling behind.
//!
//! It cycles through a file of requests (see `requests.rs`) and prints one JSON object: per tag
//! and overall, how many were sent and answered, the statuses, the failures, the achieved rate
//! and the latency percentiles.

mod pool;
mod requests;
mod schedule;
mod stats;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use clap::Parser;
use http_body_util::Full;
use hyper::Request;
use hyper::header::HOST;
use serde_json::{Value, json};
use tokio::time::Instant;

use pool::Pool;
use requests::{Requests, Template};
use stats::{Ending, Outcome, Tally};

/// Sends the requests of a file at a fixed rate, whatever the server's answers, and reports the
/// latencies from each request's due time.
#[derive(Parser, Debug)]
#[command(name = "sgo-load", version)]
struct Args {
    /// JSON lines, one request each: {"tag", "method", "path", "headers", "body"}; cycled through.
    #[arg(long)]
    requests: PathBuf,
    /// The server, http://host:port (plain HTTP only).
    #[arg(long)]
    target: String,
    /// Requests per second offered.
    #[arg(long)]
    rate: f64,
    /// How long requests are sent (10s, 500ms, 2m); answers still on their way are awaited.
    #[arg(long, value_parser = schedule::parse_duration)]
    duration: Duration,
    /// Most connections open at once; when all are busy, requests wait for one.
    #[arg(long, default_value_t = 256)]
    max_connections: usize,
    /// A request not answered this long after its due time counts as failed.
    #[arg(long, default_value = "30s", value_parser = schedule::parse_duration)]
    timeout: Duration,
    /// Line of the file the run starts at (several runs over one file can take different lines).
    #[arg(long, default_value_t = 0)]
    first_line: usize,
    /// Runtime worker threads; one is plenty for thousands of requests per second and leaves
    /// the cores to the server.
    #[arg(long, default_value_t = 1)]
    threads: usize,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(report) => {
            println!("{report}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("sgo-load: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<Value, String> {
    if !(args.rate.is_finite() && args.rate > 0.0) {
        return Err(format!("--rate must be positive, not {}", args.rate));
    }
    let text = std::fs::read_to_string(&args.requests)
        .map_err(|e| format!("{}: {e}", args.requests.display()))?;
    let requests =
        Requests::parse(&text).map_err(|e| format!("{}: {e}", args.requests.display()))?;
    let authority = args
        .target
        .trim_end_matches('/')
        .strip_prefix("http://")
        .filter(|a| !a.is_empty() && !a.contains('/'))
        .ok_or_else(|| format!("--target must be http://host:port, not {:?}", args.target))?
        .to_owned();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.threads.max(1))
        .enable_all()
        .build()
        .map_err(|e| format!("runtime: {e}"))?;
    Ok(runtime.block_on(drive(args, requests, authority)))
}

async fn drive(args: &Args, requests: Requests, authority: String) -> Value {
    let total = schedule::count(args.rate, args.duration);
    let pool = Arc::new(Pool::new(authority.clone(), args.max_connections));
    let host = authority.clone();
    let lines: Arc<[Template]> = requests.lines.into();
    let (done_tx, mut done_rx) = tokio::sync::mpsc::unbounded_channel::<Outcome>();

    // The collector folds outcomes in as they come, and notes when the last one arrived: the
    // achieved rate is counted up to then.
    let tags = requests.tags.len();
    let collector = tokio::spawn(async move {
        let mut per_tag: Vec<Tally> = (0..tags).map(|_| Tally::default()).collect();
        let mut overall = Tally::default();
        let mut last = None;
        while let Some(o) = done_rx.recv().await {
            overall.add(&o);
            if let Some(t) = per_tag.get_mut(o.tag) {
                t.add(&o);
            }
            last = Some(Instant::now());
        }
        (per_tag, overall, last)
    });

    // A short head start so that request 0 is not already late when the loop begins.
    let start = Instant::now() + Duration::from_millis(20);
    let mut worst_lag = Duration::ZERO;
    for i in 0..total {
        let due = start + schedule::due(i, args.rate);
        tokio::time::sleep_until(due).await;
        // How late the sender itself was: if this grows, the generator (not the server) is the
        // bottleneck and the offered rate was not really offered.
        worst_lag = worst_lag.max(Instant::now().saturating_duration_since(due));
        let index = (args.first_line + i as usize) % lines.len();
        let (pool, lines, host, done) =
            (pool.clone(), lines.clone(), host.clone(), done_tx.clone());
        let timeout = args.timeout;
        tokio::spawn(async move {
            let t = &lines[index];
            let ending = match build(t, &host) {
                Err(e) => Ending::Failed(e),
                Ok(request) => {
                    match tokio::time::timeout_at(due + timeout, pool.send(request)).await {
                        Ok(Ok(status)) => Ending::Answered(status),
                        Ok(Err(e)) => Ending::Failed(e),
                        Err(_) => Ending::Failed("timed out".to_owned()),
                    }
                }
            };
            let _ = done.send(Outcome {
                tag: t.tag,
                latency: Instant::now().saturating_duration_since(due),
                ending,
            });
        });
    }
    drop(done_tx);
    let Ok((mut per_tag, mut overall, last)) = collector.await else {
        return json!({ "error": "the collector task failed" });
    };
    let window = last.map_or(args.duration, |l| l.saturating_duration_since(start));
    let by_tag: serde_json::Map<String, Value> = requests
        .tags
        .iter()
        .zip(per_tag.iter_mut())
        .map(|(name, t)| (name.clone(), t.report(window)))
        .collect();
    json!({
        "target": args.target,
        "offered_rate": args.rate,
        "duration_s": args.duration.as_secs_f64(),
        "scheduled": total,
        "window_s": window.as_secs_f64(),
        "max_connections": args.max_connections,
        "connections_opened": pool.opened(),
        "sender_lag_max_ms": worst_lag.as_secs_f64() * 1000.0,
        "overall": overall.report(window),
        "tags": by_tag,
    })
}

fn build(t: &Template, host: &str) -> Result<Request<Full<Bytes>>, String> {
    let mut b = Request::builder()
        .method(t.method.clone())
        .uri(t.path.clone())
        .header(HOST, host);
    for (name, value) in &t.headers {
        b = b.header(name, value);
    }
    b.body(Full::new(t.body.clone()))
        .map_err(|e| format!("request: {e}"))
}
