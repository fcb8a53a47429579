//! The grid of a subject group, the cells' JSON endpoints, and a mark's history.

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Json, Redirect};
use serde::Deserialize;
use sgo_app::journal::{Access, MarkChange};
use sgo_core::journal::format_mark;
use sgo_core::marks::format_average;
use sgo_core::{AssignmentId, PeriodId, StudentId};
use sgo_core::{GroupId, LessonId};

use super::{Header, Page, day_label, fail, json_error, render};
use crate::form::{CellSubmitted, Fields, Submitted};
use crate::ui::request::{SignedInRequest, UiRequest};

/// A column of the grid: an assignment, or a lesson without one (attendance only).
struct Column {
    lesson_id: LessonId,
    day: String,
    assignment: Option<i64>,
    abbr: String,
    weight: i32,
    title: String,
}

/// A cell of a student's row.
struct Cell {
    assignment: Option<i64>,
    value: String,
    comment: String,
    attendance: String,
}

/// A period or year mark cell.
struct FinalCell {
    period: String,
    value: String,
}

/// A student's row.
struct Row {
    id: i64,
    name: String,
    cells: Vec<Cell>,
    average: String,
    hint: String,
    finals: Vec<FinalCell>,
}

/// A period of the chooser.
struct PeriodLink {
    id: i64,
    name: String,
    chosen: bool,
}

#[derive(Template)]
#[template(path = "journal/group.html")]
struct GridPage {
    portal_name: String,
    header: Header,
    group_id: i64,
    title: String,
    period_name: String,
    writable: bool,
    periods: Vec<PeriodLink>,
    columns: Vec<Column>,
    rows: Vec<Row>,
    /// Headers of the final-mark columns: (period id or "" for the year, name).
    final_heads: Vec<(String, String)>,
}

#[derive(Deserialize)]
pub(super) struct GridQuery {
    period: Option<String>,
}

/// `GET /journal/group/{id}?period=`.
pub(super) async fn page(
    req: UiRequest,
    Path(id): Path<GroupId>,
    Query(q): Query<GridQuery>,
) -> Page {
    let period = match q.period.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(p) => Some(p.parse::<i64>().map_err(|_| {
            fail(&req.state)(sgo_app::AppError::BadRequest(msg!(
                "journal-period-invalid"
            )))
        })?),
    };
    let header = req.header().await?;
    let g = req
        .app()
        .journal_grid(&req.session.who.actor, id, period.map(PeriodId::new))
        .await
        .map_err(fail(&req.state))?;
    let mut columns = Vec::new();
    for l in &g.lessons {
        let mut any = false;
        for a in g.assignments.iter().filter(|a| a.lesson_id == l.id) {
            any = true;
            columns.push(Column {
                lesson_id: l.id,
                day: day_label(l.date),
                assignment: Some(a.id.get()),
                abbr: a.type_abbr.clone(),
                weight: a.weight,
                title: format!("{}: {}", a.type_name, a.title),
            });
        }
        if !any {
            columns.push(Column {
                lesson_id: l.id,
                day: day_label(l.date),
                assignment: None,
                abbr: String::new(),
                weight: 0,
                title: l.topic.clone(),
            });
        }
    }
    let mut final_heads: Vec<(String, String)> = g
        .periods
        .iter()
        .map(|p| (p.id.to_string(), p.name.clone()))
        .collect();
    final_heads.push((String::new(), "Год".to_owned()));
    let rows = g
        .rows
        .iter()
        .map(|r| {
            let sid = r.student.id;
            let cells = columns
                .iter()
                .map(|c| {
                    let mark = c.assignment.and_then(|a| {
                        g.marks.iter().find(|m| {
                            m.assignment_id == AssignmentId::new(a) && m.student_account_id == sid
                        })
                    });
                    Cell {
                        assignment: c.assignment,
                        value: mark
                            .map(|m| format_mark(m.value, m.code.as_deref(), m.duty))
                            .unwrap_or_default(),
                        comment: mark.map(|m| m.comment.clone()).unwrap_or_default(),
                        attendance: g
                            .attendance
                            .iter()
                            .find(|a| a.lesson_id == c.lesson_id && a.student_account_id == sid)
                            .map(|a| a.code.clone())
                            .unwrap_or_default(),
                    }
                })
                .collect();
            let finals = final_heads
                .iter()
                .map(|(p, _)| {
                    let period: Option<i64> = p.parse().ok();
                    FinalCell {
                        period: p.clone(),
                        value: g
                            .finals
                            .iter()
                            .find(|f| {
                                f.student_account_id == sid
                                    && f.period_id == period.map(PeriodId::new)
                            })
                            .map(|f| format_mark(f.value, f.code.as_deref(), false))
                            .unwrap_or_default(),
                    }
                })
                .collect();
            Row {
                id: sid.get(),
                name: r.student.name.clone(),
                cells,
                average: r.average.map(format_average).unwrap_or_default(),
                hint: r.hint.map(|h| h.to_string()).unwrap_or_default(),
                finals,
            }
        })
        .collect();
    Ok(render(&GridPage {
        portal_name: req.state.options.portal_name.clone(),
        header,
        group_id: id.get(),
        title: format!("{} ({}{})", g.group.name, g.group.grade, g.group.letter),
        period_name: g
            .period
            .as_ref()
            .map_or_else(|| "Учебный год".to_owned(), |p| p.name.clone()),
        writable: g.access == Access::Write,
        periods: g
            .periods
            .iter()
            .map(|p| PeriodLink {
                id: p.id.get(),
                name: p.name.clone(),
                chosen: g.period.as_ref().is_some_and(|c| c.id == p.id),
            })
            .collect(),
        columns,
        rows,
        final_heads,
    }))
}

