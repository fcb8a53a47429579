//! The region's overview, municipalities and settlements.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sgo_app::OrganizationKind;
use sgo_app::territory_admin::{
    MunicipalityRecord, MunicipalityTree, NamedRecord, OrganizationFilter, SettlementRecord,
};

use super::super::{Header, PageError, UiSession, render};
use super::{Choice, administration};
use crate::AppState;
use crate::extract::ClientOrigin;
use crate::form::Submitted;
use crate::form::outcome::{INVALID, Outcome, see_other, settle};

/// The one field of the municipality and settlement forms.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct NameForm {
    name: String,
}

/// An organization line of the overview.
struct OrgRow {
    id: i64,
    short_name: String,
    kind: &'static str,
    settlement_name: String,
    municipality_name: String,
    active: bool,
}

#[derive(Template)]
#[template(path = "region/index.html")]
struct OverviewPage<'a> {
    portal_name: &'a str,
    header: Header,
    region_name: String,
    notice: Option<&'static str>,
    municipalities: Vec<MunicipalityTree>,
    organizations: Vec<OrgRow>,
    municipality_choices: Vec<Choice>,
    kind_choices: Vec<Choice>,
    name: String,
    new_municipality: String,
    new_municipality_error: Option<String>,
}

/// What a `?done=` code after a redirect says.
fn notice(q: &HashMap<String, String>) -> Option<&'static str> {
    Some(match q.get("done").map(String::as_str)? {
        "municipality-created" => "Муниципальное образование создано.",
        "municipality-renamed" => "Муниципальное образование переименовано.",
        "settlement-created" => "Населённый пункт создан.",
        "settlement-renamed" => "Населённый пункт переименован.",
        _ => return None,
    })
}

async fn overview_page(
    state: &AppState,
    session: &UiSession,
    q: &HashMap<String, String>,
    new_municipality: String,
    new_municipality_error: Option<String>,
    status: StatusCode,
) -> Response {
    let admin = match administration(state, session) {
        Ok(admin) => admin,
        Err(refusal) => return *refusal,
    };
    let header = match Header::load(state, session).await {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    let municipality = q.get("municipality").cloned().unwrap_or_default();
    let kind = q.get("kind").cloned().unwrap_or_default();
    let name = q.get("name").cloned().unwrap_or_default();
    let filter = OrganizationFilter {
        municipality_id: municipality.trim().parse().ok(),
        kind: OrganizationKind::from_code(kind.trim()).ok(),
        name_norm: Some(name.clone()),
    };
    let overview = match state.app.region_overview(&admin, &filter).await {
        Ok(o) => o,
        Err(e) => return PageError(state.clone(), e).into_response(),
    };
    let mut municipality_choices = vec![Choice::new("", "Все", &municipality)];
    municipality_choices.extend(
        overview
            .municipalities
            .iter()
            .map(|m| Choice::new(m.id, m.name.clone(), &municipality)),
    );
    let mut kind_choices = vec![Choice::new("", "Все", &kind)];
    kind_choices.extend(
        OrganizationKind::ALL
            .iter()
            .map(|k| Choice::new(k.code(), k.title(), &kind)),
    );
    let organizations = overview
        .organizations
        .into_iter()
        .map(|o| OrgRow {
            id: o.id,
            short_name: o.short_name,
            kind: o.kind.title(),
            settlement_name: o.settlement_name,
            municipality_name: o.municipality_name,
            active: o.active,
        })
        .collect();
    let page = OverviewPage {
        portal_name: &state.options.portal_name,
        header,
        region_name: overview.region_name,
        notice: notice(q),
        municipalities: overview.municipalities,
        organizations,
        municipality_choices,
        kind_choices,
        name,
        new_municipality,
        new_municipality_error,
    };
    (status, render(&page)).into_response()
}

/// `GET /region[?municipality=&kind=&name=]`.
pub(crate) async fn overview(
    State(state): State<AppState>,
    session: UiSession,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(refusal) = administration(&state, &session) {
        return *refusal;
    }
    overview_page(&state, &session, &q, String::new(), None, StatusCode::OK).await
}

/// `POST /region/municipalities`.
pub(crate) async fn create_municipality(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    session: UiSession,
    Submitted(NameForm { name }): Submitted<NameForm>,
) -> Response {
    let admin = match administration(&state, &session) {
        Ok(admin) => admin,
        Err(refusal) => return *refusal,
    };
    let created = state.app.create_municipality(&admin, &origin, &name).await;
    match settle(&state, created) {
        Ok(Outcome::Done(id)) => see_other(&format!(
            "/region/municipalities/{id}?done=municipality-created"
        )),
        Ok(Outcome::Invalid(errors)) => {
            let message = errors.get("name").map(ToString::to_string);
            overview_page(&state, &session, &HashMap::new(), name, message, INVALID).await
        }
        Err(page) => page,
    }
}

#[derive(Template)]
#[template(path = "region/municipality.html")]
struct MunicipalityPage<'a> {
    portal_name: &'a str,
    header: Header,
    notice: Option<&'static str>,
    municipality: MunicipalityRecord,
    settlements: Vec<NamedRecord>,
    name: String,
    name_error: Option<String>,
    new_settlement: String,
    new_settlement_error: Option<String>,
}

struct Typed {
    name: String,
    name_error: Option<String>,
    new_settlement: String,
    new_settlement_error: Option<String>,
}

