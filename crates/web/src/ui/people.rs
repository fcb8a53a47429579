//! People pages: the user list, person and account cards, parent links, credential sheets.

use axum::Router;

use crate::AppState;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
}
