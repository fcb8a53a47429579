//! The open API's reading and mail operations through the real router, on both engines: each
//! needs its scope, lists come in pages, files are reached only through the scope of what they
//! belong to, and a message sent with a token arrives, with its attachment, in the recipient's
//! inbox.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use chrono::Duration;
use serde_json::{Value, json};
use sgo_app::{Engine, Role};
use sgo_core::api_scope::ApiScope;
use sgo_testkit::{Response, World, both_engines, multipart, today, world};

async fn get(w: &World, token: &str, uri: &str) -> Response {
    let auth = format!("Bearer {token}");
    w.call(Method::GET, uri, &[("authorization", &auth)], None)
        .await
}

async fn post(w: &World, token: &str, uri: &str, body: Value) -> Response {
    let auth = format!("Bearer {token}");
    w.call(Method::POST, uri, &[("authorization", &auth)], Some(body))
        .await
}

async fn upload(w: &World, token: &str, name: &str, bytes: &[u8]) -> Response {
    let (content_type, body) = multipart(&[], &[("file", name, bytes)]);
    let req = Request::post("/api/v1/mail/attachments")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", content_type)
        .body(Body::from(body))
        .unwrap();
    w.send(req).await
}

fn ok(res: &Response) -> Value {
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    res.json()
}

fn problem(res: &Response, status: StatusCode) {
    assert_eq!(res.status, status, "{}", res.text());
    assert_eq!(res.header("content-type"), "application/problem+json");
}

/// Every scope but `without`.
fn all_but(without: ApiScope) -> Vec<ApiScope> {
    ApiScope::ALL
        .into_iter()
        .filter(|s| *s != without)
        .collect()
}

async fn each_operation_needs_its_scope(engine: Engine) {
    let w = world(engine, 1).await;
    let student = w.first(Role::Student, w.admin().organization_id);
    let id = w.id_of(&student).await;
    let reads = [
        (
            format!("/api/v1/students/{id}/timetable"),
            ApiScope::DiaryRead,
        ),
        (
            format!("/api/v1/students/{id}/overdue"),
            ApiScope::DiaryRead,
        ),
        (format!("/api/v1/students/{id}/marks"), ApiScope::MarksRead),
        ("/api/v1/announcements".to_owned(), ApiScope::DiaryRead),
        ("/api/v1/mail/folders".to_owned(), ApiScope::MailRead),
        (
            "/api/v1/mail/folders/inbox/messages".to_owned(),
            ApiScope::MailRead,
        ),
        ("/api/v1/mail/recipients".to_owned(), ApiScope::MailSend),
    ];
    for (uri, scope) in &reads {
        let without = w.api_token(&student, &all_but(*scope)).await;
        problem(&get(&w, &without, uri).await, StatusCode::FORBIDDEN);
        let only = w.api_token(&student, &[*scope]).await;
        ok(&get(&w, &only, uri).await);
    }
    let no_send = w.api_token(&student, &all_but(ApiScope::MailSend)).await;
    let res = post(
        &w,
        &no_send,
        "/api/v1/mail/messages",
        json!({"to": [], "subject": "a", "text": "b"}),
    )
    .await;
    problem(&res, StatusCode::FORBIDDEN);
    problem(
        &upload(&w, &no_send, "a.txt", b"a").await,
        StatusCode::FORBIDDEN,
    );
    // A file needs a scope that reaches some kind of file.
    let events = w.api_token(&student, &[ApiScope::EventsRead]).await;
    problem(
        &get(&w, &events, "/api/v1/files/1").await,
        StatusCode::FORBIDDEN,
    );
    // Another student's marks stay closed whatever the token holds.
    let other = w
        .all(Role::Student, w.admin().organization_id)
        .into_iter()
        .find(|s| s.login != student.login)
        .unwrap();
    let theirs = w.api_token(&other, &ApiScope::ALL).await;
    problem(
        &get(&w, &theirs, &format!("/api/v1/students/{id}/marks")).await,
        StatusCode::FORBIDDEN,
    );
}

