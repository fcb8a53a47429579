//! The class journal: teachers' lessons, marks with their history, attendance, topics, homework, assignment types, period and year marks.

use crate::AccountId;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use crate::StoreResult;

/// A subject group with its class, subject and year, as the journal shows it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct JournalGroupRecord {
    pub id: i64,
    pub organization_id: i64,
    pub academic_year_id: i64,
    pub class_id: i64,
    pub grade: i32,
    pub letter: String,
    pub subgroup_id: Option<i64>,
    pub subject_name: String,
    pub name: String,
}

/// A dated lesson with its group, for the teacher's list and the lesson page.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct JournalLessonRecord {
    pub id: i64,
    pub subject_group_id: i64,
    pub group_name: String,
    pub subject_name: String,
    pub organization_id: i64,
    pub date: NaiveDate,
    pub number: i32,
    pub start_time: NaiveTime,
    pub end_time: NaiveTime,
    pub room: String,
    pub topic: String,
    /// Who gives the lesson (a group teacher, or a substitute).
    pub teacher_account_id: Option<i64>,
    pub status: String,
    /// 1 when the lesson's teacher is not one of the group's teachers (a substitution).
    pub substitute: i32,
}

/// An assignment of a group's lesson with its type.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct JournalAssignmentRecord {
    pub id: i64,
    pub lesson_id: i64,
    pub lesson_date: NaiveDate,
    pub type_id: i64,
    pub type_name: String,
    pub type_abbr: String,
    pub title: String,
    pub description: String,
    pub weight: i32,
    pub due_date: NaiveDate,
    pub mandatory: bool,
}

/// A student's mark for an assignment.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct JournalMarkRecord {
    pub assignment_id: i64,
    pub student_account_id: i64,
    pub value: Option<i32>,
    pub code: Option<String>,
    pub duty: bool,
    pub comment: String,
}

/// A student's attendance code on a lesson.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct JournalAttendanceRecord {
    pub lesson_id: i64,
    pub student_account_id: i64,
    pub code: String,
}

/// A period (or, with no period, year) mark.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct FinalMarkRecord {
    pub student_account_id: i64,
    pub period_id: Option<i64>,
    pub value: Option<i32>,
    pub code: Option<String>,
}

/// One change of a mark.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct MarkHistoryRecord {
    pub id: i64,
    pub old_value: String,
    pub new_value: String,
    pub old_comment: String,
    pub new_comment: String,
    pub changed_at: DateTime<Utc>,
    pub changed_by: Option<i64>,
    pub changed_by_name: Option<String>,
}

/// What an account has to do with a subject group (and, for an assignment, its lesson).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct GroupTiesRecord {
    pub teaches: i32,
    pub substitutes: i32,
    pub class_teacher: i32,
    /// A student of the group on the lesson's date (subgroup respected); assignments only.
    pub is_student: i32,
    /// A parent of such a student; assignments only.
    pub is_parent: i32,
}

/// A mark to write, with what the history should say.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub struct MarkWrite {
    pub assignment_id: i64,
    pub student_account_id: i64,
    /// `None` removes the mark.
    pub mark: Option<(Option<i32>, Option<String>, bool)>,
    pub comment: String,
    pub old_shown: String,
    pub new_shown: String,
    pub old_comment: String,
    pub at: DateTime<Utc>,
    pub by: AccountId,
}

/// A new assignment on a lesson.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub struct NewAssignment {
    pub lesson_id: i64,
    pub type_id: i64,
    pub title: String,
    pub description: String,
    pub weight: i32,
    pub due_date: NaiveDate,
    pub mandatory: bool,
    pub created_by: AccountId,
    pub created_at: DateTime<Utc>,
}

/// The fields of an assignment type.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub struct AssignmentTypeFields {
    pub name: String,
    pub abbr: String,
    pub default_weight: i32,
    pub sort_order: i32,
    pub active: bool,
}

