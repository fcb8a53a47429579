//! Standard OpenID Connect: discovered endpoints, the code flow with PKCE, and the ID token
//! checked by the library.

use std::collections::HashMap;

use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthType, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use serde_json::Value;

use super::{AuthStart, Identity, IdentityProvider, OidcError, Signer};

impl IdentityProvider {
    pub(super) async fn metadata(&self) -> Result<CoreProviderMetadata, OidcError> {
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

    pub(super) fn secret(&self) -> Option<ClientSecret> {
        match &self.config.signer {
            Signer::Fixed(s) => Some(ClientSecret::new(s.clone())),
            _ => None,
        }
    }

    pub(super) async fn start_oidc(&self) -> Result<AuthStart, OidcError> {
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

    pub(super) fn redirect(&self) -> Result<RedirectUrl, OidcError> {
        RedirectUrl::new(self.config.redirect_uri.clone())
            .map_err(|e| OidcError::Config(format!("адрес возврата: {e}")))
    }

    pub(super) async fn finish_oidc(
        &self,
        code: &str,
        start: &AuthStart,
    ) -> Result<Identity, OidcError> {
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
}
