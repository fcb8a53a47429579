//! Sign-in with ESIA against a real OpenID Connect provider process (npm oidc-provider, started
//! from `tests/browser/idp.mjs` on a free loopback port), on both engines: linking from personal
//! settings, one linked account, several with the chooser, none, automatic linking, the
//! confirmed-account rule for passwords and ESIA, state tampering and replay, the NetSchool ESIA
//! endpoints, and the ESIA profile with an external signer.
//!
//! The provider's redirects are driven by a cookie-keeping reqwest client that does not follow
//! redirects; our side is the real router, called in-process. The redirect URI is
//! `http://sgo.test/esia/callback`: the test carries the provider's answer across itself.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use sgo_testkit::both_engines;
use std::collections::HashMap;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::NaiveDate;
use serde_json::{Value, json};
use sgo_app::identity::{ClaimNames, IdentityProvider, ProviderConfig, ProviderProfile, Signer};
use sgo_app::{Engine, Role};
use sgo_demo::DemoAccount;
use sgo_store::RegionIdentitySettings;
use sgo_testkit::sign_in::pw2_form;
use sgo_testkit::{CSRF, Response, World, tempdir, today, world_with};

/// Where our server pretends to live.
const PUBLIC: &str = "http://sgo.test";

/// The provider process, stopped when dropped.
struct Idp {
    child: Child,
    issuer: String,
    users: PathBuf,
    _dir: tempdir::Dir,
}

impl Drop for Idp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Idp {
    /// Starts the provider with extra users (login → claims).
    fn start(users: Value) -> Idp {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/browser");
        assert!(
            root.join("node_modules/oidc-provider").exists(),
            "oidc-provider is not installed: run `npm ci` in tests/browser"
        );
        let dir = tempdir::Dir::new();
        std::fs::create_dir_all(&dir.path).unwrap();
        let file = dir.path.join("users.json");
        std::fs::write(&file, users.to_string()).unwrap();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log = std::fs::File::create(dir.path.join("idp.log")).unwrap();
        let child = Command::new("node")
            .arg(root.join("idp.mjs"))
            .env("OP_PORT", port.to_string())
            .env("RP_REDIRECT", format!("{PUBLIC}/esia/callback"))
            .env("IDP_USERS", &file)
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .stdin(Stdio::null())
            .spawn()
            .expect("node must be installed to run the OpenID Connect provider");
        let idp = Idp {
            child,
            issuer: format!("http://127.0.0.1:{port}"),
            users: file,
            _dir: dir,
        };
        for _ in 0..150 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return idp;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("the provider did not start on port {port}");
    }

    /// Adds or replaces users while it runs (it reads the file on every sign-in).
    fn set_users(&self, users: Value) {
        std::fs::write(&self.users, users.to_string()).unwrap();
    }

    fn oidc_config(&self) -> ProviderConfig {
        ProviderConfig {
            profile: ProviderProfile::Oidc,
            issuer: self.issuer.clone(),
            authorize_url: String::new(),
            token_url: String::new(),
            userinfo_url: String::new(),
            client_id: "sgo-test".into(),
            signer: Signer::Fixed("sgo-test-secret".into()),
            redirect_uri: format!("{PUBLIC}/esia/callback"),
            scopes: ["openid", "fullname", "birthdate", "snils"]
                .map(String::from)
                .to_vec(),
            claims: ClaimNames::default(),
        }
    }
}

/// A browser on our side: cookies by name, requests through the router.
#[derive(Default)]
struct Browser {
    cookies: HashMap<String, String>,
}

impl Browser {
    fn cookie_header(&self) -> String {
        let mut parts: Vec<String> = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        parts.push(format!("sgo_csrf={CSRF}"));
        parts.join("; ")
    }

    fn keep(&mut self, r: &Response) {
        for v in r.headers.get_all(header::SET_COOKIE) {
            let v = v.to_str().unwrap();
            let (pair, attrs) = v.split_once(';').unwrap_or((v, ""));
            let (k, val) = pair.split_once('=').unwrap();
            if attrs.contains("Max-Age=0") || val.is_empty() {
                self.cookies.remove(k.trim());
            } else {
                self.cookies.insert(k.trim().into(), val.trim().into());
            }
        }
    }

