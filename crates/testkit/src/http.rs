//! Requests through the router as a browser (cookie + CSRF) or a NetSchool client (`at`), and
//! their answers with the body read.

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header, request};
use tower::ServiceExt;

use crate::World;

/// The pre-session CSRF token: the `sgo_csrf` cookie of test requests (a signed-in browser's
/// forms carry [`csrf_for`] instead).
pub const CSRF: &str = "0123456789abcdef0123456789abcdef";

/// The form token for a cookie header: its session's when it has one, else the `sgo_csrf` value.
pub fn csrf_for(cookie: &str) -> String {
    let value = |name: &str| {
        cookie
            .split(';')
            .filter_map(|p| p.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_owned())
    };
    match value("sgo_session") {
        Some(session) => sgo_web::csrf_token_for(&session),
        None => value("sgo_csrf").unwrap_or_else(|| CSRF.to_owned()),
    }
}

/// The value of the cookie `name` that an answer sets, if it sets it.
pub fn set_cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next()?.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// A response with its body read.
pub struct Response {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl Response {
    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    /// The body as JSON, or `null` when it is not JSON.
    pub fn json_or_null(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    /// The redirect target.
    pub fn location(&self) -> String {
        self.headers[header::LOCATION].to_str().unwrap().to_owned()
    }

    /// The redirect target, "" when there is none.
    pub fn location_or_empty(&self) -> String {
        self.header(header::LOCATION.as_str())
    }

    /// A header as text ("" when absent).
    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }

    /// Every `Set-Cookie` header, whole.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    }

    /// The value of a cookie this answer sets.
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        set_cookie_value(&self.headers, name)
    }

    /// Status, headers and body, for tests that take the answer apart.
    pub fn into_parts(self) -> (StatusCode, HeaderMap, Vec<u8>) {
        (self.status, self.headers, self.body)
    }

    /// Status and text, for tests that compare both.
    pub fn status_text(&self) -> (StatusCode, String) {
        (self.status, self.text())
    }

    /// Status, redirect target ("" when none) and text.
    pub fn status_location_text(&self) -> (StatusCode, String, String) {
        (self.status, self.location_or_empty(), self.text())
    }
}

