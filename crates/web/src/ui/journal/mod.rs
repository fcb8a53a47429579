//! The teacher's journal pages: my lessons, the grid of marks and attendance, homework, period marks, assignment types.

use axum::Router;

use crate::AppState;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
}
