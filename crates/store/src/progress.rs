//! What students and parents read beyond the week: one assignment as a card, its teachers,
//! period and year marks, and the weekdays the school teaches on (for the bell times).

use crate::{AccountId, OrganizationId};
use async_trait::async_trait;

use crate::{DiaryAssignmentRecord, NamedRecord, StoreResult};

/// An assignment on a lesson of one student, with that student's mark and its subject group.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AssignmentCardRecord {
    /// The assignment with the student's mark, as the diary has it.
    #[sqlx(flatten)]
    pub assignment: DiaryAssignmentRecord,
    /// The subject group of its lesson.
    pub subject_group_id: i64,
    /// The group's name.
    pub subject_group_name: String,
}

/// A period or year mark («итоговая отметка») of one student in one subject group.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct StudentFinalMarkRecord {
    pub subject_group_id: i64,
    pub subject_name: String,
    /// `None` is the year mark.
    pub period_id: Option<i64>,
    pub value: Option<i32>,
    pub code: Option<String>,
}

/// Reads of the progress pages and the diary side of the NetSchool API.
#[async_trait]
pub trait ProgressStore: Send + Sync {
    /// The assignment, only when it is on a lesson the student attends (class on the lesson's
    /// date, subgroup respected); `None` otherwise, so callers cannot tell the two apart.
    async fn student_assignment(
        &self,
        student: AccountId,
        assignment_id: i64,
    ) -> StoreResult<Option<AssignmentCardRecord>>;

    /// Of the given assignments, those on lessons the student attends.
    async fn student_assignment_ids(
        &self,
        student: AccountId,
        assignment_ids: &[i64],
    ) -> StoreResult<Vec<i64>>;

    /// Teachers of an assignment: the subject group's teachers and whoever teaches its lesson
    /// (a substitute), by full name.
    async fn assignment_teachers(&self, assignment_id: i64) -> StoreResult<Vec<NamedRecord>>;

    /// Period and year marks of a student in subject groups of one academic year.
    async fn student_final_marks(
        &self,
        student: AccountId,
        academic_year_id: i64,
    ) -> StoreResult<Vec<StudentFinalMarkRecord>>;

    /// Weekdays (1 = Monday … 7 = Sunday) of the school's weekly timetable, ascending.
    async fn timetable_weekdays(&self, organization_id: OrganizationId) -> StoreResult<Vec<i32>>;
}
