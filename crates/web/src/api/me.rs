//! `/api/v1/me`: the token's person and the students whose diaries they may read.

use axum::Json;
use axum::extract::State;
use serde::Serialize;

use super::caller::TokenCaller;
use super::problem::Problem;
use crate::AppState;

/// The token's person.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Me)]
pub(crate) struct MeDto {
    id: i64,
    name: String,
    last_name: String,
    first_name: String,
    middle_name: String,
    organization: OrganizationDto,
    /// Themself for a student, their children for a parent.
    students: Vec<StudentDto>,
    /// The token's scopes.
    #[schema(value_type = Vec<String>)]
    scopes: Vec<&'static str>,
}

/// An organization.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Organization)]
struct OrganizationDto {
    id: i64,
    name: String,
}

/// A student whose diary the person may read.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Student)]
struct StudentDto {
    id: i64,
    name: String,
    class: Option<String>,
    organization_id: i64,
}

/// The token's person and the students whose diaries they read.
#[utoipa::path(get, path = "/api/v1/me", tag = "me", security(("bearer" = [])),
    responses(
        (status = 200, description = "The token's person and their students", body = MeDto),
    ))]
pub(crate) async fn me(
    State(state): State<AppState>,
    TokenCaller(caller): TokenCaller,
) -> Result<Json<MeDto>, Problem> {
    let actor = caller.actor();
    let who = state.app.whoami(actor).await?;
    let students = state.app.diary_students(actor).await?;
    Ok(Json(MeDto {
        id: who.account.id.get(),
        name: who.account.display_name,
        last_name: who.account.last_name,
        first_name: who.account.first_name,
        middle_name: who.account.middle_name,
        organization: OrganizationDto {
            id: who.organization.id.get(),
            name: who.organization.short_name,
        },
        students: students
            .into_iter()
            .map(|s| StudentDto {
                id: s.account_id.get(),
                name: s.display_name,
                class: s.class_name,
                organization_id: s.organization_id.get(),
            })
            .collect(),
        scopes: caller.scopes.iter().map(|s| s.code()).collect(),
    }))
}
