//! The calendar feed through the real router, on both engines: its address comes from
//! `/api/v1/calendar` (scope `calendar:read`), the feed is iCalendar with the diary's lessons
//! (room, teacher), homework due dates and holidays, a parent's feed names each child, and the
//! address stops working when revoked or when every session of the person is ended.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use axum::http::{Method, StatusCode};
use sgo_app::{Engine, Origin, Role};
use sgo_core::api_scope::ApiScope;
use sgo_core::icalendar::unfold;
use sgo_testkit::{Response, World, both_engines, world};

async fn feed_address(w: &World, token: &str) -> String {
    let auth = format!("Bearer {token}");
    let res = w
        .call(
            Method::GET,
            "/api/v1/calendar",
            &[("authorization", &auth)],
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let url = res.json()["url"].as_str().unwrap().to_owned();
    assert!(url.starts_with("http://") && url.ends_with(".ics"), "{url}");
    // The path part: the router is called directly.
    let path = url.split_once("://").unwrap().1;
    path[path.find('/').unwrap()..].to_owned()
}

fn events(res: &Response) -> Vec<Vec<String>> {
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!(res.header("content-type"), "text/calendar; charset=utf-8");
    let lines = unfold(&res.text());
    assert_eq!(lines.first().map(String::as_str), Some("BEGIN:VCALENDAR"));
    let mut out = Vec::new();
    let mut current: Option<Vec<String>> = None;
    for l in lines {
        match l.as_str() {
            "BEGIN:VEVENT" => current = Some(Vec::new()),
            "END:VEVENT" => out.push(current.take().unwrap()),
            _ => {
                if let Some(c) = current.as_mut() {
                    c.push(l);
                }
            }
        }
    }
    out
}

fn field<'a>(event: &'a [String], name: &str) -> Option<&'a str> {
    event
        .iter()
        .find_map(|l| l.strip_prefix(name).and_then(|r| r.strip_prefix(':')))
}

