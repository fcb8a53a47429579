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
        crate::webapi::input::case_insensitive_form(body)
            .map(CaseInsensitiveForm)
            .map_err(|r| r.0)
    }

    /// A field by lower-case name.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }
}

/// An HTML form as submitted: every name with every value, in order, so that multi-selects and
/// repeated checkboxes (`teachers`, `account`) keep all their values.
#[derive(Debug, Default)]
pub(crate) struct FormFields(Vec<(String, String)>);

impl FormFields {
    /// Parses a URL-encoded body; `None` when it is not one.
    pub fn parse(body: &[u8]) -> Option<FormFields> {
        serde_urlencoded::from_bytes(body).ok().map(FormFields)
    }

    /// A form from pairs already read (a multipart body's text fields).
    pub fn from_pairs(pairs: Vec<(String, String)>) -> FormFields {
        FormFields(pairs)
    }

    /// The first value of a field, or `""`.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every value of a field, in order.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Every (name, value) pair, in order (forms whose field names carry data, like a grid).
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Every value of a field that is a number (ids of ticked rows).
    pub fn ids(&self, name: &str) -> Vec<i64> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .filter_map(|(_, v)| v.trim().parse().ok())
            .collect()
    }
}
