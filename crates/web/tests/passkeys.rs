//! «Мобильный ID» through the HTTP surface, on both engines: ceremony starts return WebAuthn
//! options, bogus, expired and replayed answers are refused with 4xx, a person lists, renames and
//! removes only their own devices, and a software authenticator registers a device, signs in with
//! it and is refused once the device is removed or the account is disabled.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod soft_authenticator;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{Duration, Utc};
use serde_json::{Value, json};
use sgo_app::{Engine, Role};
use sgo_store::{AccountFields, NewPasskey, PasskeyCeremony};
use sgo_testkit::both_engines;
use sgo_testkit::{CSRF, Response, World, world_with};
use soft_authenticator::SoftAuthenticator;

const PORTAL: &str = "http://localhost:8080";

async fn world(engine: Engine) -> World {
    world_with(engine, 1, |s| s.public_url = PORTAL.into()).await
}

/// Posts a JSON ceremony request; `csrf` is added unless it is `None`.
async fn post_json(w: &World, cookie: &str, uri: &str, mut body: Value, csrf: bool) -> Response {
    if csrf {
        body["csrf"] = json!(sgo_testkit::csrf_for(cookie));
    }
    let req = Request::post(uri)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    w.send(req).await
}

/// The cookie of someone who is not signed in yet (the login page sets the CSRF cookie).
fn anonymous() -> String {
    format!("sgo_csrf={CSRF}")
}

fn bogus_registration() -> Value {
    json!({ "id": "eA", "rawId": "eA", "type": "public-key",
            "response": { "attestationObject": "AAAA", "clientDataJSON": "AAAA" } })
}

fn bogus_assertion(credential_id: &[u8], user_handle: &[u8]) -> Value {
    let id = soft_authenticator::b64url(credential_id);
    json!({ "id": id, "rawId": id, "type": "public-key",
            "response": { "authenticatorData": "AAAA", "clientDataJSON": "AAAA",
                          "signature": "AAAA", "userHandle": soft_authenticator::b64url(user_handle) } })
}

async fn starts_return_options(engine: Engine) {
    let w = world(engine).await;
    let student = w.first(Role::Student, w.admin().organization_id);
    let cookie = w.cookie(&student).await;

    let started = post_json(
        &w,
        &cookie,
        "/settings/passkeys/register/start",
        json!({}),
        true,
    )
    .await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.text());
    let body = started.json();
    assert!(body["ceremony"].as_str().is_some_and(|c| c.len() >= 32));
    let pk = &body["options"]["publicKey"];
    assert_eq!(pk["rp"]["id"], "localhost");
    assert_eq!(pk["user"]["name"], student.login.as_str());
    assert_eq!(pk["authenticatorSelection"]["residentKey"], "required");
    assert!(pk["challenge"].as_str().is_some_and(|c| c.len() >= 32));

    let no_csrf = post_json(
        &w,
        &cookie,
        "/settings/passkeys/register/start",
        json!({}),
        false,
    )
    .await;
    assert_eq!(no_csrf.status, StatusCode::FORBIDDEN);
    let not_json = w
        .post(&cookie, "/settings/passkeys/register/start", &[])
        .await;
    assert_eq!(not_json.status, StatusCode::BAD_REQUEST);
    // Without a session the registration is not open at all.
    let signed_out = post_json(
        &w,
        &anonymous(),
        "/settings/passkeys/register/start",
        json!({}),
        true,
    )
    .await;
    assert_eq!(signed_out.status, StatusCode::SEE_OTHER);

    let sign_in = post_json(&w, &anonymous(), "/login/passkey/start", json!({}), true).await;
    assert_eq!(sign_in.status, StatusCode::OK, "{}", sign_in.text());
    let pk = &sign_in.json()["options"]["publicKey"];
    assert_eq!(pk["rpId"], "localhost");
    assert_eq!(pk["userVerification"], "required");
    assert!(pk["allowCredentials"].as_array().is_none_or(Vec::is_empty));
    let no_csrf = post_json(&w, &anonymous(), "/login/passkey/start", json!({}), false).await;
    assert_eq!(no_csrf.status, StatusCode::FORBIDDEN);

    // The login page offers the button; the settings page links to the devices page.
    let login = w.get("", "/login").await.text();
    assert!(login.contains("Войти с Мобильным ID") && login.contains("/static/passkeys.js"));
    let settings = w.get(&cookie, "/settings").await.text();
    assert!(settings.contains("Вход и безопасность") && settings.contains("/settings/passkeys"));
    let script = w.get("", "/static/passkeys.js").await;
    assert_eq!(script.status, StatusCode::OK);
    assert!(script.header("content-type").starts_with("text/javascript"));
}

