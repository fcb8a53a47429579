//! Personal access tokens of the open API (`/api/v1`): made, listed and revoked by their owner,
//! and turned back into an actor with scopes on every request.
//!
//! A token is a session of its own channel, so it ends as sessions end: «Завершить все сеансы»,
//! a password change, deactivation. Each request reads the token's row, so a revocation on any
//! node holds from the next request on every node.

use chrono::{DateTime, Duration, Utc};
use sgo_auth::token;
use sgo_core::api_scope::{ApiScope, ApiScopes};
use sgo_core::policy::{self, TokenIssuer};
use sgo_core::{AccountId, Actor, OrganizationId, SessionId};
use sgo_store::{ApiTokenRecord, NewSession};

use crate::session::Authenticated;
use crate::{App, AppError, AppResult, Origin};

/// What every token's secret starts with, so that secret scanners and people can tell one.
pub const TOKEN_PREFIX: &str = "sgo_";
/// Longest token name, in characters.
const NAME_MAX_CHARS: usize = 100;
/// Lifetime of a token when none is asked for, in days.
pub const DEFAULT_LIFETIME_DAYS: i64 = 90;
/// Longest lifetime a token may be given, in days.
pub const MAX_LIFETIME_DAYS: i64 = 366;
/// Tokens one person may hold at once: enough for every script of a family, few enough that a
/// runaway script cannot fill the table.
pub const MAX_TOKENS_PER_ACCOUNT: usize = 50;
/// A token's last use is written back at most this often.
const TOUCH_EVERY_SECONDS: i64 = 60;

/// A token as its owner sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiToken {
    /// Its id (that of its session row).
    pub id: SessionId,
    /// The name its owner gave it.
    pub name: String,
    /// What it may be used for.
    pub scopes: ApiScopes,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it was last used (its creation until then).
    pub last_used_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// A token just made: its secret, shown once, and its record.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    /// The secret to put in `Authorization: Bearer …`; only its hash is kept.
    pub token: String,
    /// The token's record.
    pub record: ApiToken,
}

/// What a new token should be.
#[derive(Debug, Clone, Default)]
pub struct TokenRequest {
    /// A name to tell it by («Бот для оценок»).
    pub name: String,
    /// Scope codes, e.g. `diary:read`.
    pub scopes: Vec<String>,
    /// Days until it expires; the default when absent.
    pub lifetime_days: Option<i64>,
}

/// A request signed with a token: who, and what the token may do.
#[derive(Debug, Clone)]
pub struct ApiCaller {
    /// The person, as any session stands for them.
    pub authenticated: Authenticated,
    /// The token's scopes.
    pub scopes: ApiScopes,
}

impl ApiCaller {
    /// The actor.
    pub fn actor(&self) -> &Actor {
        &self.authenticated.actor
    }

    /// The grant of `scope`, none when the token does not hold it (the caller answers 403).
    pub fn grant(&self, scope: ApiScope) -> Option<policy::ScopeGrant> {
        policy::scope_grant(self.scopes, scope)
    }
}

fn api_token(r: ApiTokenRecord) -> AppResult<ApiToken> {
    let scopes = ApiScopes::parse(&r.scopes)
        .map_err(|e| AppError::Store(sgo_store::StoreError::Corrupt(e.to_string())))?;
    Ok(ApiToken {
        id: SessionId::new(r.id),
        name: r.name,
        scopes,
        created_at: r.created_at,
        last_used_at: r.last_seen_at,
        expires_at: r.expires_at,
    })
}

/// The request's scopes, checked: at least one, each known.
fn requested_scopes(codes: &[String]) -> AppResult<ApiScopes> {
    let mut scopes = Vec::with_capacity(codes.len());
    for code in codes {
        let scope = ApiScope::from_code(code.trim()).map_err(|_| {
            AppError::BadRequest(msg!("api-token-scope-unknown", scope = code.as_str()))
        })?;
        scopes.push(scope);
    }
    let scopes: ApiScopes = scopes.into_iter().collect();
    if scopes.is_empty() {
        return Err(AppError::BadRequest(msg!("api-token-scopes-required")));
    }
    Ok(scopes)
}

impl App {
    /// The capability to make tokens for oneself; forbidden for those without a role.
    pub fn token_issuer(&self, actor: &Actor) -> AppResult<TokenIssuer> {
        policy::token_issuer(actor).ok_or(AppError::Forbidden)
    }