async fn marks_overdue_and_pages(engine: Engine) {
    let w = world(engine, 1).await;
    let student = w.first(Role::Student, w.admin().organization_id);
    let id = w.id_of(&student).await;
    let token = w.api_token(&student, &ApiScope::ALL).await;
    let marks = ok(&get(&w, &token, &format!("/api/v1/students/{id}/marks")).await);
    let periods = marks["periods"].as_array().unwrap();
    assert!(!periods.is_empty(), "{marks}");
    let subjects = marks["subjects"].as_array().unwrap();
    assert!(!subjects.is_empty());
    assert!(
        subjects
            .iter()
            .all(|s| s["period_marks"].as_array().unwrap().len() == periods.len()),
        "one period mark entry per period"
    );
    // Another period by id; an unknown one is a 404, a malformed one a 400.
    let first = periods[0]["id"].as_i64().unwrap();
    let res = ok(&get(
        &w,
        &token,
        &format!("/api/v1/students/{id}/marks?period_id={first}"),
    )
    .await);
    assert_eq!(res["period_id"], first);
    problem(
        &get(
            &w,
            &token,
            &format!("/api/v1/students/{id}/marks?period_id=999999"),
        )
        .await,
        StatusCode::NOT_FOUND,
    );
    problem(
        &get(
            &w,
            &token,
            &format!("/api/v1/students/{id}/marks?period_id=x"),
        )
        .await,
        StatusCode::BAD_REQUEST,
    );
    // Pages of the overdue list add up to the whole list, in the same order.
    let uri = format!("/api/v1/students/{id}/overdue?per_page=100");
    let whole = ok(&get(&w, &token, &uri).await);
    let total = whole["total"].as_u64().unwrap();
    let mut seen = Vec::new();
    for page in 1..=(total.div_ceil(2) + 1) {
        let uri = format!("/api/v1/students/{id}/overdue?page={page}&per_page=2");
        let part = ok(&get(&w, &token, &uri).await);
        assert_eq!(part["total"], total);
        assert_eq!(part["page"], page);
        seen.extend(
            part["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].clone()),
        );
    }
    let all: Vec<Value> = whole["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].clone())
        .collect();
    assert_eq!(seen, all);
    for bad in [
        "page=0",
        "per_page=0",
        "per_page=101",
        "page=-1",
        "sort=date",
    ] {
        let uri = format!("/api/v1/students/{id}/overdue?{bad}");
        problem(&get(&w, &token, &uri).await, StatusCode::BAD_REQUEST);
    }
    // The timetable: a span of days; over 62 days or reversed is a 400.
    let monday = sgo_core::calendar::week_start(today());
    let uri = format!("/api/v1/students/{id}/timetable?from={monday}");
    let week = ok(&get(&w, &token, &uri).await);
    assert_eq!(week["to"], (monday + Duration::days(6)).to_string());
    let far = monday + Duration::days(70);
    for bad in [
        format!("from={monday}&to={far}"),
        format!("from={far}&to={monday}"),
        "from=2026-13-01".into(),
    ] {
        let uri = format!("/api/v1/students/{id}/timetable?{bad}");
        problem(&get(&w, &token, &uri).await, StatusCode::BAD_REQUEST);
    }
}

async fn files_are_reached_through_their_scope(engine: Engine) {
    let w = world(engine, 1).await;
    let org = w.admin().organization_id;
    let student = w.first(Role::Student, org);
    let id = w.id_of(&student).await;
    let week = w.this_week(id).await;
    let file = sgo_app::files::Upload::from_bytes("задачи.txt", "№ 1, 2, 3");
    let (_, homework) = w.give_homework(&week, "Задачи", vec![file]).await;
    let diary = w.api_token(&student, &[ApiScope::DiaryRead]).await;
    let card = ok(&get(
        &w,
        &diary,
        &format!("/api/v1/students/{id}/assignments/{homework}"),
    )
    .await);
    assert_eq!(card["title"], "Задачи");
    assert!(card["mark"].is_null());
    let homework_file = card["attachments"][0]["id"].as_i64().unwrap();
    let res = get(&w, &diary, &format!("/api/v1/files/{homework_file}")).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.text(), "№ 1, 2, 3");
    // The same file is out of reach of a mail-only token, and a mail file of a diary token.
    let mail = w
        .api_token(&student, &[ApiScope::MailRead, ApiScope::MailSend])
        .await;
    problem(
        &get(&w, &mail, &format!("/api/v1/files/{homework_file}")).await,
        StatusCode::NOT_FOUND,
    );
    let pending = upload(&w, &mail, "черновик.txt", b"draft").await;
    assert_eq!(pending.status, StatusCode::CREATED, "{}", pending.text());
    let pending = pending.json()["id"].as_i64().unwrap();
    assert_eq!(
        get(&w, &mail, &format!("/api/v1/files/{pending}"))
            .await
            .text(),
        "draft"
    );
    problem(
        &get(&w, &diary, &format!("/api/v1/files/{pending}")).await,
        StatusCode::NOT_FOUND,
    );
    // Another student's homework card and unknown files are not found.
    let other = w
        .all(Role::Student, org)
        .into_iter()
        .find(|s| s.login != student.login)
        .unwrap();
    let theirs = w.api_token(&other, &ApiScope::ALL).await;
    problem(
        &get(&w, &theirs, &format!("/api/v1/files/{pending}")).await,
        StatusCode::NOT_FOUND,
    );
    problem(
        &get(&w, &diary, "/api/v1/files/987654321").await,
        StatusCode::NOT_FOUND,
    );
}

async fn a_message_sent_with_a_token_arrives(engine: Engine) {
    let w = world(engine, 1).await;
    let org = w.admin().organization_id;
    let student = w.first(Role::Student, org);
    let sender = w.api_token(&student, &ApiScope::ALL).await;
    let recipients = ok(&get(&w, &sender, "/api/v1/mail/recipients").await);
    let teacher_id = recipients
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["group"] == "Учителя")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let teacher = w
        .all(Role::Teacher, org)
        .into_iter()
        .chain(w.all(Role::DeputyHead, org))
        .chain(w.all(Role::Administrator, org))
        .collect::<Vec<_>>();
    let mut teacher_account = None;
    for t in teacher {
        if w.id_of(&t).await == teacher_id {
            teacher_account = Some(t);
        }
    }
    let teacher = teacher_account.unwrap();
    let file = upload(&w, &sender, "справка.pdf", b"%PDF-1.4 test").await;
    assert_eq!(file.status, StatusCode::CREATED, "{}", file.text());
    let file = file.json()["id"].as_i64().unwrap();
    // Clear refusals first: nothing is sent.
    let refusals = [
        json!({"to": [teacher_id], "subject": "   ", "text": "Текст"}),
        json!({"to": [teacher_id], "subject": "Тема", "text": "Текст", "attachments": [file + 100000]}),
        json!({"to": [teacher_id], "subject": "Тема", "text": "Текст", "priority": 1}),
        json!({"to": "все", "subject": "Тема", "text": "Текст"}),
    ];
    for body in refusals {
        let res = post(&w, &sender, "/api/v1/mail/messages", body).await;
        problem(&res, StatusCode::BAD_REQUEST);
    }
    let res = post(
        &w,
        &sender,
        "/api/v1/mail/messages",
        json!({"to": [teacher_id], "subject": "Справка", "text": "Справка во вложении.", "attachments": [file]}),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let sent_id = res.json()["id"].as_i64().unwrap();
    let reader = w.api_token(&teacher, &[ApiScope::MailRead]).await;
    let folders = ok(&get(&w, &reader, "/api/v1/mail/folders").await);
    let inbox = &folders[0];
    assert_eq!(inbox["folder"], "inbox");
    assert!(inbox["unread"].as_u64().unwrap() >= 1, "{folders}");
    let page = ok(&get(
        &w,
        &reader,
        "/api/v1/mail/folders/inbox/messages?per_page=5",
    )
    .await);
    let row = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["subject"] == "Справка")
        .unwrap()
        .clone();
    assert_eq!(row["read"], false);
    let message_id = row["id"].as_i64().unwrap();
    let message = ok(&get(&w, &reader, &format!("/api/v1/mail/messages/{message_id}")).await);
    assert_eq!(message["text"], "Справка во вложении.");
    assert_eq!(message["attachments"][0]["name"], "справка.pdf");
    let attachment = message["attachments"][0]["id"].as_i64().unwrap();
    let bytes = get(&w, &reader, &format!("/api/v1/files/{attachment}")).await;
    assert_eq!(bytes.text(), "%PDF-1.4 test");
    let page = ok(&get(
        &w,
        &reader,
        "/api/v1/mail/folders/inbox/messages?per_page=5",
    )
    .await);
    let row = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == message_id)
        .unwrap()
        .clone();
    assert_eq!(row["read"], true, "read once opened");
    // The sender's copy is in «Отправленные»; nobody else reads either.
    let sent = ok(&get(&w, &sender, "/api/v1/mail/folders/sent/messages").await);
    assert!(
        sent["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == sent_id),
        "{sent}"
    );
    let stranger = w
        .all(Role::Student, org)
        .into_iter()
        .find(|s| s.login != student.login)
        .unwrap();
    let stranger = w.api_token(&stranger, &ApiScope::ALL).await;
    problem(
        &get(
            &w,
            &stranger,
            &format!("/api/v1/mail/messages/{message_id}"),
        )
        .await,
        StatusCode::NOT_FOUND,
    );
    problem(
        &get(&w, &stranger, &format!("/api/v1/files/{attachment}")).await,
        StatusCode::NOT_FOUND,
    );
    problem(
        &get(&w, &reader, "/api/v1/mail/folders/spam/messages").await,
        StatusCode::NOT_FOUND,
    );
}

both_engines!(
    each_operation_needs_its_scope,
    marks_overdue_and_pages,
    files_are_reached_through_their_scope,
    a_message_sent_with_a_token_arrives,
);
