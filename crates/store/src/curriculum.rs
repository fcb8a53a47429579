//! The curriculum of a school: subjects, subject groups and their teachers, bells, the weekly
//! timetable and the dated lessons it makes.

use crate::OrganizationId;
use async_trait::async_trait;
use chrono::{NaiveDate, NaiveTime};

use crate::{NamedRecord, StoreResult};

/// A subject of a school.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct SubjectRecord {
    pub id: i64,
    pub organization_id: i64,
    pub name: String,
    pub short_name: String,
}

/// A subject group (a line of the curriculum) with its subject and subgroup names.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct SubjectGroupRecord {
    pub id: i64,
    pub organization_id: i64,
    pub academic_year_id: i64,
    pub class_id: i64,
    pub subgroup_id: Option<i64>,
    pub subgroup_name: Option<String>,
    pub subject_id: i64,
    pub subject_name: String,
    pub name: String,
    pub hours_per_week: i32,
}

/// A new subject group.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub struct NewSubjectGroup {
    pub organization_id: i64,
    pub academic_year_id: i64,
    pub class_id: i64,
    pub subgroup_id: Option<i64>,
    pub subject_id: i64,
    pub name: String,
    pub hours_per_week: i32,
    pub teachers: Vec<i64>,
}

/// A teacher of a subject group.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct GroupTeacherRecord {
    pub subject_group_id: i64,
    pub teacher_account_id: i64,
    pub display_name: String,
}

/// A bell: one lesson time of a shift.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct BellRecord {
    pub id: i64,
    pub bell_schedule_id: i64,
    pub shift: i32,
    pub number: i32,
    pub start_time: NaiveTime,
    pub end_time: NaiveTime,
}

/// A bell to store.
#[derive(Debug, Clone, Copy, PartialEq)]
#[allow(missing_docs)]
pub struct NewBell {
    pub number: i32,
    pub start_time: NaiveTime,
    pub end_time: NaiveTime,
}

/// A line of a weekly timetable.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct TimetableEntryRecord {
    pub id: i64,
    pub subject_group_id: i64,
    pub weekday: i32,
    pub shift: i32,
    pub number: i32,
    pub room: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

/// A timetable line to store.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub struct NewTimetableEntry {
    pub subject_group_id: i64,
    pub weekday: i32,
    pub number: i32,
    pub room: String,
}

/// A generated lesson to store.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub struct NewLesson {
    pub subject_group_id: i64,
    pub date: NaiveDate,
    pub number: i32,
    pub start_time: NaiveTime,
    pub end_time: NaiveTime,
    pub room: String,
    pub teacher_account_id: Option<i64>,
}

/// A new weekly timetable of a class from a date, with the lessons it generates.
#[derive(Debug, Clone, PartialEq)]
pub struct TimetablePlan {
    /// The class.
    pub class_id: i64,
    /// The class's shift, stored on the entries and lessons.
    pub shift: i32,
    /// The first day the timetable is valid.
    pub valid_from: NaiveDate,
    /// Its cells.
    pub entries: Vec<NewTimetableEntry>,
    /// Lessons from `valid_from` on, generated from the cells.
    pub lessons: Vec<NewLesson>,
}

/// What saving a timetable did to the dated lessons (a core type).
pub use sgo_core::schedule::TimetableOutcome;

/// A dated lesson as the set-up pages show it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct SetupLessonRecord {
    pub id: i64,
    pub organization_id: i64,
    pub class_id: i64,
    pub subject_group_id: i64,
    pub group_name: String,
    pub date: NaiveDate,
    pub shift: i32,
    pub number: i32,
    pub start_time: NaiveTime,
    pub end_time: NaiveTime,
    pub room: String,
    pub status: String,
    pub teacher_account_id: Option<i64>,
    pub teacher_name: Option<String>,
}

/// The changeable fields of a dated lesson.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub struct LessonChange {
    pub date: NaiveDate,
    pub number: i32,
    pub start_time: NaiveTime,
    pub end_time: NaiveTime,
    pub room: String,
    pub teacher_account_id: Option<i64>,
    pub status: String,
}

/// New teachers and hours of a subject group, and which of its lessons follow the teacher change.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupChange {
    /// Hours per week.
    pub hours_per_week: i32,
    /// The teachers, replacing the old ones.
    pub teachers: Vec<i64>,
    /// Lessons on or after this day may take the new main teacher.
    pub lessons_from: NaiveDate,
    /// Only scheduled lessons taught by this teacher (the old main one) change: substitutions stay.
    pub old_teacher: Option<i64>,
    /// The teacher those lessons get.
    pub new_teacher: Option<i64>,
}

