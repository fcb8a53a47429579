//! Personal settings, password changes (also forced after a one-time password) and the change
//! log, through the real router on both engines with a one-school demo region.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use serde_json::Value as Json;
use sgo_app::{Engine, PasswordCost, Role};
use sgo_demo::DemoAccount;
use sgo_store::AuditLogEntry;
use sgo_testkit::{Browser, Response, World, both_engines, set_cookie_value};

/// The one-school demo of these tests (four students per class, seed 3).
async fn world(engine: Engine) -> World {
    World::build(engine)
        .students_per_class(4)
        .seed(3)
        .start()
        .await
}

/// An answer as these tests read it: status, headers and the body as text.
type Reply = (StatusCode, HeaderMap, String);

trait IntoReply {
    type Out;
    fn reply(self) -> Self::Out;
}

impl IntoReply for Response {
    type Out = Reply;
    fn reply(self) -> Reply {
        let text = self.text();
        (self.status, self.headers, text)
    }
}

impl IntoReply for (Response, Option<Browser>) {
    type Out = (Reply, Option<Browser>);
    fn reply(self) -> (Reply, Option<Browser>) {
        (self.0.reply(), self.1)
    }
}

fn location(headers: &HeaderMap) -> &str {
    headers[header::LOCATION].to_str().unwrap()
}

/// The NetSchool challenge login with a password (no `pw` field); returns status and body.
async fn webapi_login(w: &World, a: &DemoAccount, password: &str) -> (StatusCode, Json) {
    let (org, login, password) = (a.organization_id, a.login.clone(), password.to_owned());
    let (status, body, _) = w
        .challenge(move |lt, ver, salt| {
            let pw2 = sgo_auth::legacy::expected_pw2(
                &sgo_auth::legacy::verifier(&password).unwrap(),
                salt,
            );
            serde_urlencoded::to_string([
                ("loginType", "1"),
                ("scid", &org.to_string()),
                ("un", &login),
                ("pw2", &pw2),
                ("lt", lt),
                ("ver", ver),
            ])
            .unwrap()
        })
        .await;
    (status, body)
}

/// Gives the account a one-time password, as a credential sheet would.
async fn issue_one_time_password(w: &World, a: &DemoAccount, password: &str) {
    let id = w.id_of(a).await;
    let hash = sgo_auth::password::hash_password(password, PasswordCost::DEMO).unwrap();
    let sealed = sgo_auth::legacy::seal_verifier(w.app.key(), password);
    assert!(
        w.store()
            .set_password(id, &hash, sealed.as_deref(), true)
            .await
            .unwrap()
    );
}

fn settings_fields<'a>(
    display_name: &'a str,
    email: &'a str,
    phone: &'a str,
    channel: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("display_name", display_name),
        ("email", email),
        ("phone", phone),
        ("preferred_channel", channel),
        ("signature_cert_url", ""),
    ]
}

