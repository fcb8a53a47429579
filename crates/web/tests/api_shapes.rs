//! Snapshots of every open API (`/api/v1/…`) response shape, so that a renamed field or a changed
//! date format fails a test: scripts parse these bytes. One demo school on SQLite with the fixed
//! test day. Ids, secrets and moments that move from run to run are replaced by their kind
//! (`[id]`, `[token]`, `[time]`) before the snapshot, keeping every field visible.
//!
//! Review a new or changed shape with
//! `INSTA_UPDATE=always cargo nextest run --workspace --test api_shapes` and `git diff`.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use axum::http::Method;
use serde_json::{Value, json};
use sgo_app::{Engine, Role};
use sgo_core::api_scope::ApiScope;
use sgo_testkit::{World, world};

/// Every `/api/v1` route and the snapshots that show its answers.
const SNAPSHOTS: &[(&str, &[&str])] = &[
    ("/api/v1/openapi.json", &[]),
    ("/api/v1/me", &["me", "problem_unauthorized"]),
    (
        "/api/v1/students/{id}/diary",
        &["diary_week", "problem_scope"],
    ),
    (
        "/api/v1/tokens",
        &["tokens_list", "token_issued", "problem_bad_request"],
    ),
    ("/api/v1/tokens/{id}", &["token_revoked"]),
];

/// Ids, secrets and moments replaced by their kind.
fn stable(v: Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let v = match (k.as_str(), &v) {
                        (_, Value::Null) => v,
                        ("id" | "organization_id", _) => json!("[id]"),
                        ("token", _) => json!("[token]"),
                        ("created_at" | "last_used_at" | "expires_at" | "set_at", _) => {
                            json!("[time]")
                        }
                        _ => stable(v),
                    };
                    (k, v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(stable).collect()),
        other => other,
    }
}

/// The status, content type and stable body of an answer.
async fn answer(
    w: &World,
    method: Method,
    uri: &str,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> Value {
    let res = w.call(method, uri, headers, body).await;
    json!({
        "status": res.status.as_u16(),
        "content_type": res.header("content-type"),
        "body": stable(res.json_or_null()),
    })
}

#[tokio::test]
async fn every_api_response_shape() {
    let w = world(Engine::Sqlite, 1).await;
    let student = w.first(Role::Student, w.admin().organization_id);
    let id = w.id_of(&student).await;
    let at = w.token(&student).await;
    let all = format!("Bearer {}", w.api_token(&student, &ApiScope::ALL).await);
    let events = format!(
        "Bearer {}",
        w.api_token(&student, &[ApiScope::EventsRead]).await
    );
    let get = |uri: String, auth: String| {
        let w = &w;
        async move { answer(w, Method::GET, &uri, &[("authorization", &auth)], None).await }
    };
    insta::assert_json_snapshot!("me", get("/api/v1/me".into(), all.clone()).await);
    insta::assert_json_snapshot!(
        "problem_unauthorized",
        get("/api/v1/me".into(), "Bearer sgo_nothing".into()).await
    );
    let week = format!(
        "/api/v1/students/{id}/diary?week_start={}",
        sgo_testkit::today()
    );
    insta::assert_json_snapshot!("diary_week", get(week.clone(), all.clone()).await);
    insta::assert_json_snapshot!("problem_scope", get(week, events).await);
    let made = answer(
        &w,
        Method::POST,
        "/api/v1/tokens",
        &[("at", &at)],
        Some(
            json!({"name": "Бот", "scopes": ["diary:read", "events:read"], "expires_in_days": 30}),
        ),
    )
    .await;
    insta::assert_json_snapshot!("token_issued", made);
    let bad = answer(
        &w,
        Method::POST,
        "/api/v1/tokens",
        &[("at", &at)],
        Some(json!({"name": "Бот", "scopes": ["diary:write"]})),
    )
    .await;
    insta::assert_json_snapshot!("problem_bad_request", bad);
    let list = answer(&w, Method::GET, "/api/v1/tokens", &[("at", &at)], None).await;
    insta::assert_json_snapshot!("tokens_list", list);
    let newest = w.store().api_tokens_of(id).await.unwrap()[0].id;
    let revoked = answer(
        &w,
        Method::DELETE,
        &format!("/api/v1/tokens/{newest}"),
        &[("at", &at)],
        None,
    )
    .await;
    insta::assert_json_snapshot!("token_revoked", revoked);
}

#[test]
fn every_api_route_has_a_snapshot() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    for path in sgo_web::route_paths()
        .iter()
        .filter(|p| p.starts_with("/api/v1/"))
    {
        let entry = SNAPSHOTS.iter().find(|(p, _)| p == path);
        let (_, names) = entry.unwrap_or_else(|| panic!("{path} has no entry in SNAPSHOTS"));
        for name in *names {
            let file = dir.join(format!("api_shapes__{name}.snap"));
            assert!(file.exists(), "{} is missing", file.display());
        }
    }
}
