//! The ESIA profile: configured endpoints, the signed `client_secret` with its `timestamp`, the
//! token exchange, and the checks of the GOST-signed ID token that stay possible without GOST.

use std::collections::HashMap;

use base64::Engine as _;
use openidconnect::PkceCodeChallenge;
use serde_json::Value;

use super::{AuthStart, Identity, IdentityProvider, OidcError};

/// The ESIA `timestamp` parameter for a moment.
pub fn esia_timestamp(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y.%m.%d %H:%M:%S +0000").to_string()
}

/// The message ESIA's `client_secret` signs: `scope + timestamp + client_id + state`.
pub fn esia_message(scope: &str, timestamp: &str, client_id: &str, state: &str) -> String {
    format!("{scope}{timestamp}{client_id}{state}")
}

impl IdentityProvider {
    pub(super) fn scope(&self) -> String {
        self.config.scopes.join(" ")
    }

    pub(super) async fn esia_secret(
        &self,
        timestamp: &str,
        state: &str,
    ) -> Result<String, OidcError> {
        let message = esia_message(&self.scope(), timestamp, &self.config.client_id, state);
        self.config.signer.sign(&self.http, &message).await
    }

    pub(super) async fn start_esia(&self) -> Result<AuthStart, OidcError> {
        // ESIA wants the state as a UUID.
        let state = crate::token::new_guid();
        let nonce = crate::token::new_guid();
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let timestamp = esia_timestamp(chrono::Utc::now());
        let secret = self.esia_secret(&timestamp, &state).await?;
        let mut url = url::Url::parse(&self.config.authorize_url)
            .map_err(|e| OidcError::Config(format!("authorize_url: {e}")))?;
        url.query_pairs_mut()
            .append_pair("client_id", &self.config.client_id)
            .append_pair("client_secret", &secret)
            .append_pair("redirect_uri", &self.config.redirect_uri)
            .append_pair("scope", &self.scope())
            .append_pair("response_type", "code")
            .append_pair("state", &state)
            .append_pair("timestamp", &timestamp)
            .append_pair("access_type", "online")
            .append_pair("nonce", &nonce)
            .append_pair("code_challenge", challenge.as_str())
            .append_pair("code_challenge_method", "S256");
        Ok(AuthStart {
            url: url.to_string(),
            state,
            nonce,
            pkce_verifier: verifier.secret().clone(),
        })
    }

