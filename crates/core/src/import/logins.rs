//! Login allocation: logins written in the file are claimed once, the rest are suggested from
//! the name after every written one is known.

use std::collections::{HashMap, HashSet};

use super::PersonEntry;
use crate::login::suggest_login;
use crate::text::normalise;

/// Why a login cannot be used as written.
fn login_problem(login: &str) -> Option<&'static str> {
    if login.chars().any(char::is_whitespace) {
        Some("не должен содержать пробелов")
    } else if login.chars().count() > 64 {
        Some("длиннее 64 знаков")
    } else {
        None
    }
}

/// Logins claimed so far: the school's and the file's, normalised.
pub(super) struct LoginBook<'a> {
    pub(super) school: &'a HashSet<String>,
    pub(super) file: HashMap<String, usize>,
    pub(super) next_number: HashMap<String, u32>,
}

impl LoginBook<'_> {
    /// Claims a login written in the file; the reason when it cannot be had.
    fn claim_written(&mut self, login: &str, row: usize, whose: &str) -> Result<(), String> {
        if let Some(problem) = login_problem(login) {
            return Err(format!("{whose}логин «{login}» {problem}"));
        }
        let norm = normalise(login);
        if self.school.contains(&norm) {
            return Err(format!("{whose}логин «{login}» уже занят в школе"));
        }
        match self.file.get(&norm) {
            Some(&first) if first != row => Err(format!(
                "{whose}логин «{login}» уже встречается в строке {first}"
            )),
            Some(_) => Err(format!("{whose}логин «{login}» указан в строке дважды")),
            None => {
                self.file.insert(norm, row);
                Ok(())
            }
        }
    }

    /// A free login built from the name, with a number when the plain one is taken.
    pub(super) fn suggest(&mut self, person: &PersonEntry) -> String {
        let base = suggest_login(&person.last_name, &person.first_name, &person.middle_name);
        // Namesakes are common in a big file: continue from the last number given to this base.
        let next = self.next_number.entry(normalise(&base)).or_insert(1);
        let mut n = *next;
        loop {
            let login = if n == 1 {
                base.clone()
            } else {
                format!("{base}{n}")
            };
            let norm = normalise(&login);
            if !self.school.contains(&norm) && !self.file.contains_key(&norm) {
                self.file.insert(norm, 0);
                *next = n + 1;
                return login;
            }
            n += 1;
        }
    }
}

/// Someone whose login is to be suggested once every written login is known.
#[derive(Debug, Clone, Copy)]
pub(super) enum Pending {
    Student(usize),
    Parent(usize),
    Staff(usize),
}

/// Claims the written login, or reports (true) that one must be suggested.
pub(super) fn claim_or_defer(
    book: &mut LoginBook<'_>,
    person: &PersonEntry,
    row: usize,
    whose: &str,
    reasons: &mut Vec<String>,
) -> bool {
    if person.login.is_empty() {
        return true;
    }
    if let Err(e) = book.claim_written(&person.login, row, whose) {
        reasons.push(e);
    }
    false
}

#[cfg(test)]
mod tests {
    use crate::import::testing::{check_students, reasons, student};

    #[test]
    fn duplicate_and_taken_logins_are_refused() {
        let v = check_students(&[
            student(&["А", "Б", "", "", "", "5А", "dup"], &[], &[]),
            student(&["В", "Г", "", "", "", "5А", "DUP"], &[], &[]),
            student(&["Д", "Е", "", "", "", "5А", "Занят"], &[], &[]),
            student(&["Ж", "З", "", "", "", "5А", "два слова"], &[], &[]),
            student(
                &["И", "К", "", "", "", "5А", "same"],
                &["Л", "М", "", "same"],
                &[],
            ),
        ]);
        assert_eq!(
            reasons(&v),
            vec![
                (3, "логин «DUP» уже встречается в строке 2".to_owned()),
                (4, "логин «Занят» уже занят в школе".to_owned()),
                (
                    5,
                    "логин «два слова» не должен содержать пробелов".to_owned()
                ),
                (
                    6,
                    "родитель 1: логин «same» указан в строке дважды".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn suggested_logins_avoid_the_school_and_the_file() {
        // ivanovpi is taken in the school; IvanovPI2 is written further down the file.
        let v = check_students(&[
            student(&["Иванов", "Пётр", "Игоревич", "", "", "5А"], &[], &[]),
            student(&["Иванов", "Павел", "Ильич", "", "", "5А"], &[], &[]),
            student(
                &["Другой", "Ученик", "", "", "", "5А", "IvanovPI2"],
                &[],
                &[],
            ),
        ]);
        assert!(v.errors.is_empty());
        let logins: Vec<&str> = v
            .batch
            .students
            .iter()
            .map(|s| s.person.login.as_str())
            .collect();
        assert_eq!(logins, vec!["IvanovPI3", "IvanovPI4", "IvanovPI2"]);
    }
}
