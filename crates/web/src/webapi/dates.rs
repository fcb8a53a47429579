//! The date and time shapes of the wire: the strictest clients parse them by literal format.

use chrono::{DateTime, Local, NaiveDate, NaiveTime, Utc};

/// A date as `YYYY-MM-DDT00:00:00` (netschoolapi parses exactly `%Y-%m-%dT00:00:00`).
pub(crate) fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%dT00:00:00").to_string()
}

/// A lesson time as `HH:MM`.
pub(crate) fn time(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

/// A moment in server-local time without offset, as `YYYY-MM-DDTHH:MM:SS`.
pub(crate) fn timestamp(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local)
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string()
}

/// Parses a `YYYY-MM-DD` query date; clients may append a time, which is ignored.
pub(crate) fn parse_query_date(text: &str) -> Option<NaiveDate> {
    let day = text.get(..10).unwrap_or(text);
    NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_are_exact() {
        let d = NaiveDate::from_ymd_opt(2026, 9, 2).unwrap();
        assert_eq!(date(d), "2026-09-02T00:00:00");
        assert_eq!(time(NaiveTime::from_hms_opt(8, 5, 0).unwrap()), "08:05");
        assert_eq!(parse_query_date("2026-09-02"), Some(d));
        assert_eq!(parse_query_date("2026-09-02T00:00:00"), Some(d));
        assert_eq!(parse_query_date("02.09.2026"), None);
    }
}
