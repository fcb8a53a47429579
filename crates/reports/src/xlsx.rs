//! Plain tables written as XLSX: Cyrillic headers, text as text (never a formula), numbers as numbers.

use crate::ReportError;

/// A cell of an exported table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text, written as a string cell whatever it starts with.
    Text(String),
    /// A number.
    Number(f64),
    /// Nothing.
    Empty,
}

/// One sheet: its name, header row and rows.
pub fn table_xlsx(
    sheet: &str,
    headers: &[&str],
    rows: &[Vec<Cell>],
) -> Result<Vec<u8>, ReportError> {
    let _ = (sheet, headers, rows);
    Err(ReportError::Unavailable)
}
