//! Announcements and educational resources: who may publish, to whom an announcement is
//! addressed, and which links a resource may carry.

use chrono::NaiveDate;

use crate::message::Message;
use crate::{ClassId, Role};

/// Who an announcement is addressed to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// Everybody in the school.
    All,
    /// People holding one of these roles.
    Roles(Vec<Role>),
    /// Students of these classes, their parents and the teachers of the classes.
    Classes(Vec<ClassId>),
}

impl Audience {
    /// The code stored in the database.
    pub fn code(&self) -> &'static str {
        match self {
            Audience::All => "all",
            Audience::Roles(_) => "roles",
            Audience::Classes(_) => "classes",
        }
    }

    /// Rebuilds an audience from its stored code and lists; `None` for an unknown code.
    pub fn from_parts(code: &str, roles: Vec<Role>, classes: Vec<ClassId>) -> Option<Audience> {
        match code {
            "all" => Some(Audience::All),
            "roles" => Some(Audience::Roles(roles)),
            "classes" => Some(Audience::Classes(classes)),
            _ => None,
        }
    }
}

/// The roles an announcement may be addressed to, in the order the form shows them.
pub const AUDIENCE_ROLES: [Role; 6] = [
    Role::Administrator,
    Role::DeputyHead,
    Role::Teacher,
    Role::Staff,
    Role::Student,
    Role::Parent,
];

/// Whether an announcement is still shown on `today`: the expiry date is the last day shown.
pub fn is_current(expires_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    expires_on.is_none_or(|d| d >= today)
}

/// Why a resource link is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkError {
    /// Not an http or https address (javascript:, data:, file: and the like).
    Scheme,
    /// No host after the scheme, spaces or control characters inside.
    Malformed,
    /// Longer than any reasonable address.
    TooLong,
}

impl LinkError {
    /// What the person reads.
    pub fn message(&self) -> Message {
        match self {
            LinkError::Scheme => crate::msg!("link-scheme"),
            LinkError::Malformed => crate::msg!("link-malformed"),
            LinkError::TooLong => crate::msg!("link-too-long"),
        }
    }
}

impl std::fmt::Display for LinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.message().fmt(f)
    }
}

impl std::error::Error for LinkError {}

/// Checks a link a teacher gives: only http(s) addresses with a host; returns it trimmed.
/// An empty link is allowed (a resource may be files only) and stays empty.
pub fn check_link(text: &str) -> Result<String, LinkError> {
    let link = text.trim();
    if link.is_empty() {
        return Ok(String::new());
    }
    if link.chars().count() > 2000 {
        return Err(LinkError::TooLong);
    }
    let lower = link.to_lowercase();
    let rest = if let Some(r) = lower.strip_prefix("https://") {
        r
    } else if let Some(r) = lower.strip_prefix("http://") {
        r
    } else {
        return Err(LinkError::Scheme);
    };
    if link
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>')
    {
        return Err(LinkError::Malformed);
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit('@').next().unwrap_or_default();
    if host.is_empty() || host.starts_with(':') || host.starts_with('.') {
        return Err(LinkError::Malformed);
    }
    Ok(link.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    #[test]
    fn audience_codes_round_trip() {
        for a in [
            Audience::All,
            Audience::Roles(vec![Role::Teacher]),
            Audience::Classes(vec![ClassId::new(3)]),
        ] {
            let (roles, classes) = match &a {
                Audience::Roles(r) => (r.clone(), vec![]),
                Audience::Classes(c) => (vec![], c.clone()),
                Audience::All => (vec![], vec![]),
            };
            assert_eq!(Audience::from_parts(a.code(), roles, classes), Some(a));
        }
        assert_eq!(Audience::from_parts("everyone", vec![], vec![]), None);
    }

    #[test]
    fn the_expiry_day_is_still_shown() {
        assert!(is_current(None, day(23)));
        assert!(is_current(Some(day(23)), day(23)));
        assert!(!is_current(Some(day(22)), day(23)));
    }

    #[test]
    fn only_web_links_pass() {
        assert_eq!(
            check_link("  https://example.ru/a?b=1 ").unwrap(),
            "https://example.ru/a?b=1"
        );
        assert_eq!(
            check_link("HTTP://Example.ru").unwrap(),
            "HTTP://Example.ru"
        );
        assert_eq!(check_link("").unwrap(), "");
        assert_eq!(check_link("javascript:alert(1)"), Err(LinkError::Scheme));
        assert_eq!(check_link("JaVaScRiPt:alert(1)"), Err(LinkError::Scheme));
        assert_eq!(check_link("data:text/html,<b>"), Err(LinkError::Scheme));
        assert_eq!(check_link("ftp://example.ru"), Err(LinkError::Scheme));
        assert_eq!(check_link("//example.ru"), Err(LinkError::Scheme));
        assert_eq!(check_link("https://"), Err(LinkError::Malformed));
        assert_eq!(check_link("https:///path"), Err(LinkError::Malformed));
        assert_eq!(check_link("https://exa mple.ru"), Err(LinkError::Malformed));
        assert_eq!(
            check_link("https://a.ru/\"onmouseover=x"),
            Err(LinkError::Malformed)
        );
        let long = format!("https://example.ru/{}", "a".repeat(2000));
        assert_eq!(check_link(&long), Err(LinkError::TooLong));
    }
}
