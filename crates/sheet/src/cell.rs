//! The small pieces of an XLSX cell: its reference, its number or date, its escaped text.

use chrono::{Duration, NaiveDate};

/// The zero-based (row, column) of a reference such as `B7`; `None` when it is not one.
/// Rows and columns beyond Excel's own limits (1 048 576 × 16 384) are not references either.
pub(crate) fn parse_reference(text: &str) -> Option<(u32, u32)> {
    let bytes = text.as_bytes();
    let letters = bytes.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let column = column_index(&text[..letters])?;
    let digits = &text[letters..];
    if digits.is_empty() || digits.len() > 7 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let row: u32 = digits.parse().ok()?;
    if row == 0 || row > 1_048_576 {
        return None;
    }
    Some((row - 1, column))
}

/// The zero-based index of a column written in letters (`A` → 0, `XFD` → 16 383).
pub(crate) fn column_index(letters: &str) -> Option<u32> {
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let mut n: u32 = 0;
    for b in letters.bytes() {
        if !b.is_ascii_alphabetic() {
            return None;
        }
        n = n * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1;
    }
    (n <= 16_384).then(|| n - 1)
}

/// Whole numbers without `.0`: a class number or a phone typed as a number reads as typed.
pub(crate) fn number_text(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        value.to_string()
    }
}

/// An Excel serial date as Russian text: `ДД.ММ.ГГГГ`, with `ЧЧ:ММ` when it has a time, only
/// the time below 1. Out of Excel's range (years 1900…9999) it stays a number.
pub(crate) fn serial_date_text(serial: f64, date1904: bool) -> String {
    if !serial.is_finite() || !(0.0..2_958_466.0).contains(&serial) {
        return number_text(serial);
    }
    let mut days = serial.trunc() as i64;
    let mut millis = ((serial - serial.trunc()) * 86_400_000.0).round() as i64;
    if millis >= 86_400_000 {
        days += 1;
        millis -= 86_400_000;
    }
    let (hour, minute) = (millis / 3_600_000, millis / 60_000 % 60);
    if serial < 1.0 {
        return format!("{hour:02}:{minute:02}");
    }
    let base = if date1904 {
        NaiveDate::from_ymd_opt(1904, 1, 1)
    } else if days < 60 {
        // Excel counts a 29 February 1900 that never was; days before it start a day later.
        NaiveDate::from_ymd_opt(1899, 12, 31)
    } else {
        NaiveDate::from_ymd_opt(1899, 12, 30)
    };
    let Some(date) = base.and_then(|b| b.checked_add_signed(Duration::days(days))) else {
        return number_text(serial);
    };
    let date = date.format("%d.%m.%Y");
    if millis < 60_000 {
        date.to_string()
    } else {
        format!("{date} {hour:02}:{minute:02}")
    }
}

/// `2015-09-01` or `2015-09-01T08:30:00` (as `t="d"` cells store dates) in the Russian way.
pub(crate) fn iso_date_text(text: &str) -> String {
    let text = text.trim();
    let date = text.get(..10).and_then(|d| {
        NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .ok()
            .map(|d| d.format("%d.%m.%Y").to_string())
    });
    match (date, text.get(11..16)) {
        (Some(date), Some(time)) if time != "00:00" => format!("{date} {time}"),
        (Some(date), _) => date,
        (None, _) => text.to_string(),
    }
}

/// Whether a built-in number format (by id) shows a date or a time.
pub(crate) fn builtin_is_date(id: u32) -> bool {
    matches!(id, 14..=22 | 27..=36 | 45..=47 | 50..=58)
}

/// Whether a custom number format code shows a date or a time: a day, month, year, hour or
/// second letter outside quoted text, escapes and `[colour]`/`[$-locale]` brackets.
pub(crate) fn format_is_date(code: &str) -> bool {
    // Only the first section (positive numbers) matters for how a date is written.
    let mut quoted = false;
    let mut escaped = false;
    let mut bracket = String::new();
    let mut in_bracket = false;
    for c in code.chars() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '"' => quoted = !quoted,
            _ if quoted => {}
            '\\' | '_' | '*' => escaped = true,
            '[' => {
                in_bracket = true;
                bracket.clear();
            }
            ']' if in_bracket => {
                in_bracket = false;
                // Elapsed time: `[h]`, `[mm]`, `[ss]`.
                if !bracket.is_empty()
                    && bracket
                        .chars()
                        .all(|b| matches!(b.to_ascii_lowercase(), 'h' | 'm' | 's'))
                {
                    return true;
                }
            }
            _ if in_bracket => bracket.push(c),
            ';' => return false,
            'd' | 'D' | 'm' | 'M' | 'y' | 'Y' | 'h' | 'H' | 's' | 'S' => return true,
            _ => {}
        }
    }
    false
}

