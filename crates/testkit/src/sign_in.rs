//! Signing in as the tests need it: straight through the use case (a token for the cookie or
//! the `at` header), through the web login form as a browser does, and through the NetSchool
//! challenge as the Python clients do. Our own API's tokens get their helper here when that API
//! comes, beside these.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use serde_json::Value as Json;
use sgo_app::{Origin, Role};
use sgo_demo::DemoAccount;

use crate::World;
use crate::http::{CSRF, Response, set_cookie_value};
use sgo_core::OrganizationId;

/// A signed-in person: their account id, session token and the cookie header for pages.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The account id.
    pub id: i64,
    /// The session token (also the NetSchool `at`).
    pub token: String,
    /// The cookie header of pages, CSRF cookie included.
    pub cookie: String,
}

/// A browser signed in through the login form: its cookie header and its forms' CSRF token.
#[derive(Debug, Clone)]
pub struct Browser {
    /// The cookie header.
    pub cookie: String,
    /// The token its forms carry.
    pub csrf: String,
}

/// The address a request comes from, as the server sees it behind no proxy.
pub fn from_ip(ip: &str) -> ConnectInfo<SocketAddr> {
    ConnectInfo(format!("{ip}:40000").parse().unwrap())
}

impl World {
    /// Signs in the first account with `role` of the `nth` school through the use case.
    pub async fn sign_in(&self, role: Role, nth: usize) -> SignedIn {
        let a = self.in_school(role, nth);
        self.sign_in_as(&a).await
    }

    /// Signs in a demo account through the use case.
    pub async fn sign_in_as(&self, a: &DemoAccount) -> SignedIn {
        let signed = self
            .app
            .sign_in(
                OrganizationId::new(a.organization_id),
                &a.login,
                &a.password,
                &Origin::default(),
            )
            .await
            .unwrap();
        SignedIn {
            id: signed.actor.account_id.get(),
            cookie: self.cookie_for_token(&signed.token),
            token: signed.token,
        }
    }

    /// The cookie header of a signed-in page session, CSRF cookie included.
    pub async fn cookie(&self, a: &DemoAccount) -> String {
        format!("sgo_session={}; sgo_csrf={CSRF}", self.token(a).await)
    }

    /// The cookie header of a page session for a token from [`World::token`].
    pub fn cookie_for_token(&self, token: &str) -> String {
        format!("sgo_session={token}; sgo_csrf={CSRF}")
    }

