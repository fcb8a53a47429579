//! `/settings/sessions`: my active sessions, ending one, ending all others, ending all.

use std::collections::HashMap;

use crate::routes::Routes;
use askama::Template;
use axum::extract::{Path, Query};
use axum::http::{HeaderValue, header::SET_COOKIE};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use sgo_app::session_list::SessionView;

use super::{Header, PageError, SESSION_COOKIE, local_time, render};
use crate::cookies;
use crate::form::{Fields, Submitted};
use crate::ui::request::UiRequest;
use sgo_core::SessionId;

/// The page.
pub(crate) const SESSIONS_PATH: &str = "/settings/sessions";

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route(SESSIONS_PATH, get(page))
        .route("/settings/sessions/{id}/end", post(end_one))
        .route("/settings/sessions/end-others", post(end_others))
        .route("/settings/sessions/end-all", post(end_all))
}

/// One row of the table, its times already in words.
struct Row {
    id: SessionId,
    channel: &'static str,
    created: String,
    last_seen: String,
    ip: String,
    client: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "settings/sessions.html")]
struct SessionsPage<'a> {
    portal_name: &'a str,
    header: Header,
    rows: Vec<Row>,
    notice: Option<String>,
}

fn row(s: SessionView) -> Row {
    Row {
        id: s.id,
        channel: s.channel,
        created: local_time(s.created_at),
        last_seen: local_time(s.last_seen_at),
        ip: if s.ip.is_empty() {
            "неизвестен".into()
        } else {
            s.ip
        },
        client: s.client,
        current: s.current,
    }
}

/// `GET /settings/sessions[?ended=N]`.
async fn page(req: UiRequest, Query(q): Query<HashMap<String, String>>) -> Response {
    let list = match req.app().my_sessions(&req.session.who).await {
        Ok(l) => l,
        Err(e) => return PageError(req.state, e).into_response(),
    };
    let header = match Header::load(&req.state, &req.session).await {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    let notice = q
        .get("ended")
        .and_then(|n| n.parse::<u64>().ok())
        .map(|n| match n {
            0 => "Других сеансов не было".to_owned(),
            1 => "Сеанс завершён".to_owned(),
            n => format!("Завершено сеансов: {n}"),
        });
    let page = SessionsPage {
        portal_name: &req.state.options.portal_name,
        header,
        rows: list.into_iter().map(row).collect(),
        notice,
    };
    render(&page)
}

/// `POST /settings/sessions/{id}/end`: ends one of my sessions; ending this one signs me out.
async fn end_one(
    req: UiRequest,
    Path(id): Path<SessionId>,
    Submitted(_): Submitted<Fields>,
) -> Response {
    if let Err(e) = req
        .app()
        .end_session(&req.session.who, &req.origin, id)
        .await
    {
        return PageError(req.state, e).into_response();
    }
    if id.get() == req.session.who.session_id {
        return signed_out("/login");
    }
    Redirect::to(&format!("{SESSIONS_PATH}?ended=1")).into_response()
}

/// `POST /settings/sessions/end-others`.
async fn end_others(req: UiRequest, Submitted(_): Submitted<Fields>) -> Response {
    match req
        .app()
        .end_other_sessions(&req.session.who, &req.origin)
        .await
    {
        Ok(n) => Redirect::to(&format!("{SESSIONS_PATH}?ended={n}")).into_response(),
        Err(e) => PageError(req.state, e).into_response(),
    }
}

/// `POST /settings/sessions/end-all`: ends every session of mine, this one too.
async fn end_all(req: UiRequest, Submitted(_): Submitted<Fields>) -> Response {
    match req
        .app()
        .end_all_my_sessions(&req.session.who, &req.origin)
        .await
    {
        Ok(_) => signed_out(super::login::ALL_ENDED_PATH),
        Err(e) => PageError(req.state, e).into_response(),
    }
}

/// The answer once this browser's own session has ended: to the sign-in page, cookie cleared.
fn signed_out(to: &str) -> Response {
    let mut response = Redirect::to(to).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookies::clear(SESSION_COOKIE)) {
        response.headers_mut().append(SET_COOKIE, v);
    }
    response
}
