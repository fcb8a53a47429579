//! The relying party of an identity provider: standard OpenID Connect (discovery, code flow with
//! PKCE, state and nonce, ID-token validation, userinfo) and the ESIA (Госуслуги) profile.
//!
//! ESIA differs from plain OpenID Connect in three ways handled here: its endpoints are fixed
//! URLs rather than discovered; every authorization and token request carries a `timestamp`
//! (`YYYY.MM.DD HH:MM:SS +0000`) and, in `client_secret`, a detached signature of
//! `scope + timestamp + client_id + state` (concatenated without separators, UTF-8) made with the
//! operator's GOST certificate — so a [`Signer`] the operator provides (an external command or an
//! HTTP signing service) produces it; and its ID tokens are GOST-signed, which no generic library
//! verifies — they come straight from the token endpoint over TLS, which OpenID Connect Core
//! §3.1.3.7 accepts in place of a signature check, and the claims (`iss`, `aud`, `exp`, `nonce`)
//! are still checked.

mod claims;
mod discovery;
mod esia;
mod signer;

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use openidconnect::core::CoreProviderMetadata;
use tokio::sync::Mutex;

pub use claims::parse_birth_date;
pub use esia::{esia_message, esia_timestamp};
pub use signer::Signer;

/// How long a call to the provider or the signer may take.
const CALL_TIMEOUT: Duration = Duration::from_secs(15);

/// What can go wrong talking to the provider. Messages never carry secrets.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// The configuration is unusable.
    #[error("настройки входа через ЕСИА: {0}")]
    Config(String),
    /// The provider could not be reached or answered badly.
    #[error("поставщик удостоверений: {0}")]
    Provider(String),
    /// The provider's answer did not pass validation (ID token, nonce, subject).
    #[error("ответ поставщика удостоверений не прошёл проверку: {0}")]
    Invalid(String),
    /// The signer failed.
    #[error("подпись запроса к ЕСИА: {0}")]
    Signer(String),
}

/// Which protocol variant the provider speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// Standard OpenID Connect with discovery.
    Oidc,
    /// ESIA: configured endpoints, signed `client_secret`, `timestamp`.
    Esia,
}

/// The names of the claims that carry a person's data (they differ between providers).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ClaimNames {
    /// Subject id; `sub` (ESIA also uses `urn:esia:sbj_id`, tried when this is absent).
    pub subject: String,
    /// Фамилия.
    pub last_name: String,
    /// Имя.
    pub first_name: String,
    /// Отчество.
    pub middle_name: String,
    /// Birth date, `YYYY-MM-DD` or `DD.MM.YYYY`.
    pub birth_date: String,
    /// СНИЛС.
    pub snils: String,
    /// The trust level: a boolean (`trusted`) or a level word.
    pub trust: String,
}

impl Default for ClaimNames {
    fn default() -> Self {
        ClaimNames {
            subject: "sub".into(),
            last_name: "family_name".into(),
            first_name: "given_name".into(),
            middle_name: "middle_name".into(),
            birth_date: "birthdate".into(),
            snils: "snils".into(),
            trust: "trusted".into(),
        }
    }
}

/// How to reach and talk to the provider.
#[derive(Debug, Clone)]
pub struct ProviderConfig {
    /// The protocol variant.
    pub profile: Profile,
    /// The issuer: the discovery base for OpenID Connect; for ESIA the expected `iss` of ID
    /// tokens (empty: not checked).
    pub issuer: String,
    /// ESIA: the authorization endpoint.
    pub authorize_url: String,
    /// ESIA: the token endpoint.
    pub token_url: String,
    /// ESIA: where person data is read with the access token; `{sub}` is replaced by the
    /// subject (ESIA's `/rs/prns/{oid}`). Empty: only the ID token's claims are used. For
    /// OpenID Connect the discovered userinfo endpoint is used.
    pub userinfo_url: String,
    /// The client id (ESIA: the information system's mnemonic).
    pub client_id: String,
    /// The client secret or the ESIA signer.
    pub signer: Signer,
    /// Our callback, registered with the provider.
    pub redirect_uri: String,
    /// Requested scopes.
    pub scopes: Vec<String>,
    /// Where the person data is found.
    pub claims: ClaimNames,
}

