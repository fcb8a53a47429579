//! Login states: one per round trip to the provider, created here, checked at every later step
//! (the callback, the chooser, the final sign-in) and spent once.

use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use sgo_auth::oidc::{AuthStart, Identity};
use sgo_auth::token;
use sgo_core::Actor;
use sgo_core::identity::TrustLevel;
use sgo_store::LoginStateRecord;

use super::{EsiaPurpose, EsiaStart, stale};
use crate::session::Channel;
use crate::{App, AppError, AppResult};

/// How long a person has to come back from the provider and finish signing in.
const LOGIN_STATE_MINUTES: i64 = 15;

impl EsiaPurpose {
    /// The code stored with the state.
    pub(super) fn code(self) -> &'static str {
        match self {
            EsiaPurpose::SignIn => "signin",
            EsiaPurpose::Link => "link",
            EsiaPurpose::WebApi => "webapi",
        }
    }

    /// The purpose of a stored state; anything unknown is taken as a NetSchool client's, the
    /// one purpose that never signs a browser in.
    pub(super) fn from_code(code: &str) -> EsiaPurpose {
        match code {
            "signin" => EsiaPurpose::SignIn,
            "link" => EsiaPurpose::Link,
            _ => EsiaPurpose::WebApi,
        }
    }
}

/// The person data kept with an authenticated state (no SNILS: it is needed only at once).
pub(super) fn identity_json(identity: &Identity, level: TrustLevel) -> String {
    json!({
        "last_name": identity.last_name,
        "first_name": identity.first_name,
        "middle_name": identity.middle_name,
        "birth_date": identity.birth_date.map(|d| d.to_string()),
        "trust": level.code(),
    })
    .to_string()
}

/// The trust level kept with an authenticated state; the lowest when it cannot be read.
pub(super) fn stored_level(state: &LoginStateRecord) -> TrustLevel {
    state
        .identity
        .as_deref()
        .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok())
        .and_then(|v| v.get("trust").and_then(|t| t.as_str()).map(str::to_owned))
        .and_then(|t| TrustLevel::from_code(&t))
        .unwrap_or(TrustLevel::Simplified)
}

/// Whether a NetSchool client may take a state it was given to the provider.
fn adoptable(state: &LoginStateRecord, now: DateTime<Utc>) -> bool {
    state.purpose == EsiaPurpose::WebApi.code() && state.expires_at >= now
}

/// Whether a state still waits for the provider's callback.
pub(super) fn awaits_callback(state: &LoginStateRecord, now: DateTime<Utc>) -> bool {
    state.authenticated_at.is_none() && state.used_at.is_none() && state.expires_at >= now
}

/// Whether the callback may finish this state here: web sign-ins and links only in the
/// browser that began them (`bound`, from its cookie).
pub(super) fn from_this_browser(purpose: EsiaPurpose, state_id: &str, bound: Option<&str>) -> bool {
    purpose == EsiaPurpose::WebApi || bound == Some(state_id)
}

/// Whether an authenticated state may still be used to sign in through `channel`.
fn live(
    state: &LoginStateRecord,
    bound: Option<&str>,
    channel: Channel,
    now: DateTime<Utc>,
) -> bool {
    let web = state.purpose == EsiaPurpose::SignIn.code();
    let fits = match channel {
        Channel::Web => web && bound == Some(state.id.as_str()),
        Channel::WebApi => state.purpose == EsiaPurpose::WebApi.code(),
    };
    fits && state.authenticated_at.is_some()
        && state.used_at.is_none()
        && state.expires_at >= now
        && state.subject.is_some()
}

impl App {
    fn expiry(&self) -> DateTime<Utc> {
        self.clock.now() + Duration::minutes(LOGIN_STATE_MINUTES)
    }

