//! Snapshots of every NetSchool web API (`/webapi/…`) response shape, so that a renamed field, a
//! changed casing or date format, or a new status fails a test: the public clients parse these
//! bytes literally (the wire spec, `spec/netschool-webapi.md` beside ARCHITECTURE.md). One
//! demo school on SQLite with the fixed test day (the shapes do not differ by engine); the people
//! sign in through the NetSchool challenge as the clients do.
//!
//! What moves from run to run is redacted with insta selectors, keeping the format visible:
//! ids become `[id]` (a number) or `[id text]` (a string), tokens `[uuid]`, `[digits]`, `[hex]`
//! or `[token]` by their alphabet, timestamps keep their shape with every digit as `#`
//! (`####-##-##T##:##:##`). Dates of the demo data (`…T00:00:00`) are stable and stay as they are.
//! Answers that are not JSON (files, the photo, empty bodies, redirects, the SignalR hub) are
//! snapshotted as a small JSON of their status and the headers the clients rely on.
//!
//! `every_webapi_route_has_a_snapshot` reads the routes from the router and fails when one has
//! no entry in `SNAPSHOTS` or a named `.snap` file is missing (or a stored one is named nowhere).
//!
//! Reviewing a new or changed shape: run
//! `INSTA_UPDATE=always cargo nextest run --workspace --test webapi_shapes`, then read the
//! written `crates/web/tests/snapshots/webapi_shapes__*.snap` files (`git diff` shows what
//! changed) against the spec before committing them; `cargo insta review` does the same
//! interactively where cargo-insta is installed (it is not required). `scripts/test` sets
//! `INSTA_UPDATE=no`, so CI never writes or accepts a snapshot: a missing or different one fails.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod queue_hub;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, header};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::NaiveDate;
use futures_util::SinkExt;
use insta::internals::{Content, ContentPath};
use insta::{Settings, dynamic_redaction};
use queue_hub::RS;
use serde_json::{Value, json};
use sgo_app::identity::{ClaimNames, IdentityProvider, ProviderConfig, ProviderProfile, Signer};
use sgo_app::{Engine, Role};
use sgo_demo::DemoAccount;
use sgo_testkit::World;
use sgo_web::{WebOptions, router};
use tokio_tungstenite::tungstenite::Message;
use tower::ServiceExt;

/// Every `/webapi` route of the router and the snapshots that show its answers.
const SNAPSHOTS: &[(&str, &[&str])] = &[
    ("/webapi/logindata", &["logindata", "logindata_esia"]),
    ("/webapi/auth/getdata", &["auth_getdata"]),
    ("/webapi/login", &["login", "login_refused"]),
    ("/webapi/auth/login", &["auth_login", "auth_login_esia"]),
    ("/webapi/auth/logout", &["auth_logout"]),
    ("/webapi/auth/login-state", &["auth_login_state"]),
    ("/webapi/sso/esia/crosslogin", &["sso_esia_crosslogin"]),
    (
        "/webapi/sso/esia/account-info",
        &["sso_esia_account_info", "sso_esia_account_info_refused"],
    ),
    ("/webapi/schools/search", &["schools_search"]),
    ("/webapi/schools/{id}/card", &["schools_card"]),
    ("/webapi/context", &["context"]),
    (
        "/webapi/context/expired",
        &["context_expired", "context_expired_after_logout"],
    ),
    ("/webapi/years/current", &["years_current"]),
    ("/webapi/years", &["years"]),
    (
        "/webapi/grade/assignment/types",
        &["grade_assignment_types"],
    ),
    (
        "/webapi/student/diary/init",
        &[
            "student_diary_init",
            "student_diary_init_parent",
            "error_unauthorized",
        ],
    ),
    (
        "/webapi/student/diary",
        &["student_diary", "error_forbidden", "error_bad_request"],
    ),
    (
        "/webapi/student/diary/pastMandatory",
        &["student_diary_past_mandatory"],
    ),
    (
        "/webapi/attachments/uploadLimits",
        &["attachments_upload_limits"],
    ),
    ("/webapi/attachments/{id}", &["attachments_download"]),
    ("/webapi/attachments", &["attachments_upload"]),
    (
        "/webapi/student/diary/get-attachments",
        &["student_diary_get_attachments"],
    ),
    (
        "/webapi/student/diary/assigns/{id}",
        &["student_diary_assigns"],
    ),
    ("/webapi/schedule/times", &["schedule_times"]),
    ("/webapi/users/photo", &["users_photo"]),
    ("/webapi/mysettings", &["mysettings"]),
    ("/webapi/announcements", &["announcements"]),
    ("/webapi/mail/registry", &["mail_registry"]),
    ("/webapi/mail/messages/unread", &["mail_messages_unread"]),
    ("/webapi/mail/messages/{id}/read", &["mail_messages_read"]),
    ("/webapi/mail/messages/{id}/edit", &["mail_messages_edit"]),
    ("/webapi/mail/recipients", &["mail_recipients"]),
    ("/webapi/mail/messages", &["mail_messages_send"]),
    ("/webapi/mail/messages/mark-as", &["mail_messages_mark_as"]),
    ("/webapi/mail/messages/moving", &["mail_messages_moving"]),
    ("/webapi/mail/messages/delete", &["mail_messages_delete"]),
    ("/webapi/mail/messages/restore", &["mail_messages_restore"]),
    ("/webapi/reports", &["reports"]),
    (
        "/webapi/reports/{id}",
        &["reports_filters_total_marks", "reports_filters_grades"],
    ),
    ("/webapi/reports/{id}/queue", &["reports_queue"]),
    ("/webapi/earlyaccess", &["earlyaccess"]),
    ("/webapi/signalr/queueHub", &["signalr_queue_hub"]),
    ("/webapi/files/{id}", &["files"]),
];

