//! Bodies of the NetSchool API. Its clients were written against ASP.NET, which bound fields by
//! any casing and read JSON whatever the content type said; the readers in `webapi/input.rs`
//! keep that leniency. The session token (`at`), not a form token, guards these calls.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::webapi::ApiError;

/// A URL-encoded NetSchool form, names folded to lower case (`loginType`, `LoginType` and
/// `LOGINTYPE` are one field); the first occurrence of a name wins.
pub(crate) struct NetSchoolForm(pub HashMap<String, String>);

impl NetSchoolForm {
    /// A field by lower-case name.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }
}

/// A NetSchool body held to the route's limit, for the readers that take JSON or a form.
pub(crate) struct NetSchoolBody(pub Bytes);

impl FromRequest<AppState> for NetSchoolForm {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let NetSchoolBody(body) = NetSchoolBody::from_request(request, state).await?;
        crate::webapi::input::case_insensitive_form(&body)
            .map(NetSchoolForm)
            .map_err(|r| ApiError(StatusCode::BAD_REQUEST, r.0).into_response())
    }
}

impl FromRequest<AppState> for NetSchoolBody {
    type Rejection = Response;

    /// The framework's refusal of an oversized body is rewritten in Russian by `rejections.rs`.
    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        Bytes::from_request(request, state)
            .await
            .map(NetSchoolBody)
            .map_err(IntoResponse::into_response)
    }
}
