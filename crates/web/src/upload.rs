//! Multipart forms with attached files, shared by every page and API call that takes files.
//!
//! The form is read as it arrives, never buffered whole first: a page form's CSRF token must
//! come before any file and is checked before a byte of a file is read (every upload template
//! puts the hidden `csrf` input first), and each file is kept only up to one byte past its
//! limit. Files are spooled as they arrive (small ones in memory, larger ones in an unnamed
//! temporary file), so no upload is ever held whole in memory.

use axum::extract::Multipart;
use axum::extract::multipart::{Field, MultipartError};
use axum::http::StatusCode;
use sgo_app::UploadLimits;
use sgo_app::files::{Spool, Upload};

use crate::form::Fields;

mod read;

pub(crate) use read::Gate;
use read::{FieldBody, FieldSource, FileSink, Refusal};

/// The largest request body an upload route accepts; the exact per-purpose limit is checked by
/// the use case, this only stops a client from streaming without end.
pub(crate) const UPLOAD_BODY_LIMIT: usize = 52 * 1024 * 1024;

/// The refusal of a form whose token is missing, wrong or comes after a file.
pub(crate) const STALE_FORM: sgo_app::Message = msg!("form-stale");

/// A multipart form: its text fields in order, and the files that were chosen.
#[derive(Debug, Default)]
pub(crate) struct MultipartForm {
    /// Text fields.
    pub fields: Fields,
    /// Files with a name and at least one byte (an empty file input sends neither).
    pub files: Vec<(String, Upload)>,
}

/// How much a form may carry.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FormLimits {
    /// The whole body (the route's `DefaultBodyLimit`), for the message when it is exceeded.
    pub body_bytes: usize,
    /// One file: a longer one is kept cut at one byte past this, so that the use case refuses
    /// it by the usual rule without the rest ever being held in memory.
    pub file_bytes: u64,
}

impl FormLimits {
    /// The limits of an upload route whose files obey `limits`.
    pub fn files(limits: &UploadLimits) -> FormLimits {
        FormLimits {
            body_bytes: UPLOAD_BODY_LIMIT,
            file_bytes: limits.max_bytes,
        }
    }
}

/// Reads the form; `Err` is the status and a Russian sentence when the form is refused.
/// A page form without its token, with a wrong one, or with a file before it is refused with
/// 403 before any file is read.
pub(crate) async fn read_multipart(
    multipart: &mut Multipart,
    gate: Gate<'_>,
    limits: FormLimits,
) -> Result<MultipartForm, (StatusCode, sgo_app::Message)> {
    match read::read_form::<_, Spool>(multipart, gate, limits.file_bytes).await {
        Ok(form) => Ok(MultipartForm {
            fields: Fields::from_pairs(form.pairs),
            files: form
                .files
                .into_iter()
                .map(|f| {
                    (
                        f.field,
                        Upload {
                            name: f.name,
                            content: f.body,
                            description: String::new(),
                        },
                    )
                })
                .collect(),
        }),
        Err(Refusal::TooLarge) => Err((
            StatusCode::PAYLOAD_TOO_LARGE,
            msg!(
                "form-request-too-large",
                megabytes = limits.body_bytes.div_ceil(1024 * 1024)
            ),
        )),
        Err(Refusal::Malformed) => Err((StatusCode::BAD_REQUEST, msg!("form-files-not-received"))),
        Err(Refusal::Stale) => Err((StatusCode::FORBIDDEN, STALE_FORM)),
        Err(Refusal::Unkept) => Err((
            StatusCode::INTERNAL_SERVER_ERROR,
            msg!("form-files-not-received"),
        )),
    }
}

impl FileSink for Spool {
    type Error = std::io::Error;

    async fn keep(&mut self, bytes: &[u8]) -> Result<(), std::io::Error> {
        let kept = self.write(bytes).await;
        if let Err(e) = &kept {
            tracing::error!(error = %e, "could not spool an uploaded file (temporary directory)");
        }
        kept
    }

    fn kept(&self) -> u64 {
        self.len()
    }
}

impl FieldSource for Multipart {
    type Error = MultipartError;
    type Field<'a> = Field<'a>;

    fn next_field(
        &mut self,
    ) -> impl std::future::Future<Output = Result<Option<Field<'_>>, MultipartError>> + Send {
        Multipart::next_field(self)
    }

    fn is_too_large(error: &MultipartError) -> bool {
        error.status() == StatusCode::PAYLOAD_TOO_LARGE
    }
}

impl FieldBody for Field<'_> {
    type Error = MultipartError;
    type Chunk = axum::body::Bytes;

    fn field_name(&self) -> String {
        self.name().unwrap_or_default().to_owned()
    }

    fn file_name_of(&self) -> Option<String> {
        self.file_name().map(str::to_owned)
    }

    fn next_chunk(
        &mut self,
    ) -> impl std::future::Future<Output = Result<Option<axum::body::Bytes>, MultipartError>> + Send
    {
        self.chunk()
    }
}
