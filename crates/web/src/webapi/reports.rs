//! Reports over the NetSchool API (spec §3.25–3.26): the catalogue, each report's filters, the
//! queue, the SignalR hub that says when a queued report is ready, and the finished file.

use crate::form::NetSchoolBody;
use crate::routes::Routes;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use serde::Serialize;
use serde_json::Value;
use sgo_app::Named;
use sgo_app::calendar::Period;
use sgo_app::reports::StudentReportForm;

use super::input::{StudentReport, range_value, selection};
use super::{ApiError, ApiSession, dates};
use crate::AppState;

mod hub;

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route("/reports", get(catalogue))
        .route("/reports/{id}", get(filters))
        .route("/reports/{id}/queue", post(queue))
        .route("/earlyaccess", get(early_access))
        .route("/signalr/queueHub", get(hub::queue_hub))
        .route("/files/{id}", get(file))
}

/// The report behind an id of the catalogue, or 404.
fn student_report(id: &str) -> Result<StudentReport, ApiError> {
    StudentReport::from_id(id)
        .ok_or_else(|| ApiError(StatusCode::NOT_FOUND, msg!("api-report-unknown", id = id)))
}

#[derive(Serialize)]
struct ReportInfo {
    id: &'static str,
    title: &'static str,
}

#[derive(Serialize)]
struct ReportGroup {
    id: &'static str,
    title: &'static str,
    reports: Vec<ReportInfo>,
}

/// `GET reports`: the catalogue by section, as on SGO's «Отчёты» page.
async fn catalogue(ApiSession(_who): ApiSession) -> Json<Vec<ReportGroup>> {
    Json(vec![ReportGroup {
        id: "StudentReports",
        title: "Отчёты об ученике",
        reports: vec![
            ReportInfo {
                id: "StudentTotalMarks",
                title: "Отчёт об успеваемости и посещаемости ученика",
            },
            ReportInfo {
                id: "StudentGrades",
                title: "Отчёт об успеваемости ученика по предмету",
            },
        ],
    }])
}

#[derive(Serialize)]
struct FilterItem {
    value: String,
    title: String,
}

#[derive(Serialize)]
struct DateRange {
    start: String,
    end: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FilterSource {
    filter_id: &'static str,
    default_value: String,
    items: Vec<FilterItem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    range: Option<DateRange>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Filters {
    filter_sources: Vec<FilterSource>,
}

fn choice<I: std::fmt::Display>(
    id: &'static str,
    default: Option<I>,
    items: Vec<(I, String)>,
) -> FilterSource {
    FilterSource {
        filter_id: id,
        default_value: default.map(|d| d.to_string()).unwrap_or_default(),
        items: items
            .into_iter()
            .map(|(value, title)| FilterItem {
                value: value.to_string(),
                title,
            })
            .collect(),
        range: None,
    }
}

fn filter_sources(report: StudentReport, form: StudentReportForm) -> Vec<FilterSource> {
    fn named<I>(list: Vec<Named<I>>) -> Vec<(I, String)> {
        list.into_iter().map(|n| (n.id, n.name)).collect()
    }
    let mut out = vec![
        choice("SID", form.student, named(form.students)),
        choice("PCLID", form.class, named(form.classes)),
    ];
    if report == StudentReport::Grades {
        let current = form
            .current_period
            .and_then(|id| form.periods.iter().find(|p| p.id == id));
        let range = current.map(|p| (p.start_date, p.end_date));
        out.push(choice(
            "TERMID",
            form.current_period,
            form.periods
                .iter()
                .map(|p: &Period| (p.id, p.name.clone()))
                .collect(),
        ));
        out.push(choice(
            "SGID",
            form.groups.first().map(|g| g.id),
            named(form.groups),
        ));
        out.push(FilterSource {
            filter_id: "period",
            default_value: range.map(|(f, t)| range_value(f, t)).unwrap_or_default(),
            items: Vec::new(),
            range: range.map(|(f, t)| DateRange {
                start: dates::date(f),
                end: dates::date(t),
            }),
        });
    }
    out
}

/// `GET reports/{id}`: the report's filters with their choices and defaults.
async fn filters(
    State(state): State<AppState>,
    ApiSession(who): ApiSession,
    Path(id): Path<String>,
) -> Result<Json<Filters>, ApiError> {
    let report = student_report(&id)?;
    let form = state.app.student_report_form(&who.actor, None).await?;
    Ok(Json(Filters {
        filter_sources: filter_sources(report, form),
    }))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Queued {
    task_id: i64,
    queue_key: String,
}

/// `POST reports/{id}/queue`: checks the selection and queues the report.
async fn queue(
    State(state): State<AppState>,
    ApiSession(who): ApiSession,
    Path(id): Path<String>,
    NetSchoolBody(body): NetSchoolBody,
) -> Result<Json<Queued>, ApiError> {
    let report = student_report(&id)?;
    let selection = selection(report, &body)?;
    let (task_id, queue_key) = hub::enqueue(&state, &who.actor, selection).await?;
    Ok(Json(Queued { task_id, queue_key }))
}

/// `GET earlyaccess?accessKey=…`: SGO's switch for the SignalR preview; always on here.
async fn early_access() -> Json<Value> {
    Json(serde_json::json!({}))
}

/// `GET files/{id}`: a finished report as HTML, for the account that queued it.
async fn file(
    State(state): State<AppState>,
    ApiSession(who): ApiSession,
    Path(id): Path<String>,
) -> Result<axum::response::Response, ApiError> {
    let id: i64 = id
        .trim()
        .parse()
        .map_err(|_| ApiError(StatusCode::NOT_FOUND, msg!("file-not-found")))?;
    let html = hub::report_html(&state, &who.actor, id).await?;
    // A document, not a portal page: its own `<style>` block may apply, nothing else may run.
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (
                axum::http::header::CONTENT_SECURITY_POLICY,
                "sandbox; default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
            ),
        ],
        html,
    )
        .into_response())
}
