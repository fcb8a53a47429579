//! School set-up pages: years and periods, classes, subjects and curriculum, bells, timetable.

use axum::Router;

use crate::AppState;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
}
