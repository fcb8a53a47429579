//! Lockout after failed sign-ins (web form and NetSchool login), the per-address limit, and the
//! sessions page, through the HTTP surface on both engines.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use axum::http::StatusCode;
use sgo_app::{Engine, LockoutRules, Origin, Role};
use sgo_demo::DemoAccount;
use sgo_testkit::{CSRF, Response, World, both_engines, world, world_with};

const LOCKED: &str = "Вы совершили 3 неудачные попытки входа. Следующая попытка может быть \
                      совершена не ранее чем через минуту";

/// The web login form, sent from `ip`.
async fn web_login(w: &World, ip: &str, org: i64, login: &str, password: &str) -> Response {
    w.form_login_from(ip, org, login, password).await
}

fn set_cookie(r: &Response, name: &str) -> Option<String> {
    r.set_cookie(name)
}

/// The NetSchool challenge login as the Python clients do it, sent from `ip`.
async fn api_login(w: &World, ip: &str, a: &DemoAccount, password: &str) -> Response {
    w.netschool_login_from(ip, a, password).await
}

fn alert(r: &Response) -> String {
    let text = r.text();
    let start = text.find("role=\"alert\">").map_or(0, |i| i + 13);
    let end = text[start..].find('<').map_or(text.len(), |i| start + i);
    text[start..end].to_owned()
}

async fn lockout(engine: Engine) {
    let w = world(engine, 1).await;
    let org = w.admin().organization_id;
    let students = w.all(Role::Student, org);
    let (victim, bystander) = (&students[0], &students[1]);

    // Three wrong passwords answer as wrong passwords; then even the right one waits.
    for _ in 0..3 {
        let r = web_login(&w, "10.0.0.1", org, &victim.login, "wrong-password").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert_eq!(alert(&r), "Неправильный пароль или имя пользователя");
    }
    let r = web_login(&w, "10.0.0.1", org, &victim.login, &victim.password).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(alert(&r), LOCKED);
    assert!(set_cookie(&r, "sgo_session").is_none());
    // From another address too: the pause belongs to the login.
    let r = web_login(&w, "10.0.0.2", org, &victim.login, &victim.password).await;
    assert_eq!(alert(&r), LOCKED);
    // The NetSchool login of the same account is paused as well, with the 409 the clients know.
    let r = api_login(&w, "10.0.0.2", victim, &victim.password).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json()["message"], LOCKED);

    // Someone else, from another address, is not slowed down at all.
    let r = web_login(&w, "10.0.0.9", org, &bystander.login, &bystander.password).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", alert(&r));
    assert!(set_cookie(&r, "sgo_session").is_some());

    // An unknown login answers exactly like a known one: first as a wrong password, then paused.
    for _ in 0..3 {
        let r = web_login(&w, "10.0.0.3", org, "НетТакогоЛогина", "whatever-1").await;
        assert_eq!(alert(&r), "Неправильный пароль или имя пользователя");
    }
    assert_eq!(
        alert(&web_login(&w, "10.0.0.3", org, "НетТакогоЛогина", "whatever-1").await),
        LOCKED
    );

    // NetSchool: three wrong answers, then the lockout wording.
    let api_victim = &students[2];
    for _ in 0..3 {
        let r = api_login(&w, "10.0.0.4", api_victim, "wrong-password").await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert_eq!(
            r.json()["message"],
            "Неправильный пароль или имя пользователя"
        );
    }
    let r = api_login(&w, "10.0.0.4", api_victim, &api_victim.password).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json()["message"], LOCKED);

    // A success forgets earlier failures: two, a success, two more never lock.
    let teacher = w.first(Role::Teacher, org);
    for round in 0..2 {
        for _ in 0..2 {
            web_login(&w, "10.0.0.5", org, &teacher.login, "wrong-password").await;
        }
        let r = web_login(&w, "10.0.0.5", org, &teacher.login, &teacher.password).await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "round {round}: {}",
            alert(&r)
        );
    }

    // Lockouts are audited.
    let audit = w.store().recent_audit_log(200).await.unwrap();
    let victim_id = w.id_of(victim).await;
    assert!(
        audit
            .iter()
            .any(|e| e.action == "sign_in.lockout" && e.actor_account_id == Some(victim_id)),
        "{audit:?}"
    );
}

