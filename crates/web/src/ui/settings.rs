//! Personal settings and the password change (also the forced one after a one-time password).

use axum::Router;

use crate::AppState;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
}
