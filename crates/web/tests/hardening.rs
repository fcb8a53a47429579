//! The portal's answers defend themselves: pages carry CSP, framing, referrer and HSTS headers;
//! nothing personal is cacheable; a form token is good for its own session only; the SignalR hub
//! refuses other sites' pages; framework refusals speak Russian; the credential sheet prints the
//! configured address, not the request's `Host`.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use sgo_testkit::both_engines;
use sgo_testkit::mailing::pdf_text;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use sgo_app::{Engine, Role};
use sgo_demo::DemoAccount;
use sgo_testkit::headers::{assert_not_cached, assert_page_headers};
use sgo_testkit::{CSRF, World, world, world_with};
use sgo_web::{WebOptions, router};
use tower::ServiceExt;

fn authority(w: &World, role: Role) -> DemoAccount {
    w.accounts.iter().find(|a| a.role == role).unwrap().clone()
}

/// GETs every listed page as the account and checks it is a page with all its headers.
async fn pages_of(w: &World, cookie: &str, uris: &[&str]) {
    for uri in uris {
        let res = w.get(cookie, uri).await;
        assert_eq!(res.status, StatusCode::OK, "{uri}: {}", res.text());
        assert_page_headers(&res.headers, false, uri);
    }
}

async fn page_headers(engine: Engine) {
    let w = world(engine, 1).await;
    let org = w.admin().organization_id;
    pages_of(&w, "", &["/login", "/recover", "/regions"]).await;
    let student = w.cookie(&w.first(Role::Student, org)).await;
    pages_of(
        &w,
        &student,
        &[
            "/home",
            "/diary",
            "/progress",
            "/mail",
            "/mail/compose",
            "/announcements",
            "/resources",
            "/reports",
            "/settings",
            "/settings/password",
            "/settings/sessions",
            "/settings/passkeys",
            "/settings/esia",
        ],
    )
    .await;
    let parent = w.cookie(&w.first(Role::Parent, org)).await;
    pages_of(&w, &parent, &["/diary", "/progress"]).await;
    let teacher = w.cookie(&w.first(Role::Teacher, org)).await;
    pages_of(&w, &teacher, &["/journal", "/people"]).await;
    let admin = w.cookie(&w.admin()).await;
    pages_of(
        &w,
        &admin,
        &[
            "/school/years",
            "/school/classes",
            "/school/subjects",
            "/school/bells",
            "/journal/types",
            "/people",
            "/people/new",
            "/people/credentials",
            "/people/import",
            "/changes",
            "/reports",
            "/announcements/new",
            "/mail/print-queue",
        ],
    )
    .await;
    let region = w.cookie(&authority(&w, Role::RegionAdministrator)).await;
    pages_of(
        &w,
        &region,
        &[
            "/region",
            "/region/organizations/new",
            "/region/esia",
            "/reports",
        ],
    )
    .await;
    let officer = w.cookie(&authority(&w, Role::AuthorityOfficer)).await;
    pages_of(&w, &officer, &["/reports"]).await;

    // Error pages are pages too.
    let missing = w.get(&admin, "/people/999999999").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_page_headers(&missing.headers, false, "a 404 page");

    // Over HTTPS (secure cookies) pages pin it.
    let https = router(
        w.app.clone(),
        WebOptions {
            secure_cookies: true,
            ..WebOptions::default()
        },
    );
    for uri in ["/login", "/diary"] {
        let req = Request::get(uri)
            .header(header::COOKIE, &student)
            .body(Body::empty())
            .unwrap();
        let res = https.clone().oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{uri}");
        assert_page_headers(res.headers(), true, uri);
    }

    // The portal's own scripts and styles keep their public caching.
    for file in ["/static/app.css", "/static/app.js"] {
        let res = w.get("", file).await;
        assert_eq!(res.status, StatusCode::OK, "{file}");
        assert_eq!(
            res.header("cache-control"),
            "public, max-age=3600",
            "{file}"
        );
    }
    // The pages ask for their behaviour by attributes the portal's script reads.
    let diary = w.get(&parent, "/diary").await.text();
    assert!(diary.contains("<script src=\"/static/app.js\" defer></script>"));
}

