//! The provider's callback: the state it names is checked and authenticated, then the identity
//! is linked, handed to a NetSchool client, or signed in (directly or through the chooser).

use sgo_auth::oidc::{AuthStart, Identity};
use sgo_core::AccountId;
use sgo_core::identity::TrustLevel;
use sgo_store::EsiaLinkRecord;

use super::state::{awaits_callback, from_this_browser, identity_json};
use super::{EsiaCallback, EsiaOutcome, EsiaPurpose, stale};
use crate::session::Channel;
use crate::{App, AppError, AppResult, Origin};

/// The trust level the provider claims; the lowest when it says nothing readable.
fn claimed_level(identity: &Identity) -> TrustLevel {
    identity
        .trust
        .as_deref()
        .and_then(TrustLevel::from_claim)
        .unwrap_or(TrustLevel::Simplified)
}

/// What to tell a person the provider sent back with an error instead of a code.
fn provider_error_text(error: &str) -> crate::Message {
    if error == "access_denied" {
        msg!("esia-cancelled")
    } else {
        msg!("esia-provider-error", error = error)
    }
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

/// Where a web sign-in goes with the identity's active links.
#[derive(Debug, PartialEq, Eq)]
enum SignInStep {
    /// No account to enter.
    NotLinked,
    /// Straight into this account.
    Enter(i64),
    /// The person picks one (also after links made just now, so that they see them).
    Choose,
}

fn sign_in_step(active_links: &[EsiaLinkRecord], auto_linked: bool) -> SignInStep {
    match active_links {
        [] => SignInStep::NotLinked,
        [one] if !auto_linked => SignInStep::Enter(one.account_id),
        _ => SignInStep::Choose,
    }
}

impl App {
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
        let purpose = EsiaPurpose::from_code(&state.purpose);
        if !from_this_browser(purpose, &state.id, bound) {
            self.audit(
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
            return Err(AppError::LoginRefused(provider_error_text(error)));
        }
        if !awaits_callback(&state, self.clock.now()) {
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
            AppError::LoginRefused(msg!("esia-callback-failed"))
        })?;
        let level = claimed_level(&identity);
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
                self.audit(
                    Some(AccountId::new(account)),
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
                self.audit(
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
                match sign_in_step(&links, auto_linked) {
                    SignInStep::NotLinked => {
                        self.audit_refused_sign_in(
                            None,
                            target,
                            origin,
                            "esia: нет привязанных учётных записей".into(),
                        )
                        .await;
                        Ok(EsiaOutcome::NotLinked {
                            name: full_name(&identity),
                        })
                    }
                    SignInStep::Enter(account) => {
                        let signed = self
                            .esia_sign_in(
                                &state.id,
                                AccountId::new(account),
                                Channel::Web,
                                Some(&state.id),
                                origin,
                            )
                            .await?;
                        Ok(EsiaOutcome::SignedIn(signed))
                    }
                    SignInStep::Choose => Ok(EsiaOutcome::Choose {
                        login_state: state.id,
                        accounts: self.describe_links(links).await?,
                        auto_linked,
                    }),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{identity, link};
    use super::*;

    #[test]
    fn the_claimed_level_falls_back_to_the_lowest() {
        let mut person = identity("Петров", "Иван", "");
        assert_eq!(claimed_level(&person), TrustLevel::Simplified);
        person.trust = Some("true".into());
        assert_eq!(claimed_level(&person), TrustLevel::Confirmed);
        person.trust = Some("false".into());
        assert_eq!(claimed_level(&person), TrustLevel::Standard);
        person.trust = Some("maybe".into());
        assert_eq!(claimed_level(&person), TrustLevel::Simplified);
    }

    #[test]
    fn a_cancelled_sign_in_is_told_apart_from_a_provider_error() {
        assert_eq!(
            provider_error_text("access_denied"),
            "Вход через портал госуслуг отменён."
        );
        let other = provider_error_text("server_error");
        assert!(other.contains("(server_error)"), "{other}");
        assert!(!other.contains("отменён"), "{other}");
    }

    #[test]
    fn the_name_skips_empty_parts() {
        assert_eq!(
            full_name(&identity("Петров", "Иван", "Сергеевич")),
            "Петров Иван Сергеевич"
        );
        assert_eq!(full_name(&identity("Петров", "Иван", "")), "Петров Иван");
        assert_eq!(full_name(&identity("", "", "")), "");
    }

    #[test]
    fn one_old_link_signs_in_and_anything_else_asks() {
        assert_eq!(sign_in_step(&[], false), SignInStep::NotLinked);
        assert_eq!(sign_in_step(&[], true), SignInStep::NotLinked);
        assert_eq!(sign_in_step(&[link(5, true)], false), SignInStep::Enter(5));
        // Links made just now are shown first, even when there is only one.
        assert_eq!(sign_in_step(&[link(5, true)], true), SignInStep::Choose);
        assert_eq!(
            sign_in_step(&[link(5, true), link(6, true)], false),
            SignInStep::Choose
        );
    }
}