    async fn get(&mut self, w: &World, uri: &str) -> Response {
        let req = Request::get(uri)
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())
            .unwrap();
        let r = w.send(req).await;
        self.keep(&r);
        r
    }

    async fn post(&mut self, w: &World, uri: &str, fields: &[(&str, &str)]) -> Response {
        let csrf = sgo_testkit::csrf_for(&self.cookie_header());
        let mut pairs = fields.to_vec();
        pairs.push(("csrf", &csrf));
        let req = Request::post(uri)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(serde_urlencoded::to_string(&pairs).unwrap()))
            .unwrap();
        let r = w.send(req).await;
        self.keep(&r);
        r
    }

    /// Signs in with the school's login and password through the form.
    async fn sign_in(&mut self, w: &World, a: &DemoAccount) -> Response {
        self.post(
            w,
            "/login",
            &[
                ("organization", &a.organization_id.to_string()),
                ("login", &a.login),
                ("password", &a.password),
            ],
        )
        .await
    }
}

/// A person at the provider: its own cookie jar, redirects by hand.
fn provider_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap()
}

fn location_of(r: &reqwest::Response, base: &str) -> String {
    let loc = r.headers()[reqwest::header::LOCATION].to_str().unwrap();
    if loc.starts_with('/') {
        format!("{base}{loc}")
    } else {
        loc.to_owned()
    }
}

/// Signs in at the provider as `login` (development login and consent pages) and returns the
/// path and query of our callback it sends the person to.
async fn at_provider(client: &reqwest::Client, idp: &Idp, auth_url: &str, login: &str) -> String {
    let mut url = auth_url.to_owned();
    for _ in 0..12 {
        if let Some(rest) = url.strip_prefix(PUBLIC) {
            return rest.to_owned();
        }
        let r = client.get(&url).send().await.unwrap();
        if r.status().is_redirection() {
            url = location_of(&r, &idp.issuer);
            continue;
        }
        let html = r.text().await.unwrap();
        let form: Vec<(&str, &str)> = if html.contains("value=\"login\"") {
            vec![("prompt", "login"), ("login", login), ("password", "any")]
        } else if html.contains("value=\"consent\"") {
            vec![("prompt", "consent")]
        } else {
            panic!("unexpected provider page at {url}: {html}");
        };
        let r = client.post(&url).form(&form).send().await.unwrap();
        assert!(r.status().is_redirection(), "{url}: {}", r.status());
        url = location_of(&r, &idp.issuer);
    }
    panic!("the provider did not send the person back");
}

/// A world whose app talks to the provider.
async fn esia_world(engine: Engine, schools: u32, config: ProviderConfig) -> World {
    let w = world_with(engine, schools, |s| s.public_url = PUBLIC.into()).await;
    let app = w
        .app
        .clone()
        .with_identity_provider(IdentityProvider::new(config).unwrap());
    w.with_app(app)
}

/// The whole ESIA sign-in from the login page's button to our answer after the callback.
async fn esia_sign_in(w: &World, idp: &Idp, b: &mut Browser, login: &str) -> Response {
    let start = b.get(w, "/esia/login").await;
    assert_eq!(start.status, StatusCode::SEE_OTHER, "{}", start.text());
    let callback = at_provider(&provider_client(), idp, &start.location(), login).await;
    b.get(w, &callback).await
}

