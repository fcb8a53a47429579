//! JSON requests a page's script sends (the passkey ceremonies): the page's token travels as the
//! `csrf` member of the body, and refusals come back as `{"message": …}` for the script to show.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::AppState;
use crate::ui::check_csrf;

/// A script's JSON request whose token matched, read into `T`.
pub(crate) struct ScriptSubmitted<T>(pub T);

fn refuse(status: StatusCode, message: sgo_app::Message) -> Response {
    (status, Json(json!({ "message": message.to_string() }))).into_response()
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for ScriptSubmitted<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let headers = request.headers().clone();
        let body = Bytes::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let malformed = || refuse(StatusCode::BAD_REQUEST, msg!("request-invalid"));
        let value: Value = serde_json::from_slice(&body).map_err(|_| malformed())?;
        if !check_csrf(&headers, value["csrf"].as_str()) {
            return Err(refuse(
                StatusCode::FORBIDDEN,
                msg!("form-page-expired-retry"),
            ));
        }
        serde_json::from_value(value)
            .map(ScriptSubmitted)
            .map_err(|_| malformed())
    }
}
