//! What NetSchool clients send: URL-encoded forms (the login challenge), query parameters (the
//! diary's week, ids) and JSON bodies (mail, attachments, report queue requests), read by the
//! web crate's own `webapi/input.rs`, compiled here from its source (sgo-web is too heavy to
//! fuzz). Every reader must answer Ok or a refusal, never panic; what is read back must hold.
#![no_main]

use std::collections::HashMap;

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../crates/web/src/webapi/dates.rs"]
mod dates;
#[allow(dead_code)]
#[path = "../../crates/web/src/webapi/input.rs"]
mod input;

fuzz_target!(|data: &[u8]| {
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();

    // A login form: names fold to lower case.
    if let Ok(form) = input::case_insensitive_form(data) {
        assert!(form.keys().all(|k| *k == k.to_lowercase()));
    }

    // The same bytes as a query string.
    if let Ok(pairs) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(data) {
        let query: HashMap<String, String> = pairs.into_iter().collect();
        if let Ok(week) = input::diary_query(query.clone(), today) {
            assert!(week.student.to_string().len() <= 20);
        }
        let _ = input::int_param(query, "studentId");
    }

    if let Ok(text) = std::str::from_utf8(data) {
        let _ = input::path_id(text, "Неверный номер");
        if let Some((from, to)) = input::parse_range(text) {
            assert_eq!(input::parse_range(&input::range_value(from, to)), Some((from, to)));
        }
        if let Some(report) = input::StudentReport::from_id(text) {
            assert_eq!(input::StudentReport::from_id(&text.to_uppercase()), Some(report));
        }
    }

    // JSON bodies: the readers that take bytes, then those that take a parsed value.
    let _ = input::assign_ids(data);
    for report in [input::StudentReport::TotalMarks, input::StudentReport::Grades] {
        let _ = input::selection(report, data);
    }
    if let Ok(body) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = input::message_ids(&body);
        let _ = input::mark_as_read(&body);
        let _ = input::mailbox_request(&body);
        if let Ok(message) = input::send_request(&body) {
            assert_eq!(message.is_html, message.text.contains('<') && message.text.contains('>'));
        }
        if let Some(n) = body.as_i64().filter(|n| *n >= 0) {
            let key = input::recipient_key(n);
            assert_eq!(input::parse_recipient(&serde_json::Value::String(key)), Some(n));
        }
    }
});
