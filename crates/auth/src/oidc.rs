//! The relying party of an identity provider: standard OpenID Connect (discovery, code flow with
//! PKCE, state and nonce, ID-token validation, userinfo) and the ESIA (Госуслуги) profile.
//!
//! ESIA differs from plain OpenID Connect in three ways handled here: its endpoints are fixed
//! URLs rather than discovered; every authorization and token request carries a `timestamp`
//! (`YYYY.MM.DD HH:MM:SS +0000`) and, in `client_secret`, a detached signature of
//! `scope + timestamp + client_id + state` (concatenated without separators, UTF-8) made with the
//! operator's GOST certificate — so a [`Signer`] the operator provides (an external command or an
//! HTTP signing service) produces it; and its ID tokens are GOST-signed, which no generic library
//! verifies — they come straight from the token endpoint over TLS, which OpenID Connect Core
//! §3.1.3.7 accepts in place of a signature check, and the claims (`iss`, `aud`, `exp`, `nonce`)
//! are still checked.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use chrono::NaiveDate;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthType, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use serde_json::Value;
use tokio::io::AsyncWriteExt;
use tokio::sync::Mutex;

/// How long a call to the provider or the signer may take.
const CALL_TIMEOUT: Duration = Duration::from_secs(15);

/// What can go wrong talking to the provider. Messages never carry secrets.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// The configuration is unusable.
    #[error("настройки входа через ЕСИА: {0}")]
    Config(String),
    /// The provider could not be reached or answered badly.
    #[error("поставщик удостоверений: {0}")]
    Provider(String),
    /// The provider's answer did not pass validation (ID token, nonce, subject).
    #[error("ответ поставщика удостоверений не прошёл проверку: {0}")]
    Invalid(String),
    /// The signer failed.
    #[error("подпись запроса к ЕСИА: {0}")]
    Signer(String),
}

/// Which protocol variant the provider speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// Standard OpenID Connect with discovery.
    Oidc,
    /// ESIA: configured endpoints, signed `client_secret`, `timestamp`.
    Esia,
}

/// Produces ESIA's `client_secret`: the detached signature of a message, as text.
#[derive(Clone, PartialEq, Eq)]
pub enum Signer {
    /// Runs a program (argv, no shell): the message on its standard input, the signature
    /// (base64url, as ESIA expects) on its standard output.
    Command(Vec<String>),
    /// POSTs the message (text/plain, UTF-8) to a signing service; the body of a 2xx answer is
    /// the signature.
    Http(String),
    /// A fixed client secret (standard OpenID Connect providers only).
    Fixed(String),
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Signer::Command(argv) => f.debug_tuple("Command").field(argv).finish(),
            Signer::Http(url) => f.debug_tuple("Http").field(url).finish(),
            Signer::Fixed(_) => f.write_str("Fixed(<hidden>)"),
        }
    }
}

impl Signer {
    /// Signs `message`; the result is trimmed of surrounding whitespace.
    pub async fn sign(&self, http: &reqwest::Client, message: &str) -> Result<String, OidcError> {
        let out = match self {
            Signer::Fixed(secret) => secret.clone(),
            Signer::Command(argv) => run_signer(argv, message).await?,
            Signer::Http(url) => {
                let resp = http
                    .post(url)
                    .header("content-type", "text/plain; charset=utf-8")
                    .body(message.to_owned())
                    .timeout(CALL_TIMEOUT)
                    .send()
                    .await
                    .map_err(|e| OidcError::Signer(format!("сервис подписи недоступен: {e}")))?;
                let status = resp.status();
                if !status.is_success() {
                    return Err(OidcError::Signer(format!(
                        "сервис подписи ответил {status}"
                    )));
                }
                resp.text()
                    .await
                    .map_err(|e| OidcError::Signer(format!("ответ сервиса подписи: {e}")))?
            }
        };
        let out = out.trim().to_owned();
        if out.is_empty() {
            return Err(OidcError::Signer("подпись пуста".into()));
        }
        Ok(out)
    }
}

