//! Writing an iCalendar (RFC 5545) feed: events with escaped text and folded lines, so that any
//! calendar program (Google, Apple, Thunderbird, khal) reads the diary's lessons, homework and
//! holidays.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};

/// When an event happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// From one local time to another (floating: the school's own clock, as the diary shows).
    Span(NaiveDateTime, NaiveDateTime),
    /// Whole days, the last one included.
    Days(NaiveDate, NaiveDate),
}

/// One event of the feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Stable across feeds, so that a calendar updates the event instead of adding another.
    pub uid: String,
    /// When.
    pub when: When,
    /// The title.
    pub summary: String,
    /// Where (a room); empty for none.
    pub location: String,
    /// More text; empty for none.
    pub description: String,
}

/// Longest content line in octets, without its line break (RFC 5545 §3.1).
const LINE_OCTETS: usize = 75;

/// Text as a property value: backslash, semicolon, comma and line breaks escaped (§3.3.11).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line, folded so that no line exceeds 75 octets and no UTF-8 character
/// is split (§3.1), ended by CRLF.
fn line(out: &mut String, content: &str) {
    let mut used = 0;
    for c in content.chars() {
        let size = c.len_utf8();
        if used + size > LINE_OCTETS {
            out.push_str("\r\n ");
            // The leading space of a continuation line counts towards its length.
            used = 1;
        }
        out.push(c);
        used += size;
    }
    out.push_str("\r\n");
}

fn local(t: NaiveDateTime) -> String {
    t.format("%Y%m%dT%H%M%S").to_string()
}

fn day(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// The whole calendar: `name` as its title, `stamp` as every event's DTSTAMP.
pub fn calendar(name: &str, stamp: DateTime<Utc>, events: &[Event]) -> String {
    let mut out = String::new();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//SGO//Dnevnik//RU");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, "METHOD:PUBLISH");
    line(&mut out, &format!("X-WR-CALNAME:{}", escape(name)));
    let stamp = stamp.format("%Y%m%dT%H%M%SZ").to_string();
    for e in events {
        line(&mut out, "BEGIN:VEVENT");
        line(&mut out, &format!("UID:{}", escape(&e.uid)));
        line(&mut out, &format!("DTSTAMP:{stamp}"));
        match e.when {
            When::Span(start, end) => {
                line(&mut out, &format!("DTSTART:{}", local(start)));
                line(&mut out, &format!("DTEND:{}", local(end)));
            }
            When::Days(first, last) => {
                line(&mut out, &format!("DTSTART;VALUE=DATE:{}", day(first)));
                // DTEND of whole days is the day after the last one (§3.6.1).
                let after = last.checked_add_signed(Duration::days(1)).unwrap_or(last);
                line(&mut out, &format!("DTEND;VALUE=DATE:{}", day(after)));
            }
        }
        line(&mut out, &format!("SUMMARY:{}", escape(&e.summary)));
        if !e.location.is_empty() {
            line(&mut out, &format!("LOCATION:{}", escape(&e.location)));
        }
        if !e.description.is_empty() {
            line(&mut out, &format!("DESCRIPTION:{}", escape(&e.description)));
        }
        line(&mut out, "END:VEVENT");
    }
    line(&mut out, "END:VCALENDAR");
    out
}

/// `text` with its folding undone: what a reader of the feed sees as one logical line each.
pub fn unfold(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for raw in text.split("\r\n") {
        if let (Some(rest), Some(last)) = (raw.strip_prefix(' '), lines.last_mut()) {
            last.push_str(rest);
            continue;
        }
        if !raw.is_empty() {
            lines.push(raw.to_owned());
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveTime;

    fn at(d: &str, t: &str) -> NaiveDateTime {
        NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .unwrap()
            .and_time(NaiveTime::parse_from_str(t, "%H:%M").unwrap())
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape("Алгебра; №5, стр. 10\\11\nвсё"),
            "Алгебра\\; №5\\, стр. 10\\\\11\\nвсё"
        );
        assert_eq!(escape("a\r\nb\u{7}"), "a\\nb");
    }

    #[test]
    fn long_lines_are_folded_at_75_octets_without_splitting_letters() {
        let summary = "Домашнее задание: ".repeat(10);
        let feed = calendar(
            "Дневник",
            Utc::now(),
            &[Event {
                uid: "x".into(),
                when: When::Days(
                    NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(),
                    NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(),
                ),
                summary: summary.clone(),
                location: String::new(),
                description: String::new(),
            }],
        );
        for l in feed.split("\r\n") {
            assert!(l.len() <= LINE_OCTETS, "{} octets: {l}", l.len());
        }
        let lines = unfold(&feed);
        assert!(lines.contains(&format!("SUMMARY:{summary}")), "{lines:?}");
        assert!(lines.contains(&"DTSTART;VALUE=DATE:20261207".to_owned()));
        assert!(lines.contains(&"DTEND;VALUE=DATE:20261208".to_owned()));
    }

    #[test]
    fn a_lesson_has_its_local_times_room_and_a_stable_uid() {
        let stamp = DateTime::parse_from_rfc3339("2026-12-07T05:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let feed = calendar(
            "Дневник",
            stamp,
            &[Event {
                uid: "lesson-42@sgo".into(),
                when: When::Span(at("2026-12-07", "08:30"), at("2026-12-07", "09:15")),
                summary: "Алгебра".into(),
                location: "каб. 12".into(),
                description: "Учитель: Иванова И. И.".into(),
            }],
        );
        assert!(feed.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(feed.ends_with("END:VCALENDAR\r\n"));
        let lines = unfold(&feed);
        for want in [
            "UID:lesson-42@sgo",
            "DTSTAMP:20261207T050000Z",
            "DTSTART:20261207T083000",
            "DTEND:20261207T091500",
            "SUMMARY:Алгебра",
            "LOCATION:каб. 12",
            "DESCRIPTION:Учитель: Иванова И. И.",
        ] {
            assert!(lines.contains(&want.to_owned()), "{want} in {lines:?}");
        }
    }
}
