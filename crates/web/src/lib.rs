//! HTTP: the HTML interface (`ui`), the NetSchool wire API (`webapi`). Thin: parse, call
//! `sgo-app`, render.

// `msg!` (a catalogue message) is written at hundreds of call sites: in scope everywhere.
#[macro_use]
extern crate sgo_core;

mod api;
mod api_docs;
mod calendar_feed;
mod cookies;
mod download;
mod error_status;
mod extract;
mod form;
mod hardening;
mod health;
mod lifecycle;
mod rejections;
mod request_metrics;
mod routes;
mod same_origin;
mod ui;
mod upload;
mod webapi;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use axum::routing::get;
use sgo_app::App;
use tower_http::trace::TraceLayer;

pub use lifecycle::Lifecycle;

/// The form token (CSRF) that pages of the web session `session_token` carry and its forms
/// must repeat; tests use it to post forms as a signed-in browser would.
pub fn csrf_token_for(session_token: &str) -> String {
    ui::csrf_token_for(session_token)
}

/// The path of the identity provider's callback; `public_url` + this is the redirect URI.
pub const ESIA_CALLBACK_PATH: &str = ui::ESIA_CALLBACK_PATH;

/// Largest request body accepted until uploads exist; forms and JSON of this API are small.
const BODY_LIMIT_BYTES: usize = 64 * 1024;

/// Presentation settings.
#[derive(Debug, Clone)]
pub struct WebOptions {
    /// The portal's name in page titles, e.g. «Сетевой город. Образование».
    pub portal_name: String,
    /// Whether cookies get the `Secure` flag (set when served over HTTPS).
    pub secure_cookies: bool,
    /// The directory of regional portals shown on `/regions` («Сетевой город в регионах»).
    pub regional_portals: Vec<RegionalPortal>,
    /// Serving or stopping, and how many requests are in progress (shared with `sgo serve`).
    pub lifecycle: Lifecycle,
}

impl Default for WebOptions {
    fn default() -> Self {
        WebOptions {
            portal_name: "Сетевой город. Образование".into(),
            secure_cookies: false,
            regional_portals: Vec::new(),
            lifecycle: Lifecycle::default(),
        }
    }
}

/// A regional portal of the directory: which region, what it is called, where it is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RegionalPortal {
    /// The region, e.g. «Заречный край».
    pub region: String,
    /// The portal's name.
    pub name: String,
    /// Its address; only `http://` and `https://` are accepted.
    pub url: String,
}

impl RegionalPortal {
    /// Checks the entry as the configuration is loaded; the message says what to fix.
    pub fn validate(&self) -> Result<(), String> {
        if self.region.trim().is_empty() || self.name.trim().is_empty() {
            return Err(format!(
                "у регионального портала «{}» должны быть заполнены region и name",
                self.url
            ));
        }
        let lower = self.url.to_ascii_lowercase();
        let rest = lower
            .strip_prefix("https://")
            .or_else(|| lower.strip_prefix("http://"));
        let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or_default());
        let clean = !self
            .url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "\"'<>`\\".contains(c));
        match host {
            Some(h) if !h.is_empty() && clean => Ok(()),
            _ => Err(format!(
                "адрес регионального портала «{}» ({}) должен быть полным адресом http:// или https://",
                self.name, self.url
            )),
        }
    }
}

/// What every handler gets.
#[derive(Clone)]
pub(crate) struct AppState {
    pub app: App,
    pub options: Arc<WebOptions>,
}

/// Every route of the portal, with its paths.
fn all_routes() -> routes::Routes {
    routes::Routes::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .merge(ui::routes())
        .nest("/webapi", webapi::routes())
        .nest("/api/v1", api::routes())
        .merge(api_docs::routes())
        .merge(calendar_feed::routes())
}

/// The paths the router serves (as written in the router, e.g. `/journal/group/{id}`): the
/// role × route matrix test checks that it covers every one of them.
pub fn route_paths() -> Vec<String> {
    all_routes().into_parts().1
}

/// The span of a request in the logs: its method and route template, not its path or query,
/// which may carry secrets (a password recovery link's token).
fn request_span(request: &axum::extract::Request) -> tracing::Span {
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|p| p.as_str())
        .unwrap_or("unmatched");
    tracing::debug_span!("request", method = %request.method(), route)
}

/// The whole HTTP surface.
pub fn router(app: App, options: WebOptions) -> Router {
    let state = AppState {
        app,
        options: Arc::new(options),
    };
    let (routes, _) = all_routes().into_parts();
    routes
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .layer(from_fn_with_state(state.clone(), rejections::in_russian))
        .layer(from_fn_with_state(
            state.options.clone(),
            hardening::add_headers,
        ))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        // Outermost, so that it sees the status the client gets; inside the router, so that the
        // matched route is known.
        .layer(from_fn_with_state(
            state.options.lifecycle.clone(),
            request_metrics::track,
        ))
        .with_state(state)
}