    /// Posts the login form with the fixed CSRF cookie; the session cookie is in the answer on
    /// success.
    pub async fn form_login(&self, organization: i64, login: &str, password: &str) -> Response {
        let body = serde_urlencoded::to_string([
            ("csrf", CSRF),
            ("organization", &organization.to_string()),
            ("login", login),
            ("password", password),
        ])
        .unwrap();
        let req = Request::post("/login")
            .header(header::COOKIE, format!("sgo_csrf={CSRF}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// The cookie header of a demo account signed in through the login form.
    pub async fn form_cookie(&self, a: &DemoAccount) -> String {
        let reply = self
            .form_login(a.organization_id, &a.login, &a.password)
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
        let session = reply.set_cookie("sgo_session").expect("a session cookie");
        format!("sgo_session={session}; sgo_csrf={CSRF}")
    }

    /// `POST /login` as a browser does it, with the CSRF cookie the login page gave; answers the
    /// reply and the browser when signed in.
    pub async fn web_login(&self, a: &DemoAccount, password: &str) -> (Response, Option<Browser>) {
        let page = self.get_anonymous("/login").await;
        let csrf = page.set_cookie("sgo_csrf").unwrap();
        let body = serde_urlencoded::to_string([
            ("csrf", csrf.as_str()),
            ("organization", &a.organization_id.to_string()),
            ("login", &a.login),
            ("password", password),
        ])
        .unwrap();
        let req = Request::post("/login")
            .header(header::COOKIE, format!("sgo_csrf={csrf}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        let reply = self.send(req).await;
        // Signed in, forms carry the session's token, no longer the cookie's.
        let browser = reply.set_cookie("sgo_session").map(|s| Browser {
            cookie: format!("sgo_session={s}; sgo_csrf={csrf}"),
            csrf: sgo_web::csrf_token_for(&s),
        });
        (reply, browser)
    }

    /// A browser signed in through the login form with the account's own password.
    pub async fn browser(&self, a: &DemoAccount) -> Browser {
        let (reply, browser) = self.web_login(a, &a.password).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
        browser.unwrap()
    }

    /// The NetSchool challenge login, as the Python clients do it: `logindata` for a session
    /// cookie, `getdata` for the challenge, then `form` (given lt, ver, salt) posted to
    /// `login`. Answers (status, body, NSSESSIONID).
    pub async fn challenge(
        &self,
        form: impl Fn(&str, &str, &str) -> String,
    ) -> (StatusCode, Json, String) {
        let first = self.get_anonymous("/webapi/logindata").await;
        let cookie = first
            .set_cookie("NSSESSIONID")
            .expect("logindata sets NSSESSIONID");
        let res = self.challenge_with_cookie(&cookie, form).await;
        // As the clients' cookie jars do: the login answer's new NSSESSIONID replaces the old.
        let cookie = set_cookie_value(&res.headers, "NSSESSIONID").unwrap_or(cookie);
        (res.status, res.json_or_null(), cookie)
    }

    /// `getdata` for the challenge and `form` (given lt, ver, salt) posted to `login`, both with
    /// the session cookie NSSESSIONID=`cookie`.
    async fn challenge_with_cookie(
        &self,
        cookie: &str,
        form: impl Fn(&str, &str, &str) -> String,
    ) -> Response {
        let cookie = format!("NSSESSIONID={cookie}");
        let req = Request::post("/webapi/auth/getdata")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap();
        let res = self.send(req).await;
        assert_eq!(res.status, StatusCode::OK);
        let data = res.json();
        let keys: Vec<&String> = data.as_object().unwrap().keys().collect();
        assert_eq!(
            keys.len(),
            3,
            "getdata must hold exactly lt, ver, salt: {data}"
        );
        let body = form(
            data["lt"].as_str().unwrap(),
            data["ver"].as_str().unwrap(),
            data["salt"].as_str().unwrap(),
        );
        let req = Request::post("/webapi/login")
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// The NetSchool login of a demo account with `password`; answers (status, body, cookie).
    pub async fn netschool_login(
        &self,
        account: &DemoAccount,
        password: &str,
    ) -> (StatusCode, Json, String) {
        let (org, login) = (account.organization_id, account.login.clone());
        let password = password.to_owned();
        self.challenge(move |lt, ver, salt| netschool_form(org, &login, &password, lt, ver, salt))
            .await
    }

    /// The `at` token of a demo account signed in through the NetSchool challenge.
    pub async fn at(&self, account: &DemoAccount) -> String {
        let (status, body, _) = self.netschool_login(account, &account.password).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["at"].as_str().unwrap().to_owned()
    }
}

impl World {
    /// The NetSchool login as a client that brings its own NSSESSIONID and skips `logindata`:
    /// `getdata` for the challenge, then `login` with `pw2` alone.
    pub async fn netschool_login_with_cookie(
        &self,
        a: &DemoAccount,
        password: &str,
        client_cookie: &str,
    ) -> Response {
        let form = |lt: &str, ver: &str, salt: &str| pw2_form(a, password, lt, ver, salt);
        self.challenge_with_cookie(client_cookie, form).await
    }
}

impl World {
    /// The web login form sent from `ip` by a desktop browser, with the fixed CSRF cookie.
    pub async fn form_login_from(
        &self,
        ip: &str,
        org: i64,
        login: &str,
        password: &str,
    ) -> Response {
        let org = org.to_string();
        let body = serde_urlencoded::to_string([
            ("csrf", CSRF),
            ("organization", org.as_str()),
            ("login", login),
            ("password", password),
        ])
        .unwrap();
        let mut req = Request::post("/login")
            .header(header::COOKIE, format!("sgo_csrf={CSRF}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(
                header::USER_AGENT,
                "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0",
            )
            .body(Body::from(body))
            .unwrap();
        req.extensions_mut().insert(from_ip(ip));
        self.send(req).await
    }

    /// The NetSchool challenge login as the Python clients do it, sent from `ip`; answers the
    /// `login` answer.
    pub async fn netschool_login_from(
        &self,
        ip: &str,
        a: &DemoAccount,
        password: &str,
    ) -> Response {
        let send = |req: Request<Body>| {
            let mut req = req;
            req.extensions_mut().insert(from_ip(ip));
            self.send(req)
        };
        let first = send(
            Request::get("/webapi/logindata")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        let cookie = first.set_cookie("NSSESSIONID").unwrap();
        let data = send(
            Request::post("/webapi/auth/getdata")
                .header(header::COOKIE, format!("NSSESSIONID={cookie}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .json();
        let body = netschool_form(
            a.organization_id,
            &a.login,
            password,
            data["lt"].as_str().unwrap(),
            data["ver"].as_str().unwrap(),
            data["salt"].as_str().unwrap(),
        );
        send(
            Request::post("/webapi/login")
                .header(header::COOKIE, format!("NSSESSIONID={cookie}"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }
}

/// The NetSchool login form of a client that sends `pw2` alone (no `pw`), for a demo account's
/// `password` and a challenge.
pub fn pw2_form(a: &DemoAccount, password: &str, lt: &str, ver: &str, salt: &str) -> String {
    let pw2 = sgo_auth::legacy::expected_pw2(&sgo_auth::legacy::verifier(password).unwrap(), salt);
    serde_urlencoded::to_string([
        ("loginType", "1"),
        ("scid", &a.organization_id.to_string()),
        ("un", &a.login),
        ("pw2", &pw2),
        ("lt", lt),
        ("ver", ver),
    ])
    .unwrap()
}

/// The NetSchool login form for a password and a challenge, as the clients compute it.
pub fn netschool_form(
    org: i64,
    login: &str,
    password: &str,
    lt: &str,
    ver: &str,
    salt: &str,
) -> String {
    let pw2 = sgo_auth::legacy::expected_pw2(&sgo_auth::legacy::verifier(password).unwrap(), salt);
    let pw = &pw2[..password.chars().count().min(32)];
    serde_urlencoded::to_string([
        ("loginType", "1"),
        ("scid", &org.to_string()),
        ("un", login),
        ("pw", pw),
        ("pw2", &pw2),
        ("lt", lt),
        ("ver", ver),
    ])
    .unwrap()
}