async fn nothing_personal_is_cached(engine: Engine) {
    let w = world(engine, 1).await;
    let org = w.admin().organization_id;
    let student = w.first(Role::Student, org);
    let at = w.token(&student).await;
    for uri in [
        "mysettings",
        "years/current",
        "context",
        "mail/messages/unread",
    ] {
        let res = w.api_get(&at, uri).await;
        assert_eq!(res.status, StatusCode::OK, "{uri}: {}", res.text());
        assert_not_cached(&res.headers, uri);
    }
    let res = w
        .api_post(&at, "mail/registry", serde_json::json!({}))
        .await;
    assert_not_cached(&res.headers, "mail/registry");
    // A download of a file.
    let admin = w.cookie(&w.admin()).await;
    let template = w.get(&admin, "/people/import/template/students.csv").await;
    assert_eq!(template.status, StatusCode::OK);
    assert_not_cached(&template.headers, "an import template");
    // A redirect after a form, and a JSON answer of the pages.
    let options = w.get(&admin, "/login/options").await;
    assert_not_cached(&options.headers, "/login/options");
}

async fn form_tokens_belong_to_their_session(engine: Engine) {
    let w = world(engine, 1).await;
    let org = w.admin().organization_id;
    let teacher = w.first(Role::Teacher, org);
    let mine = w.cookie(&teacher).await;
    let my_other_browser = w.cookie(&teacher).await;
    let someone_else = w.cookie(&w.first(Role::Student, org)).await;

    // The token a page shows is the one its session needs, not the cookie's.
    let page = w.get(&mine, "/home").await.text();
    let shown = sgo_testkit::csrf_for(&mine);
    assert!(page.contains(&format!("name=\"csrf\" value=\"{shown}\"")));
    assert!(!page.contains(CSRF));

    for (token, whose) in [
        (
            sgo_testkit::csrf_for(&someone_else),
            "another person's session",
        ),
        (sgo_testkit::csrf_for(&my_other_browser), "my other session"),
        (CSRF.to_owned(), "the CSRF cookie's value"),
    ] {
        let res = w.post_raw(&mine, "/logout", &[("csrf", &token)]).await;
        assert!(res.status.is_client_error(), "{whose}: {}", res.status);
        assert!(res.text().contains("Срок действия формы истёк"), "{whose}");
        assert_eq!(
            w.get(&mine, "/home").await.status,
            StatusCode::OK,
            "{whose}"
        );
    }
    let res = w.post(&mine, "/logout", &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(w.get(&mine, "/home").await.status, StatusCode::SEE_OTHER);
}

async fn hub_refuses_other_sites(engine: Engine) {
    use tokio_tungstenite::tungstenite::Error;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;

    for public_url in ["", "https://sgo.example.ru"] {
        let w = world_with(engine, 1, |s| s.public_url = public_url.into()).await;
        let student = w.first(Role::Student, w.admin().organization_id);
        let at = w.token(&student).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = w.router.clone();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

        let handshake = |origin: Option<String>| {
            let mut request = format!("ws://{addr}/webapi/signalr/queueHub?at={at}")
                .into_client_request()
                .unwrap();
            if let Some(o) = origin {
                request.headers_mut().insert("Origin", o.parse().unwrap());
            }
            tokio_tungstenite::connect_async(request)
        };
        let own = if public_url.is_empty() {
            format!("http://{addr}")
        } else {
            public_url.to_owned()
        };
        for origin in [None, Some(own)] {
            let shown = format!("{origin:?}");
            assert!(handshake(origin).await.is_ok(), "{shown} ({public_url})");
        }
        for origin in [
            "https://evil.example",
            "null",
            &format!("http://{addr}.evil.example"),
        ] {
            match handshake(Some(origin.to_owned())).await {
                Err(Error::Http(res)) => {
                    assert_eq!(res.status(), StatusCode::FORBIDDEN, "{origin}");
                    let body = String::from_utf8_lossy(res.body().as_deref().unwrap_or_default())
                        .into_owned();
                    assert!(body.contains("другого сайта"), "{body}");
                }
                other => panic!("{origin} ({public_url}): {:?}", other.map(|_| ())),
            }
        }
    }
}

fn is_russian(text: &str) -> bool {
    text.chars().any(|c| matches!(c, 'а'..='я' | 'А'..='Я'))
}

async fn refusals_in_russian(engine: Engine) {
    let w = world(engine, 1).await;
    let org = w.admin().organization_id;
    let at = w.token(&w.first(Role::Student, org)).await;

    let api = |method: &str, uri: &str, content_type: Option<&str>, body: Vec<u8>| {
        let mut req = Request::builder()
            .method(method)
            .uri(format!("/webapi/{uri}"))
            .header("at", &at);
        if let Some(t) = content_type {
            req = req.header(header::CONTENT_TYPE, t);
        }
        req.body(Body::from(body)).unwrap()
    };
    let json = Some("application/json");
    let cases = [
        (
            api("POST", "mail/messages/mark-as", json, b"{not json".to_vec()),
            StatusCode::BAD_REQUEST,
        ),
        (
            api("POST", "mail/messages/mark-as", None, b"{}".to_vec()),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            api(
                "POST",
                "mail/messages/mark-as",
                json,
                vec![b' '; 200 * 1024],
            ),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            api("GET", "schools/abc/card", None, Vec::new()),
            StatusCode::BAD_REQUEST,
        ),
    ];
    for (req, status) in cases {
        let what = format!("{} {}", req.method(), req.uri());
        let res = w.send(req).await;
        assert_eq!(res.status, status, "{what}: {}", res.text());
        let message = res.json()["message"].as_str().unwrap().to_owned();
        assert!(is_russian(&message), "{what}: {message}");
    }

    // Pages answer with a Russian page of the same status.
    let teacher = w.cookie(&w.first(Role::Teacher, org)).await;
    let bad_path = w.get(&teacher, "/journal/lesson/abc").await;
    assert_eq!(bad_path.status, StatusCode::BAD_REQUEST);
    let big = "x".repeat(200 * 1024);
    let too_big = w
        .post(&teacher, "/settings", &[("display_name", &big)])
        .await;
    assert_eq!(too_big.status, StatusCode::PAYLOAD_TOO_LARGE);
    for res in [bad_path, too_big] {
        assert_page_headers(&res.headers, false, "a refusal page");
        let text = res.text();
        assert!(is_russian(&text), "{text}");
        assert!(
            !text.contains("Failed") && !text.contains("Invalid"),
            "{text}"
        );
    }
}

async fn sheet_prints_public_url(engine: Engine) {
    let w = world_with(engine, 1, |s| {
        s.public_url = "https://portal.example.org/".into()
    })
    .await;
    let org = w.admin().organization_id;
    let student = w.id_of(&w.first(Role::Student, org)).await.to_string();
    let admin = w.cookie(&w.admin()).await;
    let csrf = sgo_testkit::csrf_for(&admin);
    let body = serde_urlencoded::to_string([
        ("csrf", csrf.as_str()),
        ("account", &student),
        ("confirm", "1"),
    ])
    .unwrap();
    let req = Request::post("/people/credentials")
        .header(header::COOKIE, &admin)
        .header(header::HOST, "evil.example")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    let res = w.send(req).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let text = pdf_text(&res.body);
    assert!(text.contains("portal.example.org"), "{text}");
    assert!(!text.contains("evil.example"), "{text}");
}

/// The page policy allows no inline code: every template's scripts and styles are files.
#[test]
fn templates_hold_no_inline_script_or_style() {
    fn visit(dir: &std::path::Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                visit(&path, found);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap().to_lowercase();
            let inline_script = text
                .match_indices("<script")
                .any(|(at, _)| !text[at..].split('>').next().unwrap().contains(" src="));
            let handler = text
                .split(|c: char| c.is_whitespace())
                .any(|w| w.starts_with("on") && w.contains("=\""));
            if inline_script
                || handler
                || text.contains("<style")
                || text.contains(" style=")
                || text.contains("javascript:")
            {
                found.push(path.display().to_string());
            }
        }
    }
    let mut found = Vec::new();
    visit(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates"),
        &mut found,
    );
    assert!(found.is_empty(), "inline code in {found:?}");
}

both_engines!(
    page_headers,
    nothing_personal_is_cached,
    form_tokens_belong_to_their_session,
    hub_refuses_other_sites,
    refusals_in_russian,
    sheet_prints_public_url
);
