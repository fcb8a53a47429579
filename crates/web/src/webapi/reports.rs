//! Reports over the NetSchool API (spec §3.25–3.26): the catalogue, each report's filters, the
//! queue, the SignalR hub that says when a queued report is ready, and the finished file.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;
use sgo_app::records::{NamedRecord, PeriodRecord};
use sgo_app::reports::StudentReportForm;

use super::{ApiError, ApiSession, dates};
use crate::AppState;

mod hub;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/reports", get(catalogue))
        .route("/reports/{id}", get(filters))
        .route("/reports/{id}/queue", post(queue))
        .route("/earlyaccess", get(early_access))
        .route("/signalr/queueHub", get(hub::queue_hub))
        .route("/files/{id}", get(file))
}

fn bad(message: &str) -> ApiError {
    ApiError(StatusCode::BAD_REQUEST, message.to_owned())
}

/// The reports on one student the API builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StudentReport {
    /// «Отчёт об успеваемости и посещаемости ученика» (netschoolpy `total_marks()`).
    TotalMarks,
    /// «Успеваемость ученика по предмету» (netschoolpy `assigned_marks()`).
    Grades,
}

impl StudentReport {
    /// The report behind an id of the catalogue or one of its aliases, in any case.
    fn from_id(id: &str) -> Option<StudentReport> {
        match id.trim().to_ascii_lowercase().as_str() {
            "studenttotalmarks" | "studenttotal" | "studentaveragemark" => {
                Some(StudentReport::TotalMarks)
            }
            "studentgrades" => Some(StudentReport::Grades),
            _ => None,
        }
    }

    fn parse(id: &str) -> Result<StudentReport, ApiError> {
        StudentReport::from_id(id)
            .ok_or_else(|| ApiError(StatusCode::NOT_FOUND, format!("Отчёт «{id}» не найден")))
    }
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

fn choice(id: &'static str, default: Option<i64>, items: Vec<(i64, String)>) -> FilterSource {
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

/// The interval filter's value as the SGO form sends it.
fn range_value(from: NaiveDate, to: NaiveDate) -> String {
    format!(
        "{}T00:00:00.0000000 - {}T00:00:00.0000000",
        from.format("%Y-%m-%d"),
        to.format("%Y-%m-%d")
    )
}

/// Reads an interval filter value: `YYYY-MM-DD[T…] - YYYY-MM-DD[T…]`.
fn parse_range(value: &str) -> Option<(NaiveDate, NaiveDate)> {
    let (from, to) = value.split_once(" - ")?;
    Some((
        dates::parse_query_date(from.trim())?,
        dates::parse_query_date(to.trim())?,
    ))
}

fn filter_sources(report: StudentReport, form: StudentReportForm) -> Vec<FilterSource> {
    let named =
        |list: Vec<NamedRecord>| list.into_iter().map(|n| (n.id, n.name)).collect::<Vec<_>>();
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
                .map(|p: &PeriodRecord| (p.id, p.name.clone()))
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
    let report = StudentReport::parse(&id)?;
    let form = state.app.student_report_form(&who.actor, None).await?;
    Ok(Json(Filters {
        filter_sources: filter_sources(report, form),
    }))
}

/// What a queue request asks for, read from its selected filters.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Selection {
    /// The year's marks of a student in a class.
    TotalMarks { student_id: i64, class_id: i64 },
    /// A student's marks in one subject group between two days.
    Grades {
        student_id: i64,
        subject_group_id: i64,
        span: Span,
    },
}

/// The days of a grades report: an explicit interval, or a period to look up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Span {
    /// From the `period` interval filter.
    Days(NaiveDate, NaiveDate),
    /// From `TERMID`.
    Period(i64),
}

/// The selected filter values by id (matched case-insensitively).
fn selected(body: &[u8]) -> Result<HashMap<String, String>, ApiError> {
    let value: Value = serde_json::from_slice(body).map_err(|_| bad("Тело запроса не JSON"))?;
    let list = value
        .as_object()
        .and_then(|o| {
            o.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("selectedData"))
        })
        .and_then(|(_, v)| v.as_array())
        .ok_or_else(|| bad("Не указаны значения фильтров (selectedData)"))?;
    let field = |item: &Value, name: &str| -> Option<String> {
        let v = item
            .as_object()?
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))?
            .1;
        match v {
            Value::String(s) => Some(s.trim().to_owned()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    let mut out = HashMap::new();
    for item in list {
        let id = field(item, "filterId").ok_or_else(|| bad("У фильтра нет filterId"))?;
        let value = field(item, "filterValue").unwrap_or_default();
        out.insert(id.to_ascii_lowercase(), value);
    }
    Ok(out)
}

fn id_filter(values: &HashMap<String, String>, id: &str) -> Result<i64, ApiError> {
    let raw = values
        .get(&id.to_ascii_lowercase())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| bad(&format!("Не выбран фильтр {id}")))?;
    raw.parse()
        .map_err(|_| bad(&format!("Неверное значение фильтра {id}: «{raw}»")))
}

