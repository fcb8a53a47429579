//! Uploads waiting to be attached, on both engines: they expire and are swept with their bytes,
//! an account's waiting bytes have a quota (413 on the NetSchool API and on the pages), and a
//! page's multipart form is refused on its CSRF token before any of its files is read.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use sgo_testkit::both_engines;

use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode, header};
use chrono::{Duration, Utc};
use futures_util::StreamExt;
use serde_json::json;
use sgo_app::{Clock, Engine, Role, Settings};
use sgo_store::FileRecord;
use sgo_testkit::{World, today, world_with};

/// A demo school whose application runs on a clock the test moves.
async fn manual_world(engine: Engine, tune: impl FnOnce(&mut Settings)) -> (World, Clock) {
    let clock = Clock::manual(today(), Utc::now());
    let w = World::build(engine)
        .settings(tune)
        .clock(clock.clone())
        .start()
        .await;
    (w, clock)
}

/// Whether the file store (the data directory on SQLite, the database on PostgreSQL) holds a
/// file's bytes.
async fn has_bytes(w: &World, f: &FileRecord) -> bool {
    w.app
        .file_store()
        .read(&f.storage_key)
        .await
        .unwrap()
        .is_some()
}

/// How many files the file store holds.
async fn stored(w: &World) -> usize {
    w.app.file_store().keys().await.unwrap().len()
}

/// Uploads a mail attachment through the NetSchool API.
async fn upload(w: &World, at: &str, name: &str, bytes: &[u8]) -> sgo_testkit::Response {
    w.api_post_multipart(at, "attachments", &[], &[("file", name, bytes)])
        .await
}

/// Uploads and returns the recorded file.
async fn uploaded(w: &World, at: &str, name: &str, bytes: &[u8]) -> FileRecord {
    let res = upload(w, at, name, bytes).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let guid = res.json().as_str().unwrap().to_owned();
    w.store().file_by_guid(&guid).await.unwrap().unwrap()
}

/// Every pending file, whatever its age.
async fn pending(w: &World) -> Vec<FileRecord> {
    w.store()
        .stale_pending_files(Utc::now() + Duration::days(400))
        .await
        .unwrap()
}

/// Sends a message with attachments through the NetSchool API to someone of the directory.
async fn send(w: &World, at: &str, guids: &[&str]) -> sgo_testkit::Response {
    let parents = w.api_get(at, "mail/recipients?group=6").await.json();
    let to = parents[0]["id"].as_str().unwrap().to_owned();
    w.api_post(
        at,
        "mail/messages",
        json!({"subject": "Материалы", "text": "Во вложении", "to": [to], "cc": [], "bcc": [],
               "notify": false, "draft": false, "fileAttachmentGuids": guids}),
    )
    .await
}

async fn pending_uploads_expire_and_are_swept(engine: Engine) {
    let (w, clock) = manual_world(engine, |_| {}).await;
    let teacher = w.first(Role::Teacher, w.admin().organization_id);
    let at = w.token(&teacher).await;
    let sent_later = uploaded(&w, &at, "Отправится.txt", b"first").await;
    let forgotten = uploaded(&w, &at, "Забытый.txt", b"second").await;
    assert!(has_bytes(&w, &forgotten).await);

    // Within the lifetime nothing is swept and the upload can still be sent.
    clock.advance(Duration::hours(23));
    assert_eq!(w.app.sweep_pending_uploads().await.unwrap(), 0);
    assert_eq!(pending(&w).await.len(), 2);
    let at = w.token(&teacher).await; // the first session has idled out meanwhile
    let res = send(&w, &at, &[&sent_later.guid]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());

    // Past 24 hours the upload has expired: it cannot be attached, and the sweep removes it.
    clock.advance(Duration::hours(2));
    let at = w.token(&teacher).await;
    let res = send(&w, &at, &[&forgotten.guid]).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.text());
    assert!(
        res.json()["message"]
            .as_str()
            .unwrap()
            .contains("загрузите файл снова"),
        "{}",
        res.text()
    );
    assert_eq!(w.app.sweep_pending_uploads().await.unwrap(), 1);
    assert!(w.store().file(forgotten.id).await.unwrap().is_none());
    assert!(!has_bytes(&w, &forgotten).await);
    assert!(pending(&w).await.is_empty());
    // The attached file is not touched.
    let kept = w.store().file(sent_later.id).await.unwrap().unwrap();
    assert_eq!(kept.owner_kind, "message");
    assert!(has_bytes(&w, &kept).await);
    assert_eq!(w.app.sweep_pending_uploads().await.unwrap(), 0);
}