    pub(super) async fn finish_esia(
        &self,
        code: &str,
        start: &AuthStart,
    ) -> Result<Identity, OidcError> {
        let timestamp = esia_timestamp(chrono::Utc::now());
        let secret = self.esia_secret(&timestamp, &start.state).await?;
        let scope = self.scope();
        let form = [
            ("client_id", self.config.client_id.as_str()),
            ("code", code),
            ("grant_type", "authorization_code"),
            ("client_secret", secret.as_str()),
            ("state", start.state.as_str()),
            ("redirect_uri", self.config.redirect_uri.as_str()),
            ("scope", scope.as_str()),
            ("timestamp", timestamp.as_str()),
            ("token_type", "Bearer"),
            ("code_verifier", start.pkce_verifier.as_str()),
        ];
        let resp = self
            .http
            .post(&self.config.token_url)
            .form(&form)
            .send()
            .await
            .map_err(|e| OidcError::Provider(format!("обмен кода на токен: {e}")))?;
        let status = resp.status();
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| OidcError::Provider(format!("обмен кода на токен: {e}")))?;
        let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        if !status.is_success() {
            let error = body.get("error").and_then(Value::as_str).unwrap_or("?");
            return Err(OidcError::Provider(format!(
                "обмен кода на токен: HTTP {status}, {error}"
            )));
        }
        let access = body
            .get("access_token")
            .and_then(Value::as_str)
            .ok_or_else(|| OidcError::Invalid("нет access_token".into()))?;
        let id_token = body
            .get("id_token")
            .and_then(Value::as_str)
            .ok_or_else(|| OidcError::Invalid("нет ID-токена".into()))?;
        let claims = self.check_esia_id_token(id_token, &start.nonce)?;
        let subject = self
            .claim_text(&claims, &self.config.claims.subject)
            .or_else(|| self.claim_text(&claims, "urn:esia:sbj_id"))
            .ok_or_else(|| OidcError::Invalid("в ID-токене нет субъекта".into()))?;
        let mut data = claims;
        if !self.config.userinfo_url.trim().is_empty() {
            let url = self.config.userinfo_url.replace("{sub}", &subject);
            let more = self.userinfo(&url, access).await?;
            if let Some(s) = more.get("sub").and_then(Value::as_str)
                && s != subject
            {
                return Err(OidcError::Invalid(
                    "данные пользователя описывают другого пользователя".into(),
                ));
            }
            data.extend(more);
        }
        Ok(self.identity(subject, &data))
    }

    /// Reads the ID token's claims and checks issuer, audience, expiry and nonce (the
    /// signature is GOST; see the module comment).
    pub(super) fn check_esia_id_token(
        &self,
        token: &str,
        nonce: &str,
    ) -> Result<HashMap<String, Value>, OidcError> {
        let payload = token
            .split('.')
            .nth(1)
            .ok_or_else(|| OidcError::Invalid("ID-токен не JWT".into()))?;
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload.trim_end_matches('='))
            .map_err(|_| OidcError::Invalid("ID-токен не JWT".into()))?;
        let claims: HashMap<String, Value> = serde_json::from_slice(&bytes)
            .map_err(|_| OidcError::Invalid("ID-токен не JWT".into()))?;
        let issuer = self.config.issuer.trim();
        if !issuer.is_empty() {
            let iss = claims
                .get("iss")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if iss.trim_end_matches('/') != issuer.trim_end_matches('/') {
                return Err(OidcError::Invalid(format!("чужой издатель {iss}")));
            }
        }
        let client = self.config.client_id.as_str();
        let aud_ok = match claims.get("aud") {
            Some(Value::String(a)) => a == client,
            Some(Value::Array(list)) => list.iter().any(|a| a.as_str() == Some(client)),
            _ => false,
        };
        if !aud_ok {
            return Err(OidcError::Invalid("ID-токен выдан другому клиенту".into()));
        }
        let now = chrono::Utc::now().timestamp();
        match claims.get("exp").and_then(Value::as_i64) {
            Some(exp) if exp + 60 >= now => {}
            _ => return Err(OidcError::Invalid("срок ID-токена истёк".into())),
        }
        // ESIA's older API does not echo the nonce; when one is present it must be ours.
        if let Some(n) = claims.get("nonce")
            && n.as_str() != Some(nonce)
        {
            return Err(OidcError::Invalid("nonce не совпадает".into()));
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{ClaimNames, Profile, ProviderConfig, Signer};
    use super::*;

    #[test]
    fn the_esia_message_and_timestamp_have_the_documented_shape() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-03-01T08:05:09Z")
            .unwrap()
            .to_utc();
        let ts = esia_timestamp(at);
        assert_eq!(ts, "2026.03.01 08:05:09 +0000");
        assert_eq!(
            esia_message("openid fullname", &ts, "SGO01", "abc"),
            "openid fullname2026.03.01 08:05:09 +0000SGO01abc"
        );
    }

    fn provider() -> IdentityProvider {
        let config = ProviderConfig {
            profile: Profile::Esia,
            issuer: "https://esia.gosuslugi.ru/".into(),
            authorize_url: "https://esia.example/aas/oauth2/v2/ac".into(),
            token_url: "https://esia.example/aas/oauth2/v3/te".into(),
            userinfo_url: String::new(),
            client_id: "SGO01".into(),
            signer: Signer::Fixed("secret".into()),
            redirect_uri: "https://sgo.example/esia/callback".into(),
            scopes: vec!["openid".into()],
            claims: ClaimNames::default(),
        };
        IdentityProvider::new(config).unwrap()
    }

    /// An unsigned JWT carrying `claims` (the checks never look at the signature).
    fn token(claims: Value) -> String {
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        format!(
            "{}.{}.c2ln",
            engine.encode(r#"{"alg":"GOST3410_2012_256"}"#),
            engine.encode(claims.to_string())
        )
    }

    fn claims(aud: Value, exp: i64, nonce: Option<&str>) -> Value {
        let mut c = serde_json::json!({
            "iss": "https://esia.gosuslugi.ru",
            "aud": aud,
            "exp": exp,
            "urn:esia:sbj_id": 1000123,
        });
        if let Some(n) = nonce {
            c["nonce"] = Value::from(n);
        }
        c
    }

    fn later() -> i64 {
        chrono::Utc::now().timestamp() + 600
    }

    #[test]
    fn a_token_for_us_with_our_nonce_passes() {
        let p = provider();
        let ok = p
            .check_esia_id_token(&token(claims("SGO01".into(), later(), Some("n1"))), "n1")
            .unwrap();
        assert_eq!(ok.get("urn:esia:sbj_id"), Some(&Value::from(1000123)));
        let listed = serde_json::json!(["OTHER", "SGO01"]);
        assert!(
            p.check_esia_id_token(&token(claims(listed, later(), None)), "n1")
                .is_ok(),
            "an audience list naming us, and no nonce (older API)"
        );
    }

    #[test]
    fn tokens_for_others_from_others_old_or_replayed_are_refused() {
        let p = provider();
        let refused = |c: Value, why: &str| {
            let e = p.check_esia_id_token(&token(c), "n1").unwrap_err();
            assert!(e.to_string().contains(why), "{why}: {e}");
        };
        refused(
            claims("OTHER".into(), later(), Some("n1")),
            "другому клиенту",
        );
        refused(claims(Value::Null, later(), Some("n1")), "другому клиенту");
        let mut foreign = claims("SGO01".into(), later(), Some("n1"));
        foreign["iss"] = Value::from("https://evil.example");
        refused(foreign, "чужой издатель");
        let long_ago = chrono::Utc::now().timestamp() - 120;
        refused(claims("SGO01".into(), long_ago, Some("n1")), "срок");
        refused(claims("SGO01".into(), later(), Some("n2")), "nonce");
        let e = p.check_esia_id_token("not-a-jwt", "n1").unwrap_err();
        assert!(e.to_string().contains("не JWT"), "{e}");
    }
}