async fn personal_settings(engine: Engine) {
    let w = world(engine).await;
    let parent = w.any(Role::Parent);
    let b = w.browser(&parent).await;
    let me = w
        .app
        .personal_settings(&sgo_app::Actor::new(
            sgo_core::AccountId::new(w.id_of(&parent).await),
            sgo_core::OrganizationId::new(parent.organization_id),
            vec![Role::Parent],
        ))
        .await
        .unwrap();

    let (status, _, html) = w.get(&b.cookie, "/settings").await.reply();
    assert_eq!(status, StatusCode::OK);
    for id in [
        "last-name",
        "first-name",
        "middle-name",
        "display-name",
        "login",
        "signature-cert-url",
        "channel-system",
        "channel-email",
        "channel-paper",
        "email",
        "phone",
        "settings-save",
        "settings-revert",
        "esia-settings",
        "device-signin",
        "change-password",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "missing #{id}");
    }
    assert!(html.contains(&me.last_name) && html.contains("type=\"reset\""));
    assert!(
        w.get(&b.cookie, "/diary")
            .await
            .reply()
            .2
            .contains("id=\"my-settings\"")
    );

    // A change of display name, e-mail, phone and channel is saved and shown.
    let fields = settings_fields("Мама Маши", "mama@example.ru", "8 (912) 345-67-89", "email");
    let (status, headers, _) = w
        .post_maybe_csrf(&b.cookie, "/settings", &fields, true)
        .await
        .reply();
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&headers), "/settings?saved=1");
    let (_, _, html) = w.get(&b.cookie, "/settings?saved=1").await.reply();
    assert!(html.contains("Изменения сохранены"));
    assert!(html.contains("value=\"Мама Маши\""));
    assert!(html.contains("value=\"mama@example.ru\""));
    assert!(html.contains("value=\"+7 (912) 345-67-89\""));
    assert!(
        html.contains("id=\"channel-email\" name=\"preferred_channel\" value=\"email\" checked")
    );
    // The header shows the new name.
    assert!(html.contains(">Мама Маши</a>"));

    // Names are the school's: a request that tries to change the surname is refused.
    let mut forged = settings_fields("Мама Маши", "mama@example.ru", "", "system");
    forged.push(("last_name", "Другая"));
    let (status, _, html) = w
        .post_maybe_csrf(&b.cookie, "/settings", &forged, true)
        .await
        .reply();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Фамилию, имя и отчество меняет школа"));
    let after = w
        .store()
        .personal_settings(me.account_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.last_name, me.last_name);
    assert_eq!(
        after.preferred_channel, "email",
        "nothing of the refused form is saved"
    );
    // Sending the names unchanged is fine (a form that posts the disabled values).
    let mut same = settings_fields("Мама Маши", "mama@example.ru", "", "system");
    same.push(("last_name", &me.last_name));
    assert_eq!(
        w.post_maybe_csrf(&b.cookie, "/settings", &same, true)
            .await
            .reply()
            .0,
        StatusCode::SEE_OTHER
    );

    // Invalid values are form errors next to their fields, the typed values kept.
    let bad = settings_fields("Мама Маши", "mama@", "", "system");
    let (status, _, html) = w
        .post_maybe_csrf(&b.cookie, "/settings", &bad, true)
        .await
        .reply();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("id=\"email-error\"") && html.contains("value=\"mama@\""));
    let (status, _, html) = w
        .post_maybe_csrf(
            &b.cookie,
            "/settings",
            &settings_fields("Мама", "", "", "email"),
            true,
        )
        .await
        .reply();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Укажите адрес электронной почты"));
    let (status, _, html) = w
        .post_maybe_csrf(
            &b.cookie,
            "/settings",
            &settings_fields("  ", "", "12ab", "fax"),
            true,
        )
        .await
        .reply();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(html.matches("class=\"field-error\"").count(), 3, "{html}");
    let mut http = settings_fields("Мама", "", "", "system");
    http[4].1 = "http://ca.example.ru/c.cer";
    let (status, _, html) = w
        .post_maybe_csrf(&b.cookie, "/settings", &http, true)
        .await
        .reply();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("https://"));

    // Without the CSRF token: 403 and nothing saved.
    let fields = settings_fields("Взломщик", "", "", "system");
    assert_eq!(
        w.post_maybe_csrf(&b.cookie, "/settings", &fields, false)
            .await
            .reply()
            .0,
        StatusCode::FORBIDDEN
    );
    let after = w
        .store()
        .personal_settings(me.account_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.display_name, "Мама Маши");

    // The change is in the log, old → new, with the parent as actor.
    let audit = w.store().recent_audit_log(20).await.unwrap();
    // The first of the saves (the log is read newest first).
    let entry = audit
        .iter()
        .rev()
        .find(|e| e.action == "settings.update")
        .unwrap();
    assert_eq!(entry.organization_id, Some(parent.organization_id));
    assert_eq!(entry.actor_account_id, Some(me.account_id));
    assert!(
        entry
            .details
            .contains(&format!("«{}» → «Мама Маши»", me.display_name))
    );
}