/// Links the ESIA user `login` to the account from personal settings, as its holder.
async fn link_from_settings(w: &World, idp: &Idp, a: &DemoAccount, login: &str) {
    let mut b = Browser::default();
    assert_eq!(b.sign_in(w, a).await.status, StatusCode::SEE_OTHER);
    let list = b.get(w, "/settings/esia").await;
    assert!(
        list.text()
            .contains("Привязать учётную запись портала Госуслуг")
    );
    let warning = b.get(w, "/settings/esia/link").await;
    assert_eq!(warning.status, StatusCode::OK);
    assert!(
        warning
            .text()
            .contains("будете перенаправлены на портал госуслуг")
    );
    // A page that sends the browser on (a redirect answering the form would be stopped by the
    // page's `form-action 'self'`).
    let go = b.post(w, "/settings/esia/link", &[]).await;
    assert_eq!(go.status, StatusCode::OK, "{}", go.text());
    let onward = go.header("refresh");
    let onward = onward.strip_prefix("0;url=").unwrap();
    assert!(onward.starts_with(&idp.issuer), "{onward}");
    let callback = at_provider(&provider_client(), idp, onward, login).await;
    let back = b.get(w, &callback).await;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.text());
    assert_eq!(back.location(), "/settings/esia?done=linked");
    let done = b.get(w, &back.location()).await;
    assert!(
        done.text()
            .contains("Учётная запись портала Госуслуг привязана")
    );
    assert!(done.text().contains(login));
}

async fn account_of(w: &World, a: &DemoAccount) -> sgo_store::AccountRecord {
    w.store().account(w.id_of(a).await).await.unwrap().unwrap()
}

fn adult(name: &str, trusted: bool) -> Value {
    json!({"family_name": name, "given_name": "Тест", "birthdate": "1980-01-01", "trusted": trusted})
}

async fn link_sign_in_and_chooser(engine: Engine) {
    let idp = Idp::start(json!({
        "teacher-one": adult("Учителева", false),
        "two-schools": adult("Двухшкольная", false),
    }));
    let w = esia_world(engine, 2, idp.oidc_config()).await;
    let orgs: Vec<i64> = {
        let mut o: Vec<i64> = w
            .accounts
            .iter()
            .filter(|a| a.role == Role::Teacher)
            .map(|a| a.organization_id)
            .collect();
        o.dedup();
        o
    };
    assert!(orgs.len() >= 2, "two schools expected");
    let t1 = w.first(Role::Teacher, orgs[0]);
    let t2 = w.first(Role::Teacher, orgs[1]);

    // The login page offers the button.
    let login = Browser::default().get(&w, "/login").await;
    assert!(
        login
            .text()
            .contains("Вход с учётной записью портала госуслуг")
    );

    // One linked account: straight in.
    link_from_settings(&w, &idp, &t1, "teacher-one").await;
    let mut b = Browser::default();
    let r = esia_sign_in(&w, &idp, &mut b, "teacher-one").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(r.location(), "/home");
    let settings = b.get(&w, "/settings").await;
    assert_eq!(settings.status, StatusCode::OK);
    assert!(settings.text().contains(&format!("value=\"{}\"", t1.login)));

    // One identity, two accounts (each linked by its holder): the chooser.
    link_from_settings(&w, &idp, &t1, "two-schools").await;
    link_from_settings(&w, &idp, &t2, "two-schools").await;
    let mut b = Browser::default();
    let r = esia_sign_in(&w, &idp, &mut b, "two-schools").await;
    assert_eq!(r.location(), "/esia/choose");
    let page = b.get(&w, "/esia/choose").await;
    let html = page.text();
    assert!(
        html.contains(&t1.organization_short_name) && html.contains(&t2.organization_short_name),
        "{html}"
    );
    assert!(html.contains(&t1.display_name) && html.contains(&t2.display_name));
    assert!(html.contains("Учитель"));
    let id2 = w.id_of(&t2).await.to_string();
    let entered = b.post(&w, "/esia/choose", &[("account", &id2)]).await;
    assert_eq!(entered.status, StatusCode::SEE_OTHER, "{}", entered.text());
    let me = b.get(&w, "/settings").await;
    assert!(me.text().contains(&format!("value=\"{}\"", t2.login)));
    // The state is spent: choosing again is refused.
    let again = b.post(&w, "/esia/choose", &[("account", &id2)]).await;
    assert_eq!(again.status, StatusCode::FORBIDDEN);
    // An account not linked to the identity cannot be chosen.
    let mut b = Browser::default();
    esia_sign_in(&w, &idp, &mut b, "two-schools").await;
    let other = w.id_of(&w.admin()).await.to_string();
    let refused = b.post(&w, "/esia/choose", &[("account", &other)]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.text().contains("не привязана"));

    // Unlinking from settings: the identity then reaches only the other account.
    let mut holder = Browser::default();
    holder.sign_in(&w, &t2).await;
    let links = w
        .store()
        .esia_links_by_account(w.id_of(&t2).await)
        .await
        .unwrap();
    let uri = format!("/settings/esia/{}/unlink", links[0].id);
    let r = holder.post(&w, &uri, &[]).await;
    assert_eq!(r.location(), "/settings/esia?done=unlinked");
    // Someone else's link cannot be removed.
    let foreign = w
        .store()
        .esia_links_by_account(w.id_of(&t1).await)
        .await
        .unwrap();
    let r = holder
        .post(&w, &format!("/settings/esia/{}/unlink", foreign[0].id), &[])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let mut b = Browser::default();
    let r = esia_sign_in(&w, &idp, &mut b, "two-schools").await;
    assert_eq!(r.location(), "/home");
}

