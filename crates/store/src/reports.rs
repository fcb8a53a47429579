//! The raw rows the school reports are computed from: students, subject groups, marks, period
//! marks, attendance and lessons of one class or of a whole school, over a span of days.

use std::ops::RangeInclusive;

use crate::OrganizationId;
use async_trait::async_trait;
use chrono::NaiveDate;

use crate::StoreResult;

/// Which classes a report reads: one class, or every class of a school's academic year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportScope {
    /// One class by id.
    Class(i64),
    /// Every class of this academic year (by id).
    Year(i64),
}

/// Which schools a territory report reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchoolScope {
    /// One school by id.
    School(OrganizationId),
    /// The schools a municipal authority oversees (by the authority's id).
    Authority(OrganizationId),
    /// Every school of a region (by id).
    Region(i64),
}

/// A school a territory report covers, with its academic year holding the report's day.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct ReportSchoolRecord {
    pub id: OrganizationId,
    pub short_name: String,
    pub municipality_name: String,
    /// None when the school has no year holding the day.
    pub academic_year_id: Option<i64>,
}

/// A class a report covers.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct ReportClassRecord {
    pub id: i64,
    pub organization_id: OrganizationId,
    pub academic_year_id: i64,
    pub grade: i32,
    pub letter: String,
}

/// A student of a class on the report's day.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct ReportStudentRecord {
    pub class_id: i64,
    pub student_account_id: i64,
    pub last_name: String,
    pub first_name: String,
    pub middle_name: String,
}

/// A subject group of a class; `subgroup_id` set when only a subgroup studies it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct ReportGroupRecord {
    pub id: i64,
    pub class_id: i64,
    pub subject_name: String,
    pub subgroup_id: Option<i64>,
}

/// A student in a subgroup.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct ReportSubgroupMemberRecord {
    pub subgroup_id: i64,
    pub student_account_id: i64,
}

/// One student's marks of one subject group over a span, summed: marks with a value 1..5 on
/// lessons that were not cancelled.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportMarkSumRecord {
    /// The group's class.
    pub class_id: i64,
    /// The subject group.
    pub subject_group_id: i64,
    /// The student.
    pub student_account_id: i64,
    /// Sum of value × weight over the marks with a positive weight.
    pub weighted: i64,
    /// Sum of those weights.
    pub weights: i64,
    /// How many marks of each value: index 0 is «1», index 4 is «5».
    pub counts: [u32; 5],
}

/// A period mark with a value.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct ReportFinalMarkRecord {
    pub subject_group_id: i64,
    pub student_account_id: i64,
    pub period_id: i64,
    pub value: i32,
}

/// How many lessons of a span, not cancelled, of one subject group a student has one
/// attendance code on.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportAttendanceRecord {
    /// The group's class.
    pub class_id: i64,
    /// The subject group.
    pub subject_group_id: i64,
    /// The student.
    pub student_account_id: i64,
    /// The code as stored («Н», «Б», …).
    pub code: String,
    /// Lessons with that code.
    pub lessons: u32,
}

/// A held lesson of the span with what the teacher filled in.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct ReportLessonRecord {
    pub class_id: i64,
    pub subject_group_id: i64,
    pub date: NaiveDate,
    pub has_topic: bool,
    pub marks: i64,
}

/// Reads for the reports. Every list covers the scope's classes; spans are inclusive.
#[async_trait]
pub trait ReportStore: Send + Sync {
    /// The classes of the scope, by grade and letter.
    async fn report_classes(&self, scope: ReportScope) -> StoreResult<Vec<ReportClassRecord>>;
    /// The open general-education schools of the scope, by municipality and name, each with its
    /// academic year holding `on`.
    async fn report_schools(
        &self,
        scope: SchoolScope,
        on: NaiveDate,
    ) -> StoreResult<Vec<ReportSchoolRecord>>;
    /// Students in the scope's classes on `on`, by class and name.
    async fn report_students(
        &self,
        scope: ReportScope,
        on: NaiveDate,
    ) -> StoreResult<Vec<ReportStudentRecord>>;
    /// Subject groups of the scope's classes, by class and subject.
    async fn report_groups(&self, scope: ReportScope) -> StoreResult<Vec<ReportGroupRecord>>;
    /// Members of the subgroups of the scope's classes.
    async fn report_subgroup_members(
        &self,
        scope: ReportScope,
    ) -> StoreResult<Vec<ReportSubgroupMemberRecord>>;
    /// The marks of the span summed per class, subject group and student, for the scope's
    /// classes of the given grades.
    async fn report_mark_sums(
        &self,
        scope: ReportScope,
        grades: RangeInclusive<i32>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<ReportMarkSumRecord>>;
    /// Period marks with a value, of the scope's subject groups (year marks excluded).
    async fn report_final_marks(
        &self,
        scope: ReportScope,
    ) -> StoreResult<Vec<ReportFinalMarkRecord>>;
    /// Attendance entries of the span counted per class, subject group, student and code, for
    /// the scope's classes of the given grades.
    async fn report_attendance(
        &self,
        scope: ReportScope,
        grades: RangeInclusive<i32>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<ReportAttendanceRecord>>;
    /// Lessons in the span that were not cancelled, with whether a topic is set and how many
    /// marks were given.
    async fn report_lessons(
        &self,
        scope: ReportScope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<ReportLessonRecord>>;
}