async fn unavailable_without_a_domain(engine: Engine) {
    let w = world_with(engine, 1, |s| s.public_url = "http://127.0.0.1:8080".into()).await;
    let student = w.first(Role::Student, w.admin().organization_id);
    let cookie = w.cookie(&student).await;
    let page = w.get(&cookie, "/settings/passkeys").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("не настроен"));
    let started = post_json(
        &w,
        &cookie,
        "/settings/passkeys/register/start",
        json!({}),
        true,
    )
    .await;
    assert_eq!(started.status, StatusCode::BAD_REQUEST);
    assert!(
        started.json()["message"]
            .as_str()
            .unwrap()
            .contains("public_url")
    );
    let sign_in = post_json(&w, &anonymous(), "/login/passkey/start", json!({}), true).await;
    assert_eq!(sign_in.status, StatusCode::BAD_REQUEST);
}

async fn bad_answers_are_refused(engine: Engine) {
    let w = world(engine).await;
    let org = w.admin().organization_id;
    let student = w.first(Role::Student, org);
    let cookie = w.cookie(&student).await;
    let finish = "/settings/passkeys/register/finish";

    // A bogus answer is refused, and spends the ceremony: the same id cannot be tried again.
    let started = post_json(
        &w,
        &cookie,
        "/settings/passkeys/register/start",
        json!({}),
        true,
    )
    .await;
    let ceremony = started.json()["ceremony"].as_str().unwrap().to_owned();
    let body =
        json!({ "ceremony": ceremony, "name": "Телефон", "credential": bogus_registration() });
    let bogus = post_json(&w, &cookie, finish, body.clone(), true).await;
    assert_eq!(bogus.status, StatusCode::BAD_REQUEST, "{}", bogus.text());
    assert!(
        bogus.json()["message"]
            .as_str()
            .unwrap()
            .contains("не подтвердило")
    );
    let replay = post_json(&w, &cookie, finish, body, true).await;
    assert_eq!(replay.status, StatusCode::BAD_REQUEST);
    assert!(
        replay.json()["message"]
            .as_str()
            .unwrap()
            .contains("Повторите")
    );

    // An unknown ceremony; another person's ceremony; a ceremony of the other kind.
    let unknown = json!({ "ceremony": "nope", "name": "", "credential": bogus_registration() });
    assert_eq!(
        post_json(&w, &cookie, finish, unknown, true).await.status,
        StatusCode::BAD_REQUEST
    );
    let other = w.all(Role::Student, org)[1].clone();
    let other_cookie = w.cookie(&other).await;
    let theirs = post_json(
        &w,
        &other_cookie,
        "/settings/passkeys/register/start",
        json!({}),
        true,
    )
    .await
    .json()["ceremony"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = json!({ "ceremony": theirs, "name": "", "credential": bogus_registration() });
    assert_eq!(
        post_json(&w, &cookie, finish, body, true).await.status,
        StatusCode::BAD_REQUEST
    );
    let sign_in = post_json(&w, &anonymous(), "/login/passkey/start", json!({}), true).await;
    let sign_in_id = sign_in.json()["ceremony"].as_str().unwrap().to_owned();
    let body = json!({ "ceremony": sign_in_id, "name": "", "credential": bogus_registration() });
    assert_eq!(
        post_json(&w, &cookie, finish, body, true).await.status,
        StatusCode::BAD_REQUEST
    );

    // An expired ceremony.
    let expired_id = "expired-ceremony-id";
    w.store()
        .create_passkey_ceremony(&PasskeyCeremony {
            id_hash: sgo_auth::token::hash_token(expired_id),
            kind: "sign_in".into(),
            account_id: None,
            state: "{}".into(),
            expires_at: Utc::now() - Duration::minutes(1),
        })
        .await
        .unwrap();
    let body = json!({ "ceremony": expired_id, "credential": bogus_assertion(b"x", &[0; 16]) });
    let expired = post_json(&w, &anonymous(), "/login/passkey/finish", body, true).await;
    assert_eq!(expired.status, StatusCode::BAD_REQUEST);
    assert!(
        expired.json()["message"]
            .as_str()
            .unwrap()
            .contains("истекло")
    );

    // An unknown credential is refused in words; its ceremony is spent too.
    let started = post_json(&w, &anonymous(), "/login/passkey/start", json!({}), true).await;
    let ceremony = started.json()["ceremony"].as_str().unwrap().to_owned();
    let body = json!({ "ceremony": ceremony, "credential": bogus_assertion(b"unknown", &[7; 16]) });
    let refused = post_json(
        &w,
        &anonymous(),
        "/login/passkey/finish",
        body.clone(),
        true,
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert!(
        refused.json()["message"]
            .as_str()
            .unwrap()
            .contains("не зарегистрирован")
    );
    assert!(refused.header("set-cookie").is_empty());
    let replay = post_json(&w, &anonymous(), "/login/passkey/finish", body, true).await;
    assert_eq!(replay.status, StatusCode::BAD_REQUEST);
    let garbage = json!({ "ceremony": "x", "credential": "garbage" });
    let garbage = post_json(&w, &anonymous(), "/login/passkey/finish", garbage, true).await;
    assert!(garbage.status.is_client_error());
    let audit = w.store().recent_audit_log(20).await.unwrap();
    assert!(
        audit.iter().any(|e| e.action == "sign_in"
            && e.result == "refused"
            && e.details.contains("passkey"))
    );
}

async fn device(w: &World, account: i64, credential: &[u8], name: &str) -> i64 {
    w.store()
        .insert_passkey(&NewPasskey {
            account_id: account,
            credential_id: credential.to_vec(),
            user_handle: vec![1; 16],
            credential: "{}".into(),
            name: name.into(),
            created_at: Utc::now(),
        })
        .await
        .unwrap()
}

async fn only_my_devices(engine: Engine) {
    let w = world(engine).await;
    let org = w.admin().organization_id;
    let students = w.all(Role::Student, org);
    let (me, other) = (&students[0], &students[1]);
    let mine = device(&w, w.id_of(me).await, b"mine", "Мой телефон").await;
    let theirs = device(&w, w.id_of(other).await, b"theirs", "Чужой планшет").await;
    let cookie = w.cookie(me).await;

    let page = w.get(&cookie, "/settings/passkeys").await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    assert!(text.contains("Мой телефон") && !text.contains("Чужой планшет"));
    assert!(text.contains("Добавить Мобильный ID"));

    // Another person's device: not found, and untouched.
    let rename = w
        .post(
            &cookie,
            &format!("/settings/passkeys/{theirs}/rename"),
            &[("name", "Взлом")],
        )
        .await;
    assert_eq!(rename.status, StatusCode::NOT_FOUND);
    let remove = w
        .post(&cookie, &format!("/settings/passkeys/{theirs}/remove"), &[])
        .await;
    assert_eq!(remove.status, StatusCode::NOT_FOUND);
    let kept = w.store().passkey(theirs).await.unwrap().unwrap();
    assert_eq!(kept.name, "Чужой планшет");

    // My own: without the CSRF token nothing happens; with it, renamed, then removed.
    let forged = w
        .post_raw(&cookie, &format!("/settings/passkeys/{mine}/remove"), &[])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(w.store().passkey(mine).await.unwrap().is_some());
    let too_long = "я".repeat(61);
    let long = w
        .post(
            &cookie,
            &format!("/settings/passkeys/{mine}/rename"),
            &[("name", &too_long)],
        )
        .await;
    assert_eq!(long.status, StatusCode::BAD_REQUEST);
    let renamed = w
        .post(
            &cookie,
            &format!("/settings/passkeys/{mine}/rename"),
            &[("name", "Телефон дома")],
        )
        .await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER);
    assert_eq!(renamed.location(), "/settings/passkeys?done=renamed");
    assert!(
        w.get(&cookie, "/settings/passkeys")
            .await
            .text()
            .contains("Телефон дома")
    );
    let removed = w
        .post(&cookie, &format!("/settings/passkeys/{mine}/remove"), &[])
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert!(w.store().passkey(mine).await.unwrap().is_none());
    let page = w
        .get(&cookie, "/settings/passkeys?done=removed")
        .await
        .text();
    assert!(page.contains("Устройств пока нет") && page.contains("Устройство удалено"));
}

/// Registers a software authenticator's passkey for a signed-in person through the pages.
async fn register(w: &World, cookie: &str, auth: &mut SoftAuthenticator, name: &str) -> Response {
    let started = post_json(
        w,
        cookie,
        "/settings/passkeys/register/start",
        json!({}),
        true,
    )
    .await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.text());
    let started = started.json();
    let credential = auth.create(&started["options"], PORTAL);
    let body = json!({ "ceremony": started["ceremony"], "name": name, "credential": credential });
    post_json(w, cookie, "/settings/passkeys/register/finish", body, true).await
}

