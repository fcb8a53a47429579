//! Signing in with ESIA (Госуслуги): login states, the callback, linking identities to
//! accounts, automatic linking, the chooser, and the regional confirmed-account rule.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::json;
use sgo_auth::oidc::{AuthStart, Identity};
use sgo_auth::token;
use sgo_core::identity::{self as rules, TrustLevel};
use sgo_core::policy::RegionAdministration;
use sgo_core::{Actor, Role, text};
use sgo_store::{EsiaLinkRecord, LoginStateRecord, RegionIdentitySettings};

use crate::session::{Channel, SignedIn};
use crate::{App, AppError, AppResult, Origin};

pub use sgo_auth::oidc::{
    ClaimNames, IdentityProvider, OidcError, Profile as ProviderProfile, ProviderConfig, Signer,
};
pub use sgo_store::EsiaLinkRecord as EsiaLink;
pub use sgo_store::RegionIdentitySettings as RegionEsiaSettings;

/// How long a person has to come back from the provider and finish signing in.
const LOGIN_STATE_MINUTES: i64 = 15;

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

impl EsiaPurpose {
    fn code(self) -> &'static str {
        match self {
            EsiaPurpose::SignIn => "signin",
            EsiaPurpose::Link => "link",
            EsiaPurpose::WebApi => "webapi",
        }
    }
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
    AppError::LoginRefused(
        "Сеанс входа через портал госуслуг не найден, устарел или уже использован. \
         Начните вход заново."
            .into(),
    )
}

/// The person data kept with an authenticated state (no SNILS: it is needed only at once).
fn identity_json(identity: &Identity, level: TrustLevel) -> String {
    json!({
        "last_name": identity.last_name,
        "first_name": identity.first_name,
        "middle_name": identity.middle_name,
        "birth_date": identity.birth_date.map(|d| d.to_string()),
        "trust": level.code(),
    })
    .to_string()
}

fn stored_level(state: &LoginStateRecord) -> TrustLevel {
    state
        .identity
        .as_deref()
        .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok())
        .and_then(|v| v.get("trust").and_then(|t| t.as_str()).map(str::to_owned))
        .and_then(|t| TrustLevel::from_code(&t))
        .unwrap_or(TrustLevel::Simplified)
}

