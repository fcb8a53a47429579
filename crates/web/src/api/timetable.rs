//! `/api/v1/students/{id}/timetable`: a student's lessons over a span of days (`diary:read`).

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use chrono::{Duration, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};
use sgo_core::StudentId;
use sgo_core::api_scope::ApiScope;

use super::caller::TokenCaller;
use super::dto::{self, StudentRef};
use super::problem::Problem;
use crate::AppState;
use crate::extract::ClientOrigin;

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct SpanQuery {
    /// First day, YYYY-MM-DD; this week's Monday when absent.
    #[param(format = Date)]
    from: Option<String>,
    /// Last day, YYYY-MM-DD, at most 62 days after `from`; six days after `from` when absent.
    #[param(format = Date)]
    to: Option<String>,
}

/// A student's lessons, day by day.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Timetable)]
pub(crate) struct TimetableDto {
    student: StudentRef,
    from: NaiveDate,
    to: NaiveDate,
    /// Days that have lessons, in order.
    days: Vec<DayDto>,
}

/// A day of the timetable.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = TimetableDay)]
struct DayDto {
    date: NaiveDate,
    lessons: Vec<LessonDto>,
}

/// A lesson.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = TimetableLesson)]
struct LessonDto {
    id: i64,
    /// Its number in the day.
    number: i32,
    start_time: NaiveTime,
    end_time: NaiveTime,
    subject: String,
    /// The subject group («9А/Алгебра»).
    group: String,
    room: String,
    topic: String,
}

/// A student's lessons over a span of days.
#[utoipa::path(get, path = "/api/v1/students/{id}/timetable", tag = "diary", security(("bearer" = ["diary:read"])),
    params(("id" = i64, Path, description = "The student's id (see /api/v1/me)"), SpanQuery),
    responses(
        (status = 200, description = "The lessons of the span", body = TimetableDto),
        (status = 400, description = "Bad dates, or a span over 62 days", body = super::problem::Body, content_type = "application/problem+json"),
        (status = 403, description = "No diary:read, or not this person's student", body = super::problem::Body, content_type = "application/problem+json"),
    ))]
pub(crate) async fn timetable(
    State(state): State<AppState>,
    TokenCaller(caller): TokenCaller,
    ClientOrigin(origin): ClientOrigin,
    Path(student): Path<i64>,
    RawQuery(raw): RawQuery,
) -> Result<Json<TimetableDto>, Problem> {
    caller
        .grant(ApiScope::DiaryRead)
        .ok_or_else(|| Problem::scope_missing(ApiScope::DiaryRead))?;
    let q: SpanQuery = dto::query(raw.as_deref())?;
    let from = match &q.from {
        Some(text) => dto::date(text, "from")?,
        None => sgo_core::calendar::week_start(state.app.today()),
    };
    let to = match &q.to {
        Some(text) => dto::date(text, "to")?,
        None => from + Duration::days(6),
    };
    let week = state
        .app
        .diary_week(caller.actor(), StudentId::new(student), from, to, &origin)
        .await?;
    Ok(Json(TimetableDto {
        student: StudentRef::from(&week.student),
        from: week.from,
        to: week.to,
        days: week
            .days
            .iter()
            .filter(|d| !d.lessons.is_empty())
            .map(|d| DayDto {
                date: d.date,
                lessons: d
                    .lessons
                    .iter()
                    .map(|l| {
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
                        }
                    })
                    .collect(),
            })
            .collect(),
    }))
}
