//! Protection of password sign-in: the lockout after repeated failures, the per-address rate
//! limit, the limits on password recovery requests, and the words SGO answers them with.
//!
//! The counters themselves live in the database (several server processes must agree); these
//! are the rules that read and advance them.

use chrono::{DateTime, Duration, Utc};

use crate::message::Message;

/// How failed sign-ins are counted and paused. Every number is the operator's to change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockoutRules {
    /// Failed password sign-ins in a row on one login that start a pause.
    pub failures: u32,
    /// The first pause; each further lockout without a success in between doubles it.
    pub pause: Duration,
    /// The longest pause.
    pub max_pause: Duration,
    /// Failures older than this are forgotten, and a quiet login loses its lockout history.
    pub forget_after: Duration,
    /// Failed sign-ins from one address, on any logins, within `address_window` that pause it.
    pub address_failures: u32,
    /// The window of the per-address count.
    pub address_window: Duration,
    /// How long an address is paused.
    pub address_pause: Duration,
}

impl Default for LockoutRules {
    fn default() -> Self {
        LockoutRules {
            failures: 3,
            pause: Duration::minutes(1),
            max_pause: Duration::minutes(30),
            forget_after: Duration::hours(1),
            // A school computer class sits behind one address: a few mistyped passwords per child
            // must not pause the whole class, while a script trying hundreds of logins is stopped.
            address_failures: 30,
            address_window: Duration::minutes(5),
            address_pause: Duration::minutes(5),
        }
    }
}

impl LockoutRules {
    /// The pause after the `n`-th failure in a row (counted from 1), if that failure starts one;
    /// `earlier_lockouts` pauses already happened without a success in between.
    pub fn pause_after(&self, n: u32, earlier_lockouts: u32) -> Option<Duration> {
        if self.failures == 0 || n < self.failures {
            return None;
        }
        let factor = 1i32
            .checked_shl(earlier_lockouts.min(20))
            .unwrap_or(i32::MAX);
        let pause = self.pause.checked_mul(factor).unwrap_or(self.max_pause);
        Some(pause.min(self.max_pause))
    }

    /// The pause of an address after `n` failures within the window, if `n` reaches the limit.
    pub fn address_pause_after(&self, n: u32) -> Option<Duration> {
        (self.address_failures > 0 && n >= self.address_failures).then_some(self.address_pause)
    }
}

/// How often password recovery may be asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecoveryRules {
    /// How long a recovery link works.
    pub token_lifetime: Duration,
    /// Requests from one address within `window`.
    pub per_address: u32,
    /// Links sent to one account within `window`.
    pub per_account: u32,
    /// The window of both counts.
    pub window: Duration,
}

impl Default for RecoveryRules {
    fn default() -> Self {
        RecoveryRules {
            token_lifetime: Duration::hours(1),
            per_address: 10,
            per_account: 3,
            window: Duration::hours(1),
        }
    }
}

/// What remains of a pause that lasts until `until`, if it has not ended.
pub fn remaining(until: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Option<Duration> {
    until.filter(|u| *u > now).map(|u| u - now)
}

/// The counter of one login: by organization and normalised login, whether or not the account
/// exists, so that a lockout answers the same for unknown logins and does not reveal them.
pub fn login_scope(organization_id: i64, login_norm: &str) -> String {
    format!("login:{organization_id}:{login_norm}")
}

/// The counter of a client address. IPv6 clients are counted by their /64 network: one
/// household or host usually holds a whole /64 and could otherwise step through addresses.
pub fn address_scope(prefix: &str, ip: &str) -> String {
    let ip = ip.trim();
    match ip.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => format!("{prefix}:{v4}"),
            None => {
                let s = v6.segments();
                format!("{prefix}:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        _ => format!("{prefix}:{ip}"),
    }
}

/// Russian plural: the form for 1 (21, 31…), for 2–4 (22–24…), and for the rest.
pub fn plural<'a>(n: u64, one: &'a str, few: &'a str, many: &'a str) -> &'a str {
    let (d10, d100) = (n % 10, n % 100);
    if d10 == 1 && d100 != 11 {
        one
    } else if (2..=4).contains(&d10) && !(12..=14).contains(&d100) {
        few
    } else {
        many
    }
}

/// «через минуту», «через 2 минуты», «через 5 минут», «через час», «через 3 часа»:
/// the wait rounded up to whole minutes (whole hours from an hour on).
pub fn wait_words(wait: Duration) -> Message {
    let secs = wait.num_seconds().max(1) as u64;
    let minutes = secs.div_ceil(60);
    if minutes < 60 {
        return crate::msg!("wait-minutes", minutes = minutes);
    }
    crate::msg!("wait-hours", hours = minutes.div_ceil(60))
}

/// The SGO lockout answer (spec §2.5), which the NetSchool clients recognise as a lockout:
/// «Вы совершили 3 неудачные попытки входа. Следующая попытка может быть совершена не ранее
/// чем через минуту».
pub fn lockout_message(failures: u32, wait: Duration) -> Message {
    crate::msg!(
        "sign-in-locked-out",
        failures = failures,
        wait = wait_words(wait)
    )
}

/// The answer to an address that failed too often across logins.
pub fn address_message(wait: Duration) -> Message {
    crate::msg!("sign-in-address-locked-out", wait = wait_words(wait))
}

