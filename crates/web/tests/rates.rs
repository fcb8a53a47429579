//! One account cannot flood the others (issue 16, hole 10), through the real router on both
//! engines: per-account rates of signing in, sending mail and uploading answer 429 with
//! `Retry-After` and a Russian message, on the pages and on the NetSchool API; an account keeps
//! at most `max_sessions_per_account` sessions, the oldest ending first.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use axum::http::{StatusCode, header};
use chrono::Timelike;
use serde_json::json;
use sgo_app::{Engine, Role};
use sgo_demo::DemoAccount;
use sgo_testkit::both_engines;
use sgo_testkit::{CSRF, World, world_with};

/// Rates count per clock minute: a test that needs several requests in one window starts early
/// enough in a minute to finish inside it.
async fn fresh_minute() {
    let second = chrono::Utc::now().second();
    if second > 40 {
        tokio::time::sleep(std::time::Duration::from_secs(u64::from(61 - second))).await;
    }
}

/// NetSchool directory ids are base64 strings of the account number.
fn key(id: i64) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(id.to_string())
}

fn retry_after(res: &sgo_testkit::Response) -> u64 {
    let value: u64 = res
        .header("retry-after")
        .parse()
        .expect("a Retry-After header");
    assert!((1..=60).contains(&value), "{value}");
    value
}

/// Signs in through the web form; returns the answer.
async fn web_login(w: &World, a: &DemoAccount) -> sgo_testkit::Response {
    w.form_login(a.organization_id, &a.login, &a.password).await
}

fn session_cookie(res: &sgo_testkit::Response) -> String {
    let token = res
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.split(';').next()?.strip_prefix("sgo_session="))
        .unwrap()
        .to_owned();
    format!("sgo_session={token}; sgo_csrf={CSRF}")
}

/// Signs in through the NetSchool challenge.
async fn netschool_login(w: &World, a: &DemoAccount) -> sgo_testkit::Response {
    w.netschool_login_with_cookie(a, &a.password, "00112233445566778899aabbccddeeff")
        .await
}

async fn sign_in_rate_and_session_cap(engine: Engine) {
    let w = world_with(engine, 1, |s| {
        s.rates.sign_ins_per_minute = 4;
        s.rates.max_sessions_per_account = 2;
    })
    .await;
    let parent = w.first(Role::Parent, w.admin().organization_id);
    fresh_minute().await;
    let mut cookies = Vec::new();
    for _ in 0..3 {
        let res = web_login(&w, &parent).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
        cookies.push(session_cookie(&res));
    }
    // The cap: the oldest session ended when the third opened.
    assert_eq!(w.get(&cookies[0], "/diary").await.location(), "/login");
    for c in &cookies[1..] {
        assert_eq!(w.get(c, "/diary").await.status, StatusCode::OK);
    }
    let res = netschool_login(&w, &parent).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());

    // The fifth sign-in of the minute is refused on the page and on the API alike.
    let res = web_login(&w, &parent).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    retry_after(&res);
    assert!(res.text().contains("Слишком много входов в систему"));
    assert!(
        res.header("set-cookie").is_empty() || !res.header("set-cookie").contains("sgo_session")
    );
    let res = netschool_login(&w, &parent).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    retry_after(&res);
    assert!(
        res.json()["message"]
            .as_str()
            .unwrap()
            .starts_with("Слишком много входов в систему. Повторите попытку через")
    );
    // Another account is not affected.
    let other = w.first(Role::Student, w.admin().organization_id);
    assert_eq!(web_login(&w, &other).await.status, StatusCode::SEE_OTHER);
}

async fn mail_and_upload_rates(engine: Engine) {
    let w = world_with(engine, 1, |s| {
        s.rates.mail_per_minute = 2;
        s.rates.uploads_per_minute = 2;
    })
    .await;
    let org = w.admin().organization_id;
    let admin = w.admin();
    let admin_id = w.id_of(&admin).await;
    let teacher = w.first(Role::Teacher, org);
    let teacher_id = w.id_of(&teacher).await;
    fresh_minute().await;

    // NetSchool: uploads, then messages.
    let at = w.token(&teacher).await;
    for n in 0..3 {
        let res = w
            .api_post_multipart(
                &at,
                "attachments",
                &[("description", "")],
                &[("file", "План.txt", "Задачи".as_bytes())],
            )
            .await;
        if n < 2 {
            assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        } else {
            assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
            retry_after(&res);
            assert!(
                res.json()["message"]
                    .as_str()
                    .unwrap()
                    .starts_with("Слишком много загруженных файлов")
            );
        }
    }
    let message = json!({"subject": "Отчёт", "text": "Готов", "to": [key(admin_id)],
        "cc": [], "bcc": [], "notify": false, "draft": false, "fileAttachmentGuids": []});
    for n in 0..3 {
        let res = w.api_post(&at, "mail/messages", message.clone()).await;
        if n < 2 {
            assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        } else {
            assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
            retry_after(&res);
            assert!(
                res.json()["message"]
                    .as_str()
                    .unwrap()
                    .starts_with("Слишком много отправленных сообщений")
            );
        }
    }

    // The pages: the administrator's messages, and then a letter with three files.
    let cookie = w.cookie(&admin).await;
    let to = teacher_id.to_string();
    for n in 0..3 {
        let res = w
            .post(
                &cookie,
                "/mail/compose",
                &[
                    ("to", &to),
                    ("subject", "Совещание"),
                    ("text", "В 15:00 в актовом зале"),
                ],
            )
            .await;
        if n < 2 {
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
        } else {
            assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
            retry_after(&res);
            let text = res.text();
            assert!(text.contains("Слишком много отправленных сообщений"));
            assert!(
                text.contains("В 15:00 в актовом зале"),
                "the text typed is kept"
            );
        }
    }
    let res = w
        .post_multipart(
            &cookie,
            "/mail/compose",
            &[("to", &to), ("subject", "Файлы"), ("text", "Три файла")],
            &[
                ("files", "1.txt", b"1"),
                ("files", "2.txt", b"2"),
                ("files", "3.txt", b"3"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    retry_after(&res);
    assert!(res.text().contains("Слишком много загруженных файлов"));
}

both_engines!(sign_in_rate_and_session_cap, mail_and_upload_rates);
