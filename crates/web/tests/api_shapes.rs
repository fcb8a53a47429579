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
    ("/api/v1/openapi.json", &["openapi_document"]),
    ("/api/v1/me", &["me", "problem_unauthorized"]),
    (
        "/api/v1/students/{id}/diary",
        &["diary_week", "problem_scope"],
    ),
    ("/api/v1/students/{id}/timetable", &["timetable"]),
    ("/api/v1/students/{id}/marks", &["marks"]),
    (
        "/api/v1/students/{id}/overdue",
        &["overdue", "problem_page_size"],
    ),
    (
        "/api/v1/students/{id}/assignments/{assignment}",
        &["assignment"],
    ),
    ("/api/v1/announcements", &["announcements"]),
    ("/api/v1/mail/folders", &["mail_folders"]),
    ("/api/v1/mail/folders/{folder}/messages", &["mail_folder"]),
    ("/api/v1/mail/messages", &["mail_sent"]),
    ("/api/v1/mail/messages/{id}", &["mail_message"]),
    ("/api/v1/mail/recipients", &["mail_recipients"]),
    ("/api/v1/mail/attachments", &["mail_attachment"]),
    ("/api/v1/files/{id}", &["file_download"]),
    ("/api/v1/calendar", &["calendar"]),
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
                        (
                            "id" | "organization_id" | "lesson_id" | "assignment_id" | "period_id",
                            _,
                        ) => json!("[id]"),
                        ("token", _) => json!("[token]"),
                        // The calendar feed's address carries its secret.
                        ("url", Value::String(u)) => json!(format!(
                            "{}/calendar/[secret].ics",
                            u.split("/calendar/").next().unwrap_or_default()
                        )),
                        (
                            "created_at" | "last_used_at" | "expires_at" | "set_at" | "sent_at"
                            | "posted_at" | "updated_at",
                            _,
                        ) => {
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

/// The first `n` items of every list under `key`, anywhere in `v`: enough to show the shape.
fn first(mut v: Value, key: &str, n: usize) -> Value {
    fn walk(v: &mut Value, key: &str, n: usize) {
        match v {
            Value::Object(map) => {
                for (k, item) in map.iter_mut() {
                    if let (true, Value::Array(items)) = (k == key, &mut *item) {
                        items.truncate(n);
                    }
                    walk(item, key, n);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|i| walk(i, key, n)),
            _ => {}
        }
    }
    walk(&mut v, key, n);
    v
}

#[tokio::test]
async fn every_reading_and_mail_shape() {
    let w = world(Engine::Sqlite, 1).await;
    let org = w.admin().organization_id;
    let student = w.first(Role::Student, org);
    let id = w.id_of(&student).await;
    let all = format!("Bearer {}", w.api_token(&student, &ApiScope::ALL).await);
    let auth = [("authorization", all.as_str())];
    let get = |uri: String| {
        let w = &w;
        let auth = &auth;
        async move { answer(w, Method::GET, &uri, auth, None).await }
    };
    insta::assert_json_snapshot!(
        "openapi_document",
        w.get_anonymous("/api/v1/openapi.json").await.json()
    );
    let monday = sgo_core::calendar::week_start(sgo_testkit::today());
    insta::assert_json_snapshot!(
        "timetable",
        first(
            get(format!("/api/v1/students/{id}/timetable?from={monday}")).await,
            "days",
            2
        )
    );
    let marks = get(format!("/api/v1/students/{id}/marks")).await;
    insta::assert_json_snapshot!("marks", first(first(marks, "subjects", 2), "marks", 2));
    insta::assert_json_snapshot!(
        "overdue",
        get(format!("/api/v1/students/{id}/overdue?per_page=2")).await
    );
    insta::assert_json_snapshot!(
        "problem_page_size",
        get(format!("/api/v1/students/{id}/overdue?per_page=1000")).await
    );
    // Homework with a file, then its card and the file's bytes.
    let week = w.this_week(id).await;
    let mut file = sgo_app::files::Upload::from_bytes("задание.txt", "Решить 5 задач");
    file.description = "Условия".into();
    let (_, homework) = w.give_homework(&week, "Упражнения", vec![file]).await;
    let card = get(format!("/api/v1/students/{id}/assignments/{homework}")).await;
    insta::assert_json_snapshot!("assignment", card);
    let file_id = w
        .call(
            Method::GET,
            &format!("/api/v1/students/{id}/assignments/{homework}"),
            &auth,
            None,
        )
        .await
        .json()["attachments"][0]["id"]
        .as_i64()
        .unwrap();
    let res = w
        .call(
            Method::GET,
            &format!("/api/v1/files/{file_id}"),
            &auth,
            None,
        )
        .await;
    insta::assert_json_snapshot!(
        "file_download",
        json!({
            "status": res.status.as_u16(),
            "content_type": res.header("content-type"),
            "content_disposition": res.header("content-disposition"),
            "body": res.text(),
        })
    );
    insta::assert_json_snapshot!(
        "announcements",
        first(
            get("/api/v1/announcements?per_page=1".into()).await,
            "attachments",
            1
        )
    );
    // Mail: a file, a message with it to a teacher, the folders and the message as read.
    let (content_type, body) = sgo_testkit::multipart(
        &[("description", "Фото")],
        &[("file", "справка.txt", b"ok")],
    );
    let req = axum::http::Request::post("/api/v1/mail/attachments")
        .header("authorization", &all)
        .header("content-type", content_type)
        .body(axum::body::Body::from(body))
        .unwrap();
    let res = w.send(req).await;
    let uploaded = res.json();
    insta::assert_json_snapshot!(
        "mail_attachment",
        json!({"status": res.status.as_u16(), "body": stable(uploaded.clone())})
    );
    let recipients = get("/api/v1/mail/recipients".into()).await;
    let teacher = recipients["body"]
        .as_array()
        .unwrap()
        .iter()
        .position(|r| r["group"] == "Учителя")
        .unwrap();
    let raw = w
        .call(Method::GET, "/api/v1/mail/recipients", &auth, None)
        .await
        .json();
    let teacher_id = raw[teacher]["id"].as_i64().unwrap();
    insta::assert_json_snapshot!("mail_recipients", first(recipients, "body", 2));
    let sent = answer(
        &w,
        Method::POST,
        "/api/v1/mail/messages",
        &auth,
        Some(json!({
            "to": [teacher_id],
            "subject": "Справка",
            "text": "Здравствуйте!\nСправка во вложении.",
            "attachments": [uploaded["id"]],
        })),
    )
    .await;
    insta::assert_json_snapshot!("mail_sent", sent);
    insta::assert_json_snapshot!("calendar", get("/api/v1/calendar".into()).await);
    insta::assert_json_snapshot!("mail_folders", get("/api/v1/mail/folders".into()).await);
    let page = get("/api/v1/mail/folders/sent/messages?per_page=1".into()).await;
    insta::assert_json_snapshot!("mail_folder", page);
    let raw_page = w
        .call(
            Method::GET,
            "/api/v1/mail/folders/sent/messages?per_page=1",
            &auth,
            None,
        )
        .await
        .json();
    let message = raw_page["items"][0]["id"].as_i64().unwrap();
    insta::assert_json_snapshot!(
        "mail_message",
        get(format!("/api/v1/mail/messages/{message}")).await
    );
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
