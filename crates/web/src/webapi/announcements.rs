//! Announcements over the NetSchool API: `announcements?take=-1` with attachments.

use axum::routing::get;
use axum::{Json, Router};

use super::ApiSession;
use crate::AppState;

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/announcements", get(announcements))
}

/// `GET announcements?take=-1`: empty until announcements exist.
async fn announcements(ApiSession(_): ApiSession) -> Json<Vec<serde_json::Value>> {
    Json(Vec::new())
}