/// The class journal: teachers' lessons, marks with their history, attendance, topics, homework, assignment types, period and year marks. — storage operations.
#[async_trait]
pub trait JournalStore: Send + Sync {
    /// Lessons a teacher gives between two dates: of groups they teach unless someone stands in,
    /// and those where they stand in.
    async fn teacher_lessons(
        &self,
        teacher: AccountId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<JournalLessonRecord>>;
    /// Groups of a year a teacher teaches or whose class they lead.
    async fn teacher_groups(
        &self,
        teacher: AccountId,
        year_id: i64,
    ) -> StoreResult<Vec<JournalGroupRecord>>;
    /// Every group of a school year.
    async fn year_groups(&self, year_id: i64) -> StoreResult<Vec<JournalGroupRecord>>;
    /// One group.
    async fn journal_group(&self, id: i64) -> StoreResult<Option<JournalGroupRecord>>;
    /// What an account has to do with a group; `lesson` narrows "substitutes" to that lesson.
    async fn group_ties(
        &self,
        group: i64,
        account: AccountId,
        lesson: Option<i64>,
    ) -> StoreResult<GroupTiesRecord>;
    /// The group of an assignment, its lesson, and what an account has to do with them.
    async fn assignment_ties(
        &self,
        assignment: i64,
        account: AccountId,
    ) -> StoreResult<Option<(JournalGroupRecord, i64, GroupTiesRecord)>>;
    /// Students of a group at some time between the dates (subgroup respected), by name.
    async fn group_students(
        &self,
        group: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<crate::NamedRecord>>;
    /// The group's lessons between the dates, in time order.
    async fn group_lessons(
        &self,
        group: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<JournalLessonRecord>>;
    /// The group's assignments on lessons between the dates, in lesson order.
    async fn group_assignments(
        &self,
        group: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<JournalAssignmentRecord>>;
    /// Marks for those assignments.
    async fn group_marks(
        &self,
        group: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<JournalMarkRecord>>;
    /// Attendance on those lessons.
    async fn group_attendance(
        &self,
        group: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<JournalAttendanceRecord>>;
    /// One mark.
    async fn journal_mark(
        &self,
        assignment: i64,
        student: AccountId,
    ) -> StoreResult<Option<JournalMarkRecord>>;
    /// Writes (or removes) a mark and appends its history, in one transaction.
    async fn write_mark(&self, write: &MarkWrite) -> StoreResult<()>;
    /// The history of a mark, oldest first.
    async fn mark_history(
        &self,
        assignment: i64,
        student: AccountId,
    ) -> StoreResult<Vec<MarkHistoryRecord>>;
    /// One lesson.
    async fn journal_lesson(&self, id: i64) -> StoreResult<Option<JournalLessonRecord>>;
    /// Sets a lesson's topic.
    async fn set_lesson_topic(&self, id: i64, topic: &str) -> StoreResult<()>;
    /// The assignments of a lesson.
    async fn lesson_assignments(&self, lesson: i64) -> StoreResult<Vec<JournalAssignmentRecord>>;
    /// Adds an assignment; returns its id.
    async fn create_assignment(&self, a: &NewAssignment) -> StoreResult<i64>;
    /// Removes an assignment of a lesson (its marks go with it); false when there was none.
    async fn delete_assignment(&self, lesson: i64, id: i64) -> StoreResult<bool>;
    /// Attendance of a lesson.
    async fn lesson_attendance(&self, lesson: i64) -> StoreResult<Vec<JournalAttendanceRecord>>;
    /// Sets (or with `None` clears) a student's attendance code on a lesson.
    async fn set_attendance(
        &self,
        lesson: i64,
        student: AccountId,
        code: Option<&str>,
        by: AccountId,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// One assignment type of an organization.
    async fn assignment_type(
        &self,
        organization: i64,
        id: i64,
    ) -> StoreResult<Option<crate::AssignmentTypeRecord>>;
    /// Adds an assignment type; returns its id.
    async fn create_assignment_type(
        &self,
        organization: i64,
        fields: &AssignmentTypeFields,
    ) -> StoreResult<i64>;
    /// Changes an assignment type; false when the organization has no such type.
    async fn update_assignment_type(
        &self,
        organization: i64,
        id: i64,
        fields: &AssignmentTypeFields,
    ) -> StoreResult<bool>;
    /// Period and year marks of a group.
    async fn final_marks(&self, group: i64) -> StoreResult<Vec<FinalMarkRecord>>;
    /// Sets (or with `None` clears) a period mark (`period` `None` = the year mark).
    async fn set_final_mark(
        &self,
        group: i64,
        student: AccountId,
        period: Option<i64>,
        mark: Option<(Option<i32>, Option<String>)>,
        by: AccountId,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
}
