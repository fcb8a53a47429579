//! The open API's tokens: who may make them, and what a token's scopes let it call. A token
//! never widens what its holder may do: after the scope, every operation asks the policy about
//! the person as any other door does.

use super::Actor;
use crate::AccountId;
use crate::api_scope::{ApiScope, ApiScopes};

/// Proof that the actor may give their own scripts tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenIssuer {
    account: AccountId,
}

impl TokenIssuer {
    /// The account the tokens act for.
    pub fn account(&self) -> AccountId {
        self.account
    }
}

/// Anyone who holds a role in their organization may make tokens for themselves.
pub fn token_issuer(actor: &Actor) -> Option<TokenIssuer> {
    (!actor.roles.is_empty()).then_some(TokenIssuer {
        account: actor.account_id,
    })
}

/// Proof that a token's scopes include what an operation needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScopeGrant {
    scope: ApiScope,
}

impl ScopeGrant {
    /// The scope that was granted.
    pub fn scope(&self) -> ApiScope {
        self.scope
    }
}

/// Whether a token holding `scopes` may call an operation that needs `needed`.
pub fn scope_grant(scopes: ApiScopes, needed: ApiScope) -> Option<ScopeGrant> {
    scopes
        .contains(needed)
        .then_some(ScopeGrant { scope: needed })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{OrganizationId, Role};

    #[test]
    fn a_scope_is_granted_only_when_held() {
        let scopes: ApiScopes = [ApiScope::DiaryRead, ApiScope::EventsRead]
            .into_iter()
            .collect();
        assert!(scope_grant(scopes, ApiScope::DiaryRead).is_some());
        assert!(scope_grant(scopes, ApiScope::MailSend).is_none());
        assert!(scope_grant(ApiScopes::default(), ApiScope::DiaryRead).is_none());
    }

    #[test]
    fn tokens_are_for_people_with_a_role() {
        let org = OrganizationId::new(1);
        let student = Actor::new(AccountId::new(5), org, vec![Role::Student]);
        assert_eq!(
            token_issuer(&student).map(|t| t.account()),
            Some(AccountId::new(5))
        );
        assert!(token_issuer(&Actor::new(AccountId::new(6), org, Vec::new())).is_none());
    }
}
