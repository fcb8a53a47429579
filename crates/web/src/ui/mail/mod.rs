//! The mail pages: folders, reading, writing with the recipient directory, the print queue of paper letters.

use axum::Router;

use crate::AppState;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
}