/// Signs in with the software authenticator's passkey.
async fn sign_in(w: &World, auth: &mut SoftAuthenticator) -> Response {
    let started = post_json(w, &anonymous(), "/login/passkey/start", json!({}), true).await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.text());
    let started = started.json();
    let credential = auth.get(&started["options"], PORTAL);
    let body = json!({ "ceremony": started["ceremony"], "credential": credential });
    post_json(w, &anonymous(), "/login/passkey/finish", body, true).await
}

fn session_cookie(r: &Response) -> String {
    let set = r.header("set-cookie");
    let value = set.split(';').next().unwrap().to_owned();
    assert!(value.starts_with("sgo_session="), "{set}");
    format!("{value}; sgo_csrf={CSRF}")
}

async fn full_ceremonies(engine: Engine) {
    let w = world(engine).await;
    let org = w.admin().organization_id;
    let student = w.first(Role::Student, org);
    let student_id = w.id_of(&student).await;
    let cookie = w.cookie(&student).await;
    let mut phone = SoftAuthenticator::new();

    let added = register(&w, &cookie, &mut phone, "Телефон").await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.text());
    assert_eq!(added.json()["redirect"], "/settings/passkeys?done=added");
    let list = w.store().passkeys_of(student_id).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].name, "Телефон");
    assert_eq!(list[0].last_used_at, None);
    // The same authenticator a second time is refused by the server as well as by the browser.
    let twice = register(&w, &cookie, &mut phone, "Ещё раз").await;
    assert_eq!(twice.status, StatusCode::BAD_REQUEST, "{}", twice.text());

    // Signing in twice: the counter moves and the session opens the diary.
    for _ in 0..2 {
        let signed = sign_in(&w, &mut phone).await;
        assert_eq!(signed.status, StatusCode::OK, "{}", signed.text());
        assert_eq!(signed.json()["redirect"], "/diary");
        let diary = w.get(&session_cookie(&signed), "/diary").await;
        assert_eq!(diary.status, StatusCode::OK);
    }
    let used = &w.store().passkeys_of(student_id).await.unwrap()[0];
    assert!(used.last_used_at.is_some());
    let audit = w.store().recent_audit_log(50).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "sign_in"
        && e.result == "ok"
        && e.actor_account_id == Some(student_id)
        && e.details == "web passkey"));
    assert!(audit.iter().any(|e| e.action == "passkey.add"));

    // A replayed answer (the same signature again) is refused.
    let started = post_json(&w, &anonymous(), "/login/passkey/start", json!({}), true).await;
    let started = started.json();
    let credential = phone.get(&started["options"], PORTAL);
    let body = json!({ "ceremony": started["ceremony"], "credential": credential });
    let first = post_json(
        &w,
        &anonymous(),
        "/login/passkey/finish",
        body.clone(),
        true,
    )
    .await;
    assert_eq!(first.status, StatusCode::OK);
    let again = post_json(&w, &anonymous(), "/login/passkey/finish", body, true).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);

    // A disabled account does not sign in with its passkey.
    set_active(&w, student_id, false).await;
    let disabled = sign_in(&w, &mut phone).await;
    assert_eq!(
        disabled.status,
        StatusCode::UNAUTHORIZED,
        "{}",
        disabled.text()
    );
    assert!(
        disabled.json()["message"]
            .as_str()
            .unwrap()
            .contains("отключена")
    );
    set_active(&w, student_id, true).await;

    // Removed: the device no longer signs in.
    let id = used.id;
    let removed = w
        .post(&cookie, &format!("/settings/passkeys/{id}/remove"), &[])
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    let refused = sign_in(&w, &mut phone).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert!(
        refused.json()["message"]
            .as_str()
            .unwrap()
            .contains("удалён")
    );
}

async fn set_active(w: &World, account: i64, active: bool) {
    let a = w.store().account(account).await.unwrap().unwrap();
    let fields = AccountFields {
        login_norm: sgo_core::text::normalise(&a.login),
        login: a.login,
        display_name: a.display_name,
        active,
    };
    assert!(w.store().update_account(account, &fields).await.unwrap());
}

both_engines!(
    starts_return_options,
    unavailable_without_a_domain,
    bad_answers_are_refused,
    only_my_devices,
    full_ceremonies
);
