//! Extractors shared by both surfaces (bodies go through `crate::form`).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::USER_AGENT;
use axum::http::request::Parts;
use sgo_app::Origin;

/// The client's address and software, for sessions and the audit log.
pub(crate) struct ClientOrigin(pub Origin);

impl<S: Send + Sync> FromRequestParts<S> for ClientOrigin {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string())
            .unwrap_or_default();
        let user_agent = parts
            .headers
            .get(USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        Ok(ClientOrigin(Origin { ip, user_agent }))
    }
}

/// The portal's address for links given out (credential sheets, calendar feeds): `public_url`
/// when configured (the `Host` header is the client's to choose), else the address the person
/// reached it by.
pub(crate) fn portal_url(state: &crate::AppState, headers: &axum::http::HeaderMap) -> String {
    let public = state.app.settings().public_url.trim().trim_end_matches('/');
    if !public.is_empty() {
        return public.to_owned();
    }
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    let scheme = if state.options.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}
