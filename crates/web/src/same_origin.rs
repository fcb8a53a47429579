//! Whether a browser request comes from the portal's own pages. Browsers send `Origin` on
//! WebSocket handshakes and cannot forge it; a page of another site that opens our SignalR hub
//! with the visitor's NetSchool cookie is refused. Clients that are not browsers (the NetSchool
//! libraries) send no `Origin` and are not affected.

use axum::http::{HeaderMap, header};

/// `true` when the request has no `Origin` or its origin is the portal's: `public_url` when
/// configured, else the host the request was addressed to.
pub(crate) fn allowed(headers: &HeaderMap, public_url: &str) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Some(origin) = origin.to_str().ok().map(|o| o.trim().to_ascii_lowercase()) else {
        return false;
    };
    let public = public_url.trim();
    if !public.is_empty() {
        return origin == origin_of(public);
    }
    let Some(host) = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(|h| h.trim().to_ascii_lowercase())
    else {
        return false;
    };
    let authority = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"));
    authority == Some(host.as_str())
}

/// `scheme://host[:port]` of an address, lower case, without path or trailing slash.
fn origin_of(url: &str) -> String {
    let lower = url.to_ascii_lowercase();
    match lower.split_once("://") {
        Some((scheme, rest)) => {
            let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
            format!("{scheme}://{authority}")
        }
        None => lower,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(origin: Option<&str>, host: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_str(host).unwrap());
        if let Some(o) = origin {
            h.insert(header::ORIGIN, HeaderValue::from_str(o).unwrap());
        }
        h
    }

    #[test]
    fn own_pages_and_non_browsers_pass_others_do_not() {
        assert!(allowed(&headers(None, "sgo.example.ru"), ""));
        assert!(allowed(
            &headers(Some("https://sgo.example.ru"), "sgo.example.ru"),
            ""
        ));
        assert!(!allowed(
            &headers(Some("https://evil.example"), "sgo.example.ru"),
            ""
        ));
        assert!(!allowed(&headers(Some("null"), "sgo.example.ru"), ""));
        assert!(allowed(
            &headers(Some("https://SGO.example.ru"), "10.0.0.5:8080"),
            "https://sgo.example.ru/"
        ));
        assert!(!allowed(
            &headers(Some("http://sgo.example.ru"), "sgo.example.ru"),
            "https://sgo.example.ru"
        ));
        assert!(!allowed(
            &headers(Some("https://sgo.example.ru.evil.example"), "x"),
            "https://sgo.example.ru"
        ));
    }
}
