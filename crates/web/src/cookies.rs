//! Reading and writing cookies without a cookie jar: we only ever need a few by name.

use axum::http::HeaderMap;
use axum::http::header::COOKIE;

/// The value of the named cookie, if the request carries it.
pub(crate) fn get(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim_matches('"').to_owned())
        .filter(|v| !v.is_empty())
}

/// A `Set-Cookie` value: host-only, path `/`, HttpOnly; `Secure` only over HTTPS, because the
/// NetSchool clients will not send a Secure cookie over plain HTTP.
pub(crate) fn set(name: &str, value: &str, secure: bool, same_site: &str) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite={same_site}{secure}")
}

/// A `Set-Cookie` value that removes the cookie.
pub(crate) fn clear(name: &str) -> String {
    format!("{name}=; Path=/; HttpOnly; Max-Age=0")
}