async fn password_change(engine: Engine) {
    let w = world(engine).await;
    let parent = w.any(Role::Parent);
    let b = w.browser(&parent).await;
    let other = w.browser(&parent).await;
    let id = w.id_of(&parent).await;

    let (status, _, html) = w.get(&b.cookie, "/settings/password").await.reply();
    assert_eq!(status, StatusCode::OK);
    for field in [
        "current-password",
        "new-password",
        "repeat-password",
        "password-save",
    ] {
        assert!(
            html.contains(&format!("id=\"{field}\"")),
            "missing #{field}"
        );
    }
    assert!(!html.contains("временным паролем"));

    // A wrong current password: a form error and an audit entry; the password stays.
    let fields = [
        ("current_password", "неверный-пароль"),
        ("new_password", "НовыйПароль-2026"),
        ("repeat_password", "НовыйПароль-2026"),
    ];
    let (status, _, html) = w
        .post_maybe_csrf(&b.cookie, "/settings/password", &fields, true)
        .await
        .reply();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("id=\"current-password-error\""));
    let audit = w.store().recent_audit_log(5).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "password.change"
        && e.result == "refused"
        && e.actor_account_id == Some(id)));

    // The rules: length, not the login, not the same as now, repeated, typeable in cp1251.
    for (new, repeat, message) in [
        ("корот", "корот", "не менее 8"),
        (
            parent.login.as_str(),
            parent.login.as_str(),
            "именем пользователя",
        ),
        (
            parent.password.as_str(),
            parent.password.as_str(),
            "отличаться от текущего",
        ),
        ("НовыйПароль-2026", "НовыйПароль-2027", "не совпадают"),
        (
            "пароль-с-😀-смайлом",
            "пароль-с-😀-смайлом",
            "мобильных приложениях",
        ),
    ] {
        let fields = [
            ("current_password", parent.password.as_str()),
            ("new_password", new),
            ("repeat_password", repeat),
        ];
        let (status, _, html) = w
            .post_maybe_csrf(&b.cookie, "/settings/password", &fields, true)
            .await
            .reply();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{new}");
        assert!(html.contains(message), "{new}: {message}");
    }
    let fields = [
        ("current_password", parent.password.as_str()),
        ("new_password", "НовыйПароль-2026"),
        ("repeat_password", "НовыйПароль-2026"),
    ];
    assert_eq!(
        w.post_maybe_csrf(&b.cookie, "/settings/password", &fields, false)
            .await
            .reply()
            .0,
        StatusCode::FORBIDDEN
    );

    // Success: every session ends, this one too (a copy of its cookie is worth nothing now);
    // this browser goes on in a fresh session; the old password no longer works.
    let (status, headers, _) = w
        .post_maybe_csrf(&b.cookie, "/settings/password", &fields, true)
        .await
        .reply();
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&headers), "/settings?saved=password");
    let fresh = set_cookie_value(&headers, "sgo_session").expect("a fresh session");
    for old in [&b, &other] {
        let (status, headers, _) = w.get(&old.cookie, "/settings").await.reply();
        assert_eq!(
            (status, location(&headers)),
            (StatusCode::SEE_OTHER, "/login")
        );
    }
    let b = Browser {
        cookie: format!("sgo_session={fresh}"),
        csrf: sgo_web::csrf_token_for(&fresh),
    };
    assert!(
        w.get(&b.cookie, "/settings?saved=password")
            .await
            .reply()
            .2
            .contains("Пароль изменён")
    );
    let ((status, _, _), browser) = w.web_login(&parent, &parent.password).await.reply();
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(browser.is_none());
    let ((status, headers, _), _) = w.web_login(&parent, "НовыйПароль-2026").await.reply();
    assert_eq!(
        (status, location(&headers)),
        (StatusCode::SEE_OTHER, "/diary")
    );
    // The NetSchool clients take the new password too (its verifier was replaced).
    assert_eq!(
        webapi_login(&w, &parent, "НовыйПароль-2026").await.0,
        StatusCode::OK
    );
    assert_eq!(
        webapi_login(&w, &parent, &parent.password).await.0,
        StatusCode::CONFLICT
    );
    // The change is logged without the password.
    let audit = w.store().recent_audit_log(20).await.unwrap();
    let entry = audit
        .iter()
        .find(|e| e.action == "password.change" && e.result == "ok")
        .unwrap();
    assert_eq!(entry.organization_id, Some(parent.organization_id));
    assert!(!entry.details.contains("НовыйПароль") && !entry.details.contains(&parent.password));
}