    /// Makes a token for the issuer's own account.
    pub async fn create_api_token(
        &self,
        issuer: &TokenIssuer,
        request: &TokenRequest,
        origin: &Origin,
    ) -> AppResult<IssuedToken> {
        let name = request
            .name
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if name.is_empty() {
            return Err(AppError::BadRequest(msg!("api-token-name-required")));
        }
        if name.chars().count() > NAME_MAX_CHARS {
            return Err(AppError::BadRequest(msg!(
                "api-token-name-too-long",
                max = NAME_MAX_CHARS as i64
            )));
        }
        let scopes = requested_scopes(&request.scopes)?;
        let days = request.lifetime_days.unwrap_or(DEFAULT_LIFETIME_DAYS);
        if !(1..=MAX_LIFETIME_DAYS).contains(&days) {
            return Err(AppError::BadRequest(msg!(
                "api-token-lifetime-invalid",
                max = MAX_LIFETIME_DAYS
            )));
        }
        let account = issuer.account();
        if self.store.api_tokens_of(account.get()).await?.len() >= MAX_TOKENS_PER_ACCOUNT {
            return Err(AppError::BadRequest(msg!(
                "api-token-too-many",
                max = MAX_TOKENS_PER_ACCOUNT as i64
            )));
        }
        let secret = format!("{TOKEN_PREFIX}{}", token::new_session_token());
        let now = self.clock.now();
        let expires_at = now + Duration::days(days);
        let session = NewSession {
            token_hash: token::hash_token(&secret),
            cookie_hash: None,
            account_id: account.get(),
            channel: sgo_store::API_CHANNEL.into(),
            now,
            ip: origin.ip.clone(),
            user_agent: origin.user_agent.chars().take(300).collect(),
        };
        let id = self
            .store
            .create_api_token(&session, &name, &scopes.to_text(), expires_at)
            .await?;
        self.audit(
            Some(account),
            "api_token.create",
            format!("api_token:{id}"),
            origin,
            "ok",
            format!("{name}: {}", scopes.to_text()),
        )
        .await;
        Ok(IssuedToken {
            token: secret,
            record: ApiToken {
                id: SessionId::new(id),
                name,
                scopes,
                created_at: now,
                last_used_at: now,
                expires_at,
            },
        })
    }

    /// The issuer's tokens, newest first (expired ones until the sweep removes them).
    pub async fn api_tokens(&self, issuer: &TokenIssuer) -> AppResult<Vec<ApiToken>> {
        self.store
            .api_tokens_of(issuer.account().get())
            .await?
            .into_iter()
            .map(api_token)
            .collect()
    }

    /// Revokes one of the issuer's tokens; not found when they have no such token.
    pub async fn revoke_api_token(
        &self,
        issuer: &TokenIssuer,
        id: SessionId,
        origin: &Origin,
    ) -> AppResult<()> {
        let account = issuer.account();
        if !self.store.delete_api_token(account.get(), id.get()).await? {
            return Err(AppError::NotFound(msg!("api-token-not-found")));
        }
        self.audit(
            Some(account),
            "api_token.revoke",
            format!("api_token:{id}"),
            origin,
            "ok",
            String::new(),
        )
        .await;
        Ok(())
    }

    /// The caller behind `Authorization: Bearer <token>`: unauthenticated for an unknown,
    /// revoked or expired token or a deactivated account.
    pub async fn authenticate_bearer(&self, secret: &str) -> AppResult<ApiCaller> {
        if !secret.starts_with(TOKEN_PREFIX) {
            return Err(AppError::Unauthenticated);
        }
        let grant = self
            .store
            .api_token_by_hash(&token::hash_token(secret))
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let now = self.clock.now();
        if grant.expires_at <= now || !grant.account_active {
            return Err(AppError::Unauthenticated);
        }
        let scopes = ApiScopes::parse(&grant.scopes)
            .map_err(|e| AppError::Store(sgo_store::StoreError::Corrupt(e.to_string())))?;
        // Counted only for live tokens, so that guessing secrets creates no counters.
        self.check_token_rate(grant.id).await?;
        let mut last_seen_at = grant.last_seen_at;
        if now - last_seen_at > Duration::seconds(TOUCH_EVERY_SECONDS) {
            self.store.touch_session(grant.id, now).await?;
            last_seen_at = now;
        }
        // The token's row was read after this request arrived, so it is its session check too;
        // what the request reads next may be cached: follow other nodes' writes first.
        self.catch_up_to(grant.outbox_head).await;
        let roles = self.store.account_roles(grant.account_id).await?;
        Ok(ApiCaller {
            authenticated: Authenticated {
                session_id: grant.id,
                last_seen_at,
                actor: Actor::new(
                    AccountId::new(grant.account_id),
                    OrganizationId::new(grant.organization_id),
                    roles,
                ),
                must_change_password: false,
            },
            scopes,
        })
    }

    /// Removes expired tokens; run with the session sweep.
    pub async fn sweep_api_tokens(&self) -> AppResult<u64> {
        Ok(self
            .store
            .delete_expired_api_tokens(self.clock.now())
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_checked_and_deduplicated() {
        let ok = requested_scopes(&[
            "diary:read".into(),
            "diary:read".into(),
            " mail:send".into(),
        ]);
        assert_eq!(ok.unwrap().to_text(), "diary:read mail:send");
        assert!(matches!(
            requested_scopes(&[]),
            Err(AppError::BadRequest(_))
        ));
        assert!(matches!(
            requested_scopes(&["diary:write".into()]),
            Err(AppError::BadRequest(_))
        ));
    }
}
