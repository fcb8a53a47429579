//! Extractors shared by both surfaces.

use std::collections::HashMap;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::USER_AGENT;
use axum::http::request::Parts;
use sgo_app::Origin;

/// The client's address and software, for sessions and the audit log.
pub(crate) struct ClientOrigin(pub Origin);

impl<S: Send + Sync> FromRequestParts<S> for ClientOrigin {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string())
            .unwrap_or_default();
        let user_agent = parts
            .headers
            .get(USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        Ok(ClientOrigin(Origin { ip, user_agent }))
    }
}

/// A URL-encoded form with names folded to lower case: NetSchool clients send `loginType`,
/// `LoginType` or `LOGINTYPE` for the same field, as ASP.NET binding never cared.
pub(crate) struct CaseInsensitiveForm(pub HashMap<String, String>);

impl CaseInsensitiveForm {
    /// Parses a body; the first occurrence of a name wins.
    pub fn parse(body: &[u8]) -> Result<Self, String> {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_bytes(body).map_err(|_| "Неверный формат формы".to_owned())?;
        let mut map = HashMap::new();
        for (k, v) in pairs {
            map.entry(k.to_lowercase()).or_insert(v);
        }
        Ok(CaseInsensitiveForm(map))
    }

    /// A field by lower-case name.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }
}