/// Snapshots of answers no route gives: the API's own 404 for an unknown method.
const NOT_ROUTES: &[&str] = &["error_not_found"];

/// The snapshot files of this test: `snapshots/webapi_shapes__<name>.snap`.
fn snapshot_file(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("webapi_shapes__{name}.snap"))
}

#[test]
fn every_webapi_route_has_a_snapshot() {
    let served: BTreeSet<String> = sgo_web::route_paths()
        .into_iter()
        .filter(|p| p.starts_with("/webapi"))
        .collect();
    let listed: BTreeSet<String> = SNAPSHOTS.iter().map(|(p, _)| (*p).to_owned()).collect();
    let unlisted: Vec<&String> = served.difference(&listed).collect();
    assert!(
        unlisted.is_empty(),
        "routes without snapshots (add them to SNAPSHOTS and to a test): {unlisted:?}"
    );
    let gone: Vec<&String> = listed.difference(&served).collect();
    assert!(
        gone.is_empty(),
        "SNAPSHOTS names routes the router no longer serves: {gone:?}"
    );

    let names: Vec<&str> = SNAPSHOTS
        .iter()
        .flat_map(|(_, names)| names.iter().copied())
        .chain(NOT_ROUTES.iter().copied())
        .collect();
    let missing: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| !snapshot_file(n).is_file())
        .collect();
    assert!(
        missing.is_empty(),
        "snapshots named in SNAPSHOTS but not stored (review them as the file's head says): {missing:?}"
    );
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let mut stray = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let file = entry.unwrap().file_name().to_string_lossy().into_owned();
        let Some(name) = file
            .strip_prefix("webapi_shapes__")
            .and_then(|f| f.strip_suffix(".snap"))
        else {
            continue;
        };
        if !names.contains(&name) {
            stray.push(file);
        }
    }
    assert!(
        stray.is_empty(),
        "stored snapshots named nowhere: {stray:?}"
    );
}

// --- redactions -----------------------------------------------------------------------------

/// An id: its type stays visible. A number in text (NetSchool's directory ids are the account
/// number in base64) is redacted too; a name such as a report id is kept.
fn id(value: Content, _: ContentPath<'_>) -> Content {
    if value.as_i64().is_some() || value.as_u64().is_some() {
        return Content::from("[id]");
    }
    let Some(s) = value.as_str() else {
        return value;
    };
    let number = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let decoded = STANDARD
        .decode(s)
        .ok()
        .and_then(|b| String::from_utf8(b).ok());
    if number(s) || decoded.as_deref().is_some_and(number) {
        Content::from("[id text]")
    } else {
        value
    }
}

/// A filter value: a stringified id is redacted, a date interval kept.
fn id_text(value: Content, _: ContentPath<'_>) -> Content {
    match value.as_str() {
        Some(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            Content::from("[id as text]")
        }
        _ => value,
    }
}

/// A secret or random value: its alphabet stays visible.
fn token(value: Content, path: ContentPath<'_>) -> Content {
    let Some(s) = value.as_str() else {
        return value;
    };
    assert!(!s.is_empty(), "{path}: empty");
    let uuid = s.len() == 36
        && s.char_indices().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) {
                c == '-'
            } else {
                c.is_ascii_digit() || ('a'..='f').contains(&c)
            }
        });
    let kind = if uuid {
        "[uuid]"
    } else if s.bytes().all(|b| b.is_ascii_digit()) {
        "[digits]"
    } else if s
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        "[hex]"
    } else {
        "[token]"
    };
    Content::from(kind)
}