async fn forced_change(engine: Engine) {
    let w = world(engine).await;
    let student = w.any(Role::Student);
    issue_one_time_password(&w, &student, "Врем-1234").await;

    // The NetSchool clients are told to go to the site.
    let (status, body) = webapi_login(&w, &student, "Врем-1234").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        body["message"],
        "Необходимо сменить временный пароль: войдите через сайт"
    );
    // A wrong password still gets the ordinary answer.
    let (status, body) = webapi_login(&w, &student, "не-тот-пароль").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("Неправильный пароль")
    );

    // The web form sends to the password page, and every other page sends there too.
    let ((status, headers, _), b) = w.web_login(&student, "Врем-1234").await.reply();
    assert_eq!(
        (status, location(&headers)),
        (StatusCode::SEE_OTHER, "/settings/password")
    );
    let b = b.unwrap();
    for page in ["/diary", "/settings", "/home", "/changes"] {
        let (status, headers, _) = w.get(&b.cookie, page).await.reply();
        assert_eq!(
            (status, location(&headers)),
            (StatusCode::SEE_OTHER, "/settings/password"),
            "{page}"
        );
    }
    let (status, _, _) = w
        .post_maybe_csrf(
            &b.cookie,
            "/settings",
            &settings_fields("Я", "", "", "system"),
            true,
        )
        .await
        .reply();
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "posts elsewhere are turned away too"
    );
    assert_eq!(
        w.send(Request::get("/static/app.css").body(Body::empty()).unwrap())
            .await
            .status,
        StatusCode::OK
    );
    let (status, _, html) = w.get(&b.cookie, "/settings/password").await.reply();
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Вы вошли с временным паролем."));
    // The one-time password is asked again: a session that never knew it cannot set a new one.
    assert!(html.contains("id=\"current-password\"") && html.contains("Временный пароль"));
    assert!(html.contains("id=\"new-password\"") && html.contains("id=\"password-save\""));
    for current in ["", "не-тот-пароль"] {
        let fields = [
            ("current_password", current),
            ("new_password", "Мой-пароль-1"),
            ("repeat_password", "Мой-пароль-1"),
        ];
        let (status, _, html) = w
            .post_maybe_csrf(&b.cookie, "/settings/password", &fields, true)
            .await
            .reply();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{current:?}");
        assert!(
            html.contains("id=\"current-password-error\""),
            "{current:?}"
        );
    }

    // The one-time password itself cannot be kept.
    let same = [
        ("current_password", "Врем-1234"),
        ("new_password", "Врем-1234"),
        ("repeat_password", "Врем-1234"),
    ];
    let (status, _, html) = w
        .post_maybe_csrf(&b.cookie, "/settings/password", &same, true)
        .await
        .reply();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("отличаться от временного"));

    let fields = [
        ("current_password", "Врем-1234"),
        ("new_password", "Мой-пароль-1"),
        ("repeat_password", "Мой-пароль-1"),
    ];
    let (status, headers, _) = w
        .post_maybe_csrf(&b.cookie, "/settings/password", &fields, true)
        .await
        .reply();
    assert_eq!(
        (status, location(&headers)),
        (StatusCode::SEE_OTHER, "/diary")
    );
    // The session of the one-time password has ended; the browser goes on in a fresh one.
    assert_eq!(
        w.get(&b.cookie, "/diary").await.reply().0,
        StatusCode::SEE_OTHER
    );
    let fresh = set_cookie_value(&headers, "sgo_session").expect("a fresh session");
    let b = Browser {
        cookie: format!("sgo_session={fresh}"),
        csrf: sgo_web::csrf_token_for(&fresh),
    };
    assert_eq!(w.get(&b.cookie, "/diary").await.reply().0, StatusCode::OK);
    assert!(
        !w.store()
            .password_change_required(w.id_of(&student).await)
            .await
            .unwrap()
    );
    // Now the clients may sign in with the new password.
    assert_eq!(
        webapi_login(&w, &student, "Мой-пароль-1").await.0,
        StatusCode::OK
    );
    // Later sign-ins go straight to the diary; the password page asks for the current one again.
    let ((status, headers, _), b) = w.web_login(&student, "Мой-пароль-1").await.reply();
    assert_eq!(
        (status, location(&headers)),
        (StatusCode::SEE_OTHER, "/diary")
    );
    assert!(
        w.get(&b.unwrap().cookie, "/settings/password")
            .await
            .reply()
            .2
            .contains("id=\"current-password\"")
    );
}

