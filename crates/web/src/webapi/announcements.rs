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

/// «Петрова А.И.»: the surname and the initials.
fn nick_name(last: &str, first: &str, middle: &str) -> String {
    let initials: String = [first, middle]
        .iter()
        .filter_map(|n| n.trim().chars().next())
        .map(|c| format!("{c}."))
        .collect();
    if initials.is_empty() {
        last.trim().to_owned()
    } else {
        format!("{} {initials}", last.trim())
    }
}

fn dto(v: AnnouncementView) -> AnnouncementDto {
    let r = v.record;
    let fio = sgo_core::person::full_name(
        &r.author_last_name,
        &r.author_first_name,
        &r.author_middle_name,
    );
    let fio = if fio.is_empty() {
        r.author_name.clone()
    } else {
        fio
    };
    AnnouncementDto {
        id: r.id,
        name: r.title,
        description: r.body,
        post_date: dates::timestamp(r.posted_at),
        delete_date: r.expires_on.map(dates::date),
        author: AuthorDto {
            id: r.author_account_id,
            nick_name: nick_name(
                &r.author_last_name,
                &r.author_first_name,
                &r.author_middle_name,
            ),
            fio,
        },
        attachments: v
            .files
            .into_iter()
            .map(|f| AttachmentDto {
                id: f.id,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nick_names_are_surname_and_initials() {
        assert_eq!(nick_name("Петрова", "Анна", "Ивановна"), "Петрова А.И.");
        assert_eq!(nick_name("Smith", "John", ""), "Smith J.");
        assert_eq!(nick_name("Петрова", "", ""), "Петрова");
    }
}
