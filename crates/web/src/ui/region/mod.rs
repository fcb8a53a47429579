//! Region administration pages: territory, organizations, the directory of regional portals.

mod organizations;
mod portals;
mod territory;

use crate::routes::Routes;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use sgo_app::AppError;
use sgo_app::territory_admin::RegionFormError;
use sgo_core::policy::{self, RegionAdministration};

use super::{PageError, UiSession, csrf};
use crate::AppState;
use crate::extract::CaseInsensitiveForm;

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

/// The actor as the region administrator, asked of the policy before the handler reads any
/// input: anyone else gets the 403 page the use cases answered before they took the capability.
pub(super) fn administration(
    state: &AppState,
    session: &UiSession,
) -> Result<RegionAdministration, Box<Response>> {
    policy::region_administration(&session.who.actor)
        .ok_or_else(|| Box::new(PageError(state.clone(), AppError::Forbidden).into_response()))
}

/// A submitted form whose CSRF token matched; anything else is answered here.
pub(super) fn checked_form(
    state: &AppState,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<CaseInsensitiveForm, Box<Response>> {
    let form = CaseInsensitiveForm::parse(body)
        .map_err(|m| Box::new(PageError(state.clone(), AppError::BadRequest(m)).into_response()))?;
    if !csrf::check(headers, form.get("csrf")) {
        let mut response = PageError(
            state.clone(),
            AppError::BadRequest("Срок действия формы истёк. Обновите страницу.".into()),
        )
        .into_response();
        *response.status_mut() = StatusCode::FORBIDDEN;
        return Err(Box::new(response));
    }
    Ok(form)
}

/// A field of a form, as typed (empty when absent).
pub(super) fn field(form: &CaseInsensitiveForm, name: &str) -> String {
    form.get(name).unwrap_or_default().to_owned()
}

/// Answers a form error that is not about fields (forbidden, not found, storage).
pub(super) fn refused(state: &AppState, e: RegionFormError) -> Response {
    match e {
        RegionFormError::Refused(e) => PageError(state.clone(), e).into_response(),
        RegionFormError::Invalid(errors) => {
            let text = errors
                .0
                .iter()
                .map(|(_, m)| m.as_str())
                .collect::<Vec<_>>()
                .join("; ");
            PageError(state.clone(), AppError::BadRequest(text)).into_response()
        }
    }
}

/// After a successful POST: back to a page that says what happened.
pub(super) fn see_other(to: String) -> Response {
    Redirect::to(&to).into_response()
}

/// The status of a form shown again with messages next to its fields.
pub(super) const INVALID: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

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