async fn run_signer(argv: &[String], message: &str) -> Result<String, OidcError> {
    let (program, args) = argv
        .split_first()
        .ok_or_else(|| OidcError::Config("команда подписи не задана".into()))?;
    let mut child = tokio::process::Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| OidcError::Signer(format!("не удалось запустить {program}: {e}")))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(message.as_bytes())
            .await
            .map_err(|e| OidcError::Signer(format!("запись в {program}: {e}")))?;
    }
    let output = tokio::time::timeout(CALL_TIMEOUT, child.wait_with_output())
        .await
        .map_err(|_| OidcError::Signer(format!("{program} не ответил вовремя")))?
        .map_err(|e| OidcError::Signer(format!("{program}: {e}")))?;
    if !output.status.success() {
        let err = String::from_utf8_lossy(&output.stderr);
        let first = err.lines().next().unwrap_or_default().chars().take(200);
        return Err(OidcError::Signer(format!(
            "{program} завершилась с {}: {}",
            output.status,
            first.collect::<String>()
        )));
    }
    String::from_utf8(output.stdout)
        .map_err(|_| OidcError::Signer(format!("{program} вывела не UTF-8")))
}

/// The names of the claims that carry a person's data (they differ between providers).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ClaimNames {
    /// Subject id; `sub` (ESIA also uses `urn:esia:sbj_id`, tried when this is absent).
    pub subject: String,
    /// Фамилия.
    pub last_name: String,
    /// Имя.
    pub first_name: String,
    /// Отчество.
    pub middle_name: String,
    /// Birth date, `YYYY-MM-DD` or `DD.MM.YYYY`.
    pub birth_date: String,
    /// СНИЛС.
    pub snils: String,
    /// The trust level: a boolean (`trusted`) or a level word.
    pub trust: String,
}

impl Default for ClaimNames {
    fn default() -> Self {
        ClaimNames {
            subject: "sub".into(),
            last_name: "family_name".into(),
            first_name: "given_name".into(),
            middle_name: "middle_name".into(),
            birth_date: "birthdate".into(),
            snils: "snils".into(),
            trust: "trusted".into(),
        }
    }
}

/// How to reach and talk to the provider.
#[derive(Debug, Clone)]
pub struct ProviderConfig {
    /// The protocol variant.
    pub profile: Profile,
    /// The issuer: the discovery base for OpenID Connect; for ESIA the expected `iss` of ID
    /// tokens (empty: not checked).
    pub issuer: String,
    /// ESIA: the authorization endpoint.
    pub authorize_url: String,
    /// ESIA: the token endpoint.
    pub token_url: String,
    /// ESIA: where person data is read with the access token; `{sub}` is replaced by the
    /// subject (ESIA's `/rs/prns/{oid}`). Empty: only the ID token's claims are used. For
    /// OpenID Connect the discovered userinfo endpoint is used.
    pub userinfo_url: String,
    /// The client id (ESIA: the information system's mnemonic).
    pub client_id: String,
    /// The client secret or the ESIA signer.
    pub signer: Signer,
    /// Our callback, registered with the provider.
    pub redirect_uri: String,
    /// Requested scopes.
    pub scopes: Vec<String>,
    /// Where the person data is found.
    pub claims: ClaimNames,
}

/// A started authorization: the address to send the person to and what the callback needs.
#[derive(Clone)]
pub struct AuthStart {
    /// The provider's authorization URL with every parameter.
    pub url: String,
    /// The OAuth `state`.
    pub state: String,
    /// The ID-token nonce.
    pub nonce: String,
    /// The PKCE verifier.
    pub pkce_verifier: String,
}

/// What the provider says about the person.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Identity {
    /// The provider's stable subject id (ESIA oid).
    pub subject: String,
    /// Фамилия.
    pub last_name: String,
    /// Имя.
    pub first_name: String,
    /// Отчество.
    pub middle_name: String,
    /// Date of birth.
    pub birth_date: Option<NaiveDate>,
    /// СНИЛС as the provider wrote it.
    pub snils: Option<String>,
    /// The trust claim as text (`true`, `false`, `confirmed`…); read by the caller.
    pub trust: Option<String>,
}

