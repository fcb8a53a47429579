//! A student's diary span read in one statement (`repo_week.rs`): who they are, the period, the
//! lessons with the assignments, marks, attendance and files. Here: what it returns, and how its
//! rows, which share one column layout, become records on either engine.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use crate::{
    AttendanceRecord, DiaryAssignmentRecord, DiaryLessonRecord, StoreError, StudentRecord,
};

/// A file attached to one of the span's assignments.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub struct WeekFileRecord {
    pub assignment_id: i64,
    pub id: i64,
    pub name: String,
    pub size: i64,
    pub description: String,
}

/// Everything a diary span shows, as stored.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DiaryWeekRecord {
    /// The student with their class on the day asked about (`today`); `None` if no such account.
    pub student: Option<StudentRecord>,
    /// The name of the period containing the first day, for the grade the student was in then.
    pub period_name: Option<String>,
    /// Lessons by date, shift, number.
    pub lessons: Vec<DiaryLessonRecord>,
    /// Assignments with the student's marks, by lesson date and number, type order, id.
    pub assignments: Vec<DiaryAssignmentRecord>,
    /// The student's attendance codes.
    pub attendance: Vec<AttendanceRecord>,
    /// Files of the assignments, by assignment, name, id.
    pub files: Vec<WeekFileRecord>,
}

/// The diary's read of a span.
#[async_trait]
pub trait DiaryStore {
    /// Everything the diary shows of the student's days `from`..=`to`, with the student as of
    /// `today`, in one read.
    async fn diary_week(
        &self,
        student: i64,
        from: NaiveDate,
        to: NaiveDate,
        today: NaiveDate,
    ) -> crate::StoreResult<DiaryWeekRecord>;
}

/// Column positions of the diary week statement (`repo_week.rs`).
#[allow(missing_docs)]
pub(crate) mod col {
    pub const K: usize = 0;
    pub const I1: usize = 1;
    pub const I2: usize = 2;
    pub const I3: usize = 3;
    pub const I4: usize = 4;
    pub const N1: usize = 5;
    pub const N2: usize = 6;
    pub const N3: usize = 7;
    pub const N4: usize = 8;
    pub const D1: usize = 9;
    pub const D2: usize = 10;
    pub const T1: usize = 11;
    pub const T2: usize = 12;
    pub const TS: usize = 13;
    pub const B1: usize = 14;
    pub const B2: usize = 15;
    pub const S1: usize = 16;
    pub const S2: usize = 17;
    pub const S3: usize = 18;
    pub const S4: usize = 19;
    pub const S5: usize = 20;
    pub const S6: usize = 21;
    pub const S7: usize = 22;
}

/// One row of the diary week statement as each engine's driver reads it.
pub(crate) trait WeekRow {
    fn int(&self, i: usize) -> Result<Option<i64>, StoreError>;
    fn text(&self, i: usize) -> Result<Option<String>, StoreError>;
    fn date(&self, i: usize) -> Result<Option<NaiveDate>, StoreError>;
    fn time(&self, i: usize) -> Result<Option<NaiveTime>, StoreError>;
    fn timestamp(&self, i: usize) -> Result<Option<DateTime<Utc>>, StoreError>;
    fn boolean(&self, i: usize) -> Result<Option<bool>, StoreError>;
}

/// Implements [`WeekRow`] for a row wrapper with a `get::<T>(column)` reading `Option<T>`.
macro_rules! week_row_by_get {
    ($row:ty) => {
        impl $crate::week::WeekRow for $row {
            fn int(&self, i: usize) -> $crate::StoreResult<Option<i64>> {
                self.get(i)
            }
            fn text(&self, i: usize) -> $crate::StoreResult<Option<String>> {
                self.get(i)
            }
            fn date(&self, i: usize) -> $crate::StoreResult<Option<chrono::NaiveDate>> {
                self.get(i)
            }
            fn time(&self, i: usize) -> $crate::StoreResult<Option<chrono::NaiveTime>> {
                self.get(i)
            }
            fn timestamp(
                &self,
                i: usize,
            ) -> $crate::StoreResult<Option<chrono::DateTime<chrono::Utc>>> {
                self.get(i)
            }
            fn boolean(&self, i: usize) -> $crate::StoreResult<Option<bool>> {
                self.get(i)
            }
        }
    };
}
pub(crate) use week_row_by_get;

fn missing(column: usize) -> StoreError {
    StoreError::Corrupt(format!("diary week: column {column} is NULL"))
}

