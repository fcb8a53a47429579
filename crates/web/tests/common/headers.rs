//! What the answers must carry against framing, injected code, leaking referrers and shared
//! caches, in one place so that every test (the role × route matrix included) checks the same.

use axum::http::HeaderMap;

/// The Content-Security-Policy of every portal page.
pub const PAGE_CSP: &str = "default-src 'self'; script-src 'self'; object-src 'none'; \
                            base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

fn value<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// Asserts the headers of an HTML page; `https` when served with `secure_cookies` (then HSTS).
pub fn assert_page_headers(headers: &HeaderMap, https: bool, what: &str) {
    assert!(
        value(headers, "content-type").starts_with("text/html"),
        "{what}: not a page"
    );
    assert_eq!(
        value(headers, "content-security-policy"),
        PAGE_CSP,
        "{what}: CSP"
    );
    assert_eq!(value(headers, "x-frame-options"), "DENY", "{what}");
    // A page with a secret in its address (recovery links) may say `no-referrer`: stricter.
    let referrer = value(headers, "referrer-policy");
    assert!(
        referrer == "same-origin" || referrer == "no-referrer",
        "{what}: Referrer-Policy «{referrer}»"
    );
    assert_eq!(
        value(headers, "x-content-type-options"),
        "nosniff",
        "{what}"
    );
    let hsts = value(headers, "strict-transport-security");
    if https {
        assert_eq!(hsts, "max-age=31536000", "{what}: HSTS");
    } else {
        assert_eq!(hsts, "", "{what}: HSTS over plain HTTP");
    }
    assert_not_cached(headers, what);
}

/// Asserts that an answer may be kept by no cache (personal data).
pub fn assert_not_cached(headers: &HeaderMap, what: &str) {
    let cache = value(headers, "cache-control");
    assert!(
        cache.split(',').any(|d| d.trim() == "no-store"),
        "{what}: Cache-Control «{cache}»"
    );
}
