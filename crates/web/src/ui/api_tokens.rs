//! `/settings/tokens`: «Ключи доступа для приложений» — the tokens of the person's own scripts
//! and bots: made here (the secret shown once), listed, revoked.

use std::collections::HashMap;

use crate::routes::Routes;
use askama::Template;
use axum::extract::{Path, Query};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use sgo_app::AppError;
use sgo_app::api_tokens::{ApiToken, DEFAULT_LIFETIME_DAYS, TokenRequest};
use sgo_core::SessionId;
use sgo_core::api_scope::ApiScope;

use super::{Header, PageError, local_time, render};
use crate::form::{Fields, Submitted};
use crate::ui::request::UiRequest;

/// The page.
pub(crate) const TOKENS_PATH: &str = "/settings/tokens";

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route(TOKENS_PATH, get(page).post(create))
        .route("/settings/tokens/{id}/revoke", post(revoke))
        .route("/settings/calendar", post(calendar_create))
        .route("/settings/calendar/revoke", post(calendar_revoke))
}

/// What a scope lets a script do, in the words of the page.
fn scope_title(scope: ApiScope) -> &'static str {
    match scope {
        ApiScope::DiaryRead => "Дневник: уроки, задания, посещаемость",
        ApiScope::MarksRead => "Оценки",
        ApiScope::MailRead => "Чтение почты",
        ApiScope::MailSend => "Отправка писем",
        ApiScope::CalendarRead => "Календарь",
        ApiScope::EventsRead => "Уведомления о событиях",
    }
}

/// A checkbox of the form.
struct ScopeBox {
    code: &'static str,
    title: &'static str,
    checked: bool,
}

/// A row of the list, its times already in words.
struct Row {
    id: SessionId,
    name: String,
    scopes: String,
    created: String,
    last_used: String,
    expires: String,
}

fn row(t: ApiToken) -> Row {
    Row {
        id: t.id,
        name: t.name,
        scopes: t
            .scopes
            .iter()
            .map(scope_title)
            .collect::<Vec<_>>()
            .join(", "),
        created: local_time(t.created_at),
        last_used: local_time(t.last_used_at),
        expires: local_time(t.expires_at),
    }
}

#[derive(Template)]
#[template(path = "settings/tokens.html")]
struct TokensPage<'a> {
    portal_name: &'a str,
    header: Header,
    rows: Vec<Row>,
    scopes: Vec<ScopeBox>,
    name: String,
    days: String,
    /// The secret of the token just made: shown this once.
    secret: Option<String>,
    error: Option<String>,
    notice: Option<String>,
    /// The address of the person's calendar feed, when they have one.
    calendar_url: Option<String>,
}

/// What the form holds (the values just submitted, or the defaults).
#[derive(Default)]
struct Entered {
    name: String,
    days: String,
    scopes: Vec<String>,
}

