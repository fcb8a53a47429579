//! `/api/v1/students/{id}/diary`: a student's week (scope `diary:read`; the marks in it only
//! with `marks:read`).

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use chrono::{Datelike, Duration, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};
use sgo_app::diary::{AssignmentWithMark, DiaryLesson, DiaryWeek};
use sgo_core::StudentId;
use sgo_core::api_scope::ApiScope;

use super::caller::TokenCaller;
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
    student: StudentDto,
    week_start: NaiveDate,
    week_end: NaiveDate,
    period: Option<String>,
    days: Vec<DayDto>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = DiaryStudent)]
struct StudentDto {
    id: i64,
    name: String,
    class: Option<String>,
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

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Assignment)]
struct AssignmentDto {
    id: i64,
    kind: String,
    kind_abbr: String,
    title: String,
    description: String,
    weight: i32,
    due_date: NaiveDate,
    mandatory: bool,
    /// The student's mark; always null for a token without `marks:read`.
    mark: Option<MarkDto>,
    attachments: Vec<AttachmentDto>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Mark)]
struct MarkDto {
    value: Option<i32>,
    code: Option<String>,
    duty: bool,
    comment: String,
    set_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Attachment)]
struct AttachmentDto {
    id: i64,
    name: String,
    size: i64,
    description: String,
}

fn mark(a: &AssignmentWithMark) -> Option<MarkDto> {
    a.mark_id?;
    Some(MarkDto {
        value: a.mark_value,
        code: a.mark_code.clone(),
        duty: a.mark_duty.unwrap_or(false),
        comment: a.mark_comment.clone().unwrap_or_default(),
        set_at: a.mark_set_at,
    })
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
            .map(|a| AssignmentDto {
                id: a.assignment_id.get(),
                kind: a.type_name.clone(),
                kind_abbr: a.type_abbr.clone(),
                title: a.title.clone(),
                description: a.description.clone(),
                weight: a.weight,
                due_date: a.due_date,
                mandatory: a.mandatory,
                mark: if with_marks { mark(a) } else { None },
                attachments: l
                    .files
                    .get(&a.assignment_id)
                    .into_iter()
                    .flatten()
                    .map(|f| AttachmentDto {
                        id: f.id.get(),
                        name: f.name.clone(),
                        size: f.size,
                        description: f.description.clone(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

fn week_dto(week: &DiaryWeek, with_marks: bool) -> WeekDto {
    WeekDto {
        student: StudentDto {
            id: week.student.account_id.get(),
            name: week.student.display_name.clone(),
            class: week.student.class_name.clone(),
        },
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
fn monday(query: Option<&str>, today: NaiveDate) -> Result<NaiveDate, Problem> {
    let bad = |detail| Problem::new(StatusCode::BAD_REQUEST, detail);
    let q: WeekQuery = serde_urlencoded::from_str(query.unwrap_or_default())
        .map_err(|e| bad(msg!("api-body-invalid", reason = e.to_string())))?;
    let day = match q.week_start {
        Some(text) => NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .map_err(|_| bad(msg!("api-date-invalid", name = "week_start")))?,
        None => today,
    };
    Ok(day - Duration::days(i64::from(day.weekday().num_days_from_monday())))
}

/// `GET /api/v1/students/{id}/diary?week_start=YYYY-MM-DD`.
#[utoipa::path(get, path = "/api/v1/students/{id}/diary", tag = "diary", security(("bearer" = ["diary:read"])),
    params(("id" = i64, Path, description = "The student's id (see /api/v1/me)"), WeekQuery),
    responses(
        (status = 200, description = "The week, Monday to Sunday; marks only with marks:read", body = WeekDto),
        (status = 400, description = "Bad date", body = super::problem::Body, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = super::problem::Body, content_type = "application/problem+json"),
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
