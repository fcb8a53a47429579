//! Signing in with ESIA (Госуслуги): login states, the callback, linking identities to
//! accounts, automatic linking, the chooser, and the regional confirmed-account rule.

mod callback;
mod linking;
mod region;
mod sign_in;
mod state;

use sgo_core::Role;
use sgo_store::EsiaLinkRecord;

use crate::session::SignedIn;
use crate::{App, AppError, AppResult};

pub use region::parse_region_esia_form;
pub use sgo_auth::oidc::{
    ClaimNames, IdentityProvider, OidcError, Profile as ProviderProfile, ProviderConfig, Signer,
};
pub use sgo_core::identity::RegionIdentitySettings as RegionEsiaSettings;
pub use sgo_store::EsiaLinkRecord as EsiaLink;

/// Why a login state exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EsiaPurpose {
    /// Sign-in from the login page.
    SignIn,
    /// Linking from personal settings.
    Link,
    /// Sign-in of a NetSchool client (crosslogin → account-info → auth/login).
    WebApi,
}

/// A started round trip: the login state and where to send the person.
#[derive(Debug, Clone)]
pub struct EsiaStart {
    /// The login state id (a lower-case UUID).
    pub login_state: String,
    /// The provider's authorization URL.
    pub url: String,
}

/// What the provider sent back to the callback.
#[derive(Debug, Clone, Default)]
pub struct EsiaCallback {
    /// The authorization code.
    pub code: Option<String>,
    /// The OAuth state.
    pub state: Option<String>,
    /// An error code instead of a code (`access_denied`…).
    pub error: Option<String>,
}

/// An account an ESIA identity may enter.
#[derive(Debug, Clone)]
pub struct EsiaAccount {
    /// The account.
    pub account_id: i64,
    /// Its organization.
    pub organization_id: i64,
    /// The organization's short name.
    pub organization_name: String,
    /// The name on screen.
    pub display_name: String,
    /// The login.
    pub login: String,
    /// Its roles.
    pub roles: Vec<Role>,
}

/// How the callback ended.
#[derive(Debug, Clone)]
pub enum EsiaOutcome {
    /// One linked account: signed in.
    SignedIn(SignedIn),
    /// Several accounts (or accounts linked just now): the person chooses.
    Choose {
        /// The login state to finish with.
        login_state: String,
        /// The accounts.
        accounts: Vec<EsiaAccount>,
        /// True when these links were made automatically just now.
        auto_linked: bool,
    },
    /// No account is linked to this identity.
    NotLinked {
        /// The person's name as the provider gave it.
        name: String,
    },
    /// Personal settings: the identity is now linked to the account.
    Linked {
        /// False when the link existed already.
        new: bool,
    },
    /// A NetSchool client: the state is authenticated; its id goes back to the client.
    WebApi {
        /// The login state id.
        login_state: String,
    },
}

/// The refusal for a state that is unknown, expired, used, or not this browser's.
fn stale() -> AppError {
    AppError::LoginRefused(msg!("esia-login-state-invalid"))
}

impl App {
    /// Sets the identity provider (ESIA or OpenID Connect); without one ESIA sign-in is off.
    pub fn with_identity_provider(mut self, provider: IdentityProvider) -> App {
        self.identity = Some(std::sync::Arc::new(provider));
        self
    }

    /// Whether sign-in with ESIA is configured.
    pub fn esia_enabled(&self) -> bool {
        self.identity.is_some()
    }

    fn provider(&self) -> AppResult<&IdentityProvider> {
        self.identity
            .as_deref()
            .ok_or_else(|| AppError::LoginRefused(msg!("esia-not-configured")))
    }

    async fn describe_links(&self, links: Vec<EsiaLinkRecord>) -> AppResult<Vec<EsiaAccount>> {
        let mut out = Vec::with_capacity(links.len());
        for l in links {
            out.push(EsiaAccount {
                roles: self.store.account_roles(l.account_id).await?,
                account_id: l.account_id,
                organization_id: l.organization_id,
                organization_name: l.organization_name,
                display_name: l.display_name,
                login: l.login,
            });
        }
        Ok(out)
    }
}

/// Records the unit tests of the identity files are built from.
#[cfg(test)]
mod testing {
    use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
    use sgo_auth::oidc::Identity;
    use sgo_store::{EsiaLinkRecord, LoginStateRecord};

    /// The moment the tests call «now».
    pub(super) fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
            .single()
            .unwrap_or_default()
    }

    /// A fresh sign-in state: started a minute ago, not yet back from the provider.
    pub(super) fn state(purpose: &str) -> LoginStateRecord {
        LoginStateRecord {
            id: "5f0c8c1e-0000-4000-8000-000000000001".into(),
            purpose: purpose.into(),
            account_id: None,
            oauth_state: Some("oauth".into()),
            nonce: "nonce".into(),
            pkce_verifier: "verifier".into(),
            created_at: now() - Duration::minutes(1),
            expires_at: now() + Duration::minutes(14),
            subject: None,
            identity: None,
            authenticated_at: None,
            used_at: None,
        }
    }

    /// The same state once the provider has vouched for a person.
    pub(super) fn authenticated(purpose: &str) -> LoginStateRecord {
        LoginStateRecord {
            subject: Some("1000123".into()),
            authenticated_at: Some(now()),
            ..state(purpose)
        }
    }

    /// A person as the provider describes them.
    pub(super) fn identity(last: &str, first: &str, middle: &str) -> Identity {
        Identity {
            subject: "1000123".into(),
            last_name: last.into(),
            first_name: first.into(),
            middle_name: middle.into(),
            birth_date: NaiveDate::from_ymd_opt(2010, 5, 1),
            snils: Some("112-233-445 95".into()),
            trust: None,
        }
    }

    /// A link of the test identity to `account`.
    pub(super) fn link(account: i64, active: bool) -> EsiaLinkRecord {
        EsiaLinkRecord {
            id: account * 10,
            subject: "1000123".into(),
            account_id: account,
            organization_id: 7,
            organization_name: "МБОУ СОШ №1".into(),
            display_name: "Петров Иван".into(),
            login: format!("petrov{account}"),
            account_active: active,
            birth_date: None,
            linked_by_account_id: None,
            how: "auto".into(),
            created_at: now(),
        }
    }
}
