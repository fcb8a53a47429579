//! People pages: the user list, person and account cards, parent links, credential sheets.

mod card;
mod credentials;
mod links;
mod list;
mod person;

use crate::routes::Routes;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use sgo_app::AppError;
use sgo_core::policy::{self, SchoolAdministrator};

use super::{PageError, UiSession};
use crate::AppState;

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route("/people", get(list::list))
        .route("/people/export.xlsx", get(list::export))
        .route("/people/new", get(person::new_page).post(person::create))
        .route(
            "/people/credentials",
            get(credentials::page).post(credentials::issue),
        )
        .route("/people/{id}", get(card::card).post(card::update))
        .route("/people/{id}/link", post(links::link))
        .route("/people/{id}/unlink", post(links::unlink))
        .route("/people/{id}/move", post(links::move_student))
}

/// An option of a select or a checkbox.
struct Choice {
    value: String,
    name: String,
    selected: bool,
}

fn choice(value: impl ToString, name: impl Into<String>, selected: bool) -> Choice {
    Choice {
        value: value.to_string(),
        name: name.into(),
        selected,
    }
}

/// The actor as a school administrator, asked of the policy before the handler reads any input:
/// anyone else gets the 403 page the use cases answered before they took the capability.
fn administrator(
    state: &AppState,
    session: &UiSession,
) -> Result<SchoolAdministrator, Box<Response>> {
    policy::school_administrator(&session.who.actor)
        .ok_or_else(|| Box::new(PageError(state.clone(), AppError::Forbidden).into_response()))
}
