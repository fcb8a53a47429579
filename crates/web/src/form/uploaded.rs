//! Forms with files. The files are read as they arrive (`upload.rs`), after the token.

use std::marker::PhantomData;

use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use sgo_app::files::{Upload, UploadPurpose};

use super::Fields;
use super::submitted::{Refused, checked, malformed};
use crate::AppState;
use crate::ui::check_csrf;
use crate::upload::{FormLimits, Gate, read_multipart};
use crate::webapi::ApiError;

/// A form without files is small: it is never read past this before its token is checked.
const PLAIN_FORM_LIMIT: usize = 1024 * 1024;

/// A form with its files, read under the rule `R`.
pub(crate) struct Uploaded<T, R> {
    /// The text fields, typed.
    pub form: T,
    /// The chosen files with the name of their input, in order.
    pub files: Vec<(String, Upload)>,
    rule: PhantomData<R>,
}

/// What an upload route allows and how it refuses.
pub(crate) trait UploadRule: Send + Sync + 'static {
    /// The limits of this route's body and of each file.
    fn limits(state: &AppState) -> FormLimits;

    /// Whether the page's CSRF token guards the form; the NetSchool API has its session token,
    /// checked before the body by its session extractor.
    const PAGE: bool = true;

    /// The sentence for a body over the limit, when the route says it its own way.
    fn too_large(_: FormLimits) -> Option<sgo_app::Message> {
        None
    }

    /// The answer to a refused form.
    fn refuse(state: &AppState, refused: Refused) -> Response {
        refused.page(state)
    }
}

/// Files of assignments, announcements and resources.
pub(crate) struct AssignmentFiles;

impl UploadRule for AssignmentFiles {
    fn limits(state: &AppState) -> FormLimits {
        FormLimits::files(state.app.upload_limits(UploadPurpose::Assignment))
    }
}

/// Files attached to a letter on the mail page.
pub(crate) struct MailFiles;

impl UploadRule for MailFiles {
    fn limits(state: &AppState) -> FormLimits {
        FormLimits::files(state.app.upload_limits(UploadPurpose::Mail))
    }
}

/// A letter's file sent through the NetSchool API.
pub(crate) struct ApiMailFiles;

impl UploadRule for ApiMailFiles {
    const PAGE: bool = false;

    fn limits(state: &AppState) -> FormLimits {
        MailFiles::limits(state)
    }

    fn refuse(_: &AppState, refused: Refused) -> Response {
        ApiError(refused.0, refused.1).into_response()
    }
}

/// A letter's file sent through the open API (a token, checked by its extractor first).
pub(crate) struct OpenApiMailFiles;

impl UploadRule for OpenApiMailFiles {
    const PAGE: bool = false;

    fn limits(state: &AppState) -> FormLimits {
        MailFiles::limits(state)
    }

    fn refuse(_: &AppState, refused: Refused) -> Response {
        crate::api::problem_response(refused.0, &refused.1.to_string(), None)
    }
}

/// The spreadsheet of a people import.
pub(crate) struct ImportFile;

/// The import's file limit: a region's whole school fits well within it.
pub(crate) const IMPORT_LIMIT_BYTES: usize = 5 * 1024 * 1024;

impl UploadRule for ImportFile {
    fn limits(_: &AppState) -> FormLimits {
        FormLimits {
            body_bytes: IMPORT_LIMIT_BYTES,
            file_bytes: IMPORT_LIMIT_BYTES as u64,
        }
    }

    fn too_large(limits: FormLimits) -> Option<sgo_app::Message> {
        Some(msg!(
            "import-file-too-large",
            megabytes = limits.body_bytes / (1024 * 1024)
        ))
    }
}

impl<T: DeserializeOwned + Send, R: UploadRule> FromRequest<AppState> for Uploaded<T, R> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let headers = request.headers().clone();
        let multipart = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        let (fields, files) = if multipart {
            let mut body = Multipart::from_request(request, state)
                .await
                .map_err(IntoResponse::into_response)?;
            let token_ok = |token: &str| check_csrf(&headers, Some(token));
            let gate = if R::PAGE {
                Gate::Csrf(&token_ok)
            } else {
                Gate::SessionToken
            };
            let limits = R::limits(state);
            match read_multipart(&mut body, gate, limits).await {
                Ok(read) => {
                    let pairs = read.fields.pairs();
                    let pairs = pairs.map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
                    (Fields::from_pairs(pairs), read.files)
                }
                Err((status, text)) => {
                    let text = match status {
                        StatusCode::PAYLOAD_TOO_LARGE => R::too_large(limits).unwrap_or(text),
                        _ => text,
                    };
                    return Err(R::refuse(state, Refused(status, text)));
                }
            }
        } else {
            let plain = async {
                let body = axum::body::to_bytes(request.into_body(), PLAIN_FORM_LIMIT)
                    .await
                    .map_err(|_| malformed())?;
                let fields = Fields::parse(&body).ok_or_else(malformed)?;
                if R::PAGE {
                    checked(&headers, fields)
                } else {
                    Ok(fields)
                }
            };
            match plain.await {
                Ok(fields) => (fields, Vec::new()),
                Err(refused) => return Err(R::refuse(state, refused)),
            }
        };
        match fields.read() {
            Ok(form) => Ok(Uploaded {
                form,
                files,
                rule: PhantomData,
            }),
            Err(e) => Err(R::refuse(
                state,
                Refused(
                    StatusCode::BAD_REQUEST,
                    msg!("form-fields-invalid", detail = e.to_string()),
                ),
            )),
        }
    }
}
