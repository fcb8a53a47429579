//! The NetSchool web API (`/webapi/…`), byte for byte as the public clients expect it.

mod announcements;
mod attachments;
mod auth;
mod dates;
mod diary;
mod dto;
mod esia;
pub(crate) mod input;
mod mail;
mod progress;
mod reports;
mod school;

use crate::routes::Routes;
use axum::Json;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use sgo_app::AppError;
use sgo_app::session::Authenticated;

use crate::AppState;
use crate::cookies;

/// The pre-login and session cookie of NetSchool.
pub(crate) const NS_COOKIE: &str = "NSSESSIONID";

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route("/logindata", get(auth::logindata))
        .route("/auth/getdata", post(auth::getdata))
        .route("/login", post(auth::login))
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/auth/login-state", post(esia::login_state))
        .route("/sso/esia/crosslogin", get(esia::crosslogin))
        .route("/sso/esia/account-info", get(esia::account_info))
        .route("/schools/search", get(school::search))
        .route("/schools/{id}/card", get(school::card))
        .route("/context", get(school::context))
        .route("/context/expired", get(auth::expired))
        .route("/years/current", get(school::current_year))
        .route("/years", get(school::years))
        .route("/grade/assignment/types", get(school::assignment_types))
        .route("/student/diary/init", get(diary::init))
        .route("/student/diary", get(diary::week))
        .route("/student/diary/pastMandatory", get(diary::past_mandatory))
        .merge(attachments::routes())
        .merge(progress::routes())
        .merge(announcements::routes())
        .merge(mail::routes())
        .merge(reports::routes())
        .fallback(|| async { ApiError(StatusCode::NOT_FOUND, msg!("api-method-not-found")) })
}

/// An error as the clients read it: a status and `{"message": …}`, never a redirect.
pub(crate) struct ApiError(pub StatusCode, pub sgo_app::Message);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (
            self.0,
            Json(serde_json::json!({ "message": self.1.to_string() })),
        )
            .into_response();
        // A 429 comes only from the per-account rates, whose window ends on the minute.
        if self.0 == StatusCode::TOO_MANY_REQUESTS {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                sgo_app::rate::retry_after_now().into(),
            );
        }
        response
    }
}

impl From<input::Refused> for ApiError {
    fn from(r: input::Refused) -> Self {
        ApiError(StatusCode::BAD_REQUEST, r.0)
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        // Clients treat 409 on login as "refused" and read the message.
        let status = crate::error_status::status_of(&e, StatusCode::CONFLICT, "webapi");
        ApiError(status, e.message())
    }
}

/// The NetSchool session token of the `at` header, when there is one.
pub(crate) fn at_header(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get("at")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
}

/// A signed-in NetSchool client: the `at` header, or else a NSSESSIONID bound at login.
pub(crate) struct ApiSession(pub Authenticated);

impl FromRequestParts<AppState> for ApiSession {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let result = match (at_header(parts), cookies::get(&parts.headers, NS_COOKIE)) {
            (Some(at), _) => state.app.authenticate_token(at).await,
            (None, Some(cookie)) => state.app.authenticate_cookie(&cookie).await,
            (None, None) => Err(AppError::Unauthenticated),
        };
        result.map(ApiSession).map_err(ApiError::from)
    }
}
