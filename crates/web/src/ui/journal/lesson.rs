//! The lesson page: topic, assignments with files, attendance.

use askama::Template;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect};
use sgo_app::AppError;
use sgo_app::form::FieldErrors;
use sgo_app::journal::{Access, AssignmentInput};
use sgo_app::settings::FormError;
use sgo_core::marks::AttendanceCode;
use sgo_core::{AssignmentId, LessonId};

use super::{Header, Page, day_label, fail, form_status, render};
use crate::form::{AssignmentFiles, Fields, Submitted, Uploaded};
use crate::ui::request::{SignedInRequest, UiRequest};
use crate::ui::time_range;
use serde::Deserialize;

/// A file link.
struct FileLink {
    id: i64,
    name: String,
}

/// An assignment of the lesson.
struct AssignmentView {
    id: i64,
    abbr: String,
    type_name: String,
    title: String,
    description: String,
    weight: i32,
    due: String,
    mandatory: bool,
    files: Vec<FileLink>,
}

/// A type option of the form.
struct TypeOption {
    id: i64,
    label: String,
}

/// A student's attendance select.
struct AttendanceRow {
    id: i64,
    name: String,
    code: String,
}

#[derive(Template)]
#[template(path = "journal/lesson.html")]
struct LessonPage {
    portal_name: String,
    header: Header,
    id: i64,
    group_id: i64,
    subject: String,
    title: String,
    when: String,
    topic: String,
    writable: bool,
    assignments: Vec<AssignmentView>,
    types: Vec<TypeOption>,
    students: Vec<AttendanceRow>,
    codes: Vec<(&'static str, &'static str)>,
    form: AssignmentInput,
    errors: FieldErrors,
    notice: Option<&'static str>,
}

impl LessonPage {
    fn chosen_type(&self, id: &i64) -> bool {
        self.form.type_id == id.to_string()
    }
}

