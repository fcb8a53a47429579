//! Region administration through the real router on both engines: territory, a new school with
//! its card and administrator, refusals, and the public directory of regional portals.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::NaiveDate;
use serde_json::Value as Json;
use sgo_app::{App, Clock, Engine, PasswordCost, Role, ServerKey, Settings};
use sgo_core::OrganizationId;
use sgo_demo::{DemoAccount, DemoOptions, generate};
use sgo_store::testing::TestStore;
use sgo_web::{RegionalPortal, WebOptions, router};
use tower::ServiceExt;

/// Any 32 characters do as the CSRF cookie: the form must repeat it.
const CSRF: &str = "0123456789abcdef0123456789abcdef";

/// The form token of the session in a cookie header (bound to the session, not the cookie).
fn csrf_of(cookie: &str) -> String {
    let session = cookie
        .split(';')
        .find_map(|p| p.trim().strip_prefix("sgo_session="))
        .unwrap();
    sgo_web::csrf_token_for(session)
}

struct World {
    db: TestStore,
    app: App,
    router: Router,
    accounts: Vec<DemoAccount>,
}

async fn world(engine: Engine, options: WebOptions) -> World {
    let db = TestStore::new(engine).await;
    let key = ServerKey::generate().unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let demo = DemoOptions {
        schools: 1,
        students_per_class: 2,
        seed: 3,
        today,
    };
    let accounts = generate(db.store.as_ref(), &key, &demo, &|_| {})
        .await
        .unwrap();
    let settings = Settings {
        password_cost: PasswordCost::DEMO,
        ..Settings::default()
    };
    let app = App::new(db.store.clone(), key, settings, Clock::FixedDay(today));
    let router = router(app.clone(), options);
    World {
        db,
        app,
        router,
        accounts,
    }
}

struct Reply {
    status: StatusCode,
    location: String,
    set_cookies: Vec<String>,
    body: String,
}

impl World {
    fn first(&self, role: Role) -> DemoAccount {
        self.accounts
            .iter()
            .find(|a| a.role == role)
            .unwrap()
            .clone()
    }

    async fn send(&self, req: Request<Body>) -> Reply {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let location = res
            .headers()
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let set_cookies = res
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        let body = axum::body::to_bytes(res.into_body(), 10 << 20)
            .await
            .unwrap();
        Reply {
            status,
            location,
            set_cookies,
            body: String::from_utf8_lossy(&body).into_owned(),
        }
    }

    /// Signs in through the login form; returns the reply (the session cookie is in it on success).
    async fn form_login(&self, organization: i64, login: &str, password: &str) -> Reply {
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

    /// The cookie header of a signed-in demo account.
    async fn cookie_of(&self, account: &DemoAccount) -> String {
        let reply = self
            .form_login(account.organization_id, &account.login, &account.password)
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        format!("sgo_session={}; sgo_csrf={CSRF}", session_of(&reply))
    }

    async fn get(&self, uri: &str, cookie: &str) -> Reply {
        let req = Request::get(uri)
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap();
        self.send(req).await
    }

    /// Posts a form; the CSRF field is added unless `csrf` is false.
    async fn post(&self, uri: &str, cookie: &str, fields: &[(&str, &str)], csrf: bool) -> Reply {
        let token = csrf_of(cookie);
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        if csrf {
            all.push(("csrf", &token));
        }
        let req = Request::post(uri)
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(serde_urlencoded::to_string(&all).unwrap()))
            .unwrap();
        self.send(req).await
    }
}

fn session_of(reply: &Reply) -> String {
    reply
        .set_cookies
        .iter()
        .filter_map(|c| c.split(';').next()?.split_once('='))
        .find(|(k, _)| *k == "sgo_session")
        .map(|(_, v)| v.to_owned())
        .expect("a session cookie")
}

/// The id at the end of a redirect such as `/region/organizations/12?done=created`.
fn id_in(location: &str, prefix: &str) -> i64 {
    let rest = location
        .strip_prefix(prefix)
        .unwrap_or_else(|| panic!("{location}"));
    rest.split(['?', '/']).next().unwrap().parse().unwrap()
}

/// The text of the element with `id`, up to the next tag.
fn text_of(html: &str, id: &str) -> String {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in page"));
    let rest = &html[at..];
    let start = rest.find('>').unwrap() + 1;
    let end = rest[start..].find('<').unwrap();
    rest[start..start + end].to_owned()
}

