//! Account takeover closed, through the real router on both engines: a class teacher cannot
//! issue a sheet for an account that holds a staff role (issue 16, hole 1); new credentials,
//! deactivation and a role taken away end every open session (hole 2); a NetSchool login binds
//! a fresh server-made NSSESSIONID, never the client's (hole 4); weak passwords are refused
//! (hole 11).

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use sgo_app::{Engine, Role};
use sgo_demo::DemoAccount;
use sgo_testkit::both_engines;
use sgo_testkit::{World, set_cookie_value, today, world};

/// A class teacher, the class they lead, and a parent of one of its students.
async fn teacher_class_parent(w: &World, org: i64) -> (DemoAccount, i64, i64) {
    let year = w.store().current_year(org, today()).await.unwrap().unwrap();
    for t in w.all(Role::Teacher, org) {
        let id = w.id_of(&t).await;
        let Some(class) = w
            .store()
            .classes_led_by(id, year.id)
            .await
            .unwrap()
            .first()
            .copied()
        else {
            continue;
        };
        let students = w.store().students_of_class(class, today()).await.unwrap();
        let parent = w
            .store()
            .people_parent_links(org)
            .await
            .unwrap()
            .into_iter()
            .find(|l| students.contains(&l.student_account_id))
            .map(|l| l.parent_account_id);
        if let Some(parent) = parent {
            return (t, class, parent);
        }
    }
    panic!("no class teacher with a parent in the class");
}

async fn must_change(w: &World, account: i64) -> bool {
    w.store().password_change_required(account).await.unwrap()
}

