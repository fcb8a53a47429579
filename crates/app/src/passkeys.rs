//! «Мобильный ID»: passkeys a person registers from personal settings and signs in with,
//! without a login or password.

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;
use sgo_auth::passkey::{self, PasskeyError, RelyingParty};
use sgo_auth::token;
use sgo_core::Actor;
use sgo_core::{AccountId, PasskeyId};
use sgo_store::{NewPasskey, PasskeyCeremony, StoreError};

use crate::session::{Channel, SignedIn};
use crate::{App, AppError, AppResult, Origin};

/// How long a started ceremony may wait for the browser's answer (WebAuthn's own timeout is 5 min).
const CEREMONY_MINUTES: i64 = 6;
/// The longest device name kept.
pub const MAX_NAME_CHARS: usize = 60;
/// The name of a device whose owner gave none.
const DEFAULT_NAME: &str = "Мобильный ID";
const REGISTER: &str = "register";
const SIGN_IN: &str = "sign_in";
/// What authenticators show as the portal's name.
const RP_NAME: &str = "Сетевой город. Образование";

/// A registered device as its owner sees it.
#[derive(Debug, Clone)]
pub struct Device {
    /// Its id, for renaming and removing.
    pub id: PasskeyId,
    /// The name its owner gave it.
    pub name: String,
    /// When it was added.
    pub created_at: DateTime<Utc>,
    /// When it last signed in.
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A started ceremony: the id the browser sends back and the options for `navigator.credentials`.
#[derive(Debug, Clone)]
pub struct Ceremony {
    /// Random id of the ceremony.
    pub id: String,
    /// The WebAuthn options (`{"publicKey": …}`).
    pub options: Value,
}

fn not_available(e: &PasskeyError) -> AppError {
    tracing::warn!(error = %e, "passkeys are not configured");
    AppError::BadRequest(msg!("passkey-not-configured"))
}

/// A stored state or credential that cannot be read is our fault, not the person's.
fn internal(e: PasskeyError) -> AppError {
    AppError::Auth(e.into())
}

fn stale() -> AppError {
    AppError::BadRequest(msg!("passkey-challenge-expired"))
}

fn clean_name(name: &str) -> AppResult<String> {
    let name = name.trim();
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(AppError::BadRequest(msg!(
            "passkey-name-too-long",
            max = MAX_NAME_CHARS
        )));
    }
    Ok(if name.is_empty() {
        DEFAULT_NAME.to_owned()
    } else {
        name.to_owned()
    })
}

impl App {
    fn relying_party(&self) -> AppResult<RelyingParty> {
        RelyingParty::new(&self.settings.public_url, RP_NAME).map_err(|e| not_available(&e))
    }

    /// Whether passkeys can be used on this portal (its public address is a domain name).
    pub fn passkeys_available(&self) -> bool {
        RelyingParty::new(&self.settings.public_url, RP_NAME).is_ok()
    }

    async fn start_ceremony(
        &self,
        kind: &str,
        account_id: Option<i64>,
        started: passkey::Started,
    ) -> AppResult<Ceremony> {
        let now = self.clock.now();
        // Abandoned ceremonies are swept by the next start rather than by a timer.
        self.store.delete_expired_passkey_ceremonies(now).await?;
        let id = token::new_session_token();
        self.store
            .create_passkey_ceremony(&PasskeyCeremony {
                id_hash: token::hash_token(&id),
                kind: kind.to_owned(),
                account_id,
                state: started.state,
                expires_at: now + Duration::minutes(CEREMONY_MINUTES),
            })
            .await?;
        Ok(Ceremony {
            id,
            options: started.options,
        })
    }

    /// Takes a live ceremony of a kind: unknown, used or expired ones are refused alike.
    async fn take_ceremony(&self, id: &str, kind: &str) -> AppResult<PasskeyCeremony> {
        let ceremony = self
            .store
            .take_passkey_ceremony(&token::hash_token(id), kind)
            .await?
            .ok_or_else(stale)?;
        if ceremony.expires_at < self.clock.now() {
            return Err(stale());
        }
        Ok(ceremony)
    }

    /// The actor's registered devices, oldest first.
    pub async fn passkeys(&self, actor: &Actor) -> AppResult<Vec<Device>> {
        Ok(self
            .store
            .passkeys_of(actor.account_id.get())
            .await?
            .into_iter()
            .map(|p| Device {
                id: PasskeyId::new(p.id),
                name: p.name,
                created_at: p.created_at,
                last_used_at: p.last_used_at,
            })
            .collect())
    }

    /// Starts adding a device to the actor's account.
    pub async fn start_passkey_registration(&self, actor: &Actor) -> AppResult<Ceremony> {
        let rp = self.relying_party()?;
        let account = self
            .store
            .account(actor.account_id.get())
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let existing = self.store.passkeys_of(actor.account_id.get()).await?;
        // One handle per account, so that an authenticator keeps one passkey per person.
        let handle = existing
            .first()
            .map(|p| p.user_handle.clone())
            .unwrap_or_else(passkey::new_user_handle);
        let exclude = existing.into_iter().map(|p| p.credential_id).collect();
        let started = rp
            .start_registration(&handle, &account.login, &account.display_name, exclude)
            .map_err(internal)?;
        self.start_ceremony(REGISTER, Some(actor.account_id.get()), started)
            .await
    }

