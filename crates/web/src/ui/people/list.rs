//! The user list with its filter, and the same list as a spreadsheet.

use std::collections::HashMap;

use askama::Template;
use axum::extract::Query;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use sgo_app::Role;
use sgo_app::people::{ASSIGNABLE_ROLES, LinkedPerson, PeopleFilter, PersonRow};

use super::super::{Header, PageError, render};
use super::{Choice, choice};
use crate::ui::request::UiRequest;

fn parse_filter(q: &HashMap<String, String>) -> PeopleFilter {
    let get = |k: &str| q.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    PeopleFilter {
        class_id: get("class").and_then(|v| v.parse().ok()),
        role: get("role").and_then(|v| Role::from_code(v).ok()),
        name: get("q").map(str::to_owned),
        active: match get("active") {
            Some("1") => Some(true),
            Some("0") => Some(false),
            _ => None,
        },
    }
}

/// A row of the list as the template shows it.
struct Line {
    id: i64,
    full_name: String,
    login: String,
    roles: String,
    class: String,
    links: String,
    active: bool,
}

fn names(list: &[LinkedPerson]) -> String {
    list.iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn line(r: PersonRow) -> Line {
    let mut links = Vec::new();
    if !r.children.is_empty() {
        links.push(format!("дети: {}", names(&r.children)));
    }
    if !r.parents.is_empty() {
        links.push(format!("родители: {}", names(&r.parents)));
    }
    Line {
        id: r.account_id.get(),
        roles: r.roles_text(),
        class: r.class.map(|c| c.name).unwrap_or_default(),
        full_name: r.full_name,
        login: r.login,
        links: links.join("; "),
        active: r.active,
    }
}

#[derive(Template)]
#[template(path = "people/list.html")]
struct ListPage<'a> {
    portal_name: &'a str,
    header: Header,
    lines: Vec<Line>,
    classes: Vec<Choice>,
    roles: Vec<Choice>,
    states: Vec<Choice>,
    name: String,
    export_href: String,
    may_edit: bool,
    notice: Option<&'static str>,
}

/// `GET /people`.
pub(super) async fn list(req: UiRequest, Query(q): Query<HashMap<String, String>>) -> Response {
    let filter = parse_filter(&q);
    let list = match req.app().list_people(&req.session.who.actor, &filter).await {
        Ok(l) => l,
        Err(e) => return PageError(req.state, e).into_response(),
    };
    let header = match Header::load(&req.state, &req.session).await {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    let classes = list
        .classes
        .iter()
        .map(|c| choice(c.id, c.name.clone(), filter.class_id == Some(c.id)))
        .collect();
    let roles = ASSIGNABLE_ROLES
        .iter()
        .map(|r| choice(r.code(), r.title(), filter.role == Some(*r)))
        .collect();
    let states = vec![
        choice("1", "Активные", filter.active == Some(true)),
        choice("0", "Отключённые", filter.active == Some(false)),
    ];
    let query: Vec<(&str, &str)> = ["class", "role", "q", "active"]
        .iter()
        .filter_map(|k| q.get(*k).map(|v| (*k, v.as_str())))
        .collect();
    let export_href = format!(
        "/people/export.xlsx?{}",
        serde_urlencoded::to_string(&query).unwrap_or_default()
    );
    let notice = match q.get("done").map(String::as_str) {
        Some("created") => Some("Пользователь создан."),
        _ => None,
    };
    render(&ListPage {
        portal_name: &req.state.options.portal_name,
        header,
        lines: list.rows.into_iter().map(line).collect(),
        classes,
        roles,
        states,
        name: filter.name.unwrap_or_default(),
        export_href,
        may_edit: list.may_edit,
        notice,
    })
}

/// `GET /people/export.xlsx`: the filtered list as a spreadsheet.
pub(super) async fn export(req: UiRequest, Query(q): Query<HashMap<String, String>>) -> Response {
    match req
        .app()
        .export_people_xlsx(&req.session.who.actor, &parse_filter(&q))
        .await
    {
        Ok(bytes) => (
            [
                (
                    header::CONTENT_TYPE,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"people.xlsx\"",
                ),
                (header::CACHE_CONTROL, "no-store"),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => PageError(req.state, e).into_response(),
    }
}
