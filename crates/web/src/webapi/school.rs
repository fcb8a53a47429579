//! Schools, the school year and the catalogue calls: `schools/search`, `schools/{id}/card`,
//! `context`, `years`, `years/current`, `grade/assignment/types`.

use sgo_core::OrganizationId;
use sgo_core::YearId;
use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use sgo_app::OrganizationKind;
use sgo_app::calendar::AcademicYear;

use super::dto::{
    AssignmentType, CommonInfo, ContactInfo, Context, GlobalYear, ManagementInfo, SchoolCard,
    SchoolItem, Year,
};
use super::input::lower_keys;
use super::{ApiError, ApiSession, dates};
use crate::AppState;

/// `GET schools/search[?name=…&sft=…]` — anonymous; without `name`, every school.
pub(crate) async fn search(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Vec<SchoolItem>>, ApiError> {
    let q = lower_keys(q);
    let kind = match q.get("sft").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        Some(s) => {
            let sft: i32 = s.parse().map_err(|_| {
                ApiError(
                    StatusCode::BAD_REQUEST,
                    msg!("query-parameter-invalid", name = "sft"),
                )
            })?;
            OrganizationKind::from_func_type(sft)
        }
        None => None,
    };
    let found = state
        .app
        .search_organizations(q.get("name").map(String::as_str), kind)
        .await?;
    Ok(Json(
        found
            .into_iter()
            .filter(|o| !o.kind.is_authority())
            .map(|o| SchoolItem {
                id: o.id.get(),
                name: format!("{} ({})", o.short_name, o.settlement_name),
                short_name: o.short_name,
                address_string: o.post_address,
                city_id: o.settlement_id.get(),
                province_id: o.municipality_id.get(),
                state_id: o.region_id.get(),
                func_type: o.kind.func_type(),
                inn: o.inn,
                ogrn: o.ogrn,
            })
            .collect(),
    ))
}

/// `GET schools/{id}/card`.
pub(crate) async fn card(
    State(state): State<AppState>,
    ApiSession(_): ApiSession,
    Path(id): Path<OrganizationId>,
) -> Result<Json<SchoolCard>, ApiError> {
    let o = state.app.organization_card(id).await?;
    Ok(Json(SchoolCard {
        common_info: CommonInfo {
            school_name: o.short_name,
            full_school_name: o.full_name,
            about: o.about,
            founding_date: o.founding_date.map(dates::date),
            status: None,
        },
        contact_info: ContactInfo {
            post_address: o.post_address,
            juridical_address: o.juridical_address,
            phones: o.phones,
            fax: o.fax,
            email: o.email,
            web: o.web,
        },
        management_info: ManagementInfo {
            director: o.director,
            principal_uvr: o.principal_uvr,
            principal_ahc: o.principal_ahc,
            principal_it: o.principal_it,
        },
        bank_details: None,
        other_info: None,
    }))
}

/// `GET context`: who and where the session is; netschoolpy polls it as a keep-alive.
pub(crate) async fn context(
    State(state): State<AppState>,
    ApiSession(who): ApiSession,
) -> Result<Json<Context>, ApiError> {
    let me = state.app.whoami(&who.actor).await?;
    let year = state.app.current_year(&who.actor).await.ok();
    Ok(Json(Context {
        user_id: me.account.id.get(),
        school_id: me.organization.id.get(),
        organization_name: me.organization.short_name,
        date_format: "dd.MM.yyyy",
        time_format: "HH:mm",
        current_year_id: (year.map(|y| y.id)).map(YearId::get),
    }))
}

fn year_dto(y: AcademicYear) -> Year {
    Year {
        id: y.id.get(),
        name: y.name.clone(),
        school_id: y.organization_id.get(),
        start_date: dates::date(y.start_date),
        end_date: dates::date(y.end_date),
        global_year: GlobalYear {
            id: y.id.get(),
            name: y.name,
            start_date: dates::date(y.start_date),
            end_date: dates::date(y.end_date),
        },
    }
}

/// `GET years/current`.
pub(crate) async fn current_year(
    State(state): State<AppState>,
    ApiSession(who): ApiSession,
) -> Result<Json<Year>, ApiError> {
    Ok(Json(year_dto(state.app.current_year(&who.actor).await?)))
}

/// `GET years`.
pub(crate) async fn years(
    State(state): State<AppState>,
    ApiSession(who): ApiSession,
) -> Result<Json<Vec<Year>>, ApiError> {
    Ok(Json(
        state
            .app
            .years(&who.actor)
            .await?
            .into_iter()
            .map(year_dto)
            .collect(),
    ))
}

/// `GET grade/assignment/types?all=false`: every type the diary can show is in the active list.
pub(crate) async fn assignment_types(
    State(state): State<AppState>,
    ApiSession(who): ApiSession,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Vec<AssignmentType>>, ApiError> {
    let all = lower_keys(q)
        .get("all")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let types = state.app.assignment_types(&who.actor, !all).await?;
    Ok(Json(
        types
            .into_iter()
            .map(|t| AssignmentType {
                id: t.id.get(),
                name: t.name,
                abbr: t.abbr,
                order: t.sort_order,
                is_active: t.active,
            })
            .collect(),
    ))
}
