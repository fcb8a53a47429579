//! Reading an uploaded table (CSV or XLSX) into rows of text, for imports.
//!
//! Every size an upload declares (cell references, string counts, entry sizes in the zip) is
//! checked against a limit before memory is taken for it: an allocation failure aborts the whole
//! server, it does not unwind, so a 2 KB file must never be able to ask for gigabytes.

mod cell;
mod csv_text;
mod xlsx;

/// Most data rows an import reads; larger files are split by the person sending them.
pub const MAX_ROWS: usize = 20_000;
/// Most columns an import reads.
pub const MAX_COLUMNS: usize = 100;

/// An uploaded table: the header row and the data rows, every cell as trimmed text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// Column titles as written in the file's first row.
    pub headers: Vec<String>,
    /// Data rows; each has as many cells as there are headers (missing cells are empty).
    pub rows: Vec<Vec<String>>,
}

/// Why a file could not be read; the message is Russian, for the person who sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable(pub String);

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unreadable {}

/// Reads a CSV (UTF-8, with or without BOM, or Windows-1251; `;` or `,` separated) or an XLSX file
/// (first sheet); which one is decided by the content, the name is only a hint.
/// Dates in XLSX cells come out as `ДД.ММ.ГГГГ`.
///
/// Completely empty rows are skipped, short rows padded with empty cells; a row with more values
/// than the header, or a file over [`MAX_ROWS`] data rows or [`MAX_COLUMNS`] columns, is refused
/// with a message naming the row. The older XLS and ODS formats are refused with a request to
/// save the file as XLSX or CSV.
pub fn read_table(file_name: &str, bytes: &[u8]) -> Result<Table, Unreadable> {
    if bytes.starts_with(b"PK\x03\x04") {
        xlsx::read_workbook(bytes)
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        Err(unreadable(
            "Файл сохранён в старом формате Excel (XLS): сохраните его как XLSX или CSV.",
        ))
    } else if csv_text::looks_binary(bytes) {
        Err(unreadable(format!(
            "Файл «{}» не похож на таблицу: загрузите XLSX или CSV.",
            file_name.trim()
        )))
    } else {
        csv_text::read_csv(&csv_text::decode(bytes))
    }
}

fn unreadable(message: impl Into<String>) -> Unreadable {
    Unreadable(message.into())
}

fn too_wide(columns: usize) -> Unreadable {
    unreadable(format!(
        "В таблице {columns} столбцов; можно не больше {MAX_COLUMNS}."
    ))
}

/// Collects rows into a table, whatever the format: the first non-empty row is the header.
struct Builder {
    table: Option<Table>,
}

impl Builder {
    fn new() -> Self {
        Builder { table: None }
    }

    /// Adds the row numbered `line` in the file (as the person sees it: from 1).
    fn push(&mut self, line: u64, mut cells: Vec<String>) -> Result<(), Unreadable> {
        while cells.last().is_some_and(String::is_empty) {
            cells.pop();
        }
        if cells.is_empty() {
            return Ok(());
        }
        let Some(table) = &mut self.table else {
            if cells.len() > MAX_COLUMNS {
                return Err(too_wide(cells.len()));
            }
            self.table = Some(Table {
                headers: cells,
                rows: Vec::new(),
            });
            return Ok(());
        };
        let width = table.headers.len();
        if cells.len() > width {
            return Err(unreadable(format!(
                "Строка {line}: значений ({}) больше, чем столбцов в заголовке ({width}).",
                cells.len()
            )));
        }
        if table.rows.len() == MAX_ROWS {
            return Err(unreadable(format!(
                "В таблице больше {} строк данных; разделите файл на части.",
                grouped(MAX_ROWS)
            )));
        }
        cells.resize(width, String::new());
        table.rows.push(cells);
        Ok(())
    }

    fn finish(self) -> Result<Table, Unreadable> {
        self.table
            .ok_or_else(|| unreadable("Таблица пуста: нет даже строки заголовков."))
    }
}

/// `20000` as Russian text writes it: `20 000`.
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_the_russian_way() {
        assert_eq!(grouped(20_000), "20\u{a0}000");
        assert_eq!(grouped(100), "100");
        assert_eq!(grouped(1_234_567), "1\u{a0}234\u{a0}567");
    }
}
