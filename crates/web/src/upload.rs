//! Multipart forms with attached files, shared by every page and API call that takes files.
//!
//! The form is read as it arrives, never buffered whole first: a page form's CSRF token must
//! come before any file and is checked before a byte of a file is read (every upload template
//! puts the hidden `csrf` input first), and each file is kept only up to one byte past its
//! limit, so a refused request costs no more memory than an accepted one.

use axum::extract::Multipart;
use axum::extract::multipart::{Field, MultipartError};
use axum::http::StatusCode;
use sgo_app::UploadLimits;
use sgo_app::files::Upload;

use crate::extract::FormFields;

/// The largest request body an upload route accepts; the exact per-purpose limit is checked by
/// the use case, this only stops a client from streaming without end.
pub(crate) const UPLOAD_BODY_LIMIT: usize = 52 * 1024 * 1024;

/// Text a page form may carry before its CSRF token (browsers send the token first; this
/// only tolerates a hand-made form that puts a short field ahead of it).
const BEFORE_TOKEN_BYTES: usize = 8 * 1024;

/// The refusal of a form whose token is missing, wrong or comes after a file.
pub(crate) const STALE_FORM: &str = "Срок действия формы истёк. Обновите страницу.";

/// A multipart form: its text fields in order, and the files that were chosen.
#[derive(Debug, Default)]
pub(crate) struct MultipartForm {
    /// Text fields.
    pub fields: FormFields,
    /// Files with a name and at least one byte (an empty file input sends neither).
    pub files: Vec<(String, Upload)>,
}

/// What vouches for a form before its files are read.
#[derive(Clone, Copy)]
pub(crate) enum Gate<'a> {
    /// A page: the `csrf` field must come before every file and pass this check (the page's
    /// CSRF rule, given the submitted token).
    Csrf(&'a (dyn Fn(&str) -> bool + Sync)),
    /// The NetSchool API: the `at` token was checked by the extractor; forms carry no token.
    SessionToken,
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
) -> Result<MultipartForm, (StatusCode, String)> {
    let refused = |e: MultipartError| {
        let status = e.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            (
                status,
                format!(
                    "Слишком большой запрос: не больше {} МБ вместе со всеми файлами.",
                    limits.body_bytes.div_ceil(1024 * 1024)
                ),
            )
        } else {
            malformed()
        }
    };
    let stale = || (StatusCode::FORBIDDEN, STALE_FORM.to_owned());
    let mut checked = matches!(gate, Gate::SessionToken);
    let mut before_token = 0usize;
    let mut pairs = Vec::new();
    let mut files = Vec::new();
    while let Some(mut field) = multipart.next_field().await.map_err(refused)? {
        let name = field.name().unwrap_or_default().to_owned();
        match field.file_name().map(str::to_owned) {
            Some(_) if !checked => return Err(stale()),
            Some(file_name) => {
                let cap = usize::try_from(limits.file_bytes)
                    .unwrap_or(usize::MAX)
                    .saturating_add(1);
                let bytes = read_capped(&mut field, cap).await.map_err(refused)?;
                if !file_name.is_empty() || !bytes.is_empty() {
                    files.push((
                        name,
                        Upload {
                            name: file_name,
                            bytes,
                            description: String::new(),
                        },
                    ));
                }
            }
            None if checked => {
                let text = field.text().await.map_err(refused)?;
                pairs.push((name, text));
            }
            None => {
                let room = BEFORE_TOKEN_BYTES - before_token;
                let bytes = read_capped(&mut field, room + 1).await.map_err(refused)?;
                if bytes.len() > room {
                    return Err(stale());
                }
                before_token += bytes.len();
                let text = String::from_utf8(bytes).map_err(|_| malformed())?;
                if name == "csrf" {
                    let Gate::Csrf(token_ok) = gate else {
                        return Err(stale());
                    };
                    if !token_ok(&text) {
                        return Err(stale());
                    }
                    checked = true;
                }
                pairs.push((name, text));
            }
        }
    }
    if !checked {
        return Err(stale());
    }
    Ok(MultipartForm {
        fields: FormFields::from_pairs(pairs),
        files,
    })
}

fn malformed() -> (StatusCode, String) {
    (
        StatusCode::BAD_REQUEST,
        "Не удалось принять форму с файлами; попробуйте ещё раз.".to_owned(),
    )
}

/// A field's bytes, chunk by chunk, stopping once `cap` bytes are held (the rest of the field
/// is skipped by the reader, never kept).
async fn read_capped(field: &mut Field<'_>, cap: usize) -> Result<Vec<u8>, MultipartError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await? {
        let room = cap - bytes.len();
        if chunk.len() >= room {
            bytes.extend_from_slice(&chunk[..room]);
            break;
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}
