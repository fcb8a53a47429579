//! «Мобильный ID»: the devices page of personal settings and the sign-in without a password.
//! The WebAuthn ceremonies are JSON requests made by `static/passkeys.js`; every one of them,
//! like every form, carries the CSRF token.

use std::collections::HashMap;

use crate::routes::Routes;
use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header::SET_COOKIE};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use sgo_app::AppError;
use sgo_app::passkeys::{Ceremony, Device, MAX_NAME_CHARS};

use super::{Header, PageError, SESSION_COOKIE, UiSession, csrf, local_time, render};
use crate::AppState;
use crate::cookies;
use crate::extract::{CaseInsensitiveForm, ClientOrigin};

/// The devices page.
const PAGE_PATH: &str = "/settings/passkeys";

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route(PAGE_PATH, get(page))
        .route("/settings/passkeys/register/start", post(register_start))
        .route("/settings/passkeys/register/finish", post(register_finish))
        .route("/settings/passkeys/{id}/rename", post(rename))
        .route("/settings/passkeys/{id}/remove", post(remove))
        .route("/login/passkey/start", post(sign_in_start))
        .route("/login/passkey/finish", post(sign_in_finish))
        .route(
            "/static/passkeys.js",
            get(|| {
                super::static_file(
                    "text/javascript; charset=utf-8",
                    include_str!("../../static/passkeys.js"),
                )
            }),
        )
}

/// A device as the page lists it.
struct DeviceRow {
    id: i64,
    name: String,
    added: String,
    last_used: String,
}

#[derive(Template)]
#[template(path = "settings/passkeys.html")]
struct DevicesPage<'a> {
    portal_name: &'a str,
    header: Header,
    devices: Vec<DeviceRow>,
    available: bool,
    max_name: usize,
    notice: Option<&'static str>,
}

fn row(d: Device) -> DeviceRow {
    DeviceRow {
        id: d.id,
        name: d.name,
        added: local_time(d.created_at),
        last_used: d.last_used_at.map(local_time).unwrap_or_else(|| "—".into()),
    }
}

/// `GET /settings/passkeys`.
async fn page(
    State(state): State<AppState>,
    session: UiSession,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let header = match Header::load(&state, &session).await {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    let devices = match state.app.passkeys(&session.who.actor).await {
        Ok(d) => d.into_iter().map(row).collect(),
        Err(e) => return PageError(state, e).into_response(),
    };
    let notice = match q.get("done").map(String::as_str) {
        Some("added") => Some("Мобильный ID добавлен"),
        Some("renamed") => Some("Название изменено"),
        Some("removed") => Some("Устройство удалено: с него больше нельзя войти"),
        _ => None,
    };
    let page = DevicesPage {
        portal_name: &state.options.portal_name,
        header,
        devices,
        available: state.app.passkeys_available(),
        max_name: MAX_NAME_CHARS,
        notice,
    };
    render(&page)
}

/// A JSON refusal the page script shows as it is.
fn json_error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "message": message }))).into_response()
}