/// A short pause ends by itself, and a repeated lockout lasts longer.
async fn pauses_end_and_grow(engine: Engine) {
    let w = world_with(engine, 1, |s| {
        s.lockout = LockoutRules {
            failures: 2,
            pause: chrono::Duration::seconds(1),
            ..LockoutRules::default()
        };
    })
    .await;
    let org = w.admin().organization_id;
    let student = w.first(Role::Student, org);
    let fail = || web_login(&w, "10.1.0.1", org, &student.login, "wrong-password");
    fail().await;
    fail().await;
    let paused = web_login(&w, "10.1.0.1", org, &student.login, &student.password).await;
    assert!(
        alert(&paused).contains("2 неудачные попытки"),
        "{}",
        alert(&paused)
    );
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    // The pause is over: the wrong password counts again, and the second lockout is 2 s.
    fail().await;
    fail().await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let still = web_login(&w, "10.1.0.1", org, &student.login, &student.password).await;
    assert!(alert(&still).contains("не ранее чем"), "{}", alert(&still));
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let ok = web_login(&w, "10.1.0.1", org, &student.login, &student.password).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", alert(&ok));
}

/// One address failing on many logins is paused, for every login; other addresses are not.
async fn address_limit(engine: Engine) {
    let w = world_with(engine, 1, |s| {
        s.lockout.address_failures = 5;
    })
    .await;
    let org = w.admin().organization_id;
    let parents = w.all(Role::Parent, org);
    for (i, p) in parents.iter().take(5).enumerate() {
        let r = web_login(&w, "192.0.2.7", org, &p.login, &format!("guess-{i}")).await;
        assert_eq!(alert(&r), "Неправильный пароль или имя пользователя");
    }
    // Even a right password of a login never tried from there waits.
    let target = &parents[6];
    let r = web_login(&w, "192.0.2.7", org, &target.login, &target.password).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let message = alert(&r);
    assert!(message.contains("с вашего адреса"), "{message}");
    assert!(message.contains("не ранее чем через 5 минут"), "{message}");
    let r = api_login(&w, "192.0.2.7", target, &target.password).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    // From another address the same account signs in at once; the tried logins are not paused.
    let r = web_login(&w, "198.51.100.1", org, &target.login, &target.password).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", alert(&r));
    let r = web_login(
        &w,
        "198.51.100.1",
        org,
        &parents[0].login,
        &parents[0].password,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", alert(&r));
    let audit = w.store().recent_audit_log(100).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "sign_in.address_lockout"));
}

