//! Import files of students with parents and of staff: the columns, and the rules a row must
//! pass before anything is written. Pure: the caller supplies the school's classes, the logins
//! already taken and today's date.

mod batch;
mod columns;
mod fields;
mod logins;
mod rows;
#[cfg(test)]
mod testing;

pub use batch::{
    Batch, ParentEntry, PersonEntry, RowError, SchoolFacts, StaffEntry, StudentEntry, Validation,
};
pub use columns::{Column, ColumnMap, Field, ImportKind, ParentField};
pub use fields::{
    Gender, class_key, is_email, is_phone, parse_birth_date, parse_class, parse_gender, parse_role,
};
pub use rows::validate;

/// The most data rows one file may hold; larger schools split the file.
pub const MAX_ROWS: usize = 10_000;