/// A moment or a version: every digit becomes `#`, the rest of the format stays.
fn digits(value: Content, _: ContentPath<'_>) -> Content {
    match value.as_str() {
        Some(s) => {
            let masked: String = s
                .chars()
                .map(|c| if c.is_ascii_digit() { '#' } else { c })
                .collect();
            Content::from(masked.as_str())
        }
        None => value,
    }
}

/// How a selected value is redacted.
#[derive(Clone, Copy)]
enum Redact {
    Id,
    IdText,
    Token,
    Digits,
}

/// The keys that move from run to run wherever they appear.
const EVERYWHERE: &[(&str, Redact)] = &[
    (".**.id", Redact::Id),
    (".**.userId", Redact::Id),
    (".**.schoolId", Redact::Id),
    (".**.studentId", Redact::Id),
    (".**.assignmentId", Redact::Id),
    (".**.classmeetingId", Redact::Id),
    (".**.classMeetingId", Redact::Id),
    (".**.currentYearId", Redact::Id),
    (".**.schoolyearId", Redact::Id),
    (".**.cityId", Redact::Id),
    (".**.provinceId", Redact::Id),
    (".**.stateId", Redact::Id),
    (".**.typeId", Redact::Id),
    (".**.messageId", Redact::Id),
    (".**.taskId", Redact::Id),
    (".**.defaultValue", Redact::IdText),
    (".**.value", Redact::IdText),
    (".**.data", Redact::IdText),
    (".**.at", Redact::Token),
    (".**.accessToken", Redact::Token),
    (".**.lt", Redact::Token),
    (".**.ver", Redact::Token),
    (".**.salt", Redact::Token),
    (".**.queueKey", Redact::Token),
    (".**.loginTime", Redact::Digits),
    (".**.postDate", Redact::Digits),
    (".**.sent", Redact::Digits),
    (".**.markDate", Redact::Digits),
    (".**.version", Redact::Digits),
];

fn add(settings: &mut Settings, selector: &str, how: Redact) {
    match how {
        Redact::Id => settings.add_redaction(selector, dynamic_redaction(id)),
        Redact::IdText => settings.add_redaction(selector, dynamic_redaction(id_text)),
        Redact::Token => settings.add_redaction(selector, dynamic_redaction(token)),
        Redact::Digits => settings.add_redaction(selector, dynamic_redaction(digits)),
    }
}

/// Snapshots `value` as `name` with the common redactions and `extra` ones.
fn snap(name: &str, value: &Value, extra: &[(&str, Redact)]) {
    let mut settings = Settings::clone_current();
    for (selector, how) in EVERYWHERE.iter().chain(extra) {
        add(&mut settings, selector, *how);
    }
    settings.bind(|| insta::assert_json_snapshot!(name, value));
}

// --- requests -------------------------------------------------------------------------------

/// An answer with its body read.
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// A JSON answer: status, content type and body.
    fn shape(&self) -> Value {
        json!({
            "status": self.status,
            "contentType": self.header("content-type"),
            "body": self.json(),
        })
    }

    /// Any answer: status, the named headers (cookies with their values redacted) and the body's
    /// length when `with_length`.
    fn headers_shape(&self, names: &[&str], with_length: bool) -> Value {
        let mut headers = serde_json::Map::new();
        for name in names {
            let values: Vec<Value> = self
                .headers
                .iter()
                .filter(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| Value::from(cookie_value_hidden(name, v)))
                .collect();
            let value = match values.len() {
                0 => Value::Null,
                1 => values[0].clone(),
                _ => Value::Array(values),
            };
            headers.insert((*name).to_owned(), value);
        }
        let mut out = json!({"status": self.status, "headers": headers});
        if with_length {
            out["bodyBytes"] = json!(self.body.len());
        }
        out
    }
}

/// A `Set-Cookie` with its value replaced; other headers as they are.
fn cookie_value_hidden(name: &str, value: &str) -> String {
    if !name.eq_ignore_ascii_case("set-cookie") {
        return value.to_owned();
    }
    let (pair, rest) = value.split_once(';').unwrap_or((value, ""));
    let cookie = pair.split_once('=').map_or(pair, |(k, _)| k);
    if rest.is_empty() {
        format!("{cookie}=[value]")
    } else {
        format!("{cookie}=[value];{rest}")
    }
}

