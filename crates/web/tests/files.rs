//! Uploading and downloading files through the NetSchool API and the pages, on both engines:
//! limits, safe names, download headers, and that a pending upload is its uploader's alone.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use axum::http::StatusCode;
use sgo_app::{Engine, Role, UploadLimits};
use sgo_testkit::both_engines;
use sgo_testkit::{World, world_with};

async fn small_limits(engine: Engine) -> World {
    world_with(engine, 1, |s| {
        s.uploads.mail = UploadLimits {
            max_bytes: 1024,
            allowed_extensions: vec!["pdf".into(), "txt".into()],
        };
    })
    .await
}

async fn upload_and_download(engine: Engine) {
    let w = small_limits(engine).await;
    let org = w.admin().organization_id;
    let teacher = w.first(Role::Teacher, org);
    let other = w.first(Role::Student, org);
    let at = w.token(&teacher).await;

    let limits = w.api_get(&at, "attachments/uploadLimits").await;
    assert_eq!(limits.status, StatusCode::OK);
    assert_eq!(limits.json()["mailFileSizeLimit"], 1);
    assert_eq!(limits.json()["assignmentFileSizeLimit"], 10240);

    let content = "Контрольная в четверг".as_bytes();
    let res = w
        .api_post_multipart(
            &at,
            "attachments",
            &[("description", "")],
            &[("file", "..\\..\\План урока.txt", content)],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let guid = res.json().as_str().unwrap().to_owned();
    assert_eq!(guid.len(), 36, "{guid}");
    let file = w.store().file_by_guid(&guid).await.unwrap().unwrap();
    assert_eq!(file.name, "План урока.txt");
    assert_eq!(file.size, content.len() as i64);

    // The uploader gets the bytes with the right headers; the file never renders as a page.
    let got = w.api_get(&at, &format!("attachments/{}", file.id)).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body, content);
    assert_eq!(got.header("content-type"), "text/plain; charset=utf-8");
    assert!(
        got.header("content-disposition")
            .starts_with("attachment; ")
    );
    assert!(
        got.header("content-disposition")
            .contains("UTF-8''%D0%9F%D0%BB%D0%B0%D0%BD")
    );
    assert!(got.header("content-security-policy").contains("sandbox"));

    // Anyone else: not found (ids cannot be probed), also through the pages.
    let other_at = w.token(&other).await;
    let refused = w
        .api_get(&other_at, &format!("attachments/{}", file.id))
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    let cookie = w.cookie(&other).await;
    assert_eq!(
        w.get(&cookie, &format!("/files/{}", file.id)).await.status,
        StatusCode::NOT_FOUND
    );
    let own = w
        .get(&w.cookie(&teacher).await, &format!("/files/{}", file.id))
        .await;
    assert_eq!(own.status, StatusCode::OK);
    assert_eq!(own.body, content);
    // Without a session the page sends to the login, the API answers 401.
    let anon = w.get("", &format!("/files/{}", file.id)).await;
    assert_eq!(anon.status, StatusCode::SEE_OTHER, "{}", anon.status);
    assert_eq!(
        w.api_get("", &format!("attachments/{}", file.id))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        w.api_get(&at, "attachments/999999").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.api_get(&at, "attachments/abc").await.status,
        StatusCode::BAD_REQUEST
    );
}

async fn limits_are_enforced(engine: Engine) {
    let w = small_limits(engine).await;
    let org = w.admin().organization_id;
    let at = w.token(&w.first(Role::Teacher, org)).await;
    let big = vec![b'x'; 2048];
    let cases: [(&str, &[u8], &str); 4] = [
        ("big.pdf", &big, "больше допустимого размера"),
        ("virus.exe", b"MZ", "Допустимые типы: pdf, txt"),
        ("empty.pdf", b"", "Файл пустой"),
        ("page.html", b"<script>", "Допустимые типы"),
    ];
    for (name, bytes, message) in cases {
        let res = w
            .api_post_multipart(&at, "attachments", &[], &[("file", name, bytes)])
            .await;
        assert_eq!(
            res.status,
            StatusCode::BAD_REQUEST,
            "{name}: {}",
            res.text()
        );
        assert!(
            res.json()["message"].as_str().unwrap().contains(message),
            "{name}: {}",
            res.text()
        );
    }
    let missing = w
        .api_post_multipart(&at, "attachments", &[("description", "")], &[])
        .await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert!(missing.text().contains("file"));
    // Nothing refused was kept: no record, no bytes.
    assert!(
        w.store()
            .stale_pending_files(chrono::Utc::now() + chrono::Duration::days(1))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(w.app.file_store().keys().await.unwrap().is_empty());
}

both_engines!(upload_and_download, limits_are_enforced);
