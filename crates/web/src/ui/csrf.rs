//! CSRF protection. A signed-in browser's token is derived from its session token, so a token
//! read from another session (another person's page, one's own other browser) is worth nothing
//! here, and it changes with every sign-in. Before sign-in (the login, recovery and ESIA choice
//! forms) there is no session to bind to: a random cookie that the form must repeat (double
//! submission) — another site can make the browser send the cookie but cannot read it.
//!
//! The derivation is a hash with a purpose prefix rather than a MAC under the server key: the
//! session token is itself a 256-bit secret, whoever knows it owns the session anyway, and the
//! hash cannot be turned back into it, so a leaked form token does not leak the session.

use axum::http::{HeaderMap, HeaderValue};
use sgo_app::new_cookie_id;
use sha2::{Digest, Sha256};

use super::SESSION_COOKIE;
use crate::cookies;

/// The cookie name of the pre-session token.
pub(crate) const COOKIE: &str = "sgo_csrf";

/// Length of a pre-session cookie token (hex of 16 random bytes).
const COOKIE_TOKEN_LEN: usize = 32;

/// The form token of a session: hex SHA-256 over a purpose prefix and the session token.
pub(crate) fn for_session(session_token: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(b"sgo-web csrf v1\0");
    hash.update(session_token.as_bytes());
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The token the request's forms must carry: the session's when it has one, else its cookie's.
fn expected(headers: &HeaderMap) -> Option<String> {
    match cookies::get(headers, SESSION_COOKIE) {
        Some(session) => Some(for_session(&session)),
        None => cookies::get(headers, COOKIE).filter(|t| t.len() == COOKIE_TOKEN_LEN),
    }
}

/// The token to put in a form, with the header that sets the pre-session cookie when needed.
pub(crate) fn token(headers: &HeaderMap, secure: bool) -> (String, Option<HeaderValue>) {
    if let Some(t) = expected(headers) {
        return (t, None);
    }
    let t = new_cookie_id();
    let header = HeaderValue::from_str(&cookies::set(COOKIE, &t, secure, "Strict")).ok();
    (t, header)
}

/// Whether the submitted form token is the one this browser's session (or cookie) calls for.
pub(crate) fn check(headers: &HeaderMap, submitted: Option<&str>) -> bool {
    match (expected(headers), submitted) {
        (Some(expected), Some(form)) => {
            expected.len() == form.len()
                && expected
                    .bytes()
                    .zip(form.bytes())
                    .fold(0u8, |a, (x, y)| a | (x ^ y))
                    == 0
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(cookie: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            axum::http::header::COOKIE,
            HeaderValue::from_str(cookie).unwrap(),
        );
        h
    }

    #[test]
    fn a_session_accepts_only_its_own_token() {
        let mine = headers("sgo_session=aaaa; sgo_csrf=0123456789abcdef0123456789abcdef");
        assert!(check(&mine, Some(&for_session("aaaa"))));
        assert!(!check(&mine, Some(&for_session("bbbb"))));
        // The pre-session cookie no longer counts once there is a session.
        assert!(!check(&mine, Some("0123456789abcdef0123456789abcdef")));
        assert!(!check(&mine, None));
        assert_eq!(token(&mine, false), (for_session("aaaa"), None));
    }

    #[test]
    fn before_sign_in_the_cookie_is_repeated() {
        let anon = headers("sgo_csrf=0123456789abcdef0123456789abcdef");
        assert!(check(&anon, Some("0123456789abcdef0123456789abcdef")));
        assert!(!check(&anon, Some("0123456789abcdef0123456789abcdee")));
        assert!(!check(&HeaderMap::new(), Some("")));
        let (fresh, set) = token(&HeaderMap::new(), false);
        assert_eq!(fresh.len(), COOKIE_TOKEN_LEN);
        assert!(set.is_some());
    }
}