/// The sessions page: my sessions listed with this one marked; ending one, ending all others;
/// someone else's session cannot be ended by its id.
async fn sessions_page(engine: Engine) {
    let w = world(engine, 1).await;
    let org = w.admin().organization_id;
    let parent = w.first(Role::Parent, org);
    let teacher = w.first(Role::Teacher, org);
    let me = w.id_of(&parent).await;

    let first = web_login(&w, "10.2.0.1", org, &parent.login, &parent.password).await;
    let c1 = format!(
        "sgo_session={}; sgo_csrf={CSRF}",
        set_cookie(&first, "sgo_session").unwrap()
    );
    let api = api_login(&w, "10.2.0.2", &parent, &parent.password).await;
    let at = api.json()["at"].as_str().unwrap().to_owned();
    let c3 = w.cookie(&parent).await;
    let teacher_at = w.token(&teacher).await;

    let page = w.get(&c1, "/settings/sessions").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert_eq!(html.matches("id=\"session-").count(), 3, "{html}");
    assert_eq!(html.matches("этот сеанс").count(), 1);
    assert!(html.contains("10.2.0.1") && html.contains("10.2.0.2"));
    assert!(html.contains("Firefox, Linux"));
    assert!(html.contains("Мобильное приложение (API)"));
    let settings = w.get(&c1, "/settings").await.text();
    assert!(settings.contains("href=\"/settings/sessions\""));

    let sessions = w
        .store()
        .account_sessions(me, chrono::DateTime::<chrono::Utc>::UNIX_EPOCH)
        .await
        .unwrap();
    let api_session = sessions.iter().find(|s| s.channel == "webapi").unwrap().id;
    // The API session works (and is now in the in-process cache).
    assert_eq!(w.api_get(&at, "mysettings").await.status, StatusCode::OK);

    // Without the CSRF field nothing ends.
    let uri = format!("/settings/sessions/{api_session}/end");
    assert_eq!(
        w.post_raw(&c1, &uri, &[]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(w.api_get(&at, "mysettings").await.status, StatusCode::OK);

    let ended = w.post(&c1, &uri, &[]).await;
    assert_eq!(ended.status, StatusCode::SEE_OTHER);
    assert_eq!(ended.location(), "/settings/sessions?ended=1");
    // Ended at once, cache or not.
    assert_eq!(
        w.api_get(&at, "mysettings").await.status,
        StatusCode::UNAUTHORIZED
    );

    // Someone else's session: not found, and it keeps working.
    let teacher_sessions = w
        .store()
        .account_sessions(
            w.id_of(&teacher).await,
            chrono::DateTime::<chrono::Utc>::UNIX_EPOCH,
        )
        .await
        .unwrap();
    let theirs = format!("/settings/sessions/{}/end", teacher_sessions[0].id);
    assert_eq!(
        w.post(&c1, &theirs, &[]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.api_get(&teacher_at, "mysettings").await.status,
        StatusCode::OK
    );
    let policy = w
        .app
        .end_session(
            &w.app
                .authenticate_token(&c1[12..c1.find(';').unwrap()])
                .await
                .unwrap(),
            &Origin::default(),
            sgo_core::SessionId::new(teacher_sessions[0].id),
        )
        .await;
    assert!(matches!(policy, Err(sgo_app::AppError::NotFound(_))));

    // End all others: the third session goes, mine stays, the teacher's stays.
    assert_eq!(
        w.get(&c3, "/settings/sessions").await.status,
        StatusCode::OK
    );
    let others = w.post(&c1, "/settings/sessions/end-others", &[]).await;
    assert_eq!(others.location(), "/settings/sessions?ended=1");
    assert_eq!(
        w.get(&c3, "/settings/sessions").await.status,
        StatusCode::SEE_OTHER
    );
    let page = w.get(&c1, "/settings/sessions").await;
    assert_eq!(page.text().matches("id=\"session-").count(), 1);
    assert!(!page.text().contains("id=\"end-others\""));
    assert_eq!(
        w.api_get(&teacher_at, "mysettings").await.status,
        StatusCode::OK
    );

    // Ending my own session signs me out.
    let mine = w
        .store()
        .account_sessions(me, chrono::DateTime::<chrono::Utc>::UNIX_EPOCH)
        .await
        .unwrap();
    let out = w
        .post(&c1, &format!("/settings/sessions/{}/end", mine[0].id), &[])
        .await;
    assert_eq!(out.location(), "/login");
    assert_eq!(
        w.get(&c1, "/settings/sessions").await.status,
        StatusCode::SEE_OTHER
    );

    // «Завершить все сеансы»: every session of mine ends, this one and the API's included;
    // without the CSRF field nothing ends; someone else's sessions stay.
    let web = w.cookie(&parent).await;
    let api = api_login(&w, "10.2.0.3", &parent, &parent.password).await;
    let at = api.json()["at"].as_str().unwrap().to_owned();
    let page = w.get(&web, "/settings/sessions").await.text();
    assert!(page.contains("id=\"end-all\""), "{page}");
    assert_eq!(
        w.post_raw(&web, "/settings/sessions/end-all", &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(w.api_get(&at, "mysettings").await.status, StatusCode::OK);
    let all = w.post(&web, "/settings/sessions/end-all", &[]).await;
    assert_eq!(all.status, StatusCode::SEE_OTHER);
    assert_eq!(all.location(), "/login?ended=all");
    let notice = w.get("", "/login?ended=all").await.text();
    assert!(notice.contains("Все сеансы завершены"), "{notice}");
    assert!(
        all.header("set-cookie").starts_with("sgo_session=;"),
        "{}",
        all.header("set-cookie")
    );
    assert_eq!(
        w.get(&web, "/settings/sessions").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        w.api_get(&at, "mysettings").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert!(
        w.store()
            .account_sessions(me, chrono::DateTime::<chrono::Utc>::UNIX_EPOCH)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        w.api_get(&teacher_at, "mysettings").await.status,
        StatusCode::OK
    );
    let audit = w.store().recent_audit_log(20).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "session.end_all"));
}

both_engines!(lockout, pauses_end_and_grow, address_limit, sessions_page);
