//! ESIA (Госуслуги) identities: trust levels and the regional confirmed-account rule.

use chrono::{Datelike, NaiveDate};

use crate::message::Message;

/// The age from which parents and students must use a confirmed ESIA account.
pub const CONFIRMED_ACCOUNT_AGE: u32 = 14;

/// The region's ESIA rules.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RegionIdentitySettings {
    /// From this day parents and students of 14 or more need a confirmed account.
    pub esia_confirmed_from: Option<NaiveDate>,
    /// Whether a first ESIA sign-in may link a matching person automatically.
    pub esia_auto_link: bool,
}

/// How far ESIA has verified a person (упрощённая / стандартная / подтверждённая).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TrustLevel {
    /// Упрощённая: a name, a phone or e-mail.
    Simplified,
    /// Стандартная: passport and SNILS checked online.
    Standard,
    /// Подтверждённая: identity confirmed in person, by e-signature or a bank.
    Confirmed,
}

impl TrustLevel {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            TrustLevel::Simplified => "simplified",
            TrustLevel::Standard => "standard",
            TrustLevel::Confirmed => "confirmed",
        }
    }

    /// The level from a stored code.
    pub fn from_code(code: &str) -> Option<TrustLevel> {
        Some(match code {
            "simplified" => TrustLevel::Simplified,
            "standard" => TrustLevel::Standard,
            "confirmed" => TrustLevel::Confirmed,
            _ => return None,
        })
    }

    /// Reads the level the provider reports: ESIA's `trusted` boolean (true means confirmed,
    /// false says only "not confirmed", taken as standard), or a level word in English or
    /// Russian (`simplified`/`standard`/`confirmed`, `P`/`S`/`C`, `упрощённая`…).
    pub fn from_claim(value: &str) -> Option<TrustLevel> {
        let v = value.trim().to_lowercase().replace('ё', "е");
        Some(match v.as_str() {
            "true" | "1" | "confirmed" | "trusted" | "c" | "подтвержденная" => {
                TrustLevel::Confirmed
            }
            "false" | "0" | "standard" | "s" | "стандартная" => TrustLevel::Standard,
            "simplified" | "p" | "упрощенная" => TrustLevel::Simplified,
            _ => return None,
        })
    }

    /// The Russian name, in the nominative of «учётная запись».
    pub fn title(self) -> &'static str {
        match self {
            TrustLevel::Simplified => "упрощённая",
            TrustLevel::Standard => "стандартная",
            TrustLevel::Confirmed => "подтверждённая",
        }
    }
}

/// Full years between a birth date and a day (the birthday itself counts).
pub fn age_on(birth: NaiveDate, day: NaiveDate) -> u32 {
    let mut years = day.year() - birth.year();
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years.max(0) as u32
}

/// Why a password sign-in is refused under the rule, and what to do; the wording carries
/// «вход запрещён» so NetSchool clients classify it as a refusal, not a wrong password.
pub fn password_refusal(required_from: NaiveDate) -> Message {
    crate::msg!(
        "esia-password-sign-in-refused",
        date = required_from.format("%d.%m.%Y").to_string(),
        age = CONFIRMED_ACCOUNT_AGE
    )
}

/// Why an ESIA sign-in at `level` is refused under the rule, naming the level needed.
pub fn esia_refusal(level: TrustLevel) -> Message {
    let level = match level {
        TrustLevel::Simplified => crate::msg!("esia-trust-simplified"),
        TrustLevel::Standard => crate::msg!("esia-trust-standard"),
        TrustLevel::Confirmed => crate::msg!("esia-trust-confirmed"),
    };
    crate::msg!(
        "esia-level-refused",
        age = CONFIRMED_ACCOUNT_AGE,
        level = level
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn age_counts_whole_years_and_the_birthday() {
        assert_eq!(age_on(d(2012, 5, 10), d(2026, 5, 9)), 13);
        assert_eq!(age_on(d(2012, 5, 10), d(2026, 5, 10)), 14);
        assert_eq!(age_on(d(2008, 2, 29), d(2026, 2, 28)), 17);
        assert_eq!(age_on(d(2008, 2, 29), d(2026, 3, 1)), 18);
        assert_eq!(age_on(d(2030, 1, 1), d(2026, 1, 1)), 0);
    }

    #[test]
    fn trust_claims_are_read_in_their_usual_spellings() {
        assert_eq!(TrustLevel::from_claim("true"), Some(TrustLevel::Confirmed));
        assert_eq!(TrustLevel::from_claim("false"), Some(TrustLevel::Standard));
        assert_eq!(
            TrustLevel::from_claim("Simplified"),
            Some(TrustLevel::Simplified)
        );
        assert_eq!(
            TrustLevel::from_claim("Подтверждённая"),
            Some(TrustLevel::Confirmed)
        );
        assert_eq!(TrustLevel::from_claim("maybe"), None);
        for l in [
            TrustLevel::Simplified,
            TrustLevel::Standard,
            TrustLevel::Confirmed,
        ] {
            assert_eq!(TrustLevel::from_code(l.code()), Some(l));
        }
    }

    #[test]
    fn refusals_say_why_and_are_classified_as_refusals() {
        let p = password_refusal(d(2018, 3, 1)).to_string().to_lowercase();
        assert!(p.contains("вход запрещ") && p.contains("01.03.2018"), "{p}");
        let e = esia_refusal(TrustLevel::Standard);
        assert!(
            e.contains("подтверждённой") && e.contains("стандартная"),
            "{e}"
        );
    }
}
