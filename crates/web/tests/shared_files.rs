//! Several `sgo serve` nodes on one PostgreSQL database share nothing else (issue 18): a file
//! uploaded through one node downloads byte for byte through another, over the NetSchool API
//! and the pages alike. Before file contents moved into the database, the second node answered
//! 404 ("uploaded on node A, 404 on node B"). Neither node here has a files directory.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use sgo_app::{App, Engine, Role};
use sgo_testkit::{World, multipart, tempdir};
use tower::ServiceExt;

/// Another node: its own connection pool to the same database, its own (never created) files
/// directory, its own application and router.
async fn second_node(w: &World) -> (Router, tempdir::Dir) {
    let url = w.db.database_url.clone().unwrap();
    let dir = tempdir::Dir::new();
    let store =
        sgo_app::connect_store(Some(&url), &dir.path.join("unused.db"), &Default::default())
            .await
            .unwrap();
    let mut settings = w.app.settings().clone();
    settings.files_dir = dir.path.join("files");
    let app = App::new(store, w.app.key().clone(), settings, w.clock.clone());
    (sgo_web::router(app, w.web.clone()), dir)
}

async fn send(router: &Router, req: Request<Body>) -> (StatusCode, Vec<u8>, String) {
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let length = res
        .headers()
        .get(header::CONTENT_LENGTH)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = axum::body::to_bytes(res.into_body(), 64 << 20)
        .await
        .unwrap()
        .to_vec();
    (status, body, length)
}

/// `POST webapi/attachments` on a node; answers the file's GUID.
async fn upload(router: &Router, at: &str, name: &str, bytes: &[u8]) -> String {
    let (content_type, body) = multipart(&[("description", "")], &[("file", name, bytes)]);
    let req = Request::post("/webapi/attachments")
        .header("at", at)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap();
    let (status, body, _) = send(router, req).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    serde_json::from_slice::<String>(&body).unwrap()
}

async fn api_download(router: &Router, at: &str, id: i64) -> (StatusCode, Vec<u8>, String) {
    let req = Request::get(format!("/webapi/attachments/{id}"))
        .header("at", at)
        .body(Body::empty())
        .unwrap();
    send(router, req).await
}

async fn page_download(router: &Router, cookie: &str, id: i64) -> (StatusCode, Vec<u8>, String) {
    let req = Request::get(format!("/files/{id}"))
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    send(router, req).await
}

/// Bytes spanning several chunks of the database store, none alike.
fn contents(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + i / 251) as u8).collect()
}

#[tokio::test]
async fn a_file_uploaded_on_one_node_downloads_on_another() {
    let w = World::build(Engine::Postgres).start().await;
    let (node_b, b_dir) = second_node(&w).await;
    let node_a = w.router.clone();
    let teacher = w.first(Role::Teacher, w.admin().organization_id);
    let at = w.token(&teacher).await;
    let cookie = w.cookie_for_token(&at);

    // Uploaded on A, downloaded on B, through the API and the page.
    let sent = contents(3 * sgo_store::FILE_CHUNK_BYTES + 1234);
    let guid = upload(&node_a, &at, "Презентация.pdf", &sent).await;
    let id = w.store().file_by_guid(&guid).await.unwrap().unwrap().id;
    let (status, got, length) = api_download(&node_b, &at, id).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(length, sent.len().to_string());
    assert!(
        got == sent,
        "node B sent other bytes ({} of {})",
        got.len(),
        sent.len()
    );
    let (status, got, _) = page_download(&node_b, &cookie, id).await;
    assert_eq!(status, StatusCode::OK);
    assert!(got == sent, "the page on node B sent other bytes");

    // And the other way round.
    let other = contents(1000);
    let guid = upload(&node_b, &at, "План.txt", &other).await;
    let id = w.store().file_by_guid(&guid).await.unwrap().unwrap().id;
    let (status, got, _) = api_download(&node_a, &at, id).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(got, other);

    // Authorisation is the same on every node: another person gets 404 on B too.
    let student = w.first(Role::Student, w.admin().organization_id);
    let other_at = w.token(&student).await;
    assert_eq!(
        api_download(&node_b, &other_at, id).await.0,
        StatusCode::NOT_FOUND
    );

    // Nothing was kept on either node's disk.
    assert!(
        !w.files_dir.path.exists(),
        "node A wrote to its files directory"
    );
    assert!(!b_dir.path.exists(), "node B wrote to its files directory");
}
