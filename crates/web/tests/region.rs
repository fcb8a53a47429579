//! Region administration through the real router on both engines: territory, a new school with
//! its card and administrator, refusals, and the public directory of regional portals.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::Value as Json;
use sgo_app::{Engine, Role};
use sgo_testkit::{Response, World, both_engines};
use sgo_web::{RegionalPortal, WebOptions};

/// The one-school demo of these tests (two students per class, seed 3) behind `options`.
async fn world(engine: Engine, options: WebOptions) -> World {
    World::build(engine)
        .students_per_class(2)
        .seed(3)
        .web(options)
        .start()
        .await
}

/// An answer as these tests read it: the body as text, every cookie set.
struct Reply {
    status: StatusCode,
    location: String,
    set_cookies: Vec<String>,
    body: String,
}

trait IntoReply {
    fn reply(self) -> Reply;
}

impl IntoReply for Response {
    fn reply(self) -> Reply {
        Reply {
            status: self.status,
            location: self.location_or_empty(),
            set_cookies: self.set_cookies(),
            body: self.text(),
        }
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
    let admin = w.any(Role::RegionAdministrator);
    assert_eq!(admin.login, "regionadmin");

    // The region administrator reaches the regional authority through the login cascade.
    let home = w
        .app
        .organization_card(sgo_core::OrganizationId::new(admin.organization_id))
        .await
        .unwrap();
    let options = w
        .get(
            "",
            &format!("/login/options?settlement={}", home.settlement_id),
        )
        .await
        .reply();
    assert!(
        options.body.contains("regional_authority"),
        "{}",
        options.body
    );
    let options = w
        .get(
            "",
            &format!(
                "/login/options?settlement={}&kind=regional_authority",
                home.settlement_id
            ),
        )
        .await
        .reply();
    assert!(
        options
            .body
            .contains(&format!("\"{}\"", admin.organization_id))
    );
    let cookie = w.form_cookie(&admin).await;

    let page = w.get(&cookie, "/region").await.reply();
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
        .post_maybe_csrf(&cookie, "/region/municipalities", &[("name", "  ")], true)
        .await
        .reply();
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("id=\"municipality-name-error\""));
    let made = w
        .post_maybe_csrf(
            &cookie,
            "/region/municipalities",
            &[("name", "Берёзовский район")],
            true,
        )
        .await
        .reply();
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let municipality = id_in(&made.location, "/region/municipalities/");
    let renamed = w
        .post_maybe_csrf(
            &cookie,
            &format!("/region/municipalities/{municipality}"),
            &[("name", "Берёзовский муниципальный район")],
            true,
        )
        .await
        .reply();
    assert_eq!(renamed.status, StatusCode::SEE_OTHER);
    let made = w
        .post_maybe_csrf(
            &cookie,
            &format!("/region/municipalities/{municipality}/settlements"),
            &[("name", "с. Берёзовка")],
            true,
        )
        .await
        .reply();
    assert_eq!(made.status, StatusCode::SEE_OTHER);
    let page = w
        .get(&cookie, &format!("/region/municipalities/{municipality}"))
        .await
        .reply();
    assert!(page.body.contains("Берёзовский муниципальный район"));
    let at = page.body.find("id=\"settlement-").unwrap() + "id=\"settlement-".len();
    let settlement: String = page.body[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let twice = w
        .post_maybe_csrf(
            &cookie,
            &format!("/region/municipalities/{municipality}/settlements"),
            &[("name", "С. БЕРЁЗОВКА")],
            true,
        )
        .await
        .reply();
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The school form offers the region's authorities; a bad ИНН is a message, not a failure.
    let form = w.get(&cookie, "/region/organizations/new").await.reply();
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
        .post_maybe_csrf(
            &cookie,
            "/region/organizations",
            &school_fields(&settlement, &authority, "12345"),
            true,
        )
        .await
        .reply();
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
        .post_maybe_csrf(&cookie, "/region/organizations", &bad_date, true)
        .await
        .reply();
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("id=\"founding_date-error\"") && bad.body.contains("id=\"email-error\"")
    );

    let made = w
        .post_maybe_csrf(
            &cookie,
            "/region/organizations",
            &school_fields(&settlement, &authority, "9912345678"),
            true,
        )
        .await
        .reply();
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let school = id_in(&made.location, "/region/organizations/");
    let dup = w
        .post_maybe_csrf(
            &cookie,
            "/region/organizations",
            &school_fields(&settlement, &authority, "9912345678"),
            true,
        )
        .await
        .reply();
    assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(dup.body.contains("id=\"short_name-error\""));

    // The region administrator can go on to set the school up, acting for it.
    let page = w
        .get(&cookie, &format!("/region/organizations/{school}"))
        .await
        .reply();
    let setup = format!("href=\"/school/years?org={school}\"");
    assert!(page.body.contains(&setup), "{}", page.body);
    let years = w
        .get(&cookie, &format!("/school/years?org={school}"))
        .await
        .reply();
    assert_eq!(years.status, StatusCode::OK, "{}", years.body);
    assert!(
        years
            .body
            .contains(&format!("/school/classes?org={school}"))
    );

