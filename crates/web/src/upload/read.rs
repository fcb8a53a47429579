//! The reading rules of a multipart form, apart from where its fields come from (axum's
//! `Multipart` in the server, multer's parser in the fuzz target `multipart`, which compiles
//! this very file): a page form's token comes before every file and is checked before a byte
//! of a file is read; text ahead of the token is bounded; each file is kept only up to one byte
//! past its limit, in a [`FileSink`] (a spool on disk in the server, memory in the fuzz target).

use std::future::Future;

/// Text a page form may carry before its CSRF token (browsers send the token first; this
/// only tolerates a hand-made form that puts a short field ahead of it).
pub(crate) const BEFORE_TOKEN_BYTES: usize = 8 * 1024;

/// Where a form's fields come from, one after the other.
pub(crate) trait FieldSource {
    /// The parser's error.
    type Error;
    /// One field, readable chunk by chunk.
    type Field<'a>: FieldBody<Error = Self::Error>
    where
        Self: 'a;
    /// The next field, `None` after the last.
    fn next_field(
        &mut self,
    ) -> impl Future<Output = Result<Option<Self::Field<'_>>, Self::Error>> + Send;
    /// Whether the error means the body went over its size limit (413, not 400).
    fn is_too_large(error: &Self::Error) -> bool;
}

/// One field of a form.
pub(crate) trait FieldBody: Send {
    /// The parser's error.
    type Error;
    /// A piece of the field's bytes.
    type Chunk: AsRef<[u8]>;
    /// The field's name, `""` when it has none.
    fn field_name(&self) -> String;
    /// The file name when the field is a file.
    fn file_name_of(&self) -> Option<String>;
    /// The next piece, `None` at the end of the field.
    fn next_chunk(
        &mut self,
    ) -> impl Future<Output = Result<Option<Self::Chunk>, Self::Error>> + Send;
}

/// Where a file's bytes go as they arrive.
pub(crate) trait FileSink: Default + Send {
    /// Why keeping bytes failed (a full disk).
    type Error;
    /// Appends bytes.
    fn keep(&mut self, bytes: &[u8]) -> impl Future<Output = Result<(), Self::Error>> + Send;
    /// How many bytes were kept.
    fn kept(&self) -> u64;
}

impl FileSink for Vec<u8> {
    type Error = std::convert::Infallible;

    fn keep(
        &mut self,
        bytes: &[u8],
    ) -> impl Future<Output = Result<(), std::convert::Infallible>> + Send {
        self.extend_from_slice(bytes);
        std::future::ready(Ok(()))
    }

    fn kept(&self) -> u64 {
        self.len() as u64
    }
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

/// Why a form was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The body went over its limit.
    TooLarge,
    /// Not a multipart form that can be read.
    Malformed,
    /// The token is missing, wrong, or comes after a file (or after too much text).
    Stale,
    /// A file could not be kept while it arrived (the server's fault, not the form's).
    Unkept,
}

/// One file as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawFile<K> {
    /// The form field.
    pub field: String,
    /// The file name the browser gave.
    pub name: String,
    /// Its bytes, cut at one byte past the limit.
    pub body: K,
}

/// A form as read: its text fields in order, and the files with a name or a byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawForm<K> {
    /// Text fields in order.
    pub pairs: Vec<(String, String)>,
    /// Files in order (an empty file input sends neither a name nor a byte: not listed).
    pub files: Vec<RawFile<K>>,
}

/// Why a field could not be read to its end.
enum Unread<E> {
    /// The parser failed.
    Field(E),
    /// The sink failed.
    Sink,
}

/// Reads a form by the rules above; `file_bytes` is the largest file the use case accepts.
pub(crate) async fn read_form<S: FieldSource, K: FileSink>(
    source: &mut S,
    gate: Gate<'_>,
    file_bytes: u64,
) -> Result<RawForm<K>, Refusal> {
    let refused = |e: S::Error| {
        if S::is_too_large(&e) {
            Refusal::TooLarge
        } else {
            Refusal::Malformed
        }
    };
    let unread = |e: Unread<S::Error>| match e {
        Unread::Field(e) => refused(e),
        Unread::Sink => Refusal::Unkept,
    };
    let mut checked = matches!(gate, Gate::SessionToken);
    let mut before_token = 0usize;
    let mut form = RawForm {
        pairs: Vec::new(),
        files: Vec::new(),
    };
    while let Some(mut field) = source.next_field().await.map_err(refused)? {
        let name = field.field_name();
        match field.file_name_of() {
            Some(_) if !checked => return Err(Refusal::Stale),
            Some(file_name) => {
                let mut body = K::default();
                read_capped(&mut field, file_bytes.saturating_add(1), &mut body)
                    .await
                    .map_err(unread)?;
                if !file_name.is_empty() || body.kept() > 0 {
                    form.files.push(RawFile {
                        field: name,
                        name: file_name,
                        body,
                    });
                }
            }
            None if checked => {
                let mut bytes = Vec::new();
                read_capped(&mut field, u64::MAX, &mut bytes)
                    .await
                    .map_err(unread)?;
                form.pairs
                    .push((name, String::from_utf8_lossy(&bytes).into_owned()));
            }
            None => {
                let room = BEFORE_TOKEN_BYTES - before_token;
                let mut bytes = Vec::new();
                read_capped(&mut field, room as u64 + 1, &mut bytes)
                    .await
                    .map_err(unread)?;
                if bytes.len() > room {
                    return Err(Refusal::Stale);
                }
                before_token += bytes.len();
                let text = String::from_utf8(bytes).map_err(|_| Refusal::Malformed)?;
                if name == "csrf" {
                    let Gate::Csrf(token_ok) = gate else {
                        return Err(Refusal::Stale);
                    };
                    if !token_ok(&text) {
                        return Err(Refusal::Stale);
                    }
                    checked = true;
                }
                form.pairs.push((name, text));
            }
        }
    }
    if !checked {
        return Err(Refusal::Stale);
    }
    Ok(form)
}

/// A field's bytes into `sink`, chunk by chunk, stopping once `cap` bytes are kept (the rest of
/// the field is skipped by the parser, never kept).
async fn read_capped<F: FieldBody, K: FileSink>(
    field: &mut F,
    cap: u64,
    sink: &mut K,
) -> Result<(), Unread<F::Error>> {
    while let Some(chunk) = field.next_chunk().await.map_err(Unread::Field)? {
        let chunk = chunk.as_ref();
        let room = cap - sink.kept();
        let full = chunk.len() as u64 >= room;
        let take = if full {
            &chunk[..usize::try_from(room).unwrap_or(chunk.len())]
        } else {
            chunk
        };
        sink.keep(take).await.map_err(|_| Unread::Sink)?;
        if full {
            break;
        }
    }
    Ok(())
}
