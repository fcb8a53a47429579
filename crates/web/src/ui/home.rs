//! The landing page for staff, and the root redirect.

use askama::Template;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};

use super::{Header, SESSION_COOKIE, render};
use crate::cookies;
use crate::ui::request::UiRequest;

/// How many announcements the landing page shows.
const HOME_ANNOUNCEMENTS: usize = 5;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage<'a> {
    portal_name: &'a str,
    header: Header,
    roles: String,
    announcements: Vec<sgo_app::announcements::AnnouncementView>,
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
pub(crate) async fn page(UiRequest { state, session, .. }: UiRequest) -> Response {
    let header = match Header::load(&state, &session).await {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    let roles = sgo_core::policy::role_titles(&session.who.actor).join(", ");
    // The newest few; a failure here should not take the landing page down.
    let announcements = match state
        .app
        .announcements_for(&session.who.actor, Some(HOME_ANNOUNCEMENTS))
        .await
    {
        Ok(list) => list.into_iter().filter(|a| !a.expired).collect(),
        Err(e) => {
            tracing::error!(error = %e, "announcements for the home page");
            Vec::new()
        }
    };
    render(&HomePage {
        portal_name: &state.options.portal_name,
        header,
        roles,
        announcements,
    })
}
