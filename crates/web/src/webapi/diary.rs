//! The diary: `student/diary/init`, `student/diary`, `student/diary/pastMandatory`.

use sgo_core::StudentId;
use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use sgo_app::diary::{AssignmentWithMark, DiaryWeek};
use sgo_core::calendar;

use sgo_app::files::FileLink;

use super::dto::{
    Assignment, Attachment, Diary, DiaryInit, InitStudent, Lesson, Mark, MarkComment, WeekDay,
};
use super::{ApiError, ApiSession, dates, input};
use crate::AppState;
use crate::extract::ClientOrigin;

/// `GET student/diary/init`: the students this account may read.
pub(crate) async fn init(
    State(state): State<AppState>,
    ApiSession(who): ApiSession,
) -> Result<Json<DiaryInit>, ApiError> {
    let students = state.app.diary_students(&who.actor).await?;
    let monday = calendar::week_start(state.app.today());
    Ok(Json(DiaryInit {
        students: students
            .into_iter()
            .map(|s| InitStudent {
                student_id: s.account_id.get(),
                nick_name: s.display_name,
                class_name: s.class_name.unwrap_or_default(),
                class_id: 0,
                iup_grade: 0,
            })
            .collect(),
        current_student_id: 0,
        week_start: dates::date(monday),
        ya_class: false,
        ya_class_auth_url: None,
        new_disk_token: "",
        new_disk_was_request: false,
        ttsu_rl: String::new(),
        external_url: String::new(),
        weight: true,
        max_mark: 5,
        with_la_assigns: true,
    }))
}

/// A file as the wire lists it; an empty description is null, as on real servers.
pub(crate) fn attachment_dto(f: &FileLink) -> Attachment {
    Attachment {
        id: f.id.get(),
        name: f.name.clone(),
        original_file_name: f.name.clone(),
        description: Some(f.description.clone()).filter(|d| !d.is_empty()),
    }
}

fn assignment_dto(
    a: &AssignmentWithMark,
    student: StudentId,
    with_subject: bool,
    files: Option<&Vec<FileLink>>,
) -> Assignment {
    let has_mark = a.mark_id.is_some();
    Assignment {
        id: a.assignment_id.get(),
        type_id: a.type_id.get(),
        assignment_name: a.title.clone(),
        weight: a.weight,
        due_date: dates::date(a.due_date),
        class_meeting_id: a.lesson_id.get(),
        exists_test_plan: false,
        subject_name: with_subject.then(|| a.subject_name.clone()),
        mark: has_mark.then(|| Mark {
            assignment_id: a.assignment_id.get(),
            student_id: student.get(),
            mark: a.mark_value,
            abbr: a.mark_code.clone(),
            result_score: None,
            duty_mark: a.mark_duty.unwrap_or(false),
        }),
        mark_comment: a
            .mark_comment
            .as_ref()
            .filter(|c| has_mark && !c.is_empty())
            .map(|name| MarkComment {
                id: a.mark_id.unwrap_or_default(),
                name: name.clone(),
            }),
        mark_date: a.mark_set_at.map(dates::timestamp),
        attachments: files
            .filter(|f| !f.is_empty())
            .map(|f| f.iter().map(attachment_dto).collect()),
    }
}

/// `GET student/diary?studentId&yearId&weekStart&weekEnd`. The body is rendered once per cached
/// week (`App::diary_week_rendered`): a reload is a copy of bytes.
pub(crate) async fn week(
    State(state): State<AppState>,
    ApiSession(who): ApiSession,
    ClientOrigin(origin): ClientOrigin,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let q = input::diary_query(q, state.app.today())?;
    let body = state
        .app
        .diary_week_rendered(
            &who.actor,
            q.student,
            (q.from, q.to),
            &origin,
            "netschool",
            |week| {
                // Serialising owned, in-memory values cannot fail; an empty body would show it.
                serde_json::to_vec(&diary_dto(week))
                    .map(Bytes::from)
                    .unwrap_or_default()
            },
        )
        .await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// A week as the wire shows it.
fn diary_dto(week: &DiaryWeek) -> Diary {
    let student = week.student.account_id;
    let week_days = week
        .days
        .iter()
        .map(|day| WeekDay {
            date: dates::date(day.date),
            lessons: day
                .lessons
                .iter()
                .map(|l| Lesson {
                    classmeeting_id: l.lesson.lesson_id.get(),
                    day: dates::date(l.lesson.date),
                    number: l.lesson.number,
                    relay: l.lesson.shift,
                    room: Some(l.lesson.room.clone()).filter(|r| !r.is_empty()),
                    start_time: dates::time(l.lesson.start_time),
                    end_time: dates::time(l.lesson.end_time),
                    subject_name: l.lesson.subject_name.clone(),
                    is_ea_lesson: false,
                    is_distance_lesson: false,
                    extra_activity: false,
                    add_education: false,
                    assignments: l
                        .assignments
                        .iter()
                        .map(|a| {
                            let files = l.files.get(&a.assignment_id);
                            assignment_dto(a, student, false, files)
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    Diary {
        week_start: dates::date(week.from),
        week_end: dates::date(week.to),
        week_days,
        term_name: week.period_name.clone().unwrap_or_default(),
        class_name: week.student.class_name.clone().unwrap_or_default(),
    }
}

/// `GET student/diary/pastMandatory`: overdue mandatory work due in the window.
pub(crate) async fn past_mandatory(
    State(state): State<AppState>,
    ApiSession(who): ApiSession,
    ClientOrigin(origin): ClientOrigin,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Vec<Assignment>>, ApiError> {
    let q = input::diary_query(q, state.app.today())?;
    let overdue = state
        .app
        .overdue(&who.actor, q.student, q.from, q.to, &origin)
        .await?;
    Ok(Json(
        overdue
            .into_iter()
            .map(|a| assignment_dto(&a, q.student, true, None))
            .collect(),
    ))
}
