//! What a checked file would create, and the rows it refuses.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Gender;

/// One person of the batch as it will be written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonEntry {
    /// Фамилия.
    pub last_name: String,
    /// Имя.
    pub first_name: String,
    /// Отчество (may be empty).
    pub middle_name: String,
    /// Дата рождения.
    pub birth_date: Option<NaiveDate>,
    /// Пол.
    pub gender: Option<Gender>,
    /// The login, as written in the file or suggested.
    pub login: String,
    /// Whether the login was made up here because the file had none.
    pub login_suggested: bool,
    /// E-mail (may be empty).
    pub email: String,
    /// Телефон (may be empty).
    pub phone: String,
}

impl PersonEntry {
    /// «Фамилия Имя Отчество».
    pub fn full_name(&self) -> String {
        [&self.last_name, &self.first_name, &self.middle_name]
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// «Фамилия Имя», as students are shown.
    pub fn short_name(&self) -> String {
        format!("{} {}", self.last_name, self.first_name)
    }
}

/// A student row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StudentEntry {
    /// The row number in the file (the header is row 1).
    pub row: usize,
    /// The student.
    pub person: PersonEntry,
    /// The class id.
    pub class_id: i64,
    /// The class as written in the school («5А»).
    pub class_name: String,
    /// Indexes into [`Batch::parents`].
    pub parents: Vec<usize>,
}

/// A parent, once however many rows name them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParentEntry {
    /// The first row that names this parent.
    pub row: usize,
    /// The parent.
    pub person: PersonEntry,
}

/// An employee row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffEntry {
    /// The row number in the file.
    pub row: usize,
    /// The employee.
    pub person: PersonEntry,
    /// Role codes (`teacher`, …), see [`Role::code`](crate::Role::code).
    pub roles: Vec<String>,
}

/// Everything a valid file would create.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Batch {
    /// Students with their class and parents.
    pub students: Vec<StudentEntry>,
    /// Distinct parents.
    pub parents: Vec<ParentEntry>,
    /// Employees.
    pub staff: Vec<StaffEntry>,
}

impl Batch {
    /// How many accounts applying it creates.
    pub fn accounts(&self) -> usize {
        self.students.len() + self.parents.len() + self.staff.len()
    }
}

/// The reasons one row is refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowError {
    /// The row number in the file (the header is row 1).
    pub row: usize,
    /// Each reason, in Russian.
    pub reasons: Vec<String>,
}

/// What the school already has, for the checks that look outside the file.
#[derive(Debug, Clone, Default)]
pub struct SchoolFacts {
    /// The current year's classes by [`class_key`](super::class_key), with their ids.
    pub classes: HashMap<String, i64>,
    /// Normalised logins already taken in the school.
    pub taken_logins: HashSet<String>,
    /// Today, to refuse birth dates in the future.
    pub today: NaiveDate,
}

/// The outcome of checking a file: the batch, and the refused rows (empty when all are good).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Validation {
    /// What would be created.
    pub batch: Batch,
    /// Refused rows in file order.
    pub errors: Vec<RowError>,
}