/// A multipart/form-data body and its content type.
pub fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "sgo-test-boundary-7d3f";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (name, file_name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

impl World {
    /// Sends a request through the router.
    pub async fn send(&self, req: Request<Body>) -> Response {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = axum::body::to_bytes(res.into_body(), 64 << 20)
            .await
            .unwrap()
            .to_vec();
        Response {
            status,
            headers,
            body,
        }
    }

    /// A GET with no cookie and no token: a visitor, or a client before it signs in.
    pub async fn get_anonymous(&self, uri: impl AsRef<str>) -> Response {
        let req = Request::get(uri.as_ref()).body(Body::empty()).unwrap();
        self.send(req).await
    }

    /// A page as a signed-in person.
    pub async fn get(&self, cookie: &str, uri: &str) -> Response {
        let req = Request::get(uri)
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap();
        self.send(req).await
    }

    /// Posts a URL-encoded form with the CSRF field.
    pub async fn post(&self, cookie: &str, uri: &str, fields: &[(&str, &str)]) -> Response {
        let csrf = csrf_for(cookie);
        let mut pairs: Vec<(&str, &str)> = fields.to_vec();
        pairs.push(("csrf", &csrf));
        self.post_raw(cookie, uri, &pairs).await
    }

    /// Posts a URL-encoded form with the CSRF field first (as some forms order it).
    pub async fn post_csrf_first(
        &self,
        cookie: &str,
        uri: &str,
        fields: &[(&str, &str)],
    ) -> Response {
        let csrf = csrf_for(cookie);
        let mut pairs = vec![("csrf", csrf.as_str())];
        pairs.extend_from_slice(fields);
        self.post_raw(cookie, uri, &pairs).await
    }

    /// Posts a URL-encoded form, with the CSRF field only when `csrf` is true.
    pub async fn post_maybe_csrf(
        &self,
        cookie: &str,
        uri: &str,
        fields: &[(&str, &str)],
        csrf: bool,
    ) -> Response {
        if csrf {
            self.post(cookie, uri, fields).await
        } else {
            self.post_raw(cookie, uri, fields).await
        }
    }

    /// Posts a URL-encoded form exactly as given (no CSRF field added).
    pub async fn post_raw(&self, cookie: &str, uri: &str, pairs: &[(&str, &str)]) -> Response {
        let body = serde_urlencoded::to_string(pairs).unwrap();
        let form = "application/x-www-form-urlencoded";
        self.send_typed(browser_post(cookie, uri), form, body).await
    }

    /// Posts a JSON body as a signed-in browser; `csrf` adds the session's token to the body.
    pub async fn post_json(
        &self,
        cookie: &str,
        uri: &str,
        mut body: serde_json::Value,
        csrf: bool,
    ) -> Response {
        if csrf {
            body["csrf"] = serde_json::json!(csrf_for(cookie));
        }
        let req = Request::post(uri).header(header::COOKIE, cookie);
        self.send_typed(req, "application/json", body.to_string())
            .await
    }

    /// Posts a multipart form: text fields (CSRF added) and files as (field, file name, bytes).
    pub async fn post_multipart(
        &self,
        cookie: &str,
        uri: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> Response {
        let csrf = csrf_for(cookie);
        let mut pairs: Vec<(&str, &str)> = fields.to_vec();
        pairs.push(("csrf", &csrf));
        self.post_multipart_raw(cookie, uri, &pairs, files).await
    }

    /// Posts a multipart form exactly as given (no CSRF field added).
    pub async fn post_multipart_raw(
        &self,
        cookie: &str,
        uri: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> Response {
        let (content_type, body) = multipart(fields, files);
        self.send_typed(browser_post(cookie, uri), &content_type, body)
            .await
    }

    /// A GET with the `at` header of a whole address; answers the status and the JSON body
    /// (`null` when not JSON).
    pub async fn get_json(&self, uri: &str, at: &str) -> (StatusCode, serde_json::Value) {
        let req = Request::get(uri)
            .header("at", at)
            .body(Body::empty())
            .unwrap();
        let res = self.send(req).await;
        (res.status, res.json_or_null())
    }

    /// A NetSchool API GET with the `at` header.
    pub async fn api_get(&self, at: &str, uri: &str) -> Response {
        let req = Request::get(format!("/webapi/{uri}"))
            .header("at", at)
            .body(Body::empty())
            .unwrap();
        self.send(req).await
    }

    /// A NetSchool API POST of a JSON body with the `at` header.
    pub async fn api_post(&self, at: &str, uri: &str, body: serde_json::Value) -> Response {
        self.send_typed(api_post(at, uri), "application/json", body.to_string())
            .await
    }

    /// A NetSchool API multipart POST with the `at` header (no CSRF: the API has none).
    pub async fn api_post_multipart(
        &self,
        at: &str,
        uri: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> Response {
        let (content_type, body) = multipart(fields, files);
        self.send_typed(api_post(at, uri), &content_type, body)
            .await
    }

    /// A request with the given headers and, when given, a JSON body (the open API's calls).
    pub async fn call(
        &self,
        method: axum::http::Method,
        uri: &str,
        headers: &[(&str, &str)],
        body: Option<serde_json::Value>,
    ) -> Response {
        let mut req = Request::builder().method(method).uri(uri);
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        match body {
            Some(body) => {
                self.send_typed(req, "application/json", body.to_string())
                    .await
            }
            None => self.send(req.body(Body::empty()).unwrap()).await,
        }
    }

    /// Sends `req` with `body` of `content_type`.
    async fn send_typed(
        &self,
        req: request::Builder,
        content_type: &str,
        body: impl Into<Body>,
    ) -> Response {
        let req = req
            .header(header::CONTENT_TYPE, content_type)
            .body(body.into())
            .unwrap();
        self.send(req).await
    }
}

/// A browser's POST: its cookie, and the host its forms are sent to.
fn browser_post(cookie: &str, uri: &str) -> request::Builder {
    Request::post(uri)
        .header(header::COOKIE, cookie)
        .header(header::HOST, "sgo.example.ru")
}

/// A NetSchool client's POST to `/webapi/{uri}` with its `at` header.
fn api_post(at: &str, uri: &str) -> request::Builder {
    Request::post(format!("/webapi/{uri}")).header("at", at)
}