/// The curriculum — storage operations.
#[async_trait]
pub trait CurriculumStore: Send + Sync {
    // --- subjects and curriculum ---
    /// Subjects of a school, by name.
    async fn subjects(&self, organization_id: OrganizationId) -> StoreResult<Vec<SubjectRecord>>;
    /// Creates a subject; returns its id.
    async fn create_subject(
        &self,
        organization_id: OrganizationId,
        name: &str,
        short_name: &str,
    ) -> StoreResult<i64>;
    /// One subject.
    async fn subject(&self, id: i64) -> StoreResult<Option<SubjectRecord>>;
    /// Renames a subject and renames the subject groups given, all or none.
    async fn update_subject(
        &self,
        id: i64,
        name: &str,
        short_name: &str,
        group_names: &[(i64, String)],
    ) -> StoreResult<()>;
    /// Subject groups of a subject in any class, by name.
    async fn subject_groups_of_subject(
        &self,
        subject_id: i64,
    ) -> StoreResult<Vec<SubjectGroupRecord>>;
    /// Removes a subject no subject group uses; false when one does or it does not exist.
    async fn delete_subject(&self, id: i64) -> StoreResult<bool>;
    /// Subject groups of a class, by name.
    async fn subject_groups(&self, class_id: i64) -> StoreResult<Vec<SubjectGroupRecord>>;
    /// Renames subject groups of a class together (after the class itself was renamed).
    async fn rename_class_groups(&self, class_id: i64, names: &[(i64, String)]) -> StoreResult<()>;
    /// One subject group.
    async fn subject_group(&self, id: i64) -> StoreResult<Option<SubjectGroupRecord>>;
    /// Teachers of the subject groups of a class.
    async fn group_teachers(&self, class_id: i64) -> StoreResult<Vec<GroupTeacherRecord>>;
    /// Creates a subject group with its teachers; returns its id.
    async fn create_subject_group(&self, group: &NewSubjectGroup) -> StoreResult<i64>;
    /// Removes a subject group that has no lessons; false when it has lessons or does not exist.
    async fn delete_subject_group(&self, id: i64) -> StoreResult<bool>;
    /// Changes a subject group's hours and teachers and hands its future scheduled lessons of the
    /// old main teacher to the new one; returns how many lessons changed.
    async fn update_subject_group(&self, id: i64, change: &GroupChange) -> StoreResult<u64>;
    /// Subject groups using a subgroup.
    async fn subject_groups_of_subgroup(
        &self,
        subgroup_id: i64,
    ) -> StoreResult<Vec<SubjectGroupRecord>>;

    // --- bells ---
    /// The school's bell schedule (the first one), if any.
    async fn bell_schedule(
        &self,
        organization_id: OrganizationId,
    ) -> StoreResult<Option<NamedRecord>>;
    /// Creates a bell schedule; returns its id.
    async fn create_bell_schedule(
        &self,
        organization_id: OrganizationId,
        name: &str,
    ) -> StoreResult<i64>;
    /// Bells of a schedule, by shift and number.
    async fn bells(&self, schedule_id: i64) -> StoreResult<Vec<BellRecord>>;
    /// Replaces the bells of one shift.
    async fn replace_bells(
        &self,
        schedule_id: i64,
        shift: i32,
        bells: &[NewBell],
    ) -> StoreResult<()>;

    // --- timetable and lessons ---
    /// Timetable lines of a class's subject groups valid on a date.
    async fn timetable(
        &self,
        class_id: i64,
        on: NaiveDate,
    ) -> StoreResult<Vec<TimetableEntryRecord>>;
    /// Replaces a class's timetable from a date: closes the lines valid then, stores the new ones,
    /// removes the class's lessons from that date that have no assignments and no attendance, and
    /// stores the generated lessons except where a kept lesson of the group already has the slot.
    async fn save_timetable(&self, plan: &TimetablePlan) -> StoreResult<TimetableOutcome>;
    /// A class's lessons between two dates (inclusive), cancelled ones too.
    async fn class_lessons(
        &self,
        class_id: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<SetupLessonRecord>>;
    /// One lesson.
    async fn setup_lesson(&self, id: i64) -> StoreResult<Option<SetupLessonRecord>>;
    /// Changes a lesson's date, time, room, teacher or status.
    async fn change_lesson(&self, id: i64, change: &LessonChange) -> StoreResult<()>;
}