async fn audit_log(engine: Engine) {
    let w = world(engine).await;
    let admin = w.any(Role::Administrator);
    let parent = w.any(Role::Parent);
    let teacher = w.any(Role::Teacher);

    // Changes through the use cases: the parent's settings, the teacher's password.
    let pb = w.browser(&parent).await;
    let fields = settings_fields("Родитель Первый", "", "", "paper");
    assert_eq!(
        w.post_maybe_csrf(&pb.cookie, "/settings", &fields, true)
            .await
            .reply()
            .0,
        StatusCode::SEE_OTHER
    );
    let tb = w.browser(&teacher).await;
    let fields = [
        ("current_password", teacher.password.as_str()),
        ("new_password", "Учитель-пароль-1"),
        ("repeat_password", "Учитель-пароль-1"),
    ];
    let (status, headers, _) = w
        .post_maybe_csrf(&tb.cookie, "/settings/password", &fields, true)
        .await
        .reply();
    assert_eq!(status, StatusCode::SEE_OTHER);
    // The change ended the teacher's session; the browser goes on in the fresh one.
    let fresh = set_cookie_value(&headers, "sgo_session").unwrap();
    let tb = Browser {
        cookie: format!("sgo_session={fresh}"),
        csrf: sgo_web::csrf_token_for(&fresh),
    };
    // An entry of another organization, which this school must not see.
    w.store()
        .append_audit_log(&AuditLogEntry {
            at: chrono::Utc::now(),
            actor_account_id: None,
            organization_id: Some(parent.organization_id + 100_000),
            action: "class.create".into(),
            target: "class:1".into(),
            ip: String::new(),
            result: "ok".into(),
            details: "Чужая школа".into(),
        })
        .await
        .unwrap();

    let ab = w.browser(&admin).await;
    let (status, _, html) = w.get(&ab.cookie, "/changes").await.reply();
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"change-log\""));
    assert!(html.contains("Изменение личных настроек") && html.contains("Смена пароля"));
    assert!(html.contains("Родитель Первый") && html.contains(&teacher.login));
    assert!(html.contains("Почтовые отправления"));
    assert!(!html.contains("Чужая школа"));
    for id in [
        "filter-from",
        "filter-to",
        "filter-who",
        "filter-area",
        "filter-text",
        "filter-apply",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "missing #{id}");
    }
    assert!(
        !html.contains("id=\"filter-organization\""),
        "a school sees only itself"
    );
    // Newest first: the teacher's password change comes before the parent's settings.
    assert!(html.find("Смена пароля").unwrap() < html.find("Изменение личных настроек").unwrap());

    // Filters: area, who (any case), text, dates.
    let (_, _, html) = w.get(&ab.cookie, "/changes?area=settings").await.reply();
    assert!(html.contains("Изменение личных настроек") && !html.contains("Смена пароля"));
    let (_, _, html) = w.get(&ab.cookie, "/changes?area=class").await.reply();
    assert!(html.contains("id=\"change-log-empty\""));
    let who = teacher
        .display_name
        .split_whitespace()
        .next()
        .unwrap()
        .to_lowercase();
    let uri = format!(
        "/changes?who={}",
        serde_urlencoded::to_string([("x", &who)]).unwrap()[2..].to_owned()
    );
    let (_, _, html) = w.get(&ab.cookie, &uri).await.reply();
    assert!(
        html.contains("Смена пароля") && !html.contains("Изменение личных настроек"),
        "{who}"
    );
    let (_, _, html) = w
        .get(
            &ab.cookie,
            "/changes?text=%D0%BF%D0%BE%D1%87%D1%82%D0%BE%D0%B2%D1%8B%D0%B5",
        )
        .await
        .reply();
    assert!(html.contains("Изменение личных настроек") && !html.contains("Смена пароля"));
    // The demo clock's day is fixed, but the log is written at the real time: filter around it.
    let now = chrono::Utc::now()
        .with_timezone(&sgo_app::audit_log::log_offset())
        .date_naive();
    let (_, _, html) = w
        .get(&ab.cookie, &format!("/changes?from={now}&to={now}"))
        .await
        .reply();
    assert!(html.contains("Смена пароля"));
    let yesterday = now.pred_opt().unwrap();
    let (_, _, html) = w
        .get(&ab.cookie, &format!("/changes?to={yesterday}"))
        .await
        .reply();
    assert!(html.contains("id=\"change-log-empty\""));
    // Bad filters are a 400 with a message.
    let (status, _, html) = w.get(&ab.cookie, "/changes?from=вчера").await.reply();
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("Дата"));
    assert_eq!(
        w.get(&ab.cookie, "/changes?area=nonsense").await.reply().0,
        StatusCode::BAD_REQUEST
    );
    // Another organization's log is refused to a school administrator.
    let uri = format!("/changes?organization={}", parent.organization_id + 100_000);
    assert_eq!(
        w.get(&ab.cookie, &uri).await.reply().0,
        StatusCode::FORBIDDEN
    );
    assert!(
        !w.get(&ab.cookie, "/changes?organization=all")
            .await
            .reply()
            .2
            .contains("Чужая школа"),
        "«all» means the own school for a school administrator"
    );

    // Paging: 50 a page, newest first, filters kept in the links.
    for i in 0..55 {
        w.store()
            .append_audit_log(&AuditLogEntry {
                at: chrono::Utc::now(),
                actor_account_id: None,
                organization_id: Some(parent.organization_id),
                action: "class.update".into(),
                target: format!("class:{i}"),
                ip: String::new(),
                result: "ok".into(),
                details: format!("Запись {i}"),
            })
            .await
            .unwrap();
    }
    let (_, _, html) = w.get(&ab.cookie, "/changes?area=class").await.reply();
    assert!(html.contains("Найдено записей: 55") && html.contains("Страница 1 из 2"));
    assert!(html.contains("Запись 54") && !html.contains("Запись 4<"));
    let next = html.split("id=\"page-next\" href=\"").nth(1).unwrap();
    assert!(next.starts_with("/changes?area=class&") && next.contains("page=2\""));
    let (_, _, html) = w
        .get(&ab.cookie, "/changes?area=class&page=2")
        .await
        .reply();
    assert!(html.contains("Запись 4<") && !html.contains("Запись 54"));
    assert!(html.contains("id=\"page-prev\""));

    // Teachers and parents may not read the log.
    assert_eq!(
        w.get(&tb.cookie, "/changes").await.reply().0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        w.get(&pb.cookie, "/changes").await.reply().0,
        StatusCode::FORBIDDEN
    );
}

both_engines!(personal_settings, password_change, forced_change, audit_log);