fn id_field(form: &Fields, name: &str) -> Result<i64, sgo_app::AppError> {
    form.get(name)
        .trim()
        .parse()
        .map_err(|_| sgo_app::AppError::BadRequest(msg!("form-field-missing", name = name)))
}

/// `POST /journal/mark` (form fields `assignment`, `student`, `value`, optional `comment`,
/// `csrf`): answers JSON `{"value", "average"}` or `{"error"}`.
pub(super) async fn save_mark(req: UiRequest, CellSubmitted(form): CellSubmitted<Fields>) -> Page {
    let assignment = id_field(&form, "assignment").map_err(json_error)?;
    let student = id_field(&form, "student").map_err(json_error)?;
    let comment = form
        .pairs()
        .any(|(k, _)| k == "comment")
        .then(|| form.get("comment"));
    let saved = req
        .app()
        .set_mark(
            &req.session.who.actor,
            &req.origin,
            AssignmentId::new(assignment),
            StudentId::new(student),
            form.get("value"),
            comment,
        )
        .await
        .map_err(json_error)?;
    Ok(Json(serde_json::json!({
        "value": saved.shown,
        "average": saved.average.map(format_average).unwrap_or_default(),
    }))
    .into_response())
}

/// `POST /journal/final-mark` (fields `group`, `student`, `period` — empty for the year —,
/// `value`, `csrf`): answers JSON `{"value"}` or `{"error"}`.
pub(super) async fn save_final_mark(
    req: UiRequest,
    CellSubmitted(form): CellSubmitted<Fields>,
) -> Page {
    let group = id_field(&form, "group").map_err(json_error)?;
    let student = id_field(&form, "student").map_err(json_error)?;
    let period = match form.get("period").trim() {
        "" => None,
        _ => Some(id_field(&form, "period").map_err(json_error)?),
    };
    let shown = req
        .app()
        .set_final_mark(
            &req.session.who.actor,
            &req.origin,
            GroupId::new(group),
            StudentId::new(student),
            period.map(PeriodId::new),
            form.get("value"),
        )
        .await
        .map_err(json_error)?;
    Ok(Json(serde_json::json!({ "value": shown })).into_response())
}

/// A change of the history table.
struct Change {
    who: String,
    when: String,
    old: String,
    new: String,
    old_comment: String,
    new_comment: String,
}

#[derive(Template)]
#[template(path = "journal/history.html")]
struct HistoryPage {
    portal_name: String,
    header: Header,
    group_id: i64,
    group: String,
    assignment_id: i64,
    assignment: String,
    student_id: i64,
    student: String,
    value: String,
    comment: String,
    writable: bool,
    changes: Vec<Change>,
    error: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct HistoryQuery {
    assignment: Option<i64>,
    student: Option<i64>,
}

fn change(h: &MarkChange) -> Change {
    // Moscow time is how schools read the journal.
    let when = h.changed_at + chrono::Duration::hours(3);
    Change {
        who: h.changed_by_name.clone().unwrap_or_default(),
        when: when.format("%d.%m.%Y %H:%M").to_string(),
        old: h.old_value.clone(),
        new: h.new_value.clone(),
        old_comment: h.old_comment.clone(),
        new_comment: h.new_comment.clone(),
    }
}

async fn history_view(
    req: &UiRequest,
    assignment: i64,
    student: i64,
    error: Option<String>,
) -> Page {
    let header = req.header().await?;
    let (group, task, person, mark, history, access) = req
        .app()
        .mark_history(
            &req.session.who.actor,
            AssignmentId::new(assignment),
            StudentId::new(student),
        )
        .await
        .map_err(fail(&req.state))?;
    let status = if error.is_some() {
        axum::http::StatusCode::BAD_REQUEST
    } else {
        axum::http::StatusCode::OK
    };
    let page = HistoryPage {
        portal_name: req.state.options.portal_name.clone(),
        header,
        group_id: group.id.get(),
        group: group.name,
        assignment_id: assignment,
        assignment: format!(
            "{} {}: {} (вес {})",
            task.lesson_date.format("%d.%m.%Y"),
            task.type_abbr,
            task.title,
            task.weight
        ),
        student_id: student,
        student: person.name,
        value: mark
            .as_ref()
            .map(|m| format_mark(m.value, m.code.as_deref(), m.duty))
            .unwrap_or_default(),
        comment: mark.map(|m| m.comment).unwrap_or_default(),
        writable: access == Access::Write,
        changes: history.iter().map(change).collect(),
        error,
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /journal/mark-history?assignment=&student=`.
pub(super) async fn history_page(req: UiRequest, Query(q): Query<HistoryQuery>) -> Page {
    let (Some(assignment), Some(student)) = (q.assignment, q.student) else {
        return Err(fail(&req.state)(sgo_app::AppError::BadRequest(msg!(
            "journal-assignment-and-student-required"
        ))));
    };
    history_view(&req, assignment, student, None).await
}

/// `POST /journal/mark-history`: the form fallback that changes a mark and its comment.
pub(super) async fn history_save(req: UiRequest, Submitted(form): Submitted<Fields>) -> Page {
    let assignment = id_field(&form, "assignment").map_err(fail(&req.state))?;
    let student = id_field(&form, "student").map_err(fail(&req.state))?;
    match req
        .app()
        .set_mark(
            &req.session.who.actor,
            &req.origin,
            AssignmentId::new(assignment),
            StudentId::new(student),
            form.get("value"),
            Some(form.get("comment")),
        )
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/journal/mark-history?assignment={assignment}&student={student}"
        ))
        .into_response()),
        Err(sgo_app::AppError::BadRequest(m)) => {
            history_view(&req, assignment, student, Some(m.to_string())).await
        }
        Err(e) => Err(fail(&req.state)(e)),
    }
}
