//! CSRF protection by double submission: a random cookie that every form must repeat.
//! Another site can make the browser send the cookie, but cannot read it to put it in the form.

use axum::http::{HeaderMap, HeaderValue};
use sgo_app::new_cookie_id;

use crate::cookies;

/// The cookie name.
pub(crate) const COOKIE: &str = "sgo_csrf";

/// The request's token, or a new one with the header that sets it.
pub(crate) fn token(headers: &HeaderMap, secure: bool) -> (String, Option<HeaderValue>) {
    match cookies::get(headers, COOKIE) {
        Some(t) if t.len() == 32 => (t, None),
        _ => {
            let t = new_cookie_id();
            let header = HeaderValue::from_str(&cookies::set(COOKIE, &t, secure, "Strict")).ok();
            (t, header)
        }
    }
}

/// Whether the submitted form token matches the cookie.
pub(crate) fn check(headers: &HeaderMap, submitted: Option<&str>) -> bool {
    match (cookies::get(headers, COOKIE), submitted) {
        (Some(cookie), Some(form)) if cookie.len() == 32 => {
            cookie.len() == form.len()
                && cookie
                    .bytes()
                    .zip(form.bytes())
                    .fold(0u8, |a, (x, y)| a | (x ^ y))
                    == 0
        }
        _ => false,
    }
}
