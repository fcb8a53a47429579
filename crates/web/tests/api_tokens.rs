//! Personal access tokens of the open API through the real router, on both engines: made by a
//! person through the NetSchool `at` or the web session (with its form token), shown once,
//! used as `Authorization: Bearer`, and ended by revocation, expiry and «Завершить все сеансы»;
//! a token opens nothing but the open API.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use chrono::{Duration, Utc};
use serde_json::{Value, json};
use sgo_app::{Clock, Engine, Role};
use sgo_core::api_scope::ApiScope;
use sgo_testkit::{Response, World, both_engines, csrf_for, today, world};

async fn bearer_get(w: &World, token: &str, uri: &str) -> Response {
    let auth = format!("Bearer {token}");
    w.call(Method::GET, uri, &[("authorization", &auth)], None)
        .await
}

/// A problem document: its status field, and a detail in Russian.
fn assert_problem(res: &Response, status: StatusCode) {
    assert_eq!(res.status, status, "{}", res.text());
    assert_eq!(res.header("content-type"), "application/problem+json");
    let body = res.json();
    assert_eq!(body["status"], status.as_u16());
    let detail = body["detail"].as_str().unwrap();
    assert!(
        detail
            .chars()
            .any(|c| ('а'..='я').contains(&c.to_lowercase().next().unwrap())),
        "detail in Russian: {detail}"
    );
}

