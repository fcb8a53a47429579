//! The harness shared by the web tests of the journal, diary, announcements, resources and mail:
//! a demo school on a fresh database of either engine, the real router, and requests as a
//! signed-in person through the pages (cookie + CSRF) or the NetSchool API (`at`).

#![allow(dead_code)] // each test file uses its own part of the harness

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use chrono::NaiveDate;
use sgo_app::{App, Clock, Engine, Origin, PasswordCost, Role, ServerKey, Settings};
use sgo_core::OrganizationId;
use sgo_demo::{DemoAccount, DemoOptions, generate};
use sgo_store::Store;
use sgo_store::testing::TestStore;
use sgo_web::{WebOptions, router};
use tower::ServiceExt;

/// Runs each named `async fn(Engine)` of the test file once on SQLite and once on PostgreSQL,
/// as `sqlite::name` and `postgres::name`.
#[macro_export]
macro_rules! both_engines {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test] async fn $name() { super::$name(sgo_app::Engine::Sqlite).await; })*
        }
        mod postgres {
            $(#[tokio::test] async fn $name() { super::$name(sgo_app::Engine::Postgres).await; })*
        }
    };
}

pub mod headers;
pub mod smtp;

/// The pre-session CSRF token: the `sgo_csrf` cookie of test requests (a signed-in browser's
/// forms carry [`csrf_for`] instead).
pub const CSRF: &str = "0123456789abcdef0123456789abcdef";

/// The form token for a cookie header: its session's when it has one, else the `sgo_csrf` value.
pub fn csrf_for(cookie: &str) -> String {
    let value = |name: &str| {
        cookie
            .split(';')
            .filter_map(|p| p.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_owned())
    };
    match value("sgo_session") {
        Some(session) => sgo_web::csrf_token_for(&session),
        None => value("sgo_csrf").unwrap_or_else(|| CSRF.to_owned()),
    }
}

/// The fixed "today" of the demo data (a Monday in the second quarter).
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

/// A demo region on a fresh database with the router in front of it.
pub struct World {
    /// The database (dropped with the world).
    pub db: TestStore,
    /// The application.
    pub app: App,
    /// The HTTP surface.
    pub router: Router,
    /// Accounts that got passwords.
    pub accounts: Vec<DemoAccount>,
    /// Where this world's files are kept (removed with the world).
    pub files_dir: tempdir::Dir,
}

/// A response with its body read.
pub struct Response {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl Response {
    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    /// The redirect target.
    pub fn location(&self) -> String {
        self.headers[header::LOCATION].to_str().unwrap().to_owned()
    }

    /// A header as text ("" when absent).
    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }
}

/// A demo region of `schools` schools (3 students per class) with settings adjusted by `tune`.
pub async fn world_with(engine: Engine, schools: u32, tune: impl FnOnce(&mut Settings)) -> World {
    let db = TestStore::new(engine).await;
    let key = ServerKey::generate().unwrap();
    let options = DemoOptions {
        schools,
        students_per_class: 3,
        seed: 5,
        today: today(),
    };
    let accounts = generate(db.store.as_ref(), &key, &options, &|_| {})
        .await
        .unwrap();
    let files_dir = tempdir::Dir::new();
    let mut settings = Settings {
        password_cost: PasswordCost::DEMO,
        files_dir: files_dir.path.clone(),
        ..Settings::default()
    };
    tune(&mut settings);
    let app = App::new(db.store.clone(), key, settings, Clock::FixedDay(today()));
    let router = router(app.clone(), WebOptions::default());
    World {
        db,
        app,
        router,
        accounts,
        files_dir,
    }
}

/// A demo region with default settings.
pub async fn world(engine: Engine, schools: u32) -> World {
    world_with(engine, schools, |_| {}).await
}

impl World {
    /// The store.
    pub fn store(&self) -> &dyn Store {
        self.db.store.as_ref()
    }

    /// The first account with a role in an organization.
    pub fn first(&self, role: Role, org: i64) -> DemoAccount {
        self.accounts
            .iter()
            .find(|a| a.role == role && a.organization_id == org)
            .unwrap_or_else(|| panic!("no {role:?} in organization {org}"))
            .clone()
    }

    /// Every account with a role in an organization.
    pub fn all(&self, role: Role, org: i64) -> Vec<DemoAccount> {
        self.accounts
            .iter()
            .filter(|a| a.role == role && a.organization_id == org)
            .cloned()
            .collect()
    }

