//! Documents out: PDF typeset with typst (Cyrillic fonts embedded) and XLSX written with
//! rust_xlsxwriter. Uploaded tables are read by the light `sgo-sheet` crate.
//!
//! typst is a long cold build, so it lives here and nowhere else.

pub mod credential_sheet;
pub mod document;
pub mod letters;
mod pdf;
pub mod xlsx;

/// What can go wrong producing or reading a document.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Typesetting failed (a template or data problem: a bug, not user input).
    #[error("ошибка вёрстки PDF: {0}")]
    Typeset(String),
    /// Writing the spreadsheet failed.
    #[error("ошибка записи XLSX: {0}")]
    Xlsx(String),
}
