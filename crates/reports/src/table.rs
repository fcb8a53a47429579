//! Reading an uploaded table (CSV or XLSX) into rows of text, for imports.

use std::io::Cursor;

use calamine::{Data, Reader};

use crate::ReportError;

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

/// Reads a CSV (UTF-8, with or without BOM, or Windows-1251; `;` or `,` separated) or an XLSX file
/// (first sheet); which one is decided by the content, the name is only a hint.
/// Dates in XLSX cells come out as `ДД.ММ.ГГГГ`.
///
/// Completely empty rows are skipped, short rows padded with empty cells; a row with more values
/// than the header, or a file over [`MAX_ROWS`] data rows or [`MAX_COLUMNS`] columns, is refused
/// with a message naming the row.
pub fn read_table(file_name: &str, bytes: &[u8]) -> Result<Table, ReportError> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        read_workbook(bytes)
    } else if looks_binary(bytes) {
        Err(unreadable(format!(
            "Файл «{}» не похож на таблицу: загрузите XLSX или CSV.",
            file_name.trim()
        )))
    } else {
        read_csv(&decode(bytes))
    }
}

fn unreadable(message: impl Into<String>) -> ReportError {
    ReportError::Unreadable(message.into())
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
    fn push(&mut self, line: u64, mut cells: Vec<String>) -> Result<(), ReportError> {
        while cells.last().is_some_and(String::is_empty) {
            cells.pop();
        }
        if cells.is_empty() {
            return Ok(());
        }
        let Some(table) = &mut self.table else {
            if cells.len() > MAX_COLUMNS {
                return Err(unreadable(format!(
                    "В таблице {} столбцов; можно не больше {MAX_COLUMNS}.",
                    cells.len()
                )));
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

    fn finish(self) -> Result<Table, ReportError> {
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

// ---- XLSX (and the older XLS / ODS, which calamine reads the same way) ----

fn read_workbook(bytes: &[u8]) -> Result<Table, ReportError> {
    let mut workbook = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|_| unreadable("Не удалось открыть файл как таблицу Excel (XLSX)."))?;
    let range = match workbook.worksheet_range_at(0) {
        Some(Ok(range)) => range,
        Some(Err(e)) => {
            return Err(unreadable(format!(
                "Не удалось прочитать первый лист книги: {e}"
            )));
        }
        None => return Err(unreadable("В книге нет ни одного листа.")),
    };
    if range.width() > MAX_COLUMNS {
        return Err(unreadable(format!(
            "В таблице {} столбцов; можно не больше {MAX_COLUMNS}.",
            range.width()
        )));
    }
    let first_row = range.start().map_or(0, |(row, _)| u64::from(row));
    let mut builder = Builder::new();
    for (index, row) in range.rows().enumerate() {
        let cells = row.iter().map(cell_text).collect();
        builder.push(first_row + index as u64 + 1, cells)?;
    }
    builder.finish()
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(text) => text.trim().to_string(),
        Data::Int(n) => n.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(true) => "ИСТИНА".to_string(),
        Data::Bool(false) => "ЛОЖЬ".to_string(),
        Data::DateTime(value) if value.is_datetime() => {
            let (year, month, day, hour, minute, second, _) = value.to_ymd_hms_milli();
            if value.as_f64() < 1.0 {
                format!("{hour:02}:{minute:02}")
            } else if (hour, minute, second) == (0, 0, 0) {
                format!("{day:02}.{month:02}.{year:04}")
            } else {
                format!("{day:02}.{month:02}.{year:04} {hour:02}:{minute:02}")
            }
        }
        Data::DateTime(value) => number_text(value.as_f64()),
        Data::DateTimeIso(text) => iso_date_text(text),
        Data::DurationIso(text) => text.trim().to_string(),
        Data::Error(e) => e.to_string(),
    }
}

/// Whole numbers without `.0`: a class number or a phone typed as a number reads as typed.
fn number_text(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        value.to_string()
    }
}

/// `2015-09-01` or `2015-09-01T08:30:00` (as ODS stores dates) in the Russian way.
fn iso_date_text(text: &str) -> String {
    let text = text.trim();
    let date = text.get(..10).and_then(|d| {
        chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .ok()
            .map(|d| d.format("%d.%m.%Y").to_string())
    });
    match (date, text.get(11..16)) {
        (Some(date), Some(time)) if time != "00:00" => format!("{date} {time}"),
        (Some(date), _) => date,
        (None, _) => text.to_string(),
    }
}

// ---- CSV ----

/// Text that is not a table at all (a PDF, an image) has NUL bytes where CSV never does, except
/// in UTF-16, which has a BOM.
fn looks_binary(bytes: &[u8]) -> bool {
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    !utf16 && bytes.iter().take(8192).any(|b| *b == 0)
}

/// UTF-8 (BOM removed), UTF-16 with a BOM (Excel's «Unicode text»), otherwise Windows-1251, which
/// is what Excel writes for «CSV» on a Russian Windows.
fn decode(bytes: &[u8]) -> String {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
        return text.into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => {
            let (text, _) = encoding_rs::WINDOWS_1251.decode_without_bom_handling(bytes);
            text.into_owned()
        }
    }
}

/// The separator used in the header line, outside quotes: `;` if any, else `,`, else tab.
fn delimiter(text: &str) -> u8 {
    let mut quoted = false;
    let (mut semicolon, mut comma, mut tab) = (false, false, false);
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            ';' if !quoted => semicolon = true,
            ',' if !quoted => comma = true,
            '\t' if !quoted => tab = true,
            _ => {}
        }
    }
    if semicolon {
        b';'
    } else if comma {
        b','
    } else if tab {
        b'\t'
    } else {
        b';'
    }
}

