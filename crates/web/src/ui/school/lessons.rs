//! One-off changes to dated lessons: substitution, move, cancellation, room.

#![allow(clippy::result_large_err)] // see the note in mod.rs

use sgo_core::ClassId;
use sgo_core::LessonId;

use super::*;
use crate::ui::request::SchoolAdminRequest;

/// A lesson row of the week list.
pub(super) struct LessonRow {
    id: i64,
    day: String,
    number: i32,
    time: String,
    group: String,
    room: String,
    teacher: String,
    cancelled: bool,
}

#[derive(Template)]
#[template(path = "school/lessons.html")]
pub(super) struct LessonsPage {
    portal_name: String,
    header: Header,
    c: Common,
    notice: Option<&'static str>,
    class_id: i64,
    title: String,
    range: String,
    prev: String,
    next: String,
    lessons: Vec<LessonRow>,
}

#[derive(Deserialize)]
pub(super) struct WeekQuery {
    week: Option<String>,
}

pub(super) fn lesson_row(l: &SetupLessonRecord) -> LessonRow {
    LessonRow {
        id: l.id,
        day: format!(
            "{} {}",
            weekday_short(chrono::Datelike::weekday(&l.date).number_from_monday()),
            l.date.format("%d.%m.%Y")
        ),
        number: l.number,
        time: crate::ui::time_range(l.start_time, l.end_time),
        group: l.group_name.clone(),
        room: l.room.clone(),
        teacher: l.teacher_name.clone().unwrap_or_default(),
        cancelled: l.status == "cancelled",
    }
}

pub(super) async fn lessons_page(
    req: SchoolAdminRequest,
    Path(id): Path<LessonId>,
    Query(q): Query<WeekQuery>,
) -> Page {
    let monday = week_start(
        q.week
            .as_deref()
            .and_then(parse_date)
            .unwrap_or_else(|| req.app().today()),
    );
    let (class, lessons) = req
        .app()
        .class_week_lessons(&req.admin, ClassId::new(id.get()), monday)
        .await
        .map_err(fail(&req.state))?;
    let (portal_name, header, c) =
        common(&req, OrganizationId::new(class.organization_id), "classes").await?;
    let sunday = monday + Duration::days(6);
    Ok(render(&LessonsPage {
        portal_name,
        header,
        c,
        notice: None,
        class_id: id.get(),
        title: class_name(&class),
        range: format!(
            "{} — {}",
            monday.format("%d.%m.%Y"),
            sunday.format("%d.%m.%Y")
        ),
        prev: (monday - Duration::days(7)).to_string(),
        next: (monday + Duration::days(7)).to_string(),
        lessons: lessons.iter().map(lesson_row).collect(),
    }))
}

/// A bell option of the change form.
pub(super) struct BellOption {
    number: i32,
    time: String,
}

#[derive(Template)]
#[template(path = "school/lesson.html")]
pub(super) struct LessonPage {
    portal_name: String,
    header: Header,
    c: Common,
    notice: Option<&'static str>,
    lesson: LessonRow,
    class_id: i64,
    week: String,
    bells: Vec<BellOption>,
    teachers: Vec<SetupNamedRecord>,
    form: LessonInput,
    errors: FieldErrors,
}

pub(super) async fn lesson_view(
    req: &SchoolAdminRequest,
    id: i64,
    form: Option<LessonInput>,
    errors: FieldErrors,
    notice: Option<&'static str>,
) -> Result<LessonPage, Response> {
    let setup = or_fail(req, req.app().lesson_setup(&req.admin, LessonId::new(id))).await?;
    let (portal_name, header, c) = class_common(req, &setup.class).await?;
    let l = &setup.lesson;
    let form = form.unwrap_or_else(|| LessonInput {
        date: l.date.to_string(),
        number: l.number.to_string(),
        room: l.room.clone(),
        teacher: l
            .teacher_account_id
            .map(|t| t.to_string())
            .unwrap_or_default(),
        cancelled: l.status == "cancelled",
    });
    Ok(LessonPage {
        portal_name,
        header,
        c,
        notice,
        lesson: lesson_row(l),
        class_id: setup.class.id,
        week: week_start(l.date).to_string(),
        bells: setup
            .bells
            .iter()
            .map(|b| BellOption {
                number: b.number,
                time: crate::ui::time_range(b.start_time, b.end_time),
            })
            .collect(),
        teachers: setup.teachers,
        form,
        errors,
    })
}

pub(super) async fn lesson_page(
    req: SchoolAdminRequest,
    Path(id): Path<i64>,
    Query(q): Query<OrgQuery>,
) -> Page {
    let notice = notice(q.saved.as_deref());
    let page = lesson_view(&req, id, None, FieldErrors::default(), notice).await?;
    Ok(render(&page))
}

pub(super) async fn change_lesson(
    req: SchoolAdminRequest,
    Path(id): Path<LessonId>,
    Submitted(form): Submitted<LessonForm>,
) -> Page {
    let input = LessonInput::from(form);
    let answer = req
        .app()
        .change_lesson(&req.admin, &req.origin, id, &input)
        .await;
    respond(
        &req.state,
        answer,
        |_| format!("/school/lessons/{id}?saved=lesson"),
        |errors| lesson_view(&req, id.get(), Some(input), errors, None),
    )
    .await
}
