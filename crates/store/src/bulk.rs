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

/// `From` for each type a cell is made of: `$t` becomes `Value::$variant($wrap(v))`.
macro_rules! value_from {
    ($($t:ty => $variant:ident $(($wrap:expr))?),+ $(,)?) => {
        $(impl From<$t> for Value {
            fn from(v: $t) -> Self {
                Value::$variant($($wrap)?(v))
            }
        })+
    };
}

value_from!(
    i64 => Int(Some),
    i32 => Int(|v| Some(i64::from(v))),
    Option<i64> => Int,
    &str => Text(|v: &str| Some(v.to_owned())),
    String => Text(Some),
    Option<String> => Text,
    NaiveDate => Date(Some),
    Option<NaiveDate> => Date,
    NaiveTime => Time,
    DateTime<Utc> => Timestamp,
    bool => Bool,
    Option<Vec<u8>> => Bytes,
);

/// Tables a bulk load may write to (anything else is refused before SQL is built), each with
/// whether it has an identity `id` column whose sequence must follow explicit-id loads.
pub(crate) const BULK_TABLES: &[(&str, bool)] = &[
    ("regions", true),
    ("municipalities", true),
    ("settlements", true),
    ("organizations", true),
    ("persons", true),
    ("accounts", true),
    ("account_roles", false),
    ("parent_students", false),
    ("academic_years", true),
    ("periods", true),
    ("holidays", true),
    ("classes", true),
    ("class_teachers", false),
    ("class_students", true),
    ("subgroups", true),
    ("subgroup_students", false),
    ("subjects", true),
    ("subject_groups", true),
    ("subject_group_teachers", false),
    ("bell_schedules", true),
    ("bells", true),
    ("timetable_entries", true),
    ("lessons", true),
    ("assignment_types", true),
    ("assignments", true),
    ("marks", true),
    ("attendance", false),
];

/// Whether a bulk load may write to a table.
pub(crate) fn is_bulk_table(table: &str) -> bool {
    BULK_TABLES.iter().any(|(t, _)| *t == table)
}

/// The bulk-loaded tables with an identity `id` column.
pub(crate) fn id_tables() -> impl Iterator<Item = &'static str> {
    BULK_TABLES.iter().filter(|(_, id)| *id).map(|(t, _)| *t)
}

/// Whether a column name is a plain identifier (letters, digits, underscore).
pub(crate) fn is_identifier(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}
