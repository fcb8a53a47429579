//! The diary page: a week of lessons, homework, marks and attendance; parents switch children.

use sgo_core::StudentId;
use std::collections::HashMap;

use askama::Template;
use axum::extract::Query;
use axum::response::{IntoResponse, Redirect};
use chrono::{Datelike, Duration, NaiveDate};
use sgo_app::diary::DiaryWeek;
use sgo_core::calendar;

use super::{Header, render};
use crate::ui::request::{Page, SignedInRequest, UiRequest};
use crate::ui::student_choice::{StudentOption, student_line, student_options};

struct MarkView {
    text: String,
    abbr: String,
    title: String,
    class_suffix: String,
    duty: bool,
    comment: String,
    card_href: String,
}

struct FileView {
    id: i64,
    name: String,
}

/// An assignment of the lesson: homework or other work, with its files.
struct WorkView {
    homework: bool,
    abbr: String,
    type_name: String,
    title: String,
    description: String,
    files: Vec<FileView>,
    card_href: String,
}

struct LessonView {
    number: i32,
    time: String,
    subject: String,
    room: String,
    topic: String,
    works: Vec<WorkView>,
    marks: Vec<MarkView>,
    attendance: Option<(&'static str, &'static str)>,
}

struct DayView {
    title: String,
    today: bool,
    lessons: Vec<LessonView>,
}

#[derive(Template)]
#[template(path = "diary.html")]
struct DiaryPage<'a> {
    portal_name: &'a str,
    header: Header,
    students: Vec<StudentOption>,
    student_line: Option<String>,
    week_param: String,
    prev_href: String,
    next_href: String,
    range_text: String,
    period: Option<String>,
    days: Vec<DayView>,
}

fn day_title(d: NaiveDate) -> String {
    format!(
        "{}, {} {}",
        calendar::weekday_title(d.weekday()),
        d.day(),
        calendar::month_genitive(d.month())
    )
}

fn lesson_views(week: DiaryWeek, today: NaiveDate) -> Vec<DayView> {
    let student = week.student.account_id;
    let card = |id: i64| format!("/progress/assignment/{id}?student={student}");
    week.days
        .into_iter()
        .map(|day| DayView {
            title: day_title(day.date),
            today: day.date == today,
            lessons: day
                .lessons
                .into_iter()
                .map(|l| {
                    let mut works = Vec::new();
                    let mut marks = Vec::new();
                    for a in &l.assignments {
                        let files: Vec<FileView> = l
                            .files
                            .get(&a.assignment_id)
                            .map(|fs| {
                                fs.iter()
                                    .map(|f| FileView {
                                        id: f.id.get(),
                                        name: f.name.clone(),
                                    })
                                    .collect()
                            })
                            .unwrap_or_default();
                        if !a.title.is_empty() || !a.description.is_empty() || !files.is_empty() {
                            works.push(WorkView {
                                homework: a.type_abbr == "ДЗ",
                                abbr: a.type_abbr.clone(),
                                type_name: a.type_name.clone(),
                                title: a.title.clone(),
                                description: a.description.clone(),
                                files,
                                card_href: card(a.assignment_id.get()),
                            });
                        }
                        if a.mark_id.is_none() {
                            continue;
                        }
                        let duty = a.mark_duty.unwrap_or(false);
                        let text = match (a.mark_value, &a.mark_code) {
                            (Some(v), _) => v.to_string(),
                            (None, Some(code)) => code.clone(),
                            (None, None) if duty => "•".into(),
                            (None, None) => continue,
                        };
                        let mut title = format!("{}, вес {}", a.type_name, a.weight);
                        if duty {
                            title.push_str(" — долг");
                        }
                        if let Some(c) = a.mark_comment.as_ref().filter(|c| !c.is_empty()) {
                            title.push_str(": ");
                            title.push_str(c);
                        }
                        marks.push(MarkView {
                            class_suffix: a
                                .mark_value
                                .map(|v| v.to_string())
                                .unwrap_or_else(|| "code".into()),
                            text,
                            abbr: a.type_abbr.clone(),
                            title,
                            duty,
                            comment: a.mark_comment.clone().unwrap_or_default(),
                            card_href: card(a.assignment_id.get()),
                        });
                    }
                    LessonView {
                        number: l.lesson.number,
                        time: crate::ui::time_range(l.lesson.start_time, l.lesson.end_time),
                        subject: l.lesson.subject_name,
                        room: l.lesson.room,
                        topic: l.lesson.topic,
                        works,
                        marks,
                        attendance: l.attendance.map(|a| (a.abbr(), a.title())),
                    }
                })
                .collect(),
        })
        .collect()
}

/// `GET /diary[?week=YYYY-MM-DD][&student=ID]`.
pub(crate) async fn page(req: UiRequest, Query(q): Query<HashMap<String, String>>) -> Page {
    let actor = &req.session.who.actor;
    let students = req.app().diary_students(actor).await.map_err(req.fail())?;
    if students.is_empty() {
        return Ok(Redirect::to("/home").into_response());
    }
    let today = req.app().today();
    let monday = calendar::week_start(
        q.get("week")
            .and_then(|w| NaiveDate::parse_from_str(w, "%Y-%m-%d").ok())
            .unwrap_or(today),
    );
    let student_id = q
        .get("student")
        .and_then(|s| s.parse::<i64>().ok())
        .unwrap_or((students[0].account_id).get());
    let saturday = monday + Duration::days(5);
    let week = match req
        .app()
        .diary_week(
            actor,
            StudentId::new(student_id),
            monday,
            monday + Duration::days(6),
            &req.origin,
        )
        .await
    {
        Ok(w) => w,
        Err(e) => return Err(req.fail()(e)),
    };
    let header = req.header().await?;
    let link = |d: NaiveDate| {
        format!(
            "/diary?week={}&student={}",
            d.format("%Y-%m-%d"),
            student_id
        )
    };
    let who = &week.student;
    let student_line = Some(student_line(&who.display_name, who.class_name.as_deref()));
    Ok(render(&DiaryPage {
        portal_name: &req.state.options.portal_name,
        header,
        students: student_options(&students, sgo_core::StudentId::new(student_id)),
        student_line,
        week_param: monday.format("%Y-%m-%d").to_string(),
        prev_href: link(monday - Duration::days(7)),
        next_href: link(monday + Duration::days(7)),
        range_text: format!(
            "{} {} — {} {} {}",
            monday.day(),
            calendar::month_genitive(monday.month()),
            saturday.day(),
            calendar::month_genitive(saturday.month()),
            saturday.year()
        ),
        period: week.period_name.clone(),
        days: lesson_views(week, today),
    }))
}