async fn show(
    req: &UiRequest,
    headers: &HeaderMap,
    entered: Entered,
    secret: Option<String>,
    error: Option<String>,
    notice: Option<String>,
) -> Response {
    let issuer = match req.app().token_issuer(&req.session.who.actor) {
        Ok(i) => i,
        Err(e) => return PageError(req.state.clone(), e).into_response(),
    };
    let tokens = match req.app().api_tokens(&issuer).await {
        Ok(t) => t,
        Err(e) => return PageError(req.state.clone(), e).into_response(),
    };
    let calendar = match req
        .app()
        .calendar_feed_secret_if_any(&req.session.who.actor)
        .await
    {
        Ok(c) => c,
        Err(e) => return PageError(req.state.clone(), e).into_response(),
    };
    let header = match Header::load(&req.state, &req.session).await {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    let portal = crate::extract::portal_url(&req.state, headers);
    let page = TokensPage {
        portal_name: &req.state.options.portal_name,
        header,
        rows: tokens.into_iter().map(row).collect(),
        scopes: ApiScope::ALL
            .into_iter()
            .map(|s| ScopeBox {
                code: s.code(),
                title: scope_title(s),
                checked: entered.scopes.iter().any(|c| c == s.code()),
            })
            .collect(),
        name: entered.name,
        days: if entered.days.is_empty() {
            DEFAULT_LIFETIME_DAYS.to_string()
        } else {
            entered.days
        },
        secret,
        error,
        notice,
        calendar_url: calendar.map(|s| crate::calendar_feed::feed_url(&portal, &s)),
    };
    render(&page)
}

/// `GET /settings/tokens[?revoked=1|calendar=revoked]`.
async fn page(
    req: UiRequest,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let notice = if q.contains_key("revoked") {
        Some("Ключ отозван: программы с ним больше не войдут".to_owned())
    } else if q.get("calendar").is_some_and(|v| v == "revoked") {
        Some("Ссылка на календарь отозвана: календари по ней больше не обновятся".to_owned())
    } else {
        None
    };
    show(&req, &headers, Entered::default(), None, None, notice).await
}

/// `POST /settings/tokens`: makes a token and shows its secret once.
async fn create(
    req: UiRequest,
    headers: HeaderMap,
    Submitted(fields): Submitted<Fields>,
) -> Response {
    let issuer = match req.app().token_issuer(&req.session.who.actor) {
        Ok(i) => i,
        Err(e) => return PageError(req.state, e).into_response(),
    };
    let entered = Entered {
        name: fields.get("name").to_owned(),
        days: fields.get("days").trim().to_owned(),
        scopes: fields
            .pairs()
            .filter(|(k, _)| *k == "scopes")
            .map(|(_, v)| v.to_owned())
            .collect(),
    };
    let lifetime_days = match entered.days.as_str() {
        "" => None,
        text => match text.parse::<i64>() {
            Ok(days) => Some(days),
            Err(_) => {
                let error = msg!(
                    "api-token-lifetime-invalid",
                    max = sgo_app::api_tokens::MAX_LIFETIME_DAYS
                );
                return show(&req, &headers, entered, None, Some(error.to_string()), None).await;
            }
        },
    };
    let request = TokenRequest {
        name: entered.name.clone(),
        scopes: entered.scopes.clone(),
        lifetime_days,
    };
    match req
        .app()
        .create_api_token(&issuer, &request, &req.origin)
        .await
    {
        Ok(issued) => {
            show(
                &req,
                &headers,
                Entered::default(),
                Some(issued.token),
                None,
                None,
            )
            .await
        }
        Err(AppError::BadRequest(m)) => {
            show(&req, &headers, entered, None, Some(m.to_string()), None).await
        }
        Err(e) => PageError(req.state, e).into_response(),
    }
}

/// `POST /settings/tokens/{id}/revoke`.
async fn revoke(
    req: UiRequest,
    Path(id): Path<SessionId>,
    Submitted(_): Submitted<Fields>,
) -> Response {
    let result = match req.app().token_issuer(&req.session.who.actor) {
        Ok(issuer) => req.app().revoke_api_token(&issuer, id, &req.origin).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Redirect::to(&format!("{TOKENS_PATH}?revoked=1")).into_response(),
        Err(e) => PageError(req.state, e).into_response(),
    }
}

/// `POST /settings/calendar`: makes the person's calendar feed (or keeps the one they have).
async fn calendar_create(req: UiRequest, Submitted(_): Submitted<Fields>) -> Response {
    match req
        .app()
        .calendar_feed_secret(&req.session.who.actor, &req.origin)
        .await
    {
        Ok(_) => Redirect::to(&format!("{TOKENS_PATH}#calendar")).into_response(),
        Err(e) => PageError(req.state, e).into_response(),
    }
}

/// `POST /settings/calendar/revoke`: the feed's address stops working.
async fn calendar_revoke(req: UiRequest, Submitted(_): Submitted<Fields>) -> Response {
    match req
        .app()
        .revoke_calendar_feed(&req.session.who.actor, &req.origin)
        .await
    {
        Ok(_) => Redirect::to(&format!("{TOKENS_PATH}?calendar=revoked")).into_response(),
        Err(e) => PageError(req.state, e).into_response(),
    }
}
