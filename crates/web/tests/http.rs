//! The HTTP surface through the real router and a real database (SQLite and PostgreSQL),
//! with a one-school demo region as data.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::Value as Json;
use sgo_app::{Engine, PasswordCost, Role, Settings};
use sgo_testkit::{World, both_engines, set_cookie_value, today};

/// The one-school demo of these tests (four students per class, seed 3) on `settings`.
async fn world_with(engine: Engine, settings: Settings) -> World {
    World::build(engine)
        .students_per_class(4)
        .seed(3)
        .settings(|s| {
            let files_dir = s.files_dir.clone();
            *s = settings;
            s.files_dir = files_dir;
        })
        .start()
        .await
}

fn settings() -> Settings {
    Settings {
        password_cost: PasswordCost::DEMO,
        ..Settings::default()
    }
}

fn form_encode(pairs: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap()
}

fn week(offset_weeks: i64) -> (String, String) {
    let monday = sgo_core::calendar::week_start(today()) + chrono::Duration::weeks(offset_weeks);
    (
        monday.to_string(),
        (monday + chrono::Duration::days(5)).to_string(),
    )
}

fn is_wire_date(v: &Json) -> bool {
    v.as_str()
        .is_some_and(|s| s.len() == 19 && s.ends_with("T00:00:00"))
}

async fn netschool_journey(engine: Engine) {
    let w = world_with(engine, settings()).await;
    let student = w.any(Role::Student).clone();
    let at = w.at(&student).await;

    let (status, init) = w.get_json("/webapi/student/diary/init", &at).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(init["currentStudentId"], 0);
    let sid = init["students"][0]["studentId"].as_i64().unwrap();
    let (_, year) = w.get_json("/webapi/years/current", &at).await;
    assert!(year["id"].as_i64().is_some());
    let (_, types) = w
        .get_json("/webapi/grade/assignment/types?all=false", &at)
        .await;
    let type_ids: Vec<i64> = types
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect();

    // Some week among the last few has a mark; every shape is as the strict clients parse it.
    let mut marks = 0;
    let mut overdue = 0;
    for offset in -4..=0 {
        let (from, to) = week(offset);
        let uri = format!(
            "/webapi/student/diary?studentId={sid}&yearId={}&weekStart={from}&weekEnd={to}",
            year["id"]
        );
        let (status, diary) = w.get_json(&uri, &at).await;
        assert_eq!(status, StatusCode::OK, "{diary}");
        assert!(is_wire_date(&diary["weekStart"]) && is_wire_date(&diary["weekEnd"]));
        for day in diary["weekDays"].as_array().unwrap() {
            assert!(is_wire_date(&day["date"]));
            for lesson in day["lessons"].as_array().unwrap() {
                assert!(lesson["startTime"].as_str().unwrap().len() == 5);
                assert!(lesson.as_object().unwrap().contains_key("room"));
                assert!(lesson["subjectName"].is_string());
                for a in lesson["assignments"].as_array().unwrap() {
                    assert!(
                        type_ids.contains(&a["typeId"].as_i64().unwrap()),
                        "typeId not listed: {a}"
                    );
                    assert!(a["weight"].is_i64() && is_wire_date(&a["dueDate"]));
                    if a["mark"].is_object() {
                        assert!(a["mark"]["dutyMark"].is_boolean());
                        if a["mark"]["mark"].is_i64() {
                            marks += 1;
                        }
                    }
                }
            }
        }
        let uri = format!(
            "/webapi/student/diary/pastMandatory?studentId={sid}&yearId=1&weekStart={from}&weekEnd={to}"
        );
        let (status, past) = w.get_json(&uri, &at).await;
        assert_eq!(status, StatusCode::OK);
        overdue += past.as_array().unwrap().len();
    }
    assert!(marks > 0, "no marks in the last weeks");
    assert!(overdue > 0, "no overdue work in the last weeks");

    let (status, card) = w
        .get_json(
            &format!("/webapi/schools/{}/card", student.organization_id),
            &at,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        card["commonInfo"]["schoolName"],
        student.organization_short_name.as_str()
    );
    assert!(
        card["managementInfo"]["director"].is_string() && card["commonInfo"]["about"].is_string()
    );
    let (_, context) = w.get_json("/webapi/context", &at).await;
    assert_eq!(context["schoolId"].as_i64(), Some(student.organization_id));
    let (_, ann) = w.get_json("/webapi/announcements?take=-1", &at).await;
    assert!(ann.is_array());

    // Logout ends the token.
    let req = Request::post("/webapi/auth/logout")
        .header("at", &at)
        .body(Body::empty())
        .unwrap();
    assert_eq!(w.send(req).await.status, StatusCode::OK);
    assert_eq!(
        w.get_json("/webapi/student/diary/init", &at).await.0,
        StatusCode::UNAUTHORIZED
    );
}

