//! `/api/v1/tokens`: a person makes, lists and revokes the tokens of their own scripts.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sgo_app::api_tokens::{ApiToken, TokenRequest};
use sgo_core::SessionId;

use super::caller::PersonCaller;
use super::problem::Problem;
use crate::AppState;
use crate::extract::ClientOrigin;

/// A token as listed (never its secret).
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Token)]
pub(crate) struct TokenDto {
    id: i64,
    name: String,
    #[schema(value_type = Vec<String>)]
    scopes: Vec<&'static str>,
    created_at: DateTime<Utc>,
    last_used_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

impl From<&ApiToken> for TokenDto {
    fn from(t: &ApiToken) -> TokenDto {
        TokenDto {
            id: t.id.get(),
            name: t.name.clone(),
            scopes: t.scopes.iter().map(|s| s.code()).collect(),
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            expires_at: t.expires_at,
        }
    }
}

/// A token just made: its secret, shown this once, and the rest.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = IssuedToken)]
struct IssuedDto {
    /// The secret for `Authorization: Bearer`; not shown again.
    token: String,
    #[serde(flatten)]
    record: TokenDto,
}

/// What `POST /api/v1/tokens` takes.
#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = NewToken)]
#[serde(deny_unknown_fields)]
struct NewTokenDto {
    /// 1 to 100 characters.
    #[schema(min_length = 1, max_length = 100)]
    name: String,
    /// At least one of `diary:read`, `marks:read`, `mail:read`, `mail:send`, `calendar:read`, `events:read`.
    scopes: Vec<String>,
    /// Days until it expires, 1 to 366; 90 when absent.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 366)]
    expires_in_days: Option<i64>,
}

/// The person's tokens, newest first.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "tokens", security(("netschool_at" = [])),
    responses(
        (status = 200, description = "The person's tokens, newest first", body = Vec<TokenDto>),
        (status = 401, description = "Not signed in", body = super::problem::Body, content_type = "application/problem+json"),
    ))]
pub(crate) async fn list(
    State(state): State<AppState>,
    PersonCaller(who): PersonCaller,
) -> Result<Json<Vec<TokenDto>>, Problem> {
    let issuer = state.app.token_issuer(&who.actor)?;
    let tokens = state.app.api_tokens(&issuer).await?;
    Ok(Json(tokens.iter().map(TokenDto::from).collect()))
}

/// Makes a token; 201 with its secret, shown this once.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "tokens", security(("netschool_at" = [])),
    request_body = NewTokenDto,
    responses(
        (status = 201, description = "The token, with its secret shown this once", body = IssuedDto),
        (status = 400, description = "Bad name, scopes or lifetime", body = super::problem::Body, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = super::problem::Body, content_type = "application/problem+json"),
    ))]
pub(crate) async fn create(
    State(state): State<AppState>,
    PersonCaller(who): PersonCaller,
    ClientOrigin(origin): ClientOrigin,
    body: Bytes,
) -> Result<Response, Problem> {
    let issuer = state.app.token_issuer(&who.actor)?;
    let dto: NewTokenDto = serde_json::from_slice(&body).map_err(|e| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            msg!("api-body-invalid", reason = e.to_string()),
        )
    })?;
    let request = TokenRequest {
        name: dto.name,
        scopes: dto.scopes,
        lifetime_days: dto.expires_in_days,
    };
    let issued = state
        .app
        .create_api_token(&issuer, &request, &origin)
        .await?;
    let body = IssuedDto {
        token: issued.token,
        record: TokenDto::from(&issued.record),
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// Revokes one of the person's tokens; 204.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "tokens", security(("netschool_at" = [])),
    params(("id" = i64, Path, description = "The token's id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "Not signed in", body = super::problem::Body, content_type = "application/problem+json"),
        (status = 404, description = "No such token of this person", body = super::problem::Body, content_type = "application/problem+json"),
    ))]
pub(crate) async fn revoke(
    State(state): State<AppState>,
    PersonCaller(who): PersonCaller,
    ClientOrigin(origin): ClientOrigin,
    Path(id): Path<i64>,
) -> Result<StatusCode, Problem> {
    let issuer = state.app.token_issuer(&who.actor)?;
    state
        .app
        .revoke_api_token(&issuer, SessionId::new(id), &origin)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
