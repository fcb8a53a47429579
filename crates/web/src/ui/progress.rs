//! Progress pages for students and parents: marks by subject and period with weighted averages,
//! period and year marks, overdue work, and the assignment card.

use sgo_core::PeriodId;
use sgo_core::{AssignmentId, StudentId};
use std::collections::HashMap;

use crate::routes::Routes;
use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use sgo_app::AppError;
use sgo_core::marks::format_average;

use super::{Header, render};
use crate::ui::request::{Page, SignedInRequest, UiRequest};
use crate::ui::student_choice::{StudentOption, student_line, student_options};

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route("/progress", get(page))
        .route("/progress/assignment/{id}", get(card))
}

struct PeriodOption {
    id: i64,
    name: String,
    selected: bool,
}

struct MarkView {
    text: String,
    class_suffix: String,
    title: String,
    href: String,
    duty: bool,
}

struct SubjectRow {
    subject: String,
    marks: Vec<MarkView>,
    average: String,
    finals: Vec<String>,
    year: String,
}

struct OverdueView {
    date: String,
    subject: String,
    title: String,
    href: String,
}

#[derive(Template)]
#[template(path = "progress/page.html")]
struct ProgressPage<'a> {
    portal_name: &'a str,
    header: Header,
    students: Vec<StudentOption>,
    student_id: i64,
    student_line: String,
    periods: Vec<PeriodOption>,
    period_titles: Vec<String>,
    range_text: String,
    rows: Vec<SubjectRow>,
    overdue: Vec<OverdueView>,
}

struct FileView {
    id: i64,
    name: String,
}

#[derive(Template)]
#[template(path = "progress/assignment.html")]
struct CardPage<'a> {
    portal_name: &'a str,
    header: Header,
    student_line: String,
    back_href: String,
    title: String,
    subject: String,
    type_name: String,
    weight: i32,
    date: String,
    due: String,
    mandatory: bool,
    teachers: String,
    description: String,
    files: Vec<FileView>,
    mark: Option<String>,
    duty: bool,
    comment: String,
}

fn int(q: &HashMap<String, String>, name: &str) -> Result<Option<i64>, AppError> {
    match q.get(name).map(|v| v.trim()).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| AppError::BadRequest(msg!("query-parameter-invalid", name = name))),
    }
}

/// `GET /progress[?student=ID][&period=ID]`.
async fn page(req: UiRequest, Query(q): Query<HashMap<String, String>>) -> Page {
    let actor = &req.session.who.actor;
    let students = req.app().diary_students(actor).await.map_err(req.fail())?;
    if students.is_empty() {
        return Ok(Redirect::to("/home").into_response());
    }
    let (student_id, period_id) = match (int(&q, "student"), int(&q, "period")) {
        (Ok(s), Ok(p)) => (s.unwrap_or((students[0].account_id).get()), p),
        (Err(e), _) | (_, Err(e)) => return Err(req.fail()(e)),
    };
    let progress = match req
        .app()
        .progress(
            actor,
            StudentId::new(student_id),
            period_id.map(PeriodId::new),
            &req.origin,
        )
        .await
    {
        Ok(p) => p,
        Err(e) => return Err(req.fail()(e)),
    };
    let header = req.header().await?;
    let card = |id: i64| format!("/progress/assignment/{id}?student={student_id}");
    let chosen = progress.period.as_ref().map(|p| p.id);
    let rows = progress
        .subjects
        .iter()
        .map(|s| SubjectRow {
            subject: s.subject.clone(),
            marks: s
                .marks
                .iter()
                .map(|m| {
                    let mut title = format!(
                        "{} — {}, вес {}",
                        m.date.format("%d.%m.%Y"),
                        m.type_name,
                        m.weight
                    );
                    if m.duty {
                        title.push_str(", долг");
                    }
                    if !m.comment.is_empty() {
                        title.push_str(": ");
                        title.push_str(&m.comment);
                    }
                    MarkView {
                        text: m.text.clone(),
                        class_suffix: m
                            .value
                            .map(|v| v.to_string())
                            .unwrap_or_else(|| "code".into()),
                        title,
                        href: card(m.assignment_id.get()),
                        duty: m.duty,
                    }
                })
                .collect(),
            average: s.average.map(format_average).unwrap_or_default(),
            finals: s
                .period_marks
                .iter()
                .map(|m| m.clone().unwrap_or_default())
                .collect(),
            year: s.year_mark.clone().unwrap_or_default(),
        })
        .collect();
    let who = &progress.student;
    let student_line = student_line(&who.display_name, who.class_name.as_deref());
    Ok(render(&ProgressPage {
        portal_name: &req.state.options.portal_name,
        header,
        students: student_options(&students, sgo_core::StudentId::new(student_id)),
        student_id,
        student_line,
        periods: progress
            .periods
            .iter()
            .map(|p| PeriodOption {
                id: p.id.get(),
                name: p.name.clone(),
                selected: Some(p.id) == chosen,
            })
            .collect(),
        period_titles: progress.periods.iter().map(|p| p.name.clone()).collect(),
        range_text: format!(
            "{} — {}",
            progress.from.format("%d.%m.%Y"),
            progress.to.format("%d.%m.%Y")
        ),
        rows,
        overdue: progress
            .overdue
            .iter()
            .map(|a| OverdueView {
                date: a.due_date.format("%d.%m.%Y").to_string(),
                subject: a.subject_name.clone(),
                title: if a.title.is_empty() {
                    a.type_name.clone()
                } else {
                    a.title.clone()
                },
                href: card(a.assignment_id.get()),
            })
            .collect(),
    }))
}