async fn not_linked(engine: Engine) {
    let idp = Idp::start(json!({}));
    let w = esia_world(engine, 1, idp.oidc_config()).await;
    let mut b = Browser::default();
    let r = esia_sign_in(&w, &idp, &mut b, "standard-adult").await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    assert!(html.contains("не привязан ни один пользователь"), "{html}");
    assert!(html.contains("Персональные настройки") && html.contains("обратитесь"));
    assert!(!b.cookies.contains_key("sgo_session"));
}

/// A student of the first school whose age today satisfies `fits`, with their age.
async fn student_aged(w: &World, fits: impl Fn(u32) -> bool) -> (DemoAccount, u32) {
    let org = w.admin().organization_id;
    for s in w.all(Role::Student, org) {
        let birth = account_of(w, &s).await.birth_date.unwrap();
        let age = sgo_core::identity::age_on(birth, today());
        if fits(age) {
            return (s, age);
        }
    }
    panic!("no demo student of the wanted age");
}

/// The region administrator's demo account.
fn region_admin(w: &World) -> DemoAccount {
    let admin = w
        .accounts
        .iter()
        .find(|a| a.role == Role::RegionAdministrator);
    admin.unwrap().clone()
}

async fn set_region_rule(w: &World, required: bool, auto_link: bool) {
    let ra = region_admin(w);
    let mut b = Browser::default();
    b.sign_in(w, &ra).await;
    let page = b.get(w, "/region/esia").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let mut fields = vec![("from", "2018-03-01")];
    if required {
        fields.push(("required", "1"));
    }
    if auto_link {
        fields.push(("auto_link", "1"));
    }
    let r = b.post(w, "/region/esia", &fields).await;
    assert_eq!(r.location(), "/region/esia?saved=1");
    // Anyone else may not.
    let mut t = Browser::default();
    t.sign_in(w, &w.admin()).await;
    assert_eq!(t.get(w, "/region/esia").await.status, StatusCode::FORBIDDEN);
}

/// The NetSchool password login of a client that sends `pw2` alone: the status and the body.
async fn webapi_password(w: &World, a: &DemoAccount) -> (StatusCode, Value) {
    let form = |lt: &str, ver: &str, salt: &str| pw2_form(a, &a.password, lt, ver, salt);
    let (status, body, _) = w.challenge(form).await;
    (status, body)
}

