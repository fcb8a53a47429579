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
use sgo_testkit::mailing::directory_key;
use sgo_testkit::{CSRF, World, world_with};

/// Rates count per clock minute: a test that needs several requests in one window starts early
/// enough in a minute to finish inside it.
async fn fresh_minute() {
    let second = chrono::Utc::now().second();
    if second > 40 {
        tokio::time::sleep(std::time::Duration::from_secs(u64::from(61 - second))).await;
    }
}

/// Refused for the rate: 429 with a `Retry-After` of at most a minute.
fn assert_refused(res: &sgo_testkit::Response) {
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    let value: u64 = res
        .header("retry-after")
        .parse()
        .expect("a Retry-After header");
    assert!((1..=60).contains(&value), "{value}");
}

/// The NetSchool API's refusal says `message` first.
fn assert_api_message(res: &sgo_testkit::Response, message: &str) {
    let said = res.json()["message"].as_str().unwrap().to_owned();
    assert!(said.starts_with(message), "{said}");
}

/// Three requests in one minute under a rate of two: the first two pass with `ok`, the third
/// is refused; its answer.
async fn third_refused(
    ok: StatusCode,
    send: impl AsyncFn() -> sgo_testkit::Response,
) -> sgo_testkit::Response {
    for _ in 0..2 {
        let res = send().await;
        assert_eq!(res.status, ok, "{}", res.text());
    }
    let res = send().await;
    assert_refused(&res);
    res
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
    assert_refused(&res);
    assert!(res.text().contains("Слишком много входов в систему"));
    assert!(
        res.header("set-cookie").is_empty() || !res.header("set-cookie").contains("sgo_session")
    );
    let res = netschool_login(&w, &parent).await;
    assert_refused(&res);
    assert_api_message(
        &res,
        "Слишком много входов в систему. Повторите попытку через",
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
    let upload = async || {
        let file = ("file", "План.txt", "Задачи".as_bytes());
        w.api_post_multipart(&at, "attachments", &[("description", "")], &[file])
            .await
    };
    let res = third_refused(StatusCode::OK, upload).await;
    assert_api_message(&res, "Слишком много загруженных файлов");
    let message = json!({"subject": "Отчёт", "text": "Готов", "to": [directory_key(admin_id)],
        "cc": [], "bcc": [], "notify": false, "draft": false, "fileAttachmentGuids": []});
    let send = async || w.api_post(&at, "mail/messages", message.clone()).await;
    let res = third_refused(StatusCode::OK, send).await;
    assert_api_message(&res, "Слишком много отправленных сообщений");

    // The pages: the administrator's messages, and then a letter with three files.
    let cookie = w.cookie(&admin).await;
    let to = teacher_id.to_string();
    let letter = [
        ("to", to.as_str()),
        ("subject", "Совещание"),
        ("text", "В 15:00 в актовом зале"),
    ];
    let send = async || w.post(&cookie, "/mail/compose", &letter).await;
    let text = third_refused(StatusCode::SEE_OTHER, send).await.text();
    assert!(text.contains("Слишком много отправленных сообщений"));
    assert!(
        text.contains("В 15:00 в актовом зале"),
        "the text typed is kept"
    );
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
    assert_refused(&res);
    assert!(res.text().contains("Слишком много загруженных файлов"));
}

both_engines!(sign_in_rate_and_session_cap, mail_and_upload_rates);
