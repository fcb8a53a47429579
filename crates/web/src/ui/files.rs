//! Downloading an attached file from the pages: `/files/{id}`.

use crate::routes::Routes;
use axum::extract::Path;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sgo_core::FileId;

use super::PageError;
use crate::ui::request::UiRequest;

pub(crate) fn routes() -> Routes {
    Routes::new().route("/files/{id}", get(download))
}

async fn download(req: UiRequest, Path(id): Path<FileId>) -> Response {
    match req
        .app()
        .download_file(&req.session.who.actor, id, &req.origin)
        .await
    {
        Ok((file, body)) => crate::download::file_response(&file, body),
        Err(e) => PageError(req.state, e).into_response(),
    }
}
