//! «Мобильный ID»: the devices page of personal settings and the sign-in without a password.
//! The WebAuthn ceremonies are JSON requests made by `static/passkeys.js`; every one of them,
//! like every form, carries the CSRF token.

use std::collections::HashMap;

use crate::routes::Routes;
use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use sgo_app::AppError;
use sgo_app::passkeys::{Ceremony, Device, MAX_NAME_CHARS};

use super::{Header, PageError, first_page, local_time, render, with_session};
use crate::AppState;
use crate::extract::ClientOrigin;
use crate::form::{Fields, ScriptSubmitted, Submitted};
use crate::ui::request::UiRequest;
use sgo_core::PasskeyId;

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
    id: PasskeyId,
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
async fn page(req: UiRequest, Query(q): Query<HashMap<String, String>>) -> Response {
    let header = match Header::load(&req.state, &req.session).await {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    let devices = match req.app().passkeys(&req.session.who.actor).await {
        Ok(d) => d.into_iter().map(row).collect(),
        Err(e) => return PageError(req.state, e).into_response(),
    };
    let notice = match q.get("done").map(String::as_str) {
        Some("added") => Some("Мобильный ID добавлен"),
        Some("renamed") => Some("Название изменено"),
        Some("removed") => Some("Устройство удалено: с него больше нельзя войти"),
        _ => None,
    };
    let page = DevicesPage {
        portal_name: &req.state.options.portal_name,
        header,
        devices,
        available: req.app().passkeys_available(),
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

/// The device's answer to a ceremony, with the name a new device is to get.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Finish {
    ceremony: String,
    name: String,
    credential: Value,
}

fn ceremony_json(c: Ceremony) -> Response {
    Json(json!({ "ceremony": c.id, "options": c.options })).into_response()
}

/// `POST /settings/passkeys/register/start`: options for `navigator.credentials.create`.
async fn register_start(req: UiRequest, ScriptSubmitted(_): ScriptSubmitted<Value>) -> Response {
    match req
        .app()
        .start_passkey_registration(&req.session.who.actor)
        .await
    {
        Ok(c) => ceremony_json(c),
        Err(e) => json_app_error(e),
    }
}

/// `POST /settings/passkeys/register/finish`: the new credential with the name for it.
async fn register_finish(
    req: UiRequest,
    ScriptSubmitted(finish): ScriptSubmitted<Finish>,
) -> Response {
    match req
        .app()
        .finish_passkey_registration(
            &req.session.who.actor,
            &req.origin,
            &finish.ceremony,
            &finish.name,
            &finish.credential,
        )
        .await
    {
        Ok(_) => Json(json!({ "redirect": format!("{PAGE_PATH}?done=added") })).into_response(),
        Err(e) => json_app_error(e),
    }
}

/// The rename form.
#[derive(Deserialize, Default)]
#[serde(default)]
struct RenameForm {
    name: String,
}

/// `POST /settings/passkeys/{id}/rename`.
async fn rename(
    req: UiRequest,
    Path(id): Path<PasskeyId>,
    Submitted(form): Submitted<RenameForm>,
) -> Response {
    match req
        .app()
        .rename_passkey(&req.session.who.actor, &req.origin, id, &form.name)
        .await
    {
        Ok(()) => Redirect::to(&format!("{PAGE_PATH}?done=renamed")).into_response(),
        Err(e) => PageError(req.state, e).into_response(),
    }
}

/// `POST /settings/passkeys/{id}/remove`.
async fn remove(
    req: UiRequest,
    Path(id): Path<PasskeyId>,
    Submitted(_): Submitted<Fields>,
) -> Response {
    match req
        .app()
        .remove_passkey(&req.session.who.actor, &req.origin, id)
        .await
    {
        Ok(()) => Redirect::to(&format!("{PAGE_PATH}?done=removed")).into_response(),
        Err(e) => PageError(req.state, e).into_response(),
    }
}

/// `POST /login/passkey/start`: options for `navigator.credentials.get`.
async fn sign_in_start(
    State(state): State<AppState>,
    ScriptSubmitted(_): ScriptSubmitted<Value>,
) -> Response {
    match state.app.start_passkey_sign_in().await {
        Ok(c) => ceremony_json(c),
        Err(e) => json_app_error(e),
    }
}

/// `POST /login/passkey/finish`: the device's answer; a session cookie and where to go.
async fn sign_in_finish(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    ScriptSubmitted(finish): ScriptSubmitted<Finish>,
) -> Response {
    let signed = match state
        .app
        .finish_passkey_sign_in(&origin, &finish.ceremony, &finish.credential)
        .await
    {
        Ok(s) => s,
        Err(e) => return json_app_error(e),
    };
    let response = Json(json!({ "redirect": first_page(&signed) })).into_response();
    with_session(&state, &signed.token, response)
}
