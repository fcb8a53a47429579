//! URL-encoded page forms.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use sgo_app::AppError;

use super::Fields;
use crate::AppState;
use crate::ui::{PageError, check_csrf};
use crate::upload::STALE_FORM;

/// A page form whose token matched, read into `T`.
pub(crate) struct Submitted<T>(pub T);

/// A form the journal grid sends by script: refusals come back as `{"error": …}`.
pub(crate) struct CellSubmitted<T>(pub T);

/// Why a form was refused, before any use case saw it.
pub(crate) struct Refused(pub StatusCode, pub sgo_app::Message);

impl Refused {
    /// As an error page.
    pub fn page(self, state: &AppState) -> Response {
        let mut r = PageError(state.clone(), AppError::BadRequest(self.1)).into_response();
        *r.status_mut() = self.0;
        r
    }

    /// As the journal grid's JSON: the grid tells only that the page must be reloaded.
    pub fn json(self) -> Response {
        let text = msg!("form-page-expired").to_string();
        (
            StatusCode::FORBIDDEN,
            axum::Json(serde_json::json!({ "error": text })),
        )
            .into_response()
    }
}

/// The framework's own refusal of the body (over the limit, cut off) is rewritten in Russian by
/// `rejections.rs`, as for every other extractor.
pub(super) async fn read_form<T: DeserializeOwned>(
    request: Request,
    state: &AppState,
) -> Result<Result<T, Refused>, Response> {
    let headers: HeaderMap = request.headers().clone();
    let body = Bytes::from_request(request, state)
        .await
        .map_err(IntoResponse::into_response)?;
    Ok(check_and_read(&headers, &body))
}

/// Parses, checks the token, then reads the typed form.
pub(super) fn check_and_read<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: &[u8],
) -> Result<T, Refused> {
    let fields = Fields::parse(body).ok_or_else(malformed)?;
    checked(headers, fields)?.read().map_err(|e| {
        Refused(
            StatusCode::BAD_REQUEST,
            msg!("form-fields-invalid", detail = e.to_string()),
        )
    })
}

/// The fields, if their token is the one this browser's session (or cookie) calls for.
pub(super) fn checked(headers: &HeaderMap, fields: Fields) -> Result<Fields, Refused> {
    if check_csrf(headers, Some(fields.get("csrf"))) {
        Ok(fields)
    } else {
        Err(Refused(StatusCode::FORBIDDEN, STALE_FORM))
    }
}

pub(super) fn malformed() -> Refused {
    Refused(StatusCode::BAD_REQUEST, msg!("form-malformed"))
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for Submitted<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        match read_form(request, state).await? {
            Ok(form) => Ok(Submitted(form)),
            Err(refused) => Err(refused.page(state)),
        }
    }
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for CellSubmitted<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        match read_form(request, state).await? {
            Ok(form) => Ok(CellSubmitted(form)),
            Err(refused) => Err(refused.json()),
        }
    }
}