    /// The first school's administrator.
    pub fn admin(&self) -> DemoAccount {
        self.accounts
            .iter()
            .find(|a| a.role == Role::Administrator)
            .unwrap()
            .clone()
    }

    /// The account id of a demo account.
    pub async fn id_of(&self, a: &DemoAccount) -> i64 {
        let norm = sgo_core::text::normalise(&a.login);
        self.store()
            .credentials(a.organization_id, &norm)
            .await
            .unwrap()
            .unwrap()
            .account_id
    }

    /// A session token for the account (works as the web cookie and as the NetSchool `at`).
    pub async fn token(&self, a: &DemoAccount) -> String {
        self.app
            .sign_in(
                OrganizationId::new(a.organization_id),
                &a.login,
                &a.password,
                &Origin::default(),
            )
            .await
            .unwrap()
            .token
    }

    /// The cookie header of a signed-in page session, CSRF cookie included.
    pub async fn cookie(&self, a: &DemoAccount) -> String {
        format!("sgo_session={}; sgo_csrf={CSRF}", self.token(a).await)
    }

    /// The cookie header of a page session for a token from [`World::token`].
    pub fn cookie_for_token(&self, token: &str) -> String {
        format!("sgo_session={token}; sgo_csrf={CSRF}")
    }

    /// Sends a request through the router.
    pub async fn send(&self, req: Request<Body>) -> Response {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = axum::body::to_bytes(res.into_body(), 64 << 20)
            .await
            .unwrap()
            .to_vec();
        Response {
            status,
            headers,
            body,
        }
    }

    /// A page as a signed-in person.
    pub async fn get(&self, cookie: &str, uri: &str) -> Response {
        let req = Request::get(uri)
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap();
        self.send(req).await
    }

    /// Posts a URL-encoded form with the CSRF field.
    pub async fn post(&self, cookie: &str, uri: &str, fields: &[(&str, &str)]) -> Response {
        let csrf = csrf_for(cookie);
        let mut pairs: Vec<(&str, &str)> = fields.to_vec();
        pairs.push(("csrf", &csrf));
        self.post_raw(cookie, uri, &pairs).await
    }

    /// Posts a URL-encoded form exactly as given (no CSRF field added).
    pub async fn post_raw(&self, cookie: &str, uri: &str, pairs: &[(&str, &str)]) -> Response {
        let req = Request::post(uri)
            .header(header::COOKIE, cookie)
            .header(header::HOST, "sgo.example.ru")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(serde_urlencoded::to_string(pairs).unwrap()))
            .unwrap();
        self.send(req).await
    }

    /// Posts a multipart form: text fields (CSRF added) and files as (field, file name, bytes).
    pub async fn post_multipart(
        &self,
        cookie: &str,
        uri: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> Response {
        let csrf = csrf_for(cookie);
        let mut pairs: Vec<(&str, &str)> = fields.to_vec();
        pairs.push(("csrf", &csrf));
        let (content_type, body) = multipart(&pairs, files);
        let req = Request::post(uri)
            .header(header::COOKIE, cookie)
            .header(header::HOST, "sgo.example.ru")
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// A NetSchool API GET with the `at` header.
    pub async fn api_get(&self, at: &str, uri: &str) -> Response {
        let req = Request::get(format!("/webapi/{uri}"))
            .header("at", at)
            .body(Body::empty())
            .unwrap();
        self.send(req).await
    }

    /// A NetSchool API POST of a JSON body with the `at` header.
    pub async fn api_post(&self, at: &str, uri: &str, body: serde_json::Value) -> Response {
        let req = Request::post(format!("/webapi/{uri}"))
            .header("at", at)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        self.send(req).await
    }

    /// A NetSchool API multipart POST with the `at` header (no CSRF: the API has none).
    pub async fn api_post_multipart(
        &self,
        at: &str,
        uri: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> Response {
        let (content_type, body) = multipart(fields, files);
        let req = Request::post(format!("/webapi/{uri}"))
            .header("at", at)
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }
}

/// A multipart/form-data body and its content type.
pub fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "sgo-test-boundary-7d3f";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (name, file_name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A temporary directory removed when dropped (no extra crate needed).
pub mod tempdir {
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicU64, Ordering};

    static NEXT: AtomicU64 = AtomicU64::new(0);

    /// The directory.
    pub struct Dir {
        /// Its path.
        pub path: PathBuf,
    }

    impl Dir {
        /// A new, not yet created, directory under the system temporary directory.
        pub fn new() -> Dir {
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let path =
                std::env::temp_dir().join(format!("sgo-test-files-{}-{n}", std::process::id()));
            Dir { path }
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}
