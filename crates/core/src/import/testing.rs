//! What the unit tests of the import share: a school, and rows of the students' file.

use chrono::NaiveDate;

use super::*;

pub(super) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
}

pub(super) fn facts() -> SchoolFacts {
    SchoolFacts {
        classes: [
            ("5А".to_owned(), 51),
            ("5Б".to_owned(), 52),
            ("10А".to_owned(), 101),
        ]
        .into_iter()
        .collect(),
        taken_logins: ["ivanovpi".to_owned(), "занят".to_owned()]
            .into_iter()
            .collect(),
        today: d(2026, 11, 23),
    }
}

pub(super) fn strings(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|s| (*s).to_owned()).collect()
}

pub(super) fn student_headers() -> Vec<String> {
    ImportKind::Students
        .columns()
        .iter()
        .map(|c| c.title.to_owned())
        .collect()
}

/// A student row: the seven student cells, then parent 1's six, then parent 2's six.
pub(super) fn student(cells: &[&str], p1: &[&str], p2: &[&str]) -> Vec<String> {
    let mut row = strings(cells);
    row.resize(7, String::new());
    let mut a = strings(p1);
    a.resize(6, String::new());
    let mut b = strings(p2);
    b.resize(6, String::new());
    row.extend(a);
    row.extend(b);
    row
}

pub(super) fn check_students(rows: &[Vec<String>]) -> Validation {
    validate(ImportKind::Students, &student_headers(), rows, &facts()).unwrap_or_default()
}

pub(super) fn reasons(v: &Validation) -> Vec<(usize, String)> {
    v.errors
        .iter()
        .flat_map(|e| e.reasons.iter().map(move |r| (e.row, r.clone())))
        .collect()
}
