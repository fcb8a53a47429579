//! The response that carries a stored file to the browser or a NetSchool client.

use axum::body::Body;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use sgo_app::files::{Contents, StoredFile};

/// The contents streamed from the file store (never whole in memory), with their length, their
/// type, a download disposition (never shown inline as a page) and a sandbox, so that an
/// uploaded HTML or SVG file can never run as part of the portal.
pub(crate) fn file_response(file: &StoredFile, body: Contents) -> Response {
    let mut response = Body::from_stream(body.stream).into_response();
    // Known before the first byte: the client can tell a download cut short by a failure.
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(body.size));
    protect(response, &file.content_type, &file.name)
}

/// Bytes of any kind as a download named `name`, with the same protections as stored files.
pub(crate) fn download(bytes: Vec<u8>, content_type: &str, name: &str) -> Response {
    protect(bytes.into_response(), content_type, name)
}

fn protect(mut response: Response, content_type: &str, name: &str) -> Response {
    let disposition = sgo_core::files::content_disposition(name);
    let headers = response.headers_mut();
    let content_type = HeaderValue::from_str(content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_TYPE, content_type);
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}
