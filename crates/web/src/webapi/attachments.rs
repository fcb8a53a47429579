//! Attachments over the NetSchool API: `attachments/{id}` (download), `attachments/uploadLimits`,
//! and `POST attachments` (upload for mail, answered with the file's GUID as a JSON string).

use crate::routes::Routes;
use axum::Json;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use sgo_app::files::UploadPurpose;
use sgo_core::FileId;

use super::{ApiError, ApiSession};
use crate::AppState;
use crate::extract::ClientOrigin;
use crate::form::{ApiMailFiles, Fields, Uploaded};
use crate::upload::UPLOAD_BODY_LIMIT;

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route("/attachments/uploadLimits", get(upload_limits))
        .route("/attachments/{id}", get(download))
        .route(
            "/attachments",
            post(upload).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
}

/// `GET attachments/{id}`: the bytes, never a redirect (the clients do not follow one here).
async fn download(
    State(state): State<AppState>,
    ApiSession(who): ApiSession,
    ClientOrigin(origin): ClientOrigin,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id: i64 = id.trim().parse().map_err(|_| {
        ApiError(
            StatusCode::BAD_REQUEST,
            msg!("api-attachment-number-invalid"),
        )
    })?;
    let (file, body) = state
        .app
        .download_file(&who.actor, FileId::new(id), &origin)
        .await?;
    Ok(crate::download::file_response(&file, body))
}

/// `GET attachments/uploadLimits`: sizes in KB.
async fn upload_limits(
    State(state): State<AppState>,
    ApiSession(_): ApiSession,
) -> Json<serde_json::Value> {
    let kb = |p| state.app.upload_limits(p).max_bytes / 1024;
    Json(serde_json::json!({
        "mailFileSizeLimit": kb(UploadPurpose::Mail),
        "assignmentFileSizeLimit": kb(UploadPurpose::Assignment),
    }))
}

/// `POST attachments` (multipart `file` and `description`): a pending mail attachment.
async fn upload(
    State(state): State<AppState>,
    ApiSession(who): ApiSession,
    form: Uploaded<Fields, ApiMailFiles>,
) -> Result<Response, ApiError> {
    let description = form.form.get("description").to_owned();
    let Some((_, mut upload)) = form.files.into_iter().find(|(name, _)| name == "file") else {
        return Err(ApiError(StatusCode::BAD_REQUEST, msg!("api-file-missing")));
    };
    upload.description = description;
    let file = state
        .app
        .upload_file(&who.actor, UploadPurpose::Mail, upload)
        .await?;
    Ok(Json(file.guid).into_response())
}
