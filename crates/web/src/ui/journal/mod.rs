//! The teacher's journal pages: my lessons, the grid of marks and attendance, homework, period marks, assignment types.

// Handlers answer `Result<Response, Response>` so that `?` turns a refusal into its page; the
// error side is a whole response by design, as in the school set-up pages.
#![allow(clippy::result_large_err)]

mod grid;
mod lesson;
mod types;

use crate::routes::Routes;
use askama::Template;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate};
use sgo_app::AppError;
use sgo_app::journal::{Access, JournalLesson};

use super::{Header, PageError, render};
use crate::AppState;
use crate::ui::request::UiRequest;
use crate::upload::UPLOAD_BODY_LIMIT;

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route("/journal", get(home))
        .route("/journal/group/{id}", get(grid::page))
        .route("/journal/mark", post(grid::save_mark))
        .route("/journal/final-mark", post(grid::save_final_mark))
        .route(
            "/journal/mark-history",
            get(grid::history_page).post(grid::history_save),
        )
        .route("/journal/lesson/{id}", get(lesson::page))
        .route("/journal/lesson/{id}/topic", post(lesson::save_topic))
        .route(
            "/journal/lesson/{id}/assignments",
            post(lesson::add_assignment).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route(
            "/journal/lesson/{id}/assignments/{assignment}/delete",
            post(lesson::delete_assignment),
        )
        .route(
            "/journal/lesson/{id}/attendance",
            post(lesson::save_attendance),
        )
        .route("/journal/types", get(types::page).post(types::create))
        .route("/journal/types/{id}", post(types::update))
        .route(
            "/static/journal.js",
            get(|| {
                super::static_file(
                    "text/javascript; charset=utf-8",
                    include_str!("../../../static/journal.js"),
                )
            }),
        )
}

/// A page or the error page.
type Page = Result<Response, Response>;

/// A form page's status: 200 when it is fresh, 400 when it comes back with its errors.
fn form_status(errors: &sgo_app::form::FieldErrors) -> axum::http::StatusCode {
    if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::BAD_REQUEST
    }
}

fn fail(state: &AppState) -> impl Fn(AppError) -> Response + '_ {
    move |e| PageError(state.clone(), e).into_response()
}

/// A JSON refusal for the cells of the grid: `{"error": "…"}` with the status of the error.
fn json_error(e: AppError) -> Response {
    let status = match &e {
        AppError::Forbidden => StatusCode::FORBIDDEN,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
        AppError::BadRequest(_) | AppError::InvalidCredentials | AppError::LoginRefused(_) => {
            StatusCode::BAD_REQUEST
        }
        AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
        AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Store(_) | AppError::Auth(_) | AppError::Report(_) => {
            tracing::error!(error = %e, "journal cell failed");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    };
    let message = match status {
        StatusCode::FORBIDDEN => "Вы не ведёте журнал этой группы".to_owned(),
        _ => e.to_string(),
    };
    (status, Json(serde_json::json!({ "error": message }))).into_response()
}

const WEEKDAYS: [&str; 7] = ["Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"];

fn day_label(date: NaiveDate) -> String {
    format!(
        "{} {}",
        WEEKDAYS[date.weekday().num_days_from_monday() as usize],
        date.format("%d.%m")
    )
}

/// A lesson of the list.
struct LessonLink {
    id: i64,
    date: String,
    day: String,
    number: i32,
    time: String,
    subject: String,
    group: String,
    group_id: i64,
    topic: String,
    substitute: bool,
    cancelled: bool,
}

fn lesson_link(l: &JournalLesson) -> LessonLink {
    LessonLink {
        id: l.id.get(),
        date: l.date.to_string(),
        day: day_label(l.date),
        number: l.number,
        time: crate::ui::time_range(l.start_time, l.end_time),
        subject: l.subject_name.clone(),
        group: l.group_name.clone(),
        group_id: l.subject_group_id.get(),
        topic: l.topic.clone(),
        substitute: l.substitute,
        cancelled: l.status == "cancelled",
    }
}

/// A group of the list.
struct GroupLink {
    id: i64,
    name: String,
    class: String,
    subject: String,
    read_only: bool,
}

#[derive(Template)]
#[template(path = "journal/index.html")]
struct HomePage {
    portal_name: String,
    header: Header,
    today: Vec<LessonLink>,
    week: Vec<LessonLink>,
    groups: Vec<GroupLink>,
    range: String,
    types_link: bool,
}

/// `GET /journal`.
async fn home(UiRequest { state, session, .. }: UiRequest) -> Page {
    let header = Header::load(&state, &session)
        .await
        .map_err(IntoResponse::into_response)?;
    let actor = &session.who.actor;
    let h = state.app.journal_home(actor).await.map_err(fail(&state))?;
    let today = h
        .lessons
        .iter()
        .filter(|l| l.date == h.today)
        .map(lesson_link)
        .collect();
    let week = h.lessons.iter().map(lesson_link).collect();
    let groups = h
        .groups
        .iter()
        .map(|(g, access)| GroupLink {
            id: g.id.get(),
            name: g.name.clone(),
            class: format!("{}{}", g.grade, g.letter),
            subject: g.subject_name.clone(),
            read_only: *access != Access::Write,
        })
        .collect();
    Ok(render(&HomePage {
        portal_name: state.options.portal_name.clone(),
        header,
        today,
        week,
        groups,
        range: format!(
            "{} — {}",
            h.monday.format("%d.%m.%Y"),
            (h.monday + chrono::Duration::days(6)).format("%d.%m.%Y")
        ),
        types_link: sgo_core::policy::may_configure_assignment_types(actor),
    }))
}