impl std::fmt::Debug for Identity {
    // SNILS is sensitive: never in logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity")
            .field("subject", &self.subject)
            .field("trust", &self.trust)
            .finish_non_exhaustive()
    }
}

/// The ESIA `timestamp` parameter for a moment.
pub fn esia_timestamp(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y.%m.%d %H:%M:%S +0000").to_string()
}

/// The message ESIA's `client_secret` signs: `scope + timestamp + client_id + state`.
pub fn esia_message(scope: &str, timestamp: &str, client_id: &str, state: &str) -> String {
    format!("{scope}{timestamp}{client_id}{state}")
}

/// A configured identity provider.
#[derive(Clone)]
pub struct IdentityProvider {
    config: Arc<ProviderConfig>,
    http: reqwest::Client,
    metadata: Arc<Mutex<Option<CoreProviderMetadata>>>,
}

impl IdentityProvider {
    /// Checks the configuration; nothing is fetched until the first sign-in.
    pub fn new(config: ProviderConfig) -> Result<IdentityProvider, OidcError> {
        let need = |v: &str, what: &str| {
            if v.trim().is_empty() {
                Err(OidcError::Config(format!("не задан {what}")))
            } else {
                Ok(())
            }
        };
        need(&config.client_id, "client_id")?;
        need(&config.redirect_uri, "адрес возврата (public_url)")?;
        url::Url::parse(&config.redirect_uri)
            .map_err(|e| OidcError::Config(format!("адрес возврата: {e}")))?;
        match config.profile {
            Profile::Oidc => {
                need(&config.issuer, "issuer")?;
                if !matches!(config.signer, Signer::Fixed(_)) {
                    return Err(OidcError::Config(
                        "для профиля oidc нужен client_secret, а не подпись".into(),
                    ));
                }
            }
            Profile::Esia => {
                need(&config.authorize_url, "authorize_url")?;
                need(&config.token_url, "token_url")?;
                for u in [&config.authorize_url, &config.token_url] {
                    url::Url::parse(u).map_err(|e| OidcError::Config(format!("{u}: {e}")))?;
                }
            }
        }
        // No redirects: a provider's answer is read where it is, never followed elsewhere.
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(CALL_TIMEOUT)
            .build()
            .map_err(|e| OidcError::Config(e.to_string()))?;
        Ok(IdentityProvider {
            config: Arc::new(config),
            http,
            metadata: Arc::new(Mutex::new(None)),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &ProviderConfig {
        &self.config
    }

    /// Begins an authorization.
    pub async fn start(&self) -> Result<AuthStart, OidcError> {
        match self.config.profile {
            Profile::Oidc => self.start_oidc().await,
            Profile::Esia => self.start_esia().await,
        }
    }

    /// Exchanges the code from the callback and reads the person. The caller has already
    /// matched the callback's `state` to `start`.
    pub async fn finish(&self, code: &str, start: &AuthStart) -> Result<Identity, OidcError> {
        match self.config.profile {
            Profile::Oidc => self.finish_oidc(code, start).await,
            Profile::Esia => self.finish_esia(code, start).await,
        }
    }

    async fn metadata(&self) -> Result<CoreProviderMetadata, OidcError> {
        let mut cached = self.metadata.lock().await;
        if let Some(m) = cached.as_ref() {
            return Ok(m.clone());
        }
        let issuer = IssuerUrl::new(self.config.issuer.trim_end_matches('/').to_owned())
            .map_err(|e| OidcError::Config(format!("issuer: {e}")))?;
        let m = CoreProviderMetadata::discover_async(issuer, &self.http)
            .await
            .map_err(|e| OidcError::Provider(format!("обнаружение настроек: {e}")))?;
        *cached = Some(m.clone());
        Ok(m)
    }

    fn secret(&self) -> Option<ClientSecret> {
        match &self.config.signer {
            Signer::Fixed(s) => Some(ClientSecret::new(s.clone())),
            _ => None,
        }
    }

    async fn start_oidc(&self) -> Result<AuthStart, OidcError> {
        let metadata = self.metadata().await?;
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.config.client_id.clone()),
            self.secret(),
        )
        .set_redirect_uri(self.redirect()?);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client.authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        );
        // The library always asks for `openid` itself.
        for s in self.config.scopes.iter().filter(|s| s.as_str() != "openid") {
            request = request.add_scope(Scope::new(s.clone()));
        }
        let (url, state, nonce) = request.set_pkce_challenge(challenge).url();
        Ok(AuthStart {
            url: url.to_string(),
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    fn redirect(&self) -> Result<RedirectUrl, OidcError> {
        RedirectUrl::new(self.config.redirect_uri.clone())
            .map_err(|e| OidcError::Config(format!("адрес возврата: {e}")))
    }

    async fn finish_oidc(&self, code: &str, start: &AuthStart) -> Result<Identity, OidcError> {
        let metadata = self.metadata().await?;
        let userinfo = metadata.userinfo_endpoint().map(|u| u.url().to_string());
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.config.client_id.clone()),
            self.secret(),
        )
        .set_redirect_uri(self.redirect()?)
        .set_auth_type(AuthType::RequestBody);
        let token = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| OidcError::Config(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(start.pkce_verifier.clone()))
            .request_async(&self.http)
            .await
            .map_err(|e| OidcError::Provider(format!("обмен кода на токен: {e}")))?;
        let id_token = token
            .id_token()
            .ok_or_else(|| OidcError::Invalid("нет ID-токена".into()))?;
        let claims = id_token
            .claims(
                &client.id_token_verifier(),
                &Nonce::new(start.nonce.clone()),
            )
            .map_err(|e| OidcError::Invalid(format!("ID-токен: {e}")))?;
        let subject = claims.subject().to_string();
        let mut data: HashMap<String, Value> = HashMap::new();
        if let Some(url) = userinfo {
            data = self.userinfo(&url, token.access_token().secret()).await?;
            if let Some(s) = data.get("sub").and_then(Value::as_str)
                && s != subject
            {
                return Err(OidcError::Invalid(
                    "userinfo описывает другого пользователя".into(),
                ));
            }
        }
        data.insert("sub".into(), Value::String(subject.clone()));
        Ok(self.identity(subject, &data))
    }

    async fn userinfo(
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

    fn scope(&self) -> String {
        self.config.scopes.join(" ")
    }

    async fn esia_secret(&self, timestamp: &str, state: &str) -> Result<String, OidcError> {
        let message = esia_message(&self.scope(), timestamp, &self.config.client_id, state);
        self.config.signer.sign(&self.http, &message).await
    }

    async fn start_esia(&self) -> Result<AuthStart, OidcError> {
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

    async fn finish_esia(&self, code: &str, start: &AuthStart) -> Result<Identity, OidcError> {
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
    fn check_esia_id_token(
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

    fn claim_text(&self, data: &HashMap<String, Value>, name: &str) -> Option<String> {
        match data.get(name)? {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    fn identity(&self, subject: String, data: &HashMap<String, Value>) -> Identity {
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

    #[test]
    fn birth_dates_are_read_in_both_spellings() {
        let d = NaiveDate::from_ymd_opt(2011, 4, 2);
        assert_eq!(parse_birth_date("2011-04-02"), d);
        assert_eq!(parse_birth_date("02.04.2011"), d);
        assert_eq!(parse_birth_date("2 April"), None);
    }

    #[tokio::test]
    async fn a_command_signer_gets_the_message_on_stdin() {
        let http = reqwest::Client::new();
        let signer = Signer::Command(vec!["tr".into(), "a-z".into(), "A-Z".into()]);
        assert_eq!(signer.sign(&http, "scope").await.unwrap(), "SCOPE");
        let failing = Signer::Command(vec!["false".into()]);
        assert!(failing.sign(&http, "x").await.is_err());
        let missing = Signer::Command(vec!["/nonexistent/signer".into()]);
        assert!(missing.sign(&http, "x").await.is_err());
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let s = format!("{:?}", Signer::Fixed("top-secret".into()));
        assert!(!s.contains("top-secret"));
    }
}
