//! The rest of the diary over the NetSchool API: `student/diary/get-attachments`, `student/diary/assigns/{id}`, `schedule/times`, `users/photo`, `mysettings`.

use axum::Router;

use crate::AppState;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
}
