//! The journal as its use cases return it: the store's rows with typed ids and `bool` flags.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use sgo_core::{
    AccountId, AssignmentId, AssignmentTypeId, ClassId, GroupId, LessonId, OrganizationId,
    PeriodId, StudentId, SubgroupId, YearId,
};
use sgo_store::{
    FinalMarkRecord, JournalAssignmentRecord, JournalAttendanceRecord, JournalGroupRecord,
    JournalLessonRecord, JournalMarkRecord, MarkHistoryRecord,
};

/// A subject group as the journal names it: «9А/Алгебра».
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct JournalGroup {
    pub id: GroupId,
    pub organization_id: OrganizationId,
    pub academic_year_id: YearId,
    pub class_id: ClassId,
    pub grade: i32,
    pub letter: String,
    pub subgroup_id: Option<SubgroupId>,
    pub subject_name: String,
    pub name: String,
}

impl From<JournalGroupRecord> for JournalGroup {
    fn from(r: JournalGroupRecord) -> JournalGroup {
        JournalGroup {
            id: GroupId::new(r.id),
            organization_id: OrganizationId::new(r.organization_id),
            academic_year_id: YearId::new(r.academic_year_id),
            class_id: ClassId::new(r.class_id),
            grade: r.grade,
            letter: r.letter,
            subgroup_id: r.subgroup_id.map(SubgroupId::new),
            subject_name: r.subject_name,
            name: r.name,
        }
    }
}

/// A dated lesson of a group as the journal shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct JournalLesson {
    pub id: LessonId,
    pub subject_group_id: GroupId,
    pub group_name: String,
    pub subject_name: String,
    pub organization_id: OrganizationId,
    pub date: NaiveDate,
    pub number: i32,
    pub start_time: NaiveTime,
    pub end_time: NaiveTime,
    pub room: String,
    pub topic: String,
    /// Who gives the lesson (a group teacher, or a substitute).
    pub teacher_account_id: Option<AccountId>,
    pub status: String,
    /// The lesson's teacher is not one of the group's teachers (a substitution).
    pub substitute: bool,
}

impl From<JournalLessonRecord> for JournalLesson {
    fn from(r: JournalLessonRecord) -> JournalLesson {
        JournalLesson {
            id: LessonId::new(r.id),
            subject_group_id: GroupId::new(r.subject_group_id),
            group_name: r.group_name,
            subject_name: r.subject_name,
            organization_id: OrganizationId::new(r.organization_id),
            date: r.date,
            number: r.number,
            start_time: r.start_time,
            end_time: r.end_time,
            room: r.room,
            topic: r.topic,
            teacher_account_id: r.teacher_account_id.map(AccountId::new),
            status: r.status,
            substitute: r.substitute == 1,
        }
    }
}

/// An assignment on a lesson of the group.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct JournalAssignment {
    pub id: AssignmentId,
    pub lesson_id: LessonId,
    pub lesson_date: NaiveDate,
    pub type_id: AssignmentTypeId,
    pub type_name: String,
    pub type_abbr: String,
    pub title: String,
    pub description: String,
    pub weight: i32,
    pub due_date: NaiveDate,
    pub mandatory: bool,
}

impl From<JournalAssignmentRecord> for JournalAssignment {
    fn from(r: JournalAssignmentRecord) -> JournalAssignment {
        JournalAssignment {
            id: AssignmentId::new(r.id),
            lesson_id: LessonId::new(r.lesson_id),
            lesson_date: r.lesson_date,
            type_id: AssignmentTypeId::new(r.type_id),
            type_name: r.type_name,
            type_abbr: r.type_abbr,
            title: r.title,
            description: r.description,
            weight: r.weight,
            due_date: r.due_date,
            mandatory: r.mandatory,
        }
    }
}

/// A student's mark for an assignment.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct JournalMark {
    pub assignment_id: AssignmentId,
    pub student_account_id: StudentId,
    pub value: Option<i32>,
    pub code: Option<String>,
    pub duty: bool,
    pub comment: String,
}

impl From<JournalMarkRecord> for JournalMark {
    fn from(r: JournalMarkRecord) -> JournalMark {
        JournalMark {
            assignment_id: AssignmentId::new(r.assignment_id),
            student_account_id: StudentId::new(r.student_account_id),
            value: r.value,
            code: r.code,
            duty: r.duty,
            comment: r.comment,
        }
    }
}

/// A student's attendance code on a lesson.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct JournalAttendance {
    pub lesson_id: LessonId,
    pub student_account_id: StudentId,
    pub code: String,
}

impl From<JournalAttendanceRecord> for JournalAttendance {
    fn from(r: JournalAttendanceRecord) -> JournalAttendance {
        JournalAttendance {
            lesson_id: LessonId::new(r.lesson_id),
            student_account_id: StudentId::new(r.student_account_id),
            code: r.code,
        }
    }
}

/// A period mark (with a period) or a year mark (without).
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct FinalMark {
    pub student_account_id: StudentId,
    pub period_id: Option<PeriodId>,
    pub value: Option<i32>,
    pub code: Option<String>,
}

impl From<FinalMarkRecord> for FinalMark {
    fn from(r: FinalMarkRecord) -> FinalMark {
        FinalMark {
            student_account_id: StudentId::new(r.student_account_id),
            period_id: r.period_id.map(PeriodId::new),
            value: r.value,
            code: r.code,
        }
    }
}

/// One change of a mark, for its history.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct MarkChange {
    pub old_value: String,
    pub new_value: String,
    pub old_comment: String,
    pub new_comment: String,
    pub changed_at: DateTime<Utc>,
    pub changed_by: Option<AccountId>,
    pub changed_by_name: Option<String>,
}

impl From<MarkHistoryRecord> for MarkChange {
    fn from(r: MarkHistoryRecord) -> MarkChange {
        MarkChange {
            old_value: r.old_value,
            new_value: r.new_value,
            old_comment: r.old_comment,
            new_comment: r.new_comment,
            changed_at: r.changed_at,
            changed_by: r.changed_by.map(AccountId::new),
            changed_by_name: r.changed_by_name,
        }
    }
}
