//! The lockout after failed password sign-ins and the per-address limit, around the password
//! check of both the web form and the NetSchool login.
//!
//! A paused login or address is refused before its password is checked. Counters are kept per
//! login (organization + normalised login, whether the account exists or not, so that a lockout
//! does not reveal which logins exist) and per client address.

use chrono::Duration;
use sgo_core::AccountId;
use sgo_core::protection::{self as rules, address_scope, login_scope};
use sgo_core::text;

use crate::{App, AppError, AppResult, Origin};

/// The counters a password sign-in touches; obtained from [`App::guard_sign_in`].
pub(crate) struct SignInGuard {
    login: String,
    address: String,
    target: String,
}

impl App {
    /// Refuses a password sign-in while its address or its login is paused, without checking
    /// the password; otherwise returns the counters to settle once the password is checked.
    pub(crate) async fn guard_sign_in(
        &self,
        organization_id: i64,
        login: &str,
        origin: &Origin,
    ) -> AppResult<SignInGuard> {
        let guard = SignInGuard {
            login: login_scope(organization_id, &text::normalise(login)),
            address: address_scope("ip", &origin.ip),
            target: format!("organization:{organization_id} login:{login}"),
        };
        let now = self.clock.now();
        let address = self.store.throttle(&guard.address).await?;
        if let Some(wait) = rules::remaining(address.and_then(|t| t.locked_until), now) {
            crate::operations::count_sign_in(crate::operations::SignInOutcome::Locked);
            self.audit_refused_sign_in(
                None,
                guard.target.clone(),
                origin,
                "адрес приостановлен после неудачных попыток".into(),
            )
            .await;
            return Err(AppError::LoginRefused(rules::address_message(wait)));
        }
        let login = self.store.throttle(&guard.login).await?;
        if let Some(wait) = rules::remaining(login.and_then(|t| t.locked_until), now) {
            crate::operations::count_sign_in(crate::operations::SignInOutcome::Locked);
            self.audit_refused_sign_in(
                None,
                guard.target.clone(),
                origin,
                "вход приостановлен после неудачных попыток".into(),
            )
            .await;
            let failures = self.settings.lockout.failures;
            return Err(AppError::LoginRefused(rules::lockout_message(
                failures, wait,
            )));
        }
        Ok(guard)
    }

    /// Counts a checked password: a success forgets the login's failures; a failure counts on the
    /// login and on the address, and pauses either when it reaches its limit (audited).
    pub(crate) async fn settle_sign_in(
        &self,
        guard: &SignInGuard,
        account: Option<i64>,
        verified: bool,
        origin: &Origin,
    ) -> AppResult<()> {
        if verified {
            self.store.clear_throttle(&guard.login).await?;
            return Ok(());
        }
        let r = &self.settings.lockout;
        let now = self.clock.now();
        let quiet = now - r.forget_after.max(r.max_pause) - Duration::days(1);
        let login = self
            .store
            .count_failure(&guard.login, now, now - r.forget_after, quiet)
            .await?;
        let n = u32::try_from(login.failures).unwrap_or(u32::MAX);
        let earlier = u32::try_from(login.lockouts).unwrap_or(u32::MAX);
        if let Some(pause) = r.pause_after(n, earlier) {
            self.store.lock_throttle(&guard.login, now + pause).await?;
            self.audit(
                account.map(AccountId::new),
                "sign_in.lockout",
                guard.target.clone(),
                origin,
                "refused",
                format!(
                    "{n} неудачных попыток подряд: вход приостановлен на {} с",
                    pause.num_seconds()
                ),
            )
            .await;
        }
        let address = self
            .store
            .count_failure(&guard.address, now, now - r.address_window, quiet)
            .await?;
        let n = u32::try_from(address.failures).unwrap_or(u32::MAX);
        if let Some(pause) = r.address_pause_after(n) {
            self.store
                .lock_throttle(&guard.address, now + pause)
                .await?;
            self.audit(
                None,
                "sign_in.address_lockout",
                format!("address:{}", origin.ip),
                origin,
                "refused",
                format!(
                    "{n} неудачных попыток с адреса: вход с него приостановлен на {} с",
                    pause.num_seconds()
                ),
            )
            .await;
        }
        Ok(())
    }

    /// Forgets the failures of a login (its password was just reset), so that the new one works
    /// at once.
    pub(crate) async fn clear_login_failures(
        &self,
        organization_id: i64,
        login: &str,
    ) -> AppResult<()> {
        let scope = login_scope(organization_id, &text::normalise(login));
        self.store.clear_throttle(&scope).await?;
        Ok(())
    }

    /// Forgets counters long quiet; run periodically with the session sweep.
    pub async fn sweep_login_counters(&self) -> AppResult<u64> {
        let r = &self.settings.lockout;
        let keep = r
            .forget_after
            .max(r.max_pause)
            .max(self.settings.recovery.window)
            + Duration::days(1);
        let now = self.clock.now();
        let counters = self.store.delete_throttles_idle_since(now - keep).await?;
        let tokens = self
            .store
            .delete_reset_tokens_expired_before(now - Duration::days(1))
            .await?;
        Ok(counters + tokens)
    }
}
