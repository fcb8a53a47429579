//! Region administration pages: territory, organizations, the directory of regional portals.

use axum::Router;

use crate::AppState;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
}