/// `GET /progress/assignment/{id}?student=ID`: the assignment card.
async fn card(
    req: UiRequest,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Page {
    let actor = &req.session.who.actor;
    let Ok(id) = id.trim().parse::<i64>() else {
        return Err(req.fail()(AppError::NotFound(msg!("assignment-not-found"))));
    };
    let student = match int(&q, "student") {
        Ok(Some(s)) => s,
        Ok(None) => (match req.app().diary_students(actor).await {
            Ok(list) => match list.first() {
                Some(s) => s.account_id,
                None => return Ok(Redirect::to("/home").into_response()),
            },
            Err(e) => return Err(req.fail()(e)),
        })
        .get(),
        Err(e) => return Err(req.fail()(e)),
    };
    let c = match req
        .app()
        .assignment_card(
            actor,
            StudentId::new(student),
            AssignmentId::new(id),
            &req.origin,
        )
        .await
    {
        Ok(c) => c,
        Err(e) => return Err(req.fail()(e)),
    };
    let header = req.header().await?;
    let a = &c.assignment;
    let duty = a.mark_duty.unwrap_or(false);
    let mark = match (a.mark_id, a.mark_value, &a.mark_code) {
        (None, _, _) => None,
        (Some(_), Some(v), _) => Some(v.to_string()),
        (Some(_), None, Some(code)) if !code.is_empty() => Some(code.clone()),
        (Some(_), None, _) if duty => Some("•".into()),
        _ => None,
    };
    let student_line = match &c.student.class_name {
        Some(cl) => format!("{}, {} класс", c.student.display_name, cl),
        None => c.student.display_name.clone(),
    };
    Ok(render(&CardPage {
        portal_name: &req.state.options.portal_name,
        header,
        student_line,
        back_href: format!(
            "/diary?student={}&week={}",
            student,
            sgo_core::calendar::week_start(a.lesson_date).format("%Y-%m-%d")
        ),
        title: if a.title.is_empty() {
            a.type_name.clone()
        } else {
            a.title.clone()
        },
        subject: a.subject_name.clone(),
        type_name: format!("{} ({})", a.type_name, a.type_abbr),
        weight: a.weight,
        date: a.lesson_date.format("%d.%m.%Y").to_string(),
        due: a.due_date.format("%d.%m.%Y").to_string(),
        mandatory: a.mandatory,
        teachers: c
            .teachers
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        description: a.description.clone(),
        files: c
            .files
            .iter()
            .map(|f| FileView {
                id: f.id.get(),
                name: f.name.clone(),
            })
            .collect(),
        mark,
        duty,
        comment: a.mark_comment.clone().unwrap_or_default(),
    }))
}
