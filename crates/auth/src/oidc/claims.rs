//! The person's data: userinfo, and the claims read into an [`Identity`].

use std::collections::HashMap;

use chrono::NaiveDate;
use serde_json::Value;

use super::{Identity, IdentityProvider, OidcError};

impl IdentityProvider {
    pub(super) async fn userinfo(
        &self,
        url: &str,
        access_token: &str,
    ) -> Result<HashMap<String, Value>, OidcError> {
        let resp = self
            .http
            .get(url)
            .bearer_auth(access_token)
            .header("accept", "application/json")
            .send()
            .await
            .map_err(|e| OidcError::Provider(format!("данные пользователя: {e}")))?;
        if !resp.status().is_success() {
            return Err(OidcError::Provider(format!(
                "данные пользователя: HTTP {}",
                resp.status()
            )));
        }
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| OidcError::Provider(format!("данные пользователя: {e}")))?;
        serde_json::from_slice(&bytes)
            .map_err(|e| OidcError::Invalid(format!("данные пользователя не JSON: {e}")))
    }

    pub(super) fn claim_text(&self, data: &HashMap<String, Value>, name: &str) -> Option<String> {
        match data.get(name)? {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    pub(super) fn identity(&self, subject: String, data: &HashMap<String, Value>) -> Identity {
        let c = &self.config.claims;
        let text = |name: &str| self.claim_text(data, name).unwrap_or_default();
        Identity {
            subject,
            last_name: text(&c.last_name),
            first_name: text(&c.first_name),
            middle_name: text(&c.middle_name),
            birth_date: self
                .claim_text(data, &c.birth_date)
                .and_then(|d| parse_birth_date(&d)),
            snils: self.claim_text(data, &c.snils),
            trust: self.claim_text(data, &c.trust),
        }
    }
}

/// A birth date as OpenID Connect (`YYYY-MM-DD`) or ESIA (`DD.MM.YYYY`) writes it.
pub fn parse_birth_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(t, "%d.%m.%Y"))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn birth_dates_are_read_in_both_spellings() {
        let d = NaiveDate::from_ymd_opt(2011, 4, 2);
        assert_eq!(parse_birth_date("2011-04-02"), d);
        assert_eq!(parse_birth_date("02.04.2011"), d);
        assert_eq!(parse_birth_date("2 April"), None);
    }
}
