//! Password recovery by e-mail through a real SMTP server process (aiosmtpd writing a Maildir),
//! on both engines: the mail arrives, the link works once and then no more, the old password
//! stops working, every session ends, and the answer is the same for an unknown address.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use sgo_testkit::both_engines;
use sgo_testkit::mailing::{set_email, world_with_smtp};
use std::time::Duration;

use axum::http::StatusCode;
use sgo_app::{AppError, Engine, Origin, Role};
use sgo_demo::DemoAccount;
use sgo_testkit::smtp::SmtpServer;
use sgo_testkit::{World, world_with};

/// A visitor who is not signed in: only the CSRF cookie.
const ANON: &str = "sgo_csrf=0123456789abcdef0123456789abcdef";

async fn request(w: &World, org: i64, who: &str) -> sgo_testkit::Response {
    let org = org.to_string();
    w.post(ANON, "/recover", &[("organization", &org), ("who", who)])
        .await
}

/// The recovery link in a mail body.
fn link_in(body: &str) -> String {
    let start = body.find("https://sgo.example.ru/recover/").unwrap();
    let rest = &body[start..];
    let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    rest[..end]["https://sgo.example.ru".len()..].to_owned()
}

async fn sign_in(w: &World, a: &DemoAccount, password: &str) -> Result<String, AppError> {
    w.app
        .sign_in(
            sgo_core::OrganizationId::new(a.organization_id),
            &a.login,
            password,
            &Origin::default(),
        )
        .await
        .map(|s| s.token)
}

async fn recovery(engine: Engine) {
    let smtp = SmtpServer::start();
    let port = smtp.port;
    let w = world_with_smtp(engine, port).await;
    let org = w.admin().organization_id;
    let parent = w.first(Role::Parent, org);
    let id = w.id_of(&parent).await;
    set_email(&w, id, "Mama@Example.ru", None).await;

    // The login page leads to the form, which has the organization cascade and one field.
    let login = w.get(ANON, "/login").await.text();
    assert!(login.contains("href=\"/recover\"") && login.contains("Забыли пароль?"));
    let form = w.get(ANON, "/recover").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text().contains("id=\"recover-form\"") && form.text().contains("name=\"who\""));
    // Without the CSRF field nothing is sent.
    let org_s = org.to_string();
    let stale = w
        .post_raw(
            ANON,
            "/recover",
            &[("organization", &org_s), ("who", &parent.login)],
        )
        .await;
    assert_eq!(stale.status, StatusCode::FORBIDDEN);

    // Two sessions that a reset must end.
    let web_session = sign_in(&w, &parent, &parent.password).await.unwrap();
    let api_session = sign_in(&w, &parent, &parent.password).await.unwrap();
    assert_eq!(
        w.api_get(&api_session, "mysettings").await.status,
        StatusCode::OK
    );

    // By login, by e-mail (any case), for an unknown address and an unknown login: one answer.
    let by_login = request(&w, org, &parent.login).await;
    assert_eq!(by_login.status, StatusCode::OK);
    assert!(
        by_login
            .text()
            .contains("Если в выбранной организации есть такая учётная запись")
    );
    let by_email = request(&w, org, "MAMA@example.RU").await;
    let unknown_email = request(&w, org, "nobody@example.ru").await;
    let unknown_login = request(&w, org, "НетТакого").await;
    for r in [&by_email, &unknown_email, &unknown_login] {
        assert_eq!(r.status, by_login.status);
        assert_eq!(r.text(), by_login.text());
    }

    let mails = smtp.wait_for(2).await;
    assert_eq!(mails.len(), 2, "{mails:?}");
    for (subject, body, to) in &mails {
        assert_eq!(subject, "Восстановление пароля");
        assert!(to.contains("Mama@Example.ru"), "{to}");
        assert!(body.contains(&parent.login), "{body}");
    }
    let link = link_in(&mails[0].1);
    let other_link = link_in(&mails[1].1);
    assert_ne!(link, other_link);

    // The link opens the form; a weak password is refused and the link still works.
    let page = w.get(ANON, &link).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains(&parent.login));
    assert_eq!(page.header("referrer-policy"), "no-referrer");
    let weak = w
        .post(
            ANON,
            &link,
            &[("new_password", "short"), ("repeat_password", "short")],
        )
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        weak.text().contains("не менее 8 символов"),
        "{}",
        weak.text()
    );
    let mismatch = w
        .post(
            ANON,
            &link,
            &[
                ("new_password", "Новый-пароль-1"),
                ("repeat_password", "Другой-пароль-1"),
            ],
        )
        .await;
    assert!(mismatch.text().contains("Пароли не совпадают"));

    let new_password = "Новый-пароль-2026";
    let done = w
        .post(
            ANON,
            &link,
            &[
                ("new_password", new_password),
                ("repeat_password", new_password),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text());
    assert!(done.text().contains("Пароль изменён"));

    // Once only: the same link, and the other unspent one, no longer work.
    for l in [&link, &other_link] {
        let again = w.get(ANON, l).await;
        assert_eq!(again.status, StatusCode::GONE);
        assert!(again.text().contains("недействительна"));
    }
    let reuse = w
        .post(
            ANON,
            &link,
            &[
                ("new_password", "Ещё-один-пароль"),
                ("repeat_password", "Ещё-один-пароль"),
            ],
        )
        .await;
    assert_eq!(reuse.status, StatusCode::GONE);

    // The old password no longer works, the new one does, and the earlier sessions ended.
    assert!(matches!(
        sign_in(&w, &parent, &parent.password).await,
        Err(AppError::InvalidCredentials)
    ));
    assert!(sign_in(&w, &parent, new_password).await.is_ok());
    assert_eq!(
        w.api_get(&api_session, "mysettings").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert!(w.app.authenticate_token(&web_session).await.is_err());

    // An unknown link, and a made-up one, say the same.
    assert_eq!(
        w.get(ANON, "/recover/0123abcd").await.status,
        StatusCode::GONE
    );

    // At most three links per account an hour: the fourth request sends nothing (and says so
    // only in the audit log).
    request(&w, org, &parent.login).await;
    request(&w, org, &parent.login).await;
    let audit = w.store().recent_audit_log(50).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "password.reset_request"
        && e.result == "refused"
        && e.actor_account_id == Some(id)));
    assert!(
        audit
            .iter()
            .any(|e| e.action == "password.reset" && e.actor_account_id == Some(id))
    );
    let all = smtp.wait_for(3).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(smtp.received().len(), 3, "{all:?}");
}

/// Without SMTP the form says who can reset a password; the administrator's reset from the
/// person card is there.
async fn school_reset(engine: Engine) {
    let w = world_with(engine, 1, |_| {}).await;
    let page = w.get(ANON, "/recover").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("обратитесь к администратору"));
    let org = w.admin().organization_id;
    let parent = w.first(Role::Parent, org);
    let id = w.id_of(&parent).await;
    let admin = w.cookie(&w.admin()).await;
    let card = w.get(&admin, &format!("/people/{id}")).await;
    assert!(card.text().contains("id=\"person-reset\""));
    let account = id.to_string();
    let sheet = w
        .post(
            &admin,
            "/people/credentials",
            &[("account", &account), ("confirm", "1")],
        )
        .await;
    assert_eq!(sheet.status, StatusCode::OK);
    assert_eq!(sheet.header("content-type"), "application/pdf");
    // The old password stopped working.
    assert!(sign_in(&w, &parent, &parent.password).await.is_err());
}

both_engines!(recovery, school_reset);
