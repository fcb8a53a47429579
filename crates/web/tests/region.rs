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

/// The demo world with the region administrator signed in through the web form.
async fn region_admin(engine: Engine) -> (World, i64, String) {
    let w = world(engine, WebOptions::default()).await;
    let admin = w.any(Role::RegionAdministrator);
    assert_eq!(admin.login, "regionadmin");
    let cookie = w.form_cookie(&admin).await;
    (w, admin.organization_id, cookie)
}

/// Makes a municipality through its form; answers its id.
async fn new_municipality(w: &World, cookie: &str) -> i64 {
    let made = w
        .post_maybe_csrf(
            cookie,
            "/region/municipalities",
            &[("name", "Берёзовский район")],
            true,
        )
        .await
        .reply();
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    id_in(&made.location, "/region/municipalities/")
}

/// Makes the settlement «с. Берёзовка» in a municipality through its form; answers its id as
/// the municipality's page shows it.
async fn new_settlement(w: &World, cookie: &str, municipality: i64) -> String {
    let made = w
        .post_maybe_csrf(
            cookie,
            &format!("/region/municipalities/{municipality}/settlements"),
            &[("name", "с. Берёзовка")],
            true,
        )
        .await
        .reply();
    assert_eq!(made.status, StatusCode::SEE_OTHER);
    let page = w
        .get(cookie, &format!("/region/municipalities/{municipality}"))
        .await
        .reply();
    let at = page.body.find("id=\"settlement-").unwrap() + "id=\"settlement-".len();
    page.body[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect()
}

/// A school made by the region administrator through the forms, in a new settlement.
struct NewSchool {
    w: World,
    /// The regional authority of the region administrator.
    authority: String,
    cookie: String,
    settlement: String,
    school: i64,
    /// Where the form sent the administrator: the school's page.
    location: String,
}

async fn new_school(engine: Engine) -> NewSchool {
    let (w, authority, cookie) = region_admin(engine).await;
    let municipality = new_municipality(&w, &cookie).await;
    let settlement = new_settlement(&w, &cookie, municipality).await;
    school_in(w, authority, cookie, settlement).await
}

/// Makes the school of [`school_fields`] in a settlement through the organization form.
async fn school_in(w: World, authority: i64, cookie: String, settlement: String) -> NewSchool {
    let authority = authority.to_string();
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
    NewSchool {
        school: id_in(&made.location, "/region/organizations/"),
        location: made.location,
        w,
        authority,
        cookie,
        settlement,
    }
}

/// Renames a municipality through its form.
async fn rename_municipality(w: &World, cookie: &str, municipality: i64) {
    let renamed = w
        .post_maybe_csrf(
            cookie,
            &format!("/region/municipalities/{municipality}"),
            &[("name", "Берёзовский муниципальный район")],
            true,
        )
        .await
        .reply();
    assert_eq!(renamed.status, StatusCode::SEE_OTHER);
}

/// Issues the school's first administrator through the school's page; answers the page.
async fn first_administrator(n: &NewSchool) -> Reply {
    n.w.post_maybe_csrf(
        &n.cookie,
        &format!("/region/organizations/{}/administrators", n.school),
        &[
            ("last_name", "Соколова"),
            ("first_name", "Марина"),
            ("middle_name", "Викторовна"),
            ("login", ""),
        ],
        true,
    )
    .await
    .reply()
}

async fn the_region_administrator_reaches_the_authority_through_the_cascade(engine: Engine) {
    let w = world(engine, WebOptions::default()).await;
    let admin = w.any(Role::RegionAdministrator);
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
}

async fn municipalities_and_settlements_are_made_renamed_and_refused_twice(engine: Engine) {
    let (w, _, cookie) = region_admin(engine).await;
    // An empty name is refused next to the field.
    let empty = w
        .post_maybe_csrf(&cookie, "/region/municipalities", &[("name", "  ")], true)
        .await
        .reply();
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("id=\"municipality-name-error\""));
    let municipality = new_municipality(&w, &cookie).await;
    rename_municipality(&w, &cookie, municipality).await;
    new_settlement(&w, &cookie, municipality).await;
    let page = w
        .get(&cookie, &format!("/region/municipalities/{municipality}"))
        .await
        .reply();
    assert!(page.body.contains("Берёзовский муниципальный район"));
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
}

