//! A student's marks by subject with period and year marks (`marks:read`), overdue work and one
//! assignment with its files (`diary:read`).

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sgo_app::progress::SubjectProgress;
use sgo_core::api_scope::ApiScope;
use sgo_core::{AssignmentId, PeriodId, StudentId};

use super::caller::TokenCaller;
use super::dto::{self, AssignmentDto, Page, PageQuery, StudentRef};
use super::problem::Problem;
use crate::AppState;
use crate::extract::ClientOrigin;

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct MarksQuery {
    /// A period of the student's year (see `periods`); the current one when absent.
    period_id: Option<i64>,
}

/// A student's marks for a period, and the period and year marks of the whole year.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = StudentMarks)]
pub(crate) struct MarksDto {
    student: StudentRef,
    /// The periods of the student's year, in order.
    periods: Vec<PeriodDto>,
    /// The period shown; null when the year has no periods.
    period_id: Option<i64>,
    from: NaiveDate,
    to: NaiveDate,
    /// One line per subject, by name.
    subjects: Vec<SubjectDto>,
}

/// A period of the year («1 четверть»).
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Period)]
struct PeriodDto {
    id: i64,
    name: String,
    start_date: NaiveDate,
    end_date: NaiveDate,
}

/// A subject's marks.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = SubjectMarks)]
struct SubjectDto {
    subject: String,
    /// The weighted average of the period's marks with a value.
    average: Option<f64>,
    /// The period's marks, oldest first.
    marks: Vec<MarkEntryDto>,
    /// One entry per period of `periods`, in the same order.
    period_marks: Vec<PeriodMarkDto>,
    year_mark: Option<String>,
}

/// A mark in the list of a subject.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = MarkEntry)]
struct MarkEntryDto {
    assignment_id: i64,
    date: NaiveDate,
    /// What the journal shows: «5», a code, or «•» for a duty mark.
    text: String,
    value: Option<i32>,
    kind: String,
    kind_abbr: String,
    weight: i32,
    comment: String,
    duty: bool,
}

/// A period mark.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = PeriodMark)]
struct PeriodMarkDto {
    period_id: i64,
    mark: Option<String>,
}

fn subject(s: SubjectProgress, periods: &[i64]) -> SubjectDto {
    SubjectDto {
        subject: s.subject,
        average: s.average,
        marks: s
            .marks
            .into_iter()
            .map(|m| MarkEntryDto {
                assignment_id: m.assignment_id.get(),
                date: m.date,
                text: m.text,
                value: m.value,
                kind: m.type_name,
                kind_abbr: m.type_abbr,
                weight: m.weight,
                comment: m.comment,
                duty: m.duty,
            })
            .collect(),
        period_marks: periods
            .iter()
            .zip(s.period_marks)
            .map(|(&period_id, mark)| PeriodMarkDto { period_id, mark })
            .collect(),
        year_mark: s.year_mark,
    }
}

/// A student's marks by subject, with period and year marks.
#[utoipa::path(get, path = "/api/v1/students/{id}/marks", tag = "marks", security(("bearer" = ["marks:read"])),
    params(("id" = i64, Path, description = "The student's id (see /api/v1/me)"), MarksQuery),
    responses(
        (status = 200, description = "Marks by subject for the period, period and year marks", body = MarksDto),
        (status = 400, description = "Bad parameter", body = super::problem::Body, content_type = "application/problem+json"),
        (status = 403, description = "No marks:read, or not this person's student", body = super::problem::Body, content_type = "application/problem+json"),
        (status = 404, description = "No such period, or no academic year set up", body = super::problem::Body, content_type = "application/problem+json"),
    ))]