    // Found at once by the NetSchool search, its card as entered.
    let found = w.get("", "/webapi/schools/search?name=%D0%B1%D0%B5%D1%80%D1%91%D0%B7%D0%BE%D0%B2%D1%81%D0%BA%D0%B0%D1%8F").await.reply();
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
    let card = w.send(req).await.reply();
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
    let page = w.get(&cookie, &made.location).await.reply();
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
        .post_maybe_csrf(
            &cookie,
            &format!("/region/organizations/{school}/administrators"),
            &[
                ("last_name", "Соколова"),
                ("first_name", "Марина"),
                ("middle_name", "Викторовна"),
                ("login", ""),
            ],
            true,
        )
        .await
        .reply();
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
        .post_maybe_csrf(
            &cookie,
            &format!("/region/organizations/{school}/administrators"),
            &[
                ("last_name", "Соколов"),
                ("first_name", "Максим"),
                ("login", "SOKOLOVAMV"),
            ],
            true,
        )
        .await
        .reply();
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.body.contains("id=\"admin-login-error\""));
    let second = w
        .post_maybe_csrf(
            &cookie,
            &format!("/region/organizations/{school}/administrators"),
            &[
                ("last_name", "Соколова"),
                ("first_name", "Мария"),
                ("middle_name", "Васильевна"),
            ],
            true,
        )
        .await
        .reply();
    assert_eq!(text_of(&second.body, "issued-login"), "SokolovaMV2");

    // The new administrator signs in through the form with the one-time password.
    let signed = w.form_login(school, &login, &password).await.reply();
    assert!(
        signed.status.is_redirection() || signed.status == StatusCode::OK,
        "{}: {}",
        signed.status,
        signed.body
    );
    assert_ne!(signed.location, "/login");
    let _ = session_of(&signed);
    let refused = w.form_login(school, &login, "wrong-password").await.reply();
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
        .post_maybe_csrf(
            &cookie,
            &format!("/region/organizations/{school}"),
            &edited,
            true,
        )
        .await
        .reply();
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
        .post_maybe_csrf(
            &cookie,
            &format!("/region/organizations/{school}/active"),
            &[("active", "0")],
            true,
        )
        .await
        .reply();
    assert_eq!(closed.status, StatusCode::SEE_OTHER);
    let found = w
        .get("", "/webapi/schools/search?name=%D0%91%D0%B5%D1%80")
        .await
        .reply();
    assert!(!found.body.contains(&format!("\"id\":{school}")));
    let listed = w
        .get(&cookie, "/region?kind=general&name=%D0%B1%D0%B5%D1%80")
        .await
        .reply();
    assert!(
        listed
            .body
            .contains(&format!("id=\"organization-{school}\"")),
        "closed ones stay listed"
    );
    let own = w
        .post_maybe_csrf(
            &cookie,
            &format!("/region/organizations/{}/active", admin.organization_id),
            &[("active", "0")],
            true,
        )
        .await
        .reply();
    assert_eq!(own.status, StatusCode::BAD_REQUEST);
}

async fn others_are_refused(engine: Engine) {
    let w = world(engine, WebOptions::default()).await;
    let region_admin = w.any(Role::RegionAdministrator);
    let school = w.any(Role::Administrator);
    for who in [Role::Administrator, Role::Teacher] {
        let cookie = w.form_cookie(&w.any(who)).await;
        for uri in [
            "/region".to_owned(),
            "/region/organizations/new".to_owned(),
            format!("/region/organizations/{}", school.organization_id),
        ] {
            assert_eq!(
                w.get(&cookie, &uri).await.reply().status,
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
            let reply = w.post_maybe_csrf(&cookie, uri, fields, true).await.reply();
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{who:?} {uri}");
        }
    }
    // The region administrator without the CSRF token is refused too, and nothing changes.
    let cookie = w.form_cookie(&region_admin).await;
    let reply = w
        .post_maybe_csrf(
            &cookie,
            "/region/municipalities",
            &[("name", "Подделанный район")],
            false,
        )
        .await
        .reply();
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let page = w.get(&cookie, "/region").await.reply();
    assert!(!page.body.contains("Подделанный район"));
    assert!(!page.body.contains("Чужой район"));
    // Signed out: to the login page.
    let reply = w.get("", "/region").await.reply();
    assert_eq!(
        (reply.status, reply.location.as_str()),
        (StatusCode::SEE_OTHER, "/login")
    );
    // An organization of no region is not found.
    assert_eq!(
        w.get(&cookie, "/region/organizations/987654")
            .await
            .reply()
            .status,
        StatusCode::NOT_FOUND
    );
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
    let login = w.get("", "/login").await.reply();
    assert!(login.body.contains("id=\"regions-link\""));
    assert!(login.body.contains("href=\"/regions\""));
    let page = w.get("", "/regions").await.reply();
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
async fn an_unconfigured_directory_says_so_and_lists_this_portal() {
    let w = world(Engine::Sqlite, WebOptions::default()).await;
    let page = w.get("", "/regions").await.reply();
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

both_engines!(
    region_admin_adds_a_school,
    others_are_refused,
    portal_directory
);