/// Reads a queue request's body for a report.
pub(crate) fn selection(report: StudentReport, body: &[u8]) -> Result<Selection, ApiError> {
    let values = selected(body)?;
    let student_id = id_filter(&values, "SID")?;
    Ok(match report {
        StudentReport::TotalMarks => Selection::TotalMarks {
            student_id,
            class_id: id_filter(&values, "PCLID")?,
        },
        StudentReport::Grades => {
            // The interval is what the form finally shows; SGO fills it from the chosen period.
            let span = match values.get("period").filter(|v| !v.is_empty()) {
                Some(raw) => {
                    let (from, to) = parse_range(raw)
                        .ok_or_else(|| bad(&format!("Неверный интервал дат: «{raw}»")))?;
                    Span::Days(from, to)
                }
                None => Span::Period(id_filter(&values, "TERMID")?),
            };
            Selection::Grades {
                student_id,
                subject_group_id: id_filter(&values, "SGID")?,
                span,
            }
        }
    })
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
    body: Bytes,
) -> Result<Json<Queued>, ApiError> {
    let report = StudentReport::parse(&id)?;
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
        .map_err(|_| ApiError(StatusCode::NOT_FOUND, "Файл не найден".into()))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_ids_and_aliases_in_any_case() {
        for id in [
            "studenttotalmarks",
            "StudentTotalMarks",
            "StudentTotal",
            "studentAverageMark",
        ] {
            assert_eq!(
                StudentReport::from_id(id),
                Some(StudentReport::TotalMarks),
                "{id}"
            );
        }
        assert_eq!(
            StudentReport::from_id("StudentGrades"),
            Some(StudentReport::Grades)
        );
        assert_eq!(StudentReport::from_id("ClassJournal"), None);
    }

    #[test]
    fn selections_are_read_or_refused() {
        let body = br#"{"selectedData":[{"filterId":"SID","filterValue":"5","filterText":"x"},
            {"filterId":"PCLID","filterValue":7}],"params":[]}"#;
        assert_eq!(
            selection(StudentReport::TotalMarks, body).ok().unwrap(),
            Selection::TotalMarks {
                student_id: 5,
                class_id: 7
            }
        );
        let body = br#"{"selectedData":[{"filterId":"SID","filterValue":"5"},
            {"filterId":"TERMID","filterValue":"3"},{"filterId":"SGID","filterValue":"9"},
            {"filterId":"period","filterValue":"2026-09-01T00:00:00.0000000 - 2026-10-26T00:00:00.0000000"}]}"#;
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        assert_eq!(
            selection(StudentReport::Grades, body).ok().unwrap(),
            Selection::Grades {
                student_id: 5,
                subject_group_id: 9,
                span: Span::Days(d(9, 1), d(10, 26))
            }
        );
        for bad_body in [
            &b"not json"[..],
            br#"{"params":[]}"#,
            br#"{"selectedData":[{"filterId":"SID","filterValue":"x"},{"filterId":"PCLID","filterValue":"1"}]}"#,
            br#"{"selectedData":[{"filterId":"SID","filterValue":"1"}]}"#,
            br#"{"selectedData":[{"filterValue":"1"}]}"#,
        ] {
            let err = selection(StudentReport::TotalMarks, bad_body).unwrap_err();
            assert_eq!(err.0, StatusCode::BAD_REQUEST);
        }
        let no_span = br#"{"selectedData":[{"filterId":"SID","filterValue":"1"},{"filterId":"SGID","filterValue":"1"}]}"#;
        assert_eq!(
            selection(StudentReport::Grades, no_span).unwrap_err().0,
            StatusCode::BAD_REQUEST
        );
        let bad_span = r#"{"selectedData":[{"filterId":"SID","filterValue":"1"},{"filterId":"SGID","filterValue":"1"},{"filterId":"period","filterValue":"вчера - сегодня"}]}"#.as_bytes();
        assert_eq!(
            selection(StudentReport::Grades, bad_span).unwrap_err().0,
            StatusCode::BAD_REQUEST
        );
    }

    #[test]
    fn interval_values_round_trip() {
        let (f, t) = (
            NaiveDate::from_ymd_opt(2026, 11, 3).unwrap(),
            NaiveDate::from_ymd_opt(2026, 12, 28).unwrap(),
        );
        assert_eq!(parse_range(&range_value(f, t)), Some((f, t)));
    }
}
