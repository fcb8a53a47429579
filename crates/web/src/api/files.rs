//! `/api/v1/files/{id}`: the bytes of a file the token may reach: homework and announcement
//! files with `diary:read`, mail attachments with `mail:read`, its own unsent uploads with
//! `mail:send`.

use axum::extract::{Path, State};
use axum::response::Response;
use sgo_app::api_tokens::ApiCaller;
use sgo_core::FileId;
use sgo_core::api_scope::ApiScope;
use sgo_core::files::FileOwner;

use super::caller::TokenCaller;
use super::problem::Problem;
use crate::AppState;
use crate::extract::ClientOrigin;

/// The scope that reaches a file of `owner`.
fn scope_of(owner: FileOwner) -> ApiScope {
    match owner {
        FileOwner::Assignment(_) | FileOwner::Announcement(_) | FileOwner::Resource(_) => {
            ApiScope::DiaryRead
        }
        FileOwner::Message(_) => ApiScope::MailRead,
        FileOwner::Pending => ApiScope::MailSend,
    }
}

fn reaches_any(caller: &ApiCaller) -> bool {
    [ApiScope::DiaryRead, ApiScope::MailRead, ApiScope::MailSend]
        .into_iter()
        .any(|s| caller.grant(s).is_some())
}

/// The bytes of a homework, announcement or mail file.
#[utoipa::path(get, path = "/api/v1/files/{id}", tag = "files", security(("bearer" = ["diary:read"]), ("bearer" = ["mail:read"])),
    params(("id" = i64, Path, description = "A file's id, from an `attachments` list")),
    responses(
        (status = 200, description = "The file's bytes, as a download, with the media type it was stored with", content_type = "*/*"),
        (status = 403, description = "No scope that reaches files", body = super::problem::Body, content_type = "application/problem+json"),
        (status = 404, description = "No such file, or not one the token reaches", body = super::problem::Body, content_type = "application/problem+json"),
    ))]
pub(crate) async fn download(
    State(state): State<AppState>,
    TokenCaller(caller): TokenCaller,
    ClientOrigin(origin): ClientOrigin,
    Path(id): Path<i64>,
) -> Result<Response, Problem> {
    if !reaches_any(&caller) {
        return Err(Problem::scope_missing(ApiScope::DiaryRead));
    }
    let (file, body) = state
        .app
        .download_file_of(caller.actor(), FileId::new(id), &origin, |owner| {
            caller.grant(scope_of(owner)).is_some()
        })
        .await?;
    Ok(crate::download::file_response(&file, body))
}
