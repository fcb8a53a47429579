//! Plain tables written as XLSX: Cyrillic headers, text as text (never a formula), numbers as numbers.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::ReportError;
use crate::document::Document;

/// Excel refuses longer sheet names.
const SHEET_NAME_MAX: usize = 31;
/// Excel's limit on the text of one cell.
const CELL_TEXT_MAX: usize = 32_767;
/// Widest a column gets from autofit, in pixels: long names wrap the view, not the screen.
const COLUMN_MAX_PIXELS: u32 = 400;

/// A cell of an exported table.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Cell {
    /// Text, written as a string cell whatever it starts with.
    Text(String),
    /// A number.
    Number(f64),
    /// A number shown with this many decimals (a percentage, an average).
    Fixed(f64, u8),
    /// Nothing.
    Empty,
}

/// One sheet: its name, header row and rows. The header row is bold, frozen and filterable,
/// columns are fitted to their contents; the sheet name is made acceptable to Excel.
pub fn table_xlsx(
    sheet: &str,
    headers: &[&str],
    rows: &[Vec<Cell>],
) -> Result<Vec<u8>, ReportError> {
    write(sheet, headers, rows).map_err(|e| ReportError::Xlsx(e.to_string()))
}

fn write(sheet: &str, headers: &[&str], rows: &[Vec<Cell>]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let worksheet = workbook.add_worksheet();
    worksheet.set_name(sheet_name(sheet))?;
    let bold = Format::new().set_bold();
    for (col, header) in headers.iter().enumerate() {
        worksheet.write_string_with_format(0, column(col)?, text(header), &bold)?;
    }
    for (index, row) in rows.iter().enumerate() {
        let r = u32::try_from(index + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        for (col, cell) in row.iter().enumerate() {
            let c = column(col)?;
            match cell {
                // Always a string cell: `=…`, `+…`, `@…` must never become a formula.
                Cell::Text(value) => {
                    worksheet.write_string(r, c, text(value))?;
                }
                Cell::Number(value) => {
                    worksheet.write_number(r, c, *value)?;
                }
                Cell::Fixed(value, decimals) => {
                    worksheet.write_number_with_format(r, c, *value, &fixed(*decimals))?;
                }
                Cell::Empty => {}
            }
        }
    }
    if !headers.is_empty() {
        worksheet.set_freeze_panes(1, 0)?;
        let last_row = u32::try_from(rows.len()).map_err(|_| XlsxError::RowColumnLimitError)?;
        worksheet.autofilter(0, 0, last_row, column(headers.len() - 1)?)?;
    }
    worksheet.set_autofit_max_width(COLUMN_MAX_PIXELS);
    worksheet.set_autofit_max_row(1_000);
    worksheet.autofit();
    workbook.save_to_buffer()
}

/// The number format showing `decimals` digits after the point.
fn fixed(decimals: u8) -> Format {
    let pattern = if decimals == 0 {
        "0".to_owned()
    } else {
        format!("0.{}", "0".repeat(usize::from(decimals)))
    };
    Format::new().set_num_format(pattern)
}

/// A report document as a workbook: one sheet per table, named after its caption, with the
/// title and facts above a bold header row; totals follow the data in bold.
pub fn sections_xlsx(doc: &Document) -> Result<Vec<u8>, ReportError> {
    write_document(doc).map_err(|e| ReportError::Xlsx(e.to_string()))
}

fn write_document(doc: &Document) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let mut used: Vec<String> = Vec::new();
    for (index, section) in doc.sections.iter().enumerate() {
        let worksheet = workbook.add_worksheet();
        let mut name = sheet_name(if section.caption.is_empty() {
            &doc.title
        } else {
            &section.caption
        });
        // Sheet names must be unique regardless of case.
        if used.iter().any(|u| u.to_lowercase() == name.to_lowercase()) {
            let suffix = format!(" ({})", index + 1);
            let keep = SHEET_NAME_MAX - suffix.chars().count();
            name = format!("{}{suffix}", name.chars().take(keep).collect::<String>());
        }
        worksheet.set_name(&name)?;
        used.push(name);
        worksheet.write_string_with_format(0, 0, text(&doc.title), &bold)?;
        let mut r: u32 = 1;
        for (label, value) in &doc.facts {
            worksheet.write_string(r, 0, text(label))?;
            worksheet.write_string(r, 1, text(value))?;
            r += 1;
        }
        r += 1;
        let header_row = r;
        for (col, header) in section.headers.iter().enumerate() {
            worksheet.write_string_with_format(r, column(col)?, text(header), &bold)?;
        }
        for row in &section.rows {
            r += 1;
            write_row(worksheet, r, row, None)?;
        }
        for row in &section.totals {
            r += 1;
            write_row(worksheet, r, row, Some(&bold))?;
        }
        if section.rows.is_empty() && section.totals.is_empty() && !section.empty_text.is_empty() {
            worksheet.write_string(r + 1, 0, text(&section.empty_text))?;
        }
        if !section.headers.is_empty() {
            worksheet.set_freeze_panes(header_row + 1, 0)?;
        }
        worksheet.set_autofit_max_width(COLUMN_MAX_PIXELS);
        worksheet.set_autofit_max_row(1_000);
        worksheet.autofit();
    }
    if doc.sections.is_empty() {
        let worksheet = workbook.add_worksheet();
        worksheet.set_name(sheet_name(&doc.title))?;
        worksheet.write_string_with_format(0, 0, text(&doc.title), &bold)?;
    }
    workbook.save_to_buffer()
}