    async fn provider_start(&self) -> AppResult<AuthStart> {
        let provider = self.provider()?;
        provider.start().await.map_err(|e| {
            tracing::warn!(error = %e, "ESIA authorization could not start");
            AppError::LoginRefused(msg!("esia-unavailable"))
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
            .new_state(
                EsiaPurpose::Link,
                Some(actor.account_id.get()),
                Some(&start),
            )
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
                if !adoptable(&state, self.clock.now()) {
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

    /// An authenticated, unused, unexpired login state (and, for the web, this browser's).
    pub(super) async fn live_state(
        &self,
        id: &str,
        bound: Option<&str>,
        channel: Channel,
    ) -> AppResult<LoginStateRecord> {
        let id = id.trim().to_ascii_lowercase();
        let state = self.store.login_state(&id).await?.ok_or_else(stale)?;
        if !live(&state, bound, channel, self.clock.now()) {
            return Err(stale());
        }
        Ok(state)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{authenticated, identity, now, state};
    use super::*;

    #[test]
    fn purposes_are_stored_and_read_back() {
        for p in [EsiaPurpose::SignIn, EsiaPurpose::Link, EsiaPurpose::WebApi] {
            assert_eq!(EsiaPurpose::from_code(p.code()), p);
        }
        assert_eq!(EsiaPurpose::SignIn.code(), "signin");
        // An unknown code must never be taken for a browser sign-in or a link.
        assert_eq!(EsiaPurpose::from_code("SignIn"), EsiaPurpose::WebApi);
        assert_eq!(EsiaPurpose::from_code(""), EsiaPurpose::WebApi);
    }

    #[test]
    fn the_trust_level_survives_the_state_and_snils_is_not_kept() {
        let person = identity("Петров", "Иван", "");
        for level in [
            TrustLevel::Simplified,
            TrustLevel::Standard,
            TrustLevel::Confirmed,
        ] {
            let json = identity_json(&person, level);
            assert!(!json.contains("112-233-445 95"), "{json}");
            assert!(json.contains("\"birth_date\":\"2010-05-01\""), "{json}");
            let kept = LoginStateRecord {
                identity: Some(json),
                ..authenticated("signin")
            };
            assert_eq!(stored_level(&kept), level);
        }
    }

    #[test]
    fn an_unreadable_stored_level_is_the_lowest() {
        let mut s = authenticated("signin");
        assert_eq!(stored_level(&s), TrustLevel::Simplified);
        s.identity = Some("not json".into());
        assert_eq!(stored_level(&s), TrustLevel::Simplified);
        s.identity = Some(r#"{"trust":"gold"}"#.into());
        assert_eq!(stored_level(&s), TrustLevel::Simplified);
        s.identity = Some(r#"{"trust":"standard"}"#.into());
        assert_eq!(stored_level(&s), TrustLevel::Standard);
    }

    #[test]
    fn only_unexpired_netschool_states_are_adopted() {
        assert!(adoptable(&state("webapi"), now()));
        assert!(!adoptable(&state("signin"), now()));
        assert!(!adoptable(&state("link"), now()));
        let mut s = state("webapi");
        s.expires_at = now();
        assert!(adoptable(&s, now()), "the last moment still counts");
        s.expires_at = now() - Duration::seconds(1);
        assert!(!adoptable(&s, now()));
    }

    #[test]
    fn a_callback_finishes_a_state_once_and_in_time() {
        assert!(awaits_callback(&state("signin"), now()));
        assert!(!awaits_callback(&authenticated("signin"), now()));
        let used = LoginStateRecord {
            used_at: Some(now()),
            ..state("signin")
        };
        assert!(!awaits_callback(&used, now()));
        assert!(!awaits_callback(
            &state("signin"),
            now() + Duration::minutes(15)
        ));
    }

    #[test]
    fn web_states_come_back_to_their_own_browser() {
        let id = "abc";
        assert!(from_this_browser(EsiaPurpose::SignIn, id, Some("abc")));
        assert!(!from_this_browser(EsiaPurpose::SignIn, id, Some("other")));
        assert!(!from_this_browser(EsiaPurpose::Link, id, None));
        assert!(from_this_browser(EsiaPurpose::Link, id, Some("abc")));
        assert!(from_this_browser(EsiaPurpose::WebApi, id, None));
    }

    #[test]
    fn a_live_state_fits_its_channel_and_is_authenticated_unused_and_unexpired() {
        let web = authenticated("signin");
        let id = web.id.clone();
        assert!(live(&web, Some(&id), Channel::Web, now()));
        assert!(!live(&web, None, Channel::Web, now()), "another browser");
        assert!(!live(&web, Some(&id), Channel::WebApi, now()));
        let client = authenticated("webapi");
        assert!(live(&client, None, Channel::WebApi, now()));
        assert!(!live(&client, Some(&id), Channel::Web, now()));
        assert!(!live(
            &authenticated("link"),
            Some(&id),
            Channel::Web,
            now()
        ));
        assert!(!live(&state("signin"), Some(&id), Channel::Web, now()));
        let used = LoginStateRecord {
            used_at: Some(now()),
            ..web.clone()
        };
        assert!(!live(&used, Some(&id), Channel::Web, now()));
        let nobody = LoginStateRecord {
            subject: None,
            ..web.clone()
        };
        assert!(!live(&nobody, Some(&id), Channel::Web, now()));
        assert!(!live(
            &web,
            Some(&id),
            Channel::Web,
            now() + Duration::hours(1)
        ));
    }
}
