//! The open API's OpenAPI 3.1 document, generated from the handlers and their types, served at
//! `/api/v1/openapi.json`.

use axum::Json;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "SGO open API",
        version = "1",
        description = "Дневник, оценки, почта и события для собственных программ семей. Ключи доступа: docs/api.md."
    ),
    paths(
        super::me::me,
        super::diary::week,
        super::timetable::timetable,
        super::progress::marks,
        super::progress::overdue,
        super::progress::assignment,
        super::announcements::list,
        super::mail::folders,
        super::mail::folder,
        super::mail::message,
        super::mail::recipients,
        super::mail::upload,
        super::mail::send,
        super::files::download,
        super::calendar::calendar,
        super::tokens::list,
        super::tokens::create,
        super::tokens::revoke,
    ),
    modifiers(&Schemes, &CommonAnswers)
)]
struct ApiDoc;

/// The two ways in: a token (`Authorization: Bearer`), and for managing tokens the NetSchool
/// session header `at`.
struct Schemes;

impl Modify for Schemes {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "netschool_at",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("at"))),
        );
    }
}

/// Answers every operation may give, said once here rather than on each handler: with a token,
/// 401 (no valid token) and 429 (the token's requests per minute); with parameters or a body,
/// 400 (a malformed one, e.g. an id beyond 64 bits, refused before the handler).
struct CommonAnswers;

/// A problem document answer described as `description`.
fn problem(description: &str) -> utoipa::openapi::Response {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
}

impl Modify for CommonAnswers {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::header::HeaderBuilder;
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        let header = |description: &str, kind: Type| {
            HeaderBuilder::new()
                .schema(ObjectBuilder::new().schema_type(kind))
                .description(Some(description))
                .build()
        };
        let mut unauthorized =
            problem("No valid token: none, or an unknown, revoked or expired one");
        unauthorized.headers.insert(
            "WWW-Authenticate".to_owned(),
            header("Always `Bearer`", Type::String),
        );
        let mut limited = problem("Too many requests with this token this minute");
        limited.headers.insert(
            "Retry-After".to_owned(),
            header("Seconds until the next minute's allowance", Type::Integer),
        );
        let malformed = problem("A malformed parameter or body");
        for item in doc.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.delete,
                &mut item.patch,
            ];
            for op in operations.into_iter().flatten() {
                let bearer = op
                    .security
                    .iter()
                    .flatten()
                    .any(|r| serde_json::to_value(r).is_ok_and(|v| v.get("bearer").is_some()));
                let takes_input = op.request_body.is_some()
                    || op.parameters.as_ref().is_some_and(|p| !p.is_empty());
                let responses = &mut op.responses.responses;
                let mut add = |status: &str, answer: &utoipa::openapi::Response| {
                    responses
                        .entry(status.to_owned())
                        .or_insert_with(|| answer.clone().into());
                };
                if bearer {
                    add("401", &unauthorized);
                    add("429", &limited);
                }
                if takes_input {
                    add("400", &malformed);
                }
            }
        }
    }
}

/// The document.
pub(crate) fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// `GET /api/v1/openapi.json`.
pub(crate) async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(document())
}
