//! The open API (`/api/v1/…`): English field names, ISO 8601 times, errors as problem
//! documents, tokens with scopes (docs/api.md).

mod caller;
mod diary;
mod me;
mod openapi;
mod problem;
mod tokens;

use axum::http::StatusCode;
use axum::routing::{delete, get};

use crate::routes::Routes;
use problem::Problem;
pub(crate) use problem::problem_response;

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route("/openapi.json", get(openapi::openapi_json))
        .route("/me", get(me::me))
        .route("/students/{id}/diary", get(diary::week))
        .route("/tokens", get(tokens::list).post(tokens::create))
        .route("/tokens/{id}", delete(tokens::revoke))
        .fallback(|| async { Problem::new(StatusCode::NOT_FOUND, msg!("api-method-not-found")) })
}
