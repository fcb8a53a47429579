//! `GET /regions`: «Сетевой город в регионах», the directory of regional portals. Public.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use sgo_app::territory::CascadeQuery;

use super::super::{PageError, render};
use crate::{AppState, RegionalPortal};

#[derive(Template)]
#[template(path = "region/portals.html")]
struct PortalsPage<'a> {
    portal_name: &'a str,
    this_regions: String,
    portals: &'a [RegionalPortal],
}

/// `GET /regions`.
pub(crate) async fn page(State(state): State<AppState>) -> Response {
    // The portal's own regions come from its territory, so the page is right without configuration.
    let regions = match state.app.cascade(&CascadeQuery::default()).await {
        Ok(r) => r,
        Err(e) => return PageError(state.clone(), e).into_response(),
    };
    let this_regions = regions
        .into_iter()
        .map(|r| r.name)
        .collect::<Vec<_>>()
        .join(", ");
    render(&PortalsPage {
        portal_name: &state.options.portal_name,
        this_regions,
        portals: &state.options.regional_portals,
    })
}