fn json_app_error(e: AppError) -> Response {
    let status = match &e {
        AppError::Unauthenticated | AppError::InvalidCredentials | AppError::LoginRefused(_) => {
            StatusCode::UNAUTHORIZED
        }
        AppError::Forbidden => StatusCode::FORBIDDEN,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
        AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
        _ => {
            tracing::error!(error = ?e, "passkey request failed");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    };
    json_error(status, &e.to_string())
}

/// The JSON body of a ceremony request, once its CSRF token checked out.
fn json_body(headers: &HeaderMap, body: &Bytes) -> Result<Value, (StatusCode, &'static str)> {
    let value: Value =
        serde_json::from_slice(body).map_err(|_| (StatusCode::BAD_REQUEST, "Неверный запрос"))?;
    if !csrf::check(headers, value["csrf"].as_str()) {
        return Err((
            StatusCode::FORBIDDEN,
            "Срок действия страницы истёк. Обновите её и повторите.",
        ));
    }
    Ok(value)
}

fn ceremony_json(c: Ceremony) -> Response {
    Json(json!({ "ceremony": c.id, "options": c.options })).into_response()
}

/// `POST /settings/passkeys/register/start`: options for `navigator.credentials.create`.
async fn register_start(
    State(state): State<AppState>,
    session: UiSession,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err((status, message)) = json_body(&headers, &body) {
        return json_error(status, message);
    }
    match state
        .app
        .start_passkey_registration(&session.who.actor)
        .await
    {
        Ok(c) => ceremony_json(c),
        Err(e) => json_app_error(e),
    }
}

/// `POST /settings/passkeys/register/finish`: the new credential with the name for it.
async fn register_finish(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    session: UiSession,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let value = match json_body(&headers, &body) {
        Ok(v) => v,
        Err((status, message)) => return json_error(status, message),
    };
    let ceremony = value["ceremony"].as_str().unwrap_or_default();
    let name = value["name"].as_str().unwrap_or_default();
    match state
        .app
        .finish_passkey_registration(
            &session.who.actor,
            &origin,
            ceremony,
            name,
            &value["credential"],
        )
        .await
    {
        Ok(_) => Json(json!({ "redirect": format!("{PAGE_PATH}?done=added") })).into_response(),
        Err(e) => json_app_error(e),
    }
}

fn stale_form(state: AppState) -> Response {
    let e = AppError::BadRequest("Срок действия формы истёк. Обновите страницу.".into());
    let mut response = PageError(state, e).into_response();
    *response.status_mut() = StatusCode::FORBIDDEN;
    response
}

/// `POST /settings/passkeys/{id}/rename`.
async fn rename(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    session: UiSession,
    Path(id): Path<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = match CaseInsensitiveForm::parse(&body) {
        Ok(f) => f,
        Err(m) => return PageError(state, AppError::BadRequest(m)).into_response(),
    };
    if !csrf::check(&headers, form.get("csrf")) {
        return stale_form(state);
    }
    let name = form.get("name").unwrap_or_default();
    match state
        .app
        .rename_passkey(&session.who.actor, &origin, id, name)
        .await
    {
        Ok(()) => Redirect::to(&format!("{PAGE_PATH}?done=renamed")).into_response(),
        Err(e) => PageError(state, e).into_response(),
    }
}

/// `POST /settings/passkeys/{id}/remove`.
async fn remove(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    session: UiSession,
    Path(id): Path<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = CaseInsensitiveForm::parse(&body).unwrap_or(CaseInsensitiveForm(HashMap::new()));
    if !csrf::check(&headers, form.get("csrf")) {
        return stale_form(state);
    }
    match state
        .app
        .remove_passkey(&session.who.actor, &origin, id)
        .await
    {
        Ok(()) => Redirect::to(&format!("{PAGE_PATH}?done=removed")).into_response(),
        Err(e) => PageError(state, e).into_response(),
    }
}

/// `POST /login/passkey/start`: options for `navigator.credentials.get`.
async fn sign_in_start(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err((status, message)) = json_body(&headers, &body) {
        return json_error(status, message);
    }
    match state.app.start_passkey_sign_in().await {
        Ok(c) => ceremony_json(c),
        Err(e) => json_app_error(e),
    }
}

/// `POST /login/passkey/finish`: the device's answer; a session cookie and where to go.
async fn sign_in_finish(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let value = match json_body(&headers, &body) {
        Ok(v) => v,
        Err((status, message)) => return json_error(status, message),
    };
    let ceremony = value["ceremony"].as_str().unwrap_or_default();
    let signed = match state
        .app
        .finish_passkey_sign_in(&origin, ceremony, &value["credential"])
        .await
    {
        Ok(s) => s,
        Err(e) => return json_app_error(e),
    };
    let target = if signed.must_change_password {
        super::settings::PASSWORD_PATH
    } else {
        sgo_core::policy::landing(&signed.actor).path()
    };
    let mut response = Json(json!({ "redirect": target })).into_response();
    let cookie = cookies::set(
        SESSION_COOKIE,
        &signed.token,
        state.options.secure_cookies,
        "Lax",
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(SET_COOKIE, v);
    }
    response
}
