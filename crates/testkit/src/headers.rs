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
    let problems = page_header_problems(headers, https);
    assert!(problems.is_empty(), "{what}: {}", problems.join("; "));
}

/// What an HTML page's headers lack, one line per header (empty when all is in place).
pub fn page_header_problems(headers: &HeaderMap, https: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut want = |ok: bool, name: &str| {
        if !ok {
            out.push(format!("{name} «{}»", value(headers, name)));
        }
    };
    want(
        value(headers, "content-type").starts_with("text/html"),
        "content-type",
    );
    want(
        value(headers, "content-security-policy") == PAGE_CSP,
        "content-security-policy",
    );
    want(
        value(headers, "x-frame-options") == "DENY",
        "x-frame-options",
    );
    // A page with a secret in its address (recovery links) may say `no-referrer`: stricter.
    let referrer = value(headers, "referrer-policy");
    want(
        referrer == "same-origin" || referrer == "no-referrer",
        "referrer-policy",
    );
    want(
        value(headers, "x-content-type-options") == "nosniff",
        "x-content-type-options",
    );
    let hsts = value(headers, "strict-transport-security");
    want(
        if https {
            hsts == "max-age=31536000"
        } else {
            hsts.is_empty()
        },
        "strict-transport-security",
    );
    want(not_cached(headers), "cache-control");
    out
}

/// Whether an answer may be kept by no cache (personal data).
pub fn not_cached(headers: &HeaderMap) -> bool {
    value(headers, "cache-control")
        .split(',')
        .any(|d| d.trim() == "no-store")
}

/// Asserts that an answer may be kept by no cache (personal data).
pub fn assert_not_cached(headers: &HeaderMap, what: &str) {
    assert!(
        not_cached(headers),
        "{what}: Cache-Control «{}»",
        value(headers, "cache-control")
    );
}
