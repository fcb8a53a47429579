//! Region administration pages: territory, organizations, the directory of regional portals.

mod organizations;
mod portals;
mod territory;

use crate::routes::Routes;
use axum::routing::{get, post};

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route("/regions", get(portals::page))
        .route("/region", get(territory::overview))
        .route(
            "/region/municipalities",
            post(territory::create_municipality),
        )
        .route(
            "/region/municipalities/{id}",
            get(territory::municipality).post(territory::rename_municipality),
        )
        .route(
            "/region/municipalities/{id}/settlements",
            post(territory::create_settlement),
        )
        .route(
            "/region/settlements/{id}",
            get(territory::settlement).post(territory::rename_settlement),
        )
        .route("/region/organizations/new", get(organizations::new_form))
        .route("/region/organizations", post(organizations::create))
        .route(
            "/region/organizations/{id}",
            get(organizations::page).post(organizations::update),
        )
        .route(
            "/region/organizations/{id}/edit",
            get(organizations::edit_form),
        )
        .route(
            "/region/organizations/{id}/active",
            post(organizations::set_active),
        )
        .route(
            "/region/organizations/{id}/administrators",
            post(organizations::create_administrator),
        )
}

/// An option of a select.
pub(crate) struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    pub(super) fn new(value: impl ToString, label: impl Into<String>, current: &str) -> Choice {
        let value = value.to_string();
        let selected = value == current;
        Choice {
            value,
            label: label.into(),
            selected,
        }
    }
}

/// A group of options (settlements of one municipality).
pub(crate) struct ChoiceGroup {
    pub label: String,
    pub choices: Vec<Choice>,
}