    /// Finishes adding a device: checks the browser's answer and keeps the passkey.
    pub async fn finish_passkey_registration(
        &self,
        actor: &Actor,
        origin: &Origin,
        ceremony: &str,
        name: &str,
        answer: &Value,
    ) -> AppResult<i64> {
        let name = clean_name(name)?;
        let rp = self.relying_party()?;
        let taken = self.take_ceremony(ceremony, REGISTER).await?;
        if taken.account_id != Some(actor.account_id.get()) {
            return Err(stale());
        }
        let registered = rp
            .finish_registration(&taken.state, answer)
            .map_err(|e| match e {
                PasskeyError::Refused(why) => {
                    tracing::info!(why, "passkey registration refused");
                    AppError::BadRequest(msg!("passkey-registration-unconfirmed"))
                }
                other => internal(other),
            })?;
        let id = self
            .store
            .insert_passkey(&NewPasskey {
                account_id: actor.account_id.get(),
                credential_id: registered.credential_id,
                user_handle: registered.user_handle,
                credential: registered.credential,
                name: name.clone(),
                created_at: self.clock.now(),
            })
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => AppError::BadRequest(msg!("passkey-already-registered")),
                other => other.into(),
            })?;
        self.audit(
            Some(actor.account_id),
            "passkey.add",
            format!("passkey:{id}"),
            origin,
            "ok",
            name,
        )
        .await;
        Ok(id)
    }

    /// One of the actor's own devices; anyone else's is «not found», not «forbidden», so that
    /// ids of others' devices are not revealed.
    async fn own_passkey(&self, actor: &Actor, id: i64) -> AppResult<sgo_store::PasskeyRecord> {
        self.store
            .passkey(id)
            .await?
            .filter(|p| p.account_id == actor.account_id.get())
            .ok_or_else(|| AppError::NotFound(msg!("passkey-not-found")))
    }

    /// Renames one of the actor's devices.
    pub async fn rename_passkey(
        &self,
        actor: &Actor,
        origin: &Origin,
        id: PasskeyId,
        name: &str,
    ) -> AppResult<()> {
        let name = clean_name(name)?;
        self.own_passkey(actor, id.get()).await?;
        self.store.rename_passkey(id.get(), &name).await?;
        self.audit(
            Some(actor.account_id),
            "passkey.rename",
            format!("passkey:{id}"),
            origin,
            "ok",
            name,
        )
        .await;
        Ok(())
    }

    /// Removes one of the actor's devices: it no longer signs in.
    pub async fn remove_passkey(
        &self,
        actor: &Actor,
        origin: &Origin,
        id: PasskeyId,
    ) -> AppResult<()> {
        let device = self.own_passkey(actor, id.get()).await?;
        self.store.delete_passkey(id.get()).await?;
        self.audit(
            Some(actor.account_id),
            "passkey.remove",
            format!("passkey:{id}"),
            origin,
            "ok",
            device.name,
        )
        .await;
        Ok(())
    }

    /// Starts a sign-in with «Мобильный ID».
    pub async fn start_passkey_sign_in(&self) -> AppResult<Ceremony> {
        let started = self.relying_party()?.start_sign_in().map_err(internal)?;
        self.start_ceremony(SIGN_IN, None, started).await
    }

    /// Finishes a sign-in with «Мобильный ID» and opens a web session, audited like a password
    /// sign-in.
    pub async fn finish_passkey_sign_in(
        &self,
        origin: &Origin,
        ceremony: &str,
        answer: &Value,
    ) -> AppResult<SignedIn> {
        let rp = self.relying_party()?;
        let taken = self.take_ceremony(ceremony, SIGN_IN).await?;
        let unknown = || AppError::LoginRefused(msg!("passkey-unknown"));
        let claimed = RelyingParty::claimed(answer)
            .map_err(|_| AppError::BadRequest(msg!("passkey-response-unreadable")))?;
        let device = self
            .store
            .passkey_by_credential(&claimed.credential_id)
            .await?
            .filter(|p| p.user_handle == claimed.user_handle);
        let target = format!("passkey:{}", hex_prefix(&claimed.credential_id));
        let Some(device) = device else {
            self.audit_refused_sign_in(None, target, origin, "web passkey: unknown".into())
                .await;
            return Err(unknown());
        };
        let target = format!("passkey:{} account:{}", device.id, device.account_id);
        let owner = Some(AccountId::new(device.account_id));
        let updated = match rp.finish_sign_in(&taken.state, answer, &device.credential) {
            Ok(c) => c,
            Err(PasskeyError::Refused(why)) => {
                let details = format!("web passkey: {why}");
                self.audit_refused_sign_in(owner, target, origin, details)
                    .await;
                return Err(AppError::LoginRefused(msg!("passkey-sign-in-unconfirmed")));
            }
            Err(other) => return Err(internal(other)),
        };
        let active = self
            .store
            .account(device.account_id)
            .await?
            .is_some_and(|a| a.active);
        if !active {
            let details = "web passkey: account inactive".to_owned();
            self.audit_refused_sign_in(owner, target, origin, details)
                .await;
            return Err(AppError::LoginRefused(msg!("account-disabled")));
        }
        let now = self.clock.now();
        self.store.passkey_used(device.id, &updated, now).await?;
        let mut signed = self
            .open_session(device.account_id, Channel::Web, None, origin)
            .await?;
        signed.must_change_password = self
            .store
            .password_change_required(device.account_id)
            .await?;
        self.audit(
            Some(AccountId::new(device.account_id)),
            "sign_in",
            target,
            origin,
            "ok",
            "web passkey".into(),
        )
        .await;
        Ok(signed)
    }
}

/// The first bytes of a credential id, enough to tell attempts apart in the audit log.
fn hex_prefix(bytes: &[u8]) -> String {
    bytes.iter().take(8).map(|b| format!("{b:02x}")).collect()
}