/// Whether `text` follows an escaped `<` (askama writes `&#60;`).
fn escaped(html: &str, text: &str) -> bool {
    html.contains(&format!("&#60;{text}")) || html.contains(&format!("&lt;{text}"))
}

fn school_fields<'a>(
    settlement: &'a str,
    authority: &'a str,
    inn: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("settlement", settlement),
        ("kind", "general"),
        ("short_name", "МБОУ «Берёзовская СОШ»"),
        (
            "full_name",
            "Муниципальное бюджетное общеобразовательное учреждение «Берёзовская средняя школа»",
        ),
        ("authority", authority),
        ("inn", inn),
        ("ogrn", "1029912345678"),
        (
            "post_address",
            "699020, Заречный край, с. Берёзовка, ул. Школьная, д. 1",
        ),
        (
            "juridical_address",
            "699020, Заречный край, с. Берёзовка, ул. Школьная, д. 1",
        ),
        ("phones", "+7 (38530) 2-11-11"),
        ("fax", ""),
        ("email", "berezovka@edu-zarechny.ru"),
        ("web", "https://berezovka.edu-zarechny.ru"),
        ("director", "Соколова Марина Викторовна"),
        ("principal_uvr", "Орлов Денис Ильич"),
        ("principal_ahc", ""),
        ("principal_it", "Зайцев Олег Петрович"),
        ("about", "Сельская школа <с историей>"),
        ("founding_date", "1968-09-01"),
    ]
}