fn need<T>(value: Option<T>, column: usize) -> Result<T, StoreError> {
    value.ok_or_else(|| missing(column))
}

fn int(row: &impl WeekRow, i: usize) -> Result<i64, StoreError> {
    need(row.int(i)?, i)
}

fn small(value: i64, column: usize) -> Result<i32, StoreError> {
    i32::try_from(value)
        .map_err(|_| StoreError::Corrupt(format!("diary week: column {column} out of range")))
}

fn int32(row: &impl WeekRow, i: usize) -> Result<i32, StoreError> {
    small(int(row, i)?, i)
}

fn opt_int32(row: &impl WeekRow, i: usize) -> Result<Option<i32>, StoreError> {
    row.int(i)?.map(|v| small(v, i)).transpose()
}

fn text(row: &impl WeekRow, i: usize) -> Result<String, StoreError> {
    need(row.text(i)?, i)
}

/// Sort keys the statement does not order by (a UNION cannot order each kind on its own).
#[derive(Default)]
pub(crate) struct WeekBuilder {
    week: DiaryWeekRecord,
    assignment_order: Vec<(i32, i32)>,
}

impl WeekBuilder {
    /// Takes one row of the diary week statement.
    pub(crate) fn push(&mut self, row: &impl WeekRow) -> Result<(), StoreError> {
        use col::*;
        match int(row, K)? {
            0 => {
                self.week.student = Some(StudentRecord {
                    account_id: int(row, I1)?,
                    organization_id: int(row, I2)?,
                    display_name: text(row, S1)?,
                    class_id: row.int(I3)?,
                    grade: opt_int32(row, N1)?,
                    letter: row.text(S2)?,
                })
            }
            1 => self.week.period_name = Some(text(row, S1)?),
            2 => self.week.lessons.push(DiaryLessonRecord {
                lesson_id: int(row, I1)?,
                date: need(row.date(D1)?, D1)?,
                shift: int32(row, N1)?,
                number: int32(row, N2)?,
                start_time: need(row.time(T1)?, T1)?,
                end_time: need(row.time(T2)?, T2)?,
                room: text(row, S1)?,
                topic: text(row, S2)?,
                subject_name: text(row, S3)?,
                subject_group_id: int(row, I2)?,
                subject_group_name: text(row, S4)?,
            }),
            3 => {
                self.assignment_order
                    .push((int32(row, N3)?, int32(row, N4)?));
                self.week.assignments.push(DiaryAssignmentRecord {
                    assignment_id: int(row, I1)?,
                    lesson_id: int(row, I2)?,
                    lesson_date: need(row.date(D1)?, D1)?,
                    subject_name: text(row, S1)?,
                    type_id: int(row, I3)?,
                    type_name: text(row, S2)?,
                    type_abbr: text(row, S3)?,
                    title: text(row, S4)?,
                    description: text(row, S5)?,
                    weight: int32(row, N1)?,
                    due_date: need(row.date(D2)?, D2)?,
                    mandatory: need(row.boolean(B1)?, B1)?,
                    mark_id: row.int(I4)?,
                    mark_value: opt_int32(row, N2)?,
                    mark_code: row.text(S6)?,
                    mark_duty: row.boolean(B2)?,
                    mark_comment: row.text(S7)?,
                    mark_set_at: row.timestamp(TS)?,
                })
            }
            4 => self.week.attendance.push(AttendanceRecord {
                lesson_id: int(row, I1)?,
                code: text(row, S1)?,
            }),
            5 => self.week.files.push(WeekFileRecord {
                id: int(row, I1)?,
                assignment_id: int(row, I2)?,
                size: int(row, I3)?,
                name: text(row, S1)?,
                description: text(row, S2)?,
            }),
            other => return Err(StoreError::Corrupt(format!("diary week: row kind {other}"))),
        }
        Ok(())
    }

    /// The span in the orders the separate diary queries gave.
    pub(crate) fn finish(self) -> DiaryWeekRecord {
        let WeekBuilder {
            mut week,
            assignment_order,
        } = self;
        week.lessons
            .sort_by_key(|l| (l.date, l.shift, l.number, l.lesson_id));
        let mut keyed: Vec<_> = week.assignments.into_iter().zip(assignment_order).collect();
        keyed.sort_by_key(|(a, (number, order))| (a.lesson_date, *number, *order, a.assignment_id));
        week.assignments = keyed.into_iter().map(|(a, _)| a).collect();
        week.files.sort_by(|a, b| {
            (a.assignment_id, &a.name, a.id).cmp(&(b.assignment_id, &b.name, b.id))
        });
        week
    }
}
