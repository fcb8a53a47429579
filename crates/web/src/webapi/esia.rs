//! NetSchool sign-in through ESIA (spec §2.10.3): `sso/esia/crosslogin`, `sso/esia/account-info`,
//! `auth/login-state`, and `auth/login` with `loginType=8`.

use sgo_core::AccountId;
use std::collections::HashMap;

use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Serialize;
use sgo_app::session::Channel;
use sgo_app::{AppError, Origin, Role};

use super::ApiError;
use super::dto::LoginResponse;
use crate::AppState;
use crate::form::NetSchoolForm;

/// `GET sso/esia/crosslogin[?loginState=…&esia_permissions=1&esia_role=1]`: 302 to the provider,
/// carrying the login state the client brought or a new one.
pub(crate) async fn crosslogin(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let adopt = q
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("loginstate"))
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.trim().is_empty());
    let start = state.app.esia_start_webapi(adopt).await?;
    Ok(Redirect::temporary(&start.url).into_response())
}

/// `POST auth/login-state`: a new login state as a bare JSON string.
pub(crate) async fn login_state(State(state): State<AppState>) -> Result<Json<String>, ApiError> {
    Ok(Json(state.app.esia_new_login_state().await?))
}

/// A role as the clients read it (`rolegroup` candidates).
#[derive(Serialize)]
struct RoleDto {
    id: i64,
    name: &'static str,
}

/// An account of `account-info`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UserDto {
    id: i64,
    display_name: String,
    name: String,
    login: String,
    school_id: i64,
    school_name: String,
    roles: Vec<RoleDto>,
}

/// NetSchool role ids as the clients echo them in `rolegroup` (ignored on the way back: an
/// account's roles are what they are).
fn role_id(r: Role) -> i64 {
    Role::ALL
        .iter()
        .position(|x| *x == r)
        .map_or(0, |i| i as i64 + 1)
}

/// `GET sso/esia/account-info?loginState=…`: the accounts linked to the identity.
pub(crate) async fn account_info(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let login_state = q
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("loginstate"))
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let accounts = state
        .app
        .esia_accounts(&login_state, None, Channel::WebApi)
        .await?;
    let users: Vec<UserDto> = accounts
        .into_iter()
        .map(|a| UserDto {
            id: a.account_id,
            display_name: format!("{} — {}", a.organization_name, a.display_name),
            name: a.display_name,
            login: a.login,
            school_id: a.organization_id,
            school_name: a.organization_name,
            roles: a
                .roles
                .iter()
                .map(|r| RoleDto {
                    id: role_id(*r),
                    name: r.title(),
                })
                .collect(),
        })
        .collect();
    Ok(Json(serde_json::json!({ "users": users })).into_response())
}

/// `auth/login` with `loginType=8`: enters the account `lscope` with an authenticated state.
pub(crate) async fn login(
    state: &AppState,
    form: &NetSchoolForm,
    origin: &Origin,
) -> Result<Json<LoginResponse>, ApiError> {
    if form
        .get("idp")
        .is_some_and(|idp| !idp.eq_ignore_ascii_case("esia"))
    {
        return Err(AppError::LoginRefused(msg!("esia-provider-unsupported")).into());
    }
    let login_state = form.get("loginstate").unwrap_or_default();
    let account: i64 = form
        .get("lscope")
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| AppError::LoginRefused(msg!("esia-lscope-missing")))?;
    let signed = state
        .app
        .esia_sign_in(
            login_state,
            AccountId::new(account),
            Channel::WebApi,
            None,
            origin,
        )
        .await?;
    super::auth::login_success(state, signed).await
}