async fn region_admin_adds_a_school(engine: Engine) {
    let w = world(engine, WebOptions::default()).await;
    let admin = w.first(Role::RegionAdministrator);
    assert_eq!(admin.login, "regionadmin");

    // The region administrator reaches the regional authority through the login cascade.
    let home = w
        .app
        .organization_card(OrganizationId::new(admin.organization_id))
        .await
        .unwrap();
    let options = w
        .get(
            &format!("/login/options?settlement={}", home.settlement_id),
            "",
        )
        .await;
    assert!(
        options.body.contains("regional_authority"),
        "{}",
        options.body
    );
    let options = w
        .get(
            &format!(
                "/login/options?settlement={}&kind=regional_authority",
                home.settlement_id
            ),
            "",
        )
        .await;
    assert!(
        options
            .body
            .contains(&format!("\"{}\"", admin.organization_id))
    );
    let cookie = w.cookie_of(&admin).await;

    let page = w.get("/region", &cookie).await;
    assert_eq!(page.status, StatusCode::OK);
    for id in [
        "municipality-name",
        "create-municipality",
        "filter-kind",
        "new-organization",
    ] {
        assert!(page.body.contains(&format!("id=\"{id}\"")), "missing #{id}");
    }
    assert!(page.body.contains("Заречный край"));

    // Territory: a municipality (an empty name is refused next to the field), then a settlement.
    let empty = w
        .post("/region/municipalities", &cookie, &[("name", "  ")], true)
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("id=\"municipality-name-error\""));
    let made = w
        .post(
            "/region/municipalities",
            &cookie,
            &[("name", "Берёзовский район")],
            true,
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let municipality = id_in(&made.location, "/region/municipalities/");
    let renamed = w
        .post(
            &format!("/region/municipalities/{municipality}"),
            &cookie,
            &[("name", "Берёзовский муниципальный район")],
            true,
        )
        .await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER);
    let made = w
        .post(
            &format!("/region/municipalities/{municipality}/settlements"),
            &cookie,
            &[("name", "с. Берёзовка")],
            true,
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER);
    let page = w
        .get(&format!("/region/municipalities/{municipality}"), &cookie)
        .await;
    assert!(page.body.contains("Берёзовский муниципальный район"));
    let at = page.body.find("id=\"settlement-").unwrap() + "id=\"settlement-".len();
    let settlement: String = page.body[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let twice = w
        .post(
            &format!("/region/municipalities/{municipality}/settlements"),
            &cookie,
            &[("name", "С. БЕРЁЗОВКА")],
            true,
        )
        .await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The school form offers the region's authorities; a bad ИНН is a message, not a failure.
    let form = w.get("/region/organizations/new", &cookie).await;
    assert_eq!(form.status, StatusCode::OK);
    for id in [
        "settlement",
        "kind",
        "authority",
        "short_name",
        "inn",
        "ogrn",
        "founding_date",
        "save-organization",
    ] {
        assert!(form.body.contains(&format!("id=\"{id}\"")), "missing #{id}");
    }
    let authority = admin.organization_id.to_string();
    assert!(form.body.contains(&format!("value=\"{authority}\"")));
    let bad = w
        .post(
            "/region/organizations",
            &cookie,
            &school_fields(&settlement, &authority, "12345"),
            true,
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("id=\"inn-error\""));
    assert!(bad.body.contains("10 цифр"));
    assert!(
        bad.body.contains("value=\"12345\""),
        "the typed value is kept"
    );
    let mut bad_date = school_fields(&settlement, &authority, "9912345678");
    bad_date.retain(|(k, _)| *k != "founding_date" && *k != "email");
    bad_date.push(("founding_date", "31.02.2001"));
    bad_date.push(("email", "not-an-address"));
    let bad = w
        .post("/region/organizations", &cookie, &bad_date, true)
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("id=\"founding_date-error\"") && bad.body.contains("id=\"email-error\"")
    );

    let made = w
        .post(
            "/region/organizations",
            &cookie,
            &school_fields(&settlement, &authority, "9912345678"),
            true,
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let school = id_in(&made.location, "/region/organizations/");
    let dup = w
        .post(
            "/region/organizations",
            &cookie,
            &school_fields(&settlement, &authority, "9912345678"),
            true,
        )
        .await;
    assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(dup.body.contains("id=\"short_name-error\""));

    // The region administrator can go on to set the school up, acting for it.
    let page = w
        .get(&format!("/region/organizations/{school}"), &cookie)
        .await;
    let setup = format!("href=\"/school/years?org={school}\"");
    assert!(page.body.contains(&setup), "{}", page.body);
    let years = w.get(&format!("/school/years?org={school}"), &cookie).await;
    assert_eq!(years.status, StatusCode::OK, "{}", years.body);
    assert!(
        years
            .body
            .contains(&format!("/school/classes?org={school}"))
    );

    // Found at once by the NetSchool search, its card as entered.
    let found = w.get("/webapi/schools/search?name=%D0%B1%D0%B5%D1%80%D1%91%D0%B7%D0%BE%D0%B2%D1%81%D0%BA%D0%B0%D1%8F", "").await;
    let found: Json = serde_json::from_str(&found.body).unwrap();
    assert!(
        found
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"].as_i64() == Some(school)),
        "{found}"
    );
    let token = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("sgo_session=");
    let req = Request::get(format!("/webapi/schools/{school}/card"))
        .header("at", token)
        .body(Body::empty())
        .unwrap();
    let card = w.send(req).await;
    assert_eq!(card.status, StatusCode::OK, "{}", card.body);
    let card: Json = serde_json::from_str(&card.body).unwrap();
    assert_eq!(card["commonInfo"]["schoolName"], "МБОУ «Берёзовская СОШ»");
    assert_eq!(card["commonInfo"]["foundingDate"], "1968-09-01T00:00:00");
    assert_eq!(
        card["managementInfo"]["principalIT"],
        "Зайцев Олег Петрович"
    );
    assert_eq!(card["contactInfo"]["email"], "berezovka@edu-zarechny.ru");

    // Its page escapes what was typed and offers the administrator form.
    let page = w.get(&made.location, &cookie).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(escaped(&page.body, "с историей"));
    assert!(!page.body.contains("<с историей>"));
    for id in [
        "admin-last-name",
        "admin-first-name",
        "admin-middle-name",
        "admin-login",
        "create-administrator",
    ] {
        assert!(page.body.contains(&format!("id=\"{id}\"")), "missing #{id}");
    }

    // The first administrator: a suggested login and a one-time password shown once.
    let issued = w
        .post(
            &format!("/region/organizations/{school}/administrators"),
            &cookie,
            &[
                ("last_name", "Соколова"),
                ("first_name", "Марина"),
                ("middle_name", "Викторовна"),
                ("login", ""),
            ],
            true,
        )
        .await;
    assert_eq!(issued.status, StatusCode::OK, "{}", issued.body);
    let login = text_of(&issued.body, "issued-login");
    let password = text_of(&issued.body, "one-time-password");
    assert_eq!(login, "SokolovaMV");
    assert_eq!(password.len(), 8);
    assert_eq!(
        text_of(&issued.body, "issued-organization"),
        "МБОУ «Берёзовская СОШ»"
    );
    assert!(issued.body.contains("id=\"print-credentials\""));
    let taken = w
        .post(
            &format!("/region/organizations/{school}/administrators"),
            &cookie,
            &[
                ("last_name", "Соколов"),
                ("first_name", "Максим"),
                ("login", "SOKOLOVAMV"),
            ],
            true,
        )
        .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.body.contains("id=\"admin-login-error\""));
    let second = w
        .post(
            &format!("/region/organizations/{school}/administrators"),
            &cookie,
            &[
                ("last_name", "Соколова"),
                ("first_name", "Мария"),
                ("middle_name", "Васильевна"),
            ],
            true,
        )
        .await;
    assert_eq!(text_of(&second.body, "issued-login"), "SokolovaMV2");

    // The new administrator signs in through the form with the one-time password.
    let signed = w.form_login(school, &login, &password).await;
    assert!(
        signed.status.is_redirection() || signed.status == StatusCode::OK,
        "{}: {}",
        signed.status,
        signed.body
    );
    assert_ne!(signed.location, "/login");
    let _ = session_of(&signed);
    let refused = w.form_login(school, &login, "wrong-password").await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);

    // Every change is in the audit log against the right organization.
    let log = w.db.store.recent_audit_log(100).await.unwrap();
    let logged = |action: &str, org: i64| {
        log.iter()
            .any(|e| e.action == action && e.organization_id == Some(org))
    };
    assert!(logged("municipality.create", admin.organization_id));
    assert!(logged("municipality.rename", admin.organization_id));
    assert!(logged("settlement.create", admin.organization_id));
    assert!(logged("organization.create", school));
    assert!(logged("account.create", school));
    assert!(
        log.iter().all(|e| !e.details.contains(&password)),
        "no password in the log"
    );

    // Editing the card is logged with old and new values; closing hides the school.
    let mut edited = school_fields(&settlement, &authority, "991234567890");
    edited.retain(|(k, _)| *k != "phones");
    edited.push(("phones", "+7 (38530) 2-22-22"));
    let saved = w
        .post(
            &format!("/region/organizations/{school}"),
            &cookie,
            &edited,
            true,
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let log = w.db.store.recent_audit_log(5).await.unwrap();
    let update = log
        .iter()
        .find(|e| e.action == "organization.update")
        .unwrap();
    assert!(
        update
            .details
            .contains("ИНН: «9912345678» → «991234567890»"),
        "{}",
        update.details
    );
    let closed = w
        .post(
            &format!("/region/organizations/{school}/active"),
            &cookie,
            &[("active", "0")],
            true,
        )
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER);
    let found = w
        .get("/webapi/schools/search?name=%D0%91%D0%B5%D1%80", "")
        .await;
    assert!(!found.body.contains(&format!("\"id\":{school}")));
    let listed = w
        .get("/region?kind=general&name=%D0%B1%D0%B5%D1%80", &cookie)
        .await;
    assert!(
        listed
            .body
            .contains(&format!("id=\"organization-{school}\"")),
        "closed ones stay listed"
    );
    let own = w
        .post(
            &format!("/region/organizations/{}/active", admin.organization_id),
            &cookie,
            &[("active", "0")],
            true,
        )
        .await;
    assert_eq!(own.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn region_admin_adds_a_school_on_sqlite() {
    region_admin_adds_a_school(Engine::Sqlite).await;
}

#[tokio::test]
async fn region_admin_adds_a_school_on_postgres() {
    region_admin_adds_a_school(Engine::Postgres).await;
}

async fn others_are_refused(engine: Engine) {
    let w = world(engine, WebOptions::default()).await;
    let region_admin = w.first(Role::RegionAdministrator);
    let school = w.first(Role::Administrator);
    for who in [Role::Administrator, Role::Teacher] {
        let cookie = w.cookie_of(&w.first(who)).await;
        for uri in [
            "/region".to_owned(),
            "/region/organizations/new".to_owned(),
            format!("/region/organizations/{}", school.organization_id),
        ] {
            assert_eq!(
                w.get(&uri, &cookie).await.status,
                StatusCode::FORBIDDEN,
                "{who:?} {uri}"
            );
        }
        let posts = [
            (
                "/region/municipalities".to_owned(),
                vec![("name", "Чужой район")],
            ),
            (
                format!(
                    "/region/organizations/{}/administrators",
                    school.organization_id
                ),
                vec![("last_name", "Взломов"), ("first_name", "Иван")],
            ),
            (
                format!("/region/organizations/{}/active", school.organization_id),
                vec![("active", "0")],
            ),
        ];
        for (uri, fields) in &posts {
            let reply = w.post(uri, &cookie, fields, true).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{who:?} {uri}");
        }
    }
    // The region administrator without the CSRF token is refused too, and nothing changes.
    let cookie = w.cookie_of(&region_admin).await;
    let reply = w
        .post(
            "/region/municipalities",
            &cookie,
            &[("name", "Подделанный район")],
            false,
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let page = w.get("/region", &cookie).await;
    assert!(!page.body.contains("Подделанный район"));
    assert!(!page.body.contains("Чужой район"));
    // Signed out: to the login page.
    let reply = w.get("/region", "").await;
    assert_eq!(
        (reply.status, reply.location.as_str()),
        (StatusCode::SEE_OTHER, "/login")
    );
    // An organization of no region is not found.
    assert_eq!(
        w.get("/region/organizations/987654", &cookie).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn others_are_refused_on_sqlite() {
    others_are_refused(Engine::Sqlite).await;
}

#[tokio::test]
async fn others_are_refused_on_postgres() {
    others_are_refused(Engine::Postgres).await;
}

async fn portal_directory(engine: Engine) {
    let portals = vec![
        RegionalPortal {
            region: "Озёрная область".into(),
            name: "Сетевой регион <b>Озёрный</b>".into(),
            url: "https://sgo.ozernaya.example/".into(),
        },
        RegionalPortal {
            region: "Горный край".into(),
            name: "Сетевой город. Образование".into(),
            url: "http://sgo.gorny.example".into(),
        },
    ];
    for portal in &portals {
        portal.validate().unwrap();
    }
    let options = WebOptions {
        regional_portals: portals,
        ..WebOptions::default()
    };
    let w = world(engine, options).await;
    let login = w.get("/login", "").await;
    assert!(login.body.contains("id=\"regions-link\""));
    assert!(login.body.contains("href=\"/regions\""));
    let page = w.get("/regions", "").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Сетевой город в регионах"));
    assert!(page.body.contains("Озёрная область") && page.body.contains("Горный край"));
    assert!(
        page.body
            .contains("href=\"https://sgo.ozernaya.example/\" rel=\"noopener\"")
    );
    assert!(
        page.body.contains("&#60;b&#62;Озёрный") || page.body.contains("&lt;b&gt;Озёрный"),
        "names are escaped"
    );
    assert!(!page.body.contains("<b>Озёрный"));
    assert!(
        page.body.contains("Заречный край"),
        "this portal's own region is listed"
    );
    assert!(!page.body.contains("id=\"portals-not-configured\""));
}

#[tokio::test]
async fn portal_directory_on_sqlite() {
    portal_directory(Engine::Sqlite).await;
}

#[tokio::test]
async fn portal_directory_on_postgres() {
    portal_directory(Engine::Postgres).await;
}

#[tokio::test]
async fn an_unconfigured_directory_says_so_and_lists_this_portal() {
    let w = world(Engine::Sqlite, WebOptions::default()).await;
    let page = w.get("/regions", "").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("id=\"portals-not-configured\""));
    assert!(page.body.contains("id=\"this-portal-link\""));
    assert!(page.body.contains("Заречный край"));
}

#[test]
fn only_web_addresses_are_portals() {
    let portal = |url: &str| RegionalPortal {
        region: "Край".into(),
        name: "Портал".into(),
        url: url.into(),
    };
    assert!(portal("https://a.ru").validate().is_ok());
    assert!(portal("HTTP://a.ru/path?x=1").validate().is_ok());
    for bad in [
        "javascript:alert(1)",
        "ftp://a.ru",
        "https://",
        "//a.ru",
        "https://a.ru/\"onclick",
        "https://a .ru",
    ] {
        assert!(portal(bad).validate().is_err(), "{bad}");
    }
    let mut nameless = portal("https://a.ru");
    nameless.name = " ".into();
    assert!(nameless.validate().is_err());
}