async fn municipality_page(
    state: &AppState,
    session: &UiSession,
    id: i64,
    notice: Option<&'static str>,
    typed: Option<Typed>,
    status: StatusCode,
) -> Response {
    let admin = match administration(state, session) {
        Ok(admin) => admin,
        Err(refusal) => return *refusal,
    };
    let header = match Header::load(state, session).await {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    let municipality = match state.app.region_municipality(&admin, id).await {
        Ok(m) => m,
        Err(e) => return PageError(state.clone(), e).into_response(),
    };
    let settlements = match state.app.region_territory(&admin).await {
        Ok(t) => t
            .into_iter()
            .find(|m| m.id == id)
            .map(|m| m.settlements)
            .unwrap_or_default(),
        Err(e) => return PageError(state.clone(), e).into_response(),
    };
    let typed = typed.unwrap_or_else(|| Typed {
        name: municipality.name.clone(),
        name_error: None,
        new_settlement: String::new(),
        new_settlement_error: None,
    });
    let page = MunicipalityPage {
        portal_name: &state.options.portal_name,
        header,
        notice,
        municipality,
        settlements,
        name: typed.name,
        name_error: typed.name_error,
        new_settlement: typed.new_settlement,
        new_settlement_error: typed.new_settlement_error,
    };
    (status, render(&page)).into_response()
}

/// `GET /region/municipalities/{id}`.
pub(crate) async fn municipality(
    State(state): State<AppState>,
    session: UiSession,
    Path(id): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(refusal) = administration(&state, &session) {
        return *refusal;
    }
    municipality_page(&state, &session, id, notice(&q), None, StatusCode::OK).await
}

/// `POST /region/municipalities/{id}`: rename.
pub(crate) async fn rename_municipality(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    session: UiSession,
    Path(id): Path<i64>,
    Submitted(NameForm { name }): Submitted<NameForm>,
) -> Response {
    let admin = match administration(&state, &session) {
        Ok(admin) => admin,
        Err(refusal) => return *refusal,
    };
    let renamed = state
        .app
        .rename_municipality(&admin, &origin, id, &name)
        .await;
    match settle(&state, renamed) {
        Ok(Outcome::Done(())) => see_other(&format!(
            "/region/municipalities/{id}?done=municipality-renamed"
        )),
        Ok(Outcome::Invalid(errors)) => {
            let typed = Typed {
                name,
                name_error: errors.get("name").map(ToString::to_string),
                new_settlement: String::new(),
                new_settlement_error: None,
            };
            municipality_page(&state, &session, id, None, Some(typed), INVALID).await
        }
        Err(page) => page,
    }
}

/// `POST /region/municipalities/{id}/settlements`.
pub(crate) async fn create_settlement(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    session: UiSession,
    Path(id): Path<i64>,
    Submitted(NameForm { name }): Submitted<NameForm>,
) -> Response {
    let admin = match administration(&state, &session) {
        Ok(admin) => admin,
        Err(refusal) => return *refusal,
    };
    let created = state
        .app
        .create_settlement(&admin, &origin, id, &name)
        .await;
    match settle(&state, created) {
        Ok(Outcome::Done(_)) => see_other(&format!(
            "/region/municipalities/{id}?done=settlement-created"
        )),
        Ok(Outcome::Invalid(errors)) => {
            let current = match state.app.region_municipality(&admin, id).await {
                Ok(m) => m.name,
                Err(e) => return PageError(state.clone(), e).into_response(),
            };
            let typed = Typed {
                name: current,
                name_error: None,
                new_settlement: name,
                new_settlement_error: errors.get("name").map(ToString::to_string),
            };
            municipality_page(&state, &session, id, None, Some(typed), INVALID).await
        }
        Err(page) => page,
    }
}

#[derive(Template)]
#[template(path = "region/settlement.html")]
struct SettlementPage<'a> {
    portal_name: &'a str,
    header: Header,
    notice: Option<&'static str>,
    settlement: SettlementRecord,
    name: String,
    name_error: Option<String>,
}

async fn settlement_page(
    state: &AppState,
    session: &UiSession,
    id: i64,
    notice: Option<&'static str>,
    typed: Option<(String, Option<String>)>,
    status: StatusCode,
) -> Response {
    let admin = match administration(state, session) {
        Ok(admin) => admin,
        Err(refusal) => return *refusal,
    };
    let header = match Header::load(state, session).await {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    let settlement = match state.app.region_settlement(&admin, id).await {
        Ok(s) => s,
        Err(e) => return PageError(state.clone(), e).into_response(),
    };
    let (name, name_error) = typed.unwrap_or_else(|| (settlement.name.clone(), None));
    let page = SettlementPage {
        portal_name: &state.options.portal_name,
        header,
        notice,
        settlement,
        name,
        name_error,
    };
    (status, render(&page)).into_response()
}

/// `GET /region/settlements/{id}`.
pub(crate) async fn settlement(
    State(state): State<AppState>,
    session: UiSession,
    Path(id): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(refusal) = administration(&state, &session) {
        return *refusal;
    }
    settlement_page(&state, &session, id, notice(&q), None, StatusCode::OK).await
}

/// `POST /region/settlements/{id}`: rename.
pub(crate) async fn rename_settlement(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    session: UiSession,
    Path(id): Path<i64>,
    Submitted(NameForm { name }): Submitted<NameForm>,
) -> Response {
    let admin = match administration(&state, &session) {
        Ok(admin) => admin,
        Err(refusal) => return *refusal,
    };
    let renamed = state
        .app
        .rename_settlement(&admin, &origin, id, &name)
        .await;
    match settle(&state, renamed) {
        Ok(Outcome::Done(())) => {
            see_other(&format!("/region/settlements/{id}?done=settlement-renamed"))
        }
        Ok(Outcome::Invalid(errors)) => {
            let typed = (name, errors.get("name").map(ToString::to_string));
            settlement_page(&state, &session, id, None, Some(typed), INVALID).await
        }
        Err(page) => page,
    }
}
