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
    paths(super::me::me, super::diary::week, super::tokens::list, super::tokens::create, super::tokens::revoke),
    modifiers(&Schemes)
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

/// The document.
pub(crate) fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// `GET /api/v1/openapi.json`.
pub(crate) async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(document())
}
