//! Any upload through the table reader and, when it reads, through the import rules.
#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use sgo_core::import::{ImportKind, SchoolFacts, validate};

fuzz_target!(|data: &[u8]| {
    let Ok(table) = sgo_sheet::read_table("upload", data) else {
        return;
    };
    assert!(table.headers.len() <= sgo_sheet::MAX_COLUMNS);
    assert!(table.rows.len() <= sgo_sheet::MAX_ROWS);
    assert!(table.rows.iter().all(|r| r.len() == table.headers.len()));
    let mut facts = SchoolFacts {
        today: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default(),
        ..SchoolFacts::default()
    };
    facts.classes.insert("5А".to_owned(), 1);
    facts.taken_logins.insert("ivanov".to_owned());
    for kind in [ImportKind::Students, ImportKind::Staff] {
        if let Ok(checked) = validate(kind, &table.headers, &table.rows, &facts) {
            for person in checked
                .batch
                .students
                .iter()
                .map(|s| &s.person)
                .chain(checked.batch.staff.iter().map(|s| &s.person))
            {
                assert!(sgo_core::person::clean_person_name(&person.last_name).is_ok());
                assert!(!person.last_name.chars().any(char::is_control));
            }
        }
    }
});
