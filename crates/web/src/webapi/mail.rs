//! Mail over the NetSchool API: `mail/registry`, `mail/messages/…`, `mail/recipients`.

use axum::Router;

use crate::AppState;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
}
