//! Values for bulk loads, where rows are built in code rather than bound one query at a time.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

/// One typed cell of a bulk-loaded row; `None` stands for SQL NULL of that type.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// An integer (ids, numbers).
    Int(Option<i64>),
    /// Text.
    Text(Option<String>),
    /// A calendar date.
    Date(Option<NaiveDate>),
    /// A time of day.
    Time(NaiveTime),
    /// A moment.
    Timestamp(DateTime<Utc>),
    /// A flag.
    Bool(bool),
    /// Bytes.
    Bytes(Option<Vec<u8>>),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(Some(v))
    }
}
impl From<i32> for Value {
    fn from(v: i32) -> Self {
        Value::Int(Some(i64::from(v)))
    }
}
impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Self {
        Value::Int(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(Some(v.to_owned()))
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(Some(v))
    }
}
impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Self {
        Value::Text(v)
    }
}
impl From<NaiveDate> for Value {
    fn from(v: NaiveDate) -> Self {
        Value::Date(Some(v))
    }
}
impl From<Option<NaiveDate>> for Value {
    fn from(v: Option<NaiveDate>) -> Self {
        Value::Date(v)
    }
}
impl From<NaiveTime> for Value {
    fn from(v: NaiveTime) -> Self {
        Value::Time(v)
    }
}
impl From<DateTime<Utc>> for Value {
    fn from(v: DateTime<Utc>) -> Self {
        Value::Timestamp(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}
impl From<Option<Vec<u8>>> for Value {
    fn from(v: Option<Vec<u8>>) -> Self {
        Value::Bytes(v)
    }
}

/// Tables a bulk load may write to; anything else is refused before SQL is built.
pub(crate) const BULK_TABLES: &[&str] = &[
    "regions",
    "municipalities",
    "settlements",
    "organizations",
    "persons",
    "accounts",
    "account_roles",
    "parent_students",
    "academic_years",
    "periods",
    "holidays",
    "classes",
    "class_teachers",
    "class_students",
    "subgroups",
    "subgroup_students",
    "subjects",
    "subject_groups",
    "subject_group_teachers",
    "bell_schedules",
    "bells",
    "timetable_entries",
    "lessons",
    "assignment_types",
    "assignments",
    "marks",
    "attendance",
];

/// Tables with an identity `id` column whose sequence must follow explicit-id loads.
pub(crate) const ID_TABLES: &[&str] = &[
    "regions",
    "municipalities",
    "settlements",
    "organizations",
    "persons",
    "accounts",
    "academic_years",
    "periods",
    "holidays",
    "classes",
    "class_students",
    "subgroups",
    "subjects",
    "subject_groups",
    "bell_schedules",
    "bells",
    "timetable_entries",
    "lessons",
    "assignment_types",
    "assignments",
    "marks",
];

/// Whether a column name is a plain identifier (letters, digits, underscore).
pub(crate) fn is_identifier(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}