async fn the_school_form_offers_the_authorities_and_refuses_bad_fields(engine: Engine) {
    let (w, authority, cookie) = region_admin(engine).await;
    let municipality = new_municipality(&w, &cookie).await;
    let settlement = new_settlement(&w, &cookie, municipality).await;
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
    let authority = authority.to_string();
    assert!(form.body.contains(&format!("value=\"{authority}\"")));
    // A bad ИНН is a message, not a failure.
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
}

async fn a_second_school_of_the_same_name_is_refused(engine: Engine) {
    let n = new_school(engine).await;
    let dup =
        n.w.post_maybe_csrf(
            &n.cookie,
            "/region/organizations",
            &school_fields(&n.settlement, &n.authority, "9912345678"),
            true,
        )
        .await
        .reply();
    assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(dup.body.contains("id=\"short_name-error\""));
}

async fn the_region_administrator_sets_a_new_school_up_acting_for_it(engine: Engine) {
    let NewSchool {
        w, cookie, school, ..
    } = new_school(engine).await;
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
}

async fn a_new_school_is_found_by_the_netschool_search_with_its_card(engine: Engine) {
    let NewSchool {
        w, cookie, school, ..
    } = new_school(engine).await;
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
}

async fn a_new_school_page_escapes_what_was_typed_and_offers_the_administrator_form(
    engine: Engine,
) {
    let NewSchool {
        w,
        cookie,
        location,
        ..
    } = new_school(engine).await;
    let page = w.get(&cookie, &location).await.reply();
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
}

async fn the_first_administrator_gets_a_login_and_signs_in_with_the_one_time_password(
    engine: Engine,
) {
    let n = new_school(engine).await;
    let (w, cookie, school) = (&n.w, &n.cookie, n.school);
    // A suggested login and a one-time password shown once.
    let issued = first_administrator(&n).await;
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
            cookie,
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
            cookie,
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
}

async fn every_region_change_is_in_the_audit_log_against_its_organization(engine: Engine) {
    let (w, authority, cookie) = region_admin(engine).await;
    let municipality = new_municipality(&w, &cookie).await;
    rename_municipality(&w, &cookie, municipality).await;
    let settlement = new_settlement(&w, &cookie, municipality).await;
    let n = school_in(w, authority, cookie, settlement).await;
    let school = n.school;
    let issued = first_administrator(&n).await;
    let password = text_of(&issued.body, "one-time-password");

    let log = n.w.db.store.recent_audit_log(100).await.unwrap();
    let logged = |action: &str, org: i64| {
        log.iter()
            .any(|e| e.action == action && e.organization_id == Some(org))
    };
    assert!(logged("municipality.create", authority));
    assert!(logged("municipality.rename", authority));
    assert!(logged("settlement.create", authority));
    assert!(logged("organization.create", school));
    assert!(logged("account.create", school));
    assert!(
        log.iter().all(|e| !e.details.contains(&password)),
        "no password in the log"
    );
}

async fn an_edited_card_is_logged_with_old_and_new_values_and_a_closed_school_is_hidden(
    engine: Engine,
) {
    let NewSchool {
        w,
        authority,
        cookie,
        settlement,
        school,
        ..
    } = new_school(engine).await;
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
            &format!("/region/organizations/{authority}/active"),
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
    the_region_administrator_reaches_the_authority_through_the_cascade,
    municipalities_and_settlements_are_made_renamed_and_refused_twice,
    the_school_form_offers_the_authorities_and_refuses_bad_fields,
    a_second_school_of_the_same_name_is_refused,
    the_region_administrator_sets_a_new_school_up_acting_for_it,
    a_new_school_is_found_by_the_netschool_search_with_its_card,
    a_new_school_page_escapes_what_was_typed_and_offers_the_administrator_form,
    the_first_administrator_gets_a_login_and_signs_in_with_the_one_time_password,
    every_region_change_is_in_the_audit_log_against_its_organization,
    an_edited_card_is_logged_with_old_and_new_values_and_a_closed_school_is_hidden,
    others_are_refused,
    portal_directory
);