async fn a_student_subscribes_to_their_diary(engine: Engine) {
    let w = world(engine, 1).await;
    let org = w.admin().organization_id;
    let student = w.first(Role::Student, org);
    let id = w.id_of(&student).await;
    let token = w.api_token(&student, &[ApiScope::CalendarRead]).await;
    let path = feed_address(&w, &token).await;
    assert_eq!(feed_address(&w, &token).await, path, "one feed per person");
    // The feed needs no sign-in: calendar programs cannot sign in.
    let feed = events(&w.get_anonymous(&path).await);
    let week = w.this_week(id).await;
    let lesson = &week
        .days
        .iter()
        .flat_map(|d| &d.lessons)
        .next()
        .unwrap()
        .lesson;
    let start = lesson
        .date
        .and_time(lesson.start_time)
        .format("%Y%m%dT%H%M%S")
        .to_string();
    let found = feed
        .iter()
        .find(|e| {
            field(e, "DTSTART") == Some(start.as_str())
                && field(e, "SUMMARY") == Some(lesson.subject_name.as_str())
        })
        .unwrap_or_else(|| panic!("no event for {} at {start}", lesson.subject_name));
    assert_eq!(
        field(found, "LOCATION").unwrap_or_default(),
        sgo_core::icalendar::escape(&lesson.room)
    );
    assert!(
        field(found, "DESCRIPTION")
            .unwrap()
            .starts_with("Учитель: "),
        "{found:?}"
    );
    assert!(
        feed.iter()
            .any(|e| field(e, "SUMMARY").is_some_and(|s| s.starts_with("Каникулы"))),
        "holidays"
    );
    assert!(
        feed.iter().any(|e| field(e, "DTSTART;VALUE=DATE").is_some()
            && field(e, "UID").unwrap().starts_with("assignment-")),
        "homework on its due date"
    );
    // Without calendar:read, no address.
    let diary = w.api_token(&student, &[ApiScope::DiaryRead]).await;
    let auth = format!("Bearer {diary}");
    let res = w
        .call(
            Method::GET,
            "/api/v1/calendar",
            &[("authorization", &auth)],
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    // The secret opens nothing else: not a page, not the NetSchool API.
    let secret = path
        .trim_start_matches("/calendar/")
        .trim_end_matches(".ics");
    let cookie = w.cookie_for_token(secret);
    let res = w.get(&cookie, "/diary").await;
    assert!(res.status.is_redirection(), "{}", res.status);
    assert_eq!(
        w.api_get(secret, "student/diary/init").await.status,
        StatusCode::UNAUTHORIZED
    );
    // Unknown addresses are not found.
    assert_eq!(
        w.get_anonymous("/calendar/sgo_cal_nothing.ics")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.get_anonymous("/calendar/x").await.status,
        StatusCode::NOT_FOUND
    );
    // Revoked: the address stops working on every node; asking again makes a new one.
    let actor = w.actor_of(id).await;
    assert!(
        w.app
            .revoke_calendar_feed(&actor, &Origin::default())
            .await
            .unwrap()
    );
    assert_eq!(w.get_anonymous(&path).await.status, StatusCode::NOT_FOUND);
    let node = w.another_node().await;
    assert!(
        node.calendar_feed(secret, &Origin::default())
            .await
            .is_err()
    );
    let renewed = feed_address(&w, &token).await;
    assert_ne!(renewed, path);
    events(&w.get_anonymous(&renewed).await);
    // Ending every session of the person (as deactivation and a password change do) ends it.
    w.store().delete_account_sessions(id).await.unwrap();
    assert_eq!(
        w.get_anonymous(&renewed).await.status,
        StatusCode::NOT_FOUND
    );
}

async fn a_parents_feed_names_each_child(engine: Engine) {
    let w = world(engine, 1).await;
    let org = w.admin().organization_id;
    let parent = w.first(Role::Parent, org);
    let token = w.api_token(&parent, &[ApiScope::CalendarRead]).await;
    let path = feed_address(&w, &token).await;
    let feed = events(&w.get_anonymous(&path).await);
    let children = w
        .app
        .diary_students(&w.actor_of(w.id_of(&parent).await).await)
        .await
        .unwrap();
    assert!(!children.is_empty());
    let lessons: Vec<&str> = feed
        .iter()
        .filter(|e| field(e, "UID").unwrap().starts_with("lesson-"))
        .map(|e| field(e, "SUMMARY").unwrap())
        .collect();
    assert!(!lessons.is_empty());
    if children.len() > 1 {
        for child in &children {
            let given = child.display_name.split_whitespace().nth(1).unwrap();
            assert!(
                lessons.iter().any(|s| s.starts_with(&format!("{given}: "))),
                "{given}"
            );
        }
    }
}

/// «Персональные настройки» show the feed's address once it is made, and revoke it.
async fn the_settings_page_gives_and_revokes_the_address(engine: Engine) {
    let w = world(engine, 1).await;
    let student = w.first(Role::Student, w.admin().organization_id);
    let cookie = w.cookie(&student).await;
    let page = w.get(&cookie, "/settings/tokens").await.text();
    assert!(page.contains("id=\"make-calendar\""), "{page}");
    assert!(!page.contains("calendar-url"));
    let res = w.post(&cookie, "/settings/calendar", &[]).await;
    assert!(res.status.is_redirection(), "{}", res.status);
    let page = w.get(&cookie, "/settings/tokens").await.text();
    let marker = "id=\"calendar-url\">";
    let start = page.find(marker).unwrap() + marker.len();
    let url = &page[start..start + page[start..].find('<').unwrap()];
    let path = &url[url.find("/calendar/").unwrap()..];
    events(&w.get_anonymous(path).await);
    // Without the page's form token nothing happens.
    let res = w.post_raw(&cookie, "/settings/calendar/revoke", &[]).await;
    assert!(
        !res.status.is_success() || res.text().contains("Ошибка"),
        "{}",
        res.status
    );
    assert_eq!(w.get_anonymous(path).await.status, StatusCode::OK);
    let res = w.post(&cookie, "/settings/calendar/revoke", &[]).await;
    assert!(res.status.is_redirection(), "{}", res.status);
    assert_eq!(w.get_anonymous(path).await.status, StatusCode::NOT_FOUND);
    let page = w
        .get(&cookie, "/settings/tokens?calendar=revoked")
        .await
        .text();
    assert!(page.contains("Ссылка на календарь отозвана"));
}

/// Two first requests at once (two nodes, two browser tabs) end with one address.
async fn two_first_requests_make_one_feed(engine: Engine) {
    let w = world(engine, 1).await;
    let student = w.first(Role::Student, w.admin().organization_id);
    let actor = w.actor_of(w.id_of(&student).await).await;
    let node = w.another_node().await;
    let origin = Origin::default();
    let (a, b) = tokio::join!(
        w.app.calendar_feed_secret(&actor, &origin),
        node.calendar_feed_secret(&actor, &origin)
    );
    assert_eq!(a.unwrap(), b.unwrap());
    assert!(w.app.revoke_calendar_feed(&actor, &origin).await.unwrap());
    assert!(!w.app.revoke_calendar_feed(&actor, &origin).await.unwrap());
}

/// A deployment whose server key was replaced cannot show the old address again: it is
/// replaced by a new one, which works, and the old one stops working.
async fn a_replaced_server_key_replaces_the_address(engine: Engine) {
    let w = world(engine, 1).await;
    let student = w.first(Role::Student, w.admin().organization_id);
    let actor = w.actor_of(w.id_of(&student).await).await;
    let origin = Origin::default();
    let old = w.app.calendar_feed_secret(&actor, &origin).await.unwrap();
    let node = w
        .another_node_with_key(sgo_auth::ServerKey::generate().unwrap())
        .await;
    assert_eq!(
        node.calendar_feed_secret_if_any(&actor).await.unwrap(),
        None
    );
    let new = node.calendar_feed_secret(&actor, &origin).await.unwrap();
    assert_ne!(new, old);
    assert!(node.calendar_feed(&new, &origin).await.is_ok());
    assert!(node.calendar_feed(&old, &origin).await.is_err());
}

both_engines!(
    a_replaced_server_key_replaces_the_address,
    two_first_requests_make_one_feed,
    a_student_subscribes_to_their_diary,
    a_parents_feed_names_each_child,
    the_settings_page_gives_and_revokes_the_address,
);