async fn confirmed_account_rule(engine: Engine) {
    let idp = Idp::start(json!({}));
    let w = esia_world(engine, 1, idp.oidc_config()).await;
    let (teen, teen_age) = student_aged(&w, |a| (14..=17).contains(&a)).await;
    let (child, child_age) = student_aged(&w, |a| a < 14).await;
    assert!(teen_age >= 14 && child_age < 14);
    let teen_rec = account_of(&w, &teen).await;
    let birth = teen_rec.birth_date.unwrap().to_string();
    idp.set_users(json!({
        "teen-standard": {"family_name": teen_rec.last_name, "given_name": teen_rec.first_name, "birthdate": birth, "trusted": false},
        "teen-confirmed": {"family_name": teen_rec.last_name, "given_name": teen_rec.first_name, "birthdate": birth, "trusted": true},
    }));
    // Links made while the rule is off, by the student.
    link_from_settings(&w, &idp, &teen, "teen-standard").await;
    link_from_settings(&w, &idp, &teen, "teen-confirmed").await;
    set_region_rule(&w, true, false).await;

    // Password sign-in of a 14+ student: refused on the web and through the NetSchool API.
    let mut b = Browser::default();
    let r = b.sign_in(&w, &teen).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(
        r.text().contains("Вход запрещён") && r.text().contains("подтверждённую"),
        "{}",
        r.text()
    );
    let (status, body) = webapi_password(&w, &teen).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let message = body["message"].as_str().unwrap().to_lowercase();
    assert!(
        message.contains("вход запрещ") && message.contains("01.03.2018"),
        "{message}"
    );
    // A parent (an adult) likewise; a younger student and a teacher are admitted.
    let parent = w.first(Role::Parent, teen.organization_id);
    assert_eq!(webapi_password(&w, &parent).await.0, StatusCode::CONFLICT);
    assert_eq!(webapi_password(&w, &child).await.0, StatusCode::OK);
    let mut b = Browser::default();
    assert_eq!(b.sign_in(&w, &child).await.location(), "/diary");
    let teacher = w.first(Role::Teacher, teen.organization_id);
    assert_eq!(webapi_password(&w, &teacher).await.0, StatusCode::OK);

    // ESIA with a standard account: refused, naming the level needed.
    let mut b = Browser::default();
    let r = esia_sign_in(&w, &idp, &mut b, "teen-standard").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    assert!(r.text().contains("подтверждённой") && r.text().contains("стандартная"));
    assert!(!b.cookies.contains_key("sgo_session"));
    // With the confirmed one: in.
    let mut b = Browser::default();
    let r = esia_sign_in(&w, &idp, &mut b, "teen-confirmed").await;
    assert_eq!(r.location(), "/diary", "{}", r.text());
    assert_eq!(b.get(&w, "/diary").await.status, StatusCode::OK);

    // The rule off again: passwords work.
    set_region_rule(&w, false, false).await;
    assert_eq!(webapi_password(&w, &teen).await.0, StatusCode::OK);
}

async fn automatic_linking(engine: Engine) {
    let idp = Idp::start(json!({}));
    let w = esia_world(engine, 1, idp.oidc_config()).await;
    let (student, _) = student_aged(&w, |a| a < 14).await;
    let rec = account_of(&w, &student).await;
    let claims = |trusted: bool| {
        json!({"family_name": rec.last_name, "given_name": rec.first_name, "middle_name": rec.middle_name,
               "birthdate": rec.birth_date.unwrap().to_string(), "trusted": trusted})
    };
    idp.set_users(json!({
        "match-confirmed": claims(true),
        "match-standard": claims(false),
        "dup-confirmed": {"family_name": "Двойников", "given_name": "Пётр", "snils": "123-456-789 64", "trusted": true},
    }));

    // The region does not allow it yet: nothing is linked.
    let mut b = Browser::default();
    let r = esia_sign_in(&w, &idp, &mut b, "match-confirmed").await;
    assert!(r.text().contains("не привязан ни один пользователь"));

    set_region_rule(&w, false, true).await;
    // An unconfirmed identity is never linked automatically.
    let mut b = Browser::default();
    let r = esia_sign_in(&w, &idp, &mut b, "match-standard").await;
    assert!(r.text().contains("не привязан ни один пользователь"));
    // A confirmed one matching by name and birth date is, and the person is told.
    let mut b = Browser::default();
    let r = esia_sign_in(&w, &idp, &mut b, "match-confirmed").await;
    assert_eq!(r.location(), "/esia/choose?linked=1");
    let page = b.get(&w, "/esia/choose?linked=1").await.text();
    assert!(
        page.contains("автоматически привязана") && page.contains(&student.display_name),
        "{page}"
    );
    let id = w.id_of(&student).await;
    let entered = b
        .post(&w, "/esia/choose", &[("account", &id.to_string())])
        .await;
    assert_eq!(entered.location(), "/diary");
    let links = w.store().esia_links_by_account(id).await.unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].how, "auto");
    assert_eq!(links[0].linked_by_account_id, None);

    // By SNILS: a confirmed identity whose SNILS a school recorded.
    let teacher = w.first(Role::Teacher, student.organization_id);
    let t = account_of(&w, &teacher).await;
    let card = w.store().person_card(t.id).await.unwrap().unwrap();
    let mut fields = sgo_store::PersonFields {
        last_name: card.last_name.clone(),
        first_name: card.first_name.clone(),
        middle_name: card.middle_name.clone(),
        birth_date: card.birth_date,
        gender: card.gender.clone(),
        snils: Some("112-233-445 95".into()),
    };
    assert!(w.store().update_person(t.person_id, &fields).await.unwrap());
    let mut b = Browser::default();
    let r = esia_sign_in(&w, &idp, &mut b, "confirmed-adult").await;
    assert_eq!(r.location(), "/esia/choose?linked=1");
    assert!(
        b.get(&w, "/esia/choose?linked=1")
            .await
            .text()
            .contains(&teacher.display_name)
    );
    // Two people with that SNILS would be ambiguous: nothing is linked.
    fields.snils = Some("123-456-789 64".into());
    let other = w.first(Role::Parent, student.organization_id);
    let o = account_of(&w, &other).await;
    let mut of = fields.clone();
    of.last_name = o.last_name.clone();
    of.first_name = o.first_name.clone();
    of.middle_name = o.middle_name.clone();
    of.birth_date = o.birth_date;
    assert!(w.store().update_person(t.person_id, &fields).await.unwrap());
    assert!(w.store().update_person(o.person_id, &of).await.unwrap());
    let mut b = Browser::default();
    let r = esia_sign_in(&w, &idp, &mut b, "dup-confirmed").await;
    assert!(r.text().contains("не привязан ни один пользователь"));
}

