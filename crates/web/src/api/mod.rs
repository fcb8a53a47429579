//! The open API (`/api/v1/…`): English field names, ISO 8601 times, errors as problem
//! documents, tokens with scopes (docs/api.md).

mod announcements;
mod calendar;
mod caller;
mod diary;
mod dto;
mod files;
mod mail;
mod me;
mod openapi;
mod problem;
mod progress;
mod timetable;
mod tokens;

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::{delete, get, post};

use crate::routes::Routes;
use crate::upload::UPLOAD_BODY_LIMIT;
use problem::Problem;
pub(crate) use problem::problem_response;

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route("/openapi.json", get(openapi::openapi_json))
        .route("/me", get(me::me))
        .route("/students/{id}/diary", get(diary::week))
        .route("/students/{id}/timetable", get(timetable::timetable))
        .route("/students/{id}/marks", get(progress::marks))
        .route("/students/{id}/overdue", get(progress::overdue))
        .route(
            "/students/{id}/assignments/{assignment}",
            get(progress::assignment),
        )
        .route("/announcements", get(announcements::list))
        .route("/mail/folders", get(mail::folders))
        .route("/mail/folders/{folder}/messages", get(mail::folder))
        .route("/mail/messages", post(mail::send))
        .route("/mail/messages/{id}", get(mail::message))
        .route("/mail/recipients", get(mail::recipients))
        .route(
            "/mail/attachments",
            post(mail::upload).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route("/files/{id}", get(files::download))
        .route("/calendar", get(calendar::calendar))
        .route("/tokens", get(tokens::list).post(tokens::create))
        .route("/tokens/{id}", delete(tokens::revoke))
        .fallback(|| async { Problem::new(StatusCode::NOT_FOUND, msg!("api-method-not-found")) })
}
