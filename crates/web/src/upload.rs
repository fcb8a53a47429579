//! Multipart forms with attached files, shared by every page and API call that takes files.

use axum::extract::Multipart;
use axum::extract::multipart::MultipartError;
use axum::http::StatusCode;
use sgo_app::files::Upload;

use crate::extract::FormFields;

/// The largest request body an upload route accepts; the exact per-purpose limit is checked by
/// the use case, this only stops a client from streaming without end.
pub(crate) const UPLOAD_BODY_LIMIT: usize = 52 * 1024 * 1024;

/// A multipart form: its text fields in order, and the files that were chosen.
#[derive(Debug, Default)]
pub(crate) struct MultipartForm {
    /// Text fields.
    pub fields: FormFields,
    /// Files with a name and at least one byte (an empty file input sends neither).
    pub files: Vec<(String, Upload)>,
}

/// Reads the whole form; `Err` is the status and a Russian sentence when the body is refused.
pub(crate) async fn read_multipart(
    multipart: &mut Multipart,
) -> Result<MultipartForm, (StatusCode, String)> {
    let refused = |e: MultipartError| {
        let status = e.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            (
                status,
                format!(
                    "Слишком большой запрос: не больше {} МБ вместе со всеми файлами.",
                    UPLOAD_BODY_LIMIT / (1024 * 1024)
                ),
            )
        } else {
            (
                StatusCode::BAD_REQUEST,
                "Не удалось принять форму с файлами; попробуйте ещё раз.".to_owned(),
            )
        }
    };
    let mut pairs = Vec::new();
    let mut files = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(refused)? {
        let name = field.name().unwrap_or_default().to_owned();
        match field.file_name().map(str::to_owned) {
            Some(file_name) => {
                let bytes = field.bytes().await.map_err(refused)?.to_vec();
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
            None => pairs.push((name, field.text().await.map_err(refused)?)),
        }
    }
    Ok(MultipartForm {
        fields: FormFields::from_pairs(pairs),
        files,
    })
}
