//! What a personal access token of the open API (`/api/v1`) may be used for.
//!
//! A token never widens what its holder may do: the policy decides on the person as everywhere,
//! and the scope only narrows which operations the token may call at all.

use std::fmt;

use crate::UnknownCode;

/// One permission a token may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ApiScope {
    /// The diary: weeks, homework, overdue work, the timetable.
    DiaryRead,
    /// Marks, period and year marks.
    MarksRead,
    /// Mail folders and letters.
    MailRead,
    /// Sending letters.
    MailSend,
    /// The calendar feed's address.
    CalendarRead,
    /// The event stream and webhooks.
    EventsRead,
}

impl ApiScope {
    /// Every scope, in the order forms and documents list them.
    pub const ALL: [ApiScope; 6] = [
        ApiScope::DiaryRead,
        ApiScope::MarksRead,
        ApiScope::MailRead,
        ApiScope::MailSend,
        ApiScope::CalendarRead,
        ApiScope::EventsRead,
    ];

    /// The name on the wire and in storage, e.g. `diary:read`.
    pub fn code(self) -> &'static str {
        match self {
            ApiScope::DiaryRead => "diary:read",
            ApiScope::MarksRead => "marks:read",
            ApiScope::MailRead => "mail:read",
            ApiScope::MailSend => "mail:send",
            ApiScope::CalendarRead => "calendar:read",
            ApiScope::EventsRead => "events:read",
        }
    }

    /// The scope named `code`.
    pub fn from_code(code: &str) -> Result<ApiScope, UnknownCode> {
        ApiScope::ALL
            .into_iter()
            .find(|s| s.code() == code)
            .ok_or_else(|| UnknownCode {
                what: "api scope",
                value: code.to_owned(),
            })
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for ApiScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The scopes of one token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct ApiScopes(u8);

impl ApiScopes {
    /// Every scope.
    pub fn all() -> ApiScopes {
        ApiScope::ALL.into_iter().collect()
    }

    /// Whether `scope` is among them.
    pub fn contains(self, scope: ApiScope) -> bool {
        self.0 & scope.bit() != 0
    }

    /// True when there are none.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The scopes in their listing order.
    pub fn iter(self) -> impl Iterator<Item = ApiScope> {
        ApiScope::ALL.into_iter().filter(move |s| self.contains(*s))
    }

    /// The stored form: codes separated by single spaces (as OAuth writes scopes).
    pub fn to_text(self) -> String {
        self.iter()
            .map(ApiScope::code)
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Reads the stored form; an unknown code is an error, repeated ones count once.
    pub fn parse(text: &str) -> Result<ApiScopes, UnknownCode> {
        text.split_whitespace().map(ApiScope::from_code).collect()
    }
}

impl FromIterator<ApiScope> for ApiScopes {
    fn from_iter<I: IntoIterator<Item = ApiScope>>(iter: I) -> Self {
        ApiScopes(iter.into_iter().fold(0, |bits, s| bits | s.bit()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for scope in ApiScope::ALL {
            assert_eq!(ApiScope::from_code(scope.code()), Ok(scope));
        }
        assert!(ApiScope::from_code("diary:write").is_err());
        assert!(ApiScope::from_code("").is_err());
    }

    #[test]
    fn stored_text_round_trips_in_listing_order() {
        let scopes = ApiScopes::parse("mail:send diary:read mail:send").unwrap();
        assert_eq!(scopes.to_text(), "diary:read mail:send");
        assert!(scopes.contains(ApiScope::MailSend));
        assert!(!scopes.contains(ApiScope::MailRead));
        assert_eq!(
            ApiScopes::parse(&ApiScopes::all().to_text()),
            Ok(ApiScopes::all())
        );
        assert!(ApiScopes::parse("").unwrap().is_empty());
        assert!(ApiScopes::parse("diary:read everything").is_err());
    }
}
