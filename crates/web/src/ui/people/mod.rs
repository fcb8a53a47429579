//! People pages: the user list, person and account cards, parent links, credential sheets.

mod card;
mod credentials;
mod links;
mod list;
mod person;

use crate::routes::Routes;
use axum::routing::{get, post};

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
