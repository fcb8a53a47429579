//! The field parsers behind forms and the NetSchool API: names, marks, SNILS, e-mail, phone,
//! dates, and the week parameters of the diary (the web crate's date parser is compiled from its
//! own source, as sgo-web itself is too heavy to fuzz).
#![no_main]

use chrono::{Duration, NaiveDate};
use libfuzzer_sys::fuzz_target;
use sgo_core::{calendar, import, journal, person, settings};

#[allow(dead_code)]
#[path = "../../crates/web/src/webapi/dates.rs"]
mod dates;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(name) = person::clean_person_name(text) {
        assert_eq!(person::clean_person_name(&name), Ok(name.clone()));
        assert!(!name.chars().any(char::is_control));
    }
    let _ = settings::check_display_name(text);
    let _ = settings::check_email(text);
    let _ = settings::normalise_phone(text);
    let _ = person::parse_snils(text);
    let _ = journal::parse_mark(text);
    let _ = journal::parse_final_mark(text);
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
    let _ = import::parse_birth_date(text, today);
    let _ = import::parse_gender(text);
    let _ = import::parse_class(text);
    let _ = import::parse_role(text);
    let _ = import::is_email(text);
    let _ = import::is_phone(text);
    // The diary's `weekStart`: parsed, the week's Monday found, the week's end added.
    if let Some(day) = dates::parse_query_date(text) {
        let _ = dates::date(day);
        if day.checked_sub_signed(Duration::days(7)).is_some() {
            let monday = calendar::week_start(day);
            assert!(monday <= day);
        }
        let _ = day.checked_add_signed(Duration::days(6));
        let _ = calendar::academic_year_start(day);
    }
});
