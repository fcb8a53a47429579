//! Per-account rates of signing in, sending mail and uploading, counted in the database so that
//! every server process agrees; and the cap on an account's live sessions.

use chrono::Duration;
use sgo_core::rate::{self as rules};
use sgo_core::{AccountId, Actor};

pub use sgo_core::rate::{RateAction, RateRules};

use crate::{App, AppError, AppResult};

/// Seconds until the current rate window ends, for a `Retry-After` header.
pub fn retry_after_now() -> u64 {
    rules::retry_after(chrono::Utc::now())
}

impl App {
    /// Counts one `action` of the actor's account and refuses it (429) once the account has done
    /// it more often than the settings allow in the current minute.
    pub async fn check_rate(&self, actor: &Actor, action: RateAction) -> AppResult<()> {
        self.check_account_rate(AccountId::new(actor.account_id.get()), action)
            .await
    }

    pub(crate) async fn check_account_rate(
        &self,
        account: AccountId,
        action: RateAction,
    ) -> AppResult<()> {
        self.check_counted(&rules::scope(action, account), action)
            .await
    }

    /// Counts one request of an open API token and refuses it (429) beyond its allowance.
    pub(crate) async fn check_token_rate(&self, token_id: i64) -> AppResult<()> {
        self.check_counted(&rules::token_scope(token_id), RateAction::ApiCall)
            .await
    }

    /// Counts one `action` under the counter `scope` and refuses it over the minute's limit.
    async fn check_counted(&self, scope: &str, action: RateAction) -> AppResult<()> {
        let limits = &self.settings.rates;
        if limits.limit(action) == 0 {
            return Ok(());
        }
        let now = self.clock.now();
        // The sign-in failure counters' statement is a fixed-window counter already: a window
        // that started before this minute restarts at this action.
        let counter = self
            .store
            .count_failure(
                scope,
                now,
                rules::window_start(now),
                now - Duration::days(1),
            )
            .await?;
        if rules::exceeded(limits, action, counter.failures) {
            let retry_after = rules::retry_after(now);
            return Err(AppError::TooManyRequests {
                message: rules::message(action, retry_after),
                retry_after,
            });
        }
        Ok(())
    }

    /// Ends the oldest sessions of an account beyond the cap (the newest are kept).
    pub(crate) async fn cap_sessions(&self, account: AccountId) -> AppResult<()> {
        let cap = self.settings.rates.max_sessions_per_account;
        if cap == 0 {
            return Ok(());
        }
        let ended = self
            .store
            .delete_sessions_beyond(account.get(), i64::from(cap))
            .await?;
        for id in ended {
            self.sessions.forget(id);
        }
        Ok(())
    }
}
