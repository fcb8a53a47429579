//! `/api/v1/calendar`: the address of the person's calendar feed (`calendar:read`).

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use serde::Serialize;
use sgo_core::api_scope::ApiScope;

use super::caller::TokenCaller;
use super::problem::Problem;
use crate::AppState;
use crate::extract::ClientOrigin;

/// Where a calendar program subscribes.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = CalendarFeed)]
pub(crate) struct FeedDto {
    /// The feed's secret address (iCalendar): lessons with room and teacher, homework due
    /// dates and holidays of the person's students. Anyone with it reads the feed: keep it.
    url: String,
}

/// The address of the person's calendar feed, made on first asking.
#[utoipa::path(get, path = "/api/v1/calendar", tag = "calendar", security(("bearer" = ["calendar:read"])),
    responses(
        (status = 200, description = "The feed's address", body = FeedDto),
        (status = 403, description = "No calendar:read", body = super::problem::Body, content_type = "application/problem+json"),
    ))]
pub(crate) async fn calendar(
    State(state): State<AppState>,
    TokenCaller(caller): TokenCaller,
    ClientOrigin(origin): ClientOrigin,
    headers: HeaderMap,
) -> Result<Json<FeedDto>, Problem> {
    caller
        .grant(ApiScope::CalendarRead)
        .ok_or_else(|| Problem::scope_missing(ApiScope::CalendarRead))?;
    let secret = state
        .app
        .calendar_feed_secret(caller.actor(), &origin)
        .await?;
    let portal = crate::extract::portal_url(&state, &headers);
    Ok(Json(FeedDto {
        url: crate::calendar_feed::feed_url(&portal, &secret),
    }))
}
