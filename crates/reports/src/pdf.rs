//! The typesetting engine shared by every PDF this crate makes: typst with the DejaVu fonts compiled
//! into the binary and the crate's templates registered by name.
//!
//! Data reaches a template only as `sys.inputs` (a typst dictionary built in Rust), never as source
//! text, so a name containing `#`, `[` or `$` is printed, not run.

use std::sync::OnceLock;

use typst::diag::{Severity, SourceDiagnostic};
use typst::foundations::{Dict, IntoValue, Str, Value};
use typst_as_lib::{TypstAsLibError, TypstEngine};
use typst_layout::PagedDocument;

use crate::ReportError;

/// Templates name them as `"DejaVu Sans"` (running text) and `"DejaVu Sans Mono"` (logins,
/// passwords, anything read character by character).
const FONTS: [&[u8]; 4] = [
    include_bytes!("../fonts/DejaVuSans.ttf"),
    include_bytes!("../fonts/DejaVuSans-Bold.ttf"),
    include_bytes!("../fonts/DejaVuSansMono.ttf"),
    include_bytes!("../fonts/DejaVuSansMono-Bold.ttf"),
];

/// Every template of the crate, by the name `render` takes. New documents add a line here.
const TEMPLATES: &[(&str, &str)] = &[
    (
        "credential_sheet.typ",
        include_str!("../templates/credential_sheet.typ"),
    ),
    ("letters.typ", include_str!("../templates/letters.typ")),
    ("document.typ", include_str!("../templates/document.typ")),
];

/// How many compilations typst's memo cache keeps results for: a few, so the second sheet reuses
/// the layout of fonts and template, without the cache growing with every distinct document.
const CACHE_AGE: usize = 8;

fn engine() -> &'static TypstEngine {
    static ENGINE: OnceLock<TypstEngine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        TypstEngine::builder()
            .fonts(FONTS)
            .with_static_source_file_resolver(TEMPLATES.iter().copied())
            .comemo_evict_max_age(Some(CACHE_AGE))
            .build()
    })
}

/// Typesets the named template (a file under `templates/`, registered in `TEMPLATES`) with
/// `inputs` as `sys.inputs` and returns the PDF.
pub fn render(template: &str, inputs: Dict) -> Result<Vec<u8>, ReportError> {
    if !TEMPLATES.iter().any(|(name, _)| *name == template) {
        return Err(ReportError::Typeset(format!("нет шаблона {template}")));
    }
    let document: PagedDocument = engine()
        .compile_with_input(template, inputs)
        .output
        .map_err(describe)?;
    typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default())
        .map_err(|errors| ReportError::Typeset(messages(&errors)))
}

/// A dictionary of string values, the usual shape of one record passed to a template.
pub fn dict<'a>(fields: impl IntoIterator<Item = (&'a str, &'a str)>) -> Dict {
    fields
        .into_iter()
        .map(|(key, value)| (Str::from(key), Value::Str(value.into())))
        .collect()
}

/// A typst array of values, e.g. the records of a list.
pub fn array(items: impl IntoIterator<Item = Value>) -> Value {
    items.into_iter().collect::<Vec<_>>().into_value()
}

fn describe(error: TypstAsLibError) -> ReportError {
    match error {
        TypstAsLibError::TypstSource(errors) => ReportError::Typeset(messages(&errors)),
        other => ReportError::Typeset(other.to_string()),
    }
}

fn messages(diagnostics: &[SourceDiagnostic]) -> String {
    diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.message.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_template_is_an_error() {
        assert!(matches!(
            render("nope.typ", Dict::new()),
            Err(ReportError::Typeset(_))
        ));
    }

    #[test]
    fn template_errors_come_back_as_messages() {
        match render("credential_sheet.typ", Dict::new()) {
            Err(ReportError::Typeset(message)) => assert!(message.contains("cards"), "{message}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_embedded_fonts_parse() {
        let fonts: usize = FONTS
            .iter()
            .map(|bytes| typst::text::Font::iter(typst::foundations::Bytes::new(*bytes)).count())
            .sum();
        assert_eq!(fonts, 4);
    }
}