async fn class_teacher_cannot_take_over_staff(engine: Engine) {
    let w = world(engine, 1).await;
    let org = w.admin().organization_id;
    let (teacher, class, parent) = teacher_class_parent(&w, org).await;
    // The parent is also the school's administrator (the role editor allows it).
    w.store()
        .set_account_roles(parent, &[Role::Administrator, Role::Parent])
        .await
        .unwrap();
    let cookie = w.cookie(&teacher).await;
    let parent_s = parent.to_string();
    let res = w
        .post(
            &cookie,
            "/people/credentials",
            &[("account", &parent_s), ("confirm", "1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.text());
    // Nor through the class's sheet with the parents.
    let class_s = class.to_string();
    let res = w
        .post(
            &cookie,
            "/people/credentials",
            &[("class", &class_s), ("parents", "1"), ("confirm", "1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(
        !must_change(&w, parent).await,
        "a refused sheet changes nothing"
    );

    // Any staff role is the administration's; a deputy head may not reset the administrator.
    for staff in [Role::Teacher, Role::Staff, Role::DeputyHead] {
        w.store()
            .set_account_roles(parent, &[Role::Parent, staff])
            .await
            .unwrap();
        let res = w
            .post(
                &cookie,
                "/people/credentials",
                &[("account", &parent_s), ("confirm", "1")],
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{staff:?}");
    }
    w.store()
        .set_account_roles(parent, &[Role::Administrator, Role::Parent])
        .await
        .unwrap();
    // The demo has no deputy head: another teacher is made one.
    let deputy = w
        .all(Role::Teacher, org)
        .into_iter()
        .find(|t| t.login != teacher.login)
        .unwrap();
    w.store()
        .set_account_roles(w.id_of(&deputy).await, &[Role::DeputyHead])
        .await
        .unwrap();
    let deputy = w.cookie(&deputy).await;
    let res = w
        .post(
            &deputy,
            "/people/credentials",
            &[("account", &parent_s), ("confirm", "1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(!must_change(&w, parent).await);

    // Another administrator may; and a parent who is only a parent stays the class teacher's.
    let admin = w.cookie(&w.admin()).await;
    let res = w
        .post(
            &admin,
            "/people/credentials",
            &[("account", &parent_s), ("confirm", "1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert!(must_change(&w, parent).await);
    w.store()
        .set_account_roles(parent, &[Role::Parent])
        .await
        .unwrap();
    let res = w
        .post(
            &cookie,
            "/people/credentials",
            &[("class", &class_s), ("parents", "1"), ("confirm", "1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
}

/// A NetSchool request authenticated by the NSSESSIONID cookie alone.
async fn with_ns_cookie(w: &World, cookie: &str) -> StatusCode {
    let req = Request::get("/webapi/student/diary/init")
        .header(header::COOKIE, format!("NSSESSIONID={cookie}"))
        .body(Body::empty())
        .unwrap();
    w.send(req).await.status
}

async fn new_credentials_end_old_sessions(engine: Engine) {
    let w = world(engine, 1).await;
    let org = w.admin().organization_id;
    let parent = w.first(Role::Parent, org);
    let parent_id = w.id_of(&parent).await;
    let web = w.cookie(&parent).await;
    let at = w.token(&parent).await;
    let login = w
        .netschool_login_with_cookie(
            &parent,
            &parent.password,
            "0123456789abcdef0123456789abcdef",
        )
        .await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.text());
    let ns_cookie = set_cookie_value(&login.headers, "NSSESSIONID").unwrap();
    // Each works, and is now in the session cache too.
    assert_eq!(w.get(&web, "/diary").await.status, StatusCode::OK);
    assert_eq!(
        w.api_get(&at, "student/diary/init").await.status,
        StatusCode::OK
    );
    assert_eq!(with_ns_cookie(&w, &ns_cookie).await, StatusCode::OK);

    let admin = w.cookie(&w.admin()).await;
    let id_s = parent_id.to_string();
    let res = w
        .post(
            &admin,
            "/people/credentials",
            &[("account", &id_s), ("confirm", "1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());

    // Every old session ended at once: no "choose a new password" for whoever held them.
    let page = w.get(&web, "/diary").await;
    assert_eq!(
        (page.status, page.location()),
        (StatusCode::SEE_OTHER, "/login".to_owned())
    );
    let page = w.get(&web, "/settings/password").await;
    assert_eq!(page.location(), "/login");
    assert_eq!(
        w.api_get(&at, "student/diary/init").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        with_ns_cookie(&w, &ns_cookie).await,
        StatusCode::UNAUTHORIZED
    );
    assert!(
        w.store()
            .account_sessions(parent_id, chrono::Utc::now() - chrono::Duration::days(1))
            .await
            .unwrap()
            .is_empty()
    );

    // Switching an account off and taking a role away end its sessions too.
    for (who, deactivate) in [
        (w.first(Role::Student, org), true),
        (w.first(Role::Teacher, org), false),
    ] {
        let id = w.id_of(&who).await;
        let cookie = w.cookie(&who).await;
        let at = w.token(&who).await;
        let home = if deactivate { "/diary" } else { "/home" };
        assert_eq!(w.get(&cookie, home).await.status, StatusCode::OK);
        let card = w.store().person_card(id).await.unwrap().unwrap();
        let roles: Vec<Role> = w.store().account_roles(id).await.unwrap();
        let mut fields: Vec<(&str, String)> = vec![
            ("last_name", card.last_name.clone()),
            ("first_name", card.first_name.clone()),
            ("middle_name", card.middle_name.clone()),
            ("login", card.login.clone()),
            ("display_name", card.display_name.clone()),
            ("gender", card.gender.clone().unwrap_or_default()),
            ("snils", card.snils.clone().unwrap_or_default()),
            (
                "birth_date",
                card.birth_date
                    .map(|d| d.format("%d.%m.%Y").to_string())
                    .unwrap_or_default(),
            ),
        ];
        if deactivate {
            fields.extend(roles.iter().map(|r| ("roles", r.code().to_owned())));
        } else {
            fields.push(("active", "1".into()));
            fields.push(("roles", Role::Staff.code().to_owned()));
        }
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let res = w.post(&admin, &format!("/people/{id}"), &pairs).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
        assert_eq!(w.get(&cookie, home).await.location(), "/login", "{who:?}");
        assert_eq!(
            w.api_get(&at, "student/diary/init").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
}

async fn netschool_login_issues_a_fresh_cookie(engine: Engine) {
    let w = world(engine, 1).await;
    let student = w.first(Role::Student, w.admin().organization_id);
    // A value planted in the victim's browser before the login.
    let planted = "feedfacefeedfacefeedfacefeedface";
    let req = Request::get("/webapi/logindata")
        .header(header::COOKIE, format!("NSSESSIONID={planted}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(w.send(req).await.status, StatusCode::OK);
    let login = w
        .netschool_login_with_cookie(&student, &student.password, planted)
        .await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.text());
    let fresh =
        set_cookie_value(&login.headers, "NSSESSIONID").expect("a fresh NSSESSIONID is set");
    assert_ne!(fresh, planted);
    assert_eq!(fresh.len(), 32);
    assert!(fresh.chars().all(|c| c.is_ascii_hexdigit()));
    // The planted value opens nothing; the issued one works alone, as netschoolpy's
    // login_with_cookies uses it; the `at` works without any cookie.
    assert_eq!(with_ns_cookie(&w, planted).await, StatusCode::UNAUTHORIZED);
    assert_eq!(with_ns_cookie(&w, &fresh).await, StatusCode::OK);
    let at = login.json()["at"].as_str().unwrap().to_owned();
    assert_eq!(
        w.api_get(&at, "student/diary/init").await.status,
        StatusCode::OK
    );
    // Logging in again from the same jar rotates the id once more.
    let again = w
        .netschool_login_with_cookie(&student, &student.password, &fresh)
        .await;
    let next = set_cookie_value(&again.headers, "NSSESSIONID").unwrap();
    assert_ne!(next, fresh);
    assert_eq!(with_ns_cookie(&w, &next).await, StatusCode::OK);
}

async fn weak_passwords_are_refused(engine: Engine) {
    let w = world(engine, 1).await;
    let org = w.admin().organization_id;
    let parent = w.first(Role::Parent, org);
    let id = w.id_of(&parent).await;
    let card = w.store().person_card(id).await.unwrap().unwrap();
    let cookie = w.cookie(&parent).await;
    let with_login = format!("{}-2026!", parent.login.to_uppercase());
    let with_name = format!("Мой-{}-пароль", card.last_name.to_lowercase());
    for (new, message) in [
        ("12345678", "слишком распространён"),
        ("Qwerty123", "слишком распространён"),
        ("Пароль123", "слишком распространён"),
        (with_login.as_str(), "имя пользователя"),
        (with_name.as_str(), "фамилию или имя"),
    ] {
        let fields = [
            ("current_password", parent.password.as_str()),
            ("new_password", new),
            ("repeat_password", new),
        ];
        let res = w.post(&cookie, "/settings/password", &fields).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{new}");
        assert!(res.text().contains(message), "{new}: {message}");
    }
    // A sound one passes.
    let fields = [
        ("current_password", parent.password.as_str()),
        ("new_password", "Ласточка-над-Волгой-7"),
        ("repeat_password", "Ласточка-над-Волгой-7"),
    ];
    let res = w.post(&cookie, "/settings/password", &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
}

both_engines!(
    class_teacher_cannot_take_over_staff,
    new_credentials_end_old_sessions,
    netschool_login_issues_a_fresh_cookie,
    weak_passwords_are_refused
);
