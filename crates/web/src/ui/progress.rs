//! Progress pages for students and parents: marks by subject and period, the assignment card.

use axum::Router;

use crate::AppState;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
}
