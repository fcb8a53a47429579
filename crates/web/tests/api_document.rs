//! The open API's OpenAPI document: served to anyone, OpenAPI 3.1, and describing every route of
//! `/api/v1` the router serves, with the methods it serves them with.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use axum::http::StatusCode;
use sgo_app::Engine;
use sgo_testkit::world;

#[tokio::test]
async fn the_document_describes_every_route_of_the_api() {
    let w = world(Engine::Sqlite, 1).await;
    let res = w.get_anonymous("/api/v1/openapi.json").await;
    assert_eq!(res.status, StatusCode::OK);
    let doc = res.json();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    let paths = doc["paths"].as_object().unwrap();
    let served: Vec<String> = sgo_web::route_paths()
        .into_iter()
        .filter(|p| p.starts_with("/api/v1/") && p != "/api/v1/openapi.json")
        .collect();
    assert!(served.len() >= 4);
    for path in &served {
        assert!(paths.contains_key(path), "{path} is not in the document");
    }
    for path in paths.keys() {
        assert!(
            served.contains(path),
            "the document names {path}, which is not served"
        );
    }
    // Tokens are made with POST and revoked with DELETE, as documented.
    assert!(paths["/api/v1/tokens"].get("post").is_some());
    assert!(paths["/api/v1/tokens/{id}"].get("delete").is_some());
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    assert_eq!(schemes["netschool_at"]["name"], "at");
}