/// A started authorization: the address to send the person to and what the callback needs.
#[derive(Clone)]
pub struct AuthStart {
    /// The provider's authorization URL with every parameter.
    pub url: String,
    /// The OAuth `state`.
    pub state: String,
    /// The ID-token nonce.
    pub nonce: String,
    /// The PKCE verifier.
    pub pkce_verifier: String,
}

/// What the provider says about the person.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Identity {
    /// The provider's stable subject id (ESIA oid).
    pub subject: String,
    /// Фамилия.
    pub last_name: String,
    /// Имя.
    pub first_name: String,
    /// Отчество.
    pub middle_name: String,
    /// Date of birth.
    pub birth_date: Option<NaiveDate>,
    /// СНИЛС as the provider wrote it.
    pub snils: Option<String>,
    /// The trust claim as text (`true`, `false`, `confirmed`…); read by the caller.
    pub trust: Option<String>,
}

impl std::fmt::Debug for Identity {
    // SNILS is sensitive: never in logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity")
            .field("subject", &self.subject)
            .field("trust", &self.trust)
            .finish_non_exhaustive()
    }
}

/// A configured identity provider.
#[derive(Clone)]
pub struct IdentityProvider {
    config: Arc<ProviderConfig>,
    http: reqwest::Client,
    metadata: Arc<Mutex<Option<CoreProviderMetadata>>>,
}

impl IdentityProvider {
    /// Checks the configuration; nothing is fetched until the first sign-in.
    pub fn new(config: ProviderConfig) -> Result<IdentityProvider, OidcError> {
        let need = |v: &str, what: &str| {
            if v.trim().is_empty() {
                Err(OidcError::Config(format!("не задан {what}")))
            } else {
                Ok(())
            }
        };
        need(&config.client_id, "client_id")?;
        need(&config.redirect_uri, "адрес возврата (public_url)")?;
        url::Url::parse(&config.redirect_uri)
            .map_err(|e| OidcError::Config(format!("адрес возврата: {e}")))?;
        match config.profile {
            Profile::Oidc => {
                need(&config.issuer, "issuer")?;
                if !matches!(config.signer, Signer::Fixed(_)) {
                    return Err(OidcError::Config(
                        "для профиля oidc нужен client_secret, а не подпись".into(),
                    ));
                }
            }
            Profile::Esia => {
                need(&config.authorize_url, "authorize_url")?;
                need(&config.token_url, "token_url")?;
                for u in [&config.authorize_url, &config.token_url] {
                    url::Url::parse(u).map_err(|e| OidcError::Config(format!("{u}: {e}")))?;
                }
            }
        }
        // No redirects: a provider's answer is read where it is, never followed elsewhere.
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(CALL_TIMEOUT)
            .build()
            .map_err(|e| OidcError::Config(e.to_string()))?;
        Ok(IdentityProvider {
            config: Arc::new(config),
            http,
            metadata: Arc::new(Mutex::new(None)),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &ProviderConfig {
        &self.config
    }

    /// Begins an authorization.
    pub async fn start(&self) -> Result<AuthStart, OidcError> {
        match self.config.profile {
            Profile::Oidc => self.start_oidc().await,
            Profile::Esia => self.start_esia().await,
        }
    }

    /// Exchanges the code from the callback and reads the person. The caller has already
    /// matched the callback's `state` to `start`.
    pub async fn finish(&self, code: &str, start: &AuthStart) -> Result<Identity, OidcError> {
        match self.config.profile {
            Profile::Oidc => self.finish_oidc(code, start).await,
            Profile::Esia => self.finish_esia(code, start).await,
        }
    }
}