async fn refusals(engine: Engine) {
    let w = world_with(engine, settings()).await;
    let student = w.any(Role::Student).clone();

    // Wrong password, unknown login, unknown school: one 409 and one message.
    let (s1, b1, _) = w.netschool_login(&student, "wrong-password").await;
    let mut nobody = student.clone();
    nobody.login = "НетТакого".into();
    let (s2, b2, _) = w.netschool_login(&nobody, &student.password).await;
    let mut elsewhere = student.clone();
    elsewhere.organization_id = 987_654;
    let (s3, b3, _) = w.netschool_login(&elsewhere, &student.password).await;
    assert_eq!(
        (s1, s2, s3),
        (
            StatusCode::CONFLICT,
            StatusCode::CONFLICT,
            StatusCode::CONFLICT
        )
    );
    assert_eq!(b1, b2);
    assert_eq!(b1, b3);
    assert!(b1["message"].as_str().unwrap().contains("парол"));

    // A challenge is single use: answering with a stale lt asks the client to start again.
    let (status, body, _) = w
        .challenge(|_, ver, _| form_encode(&[("loginType", "1"), ("lt", "1"), ("ver", ver)]))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body["message"].as_str().unwrap().contains("Ошибка входа"));

    // Field names are matched case-insensitively.
    let (org, login, password) = (
        student.organization_id,
        student.login.clone(),
        student.password.clone(),
    );
    let (status, body, cookie) = w
        .challenge(move |lt, ver, salt| {
            let pw2 = sgo_auth::legacy::expected_pw2(
                &sgo_auth::legacy::verifier(&password).unwrap(),
                salt,
            );
            form_encode(&[
                ("LoginType", "1"),
                ("SCID", &org.to_string()),
                ("UN", &login),
                ("PW2", &pw2),
                ("LT", lt),
                ("VER", ver),
            ])
        })
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The bound NSSESSIONID alone authenticates too (netschoolpy's login_with_cookies).
    let req = Request::get("/webapi/student/diary/init")
        .header(header::COOKIE, format!("NSSESSIONID={cookie}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(w.send(req).await.status, StatusCode::OK);

    // Unknown tokens and no token: 401, never a redirect.
    assert_eq!(
        w.get_json("/webapi/student/diary/init", "0000").await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, _, _) = w
        .send(
            Request::get("/webapi/years/current")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .into_parts();
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // A parent may read their children and nobody else; the refusal is audited.
    let parent = w.any(Role::Parent).clone();
    let at = w.at(&parent).await;
    let (_, init) = w.get_json("/webapi/student/diary/init", &at).await;
    let children: Vec<i64> = init["students"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["studentId"].as_i64().unwrap())
        .collect();
    assert_eq!(children.len(), 2, "the first demo parent has two children");
    let (from, to) = week(0);
    for child in &children {
        let uri = format!("/webapi/student/diary?studentId={child}&weekStart={from}&weekEnd={to}");
        assert_eq!(w.get_json(&uri, &at).await.0, StatusCode::OK);
    }
    // A student of another family: the first demo student who is not one of these children.
    let mut stranger = None;
    for candidate in w.accounts.iter().filter(|a| a.role == Role::Student) {
        let cat = w.at(candidate).await;
        let (_, own) = w.get_json("/webapi/student/diary/init", &cat).await;
        let id = own["students"][0]["studentId"].as_i64().unwrap();
        if !children.contains(&id) {
            stranger = Some((id, cat));
            break;
        }
    }
    let (stranger, student_at) = stranger.expect("a student outside the first family");
    let uri = format!("/webapi/student/diary?studentId={stranger}&weekStart={from}&weekEnd={to}");
    assert_eq!(w.get_json(&uri, &at).await.0, StatusCode::FORBIDDEN);
    let uri = format!(
        "/webapi/student/diary/pastMandatory?studentId={stranger}&weekStart={from}&weekEnd={to}"
    );
    assert_eq!(w.get_json(&uri, &at).await.0, StatusCode::FORBIDDEN);
    let audit = w.store().recent_audit_log(20).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.result == "denied" && e.target == format!("student:{stranger}"))
    );
    // A student cannot read another family's child either.
    let uri = format!(
        "/webapi/student/diary?studentId={}&weekStart={from}&weekEnd={to}",
        children[0]
    );
    assert_eq!(w.get_json(&uri, &student_at).await.0, StatusCode::FORBIDDEN);

    // Bad input is a 400 with a message.
    for uri in [
        format!("/webapi/student/diary?studentId={stranger}&weekStart=yesterday&weekEnd={to}"),
        format!("/webapi/student/diary?studentId=abc&weekStart={from}&weekEnd={to}"),
        format!("/webapi/student/diary?weekStart={from}&weekEnd={to}"),
        format!(
            "/webapi/student/diary?studentId={stranger}&weekStart=2026-01-01&weekEnd=2026-12-31"
        ),
        format!("/webapi/student/diary?studentId={stranger}&weekStart={to}&weekEnd={from}"),
    ] {
        let (status, body) = w.get_json(&uri, &student_at).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        assert!(body["message"].is_string());
    }
}

#[tokio::test]
async fn sessions_expire_after_the_idle_timeout() {
    let w = world_with(
        Engine::Sqlite,
        Settings {
            session_idle: Duration::from_millis(300),
            ..settings()
        },
    )
    .await;
    let at = w.at(&w.any(Role::Student)).await;
    assert_eq!(w.get_json("/webapi/context", &at).await.0, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(
        w.get_json("/webapi/context", &at).await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn the_operator_can_switch_the_legacy_login_off() {
    let w = world_with(
        Engine::Sqlite,
        Settings {
            legacy_login: false,
            ..settings()
        },
    )
    .await;
    let student = w.any(Role::Student).clone();
    let (status, body, _) = w.netschool_login(&student, &student.password).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body["message"].as_str().unwrap().contains("отключ"));
}

#[tokio::test]
async fn school_search_is_anonymous_and_case_insensitive() {
    let w = world_with(Engine::Sqlite, settings()).await;
    let short = w.any(Role::Student).organization_short_name.clone();
    let (status, _, body) = w
        .send(
            Request::get("/webapi/schools/search")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .into_parts();
    assert_eq!(status, StatusCode::OK);
    let all: Json = serde_json::from_slice(&body).unwrap();
    assert!(
        all.as_array()
            .unwrap()
            .iter()
            .any(|s| s["shortName"] == short.as_str())
    );
    let lower = short.to_lowercase();
    let uri = format!("/webapi/schools/search?name={}&sft=2", url_escape(&lower));
    let (_, _, body) = w
        .send(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .into_parts();
    let found: Json = serde_json::from_slice(&body).unwrap();
    assert_eq!(found[0]["shortName"], short.as_str());
    assert!(found[0]["addressString"].is_string() && found[0]["name"].is_string());
    let (status, _, _) = w
        .send(
            Request::get("/webapi/schools/search?sft=x")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .into_parts();
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

/// The value of the first hidden `csrf` field of a page.
fn hidden_csrf(html: &str) -> String {
    let needle = "name=\"csrf\" value=\"";
    let at = html.find(needle).expect("a csrf field") + needle.len();
    html[at..].split('"').next().unwrap().to_owned()
}

fn url_escape(s: &str) -> String {
    form_encode(&[("x", s)])[2..].to_owned()
}

#[tokio::test]
async fn browser_sign_in_through_the_form_shows_the_diary() {
    let w = world_with(Engine::Sqlite, settings()).await;
    let student = w.any(Role::Student).clone();
    let (status, headers, body) = w
        .send(Request::get("/login").body(Body::empty()).unwrap())
        .await
        .into_parts();
    assert_eq!(status, StatusCode::OK);
    let html = String::from_utf8(body).unwrap();
    for id in [
        "region",
        "municipality",
        "settlement",
        "kind",
        "organization",
        "login",
        "password",
        "sign-in",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "missing #{id}");
    }
    let csrf = set_cookie_value(&headers, "sgo_csrf").unwrap();

    let (_, _, regions) = w
        .send(Request::get("/login/options").body(Body::empty()).unwrap())
        .await
        .into_parts();
    let regions: Json = serde_json::from_slice(&regions).unwrap();
    assert!(!regions.as_array().unwrap().is_empty());

    let post = |fields: Vec<(&str, String)>, with_cookie: bool| {
        let body = serde_urlencoded::to_string(&fields).unwrap();
        let mut req = Request::post("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if with_cookie {
            req = req.header(header::COOKIE, format!("sgo_csrf={csrf}"));
        }
        req.body(Body::from(body)).unwrap()
    };
    let good = vec![
        ("csrf", csrf.clone()),
        ("organization", student.organization_id.to_string()),
        ("login", student.login.clone()),
        ("password", student.password.clone()),
    ];
    // Without the CSRF cookie the form is refused.
    assert_eq!(
        w.send(post(good.clone(), false)).await.status,
        StatusCode::FORBIDDEN
    );
    // A wrong password shows the error next to the form, keeping the login typed.
    let mut bad = good.clone();
    bad[3].1 = "nope".into();
    let (status, _, body) = w.send(post(bad, true)).await.into_parts();
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let html = String::from_utf8(body).unwrap();
    assert!(html.contains("class=\"error\"") && html.contains("Неправильный пароль"));

    let (status, headers, _) = w.send(post(good, true)).await.into_parts();
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/diary");
    let session = set_cookie_value(&headers, "sgo_session").unwrap();
    let cookie = format!("sgo_session={session}; sgo_csrf={csrf}");

    // Signed in, the forms carry the session's token (read off the page, as a browser would),
    // not the cookie's.
    let mut page_csrf = String::new();
    // Some recent week shows a mark.
    let mut seen_mark = false;
    for offset in -4..=0 {
        let (from, _) = week(offset);
        let req = Request::get(format!("/diary?week={from}"))
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap();
        let (status, _, body) = w.send(req).await.into_parts();
        assert_eq!(status, StatusCode::OK);
        let html = String::from_utf8(body).unwrap();
        assert!(html.contains("id=\"prev-week\""));
        seen_mark |= html.contains("class=\"mark mark-");
        page_csrf = hidden_csrf(&html);
    }
    assert!(seen_mark);

    // Without a session the diary sends to the login page; after logout the session is gone.
    let (status, headers, _) = w
        .send(Request::get("/diary").body(Body::empty()).unwrap())
        .await
        .into_parts();
    assert_eq!(
        (status, headers[header::LOCATION].to_str().unwrap()),
        (StatusCode::SEE_OTHER, "/login")
    );
    assert_ne!(page_csrf, csrf);
    assert_eq!(page_csrf, sgo_web::csrf_token_for(&session));
    let logout = serde_urlencoded::to_string([("csrf", csrf.as_str())]).unwrap();
    let req = Request::post("/logout")
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(logout))
        .unwrap();
    // The cookie's value is no longer a token once signed in.
    assert_eq!(w.send(req).await.status, StatusCode::BAD_REQUEST);
    let logout = serde_urlencoded::to_string([("csrf", page_csrf.as_str())]).unwrap();
    let req = Request::post("/logout")
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(logout))
        .unwrap();
    assert_eq!(w.send(req).await.status, StatusCode::SEE_OTHER);
    let req = Request::get("/diary")
        .header(header::COOKIE, &cookie)
        .body(Body::empty())
        .unwrap();
    assert_eq!(w.send(req).await.status, StatusCode::SEE_OTHER);
}

both_engines!(netschool_journey, refusals);
