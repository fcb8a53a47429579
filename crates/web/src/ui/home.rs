//! The landing page for staff, and the root redirect.

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};

use super::{Header, SESSION_COOKIE, UiSession, render};
use crate::AppState;
use crate::cookies;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage<'a> {
    portal_name: &'a str,
    header: Header,
    roles: String,
}

/// `GET /`: the diary or the landing page when signed in, else the login page.
pub(crate) async fn root(headers: HeaderMap) -> Redirect {
    if cookies::get(&headers, SESSION_COOKIE).is_some() {
        Redirect::to("/diary")
    } else {
        Redirect::to("/login")
    }
}

/// `GET /home`.
pub(crate) async fn page(State(state): State<AppState>, session: UiSession) -> Response {
    let header = match Header::load(&state, &session).await {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    let roles = session
        .who
        .actor
        .roles
        .iter()
        .map(|r| r.title())
        .collect::<Vec<_>>()
        .join(", ");
    render(&HomePage {
        portal_name: &state.options.portal_name,
        header,
        roles,
    })
}