/// A user agent cut to what a person recognises: the browser or client and its system.
pub fn short_user_agent(ua: &str) -> String {
    let ua = ua.trim();
    if ua.is_empty() {
        return "неизвестно".into();
    }
    let browser = [
        ("YaBrowser/", "Яндекс Браузер"),
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
        ("python-requests", "Python"),
        ("python-httpx", "Python"),
        ("aiohttp", "Python"),
        ("Python", "Python"),
        ("okhttp", "Android-приложение"),
        ("curl/", "curl"),
    ]
    .iter()
    .find(|(marker, _)| ua.contains(marker))
    .map(|(_, name)| *name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(marker, _)| ua.contains(marker))
    .map(|(_, name)| *name);
    match (browser, system) {
        (Some(b), Some(s)) => format!("{b}, {s}"),
        (Some(b), None) => b.to_owned(),
        (None, Some(s)) => s.to_owned(),
        (None, None) => ua.chars().take(40).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_third_failure_pauses_and_repeated_lockouts_grow() {
        let r = LockoutRules::default();
        assert_eq!(r.pause_after(1, 0), None);
        assert_eq!(r.pause_after(2, 0), None);
        assert_eq!(r.pause_after(3, 0), Some(Duration::minutes(1)));
        assert_eq!(r.pause_after(3, 1), Some(Duration::minutes(2)));
        assert_eq!(r.pause_after(3, 3), Some(Duration::minutes(8)));
        assert_eq!(r.pause_after(3, 10), Some(Duration::minutes(30)));
        assert_eq!(r.pause_after(3, 400), Some(Duration::minutes(30)));
        let off = LockoutRules {
            failures: 0,
            ..LockoutRules::default()
        };
        assert_eq!(off.pause_after(100, 0), None);
    }

    #[test]
    fn addresses_pause_at_their_own_limit() {
        let r = LockoutRules::default();
        assert_eq!(r.address_pause_after(29), None);
        assert_eq!(r.address_pause_after(30), Some(Duration::minutes(5)));
    }

    #[test]
    fn the_lockout_message_is_the_one_sgo_clients_know() {
        assert_eq!(
            lockout_message(3, Duration::seconds(60)),
            "Вы совершили 3 неудачные попытки входа. Следующая попытка может быть совершена не \
             ранее чем через минуту"
        );
        assert_eq!(
            lockout_message(5, Duration::seconds(61)),
            "Вы совершили 5 неудачных попыток входа. Следующая попытка может быть совершена не \
             ранее чем через 2 минуты"
        );
        assert!(lockout_message(1, Duration::seconds(1)).contains("1 неудачную попытку"));
        assert!(lockout_message(21, Duration::minutes(21)).contains("21 неудачную попытку"));
        assert!(lockout_message(12, Duration::minutes(5)).contains("12 неудачных попыток"));
        // netschoolpy classifies by these markers (spec §2.5).
        for m in [
            lockout_message(3, Duration::minutes(1)),
            address_message(Duration::minutes(5)),
        ] {
            let lower = m.to_string().to_lowercase();
            assert!(lower.contains("следующая попытка") && lower.contains("не ранее чем"));
        }
    }

    #[test]
    fn waits_are_worded_in_russian() {
        assert_eq!(wait_words(Duration::seconds(5)), "через минуту");
        assert_eq!(wait_words(Duration::seconds(120)), "через 2 минуты");
        assert_eq!(wait_words(Duration::minutes(5)), "через 5 минут");
        assert_eq!(wait_words(Duration::minutes(11)), "через 11 минут");
        assert_eq!(wait_words(Duration::minutes(21)), "через 21 минуту");
        assert_eq!(wait_words(Duration::minutes(60)), "через час");
        assert_eq!(wait_words(Duration::minutes(61)), "через 2 часа");
        assert_eq!(wait_words(Duration::hours(5)), "через 5 часов");
    }

    #[test]
    fn pauses_end() {
        let now = Utc::now();
        assert_eq!(remaining(None, now), None);
        assert_eq!(remaining(Some(now - Duration::seconds(1)), now), None);
        assert_eq!(
            remaining(Some(now + Duration::seconds(30)), now),
            Some(Duration::seconds(30))
        );
    }

    #[test]
    fn scopes() {
        assert_eq!(login_scope(7, "ivanovip"), "login:7:ivanovip");
        assert_eq!(address_scope("ip", "10.1.2.3"), "ip:10.1.2.3");
        assert_eq!(address_scope("ip", "::ffff:10.1.2.3"), "ip:10.1.2.3");
        assert_eq!(
            address_scope("ip", "2001:db8:1:2:aaaa::1"),
            address_scope("ip", "2001:db8:1:2:bbbb::9")
        );
        assert_ne!(
            address_scope("ip", "2001:db8:1:2::1"),
            address_scope("ip", "2001:db8:1:3::1")
        );
        assert_eq!(address_scope("ip", ""), "ip:");
    }

    #[test]
    fn user_agents_are_shortened() {
        let chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like \
                      Gecko) Chrome/120.0 Safari/537.36";
        assert_eq!(short_user_agent(chrome), "Chrome, Windows");
        assert_eq!(
            short_user_agent("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Safari/604.1"),
            "Safari, iOS"
        );
        assert_eq!(short_user_agent("python-httpx/0.27"), "Python");
        assert_eq!(short_user_agent(""), "неизвестно");
        assert_eq!(short_user_agent(&"x".repeat(100)).chars().count(), 40);
    }
}
