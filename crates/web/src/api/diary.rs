//! `/api/v1/students/{id}/diary`: a student's week (scope `diary:read`; the marks in it only
//! with `marks:read`).

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use chrono::{Duration, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};
use sgo_app::diary::{DiaryLesson, DiaryWeek};
use sgo_core::StudentId;
use sgo_core::api_scope::ApiScope;

use super::caller::TokenCaller;
use super::dto::{self, AssignmentDto, StudentRef};
use super::problem::Problem;
use crate::AppState;
use crate::extract::ClientOrigin;

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct WeekQuery {
    /// Any day of the week, YYYY-MM-DD; this week when absent.
    #[param(format = Date)]
    week_start: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = DiaryWeek)]
pub(crate) struct WeekDto {
    student: StudentRef,
    week_start: NaiveDate,
    week_end: NaiveDate,
    period: Option<String>,
    days: Vec<DayDto>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = DiaryDay)]
struct DayDto {
    date: NaiveDate,
    lessons: Vec<LessonDto>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = DiaryLesson)]
struct LessonDto {
    id: i64,
    number: i32,
    start_time: NaiveTime,
    end_time: NaiveTime,
    subject: String,
    group: String,
    room: String,
    topic: String,
    /// The attendance mark's abbreviation («Б»), if any.
    #[schema(value_type = Option<String>)]
    attendance: Option<&'static str>,
    assignments: Vec<AssignmentDto>,
}

fn lesson(l: &DiaryLesson, with_marks: bool) -> LessonDto {
    let s = &l.lesson;
    LessonDto {
        id: s.lesson_id.get(),
        number: s.number,
        start_time: s.start_time,
        end_time: s.end_time,
        subject: s.subject_name.clone(),
        group: s.subject_group_name.clone(),
        room: s.room.clone(),
        topic: s.topic.clone(),
        attendance: l.attendance.map(|a| a.abbr()),
        assignments: l
            .assignments
            .iter()
            .map(|a| {
                dto::assignment(
                    a,
                    l.files.get(&a.assignment_id).into_iter().flatten(),
                    with_marks,
                )
            })
            .collect(),
    }
}

fn week_dto(week: &DiaryWeek, with_marks: bool) -> WeekDto {
    WeekDto {
        student: StudentRef::from(&week.student),
        week_start: week.from,
        week_end: week.to,
        period: week.period_name.clone(),
        days: week
            .days
            .iter()
            .map(|d| DayDto {
                date: d.date,
                lessons: d.lessons.iter().map(|l| lesson(l, with_marks)).collect(),
            })
            .collect(),
    }
}

/// The Monday of the week asked for (`week_start`, any day of it), or of today's.
fn monday(raw: Option<&str>, today: NaiveDate) -> Result<NaiveDate, Problem> {
    let q: WeekQuery = dto::query(raw)?;
    let day = match q.week_start {
        Some(text) => dto::date(&text, "week_start")?,
        None => today,
    };
    Ok(sgo_core::calendar::week_start(day))
}

/// A student's diary week: lessons, homework with files, attendance, and marks.
#[utoipa::path(get, path = "/api/v1/students/{id}/diary", tag = "diary", security(("bearer" = ["diary:read"])),
    params(("id" = i64, Path, description = "The student's id (see /api/v1/me)"), WeekQuery),
    responses(
        (status = 200, description = "The week, Monday to Sunday; marks only with marks:read", body = WeekDto),
        (status = 400, description = "Bad date", body = super::problem::Body, content_type = "application/problem+json"),
        (status = 403, description = "No diary:read, or not this person's diary", body = super::problem::Body, content_type = "application/problem+json"),
    ))]
pub(crate) async fn week(
    State(state): State<AppState>,
    TokenCaller(caller): TokenCaller,
    ClientOrigin(origin): ClientOrigin,
    Path(student): Path<i64>,
    RawQuery(query): RawQuery,
) -> Result<Json<WeekDto>, Problem> {
    caller
        .grant(ApiScope::DiaryRead)
        .ok_or_else(|| Problem::scope_missing(ApiScope::DiaryRead))?;
    let with_marks = caller.grant(ApiScope::MarksRead).is_some();
    let from = monday(query.as_deref(), state.app.today())?;
    let to = from + Duration::days(6);
    let week = state
        .app
        .diary_week(caller.actor(), StudentId::new(student), from, to, &origin)
        .await?;
    Ok(Json(week_dto(&week, with_marks)))
}
