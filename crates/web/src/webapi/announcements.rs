//! Announcements over the NetSchool API: `announcements?take=-1` with attachments (§3.17).

use crate::routes::Routes;
use axum::Json;
use axum::extract::State;
use axum::routing::get;
use serde::Serialize;
use sgo_app::announcements::AnnouncementView;

use super::{ApiError, ApiSession, dates};
use crate::AppState;

pub(crate) fn routes() -> Routes {
    Routes::new().route("/announcements", get(announcements))
}

/// One announcement as the clients read it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AnnouncementDto {
    id: i64,
    name: String,
    /// Never null: netschoolapi fails on a null description.
    description: String,
    post_date: String,
    delete_date: Option<String>,
    author: AuthorDto,
    attachments: Vec<AttachmentDto>,
    em: Option<String>,
    recipient_info: Option<String>,
}

/// The author: full name and surname with initials.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AuthorDto {
    id: i64,
    fio: String,
    nick_name: String,
}

/// An attached file; `description` is always present (netschoolpy reads the key).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AttachmentDto {
    id: i64,
    name: String,
    original_file_name: String,
    description: Option<String>,
}

fn dto(v: AnnouncementView) -> AnnouncementDto {
    let r = v.record;
    AnnouncementDto {
        id: r.id.get(),
        name: r.title,
        description: r.body,
        post_date: dates::timestamp(r.posted_at),
        delete_date: r.expires_on.map(dates::date),
        // Both names from the school's records: clients show one of them as the author, and
        // the self-chosen display name could be anyone's.
        author: AuthorDto {
            id: r.author_account_id.get(),
            fio: v.author.full_name(),
            nick_name: v.author.short_name(),
        },
        attachments: v
            .files
            .into_iter()
            .map(|f| AttachmentDto {
                id: f.id.get(),
                original_file_name: f.name.clone(),
                name: f.name,
                description: Some(f.description).filter(|d| !d.is_empty()),
            })
            .collect(),
        em: None,
        recipient_info: None,
    }
}

/// `GET announcements?take=-1`: what is addressed to the signed-in person, newest first
/// (`take` is always -1 from the clients: everything).
async fn announcements(
    State(state): State<AppState>,
    ApiSession(who): ApiSession,
) -> Result<Json<Vec<AnnouncementDto>>, ApiError> {
    let list = state.app.announcements_for(&who.actor, None).await?;
    // Expired ones stay on the author's and the administration's page only.
    Ok(Json(
        list.into_iter().filter(|v| !v.expired).map(dto).collect(),
    ))
}
