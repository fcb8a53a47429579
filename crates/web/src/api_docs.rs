//! `/api/docs`: the open API's reference page (Swagger UI from the `utoipa-swagger-ui` crate's
//! vendored copy, compiled into the binary: nothing is fetched at build or run time), reading
//! `/api/v1/openapi.json`.

use std::sync::{Arc, LazyLock};

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use utoipa_swagger_ui::Config;

use crate::routes::Routes;

/// Where the page reads the document from.
const DOCUMENT: &str = "/api/v1/openapi.json";

static CONFIG: LazyLock<Arc<Config<'static>>> = LazyLock::new(|| {
    Arc::new(
        Config::from(DOCUMENT)
            .try_it_out_enabled(false)
            .display_request_duration(true),
    )
});

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route(
            "/api/docs",
            get(|| async { Redirect::permanent("/api/docs/") }),
        )
        .route("/api/docs/", get(|| async { file("") }))
        .route(
            "/api/docs/{*file}",
            get(|Path(name): Path<String>| async move { file(&name) }),
        )
}

/// One file of the page. Scripts and styles are the same for everyone, so cached like the
/// portal's static files; the page itself carries the headers of every page (its policy
/// allows only the portal's own scripts, which is all Swagger UI needs here).
fn file(name: &str) -> Response {
    match utoipa_swagger_ui::serve(name, CONFIG.clone()) {
        Ok(Some(found)) => {
            let page = found.content_type.starts_with("text/html");
            let mut response = (
                [(header::CONTENT_TYPE, found.content_type)],
                found.bytes.into_owned(),
            )
                .into_response();
            if !page {
                response.headers_mut().insert(
                    header::CACHE_CONTROL,
                    header::HeaderValue::from_static("public, max-age=3600"),
                );
            }
            response
        }
        Ok(None) => (StatusCode::NOT_FOUND, "Нет такого файла").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "the API reference page could not be served");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
