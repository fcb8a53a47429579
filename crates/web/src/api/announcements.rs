//! `/api/v1/announcements`: the school's announcements the person may read (`diary:read`).

use axum::Json;
use axum::extract::{RawQuery, State};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sgo_core::api_scope::ApiScope;

use super::caller::TokenCaller;
use super::dto::{self, AttachmentDto, Page, PageQuery, PersonRef};
use super::problem::Problem;
use crate::AppState;

/// An announcement.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Announcement)]
pub(crate) struct AnnouncementDto {
    id: i64,
    title: String,
    /// Sanitised HTML.
    body: String,
    author: PersonRef,
    /// Whom it is for: «Всем», «Ролям: …», «Классам: …».
    audience: String,
    posted_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    /// The last day it is shown, if it has one.
    expires_on: Option<NaiveDate>,
    attachments: Vec<AttachmentDto>,
}

/// The announcements the person may read, newest first.
#[utoipa::path(get, path = "/api/v1/announcements", tag = "announcements", security(("bearer" = ["diary:read"])),
    params(PageQuery),
    responses(
        (status = 200, description = "Announcements the person may read, newest first", body = Page<AnnouncementDto>),
        (status = 400, description = "Bad parameter", body = super::problem::Body, content_type = "application/problem+json"),
        (status = 403, description = "No diary:read", body = super::problem::Body, content_type = "application/problem+json"),
    ))]
pub(crate) async fn list(
    State(state): State<AppState>,
    TokenCaller(caller): TokenCaller,
    RawQuery(raw): RawQuery,
) -> Result<Json<Page<AnnouncementDto>>, Problem> {
    caller
        .grant(ApiScope::DiaryRead)
        .ok_or_else(|| Problem::scope_missing(ApiScope::DiaryRead))?;
    let paging: PageQuery = dto::query(raw.as_deref())?;
    paging.checked()?;
    let all = state.app.announcements_for(caller.actor(), None).await?;
    let items = all
        .into_iter()
        .map(|a| AnnouncementDto {
            id: a.record.id.get(),
            author: PersonRef::from(&a.author),
            audience: a.audience_text,
            posted_at: a.record.posted_at,
            updated_at: a.record.updated_at,
            expires_on: a.record.expires_on,
            attachments: a.files.iter().map(AttachmentDto::from).collect(),
            title: a.record.title,
            body: a.record.body,
        })
        .collect();
    Ok(Json(paging.slice(items)?))
}
