//! Who calls the open API: a token (`Authorization: Bearer`), or, for managing tokens, the
//! person themself through a web session or the NetSchool `at` header.

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use sgo_app::AppError;
use sgo_app::api_tokens::ApiCaller;
use sgo_app::session::Authenticated;

use super::problem::Problem;
use crate::AppState;
use crate::cookies;
use crate::ui::{SESSION_COOKIE, csrf};

/// The header a browser page repeats its form token in when it calls the API with its session.
pub(crate) const CSRF_HEADER: &str = "x-csrf-token";

/// A request signed with a token.
pub(crate) struct TokenCaller(pub ApiCaller);

impl FromRequestParts<AppState> for TokenCaller {
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let secret = bearer(parts).ok_or(Problem::new(
            StatusCode::UNAUTHORIZED,
            msg!("api-token-missing"),
        ))?;
        let caller = state.app.authenticate_bearer(secret).await?;
        Ok(TokenCaller(caller))
    }
}

/// The secret of `Authorization: Bearer <secret>`.
fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, secret) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| secret.trim())
        .filter(|s| !s.is_empty())
}

/// The person themself, signed in through the web (with the page's form token in
/// `X-CSRF-Token`, as another site cannot read it) or through the NetSchool API (`at`). A token
/// cannot stand in: a script must not make itself wider tokens.
pub(crate) struct PersonCaller(pub Authenticated);

impl FromRequestParts<AppState> for PersonCaller {
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let who = if let Some(at) = crate::webapi::at_header(parts) {
            state.app.authenticate_token(at).await?
        } else if let Some(session) = cookies::get(&parts.headers, SESSION_COOKIE) {
            let form_token = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            if !csrf::check(&parts.headers, form_token) {
                return Err(Problem::new(
                    StatusCode::FORBIDDEN,
                    msg!("api-csrf-missing"),
                ));
            }
            state.app.authenticate_token(&session).await?
        } else {
            return Err(AppError::Unauthenticated.into());
        };
        if who.must_change_password {
            return Err(Problem::new(
                StatusCode::FORBIDDEN,
                msg!("api-password-change-first"),
            ));
        }
        Ok(PersonCaller(who))
    }
}
