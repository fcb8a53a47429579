//! CSV text: its encoding, its separator, and line numbers as an editor shows them.

use crate::{Builder, Table, Unreadable, unreadable};

/// Text that is not a table at all (a PDF, an image) has NUL bytes where CSV never does, except
/// in UTF-16, which has a BOM.
pub(crate) fn looks_binary(bytes: &[u8]) -> bool {
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    !utf16 && bytes.iter().take(8192).any(|b| *b == 0)
}

/// UTF-8 (BOM removed), UTF-16 with a BOM (Excel's «Unicode text»), otherwise Windows-1251, which
/// is what Excel writes for «CSV» on a Russian Windows.
pub(crate) fn decode(bytes: &[u8]) -> String {
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

pub(crate) fn read_csv(text: &str) -> Result<Table, Unreadable> {
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
