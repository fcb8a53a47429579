//! Downloading an attached file from the pages: `/files/{id}`.

use crate::routes::Routes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sgo_core::FileId;

use super::{PageError, UiSession};
use crate::AppState;
use crate::extract::ClientOrigin;

pub(crate) fn routes() -> Routes {
    Routes::new().route("/files/{id}", get(download))
}

async fn download(
    State(state): State<AppState>,
    session: UiSession,
    ClientOrigin(origin): ClientOrigin,
    Path(id): Path<FileId>,
) -> Response {
    match state
        .app
        .download_file(&session.who.actor, id, &origin)
        .await
    {
        Ok((file, bytes)) => crate::download::file_response(&file, bytes),
        Err(e) => PageError(state, e).into_response(),
    }
}