async fn view(
    req: &UiRequest,
    id: i64,
    form: Option<AssignmentInput>,
    errors: FieldErrors,
    notice: Option<&'static str>,
) -> Page {
    let header = req.header().await?;
    let v = req
        .app()
        .journal_lesson(&req.session.who.actor, LessonId::new(id))
        .await
        .map_err(fail(&req.state))?;
    let status = form_status(&errors);
    let l = &v.lesson;
    let page = LessonPage {
        portal_name: req.state.options.portal_name.clone(),
        header,
        id,
        group_id: v.group.id.get(),
        subject: v.group.subject_name.clone(),
        title: v.group.name.clone(),
        when: format!(
            "{} {}, {} урок, {}",
            day_label(l.date),
            l.date.format("%Y"),
            l.number,
            time_range(l.start_time, l.end_time)
        ),
        topic: l.topic.clone(),
        writable: v.access == Access::Write,
        assignments: v
            .assignments
            .iter()
            .map(|a| AssignmentView {
                id: a.id.get(),
                abbr: a.type_abbr.clone(),
                type_name: a.type_name.clone(),
                title: a.title.clone(),
                description: a.description.clone(),
                weight: a.weight,
                due: a.due_date.format("%d.%m.%Y").to_string(),
                mandatory: a.mandatory,
                files: v
                    .files
                    .iter()
                    .filter(|(owner, _)| *owner == a.id)
                    .map(|(_, f)| FileLink {
                        id: f.id.get(),
                        name: f.name.clone(),
                    })
                    .collect(),
            })
            .collect(),
        types: v
            .types
            .iter()
            .map(|t| TypeOption {
                id: t.id.get(),
                label: format!("{} ({}), вес {}", t.name, t.abbr, t.default_weight),
            })
            .collect(),
        students: v
            .students
            .iter()
            .map(|s| AttendanceRow {
                id: s.id.get(),
                name: s.name.clone(),
                code: v
                    .attendance
                    .iter()
                    .find(|a| a.student_account_id == s.id)
                    .map(|a| a.code.clone())
                    .unwrap_or_default(),
            })
            .collect(),
        codes: AttendanceCode::ALL
            .into_iter()
            .map(|c| (c.abbr(), c.title()))
            .collect(),
        form: form.unwrap_or_else(|| AssignmentInput {
            due_date: l.date.to_string(),
            ..AssignmentInput::default()
        }),
        errors,
        notice,
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /journal/lesson/{id}`.
pub(super) async fn page(
    req: UiRequest,
    Path(id): Path<i64>,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Page {
    let notice = match q.get("saved").map(String::as_str) {
        Some("topic") => Some("Тема урока сохранена"),
        Some("assignment") => Some("Задание добавлено"),
        Some("deleted") => Some("Задание удалено"),
        Some("attendance") => Some("Посещаемость сохранена"),
        _ => None,
    };
    view(&req, id, None, FieldErrors::default(), notice).await
}

/// `POST /journal/lesson/{id}/topic`.
pub(super) async fn save_topic(
    req: UiRequest,
    Path(id): Path<LessonId>,
    Submitted(form): Submitted<TopicForm>,
) -> Page {
    match req
        .app()
        .set_lesson_topic(&req.session.who.actor, &req.origin, id, &form.topic)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/journal/lesson/{id}?saved=topic")).into_response()),
        Err(AppError::BadRequest(m)) => {
            let mut errors = FieldErrors::default();
            errors.add("topic", m);
            view(&req, id.get(), None, errors, None).await
        }
        Err(e) => Err(fail(&req.state)(e)),
    }
}

/// The lesson's topic form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct TopicForm {
    topic: String,
}

/// The new assignment form; its files come beside it.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct AssignmentForm {
    #[serde(rename = "type")]
    type_id: String,
    title: String,
    description: String,
    due: String,
    weight: String,
    mandatory: String,
}

/// `POST /journal/lesson/{id}/assignments` (multipart: fields and `files`).
pub(super) async fn add_assignment(
    req: UiRequest,
    Path(id): Path<LessonId>,
    form: Uploaded<AssignmentForm, AssignmentFiles>,
) -> Page {
    let f = form.form;
    let input = AssignmentInput {
        type_id: f.type_id,
        title: f.title,
        description: f.description,
        due_date: f.due,
        weight: f.weight,
        mandatory: !f.mandatory.is_empty(),
    };
    let files = form.files.into_iter().map(|(_, u)| u).collect();
    match req
        .app()
        .add_assignment(&req.session.who.actor, &req.origin, id, &input, files)
        .await
    {
        Ok(_) => {
            Ok(Redirect::to(&format!("/journal/lesson/{id}?saved=assignment")).into_response())
        }
        Err(FormError::Invalid(errors)) => view(&req, id.get(), Some(input), errors, None).await,
        Err(FormError::Refused(e)) => Err(fail(&req.state)(e)),
    }
}

/// `POST /journal/lesson/{id}/assignments/{assignment}/delete`.
pub(super) async fn delete_assignment(
    req: UiRequest,
    Path((id, assignment)): Path<(LessonId, AssignmentId)>,
    _: Submitted<Fields>,
) -> Page {
    req.app()
        .delete_assignment(&req.session.who.actor, &req.origin, id, assignment)
        .await
        .map_err(fail(&req.state))?;
    Ok(Redirect::to(&format!("/journal/lesson/{id}?saved=deleted")).into_response())
}

/// `POST /journal/lesson/{id}/attendance` (fields `attendance-{student}`).
pub(super) async fn save_attendance(
    req: UiRequest,
    Path(id): Path<LessonId>,
    Submitted(form): Submitted<Fields>,
) -> Page {
    let mut codes = Vec::new();
    for (name, value) in form.pairs() {
        if let Some(student) = name.strip_prefix("attendance-") {
            let student = student.parse::<i64>().map_err(|_| {
                fail(&req.state)(AppError::BadRequest(msg!("journal-student-invalid")))
            })?;
            codes.push((student, value.to_owned()));
        }
    }
    req.app()
        .set_lesson_attendance(&req.session.who.actor, &req.origin, id, &codes)
        .await
        .map_err(fail(&req.state))?;
    Ok(Redirect::to(&format!("/journal/lesson/{id}?saved=attendance")).into_response())
}
