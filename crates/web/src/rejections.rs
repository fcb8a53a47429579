//! The framework's own refusals (a body that is not JSON, a query that does not parse, a body
//! over the limit, a WebSocket request that is not one) come as short English plain text. People
//! and NetSchool clients read Russian: the refusal keeps its status and gets a Russian message in
//! the shape of its surface (`{"message": …}` on the NetSchool API, a problem document on the
//! open API, a page elsewhere).
//!
//! Every message this crate writes itself is Russian, so a client-error plain-text body without a
//! Cyrillic letter can only be the framework's; rewriting them here catches every extractor of
//! every route, the ones added later included.

use axum::Json;
use axum::body::{Body, HttpBody};
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::ui::{MessagePage, render};

/// Framework refusals are a sentence or two; anything longer is not one of them.
const LARGEST_REFUSAL: u64 = 4096;

/// Rewrites framework refusals in Russian.
pub(crate) async fn in_russian(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let api = path.starts_with("/webapi/");
    let open_api = path.starts_with("/api/");
    let response = next.run(request).await;
    let status = response.status();
    let plain_text = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/plain"));
    let short = response
        .body()
        .size_hint()
        .upper()
        .is_some_and(|n| n <= LARGEST_REFUSAL);
    if !status.is_client_error() || !plain_text || !short {
        return response;
    }
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, LARGEST_REFUSAL as usize)
        .await
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes);
    if text.chars().any(is_cyrillic) {
        return Response::from_parts(parts, Body::from(bytes));
    }
    tracing::debug!(status = %status, text = %text, "framework refusal answered in Russian");
    let message = russian(status, &text);
    if api {
        return (status, Json(serde_json::json!({ "message": message }))).into_response();
    }
    if open_api {
        return crate::api::problem_response(status, message, None);
    }
    let page = MessagePage {
        portal_name: &state.options.portal_name,
        title: "Ошибка",
        text: message,
        link: "/",
        link_text: "На главную",
    };
    (status, render(&page)).into_response()
}

fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{04FF}')
}

/// The Russian sentence for a refusal, by its status and, where one status covers several
/// causes, by the framework's wording.
fn russian(status: StatusCode, english: &str) -> &'static str {
    let starts = |prefix: &str| english.starts_with(prefix);
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => "Запрос слишком велик",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "Неподходящий тип содержимого запроса (Content-Type)",
        StatusCode::UNPROCESSABLE_ENTITY => {
            "Данные запроса не подходят: проверьте поля и их значения"
        }
        StatusCode::METHOD_NOT_ALLOWED => "Этот метод запроса здесь не поддерживается",
        StatusCode::NOT_FOUND => "Не найдено",
        StatusCode::UNAUTHORIZED => "Требуется вход",
        StatusCode::FORBIDDEN => "Доступ запрещён",
        StatusCode::BAD_REQUEST if starts("Failed to parse the request body as JSON") => {
            "Тело запроса не является правильным JSON"
        }
        StatusCode::BAD_REQUEST if starts("Failed to deserialize query string") => {
            "Неверные параметры запроса"
        }
        StatusCode::BAD_REQUEST if starts("Invalid URL") => "Неверный адрес запроса",
        StatusCode::BAD_REQUEST if starts("Failed to deserialize form") => "Неверный формат формы",
        StatusCode::BAD_REQUEST if english.contains("length limit") => "Запрос слишком велик",
        _ => "Неверный запрос",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_gets_a_russian_sentence() {
        for (status, english) in [
            (
                StatusCode::BAD_REQUEST,
                "Failed to parse the request body as JSON: expected value",
            ),
            (StatusCode::BAD_REQUEST, "Invalid URL: Cannot parse `x`"),
            (
                StatusCode::BAD_REQUEST,
                "Failed to deserialize query string",
            ),
            (StatusCode::BAD_REQUEST, "Something new"),
            (
                StatusCode::PAYLOAD_TOO_LARGE,
                "Failed to buffer the request body",
            ),
            (StatusCode::IM_A_TEAPOT, ""),
        ] {
            assert!(russian(status, english).chars().any(is_cyrillic));
        }
    }
}