/// The value of a cookie set by an answer.
fn set_cookie(r: &Reply, name: &str) -> Option<String> {
    r.headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
        .filter_map(|(_, v)| v.split(';').next()?.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

async fn send(router: &Router, req: Request<Body>) -> Reply {
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status().as_u16();
    let headers = res
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
        .collect();
    let body = axum::body::to_bytes(res.into_body(), 16 << 20)
        .await
        .unwrap()
        .to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

/// A signed-in NetSchool client: the `at` header on every request.
struct Client {
    router: Router,
    at: String,
}

impl Client {
    async fn get(&self, uri: &str) -> Reply {
        let req = Request::get(format!("/webapi/{uri}"))
            .header("at", &self.at)
            .body(Body::empty())
            .unwrap();
        send(&self.router, req).await
    }

    async fn post(&self, uri: &str, body: Value) -> Reply {
        let req = Request::post(format!("/webapi/{uri}"))
            .header("at", &self.at)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        send(&self.router, req).await
    }
}

/// The three answers of a NetSchool password sign-in (logindata, getdata, login) and the `at`.
struct SignIn {
    logindata: Reply,
    getdata: Reply,
    login: Reply,
    at: String,
}

/// Signs in as the Python clients do: logindata, auth/getdata, then `path` with the hashes.
async fn challenge(router: &Router, a: &DemoAccount, password: &str, path: &str) -> SignIn {
    let logindata = send(
        router,
        Request::get("/webapi/logindata")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    let cookie = set_cookie(&logindata, "NSSESSIONID").expect("logindata sets NSSESSIONID");
    let getdata = send(
        router,
        Request::post("/webapi/auth/getdata")
            .header(header::COOKIE, format!("NSSESSIONID={cookie}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    let data = getdata.json();
    let salt = data["salt"].as_str().unwrap();
    let pw2 = sgo_auth::legacy::expected_pw2(&sgo_auth::legacy::verifier(password).unwrap(), salt);
    let pw = &pw2[..password.chars().count().min(32)];
    let form = serde_urlencoded::to_string([
        ("loginType", "1"),
        ("scid", &a.organization_id.to_string()),
        ("un", &a.login),
        ("pw", pw),
        ("pw2", &pw2),
        ("lt", data["lt"].as_str().unwrap()),
        ("ver", data["ver"].as_str().unwrap()),
    ])
    .unwrap();
    let login = send(
        router,
        Request::post(path)
            .header(header::COOKIE, format!("NSSESSIONID={cookie}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form))
            .unwrap(),
    )
    .await;
    let at = if login.status == 200 {
        login.json()["at"].as_str().unwrap().to_owned()
    } else {
        String::new()
    };
    SignIn {
        logindata,
        getdata,
        login,
        at,
    }
}

/// A signed-in client for a demo account.
async fn client(w: &World, a: &DemoAccount) -> Client {
    let s = challenge(&w.router, a, &a.password, "/webapi/login").await;
    assert_eq!(
        s.login.status,
        200,
        "{}",
        String::from_utf8_lossy(&s.login.body)
    );
    Client {
        router: w.router.clone(),
        at: s.at,
    }
}

/// A demo school on SQLite with the fixed test day (one engine shows the shapes).
async fn world() -> World {
    sgo_testkit::world(Engine::Sqlite, 1).await
}

fn org(w: &World) -> i64 {
    w.admin().organization_id
}

// --- sign-in --------------------------------------------------------------------------------

#[tokio::test]
async fn sign_in_shapes() {
    let w = world().await;
    let student = w.first(Role::Student, org(&w));
    let first = challenge(&w.router, &student, &student.password, "/webapi/login").await;
    let cookie_headers = ["content-type", "set-cookie"];
    let mut logindata = first.logindata.shape();
    logindata["headers"] = first.logindata.headers_shape(&cookie_headers, false)["headers"].clone();
    snap("logindata", &logindata, &[]);
    snap("auth_getdata", &first.getdata.shape(), &[]);
    let mut login = first.login.shape();
    login["headers"] = first.login.headers_shape(&cookie_headers, false)["headers"].clone();
    snap("login", &login, &[]);

    let again = challenge(&w.router, &student, &student.password, "/webapi/auth/login").await;
    snap("auth_login", &again.login.shape(), &[]);
    let refused = challenge(&w.router, &student, "не тот пароль", "/webapi/login").await;
    snap("login_refused", &refused.login.shape(), &[]);

    let anonymous = Client {
        router: w.router.clone(),
        at: String::new(),
    };
    let expired = anonymous
        .get(&format!("context/expired?token={}", first.at))
        .await;
    snap("context_expired", &expired.shape(), &[]);
    let client = Client {
        router: w.router.clone(),
        at: first.at.clone(),
    };
    let logout = send(
        &client.router,
        Request::post("/webapi/auth/logout")
            .header("at", &client.at)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    snap(
        "auth_logout",
        &logout.headers_shape(&["content-type", "content-length"], true),
        &[],
    );
    let expired = anonymous
        .get(&format!("context/expired?token={}", first.at))
        .await;
    snap("context_expired_after_logout", &expired.shape(), &[]);

    let short = student.organization_short_name.clone();
    let part: String = short.chars().take(6).collect();
    let search = anonymous
        .get(&format!("schools/search?name={}&sft=2", urlencode(&part)))
        .await;
    assert!(
        search.json().as_array().is_some_and(|a| !a.is_empty()),
        "{}",
        String::from_utf8_lossy(&search.body)
    );
    snap("schools_search", &search.shape(), &[]);
}

fn urlencode(text: &str) -> String {
    serde_urlencoded::to_string([("v", text)]).unwrap()[2..].to_owned()
}

// --- ESIA -----------------------------------------------------------------------------------

/// The ESIA subject the tests link to an account.
const SUBJECT: &str = "1000000001";

#[tokio::test]
async fn esia_shapes() {
    let w = world().await;
    // The ESIA profile starts without a network call: a fixed secret stands in for the signer.
    let config = ProviderConfig {
        profile: ProviderProfile::Esia,
        issuer: String::new(),
        authorize_url: "https://esia.gosuslugi.ru/aas/oauth2/v2/ac".into(),
        token_url: "https://esia.gosuslugi.ru/aas/oauth2/v3/te".into(),
        userinfo_url: String::new(),
        client_id: "SGO".into(),
        signer: Signer::Fixed("secret".into()),
        redirect_uri: "http://sgo.test/esia/callback".into(),
        scopes: ["openid", "fullname", "birthdate"]
            .map(String::from)
            .to_vec(),
        claims: ClaimNames::default(),
    };
    let app = w
        .app
        .clone()
        .with_identity_provider(IdentityProvider::new(config).unwrap());
    let esia = router(app, WebOptions::default());

    let logindata = send(
        &esia,
        Request::get("/webapi/logindata")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    snap("logindata_esia", &logindata.shape(), &[]);

    let state = send(
        &esia,
        Request::post("/webapi/auth/login-state")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("mobile=1"))
            .unwrap(),
    )
    .await;
    snap(
        "auth_login_state",
        &state.shape(),
        &[(".body", Redact::Token)],
    );
    let ls = state.json().as_str().unwrap().to_owned();

    let refused = send(
        &esia,
        Request::get(format!("/webapi/sso/esia/account-info?loginState={ls}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    snap("sso_esia_account_info_refused", &refused.shape(), &[]);

    let cross = send(
        &esia,
        Request::get(format!(
            "/webapi/sso/esia/crosslogin?loginState={ls}&esia_permissions=1&esia_role=1"
        ))
        .body(Body::empty())
        .unwrap(),
    )
    .await;
    let location = cross.header("location").unwrap_or_default().to_owned();
    let (target, query) = location.split_once('?').unwrap_or((&location, ""));
    let params: Vec<String> = serde_urlencoded::from_str::<Vec<(String, String)>>(query)
        .unwrap()
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    let mut shape = cross.headers_shape(&["content-type"], false);
    shape["location"] = json!({"target": target, "parameters": params});
    snap("sso_esia_crosslogin", &shape, &[]);

    // What the provider's callback does, done on the store: the state is authenticated as the
    // subject, whose link to the student was made in personal settings.
    let student = w.first(Role::Student, org(&w));
    let account = w.id_of(&student).await;
    let now = chrono::Utc::now();
    assert!(
        w.store()
            .authenticate_login_state(&ls, SUBJECT, r#"{"trust":"confirmed"}"#, now)
            .await
            .unwrap()
    );
    w.store()
        .create_esia_link(SUBJECT, account, Some(account), "settings", now)
        .await
        .unwrap();
    let info = send(
        &esia,
        Request::get(format!("/webapi/sso/esia/account-info?loginState={ls}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    snap("sso_esia_account_info", &info.shape(), &[]);

    let form = serde_urlencoded::to_string([
        ("loginType", "8"),
        ("lscope", &account.to_string()),
        ("idp", "esia"),
        ("loginState", &ls),
    ])
    .unwrap();
    let login = send(
        &esia,
        Request::post("/webapi/auth/login")
            .header(
                header::CONTENT_TYPE,
                "application/x-www-form-urlencoded; charset=UTF-8",
            )
            .body(Body::from(form))
            .unwrap(),
    )
    .await;
    snap("auth_login_esia", &login.shape(), &[]);
}

// --- the school and the account -------------------------------------------------------------

#[tokio::test]
async fn school_shapes() {
    let w = world().await;
    let student = w.first(Role::Student, org(&w));
    let c = client(&w, &student).await;
    let context = c.get("context").await;
    snap("context", &context.shape(), &[]);
    let school = context.json()["schoolId"].as_i64().unwrap();
    let me = context.json()["userId"].as_i64().unwrap();
    snap(
        "schools_card",
        &c.get(&format!("schools/{school}/card")).await.shape(),
        &[],
    );
    snap("years_current", &c.get("years/current").await.shape(), &[]);
    snap("years", &c.get("years").await.shape(), &[]);
    snap(
        "grade_assignment_types",
        &c.get("grade/assignment/types?all=false").await.shape(),
        &[],
    );
    snap(
        "schedule_times",
        &c.get("schedule/times").await.shape(),
        &[],
    );
    snap("mysettings", &c.get("mysettings").await.shape(), &[]);
    snap(
        "attachments_upload_limits",
        &c.get("attachments/uploadLimits").await.shape(),
        &[],
    );
    let photo = c.get(&format!("users/photo?userId={me}")).await;
    snap(
        "users_photo",
        &photo.headers_shape(&["content-type", "cache-control"], true),
        &[],
    );
}

// --- the diary ------------------------------------------------------------------------------

/// Monday of the week before the test day: its lessons are over, so its work can be overdue.
fn last_week() -> (NaiveDate, NaiveDate) {
    let monday = sgo_core::calendar::week_start(sgo_testkit::today()) - chrono::Duration::weeks(1);
    (monday, monday + chrono::Duration::days(5))
}

#[tokio::test]
async fn diary_shapes() {
    let w = world().await;
    let o = org(&w);
    let student = w.first(Role::Student, o);
    let c = client(&w, &student).await;
    let init = c.get("student/diary/init").await;
    snap("student_diary_init", &init.shape(), &[]);
    let sid = init.json()["students"][0]["studentId"].as_i64().unwrap();
    let year = c.get("years/current").await.json()["id"].as_i64().unwrap();
    let types = c.get("grade/assignment/types?all=false").await.json();
    let type_id = types[0]["id"].as_i64().unwrap();
    let (from, to) = last_week();
    let query = format!("studentId={sid}&yearId={year}&weekStart={from}&weekEnd={to}");

    // A lesson of last week with work on it, and the teacher who gives it.
    let before = c.get(&format!("student/diary?{query}")).await.json();
    let (lesson, day, some_assignment) = before["weekDays"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["lessons"].as_array().unwrap().iter())
        .find_map(|l| {
            let a = l["assignments"].as_array()?.first()?;
            Some((
                l["classmeetingId"].as_i64()?,
                l["day"].as_str()?[..10].to_owned(),
                a["id"].as_i64()?,
            ))
        })
        .expect("a lesson with an assignment last week");
    let card = c
        .get(&format!(
            "student/diary/assigns/{some_assignment}?studentId={sid}"
        ))
        .await
        .json();
    let teacher_id = card["teachers"][0]["id"].as_i64().unwrap();
    let mut teacher = None;
    for t in w.all(Role::Teacher, o) {
        if w.id_of(&t).await == teacher_id {
            teacher = Some(t);
        }
    }
    let teacher = teacher.expect("the lesson's teacher has a password");

    // The teacher gives mandatory homework with a file, due on the (past) lesson day.
    let cookie = w.cookie(&teacher).await;
    let added = w
        .post_multipart(
            &cookie,
            &format!("/journal/lesson/{lesson}/assignments"),
            &[
                ("type", &type_id.to_string()),
                ("title", "Выучить стихотворение"),
                ("description", "Наизусть, с выражением"),
                ("due", &day),
                ("mandatory", "1"),
            ],
            &[(
                "files",
                "стихотворение.txt",
                "Белеет парус одинокий".as_bytes(),
            )],
        )
        .await;
    assert_eq!(added.status.as_u16(), 303, "{}", added.text());

    let diary = c.get(&format!("student/diary?{query}")).await;
    snap("student_diary", &diary.shape(), &[]);
    let overdue = c.get(&format!("student/diary/pastMandatory?{query}")).await;
    let new_id = overdue
        .json()
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["assignmentName"] == "Выучить стихотворение")
        .and_then(|a| a["id"].as_i64())
        .expect("the new homework is overdue");
    snap("student_diary_past_mandatory", &overdue.shape(), &[]);
    let files = c
        .post(
            &format!("student/diary/get-attachments?studentId={sid}"),
            json!({"assignId": [new_id]}),
        )
        .await;
    snap("student_diary_get_attachments", &files.shape(), &[]);
    let card = c
        .get(&format!("student/diary/assigns/{new_id}?studentId={sid}"))
        .await;
    snap("student_diary_assigns", &card.shape(), &[]);
    let file_id = files.json()[0]["attachments"][0]["id"].as_i64().unwrap();
    let download = c.get(&format!("attachments/{file_id}")).await;
    snap(
        "attachments_download",
        &download.headers_shape(
            &[
                "content-type",
                "content-disposition",
                "content-security-policy",
                "cache-control",
            ],
            true,
        ),
        &[],
    );

    let parent = client(&w, &w.first(Role::Parent, o)).await;
    snap(
        "student_diary_init_parent",
        &parent.get("student/diary/init").await.shape(),
        &[],
    );
}

// --- errors the clients see -----------------------------------------------------------------

#[tokio::test]
async fn error_shapes() {
    let w = world().await;
    let o = org(&w);
    let student = w.first(Role::Student, o);
    let c = client(&w, &student).await;
    let anonymous = Client {
        router: w.router.clone(),
        at: String::new(),
    };
    snap(
        "error_unauthorized",
        &anonymous.get("student/diary/init").await.shape(),
        &[],
    );
    let stranger = w.id_of(&w.first(Role::Teacher, o)).await;
    snap(
        "error_forbidden",
        &c.get(&format!("student/diary?studentId={stranger}"))
            .await
            .shape(),
        &[],
    );
    snap(
        "error_bad_request",
        &c.get("student/diary?studentId=x").await.shape(),
        &[],
    );
    snap(
        "error_not_found",
        &c.get("no/such/method").await.shape(),
        &[],
    );
}

// --- announcements and mail -----------------------------------------------------------------

#[tokio::test]
async fn announcement_shapes() {
    let w = world().await;
    let o = org(&w);
    let cookie = w.cookie(&w.admin()).await;
    let posted = w
        .post_multipart(
            &cookie,
            "/announcements",
            &[
                ("title", "Родительское собрание"),
                ("body", "<p>В четверг в 18:00, актовый зал</p>"),
                ("audience", "all"),
                ("expires_on", "2026-12-31"),
            ],
            &[("files", "повестка.txt", "1. Итоги четверти".as_bytes())],
        )
        .await;
    assert_eq!(posted.status.as_u16(), 303, "{}", posted.text());
    let student = client(&w, &w.first(Role::Student, o)).await;
    let list = student.get("announcements?take=-1").await;
    assert!(
        list.json().as_array().is_some_and(|a| !a.is_empty()),
        "{}",
        String::from_utf8_lossy(&list.body)
    );
    snap("announcements", &list.shape(), &[]);
}

#[tokio::test]
async fn mail_shapes() {
    let w = world().await;
    let o = org(&w);
    let student = client(&w, &w.first(Role::Student, o)).await;
    let context = student.get("context").await.json();
    let (me, school) = (&context["userId"], &context["schoolId"]);

    // The student writes to a teacher of the directory, as netschoolpy picks one.
    let recipients = student
        .get(&format!(
            "mail/recipients?userId={me}&organizationId={school}&funcType=2&orgType=1&group=4"
        ))
        .await;
    snap("mail_recipients", &recipients.shape(), &[]);
    let mut teacher = None;
    for r in recipients.json().as_array().unwrap() {
        let key = r["id"].as_str().unwrap().to_owned();
        let id: i64 = String::from_utf8(STANDARD.decode(&key).unwrap())
            .unwrap()
            .parse()
            .unwrap();
        for t in w.all(Role::Teacher, o) {
            if teacher.is_none() && w.id_of(&t).await == id {
                teacher = Some((t, id, key.clone()));
            }
        }
    }
    let (teacher_account, teacher_id, teacher_key) =
        teacher.expect("a teacher with a password in the directory");
    let teacher = client(&w, &teacher_account).await;

    let (content_type, body) = sgo_testkit::multipart(
        &[("description", "")],
        &[("file", "сочинение.txt", "Как я провёл лето".as_bytes())],
    );
    let upload = send(
        &student.router,
        Request::post("/webapi/attachments")
            .header("at", &student.at)
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap(),
    )
    .await;
    snap(
        "attachments_upload",
        &upload.shape(),
        &[(".body", Redact::Token)],
    );
    let guid = upload.json().as_str().unwrap().to_owned();

    let sent = student
        .post(
            "mail/messages",
            json!({
                "subject": "Сочинение",
                "text": "Добрый день! Прикладываю сочинение.",
                "to": [teacher_key],
                "cc": [], "bcc": [], "notify": false, "draft": false,
                "fileAttachmentGuids": [guid],
            }),
        )
        .await;
    snap("mail_messages_send", &sent.shape(), &[]);
    let message = sent.json()["messageId"].as_i64().unwrap();

    snap(
        "mail_messages_unread",
        &teacher.get("mail/messages/unread").await.shape(),
        &[(".body[]", Redact::Id)],
    );
    let registry = teacher
        .post(
            "mail/registry",
            json!({
                "filterContext": {"selectedData": [
                    {"filterId": "MailBox", "filterValue": "Inbox", "filterText": "Входящие"},
                    {"filterId": "MessageType", "filterValue": "All", "filterText": "Все"}
                ], "params": null},
                "fields": ["author", "subject", "sent"], "page": 1, "pageSize": 20,
                "search": null, "order": {"fieldId": "sent", "ascending": false}
            }),
        )
        .await;
    snap("mail_registry", &registry.shape(), &[]);
    snap(
        "mail_messages_read",
        &teacher
            .get(&format!("mail/messages/{message}/read?userId={teacher_id}"))
            .await
            .shape(),
        &[],
    );
    snap(
        "mail_messages_edit",
        &teacher
            .get(&format!("mail/messages/{message}/edit?action=reply"))
            .await
            .shape(),
        // The quote's header carries the moment the message was sent.
        &[(".body.text", Redact::Digits)],
    );
    let ids = json!({"messageId": [message]});
    snap(
        "mail_messages_mark_as",
        &teacher
            .post(
                "mail/messages/mark-as",
                json!({"messageId": [message], "read": false}),
            )
            .await
            .shape(),
        &[],
    );
    snap(
        "mail_messages_moving",
        &teacher
            .post("mail/messages/moving", ids.clone())
            .await
            .shape(),
        &[],
    );
    snap(
        "mail_messages_restore",
        &teacher
            .post("mail/messages/restore", ids.clone())
            .await
            .shape(),
        &[],
    );
    assert_eq!(
        teacher
            .post("mail/messages/moving", ids.clone())
            .await
            .status,
        200
    );
    snap(
        "mail_messages_delete",
        &teacher.post("mail/messages/delete", ids).await.shape(),
        &[],
    );
}

// --- reports over real HTTP and the SignalR hub ---------------------------------------------

/// How long the hub may take to answer.
const HUB_WAIT: Duration = Duration::from_secs(60);

#[tokio::test]
async fn report_shapes() {
    let w = world().await;
    let student = w.first(Role::Student, org(&w));
    let c = client(&w, &student).await;
    snap("reports", &c.get("reports").await.shape(), &[]);
    let total = c.get("reports/studenttotalmarks").await;
    snap("reports_filters_total_marks", &total.shape(), &[]);
    snap(
        "reports_filters_grades",
        &c.get("reports/studentgrades").await.shape(),
        &[],
    );
    snap(
        "earlyaccess",
        &c.get("earlyaccess?accessKey=irtechsignalr").await.shape(),
        &[],
    );

    // The hub is a WebSocket: it needs a real connection.
    let addr = queue_hub::serve(&w).await;
    let (mut ws, upgrade, handshake) = queue_hub::open(&addr, &c.at, HUB_WAIT).await;

    let selected: Vec<Value> = total.json()["filterSources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            json!({"filterId": f["filterId"], "filterValue": f["defaultValue"], "filterText": ""})
        })
        .collect();
    let queued = c
        .post(
            "reports/studenttotalmarks/queue",
            json!({"selectedData": selected, "params": [
                {"name": "SCHOOLYEARID", "value": "1"},
                {"name": "SERVERTIMEZONE", "value": 3}
            ]}),
        )
        .await;
    snap("reports_queue", &queued.shape(), &[]);
    let q = queued.json();
    let call = json!({
        "arguments": [q["taskId"], q["queueKey"]],
        "invocationId": "0",
        "target": "startTaskAsync",
        "type": 1
    });
    ws.send(Message::text(format!("{call}{RS}"))).await.unwrap();
    let mut records = Vec::new();
    while records.len() < 2 {
        let text = queue_hub::next_text(&mut ws, HUB_WAIT).await;
        records.extend(
            text.split(RS)
                .filter(|r| !r.is_empty())
                .map(|r| serde_json::from_str::<Value>(r).unwrap())
                .filter(|r| r["type"] != 6),
        );
    }
    let file_id = records[1]["arguments"][0]["data"]
        .as_str()
        .unwrap()
        .to_owned();
    snap(
        "signalr_queue_hub",
        &json!({
            "upgradeStatus": upgrade.status().as_u16(),
            "handshakeAnswer": handshake,
            "records": records,
        }),
        &[],
    );

    let file = c.get(&format!("files/{file_id}")).await;
    assert!(String::from_utf8_lossy(&file.body).contains("<table"));
    snap(
        "files",
        &file.headers_shape(&["content-type", "content-security-policy"], false),
        &[],
    );
}