async fn state_tampering_and_replay(engine: Engine) {
    let idp = Idp::start(json!({"teacher-one": adult("Учителева", false)}));
    let w = esia_world(engine, 1, idp.oidc_config()).await;
    let teacher = w.first(Role::Teacher, w.admin().organization_id);
    link_from_settings(&w, &idp, &teacher, "teacher-one").await;

    // A made-up state.
    let mut b = Browser::default();
    let r = b.get(&w, "/esia/callback?code=abc&state=forged").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // No state at all.
    assert_eq!(
        b.get(&w, "/esia/callback?code=abc").await.status,
        StatusCode::FORBIDDEN
    );

    // A real callback carried into another browser (no binding cookie): refused.
    let mut owner = Browser::default();
    let start = owner.get(&w, "/esia/login").await;
    let callback = at_provider(&provider_client(), &idp, &start.location(), "teacher-one").await;
    let mut thief = Browser::default();
    let r = thief.get(&w, &callback).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!thief.cookies.contains_key("sgo_session"));
    // The owner still finishes; then the same callback again is a replay.
    let r = owner.get(&w, &callback).await;
    assert_eq!(r.location(), "/home");
    let mut again = Browser {
        cookies: owner.cookies.clone(),
    };
    again.cookies.remove("sgo_session");
    let start_cookie = start.header("set-cookie");
    let state_id = start_cookie
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_owned();
    again.cookies.insert("sgo_esia".into(), state_id);
    let r = again.get(&w, &callback).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!again.cookies.contains_key("sgo_session"));

    // A tampered code: the provider refuses the exchange, we say so.
    let mut b = Browser::default();
    let start = b.get(&w, "/esia/login").await;
    let callback = at_provider(&provider_client(), &idp, &start.location(), "teacher-one").await;
    let tampered = callback.replace("code=", "code=x");
    let r = b.get(&w, &tampered).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text().contains("Не удалось получить данные"));
    // The provider's error comes back as a refusal.
    let mut b = Browser::default();
    let start = b.get(&w, "/esia/login").await;
    let state = url_param(&start.location(), "state");
    let r = b
        .get(
            &w,
            &format!("/esia/callback?error=access_denied&state={state}"),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text().contains("отменён"));
}