fn write_row(
    worksheet: &mut rust_xlsxwriter::Worksheet,
    r: u32,
    row: &[Cell],
    bold: Option<&Format>,
) -> Result<(), XlsxError> {
    let plain = Format::new();
    let base = bold.unwrap_or(&plain);
    for (col, cell) in row.iter().enumerate() {
        let c = column(col)?;
        match cell {
            // Always a string cell: `=…`, `+…`, `@…` must never become a formula.
            Cell::Text(value) => {
                worksheet.write_string_with_format(r, c, text(value), base)?;
            }
            Cell::Number(value) => {
                worksheet.write_number_with_format(r, c, *value, base)?;
            }
            Cell::Fixed(value, decimals) => {
                let mut f = fixed(*decimals);
                if bold.is_some() {
                    f = f.set_bold();
                }
                worksheet.write_number_with_format(r, c, *value, &f)?;
            }
            Cell::Empty => {}
        }
    }
    Ok(())
}

fn column(index: usize) -> Result<u16, XlsxError> {
    u16::try_from(index).map_err(|_| XlsxError::RowColumnLimitError)
}

/// Text cut to what one cell may hold (on a character boundary).
fn text(value: &str) -> &str {
    match value.char_indices().nth(CELL_TEXT_MAX) {
        Some((end, _)) => &value[..end],
        None => value,
    }
}

/// A sheet name Excel accepts: forbidden characters replaced, no leading or trailing apostrophe,
/// at most 31 characters, not blank and not the reserved «History».
pub fn sheet_name(wanted: &str) -> String {
    let replaced: String = wanted
        .chars()
        .map(|c| match c {
            '[' | ']' | ':' | '*' | '?' | '/' | '\\' => '_',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    let trimmed = replaced.trim().trim_matches('\'').trim();
    let mut name: String = trimmed.chars().take(SHEET_NAME_MAX).collect();
    name = name.trim_end().trim_end_matches('\'').to_string();
    if name.is_empty() {
        name = "Лист1".to_string();
    }
    if name.eq_ignore_ascii_case("history") {
        name.push('_');
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names() {
        assert_eq!(sheet_name("Итоги: 1/2 [черновик]"), "Итоги_ 1_2 _черновик_");
        assert_eq!(sheet_name("  "), "Лист1");
        assert_eq!(sheet_name("' '"), "Лист1");
        assert_eq!(sheet_name("HISTORY"), "HISTORY_");
        assert_eq!(sheet_name(&"Я".repeat(40)).chars().count(), 31);
        assert_eq!(sheet_name("строка\nвторая"), "строка вторая");
    }

    #[test]
    fn long_text_is_cut_on_a_character() {
        let long = "Ё".repeat(CELL_TEXT_MAX + 5);
        assert_eq!(text(&long).chars().count(), CELL_TEXT_MAX);
        assert_eq!(text("короткий"), "короткий");
    }
}