fn full_name(identity: &Identity) -> String {
    [
        &identity.last_name,
        &identity.first_name,
        &identity.middle_name,
    ]
    .iter()
    .filter(|s| !s.is_empty())
    .map(|s| s.as_str())
    .collect::<Vec<_>>()
    .join(" ")
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
        self.identity.as_deref().ok_or_else(|| {
            AppError::LoginRefused("Вход через портал госуслуг на этом портале не настроен".into())
        })
    }

    fn expiry(&self) -> DateTime<Utc> {
        self.clock.now() + Duration::minutes(LOGIN_STATE_MINUTES)
    }

    async fn provider_start(&self) -> AppResult<AuthStart> {
        let provider = self.provider()?;
        provider.start().await.map_err(|e| {
            tracing::warn!(error = %e, "ESIA authorization could not start");
            AppError::LoginRefused(
                "Портал госуслуг сейчас недоступен. Попробуйте войти позже.".into(),
            )
        })
    }

    async fn new_state(
        &self,
        purpose: EsiaPurpose,
        account: Option<i64>,
        start: Option<&AuthStart>,
    ) -> AppResult<String> {
        let now = self.clock.now();
        // Expired states are swept here, by the only writer of new ones.
        self.store.delete_login_states_before(now).await?;
        let id = token::new_guid();
        self.store
            .create_login_state(&LoginStateRecord {
                id: id.clone(),
                purpose: purpose.code().into(),
                account_id: account,
                oauth_state: start.map(|s| s.state.clone()),
                nonce: start.map(|s| s.nonce.clone()).unwrap_or_default(),
                pkce_verifier: start.map(|s| s.pkce_verifier.clone()).unwrap_or_default(),
                created_at: now,
                expires_at: self.expiry(),
                subject: None,
                identity: None,
                authenticated_at: None,
                used_at: None,
            })
            .await?;
        Ok(id)
    }

    /// Begins a sign-in from the login page.
    pub async fn esia_start_sign_in(&self) -> AppResult<EsiaStart> {
        let start = self.provider_start().await?;
        let login_state = self
            .new_state(EsiaPurpose::SignIn, None, Some(&start))
            .await?;
        Ok(EsiaStart {
            login_state,
            url: start.url,
        })
    }

    /// Begins linking ESIA to the signed-in account.
    pub async fn esia_start_link(&self, actor: &Actor) -> AppResult<EsiaStart> {
        let start = self.provider_start().await?;
        let login_state = self
            .new_state(EsiaPurpose::Link, Some(actor.account_id), Some(&start))
            .await?;
        Ok(EsiaStart {
            login_state,
            url: start.url,
        })
    }

    /// `auth/login-state`: a login state a NetSchool client carries to `crosslogin`.
    pub async fn esia_new_login_state(&self) -> AppResult<String> {
        self.provider()?;
        self.new_state(EsiaPurpose::WebApi, None, None).await
    }

    /// `sso/esia/crosslogin`: sends a NetSchool client to the provider, with the login state it
    /// brought (from `auth/login-state`) or a new one.
    pub async fn esia_start_webapi(&self, adopt: Option<&str>) -> AppResult<EsiaStart> {
        let start = self.provider_start().await?;
        let login_state = match adopt {
            Some(id) => {
                let id = id.trim().to_ascii_lowercase();
                let state = self.store.login_state(&id).await?.ok_or_else(stale)?;
                if state.purpose != EsiaPurpose::WebApi.code()
                    || state.expires_at < self.clock.now()
                {
                    return Err(stale());
                }
                let ok = self
                    .store
                    .restart_login_state(
                        &id,
                        &start.state,
                        &start.nonce,
                        &start.pkce_verifier,
                        self.expiry(),
                    )
                    .await?;
                if !ok {
                    return Err(stale());
                }
                id
            }
            None => {
                self.new_state(EsiaPurpose::WebApi, None, Some(&start))
                    .await?
            }
        };
        Ok(EsiaStart {
            login_state,
            url: start.url,
        })
    }

    /// The provider's callback. `bound` is the login state this browser started (from its
    /// cookie): web sign-ins and links must come back to the browser that began them.
    pub async fn esia_callback(
        &self,
        callback: &EsiaCallback,
        bound: Option<&str>,
        origin: &Origin,
    ) -> AppResult<EsiaOutcome> {
        let provider = self.provider()?;
        let oauth_state = callback.state.as_deref().unwrap_or_default();
        let state = match oauth_state {
            "" => None,
            s => self.store.login_state_by_oauth(s).await?,
        };
        let state = state.ok_or_else(stale)?;
        let purpose = match state.purpose.as_str() {
            "signin" => EsiaPurpose::SignIn,
            "link" => EsiaPurpose::Link,
            _ => EsiaPurpose::WebApi,
        };
        if purpose != EsiaPurpose::WebApi && bound != Some(state.id.as_str()) {
            self.record(
                None,
                "esia_callback",
                format!("login_state:{}", state.id),
                origin,
                "refused",
                "чужой браузер".into(),
            )
            .await;
            return Err(stale());
        }
        if let Some(error) = &callback.error {
            let text = if error == "access_denied" {
                "Вход через портал госуслуг отменён.".to_owned()
            } else {
                format!("Портал госуслуг вернул ошибку ({error}). Попробуйте ещё раз.")
            };
            return Err(AppError::LoginRefused(text));
        }
        if state.authenticated_at.is_some()
            || state.used_at.is_some()
            || state.expires_at < self.clock.now()
        {
            return Err(stale());
        }
        let code = callback
            .code
            .as_deref()
            .filter(|c| !c.is_empty())
            .ok_or_else(stale)?;
        let start = AuthStart {
            url: String::new(),
            state: oauth_state.to_owned(),
            nonce: state.nonce.clone(),
            pkce_verifier: state.pkce_verifier.clone(),
        };
        let identity = provider.finish(code, &start).await.map_err(|e| {
            tracing::warn!(error = %e, "ESIA callback failed");
            AppError::LoginRefused(
                "Не удалось получить данные с портала госуслуг. Начните вход заново.".into(),
            )
        })?;
        let level = identity
            .trust
            .as_deref()
            .and_then(TrustLevel::from_claim)
            .unwrap_or(TrustLevel::Simplified);
        let fresh = self
            .store
            .authenticate_login_state(
                &state.id,
                &identity.subject,
                &identity_json(&identity, level),
                self.clock.now(),
            )
            .await?;
        if !fresh {
            return Err(stale());
        }
        let target = format!("esia:{}", identity.subject);
        match purpose {
            EsiaPurpose::Link => {
                let account = state.account_id.ok_or_else(stale)?;
                // The state is spent by the link itself.
                self.store
                    .use_login_state(&state.id, self.clock.now())
                    .await?;
                let new = self
                    .store
                    .create_esia_link(
                        &identity.subject,
                        account,
                        Some(account),
                        "settings",
                        self.clock.now(),
                    )
                    .await?;
                self.record(
                    Some(account),
                    "esia_link",
                    target,
                    origin,
                    "ok",
                    format!("уровень: {}", level.title()),
                )
                .await;
                Ok(EsiaOutcome::Linked { new })
            }
            EsiaPurpose::WebApi => {
                let mut links = self.store.esia_links_by_subject(&identity.subject).await?;
                if links.is_empty() {
                    self.auto_link(&identity, level, origin).await?;
                    links = self.store.esia_links_by_subject(&identity.subject).await?;
                }
                self.record(
                    None,
                    "esia_callback",
                    target,
                    origin,
                    "ok",
                    format!("webapi; учётных записей: {}", links.len()),
                )
                .await;
                Ok(EsiaOutcome::WebApi {
                    login_state: state.id,
                })
            }
            EsiaPurpose::SignIn => {
                let mut auto_linked = false;
                let mut links = self.store.esia_links_by_subject(&identity.subject).await?;
                if links.is_empty() {
                    auto_linked = self.auto_link(&identity, level, origin).await?;
                    links = self.store.esia_links_by_subject(&identity.subject).await?;
                }
                links.retain(|l| l.account_active);
                if links.is_empty() {
                    self.record(
                        None,
                        "sign_in",
                        target,
                        origin,
                        "refused",
                        "esia: нет привязанных учётных записей".into(),
                    )
                    .await;
                    return Ok(EsiaOutcome::NotLinked {
                        name: full_name(&identity),
                    });
                }
                if links.len() == 1 && !auto_linked {
                    let account = links[0].account_id;
                    let signed = self
                        .esia_sign_in(&state.id, account, Channel::Web, Some(&state.id), origin)
                        .await?;
                    return Ok(EsiaOutcome::SignedIn(signed));
                }
                Ok(EsiaOutcome::Choose {
                    login_state: state.id,
                    accounts: self.describe_links(links).await?,
                    auto_linked,
                })
            }
        }
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

    /// An authenticated, unused, unexpired login state (and, for the web, this browser's).
    async fn live_state(
        &self,
        id: &str,
        bound: Option<&str>,
        channel: Channel,
    ) -> AppResult<LoginStateRecord> {
        let id = id.trim().to_ascii_lowercase();
        let state = self.store.login_state(&id).await?.ok_or_else(stale)?;
        let web = state.purpose == EsiaPurpose::SignIn.code();
        let fits = match channel {
            Channel::Web => web && bound == Some(state.id.as_str()),
            Channel::WebApi => state.purpose == EsiaPurpose::WebApi.code(),
        };
        if !fits
            || state.authenticated_at.is_none()
            || state.used_at.is_some()
            || state.expires_at < self.clock.now()
            || state.subject.is_none()
        {
            return Err(stale());
        }
        Ok(state)
    }

    /// The accounts an authenticated login state may enter (the chooser, `account-info`).
    pub async fn esia_accounts(
        &self,
        login_state: &str,
        bound: Option<&str>,
        channel: Channel,
    ) -> AppResult<Vec<EsiaAccount>> {
        let state = self.live_state(login_state, bound, channel).await?;
        let mut links = self
            .store
            .esia_links_by_subject(state.subject.as_deref().unwrap_or_default())
            .await?;
        links.retain(|l| l.account_active);
        self.describe_links(links).await
    }

    /// Finishes an ESIA sign-in into one of the linked accounts; the state is spent.
    pub async fn esia_sign_in(
        &self,
        login_state: &str,
        account_id: i64,
        channel: Channel,
        bound: Option<&str>,
        origin: &Origin,
    ) -> AppResult<SignedIn> {
        let state = self.live_state(login_state, bound, channel).await?;
        let subject = state.subject.clone().unwrap_or_default();
        let target = format!("esia:{subject} account:{account_id}");
        let link = self
            .store
            .esia_links_by_subject(&subject)
            .await?
            .into_iter()
            .find(|l| l.account_id == account_id && l.account_active);
        let Some(link) = link else {
            self.record(
                None,
                "sign_in",
                target,
                origin,
                "refused",
                "esia: учётная запись не привязана".into(),
            )
            .await;
            return Err(AppError::LoginRefused(
                "Эта учётная запись не привязана к вашей учётной записи портала госуслуг".into(),
            ));
        };
        let level = stored_level(&state);
        if level != TrustLevel::Confirmed
            && self
                .confirmed_required(account_id, link.organization_id, link.birth_date)
                .await?
                .is_some()
        {
            self.record(
                Some(account_id),
                "sign_in",
                target,
                origin,
                "refused",
                format!("esia: уровень {}", level.title()),
            )
            .await;
            return Err(AppError::LoginRefused(rules::esia_refusal(level)));
        }
        if !self
            .store
            .use_login_state(&state.id, self.clock.now())
            .await?
        {
            return Err(stale());
        }
        let signed = self.open_session(account_id, channel, None, origin).await?;
        let how = match channel {
            Channel::Web => "esia web",
            Channel::WebApi => "esia webapi",
        };
        self.record(
            Some(account_id),
            "sign_in",
            target,
            origin,
            "ok",
            how.into(),
        )
        .await;
        Ok(signed)
    }

    /// The start date of the confirmed-account rule when it applies to this account today.
    async fn confirmed_required(
        &self,
        account_id: i64,
        organization_id: i64,
        birth_date: Option<NaiveDate>,
    ) -> AppResult<Option<NaiveDate>> {
        let Some(region) = self.store.organization_region(organization_id).await? else {
            return Ok(None);
        };
        let settings = self.store.region_identity_settings(region).await?;
        let roles = self.store.account_roles(account_id).await?;
        let today = self.clock.today();
        Ok(settings.esia_confirmed_from.filter(|_| {
            sgo_core::policy::confirmed_account_required(
                settings.esia_confirmed_from,
                &roles,
                birth_date,
                today,
            )
        }))
    }

    /// Refuses a password sign-in (web or NetSchool) that the confirmed-account rule forbids.
    pub(crate) async fn password_sign_in_allowed(
        &self,
        account_id: i64,
        target: &str,
        origin: &Origin,
    ) -> AppResult<()> {
        let Some(account) = self.store.account(account_id).await? else {
            return Ok(());
        };
        if let Some(from) = self
            .confirmed_required(account_id, account.organization_id, account.birth_date)
            .await?
        {
            self.record(
                Some(account_id),
                "sign_in",
                target.to_owned(),
                origin,
                "refused",
                "пароль: нужна подтверждённая учётная запись ЕСИА".into(),
            )
            .await;
            return Err(AppError::LoginRefused(rules::password_refusal(from)));
        }
        Ok(())
    }

    /// Links a confirmed identity to the one recorded person it matches (SNILS, else full name
    /// and birth date), in regions that allow it; returns whether anything was linked.
    async fn auto_link(
        &self,
        identity: &Identity,
        level: TrustLevel,
        origin: &Origin,
    ) -> AppResult<bool> {
        if level != TrustLevel::Confirmed {
            return Ok(false);
        }
        let snils = identity
            .snils
            .as_deref()
            .and_then(|s| sgo_core::person::parse_snils(s).ok());
        let mut candidates = match &snils {
            Some(s) => self.store.accounts_by_snils(s).await?,
            None => Vec::new(),
        };
        if candidates.is_empty()
            && let Some(birth) = identity.birth_date
        {
            let wanted = [
                text::normalise(&identity.last_name),
                text::normalise(&identity.first_name),
                text::normalise(&identity.middle_name),
            ];
            candidates = self
                .store
                .accounts_by_birth_date(birth)
                .await?
                .into_iter()
                .filter(|c| {
                    !wanted[0].is_empty()
                        && !wanted[1].is_empty()
                        && [
                            text::normalise(&c.last_name),
                            text::normalise(&c.first_name),
                            text::normalise(&c.middle_name),
                        ] == wanted
                })
                .collect();
        }
        let mut persons: Vec<i64> = candidates.iter().map(|c| c.person_id).collect();
        persons.sort_unstable();
        persons.dedup();
        if persons.len() != 1 {
            return Ok(false);
        }
        let mut linked = false;
        for c in candidates {
            let Some(region) = self.store.organization_region(c.organization_id).await? else {
                continue;
            };
            if !self
                .store
                .region_identity_settings(region)
                .await?
                .esia_auto_link
            {
                continue;
            }
            if self
                .store
                .create_esia_link(
                    &identity.subject,
                    c.account_id,
                    None,
                    "auto",
                    self.clock.now(),
                )
                .await?
            {
                linked = true;
                self.record(
                    Some(c.account_id),
                    "esia_link",
                    format!("esia:{}", identity.subject),
                    origin,
                    "ok",
                    "автоматически".into(),
                )
                .await;
            }
        }
        Ok(linked)
    }

    /// The ESIA identities linked to the signed-in account.
    pub async fn esia_links(&self, actor: &Actor) -> AppResult<Vec<EsiaLink>> {
        Ok(self.store.esia_links_by_account(actor.account_id).await?)
    }

    /// Removes one of the signed-in account's links.
    pub async fn esia_unlink(&self, actor: &Actor, link_id: i64, origin: &Origin) -> AppResult<()> {
        if !self
            .store
            .delete_esia_link(link_id, actor.account_id)
            .await?
        {
            return Err(AppError::NotFound("Привязка не найдена".into()));
        }
        self.record(
            Some(actor.account_id),
            "esia_unlink",
            format!("esia_link:{link_id}"),
            origin,
            "ok",
            String::new(),
        )
        .await;
        Ok(())
    }

    async fn esia_region(&self, admin: &RegionAdministration) -> AppResult<i64> {
        self.store
            .organization_region(admin.organization())
            .await?
            .ok_or_else(|| AppError::NotFound("Регион не найден".into()))
    }

    /// The administered region's ESIA rules.
    pub async fn region_esia_settings(
        &self,
        admin: &RegionAdministration,
    ) -> AppResult<RegionEsiaSettings> {
        let region = self.esia_region(admin).await?;
        Ok(self.store.region_identity_settings(region).await?)
    }

    /// Sets the administered region's ESIA rules.
    pub async fn set_region_esia_settings(
        &self,
        admin: &RegionAdministration,
        origin: &Origin,
        settings: &RegionEsiaSettings,
    ) -> AppResult<()> {
        let region = self.esia_region(admin).await?;
        self.store
            .set_region_identity_settings(region, settings)
            .await?;
        let from = settings
            .esia_confirmed_from
            .map_or("нет".to_owned(), |d| d.format("%d.%m.%Y").to_string());
        self.record(
            Some(admin.by()),
            "region.esia_settings",
            format!("region:{region}"),
            origin,
            "ok",
            format!(
                "подтверждённая учётная запись с: {from}; автопривязка: {}",
                settings.esia_auto_link
            ),
        )
        .await;
        Ok(())
    }
}

/// The settings the region form edits, as typed.
pub fn parse_region_esia_form(
    required: bool,
    from: &str,
    auto_link: bool,
) -> Result<RegionIdentitySettings, String> {
    let esia_confirmed_from = if required {
        Some(
            NaiveDate::parse_from_str(from.trim(), "%Y-%m-%d")
                .map_err(|_| "Укажите дату начала действия правила".to_owned())?,
        )
    } else {
        None
    };
    Ok(RegionIdentitySettings {
        esia_confirmed_from,
        esia_auto_link: auto_link,
    })
}
