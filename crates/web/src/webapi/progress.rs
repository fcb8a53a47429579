//! The rest of the diary over the NetSchool API: `student/diary/get-attachments`,
//! `student/diary/assigns/{id}`, `schedule/times`, `users/photo`, `mysettings`.

use sgo_core::{AccountId, AssignmentId, StudentId, YearId};
use std::collections::HashMap;

use crate::form::NetSchoolBody;
use crate::routes::Routes;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use super::diary::attachment_dto;
use super::dto::{
    AssignCard, AssignmentAttachments, IdName, MySettings, ScheduleTime, UserSettings,
};
use super::input::{assign_ids, int_param};
use super::{ApiError, ApiSession, dates};
use crate::AppState;
use crate::extract::ClientOrigin;

/// The photo everyone gets until photos are stored: a neutral silhouette.
const PHOTO_PLACEHOLDER: &[u8] = include_bytes!("../../static/photo-placeholder.png");

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route("/student/diary/get-attachments", post(get_attachments))
        .route("/student/diary/assigns/{id}", get(assign_card))
        .route("/schedule/times", get(schedule_times))
        .route("/users/photo", get(photo))
        .route("/mysettings", get(my_settings))
}

fn bad(message: sgo_app::Message) -> ApiError {
    ApiError(StatusCode::BAD_REQUEST, message)
}

/// `POST student/diary/get-attachments?studentId=` with `{"assignId": [id]}`: one entry per
/// assignment that has files, `[]` when none.
async fn get_attachments(
    State(state): State<AppState>,
    ApiSession(who): ApiSession,
    ClientOrigin(origin): ClientOrigin,
    Query(q): Query<HashMap<String, String>>,
    NetSchoolBody(body): NetSchoolBody,
) -> Result<Json<Vec<AssignmentAttachments>>, ApiError> {
    let student = int_param(q, "studentId")?;
    let ids = assign_ids(&body)?;
    let found = state
        .app
        .assignment_attachments(&who.actor, StudentId::new(student), &ids, &origin)
        .await?;
    Ok(Json(
        found
            .into_iter()
            .map(|(id, files)| AssignmentAttachments {
                assignment_id: id.get(),
                attachments: files.iter().map(attachment_dto).collect(),
            })
            .collect(),
    ))
}

/// `GET student/diary/assigns/{id}?studentId=`: the assignment card.
async fn assign_card(
    State(state): State<AppState>,
    ApiSession(who): ApiSession,
    ClientOrigin(origin): ClientOrigin,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<AssignCard>, ApiError> {
    let id: i64 = id
        .trim()
        .parse()
        .map_err(|_| bad(msg!("api-assignment-number-invalid")))?;
    let student = int_param(q, "studentId")?;
    let card = state
        .app
        .assignment_card(
            &who.actor,
            StudentId::new(student),
            AssignmentId::new(id),
            &origin,
        )
        .await?;
    let a = card.assignment;
    Ok(Json(AssignCard {
        id: a.assignment_id.get(),
        assignment_name: a.title,
        activity_name: None,
        problem_name: None,
        subject_group: IdName {
            id: card.group.id.get(),
            name: card.group.name,
        },
        subject_name: a.subject_name,
        teachers: card
            .teachers
            .into_iter()
            .map(|t| IdName {
                id: t.id.get(),
                name: t.name,
            })
            .collect(),
        product_id: None,
        is_deleted: false,
        weight: a.weight,
        date: dates::date(a.due_date),
        due_date: dates::date(a.due_date),
        description: a.description,
        type_id: a.type_id.get(),
        type_name: a.type_name,
        attachments: card.files.iter().map(attachment_dto).collect(),
        content_elements: None,
        code_content_elements: None,
    }))
}

/// `GET schedule/times`: the bells of the school on each weekday it teaches.
async fn schedule_times(
    State(state): State<AppState>,
    ApiSession(who): ApiSession,
) -> Result<Json<Vec<ScheduleTime>>, ApiError> {
    let day = state.app.today();
    let at = |t: chrono::NaiveTime| day.and_time(t).format("%Y-%m-%dT%H:%M:%S").to_string();
    let bells = state.app.bell_times(&who.actor).await?;
    Ok(Json(
        bells
            .into_iter()
            .map(|b| ScheduleTime {
                id: b.id,
                week_day: b.weekday,
                relay: b.shift,
                number: b.number,
                start_time: at(b.start),
                end_time: at(b.end),
                variant_id: 1,
                used: true,
            })
            .collect(),
    ))
}

/// `GET users/photo?userId=`: no photos are stored yet, so a neutral placeholder for anyone the
/// actor may see; 404 for anyone else.
async fn photo(
    State(state): State<AppState>,
    ApiSession(who): ApiSession,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let user = int_param(q, "userId")?;
    state
        .app
        .may_see_photo(&who.actor, AccountId::new(user))
        .await?;
    let mut response = PHOTO_PLACEHOLDER.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}

/// `GET mysettings`: the account's own data in NetSchool's shape.
async fn my_settings(
    State(state): State<AppState>,
    ApiSession(who): ApiSession,
) -> Result<Json<MySettings>, ApiError> {
    let s = state.app.my_settings(&who.actor).await?;
    let a = s.account;
    Ok(Json(MySettings {
        user_id: a.id.get(),
        first_name: a.first_name,
        last_name: a.last_name,
        middle_name: a.middle_name,
        login_name: a.login,
        birth_date: a.birth_date.map(dates::date),
        roles: s.roles,
        schoolyear_id: s.year_id.map(YearId::get),
        windows_account: None,
        mobile_phone: a.phone,
        prefered_com: a.preferred_channel,
        email: a.email,
        exists_photo: false,
        user_settings: UserSettings {
            show_mobile_phone: false,
            default_desktop: 0,
            language: "ru",
            favorite_reports: Vec::new(),
            password_expired: 0,
            recovery_answer: String::new(),
            recovery_question: String::new(),
            theme: 0,
            user_id: a.id.get(),
            show_net_school_app: false,
        },
    }))
}
