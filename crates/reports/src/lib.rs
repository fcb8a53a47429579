//! Documents out and tables in: PDF typeset with typst (Cyrillic fonts embedded), XLSX written
//! with rust_xlsxwriter, and CSV/XLSX files read for imports.
//!
//! typst is a long cold build, so it lives here and nowhere else.

pub mod credential_sheet;
pub mod document;
pub mod letters;
mod pdf;
pub mod table;
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
    /// A file given to read is not a table we understand; the message is for the person who sent it.
    #[error("{0}")]
    Unreadable(String),
}