pub(crate) async fn marks(
    State(state): State<AppState>,
    TokenCaller(caller): TokenCaller,
    ClientOrigin(origin): ClientOrigin,
    Path(student): Path<i64>,
    RawQuery(raw): RawQuery,
) -> Result<Json<MarksDto>, Problem> {
    caller
        .grant(ApiScope::MarksRead)
        .ok_or_else(|| Problem::scope_missing(ApiScope::MarksRead))?;
    let q: MarksQuery = dto::query(raw.as_deref())?;
    let p = state
        .app
        .progress(
            caller.actor(),
            StudentId::new(student),
            q.period_id.map(PeriodId::new),
            &origin,
        )
        .await?;
    let period_ids: Vec<i64> = p.periods.iter().map(|x| x.id.get()).collect();
    Ok(Json(MarksDto {
        student: StudentRef::from(&p.student),
        periods: p
            .periods
            .iter()
            .map(|x| PeriodDto {
                id: x.id.get(),
                name: x.name.clone(),
                start_date: x.start_date,
                end_date: x.end_date,
            })
            .collect(),
        period_id: p.period.as_ref().map(|x| x.id.get()),
        from: p.from,
        to: p.to,
        subjects: p
            .subjects
            .into_iter()
            .map(|s| subject(s, &period_ids))
            .collect(),
    }))
}

/// A student's overdue mandatory work.
#[utoipa::path(get, path = "/api/v1/students/{id}/overdue", tag = "diary", security(("bearer" = ["diary:read"])),
    params(("id" = i64, Path, description = "The student's id (see /api/v1/me)"), PageQuery),
    responses(
        (status = 200, description = "Mandatory work of this year past its due date and not done", body = Page<AssignmentDto>),
        (status = 400, description = "Bad parameter", body = super::problem::Body, content_type = "application/problem+json"),
        (status = 403, description = "No diary:read, or not this person's student", body = super::problem::Body, content_type = "application/problem+json"),
        (status = 404, description = "No academic year set up", body = super::problem::Body, content_type = "application/problem+json"),
    ))]
pub(crate) async fn overdue(
    State(state): State<AppState>,
    TokenCaller(caller): TokenCaller,
    ClientOrigin(origin): ClientOrigin,
    Path(student): Path<i64>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Page<AssignmentDto>>, Problem> {
    caller
        .grant(ApiScope::DiaryRead)
        .ok_or_else(|| Problem::scope_missing(ApiScope::DiaryRead))?;
    let paging: PageQuery = dto::query(raw.as_deref())?;
    paging.checked()?;
    let with_marks = caller.grant(ApiScope::MarksRead).is_some();
    let work = state
        .app
        .overdue_this_year(caller.actor(), StudentId::new(student), &origin)
        .await?;
    let items = work
        .iter()
        .map(|a| dto::assignment(a, [], with_marks))
        .collect();
    Ok(Json(paging.slice(items)?))
}

/// One assignment of a student, with its files.
#[utoipa::path(get, path = "/api/v1/students/{id}/assignments/{assignment}", tag = "diary", security(("bearer" = ["diary:read"])),
    params(("id" = i64, Path, description = "The student's id"), ("assignment" = i64, Path, description = "An assignment on a lesson of the student")),
    responses(
        (status = 200, description = "The assignment with its files; the mark only with marks:read", body = AssignmentDto),
        (status = 403, description = "No diary:read, or not this person's student", body = super::problem::Body, content_type = "application/problem+json"),
        (status = 404, description = "No such assignment for this student", body = super::problem::Body, content_type = "application/problem+json"),
    ))]
pub(crate) async fn assignment(
    State(state): State<AppState>,
    TokenCaller(caller): TokenCaller,
    ClientOrigin(origin): ClientOrigin,
    Path((student, id)): Path<(i64, i64)>,
) -> Result<Json<AssignmentDto>, Problem> {
    caller
        .grant(ApiScope::DiaryRead)
        .ok_or_else(|| Problem::scope_missing(ApiScope::DiaryRead))?;
    let with_marks = caller.grant(ApiScope::MarksRead).is_some();
    let card = state
        .app
        .assignment_card(
            caller.actor(),
            StudentId::new(student),
            AssignmentId::new(id),
            &origin,
        )
        .await?;
    Ok(Json(dto::assignment(
        &card.assignment,
        &card.files,
        with_marks,
    )))
}
