//! School set-up: years, periods, holidays, classes, subgroups. Subjects, the curriculum, bells,
//! the timetable and lesson changes are in `curriculum.rs`.

use crate::OrganizationId;
use async_trait::async_trait;
use chrono::NaiveDate;

use crate::{AcademicYearRecord, NamedRecord, PeriodRecord, StoreResult};

/// A period to add to a year.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub struct NewPeriod {
    pub kind: String,
    pub number: i32,
    pub name: String,
    pub grade_from: i32,
    pub grade_to: i32,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
}

/// A holiday (каникулы) of a year.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct HolidayRecord {
    pub id: i64,
    pub academic_year_id: i64,
    pub name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
}

/// A class with its year and class teacher.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct ClassRecord {
    pub id: i64,
    pub organization_id: i64,
    pub academic_year_id: i64,
    pub grade: i32,
    pub letter: String,
    pub profile: String,
    pub room: String,
    pub shift: i32,
    pub teacher_account_id: Option<i64>,
    pub teacher_name: Option<String>,
}

/// The editable fields of a class.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub struct ClassFields {
    pub grade: i32,
    pub letter: String,
    pub profile: String,
    pub room: String,
    pub shift: i32,
    /// The class teacher; `None` leaves the class without one.
    pub teacher_account_id: Option<i64>,
}

/// A subgroup of a class with how many students are in it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct SubgroupRecord {
    pub id: i64,
    pub class_id: i64,
    pub name: String,
    pub students: i64,
}

/// What of a year lies outside a span of dates: counts of each kind of thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[allow(missing_docs)]
pub struct YearOutside {
    pub periods: i64,
    pub holidays: i64,
    pub lessons: i64,
    pub timetable_entries: i64,
}

impl YearOutside {
    /// True when nothing lies outside.
    pub fn is_empty(&self) -> bool {
        *self == YearOutside::default()
    }
}

/// School set-up — storage operations.
#[async_trait]
pub trait SchoolSetupStore: Send + Sync {
    // --- years, periods, holidays ---
    /// One academic year.
    async fn year(&self, id: i64) -> StoreResult<Option<AcademicYearRecord>>;
    /// Creates an academic year; returns its id.
    async fn create_year(
        &self,
        organization_id: OrganizationId,
        name: &str,
        start: NaiveDate,
        end: NaiveDate,
    ) -> StoreResult<i64>;
    /// Every period of a year, by grades then date.
    async fn year_periods(&self, year_id: i64) -> StoreResult<Vec<PeriodRecord>>;
    /// Adds periods to a year, all or none.
    async fn add_periods(&self, year_id: i64, periods: &[NewPeriod]) -> StoreResult<()>;
    /// Removes the periods of a year for exactly this grade range; returns how many.
    async fn delete_periods(
        &self,
        year_id: i64,
        grade_from: i32,
        grade_to: i32,
    ) -> StoreResult<u64>;
    /// Holidays of a year, by date.
    async fn holidays(&self, year_id: i64) -> StoreResult<Vec<HolidayRecord>>;
    /// Adds a holiday; returns its id.
    async fn add_holiday(
        &self,
        year_id: i64,
        name: &str,
        start: NaiveDate,
        end: NaiveDate,
    ) -> StoreResult<i64>;
    /// Removes a holiday of a year; false when there was none.
    async fn delete_holiday(&self, year_id: i64, holiday_id: i64) -> StoreResult<bool>;
    /// Renames a year and moves its dates.
    async fn update_year(
        &self,
        id: i64,
        name: &str,
        start: NaiveDate,
        end: NaiveDate,
    ) -> StoreResult<()>;
    /// Periods, holidays, lessons and timetable lines of a year falling outside `start..=end`.
    async fn year_outside(
        &self,
        year_id: i64,
        start: NaiveDate,
        end: NaiveDate,
    ) -> StoreResult<YearOutside>;

    // --- classes and subgroups ---
    /// Classes of a year, by grade and letter.
    async fn classes(&self, year_id: i64) -> StoreResult<Vec<ClassRecord>>;
    /// One class.
    async fn class(&self, id: i64) -> StoreResult<Option<ClassRecord>>;
    /// Creates a class (and its class teacher); returns its id. A taken letter is a `Conflict`.
    async fn create_class(
        &self,
        organization_id: OrganizationId,
        year_id: i64,
        fields: &ClassFields,
    ) -> StoreResult<i64>;
    /// Changes a class and replaces its class teacher.
    async fn update_class(&self, id: i64, fields: &ClassFields) -> StoreResult<()>;
    /// Active accounts with the teacher role in an organization, by name.
    async fn school_teachers(
        &self,
        organization_id: OrganizationId,
    ) -> StoreResult<Vec<NamedRecord>>;
    /// Students in a class on `on` or later (membership not ended before it), by name.
    async fn class_members(&self, class_id: i64, on: NaiveDate) -> StoreResult<Vec<NamedRecord>>;
    /// Subgroups of a class.
    async fn subgroups(&self, class_id: i64) -> StoreResult<Vec<SubgroupRecord>>;
    /// Creates a subgroup with its students; returns its id.
    async fn create_subgroup(
        &self,
        class_id: i64,
        name: &str,
        students: &[i64],
    ) -> StoreResult<i64>;
    /// One subgroup.
    async fn subgroup(&self, id: i64) -> StoreResult<Option<SubgroupRecord>>;
    /// Account ids of a subgroup's students.
    async fn subgroup_students(&self, id: i64) -> StoreResult<Vec<i64>>;
    /// Renames a subgroup, replaces its students and renames the subject groups given, all or none.
    async fn update_subgroup(
        &self,
        id: i64,
        name: &str,
        students: &[i64],
        group_names: &[(i64, String)],
    ) -> StoreResult<()>;
    /// Removes a subgroup no subject group uses; false when one does or it does not exist.
    async fn delete_subgroup(&self, id: i64) -> StoreResult<bool>;
    /// Timetable lines of a class still valid on or after a day.
    async fn class_timetable_from(&self, class_id: i64, from: NaiveDate) -> StoreResult<i64>;
    /// How many students were ever in a class and how many lessons it has.
    async fn class_usage(&self, class_id: i64) -> StoreResult<(i64, i64)>;
    /// Removes a class that never had students and has no lessons, with its subgroups, subject
    /// groups and timetable; false when it has any of those or does not exist.
    async fn delete_class(&self, id: i64) -> StoreResult<bool>;
}