fn read_csv(text: &str) -> Result<Table, ReportError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter(text))
        .from_reader(text.as_bytes());
    let mut lines = LineCounter::new(text.as_bytes());
    let mut builder = Builder::new();
    let mut record = csv::StringRecord::new();
    loop {
        let start = reader.position().byte();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = lines.line_at(record.position().map_or(start, csv::Position::byte));
                let cells = record.iter().map(|c| c.trim().to_string()).collect();
                builder.push(line, cells)?;
            }
            Err(e) => {
                let line = lines.line_at(e.position().map_or(start, csv::Position::byte));
                return Err(unreadable(format!(
                    "Строка {line}: не удалось разобрать CSV ({e})."
                )));
            }
        }
    }
    builder.finish()
}

/// Line numbers as an editor shows them. The csv crate's own count skips blank lines, and a
/// record's position is where parsing began, before the blank lines it skipped.
struct LineCounter<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineCounter {
            bytes,
            offset: 0,
            line: 1,
        }
    }

    /// The line of the first non-blank byte at or after `byte`; positions only move forward.
    fn line_at(&mut self, byte: u64) -> u64 {
        let mut target = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        while matches!(self.bytes.get(target), Some(b'\r' | b'\n')) {
            target += 1;
        }
        if target > self.offset {
            let newlines = self.bytes[self.offset..target]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            self.line += newlines as u64;
            self.offset = target;
        }
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_typed() {
        assert_eq!(number_text(5.0), "5");
        assert_eq!(number_text(-12.0), "-12");
        assert_eq!(number_text(4.25), "4.25");
        assert_eq!(number_text(79_001_234_567.0), "79001234567");
        assert_eq!(grouped(20_000), "20\u{a0}000");
        assert_eq!(grouped(100), "100");
        assert_eq!(grouped(1_234_567), "1\u{a0}234\u{a0}567");
    }

    #[test]
    fn iso_dates_become_russian() {
        assert_eq!(iso_date_text("2015-09-01"), "01.09.2015");
        assert_eq!(iso_date_text("2015-09-01T00:00:00"), "01.09.2015");
        assert_eq!(iso_date_text("2015-09-01T08:30:00"), "01.09.2015 08:30");
        assert_eq!(iso_date_text("не дата"), "не дата");
    }

    #[test]
    fn delimiter_comes_from_the_header_outside_quotes() {
        assert_eq!(delimiter("a;b,c\n1,2,3"), b';');
        assert_eq!(delimiter("a,b\n1;2"), b',');
        assert_eq!(delimiter("\"a;b\",c\n"), b',');
        assert_eq!(delimiter("a\tb\n"), b'\t');
        assert_eq!(delimiter("a\n1;2"), b';');
    }

    #[test]
    fn encodings() {
        assert_eq!(decode(b"\xEF\xBB\xBF\xD0\xAF"), "Я");
        assert_eq!(decode(b"\xDF"), "Я");
        assert_eq!(decode(b"\xFF\xFE\x2F\x04"), "Я");
    }
}
