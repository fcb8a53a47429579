//! The region's overview, municipalities and settlements.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;
use sgo_app::OrganizationKind;
use sgo_app::territory_admin::{
    MunicipalityRecord, MunicipalityTree, NamedRecord, OrganizationFilter, SettlementRecord,
};

use super::super::{Header, render};
use super::Choice;
use crate::form::Submitted;
use crate::form::outcome::{INVALID, Outcome, see_other, settle};
use crate::ui::request::{Page, RegionAdminRequest, SignedInRequest};
use sgo_core::{MunicipalityId, SettlementId};

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
    req: &RegionAdminRequest,
    q: &HashMap<String, String>,
    new_municipality: String,
    new_municipality_error: Option<String>,
    status: StatusCode,
) -> Page {
    let header = req.header().await?;
    let municipality = q.get("municipality").cloned().unwrap_or_default();
    let kind = q.get("kind").cloned().unwrap_or_default();
    let name = q.get("name").cloned().unwrap_or_default();
    let filter = OrganizationFilter {
        municipality_id: municipality.trim().parse().ok(),
        kind: OrganizationKind::from_code(kind.trim()).ok(),
        name_norm: Some(name.clone()),
    };
    let overview = req
        .app()
        .region_overview(&req.admin, &filter)
        .await
        .map_err(req.fail())?;
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
        portal_name: &req.state.options.portal_name,
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
    Ok((status, render(&page)).into_response())
}

/// `GET /region[?municipality=&kind=&name=]`.
pub(crate) async fn overview(
    req: RegionAdminRequest,
    Query(q): Query<HashMap<String, String>>,
) -> Page {
    overview_page(&req, &q, String::new(), None, StatusCode::OK).await
}

/// `POST /region/municipalities`.
pub(crate) async fn create_municipality(
    req: RegionAdminRequest,
    Submitted(NameForm { name }): Submitted<NameForm>,
) -> Page {
    let created = req
        .app()
        .create_municipality(&req.admin, &req.origin, &name)
        .await;
    match settle(&req.state, created)? {
        Outcome::Done(id) => Ok(see_other(&format!(
            "/region/municipalities/{id}?done=municipality-created"
        ))),
        Outcome::Invalid(errors) => {
            let message = errors.get("name").map(ToString::to_string);
            overview_page(&req, &HashMap::new(), name, message, INVALID).await
        }
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
    req: &RegionAdminRequest,
    id: MunicipalityId,
    notice: Option<&'static str>,
    typed: Option<Typed>,
    status: StatusCode,
) -> Page {
    let header = req.header().await?;
    let app = &req.app();
    let municipality = (app.region_municipality(&req.admin, id).await).map_err(req.fail())?;
    let territory = app.region_territory(&req.admin).await.map_err(req.fail())?;
    let settlements = territory
        .into_iter()
        .find(|m| m.id == id.get())
        .map(|m| m.settlements)
        .unwrap_or_default();
    let typed = typed.unwrap_or_else(|| Typed {
        name: municipality.name.clone(),
        name_error: None,
        new_settlement: String::new(),
        new_settlement_error: None,
    });
    let page = MunicipalityPage {
        portal_name: &req.state.options.portal_name,
        header,
        notice,
        municipality,
        settlements,
        name: typed.name,
        name_error: typed.name_error,
        new_settlement: typed.new_settlement,
        new_settlement_error: typed.new_settlement_error,
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /region/municipalities/{id}`.
pub(crate) async fn municipality(
    req: RegionAdminRequest,
    Path(id): Path<MunicipalityId>,
    Query(q): Query<HashMap<String, String>>,
) -> Page {
    municipality_page(&req, id, notice(&q), None, StatusCode::OK).await
}

/// `POST /region/municipalities/{id}`: rename.
pub(crate) async fn rename_municipality(
    req: RegionAdminRequest,
    Path(id): Path<MunicipalityId>,
    Submitted(NameForm { name }): Submitted<NameForm>,
) -> Page {
    let renamed = req
        .app()
        .rename_municipality(&req.admin, &req.origin, id, &name)
        .await;
    match settle(&req.state, renamed)? {
        Outcome::Done(()) => Ok(see_other(&format!(
            "/region/municipalities/{id}?done=municipality-renamed"
        ))),
        Outcome::Invalid(errors) => {
            let typed = Typed {
                name,
                name_error: errors.get("name").map(ToString::to_string),
                new_settlement: String::new(),
                new_settlement_error: None,
            };
            municipality_page(&req, id, None, Some(typed), INVALID).await
        }
    }
}

/// `POST /region/municipalities/{id}/settlements`.
pub(crate) async fn create_settlement(
    req: RegionAdminRequest,
    Path(id): Path<MunicipalityId>,
    Submitted(NameForm { name }): Submitted<NameForm>,
) -> Page {
    let app = &req.app();
    let created = (app.create_settlement(&req.admin, &req.origin, id, &name)).await;
    match settle(&req.state, created)? {
        Outcome::Done(_) => Ok(see_other(&format!(
            "/region/municipalities/{id}?done=settlement-created"
        ))),
        Outcome::Invalid(errors) => {
            let current = (app.region_municipality(&req.admin, id).await).map_err(req.fail())?;
            let typed = Typed {
                name: current.name,
                name_error: None,
                new_settlement: name,
                new_settlement_error: errors.get("name").map(ToString::to_string),
            };
            municipality_page(&req, id, None, Some(typed), INVALID).await
        }
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
    req: &RegionAdminRequest,
    id: SettlementId,
    notice: Option<&'static str>,
    typed: Option<(String, Option<String>)>,
    status: StatusCode,
) -> Page {
    let header = req.header().await?;
    let settlement = (req.app().region_settlement(&req.admin, id).await).map_err(req.fail())?;
    let (name, name_error) = typed.unwrap_or_else(|| (settlement.name.clone(), None));
    let page = SettlementPage {
        portal_name: &req.state.options.portal_name,
        header,
        notice,
        settlement,
        name,
        name_error,
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /region/settlements/{id}`.
pub(crate) async fn settlement(
    req: RegionAdminRequest,
    Path(id): Path<SettlementId>,
    Query(q): Query<HashMap<String, String>>,
) -> Page {
    settlement_page(&req, id, notice(&q), None, StatusCode::OK).await
}

/// `POST /region/settlements/{id}`: rename.
pub(crate) async fn rename_settlement(
    req: RegionAdminRequest,
    Path(id): Path<SettlementId>,
    Submitted(NameForm { name }): Submitted<NameForm>,
) -> Page {
    let renamed = req
        .app()
        .rename_settlement(&req.admin, &req.origin, id, &name)
        .await;
    match settle(&req.state, renamed)? {
        Outcome::Done(()) => Ok(see_other(&format!(
            "/region/settlements/{id}?done=settlement-renamed"
        ))),
        Outcome::Invalid(errors) => {
            let typed = (name, errors.get("name").map(ToString::to_string));
            settlement_page(&req, id, None, Some(typed), INVALID).await
        }
    }
}
