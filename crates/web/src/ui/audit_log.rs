//! The audit log (журнал изменений) for administrators.

use std::collections::HashMap;

use crate::routes::Routes;
use askama::Template;
use axum::extract::Query;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::NaiveDate;
use sgo_app::AppError;
use sgo_app::audit_log::{AREAS, AuditLogPage, AuditLogQuery};

use super::{Header, PageError, render};
use crate::ui::request::SchoolAdminRequest;

pub(crate) fn routes() -> Routes {
    Routes::new().route("/changes", get(page))
}

/// An option of a filter's select.
struct Choice {
    value: String,
    title: String,
    selected: bool,
}

/// A row as the table shows it.
struct Row {
    when: String,
    organization: Option<String>,
    who: String,
    login: String,
    title: String,
    code: String,
    target: String,
    details: String,
    ip: String,
}

#[derive(Template)]
#[template(path = "changes/index.html")]
struct ChangesPage<'a> {
    portal_name: &'a str,
    header: Header,
    organizations: Vec<Choice>,
    show_organization: bool,
    areas: Vec<Choice>,
    from: String,
    to: String,
    who: String,
    text: String,
    rows: Vec<Row>,
    total: i64,
    page: i64,
    pages: i64,
    prev_href: Option<String>,
    next_href: Option<String>,
}

fn parse_date(raw: Option<&String>, label: &str) -> Result<Option<NaiveDate>, AppError> {
    match raw.map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .or_else(|_| NaiveDate::parse_from_str(s, "%d.%m.%Y"))
            .map(Some)
            .map_err(|_| AppError::BadRequest(msg!("audit-log-date-invalid", label = label))),
    }
}

fn parse_query(q: &HashMap<String, String>) -> Result<AuditLogQuery, AppError> {
    let get = |k: &str| q.get(k).map(|s| s.trim().to_owned()).unwrap_or_default();
    let organization = get("organization");
    let (organization_id, all_organizations) = match organization.as_str() {
        "" => (None, false),
        "all" => (None, true),
        id => (
            Some(
                id.parse()
                    .map_err(|_| AppError::BadRequest(msg!("audit-log-organization-invalid")))?,
            ),
            false,
        ),
    };
    let page = match get("page").as_str() {
        "" => 1,
        p => p
            .parse()
            .map_err(|_| AppError::BadRequest(msg!("audit-log-page-invalid")))?,
    };
    Ok(AuditLogQuery {
        organization_id,
        all_organizations,
        from: parse_date(q.get("from"), "с")?,
        to: parse_date(q.get("to"), "по")?,
        who: get("who"),
        area: get("area"),
        text: get("text"),
        page,
    })
}

/// The link to another page of the same filtered log.
fn page_href(q: &HashMap<String, String>, page: i64) -> String {
    let mut pairs: Vec<(&str, String)> = ["organization", "from", "to", "who", "area", "text"]
        .into_iter()
        .filter_map(|k| {
            q.get(k)
                .filter(|v| !v.trim().is_empty())
                .map(|v| (k, v.clone()))
        })
        .collect();
    pairs.push(("page", page.to_string()));
    format!(
        "/changes?{}",
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    )
}

fn build<'a>(
    portal_name: &'a str,
    header: Header,
    q: &HashMap<String, String>,
    query: &AuditLogQuery,
    log: AuditLogPage,
) -> ChangesPage<'a> {
    let mut organizations = Vec::new();
    if !log.organizations.is_empty() {
        organizations.push(Choice {
            value: "all".into(),
            title: "Все организации".into(),
            selected: log.organization_id.is_none(),
        });
        organizations.extend(log.organizations.iter().map(|(id, name)| Choice {
            value: id.to_string(),
            title: name.clone(),
            selected: log.organization_id == Some(*id),
        }));
    }
    let mut areas = vec![Choice {
        value: String::new(),
        title: "Все разделы".into(),
        selected: query.area.is_empty(),
    }];
    areas.extend(AREAS.iter().map(|(code, title)| Choice {
        value: (*code).to_owned(),
        title: (*title).to_owned(),
        selected: query.area == *code,
    }));
    let rows = log
        .entries
        .into_iter()
        .map(|e| Row {
            when: e.at.format("%d.%m.%Y %H:%M:%S").to_string(),
            organization: e.organization,
            who: e.actor_name.unwrap_or_else(|| "—".into()),
            login: e.actor_login.unwrap_or_default(),
            title: e.title,
            code: e.action,
            target: e.target,
            details: e.details,
            ip: e.ip,
        })
        .collect();
    ChangesPage {
        portal_name,
        header,
        organizations,
        show_organization: log.organization_id.is_none(),
        areas,
        from: query.from.map(|d| d.to_string()).unwrap_or_default(),
        to: query.to.map(|d| d.to_string()).unwrap_or_default(),
        who: query.who.clone(),
        text: query.text.clone(),
        rows,
        total: log.total,
        page: log.page,
        pages: log.pages,
        prev_href: (log.page > 1).then(|| page_href(q, log.page - 1)),
        next_href: (log.page < log.pages).then(|| page_href(q, log.page + 1)),
    }
}

/// `GET /changes?organization=&from=&to=&who=&area=&text=&page=`.
async fn page(req: SchoolAdminRequest, Query(q): Query<HashMap<String, String>>) -> Response {
    let query = match parse_query(&q) {
        Ok(query) => query,
        Err(e) => return PageError(req.state, e).into_response(),
    };
    let log = match req.app().audit_log(&req.admin, &query).await {
        Ok(log) => log,
        Err(e) => return PageError(req.state, e).into_response(),
    };
    let header = match Header::load(&req.state, &req.session).await {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    render(&build(
        &req.state.options.portal_name,
        header,
        &q,
        &query,
        log,
    ))
}
