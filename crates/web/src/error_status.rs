//! The HTTP status of a use case's refusal or failure, one table for every door (pages, the
//! NetSchool API, the open API).

use axum::http::StatusCode;
use sgo_app::AppError;

/// The status of `e`; a failed sign-in answers `sign_in_refused`, which differs by door (the
/// NetSchool clients read 409 as «refused»). Failures of ours are logged here, naming `door`.
pub(crate) fn status_of(e: &AppError, sign_in_refused: StatusCode, door: &str) -> StatusCode {
    match e {
        AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
        AppError::InvalidCredentials | AppError::LoginRefused(_) => sign_in_refused,
        AppError::Forbidden => StatusCode::FORBIDDEN,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
        AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
        AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Store(inner) => {
            tracing::error!(error = %inner, door, "store failure");
            StatusCode::INTERNAL_SERVER_ERROR
        }
        AppError::Auth(inner) => {
            tracing::error!(error = %inner, door, "auth failure");
            StatusCode::INTERNAL_SERVER_ERROR
        }
        AppError::Report(inner) => {
            tracing::error!(error = %inner, door, "document failure");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}
