//! Per-account rates: how often one account may sign in, send mail and upload, and how many
//! sessions it may keep open. One account must not be able to flood the others.
//!
//! Counts are kept per (account, action) in windows aligned to the clock's minutes, so that every
//! server process counting in the shared database agrees on the window and on when it ends.

use chrono::{DateTime, Timelike, Utc};

use crate::AccountId;
use crate::message::Message;

/// Something counted per account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateAction {
    /// Opening a session (password, NetSchool, ESIA, passkey).
    SignIn,
    /// Sending a mail message.
    Mail,
    /// Uploading a file.
    Upload,
    /// A request of the open API, counted per token.
    ApiCall,
}

impl RateAction {
    fn code(self) -> &'static str {
        match self {
            RateAction::SignIn => "sign_in",
            RateAction::Mail => "mail",
            RateAction::Upload => "upload",
            RateAction::ApiCall => "api_call",
        }
    }

    fn what(self) -> Message {
        match self {
            RateAction::SignIn => crate::msg!("rate-sign-ins"),
            RateAction::Mail => crate::msg!("rate-mail"),
            RateAction::Upload => crate::msg!("rate-uploads"),
            RateAction::ApiCall => crate::msg!("rate-api-calls"),
        }
    }
}

/// The limits; 0 means no limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateRules {
    /// Sessions one account may open per minute.
    pub sign_ins_per_minute: u32,
    /// Messages one account may send per minute.
    pub mail_per_minute: u32,
    /// Files one account may upload per minute.
    pub uploads_per_minute: u32,
    /// Requests one open API token may make per minute.
    pub api_calls_per_minute: u32,
    /// Live sessions one account may keep; opening one more ends the oldest.
    pub max_sessions_per_account: u32,
}

impl Default for RateRules {
    fn default() -> Self {
        RateRules {
            sign_ins_per_minute: 10,
            mail_per_minute: 20,
            uploads_per_minute: 30,
            api_calls_per_minute: 120,
            max_sessions_per_account: 20,
        }
    }
}

impl RateRules {
    /// The per-minute limit of an action (0: none).
    pub fn limit(&self, action: RateAction) -> u32 {
        match action {
            RateAction::SignIn => self.sign_ins_per_minute,
            RateAction::Mail => self.mail_per_minute,
            RateAction::Upload => self.uploads_per_minute,
            RateAction::ApiCall => self.api_calls_per_minute,
        }
    }
}

/// The counter's scope: one per account and action (beside the sign-in failure counters).
pub fn scope(action: RateAction, account: AccountId) -> String {
    format!("rate:{}:account:{account}", action.code())
}

/// The counter's scope of an open API token: each token has its own allowance, so one script
/// running wild does not stop the person's other scripts.
pub fn token_scope(token_id: i64) -> String {
    format!("rate:{}:token:{token_id}", RateAction::ApiCall.code())
}

/// The start of the window `now` falls in: the current minute.
pub fn window_start(now: DateTime<Utc>) -> DateTime<Utc> {
    now.with_nanosecond(0)
        .and_then(|t| t.with_second(0))
        .unwrap_or(now)
}

/// Seconds until the next window opens (1…60), for `Retry-After`.
pub fn retry_after(now: DateTime<Utc>) -> u64 {
    60 - u64::from(now.second()).min(59)
}

/// Whether the `count`-th action of a window (counting this one) is over the limit.
pub fn exceeded(rules: &RateRules, action: RateAction, count: i64) -> bool {
    let limit = rules.limit(action);
    limit > 0 && count > i64::from(limit)
}

/// What the person reads when refused.
pub fn message(action: RateAction, wait_seconds: u64) -> Message {
    crate::msg!("rate-limited", what = action.what(), seconds = wait_seconds)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn windows_are_clock_minutes() {
        let t = Utc.with_ymd_and_hms(2026, 11, 23, 10, 15, 42).unwrap();
        assert_eq!(
            window_start(t),
            Utc.with_ymd_and_hms(2026, 11, 23, 10, 15, 0).unwrap()
        );
        assert_eq!(retry_after(t), 18);
        assert_eq!(retry_after(window_start(t)), 60);
    }

    #[test]
    fn limits_allow_exactly_their_count() {
        let r = RateRules::default();
        assert!(!exceeded(&r, RateAction::Mail, 20));
        assert!(exceeded(&r, RateAction::Mail, 21));
        let off = RateRules {
            mail_per_minute: 0,
            ..r
        };
        assert!(!exceeded(&off, RateAction::Mail, 10_000));
    }

    #[test]
    fn scopes_and_messages() {
        assert_eq!(
            scope(RateAction::Upload, AccountId::new(7)),
            "rate:upload:account:7"
        );
        assert_eq!(
            message(RateAction::Mail, 21),
            "Слишком много отправленных сообщений. Повторите попытку через 21 секунду."
        );
        assert!(
            message(RateAction::SignIn, 5)
                .to_string()
                .ends_with("5 секунд.")
        );
    }
}