fn url_param(url: &str, name: &str) -> String {
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or_default();
    serde_urlencoded::from_str::<Vec<(String, String)>>(query)
        .unwrap()
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
        .unwrap_or_default()
}

async fn netschool_endpoints(engine: Engine) {
    let idp = Idp::start(json!({"teacher-one": adult("Учителева", false)}));
    let w = esia_world(engine, 1, idp.oidc_config()).await;
    let student = w.first(Role::Student, w.admin().organization_id);
    link_from_settings(&w, &idp, &student, "teacher-one").await;
    let logindata = w.get_anonymous("/webapi/logindata").await.json();
    assert_eq!(logindata["esiaLogin"], json!(true));

    // mobnslib: auth/login-state, then crosslogin carrying it.
    let r = w
        .send(
            Request::post("/webapi/auth/login-state")
                .body(Body::from("mobile=1"))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let ls = r.json().as_str().unwrap().to_owned();
    assert!(ls.chars().all(|c| c.is_ascii_hexdigit() || c == '-') && ls.len() == 36);
    // Not authenticated yet: account-info and login are refused.
    let info = w
        .get_anonymous(format!("/webapi/sso/esia/account-info?loginState={ls}"))
        .await;
    assert_eq!(info.status, StatusCode::CONFLICT);
    let uri = format!("/webapi/sso/esia/crosslogin?loginState={ls}&esia_permissions=1&esia_role=1");
    let r = w.get_anonymous(uri).await;
    assert!(r.status.is_redirection(), "{}", r.text());
    let callback = at_provider(&provider_client(), &idp, &r.location(), "teacher-one").await;
    let back = w.get_anonymous(&callback).await;
    assert_eq!(back.location(), format!("/authorize/login?loginState={ls}"));

    let info = w
        .get_anonymous(format!("/webapi/sso/esia/account-info?loginState={ls}"))
        .await;
    assert_eq!(info.status, StatusCode::OK, "{}", info.text());
    let users = info.json()["users"].as_array().unwrap().clone();
    assert_eq!(users.len(), 1);
    let id = w.id_of(&student).await;
    assert_eq!(users[0]["id"], json!(id));
    assert!(
        users[0]["displayName"]
            .as_str()
            .unwrap()
            .contains(&student.display_name)
    );

    let login = |state: String, lscope: String| {
        let body = serde_urlencoded::to_string([
            ("loginType", "8"),
            ("lscope", lscope.as_str()),
            ("idp", "esia"),
            ("loginState", state.as_str()),
        ])
        .unwrap();
        Request::post("/webapi/auth/login")
            .header(
                header::CONTENT_TYPE,
                "application/x-www-form-urlencoded; charset=UTF-8",
            )
            .body(Body::from(body))
            .unwrap()
    };
    // An account not linked to the identity.
    let other = w.id_of(&w.admin()).await;
    let r = w.send(login(ls.clone(), other.to_string())).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = w.send(login(ls.clone(), id.to_string())).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let at = r.json()["at"].as_str().unwrap().to_owned();
    assert_eq!(
        w.api_get(&at, "student/diary/init").await.status,
        StatusCode::OK
    );
    // Reused, unknown and garbage states: 409.
    assert_eq!(
        w.send(login(ls.clone(), id.to_string())).await.status,
        StatusCode::CONFLICT
    );
    let unknown = "00000000-0000-4000-8000-000000000000".to_owned();
    assert_eq!(
        w.send(login(unknown, id.to_string())).await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        w.send(login("'; drop".into(), id.to_string())).await.status,
        StatusCode::CONFLICT
    );

    // netschoolpy: crosslogin without a state; the callback's URL carries a new one.
    let r = w.get_anonymous("/webapi/sso/esia/crosslogin").await;
    let callback = at_provider(&provider_client(), &idp, &r.location(), "teacher-one").await;
    let back = w.get_anonymous(&callback).await;
    let ls2 = url_param(&back.location(), "loginState");
    assert!(!ls2.is_empty() && ls2 != ls);
    let r = w.send(login(ls2, id.to_string())).await;
    assert_eq!(r.status, StatusCode::OK);
}

async fn esia_profile_with_signer(engine: Engine) {
    let idp = Idp::start(json!({"teacher-one": adult("Учителева", true)}));
    let dir = tempdir::Dir::new();
    std::fs::create_dir_all(&dir.path).unwrap();
    let messages = dir.path.join("messages");
    // The signer records what it was asked to sign and answers with the provider's secret.
    let script = format!(
        "cat >> '{}'; echo >> '{}'; printf 'sgo-test-secret\\n'",
        messages.display(),
        messages.display()
    );
    let config = ProviderConfig {
        profile: ProviderProfile::Esia,
        issuer: idp.issuer.clone(),
        authorize_url: format!("{}/auth", idp.issuer),
        token_url: format!("{}/token", idp.issuer),
        userinfo_url: format!("{}/me", idp.issuer),
        signer: Signer::Command(vec!["sh".into(), "-c".into(), script]),
        ..idp.oidc_config()
    };
    let w = esia_world(engine, 1, config).await;
    let teacher = w.first(Role::Teacher, w.admin().organization_id);
    let mut b = Browser::default();
    let start = b.get(&w, "/esia/login").await;
    let url = start.location();
    assert_eq!(url_param(&url, "client_secret"), "sgo-test-secret");
    let timestamp = url_param(&url, "timestamp");
    assert!(
        chrono::NaiveDateTime::parse_from_str(&timestamp, "%Y.%m.%d %H:%M:%S +0000").is_ok(),
        "{timestamp}"
    );
    let state = url_param(&url, "state");
    let callback = at_provider(&provider_client(), &idp, &url, "teacher-one").await;
    // Not linked yet: link it as the teacher would have, then sign in again.
    let r = b.get(&w, &callback).await;
    assert!(r.text().contains("не привязан ни один пользователь"));
    let id = w.id_of(&teacher).await;
    w.store()
        .create_esia_link("teacher-one", id, Some(id), "settings", chrono::Utc::now())
        .await
        .unwrap();
    let mut b = Browser::default();
    let r = esia_sign_in(&w, &idp, &mut b, "teacher-one").await;
    assert_eq!(r.location(), "/home", "{}", r.text());
    // The signer saw scope + timestamp + client_id + state, for the authorization and the token.
    let seen = std::fs::read_to_string(&messages).unwrap();
    let first = seen.lines().next().unwrap();
    assert_eq!(
        first,
        format!("openid fullname birthdate snils{timestamp}sgo-test{state}")
    );
    assert_eq!(
        seen.lines().filter(|l| l.ends_with(&state)).count(),
        2,
        "{seen}"
    );
}

async fn region_settings_are_kept(engine: Engine) {
    let w = world_with(engine, 1, |_| {}).await;
    let region = w
        .store()
        .organization_region(w.admin().organization_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        w.store().region_identity_settings(region).await.unwrap(),
        RegionIdentitySettings::default()
    );
    let s = RegionIdentitySettings {
        esia_confirmed_from: NaiveDate::from_ymd_opt(2018, 3, 1),
        esia_auto_link: true,
    };
    assert!(
        w.store()
            .set_region_identity_settings(region, &s)
            .await
            .unwrap()
    );
    assert_eq!(w.store().region_identity_settings(region).await.unwrap(), s);
    // Without a provider the button is absent and the start refuses politely.
    let mut b = Browser::default();
    assert!(!b.get(&w, "/login").await.text().contains("esia-sign-in"));
    assert_eq!(b.get(&w, "/esia/login").await.status, StatusCode::FORBIDDEN);
    // A bad date is a form error, not a failure.
    let ra = region_admin(&w);
    b.sign_in(&w, &ra).await;
    let r = b
        .post(&w, "/region/esia", &[("required", "1"), ("from", "вчера")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("Укажите дату"));
}

both_engines!(
    link_sign_in_and_chooser,
    not_linked,
    confirmed_account_rule,
    automatic_linking,
    state_tampering_and_replay,
    netschool_endpoints,
    esia_profile_with_signer,
    region_settings_are_kept
);