async fn pending_bytes_have_a_quota(engine: Engine) {
    let (w, clock) = manual_world(engine, |s| s.uploads.pending.quota_bytes = 2048).await;
    let teacher = w.first(Role::Teacher, w.admin().organization_id);
    let at = w.token(&teacher).await;
    let a = uploaded(&w, &at, "a.txt", &[b'a'; 1000]).await;
    let b = uploaded(&w, &at, "b.txt", &[b'b'; 1000]).await;

    // The NetSchool API: 413 with a Russian message, nothing kept.
    let res = upload(&w, &at, "c.txt", &[b'c'; 100]).await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", res.text());
    let message = res.json()["message"].as_str().unwrap().to_owned();
    assert!(message.contains("не отправленных файлов"), "{message}");
    assert_eq!(pending(&w).await.len(), 2);
    assert_eq!(
        stored(&w).await,
        2,
        "a refused upload leaves no bytes behind"
    );

    // The pages: the compose form with a file gets the same refusal.
    let cookie = w.cookie(&teacher).await;
    let parents = w.api_get(&at, "mail/recipients?group=6").await.json();
    let to = parents[0]["id"].as_str().unwrap().to_owned();
    let page = w
        .post_multipart(
            &cookie,
            "/mail/compose",
            &[("to", &to), ("subject", "Файл"), ("text", "Смотрите")],
            &[("files", "c.txt", &[b'c'; 100])],
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        page.text()
    );
    assert!(page.text().contains("не отправленных файлов"));
    assert_eq!(pending(&w).await.len(), 2);

    // Attached files no longer count; nor do expired ones.
    let res = send(&w, &at, &[&a.guid]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    uploaded(&w, &at, "c.txt", &[b'c'; 1000]).await;
    assert_eq!(
        upload(&w, &at, "d.txt", &[b'd'; 100]).await.status,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    clock.advance(Duration::hours(25));
    let at = w.token(&teacher).await;
    uploaded(&w, &at, "d.txt", &[b'd'; 2000]).await;
    assert_eq!(w.app.sweep_pending_uploads().await.unwrap(), 2);
    assert!(w.store().file(b.id).await.unwrap().is_none());
}

const BOUNDARY: &str = "sgo-order-boundary";

/// How long a refusal may take; a handler that waits for a stalled body takes forever.
const PATIENCE: std::time::Duration = std::time::Duration::from_secs(3);

fn text_part(name: &str, value: &str) -> String {
    format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
}

fn file_part_head(name: &str, file_name: &str) -> String {
    format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; \
         filename=\"{file_name}\"\r\nContent-Type: text/plain\r\n\r\n"
    )
}

/// A multipart POST whose body stops after `head`, as from a client still sending a large
/// file: `None` when no answer came within `wait`, i.e. the handler waited for the file.
async fn post_stalled(
    w: &World,
    cookie: &str,
    uri: &str,
    head: String,
    wait: std::time::Duration,
) -> Option<sgo_testkit::Response> {
    let first = futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from(head))]);
    let body = first.chain(futures_util::stream::pending());
    let req = Request::post(uri)
        .header(header::COOKIE, cookie)
        .header(header::HOST, "sgo.example.ru")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from_stream(body))
        .unwrap();
    tokio::time::timeout(wait, w.send(req)).await.ok()
}

async fn upload_forms_check_the_token_before_files(engine: Engine) {
    let w = world_with(engine, 1, |_| {}).await;
    let cookie = w.cookie(&w.admin()).await;
    let wrong = "f".repeat(32);
    for uri in [
        "/mail/compose",
        "/announcements",
        "/resources",
        "/journal/lesson/1/assignments",
        "/people/import",
    ] {
        // No token before the file, or a wrong one: refused at once, without waiting for the
        // file to arrive.
        let file_first = format!("{}partial file", file_part_head("files", "a.txt"));
        let res = post_stalled(&w, &cookie, uri, file_first, PATIENCE)
            .await
            .unwrap_or_else(|| panic!("{uri}: waited for a file sent without a token"));
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{uri}: {}", res.text());
        assert!(res.text().contains("Обновите страницу") || uri == "/people/import");
        let wrong_token = format!(
            "{}{}partial file",
            text_part("csrf", &wrong),
            file_part_head("files", "a.txt")
        );
        let res = post_stalled(&w, &cookie, uri, wrong_token, PATIENCE)
            .await
            .unwrap_or_else(|| panic!("{uri}: waited for a file sent with a wrong token"));
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{uri}: {}", res.text());

        // A whole form with the file before a right token is refused too: the token must come
        // first, as every upload page puts it.
        let body = format!(
            "{}content\r\n{}{}--{BOUNDARY}--\r\n",
            file_part_head("files", "a.txt"),
            text_part("csrf", &sgo_testkit::csrf_for(&cookie)),
            text_part("subject", "Тема"),
        );
        let req = Request::post(uri)
            .header(header::COOKIE, &cookie)
            .header(header::HOST, "sgo.example.ru")
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(Body::from(body))
            .unwrap();
        let res = w.send(req).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{uri}: {}", res.text());
    }
    // With the right token first the file is read, so that request waits for the rest of it.
    let right = format!(
        "{}{}partial file",
        text_part("csrf", &sgo_testkit::csrf_for(&cookie)),
        file_part_head("files", "a.txt")
    );
    let waited = post_stalled(&w, &cookie, "/mail/compose", right, PATIENCE).await;
    assert!(waited.is_none(), "a form with its token is read to the end");
    assert!(pending(&w).await.is_empty());
    assert_eq!(stored(&w).await, 0, "no bytes were stored");
    assert!(!w.files_dir.path.exists(), "no bytes were stored");
}

both_engines!(
    pending_uploads_expire_and_are_swept,
    pending_bytes_have_a_quota,
    upload_forms_check_the_token_before_files
);
