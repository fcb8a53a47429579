//! Errors of the open API as RFC 9457 problem documents (`application/problem+json`), with the
//! message in the person's language.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use sgo_app::{AppError, Message};

/// A problem document: the status and what went wrong.
#[derive(Debug)]
pub(crate) struct Problem {
    pub status: StatusCode,
    pub detail: Message,
    /// Seconds to wait, for a 429.
    pub retry_after: Option<u64>,
}

/// RFC 9457 problem document.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Problem)]
pub(crate) struct Body<'a> {
    /// Always `about:blank`: the status says what kind of problem it is.
    #[serde(rename = "type")]
    kind: &'a str,
    /// The status's reason phrase.
    title: &'a str,
    /// The HTTP status.
    status: u16,
    /// What went wrong, in the person's language.
    detail: String,
}

impl Problem {
    /// A problem with a status and a catalogue message.
    pub(crate) fn new(status: StatusCode, detail: Message) -> Problem {
        Problem {
            status,
            detail,
            retry_after: None,
        }
    }

    /// 400 with what is wrong in the request.
    pub(crate) fn bad_request(detail: Message) -> Problem {
        Problem::new(StatusCode::BAD_REQUEST, detail)
    }

    /// 403 for a token without the scope an operation needs.
    pub(crate) fn scope_missing(scope: sgo_core::api_scope::ApiScope) -> Problem {
        Problem::new(
            StatusCode::FORBIDDEN,
            msg!("api-scope-missing", scope = scope.code()),
        )
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        problem_response(self.status, &self.detail.to_string(), self.retry_after)
    }
}

/// A problem document answer: also for the framework's own refusals on `/api/` paths.
pub(crate) fn problem_response(
    status: StatusCode,
    detail: &str,
    retry_after: Option<u64>,
) -> Response {
    let body = Body {
        kind: "about:blank",
        title: status.canonical_reason().unwrap_or("Error"),
        status: status.as_u16(),
        detail: detail.to_owned(),
    };
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    let mut response = (status, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    if status == StatusCode::UNAUTHORIZED {
        headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    if let Some(seconds) = retry_after {
        headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

impl From<AppError> for Problem {
    fn from(e: AppError) -> Problem {
        let status = crate::error_status::status_of(&e, StatusCode::UNAUTHORIZED, "open API");
        let retry_after = match &e {
            AppError::TooManyRequests { retry_after, .. } => Some((*retry_after).max(1)),
            _ => None,
        };
        Problem {
            status,
            detail: e.message(),
            retry_after,
        }
    }
}
