//! Headers every answer carries unless its handler chose otherwise: no framing, no inline code,
//! no referrer outside the portal, HTTPS pinned when served over it, and nothing personal kept
//! in a browser's or proxy's cache (on a shared school computer the back button after sign-out
//! must not show the diary again). Handlers that set their own value (static files with public
//! caching, downloads with a sandbox policy) keep it.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::WebOptions;

/// The policy of every page: scripts and styles only from the portal's own files.
pub(crate) const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// One year, the HSTS lifetime browsers' preload lists ask for at least.
pub(crate) const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000";

/// The headers a page must carry, as (name, value); HSTS only over HTTPS (`secure_cookies`).
pub(crate) fn page_headers(secure: bool) -> Vec<(HeaderName, &'static str)> {
    let mut list = vec![
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::CACHE_CONTROL, "no-store"),
    ];
    if secure {
        list.push((header::STRICT_TRANSPORT_SECURITY, STRICT_TRANSPORT_SECURITY));
    }
    list
}

/// Adds the missing ones of [`page_headers`] to every answer.
pub(crate) async fn add_headers(
    State(options): State<Arc<WebOptions>>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    fill(response.headers_mut(), options.secure_cookies);
    response
}

fn fill(headers: &mut HeaderMap, secure: bool) {
    for (name, value) in page_headers(secure) {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_handler_keeps_its_own_caching() {
        let mut h = HeaderMap::new();
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=3600"),
        );
        fill(&mut h, false);
        assert_eq!(h[header::CACHE_CONTROL], "public, max-age=3600");
        assert_eq!(h[header::X_FRAME_OPTIONS], "DENY");
        assert!(!h.contains_key(header::STRICT_TRANSPORT_SECURITY));
        fill(&mut h, true);
        assert_eq!(h[header::STRICT_TRANSPORT_SECURITY], "max-age=31536000");
    }
}