/// Text as OOXML stores it: `_x000D_` stands for the character U+000D, `_x005F_` for `_`.
pub(crate) fn unescape_xstring(text: &str) -> String {
    if !text.contains("_x") {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("_x") {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let code = tail
            .get(2..6)
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
            .filter(|_| tail.as_bytes().get(6) == Some(&b'_'))
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .and_then(char::from_u32);
        match code {
            Some(c) => {
                out.push(c);
                rest = &tail[7..];
            }
            None => {
                out.push_str("_x");
                rest = &tail[2..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        assert_eq!(parse_reference("A1"), Some((0, 0)));
        assert_eq!(parse_reference("b7"), Some((6, 1)));
        assert_eq!(parse_reference("XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(parse_reference("XFE1"), None);
        assert_eq!(parse_reference("A1048577"), None);
        assert_eq!(parse_reference("A0"), None);
        assert_eq!(parse_reference("A"), None);
        assert_eq!(parse_reference("1"), None);
        assert_eq!(parse_reference("AAAA1"), None);
        assert_eq!(parse_reference("A1x"), None);
        assert_eq!(parse_reference("A99999999999"), None);
        assert_eq!(column_index("Z"), Some(25));
        assert_eq!(column_index("AA"), Some(26));
    }

    #[test]
    fn numbers_read_as_typed() {
        assert_eq!(number_text(5.0), "5");
        assert_eq!(number_text(-12.0), "-12");
        assert_eq!(number_text(4.25), "4.25");
        assert_eq!(number_text(79_001_234_567.0), "79001234567");
    }

    #[test]
    fn serial_dates() {
        assert_eq!(serial_date_text(42248.0, false), "01.09.2015");
        assert_eq!(serial_date_text(42248.5, false), "01.09.2015 12:00");
        assert_eq!(serial_date_text(0.5, false), "12:00");
        assert_eq!(serial_date_text(1.0, false), "01.01.1900");
        assert_eq!(serial_date_text(61.0, false), "01.03.1900");
        assert_eq!(serial_date_text(0.0, true), "00:00");
        assert_eq!(serial_date_text(1.0, true), "02.01.1904");
        assert_eq!(serial_date_text(-3.0, false), "-3");
        assert_eq!(serial_date_text(3e6, false), "3000000");
        assert_eq!(serial_date_text(f64::NAN, false), "NaN");
        assert_eq!(serial_date_text(42_248.999_999_999_9, false), "02.09.2015");
    }

    #[test]
    fn iso_dates_become_russian() {
        assert_eq!(iso_date_text("2015-09-01"), "01.09.2015");
        assert_eq!(iso_date_text("2015-09-01T00:00:00"), "01.09.2015");
        assert_eq!(iso_date_text("2015-09-01T08:30:00"), "01.09.2015 08:30");
        assert_eq!(iso_date_text("не дата"), "не дата");
    }

    #[test]
    fn date_formats() {
        assert!(builtin_is_date(14));
        assert!(!builtin_is_date(0));
        assert!(!builtin_is_date(49));
        assert!(format_is_date("dd/mm/yyyy"));
        assert!(format_is_date("[$-419]DD.MM.YYYY"));
        assert!(format_is_date("[h]:mm"));
        assert!(!format_is_date("General"));
        assert!(!format_is_date("0.00"));
        assert!(!format_is_date("[Red]0.00;\"days\""));
        assert!(!format_is_date("0\" шт\""));
        assert!(!format_is_date("@"));
    }

    #[test]
    fn escaped_characters() {
        assert_eq!(unescape_xstring("a_x000D_b"), "a\rb");
        assert_eq!(unescape_xstring("_x005F_x000D_"), "_x000D_");
        assert_eq!(unescape_xstring("_x12"), "_x12");
        assert_eq!(unescape_xstring("_xD800_"), "_xD800_");
        assert_eq!(unescape_xstring("Щука_xZZZZ_"), "Щука_xZZZZ_");
    }
}
