//! Request metrics: a count by method, route and status, and a latency histogram by method
//! and route. The route is the router's template (`/journal/group/{id}`), never the raw path,
//! so ids do not make a series each; requests no route matches share `unmatched`. Latency runs
//! until the answer's headers are ready (a long download is not counted to its end).

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;

use crate::lifecycle::Lifecycle;

/// The method as a label; unusual ones share one value, so a client cannot invent series.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::HEAD => "HEAD",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Counts and times every request, and keeps it among those in progress until answered.
pub(crate) async fn track(
    State(lifecycle): State<Lifecycle>,
    request: Request,
    next: Next,
) -> Response {
    let _in_flight = lifecycle.enter();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let method = method_label(request.method());
    let started = Instant::now();
    let response = next.run(request).await;
    let seconds = started.elapsed().as_secs_f64();
    let status = response.status().as_u16().to_string();
    metrics::counter!(
        "sgo_http_requests_total",
        "method" => method,
        "route" => route.clone(),
        "status" => status
    )
    .increment(1);
    metrics::histogram!(
        "sgo_http_request_duration_seconds",
        "method" => method,
        "route" => route
    )
    .record(seconds);
    response
}