async fn made_through_at_and_used_as_bearer(engine: Engine) {
    let w = world(engine, 1).await;
    let student = w.first(Role::Student, w.admin().organization_id);
    let at = w.token(&student).await;
    let res = w.call(Method::POST,
        "/api/v1/tokens",
        &[("at", &at)],
        Some(json!({"name": "  Бот   оценок ", "scopes": ["diary:read", "marks:read"], "expires_in_days": 30})),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let made = res.json();
    let token = made["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("sgo_") && token.len() > 40, "{token}");
    assert_eq!(made["name"], "Бот оценок");
    assert_eq!(made["scopes"], json!(["diary:read", "marks:read"]));
    let expires =
        chrono::DateTime::parse_from_rfc3339(made["expires_at"].as_str().unwrap()).unwrap();
    let days = (expires.with_timezone(&Utc) - Utc::now()).num_hours();
    assert!((29 * 24..=30 * 24).contains(&days), "{days} hours");

    let me = bearer_get(&w, &token, "/api/v1/me").await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text());
    let me = me.json();
    let id = w.id_of(&student).await;
    assert_eq!(me["id"], id);
    assert_eq!(
        me["students"][0]["id"], id,
        "a student reads their own diary"
    );
    assert_eq!(me["scopes"], json!(["diary:read", "marks:read"]));

    // Listed without its secret.
    let list = w
        .call(Method::GET, "/api/v1/tokens", &[("at", &at)], None)
        .await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(!list.text().contains(&token));
    assert_eq!(list.json()[0]["id"], made["id"]);
}

async fn a_web_session_needs_its_form_token(engine: Engine) {
    let w = world(engine, 1).await;
    let parent = w.first(Role::Parent, w.admin().organization_id);
    let cookie = w.cookie(&parent).await;
    let body = json!({"name": "Бот", "scopes": ["events:read"]});
    let res = w
        .call(
            Method::POST,
            "/api/v1/tokens",
            &[("cookie", &cookie)],
            Some(body.clone()),
        )
        .await;
    assert_problem(&res, StatusCode::FORBIDDEN);
    let csrf = csrf_for(&cookie);
    let res = w
        .call(
            Method::POST,
            "/api/v1/tokens",
            &[("cookie", &cookie), ("x-csrf-token", &csrf)],
            Some(body),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let token = res.json()["token"].as_str().unwrap().to_owned();
    let me = bearer_get(&w, &token, "/api/v1/me").await.json();
    assert!(
        !me["students"].as_array().unwrap().is_empty(),
        "a parent's children: {me}"
    );
}

async fn a_token_opens_nothing_but_the_api(engine: Engine) {
    let w = world(engine, 1).await;
    let student = w.first(Role::Student, w.admin().organization_id);
    let token = w.api_token(&student, &ApiScope::ALL).await;
    // Not as the NetSchool `at`, not as the page cookie, and it cannot make tokens.
    let res = w.api_get(&token, "student/diary/init").await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    let cookie = w.cookie_for_token(&token);
    let res = w.get(&cookie, "/diary").await;
    assert!(res.status.is_redirection() && res.location().starts_with("/login"));
    let auth = format!("Bearer {token}");
    let res = w
        .call(
            Method::POST,
            "/api/v1/tokens",
            &[("authorization", &auth)],
            Some(json!({"name": "шире", "scopes": ["mail:send"]})),
        )
        .await;
    assert_problem(&res, StatusCode::UNAUTHORIZED);
    // A session token is not a bearer token either.
    let at = w.token(&student).await;
    assert_problem(
        &bearer_get(&w, &at, "/api/v1/me").await,
        StatusCode::UNAUTHORIZED,
    );
    let res = w.call(Method::GET, "/api/v1/me", &[], None).await;
    assert_problem(&res, StatusCode::UNAUTHORIZED);
    assert_eq!(res.header("www-authenticate"), "Bearer");
}

async fn revoked_and_ended_tokens_get_401(engine: Engine) {
    let w = world(engine, 1).await;
    let org = w.admin().organization_id;
    let student = w.first(Role::Student, org);
    let at = w.token(&student).await;
    let kept = w.api_token(&student, &[ApiScope::DiaryRead]).await;
    let revoked = w.api_token(&student, &[ApiScope::DiaryRead]).await;
    let list = w
        .call(Method::GET, "/api/v1/tokens", &[("at", &at)], None)
        .await
        .json();
    assert_eq!(list.as_array().unwrap().len(), 2);
    let newest = list[0]["id"].as_i64().unwrap();
    // Another person cannot revoke it: it is not theirs.
    let other = w.token(&w.first(Role::Teacher, org)).await;
    let uri = format!("/api/v1/tokens/{newest}");
    let res = w.call(Method::DELETE, &uri, &[("at", &other)], None).await;
    assert_problem(&res, StatusCode::NOT_FOUND);
    let res = w.call(Method::DELETE, &uri, &[("at", &at)], None).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_problem(
        &bearer_get(&w, &revoked, "/api/v1/me").await,
        StatusCode::UNAUTHORIZED,
    );
    // Also on another node, at once.
    let node = w.another_node().await;
    assert!(matches!(
        node.authenticate_bearer(&revoked).await,
        Err(sgo_app::AppError::Unauthenticated)
    ));
    assert!(node.authenticate_bearer(&kept).await.is_ok());
    // Ending every session (as deactivation and a password change do) ends the tokens too.
    let id = w.id_of(&student).await;
    w.store().delete_account_sessions(id).await.unwrap();
    assert_problem(
        &bearer_get(&w, &kept, "/api/v1/me").await,
        StatusCode::UNAUTHORIZED,
    );
}

async fn an_expired_token_gets_401(engine: Engine) {
    let clock = Clock::manual(today(), Utc::now());
    let w = World::build(engine).clock(clock.clone()).start().await;
    let student = w.first(Role::Student, w.admin().organization_id);
    let at = w.token(&student).await;
    let res = w
        .call(
            Method::POST,
            "/api/v1/tokens",
            &[("at", &at)],
            Some(json!({"name": "на день", "scopes": ["diary:read"], "expires_in_days": 1})),
        )
        .await;
    let token = res.json()["token"].as_str().unwrap().to_owned();
    clock.advance(Duration::hours(23));
    assert_eq!(
        bearer_get(&w, &token, "/api/v1/me").await.status,
        StatusCode::OK
    );
    clock.advance(Duration::hours(2));
    assert_problem(
        &bearer_get(&w, &token, "/api/v1/me").await,
        StatusCode::UNAUTHORIZED,
    );
    // The sweep removes it from the list.
    w.app.sweep_api_tokens().await.unwrap();
    let fresh = w.token(&student).await;
    let list = w
        .call(Method::GET, "/api/v1/tokens", &[("at", &fresh)], None)
        .await
        .json();
    assert_eq!(list, json!([]));
}

async fn bad_requests_get_a_clear_400(engine: Engine) {
    let w = world(engine, 1).await;
    let student = w.first(Role::Student, w.admin().organization_id);
    let at = w.token(&student).await;
    let cases = [
        json!({"name": "Бот", "scopes": ["diary:write"]}),
        json!({"name": "Бот", "scopes": []}),
        json!({"name": "   ", "scopes": ["diary:read"]}),
        json!({"name": "Б".repeat(101), "scopes": ["diary:read"]}),
        json!({"name": "Бот", "scopes": ["diary:read"], "expires_in_days": 0}),
        json!({"name": "Бот", "scopes": ["diary:read"], "expires_in_days": 367}),
        json!({"name": "Бот", "scopes": "diary:read"}),
        json!({"name": "Бот", "scopes": ["diary:read"], "admin": true}),
        json!({}),
    ];
    for body in cases {
        let res = w
            .call(
                Method::POST,
                "/api/v1/tokens",
                &[("at", &at)],
                Some(body.clone()),
            )
            .await;
        assert_problem(&res, StatusCode::BAD_REQUEST);
        assert!(!res.text().contains("sgo_"), "{body}");
    }
    let res = w
        .send(
            Request::post("/api/v1/tokens")
                .header("at", &at)
                .body(Body::from("{not json"))
                .unwrap(),
        )
        .await;
    assert_problem(&res, StatusCode::BAD_REQUEST);
    let list = w
        .call(Method::GET, "/api/v1/tokens", &[("at", &at)], None)
        .await
        .json();
    assert_eq!(list, json!([]), "nothing was made");
    // The framework's own refusals are problem documents too.
    let res = w
        .call(Method::DELETE, "/api/v1/tokens/abc", &[("at", &at)], None)
        .await;
    assert_problem(&res, StatusCode::BAD_REQUEST);
    let token = w.api_token(&student, &ApiScope::ALL).await;
    let res = bearer_get(&w, &token, "/api/v1/students/abc/diary").await;
    assert_problem(&res, StatusCode::BAD_REQUEST);
    // At most fifty tokens at once.
    let id = w.id_of(&student).await;
    let held = w.store().api_tokens_of(id).await.unwrap().len();
    for _ in held..sgo_app::api_tokens::MAX_TOKENS_PER_ACCOUNT {
        w.api_token(&student, &[ApiScope::DiaryRead]).await;
    }
    let res = w
        .call(
            Method::POST,
            "/api/v1/tokens",
            &[("at", &at)],
            Some(json!({"name": "ещё один", "scopes": ["diary:read"]})),
        )
        .await;
    assert_problem(&res, StatusCode::BAD_REQUEST);
    assert!(res.json()["detail"].as_str().unwrap().contains("50"));
    let res = w.call(Method::GET, "/api/v1/nothing-here", &[], None).await;
    assert_problem(&res, StatusCode::NOT_FOUND);
}

/// Marks in the student's diary weeks since September, as the NetSchool API shows them.
async fn a_week_with_a_mark(w: &World, at: &str, student: i64) -> chrono::NaiveDate {
    let mut monday = today()
        - Duration::days(i64::from(
            chrono::Datelike::weekday(&today()).num_days_from_monday(),
        ));
    for _ in 0..20 {
        let sunday = monday + Duration::days(6);
        let uri = format!(
            "student/diary?studentId={student}&weekStart={monday}&weekEnd={sunday}&yearId=0"
        );
        let text = w.api_get(at, &uri).await.text();
        if text.contains("\"mark\":{") {
            return monday;
        }
        monday -= Duration::days(7);
    }
    panic!("no week with a mark");
}

async fn scopes_decide_what_a_token_reads(engine: Engine) {
    let w = world(engine, 1).await;
    let org = w.admin().organization_id;
    let student = w.first(Role::Student, org);
    let id = w.id_of(&student).await;
    let at = w.token(&student).await;
    let week = a_week_with_a_mark(&w, &at, id).await;
    let uri = format!("/api/v1/students/{id}/diary?week_start={week}");
    // Without diary:read: 403, whatever else the token holds.
    let mail = w
        .api_token(&student, &[ApiScope::MailRead, ApiScope::MarksRead])
        .await;
    assert_problem(&bearer_get(&w, &mail, &uri).await, StatusCode::FORBIDDEN);
    // diary:read alone: the week without marks.
    let diary = w.api_token(&student, &[ApiScope::DiaryRead]).await;
    let res = bearer_get(&w, &diary, &uri).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let body = res.json();
    assert_eq!(body["week_start"], week.to_string());
    assert_eq!(body["student"]["id"], id);
    let marks = |body: &Value| {
        body["days"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|d| d["lessons"].as_array().unwrap().clone())
            .flat_map(|l| l["assignments"].as_array().unwrap().clone())
            .filter(|a| !a["mark"].is_null())
            .count()
    };
    assert!(!body["days"].as_array().unwrap().is_empty());
    assert_eq!(marks(&body), 0, "no marks without marks:read");
    // With marks:read too, the marks.
    let both = w
        .api_token(&student, &[ApiScope::DiaryRead, ApiScope::MarksRead])
        .await;
    let body = bearer_get(&w, &both, &uri).await.json();
    assert!(marks(&body) > 0, "{body}");
    // Any day of the week names the week; a bad date is a clear 400.
    let wednesday = week + Duration::days(2);
    let res = bearer_get(
        &w,
        &both,
        &format!("/api/v1/students/{id}/diary?week_start={wednesday}"),
    )
    .await;
    assert_eq!(res.json()["week_start"], week.to_string());
    let res = bearer_get(
        &w,
        &both,
        &format!("/api/v1/students/{id}/diary?week_start=07.12.2026"),
    )
    .await;
    assert_problem(&res, StatusCode::BAD_REQUEST);
    // A classmate's token cannot read this student's diary, whatever its scopes.
    let classmate = w
        .all(Role::Student, org)
        .into_iter()
        .find(|s| s.login != student.login)
        .unwrap();
    let theirs = w.api_token(&classmate, &ApiScope::ALL).await;
    assert_problem(&bearer_get(&w, &theirs, &uri).await, StatusCode::FORBIDDEN);
}

async fn each_token_has_its_own_allowance_per_minute(engine: Engine) {
    let clock = Clock::manual(today(), Utc::now());
    let w = World::build(engine)
        .clock(clock.clone())
        .settings(|s| s.rates.api_calls_per_minute = 3)
        .start()
        .await;
    let student = w.first(Role::Student, w.admin().organization_id);
    let busy = w.api_token(&student, &[ApiScope::DiaryRead]).await;
    let other = w.api_token(&student, &[ApiScope::DiaryRead]).await;
    // Start a minute afresh, so that the three calls share one window.
    let now = clock.now();
    clock.advance(Duration::seconds(
        60 - i64::from(chrono::Timelike::second(&now)),
    ));
    for _ in 0..3 {
        assert_eq!(
            bearer_get(&w, &busy, "/api/v1/me").await.status,
            StatusCode::OK
        );
    }
    let res = bearer_get(&w, &busy, "/api/v1/me").await;
    assert_problem(&res, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(res.header("retry-after"), "60");
    // The person's other token, and another node counting in the same database, agree.
    assert_eq!(
        bearer_get(&w, &other, "/api/v1/me").await.status,
        StatusCode::OK
    );
    let node = w.another_node().await;
    assert!(matches!(
        node.authenticate_bearer(&busy).await,
        Err(sgo_app::AppError::TooManyRequests { .. })
    ));
    // The next minute opens a new window; an unknown token is not counted at all.
    clock.advance(Duration::seconds(60));
    assert_eq!(
        bearer_get(&w, &busy, "/api/v1/me").await.status,
        StatusCode::OK
    );
    for _ in 0..5 {
        let res = bearer_get(&w, "sgo_unknown", "/api/v1/me").await;
        assert_problem(&res, StatusCode::UNAUTHORIZED);
    }
}

/// The secret shown once on the settings page.
fn shown_secret(html: &str) -> Option<String> {
    let start = html.find("id=\"token-secret\">")? + "id=\"token-secret\">".len();
    let end = start + html[start..].find('<')?;
    Some(html[start..end].to_owned())
}

async fn the_settings_page_makes_lists_and_revokes_tokens(engine: Engine) {
    let w = world(engine, 1).await;
    let parent = w.first(Role::Parent, w.admin().organization_id);
    let cookie = w.cookie(&parent).await;
    let page = w.get(&cookie, "/settings").await.text();
    assert!(page.contains("href=\"/settings/tokens\""));
    let page = w.get(&cookie, "/settings/tokens").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("Ключей пока нет"));
    // No scope ticked: the form comes back with the message and what was typed.
    let res = w
        .post(
            &cookie,
            "/settings/tokens",
            &[("name", "Бот класса"), ("days", "30")],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let text = res.text();
    assert!(text.contains("Выберите хотя бы одно разрешение"), "{text}");
    assert!(text.contains("value=\"Бот класса\""));
    assert!(shown_secret(&text).is_none());
    let res = w
        .post(
            &cookie,
            "/settings/tokens",
            &[("name", "Бот"), ("days", "много"), ("scopes", "diary:read")],
        )
        .await;
    assert!(res.text().contains("Срок действия ключа"));
    // Made: the secret is shown once and works.
    let res = w
        .post(
            &cookie,
            "/settings/tokens",
            &[
                ("name", "Бот <класса>"),
                ("days", "30"),
                ("scopes", "diary:read"),
                ("scopes", "marks:read"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let text = res.text();
    let secret = shown_secret(&text).expect("the secret is shown");
    let list = w.get(&cookie, "/settings/tokens").await.text();
    assert!(
        list.contains("класса") && !list.contains("<класса>"),
        "names are escaped"
    );
    let me = bearer_get(&w, &secret, "/api/v1/me").await.json();
    assert_eq!(me["scopes"], json!(["diary:read", "marks:read"]));
    assert!(!list.contains(&secret), "never shown again");
    assert!(list.contains("Дневник: уроки, задания, посещаемость, Оценки"));
    // Revoked from the page.
    let id = me["id"].as_i64().unwrap();
    let token_id = w.store().api_tokens_of(id).await.unwrap()[0].id;
    let res = w
        .post(&cookie, &format!("/settings/tokens/{token_id}/revoke"), &[])
        .await;
    assert_eq!(res.location(), "/settings/tokens?revoked=1");
    assert_problem(
        &bearer_get(&w, &secret, "/api/v1/me").await,
        StatusCode::UNAUTHORIZED,
    );
    assert!(
        w.get(&cookie, "/settings/tokens?revoked=1")
            .await
            .text()
            .contains("Ключ отозван")
    );
}

both_engines!(
    the_settings_page_makes_lists_and_revokes_tokens,
    each_token_has_its_own_allowance_per_minute,
    scopes_decide_what_a_token_reads,
    made_through_at_and_used_as_bearer,
    a_web_session_needs_its_form_token,
    a_token_opens_nothing_but_the_api,
    revoked_and_ended_tokens_get_401,
    an_expired_token_gets_401,
    bad_requests_get_a_clear_400,
);
