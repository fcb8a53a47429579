//! The grid of a subject group for a period: students × lessons, marks with their history,
//! averages, period and year marks.

use chrono::NaiveDate;
use sgo_core::journal::{
    JournalAccess, format_mark, parse_final_mark, parse_mark, period_mark_hint,
};
use sgo_core::marks::weighted_average;
use sgo_core::{Actor, AssignmentId, GroupId, PeriodId, StudentId};
use sgo_store::{
    JournalAssignmentRecord, JournalGroupRecord, JournalMarkRecord, MarkWrite, PeriodRecord,
};

use super::views::{
    FinalMark, JournalAssignment, JournalAttendance, JournalGroup, JournalLesson, JournalMark,
    MarkChange,
};
use crate::calendar::Period;
use crate::view::{Named, views};
use crate::{App, AppError, AppResult, Origin};

/// A student's row: the weighted average of the period and the period mark it suggests.
#[derive(Debug, Clone)]
pub struct GridRow {
    /// The student.
    pub student: Named<StudentId>,
    /// The weighted average over the period's marks.
    pub average: Option<f64>,
    /// The period mark the average suggests.
    pub hint: Option<i32>,
}

/// What the group page shows.
#[derive(Debug, Clone)]
pub struct Grid {
    /// The group.
    pub group: JournalGroup,
    /// Whether the actor keeps the journal or only reads it.
    pub access: JournalAccess,
    /// The periods of the group's grade.
    pub periods: Vec<Period>,
    /// The chosen period (`None` when the year has no periods: then the whole year is shown).
    pub period: Option<Period>,
    /// Students with their averages.
    pub rows: Vec<GridRow>,
    /// Lessons of the period.
    pub lessons: Vec<JournalLesson>,
    /// Assignments of those lessons.
    pub assignments: Vec<JournalAssignment>,
    /// Marks.
    pub marks: Vec<JournalMark>,
    /// Attendance.
    pub attendance: Vec<JournalAttendance>,
    /// Period and year marks.
    pub finals: Vec<FinalMark>,
}

/// The answer to a saved mark.
#[derive(Debug, Clone, PartialEq)]
pub struct MarkSaved {
    /// The mark as the cell shows it now.
    pub shown: String,
    /// The student's weighted average over the lesson's period.
    pub average: Option<f64>,
}

fn average_of(
    student: i64,
    assignments: &[JournalAssignmentRecord],
    marks: &[JournalMarkRecord],
) -> Option<f64> {
    weighted_average(
        marks
            .iter()
            .filter(|m| m.student_account_id == student)
            .filter_map(|m| {
                let a = assignments.iter().find(|a| a.id == m.assignment_id)?;
                Some((m.value?, a.weight))
            }),
    )
}

impl App {
    /// The span (period or whole year) of a group and a chosen period.
    async fn journal_span(
        &self,
        group: &JournalGroupRecord,
        period: Option<i64>,
        around: NaiveDate,
    ) -> AppResult<(
        Vec<PeriodRecord>,
        Option<PeriodRecord>,
        NaiveDate,
        NaiveDate,
    )> {
        let year = self
            .store
            .year(group.academic_year_id)
            .await?
            .ok_or_else(|| AppError::NotFound(msg!("academic-year-not-found")))?;
        let periods = self
            .store
            .periods(group.academic_year_id, group.grade)
            .await?;
        let chosen = match period {
            Some(id) => Some(
                periods
                    .iter()
                    .find(|p| p.id == id)
                    .cloned()
                    .ok_or_else(|| AppError::NotFound(msg!("period-not-found")))?,
            ),
            None => periods
                .iter()
                .find(|p| p.start_date <= around && around <= p.end_date)
                .or_else(|| periods.iter().rev().find(|p| p.start_date <= around))
                .or(periods.first())
                .cloned(),
        };
        let (from, to) = chosen
            .as_ref()
            .map_or((year.start_date, year.end_date), |p| {
                (p.start_date, p.end_date)
            });
        Ok((periods, chosen, from, to))
    }

    /// The grid of a group for a period (the current one by default).
    pub async fn journal_grid(
        &self,
        actor: &Actor,
        group_id: GroupId,
        period: Option<PeriodId>,
    ) -> AppResult<Grid> {
        let (group_id, period) = (group_id.get(), period.map(PeriodId::get));
        let (group, access) = self.journal_group_access(actor, group_id, None).await?;
        let (periods, period, from, to) = self
            .journal_span(&group, period, self.clock.today())
            .await?;
        let students = self.store.group_students(group_id, from, to).await?;
        let lessons = self.store.group_lessons(group_id, from, to).await?;
        let assignments = self.store.group_assignments(group_id, from, to).await?;
        let marks = self.store.group_marks(group_id, from, to).await?;
        let attendance = self.store.group_attendance(group_id, from, to).await?;
        let finals = self.store.final_marks(group_id).await?;
        let rows = students
            .into_iter()
            .map(|student| {
                let average = average_of(student.id, &assignments, &marks);
                GridRow {
                    student: Named {
                        id: StudentId::new(student.id),
                        name: student.name,
                    },
                    average,
                    hint: period_mark_hint(average),
                }
            })
            .collect();
        Ok(Grid {
            group: group.into(),
            access,
            periods: views(periods),
            period: period.map(Period::from),
            rows,
            lessons: views(lessons),
            assignments: views(assignments),
            marks: views(marks),
            attendance: views(attendance),
            finals: views(finals),
        })
    }

    /// Sets, changes or (with an empty value) removes a student's mark for an assignment.
    /// `comment` `None` keeps the comment there is. Every change is kept in the mark's history.
    pub async fn set_mark(
        &self,
        actor: &Actor,
        origin: &Origin,
        assignment: AssignmentId,
        student: StudentId,
        typed: &str,
        comment: Option<&str>,
    ) -> AppResult<MarkSaved> {
        let assignment = assignment.get();
        let student = student.get();
        let (group_id, lesson_id) = self.assignment_place(actor, assignment).await?;
        let group = self
            .journal_group_writable(actor, group_id, Some(lesson_id))
            .await?;
        let lesson = self
            .store
            .journal_lesson(lesson_id)
            .await?
            .ok_or_else(|| AppError::NotFound(msg!("assignment-not-found")))?;
        let members = self
            .store
            .group_students(group.id, lesson.date, lesson.date)
            .await?;
        if !members.iter().any(|s| s.id == student) {
            return Err(AppError::BadRequest(msg!("student-not-in-group")));
        }
        let entry = parse_mark(typed).map_err(AppError::BadRequest)?;
        let old = self.store.journal_mark(assignment, student).await?;
        let old_shown = old
            .as_ref()
            .map(|m| format_mark(m.value, m.code.as_deref(), m.duty))
            .unwrap_or_default();
        let old_comment = old.as_ref().map(|m| m.comment.clone()).unwrap_or_default();
        let comment = match comment {
            Some(c) => c.trim().chars().take(500).collect::<String>(),
            None => old_comment.clone(),
        };
        let new_shown = entry
            .as_ref()
            .map(|m| format_mark(m.value, m.code.as_deref(), m.duty))
            .unwrap_or_default();
        // A mark that is removed takes its comment with it.
        let comment = if entry.is_none() {
            String::new()
        } else {
            comment
        };
        let changed = old_shown != new_shown || old_comment != comment;
        if changed {
            self.store
                .write_mark(&MarkWrite {
                    assignment_id: assignment,
                    student_account_id: student,
                    mark: entry.map(|m| (m.value, m.code, m.duty)),
                    comment: comment.clone(),
                    old_shown: old_shown.clone(),
                    new_shown: new_shown.clone(),
                    old_comment,
                    at: self.clock.now(),
                    by: actor.account_id.get(),
                })
                .await?;
            self.journal_changed(
                actor,
                &group,
                origin,
                "journal.mark",
                format!("assignment:{assignment}/student:{student}"),
                format!(
                    "{} {}: «{old_shown}» → «{new_shown}»{}",
                    group.name,
                    lesson.date,
                    if comment.is_empty() {
                        String::new()
                    } else {
                        format!(", комментарий «{comment}»")
                    }
                ),
            )
            .await;
        }
        let (_, _, from, to) = self.journal_span(&group, None, lesson.date).await?;
        let assignments = self.store.group_assignments(group.id, from, to).await?;
        let marks = self.store.group_marks(group.id, from, to).await?;
        Ok(MarkSaved {
            shown: new_shown,
            average: average_of(student, &assignments, &marks),
        })
    }

    /// A mark with its history, for whoever may read the group's journal.
    pub async fn mark_history(
        &self,
        actor: &Actor,
        assignment: AssignmentId,
        student: StudentId,
    ) -> AppResult<(
        JournalGroup,
        JournalAssignment,
        Named<StudentId>,
        Option<JournalMark>,
        Vec<MarkChange>,
        JournalAccess,
    )> {
        let assignment = assignment.get();
        let student = student.get();
        let (group_id, lesson_id) = self.assignment_place(actor, assignment).await?;
        let (group, access) = self
            .journal_group_access(actor, group_id, Some(lesson_id))
            .await?;
        let task = self
            .store
            .lesson_assignments(lesson_id)
            .await?
            .into_iter()
            .find(|a| a.id == assignment)
            .ok_or_else(|| AppError::NotFound(msg!("assignment-not-found")))?;
        let person = self
            .store
            .group_students(group.id, task.lesson_date, task.lesson_date)
            .await?
            .into_iter()
            .find(|s| s.id == student)
            .ok_or_else(|| AppError::NotFound(msg!("student-not-found")))?;
        let mark = self.store.journal_mark(assignment, student).await?;
        let history = self.store.mark_history(assignment, student).await?;
        let person = Named {
            id: StudentId::new(person.id),
            name: person.name,
        };
        Ok((
            group.into(),
            task.into(),
            person,
            mark.map(JournalMark::from),
            views(history),
            access,
        ))
    }

    /// Sets (or with an empty value removes) a period mark, or the year mark when `period` is `None`.
    pub async fn set_final_mark(
        &self,
        actor: &Actor,
        origin: &Origin,
        group_id: GroupId,
        student: StudentId,
        period: Option<PeriodId>,
        typed: &str,
    ) -> AppResult<String> {
        let group_id = group_id.get();
        let student = student.get();
        let period = period.map(PeriodId::get);
        let group = self.journal_group_writable(actor, group_id, None).await?;
        let year = self
            .store
            .year(group.academic_year_id)
            .await?
            .ok_or_else(|| AppError::NotFound(msg!("academic-year-not-found")))?;
        let (from, to, label) = match period {
            Some(id) => {
                let p = self
                    .store
                    .periods(group.academic_year_id, group.grade)
                    .await?
                    .into_iter()
                    .find(|p| p.id == id)
                    .ok_or_else(|| AppError::NotFound(msg!("period-not-found")))?;
                (p.start_date, p.end_date, p.name)
            }
            None => (year.start_date, year.end_date, "год".to_owned()),
        };
        let students = self.store.group_students(group_id, from, to).await?;
        if !students.iter().any(|s| s.id == student) {
            return Err(AppError::BadRequest(msg!("student-not-in-group")));
        }
        let mark = parse_final_mark(typed).map_err(AppError::BadRequest)?;
        let shown = mark
            .as_ref()
            .map(|(v, c)| format_mark(*v, c.as_deref(), false))
            .unwrap_or_default();
        self.store
            .set_final_mark(
                group_id,
                student,
                period,
                mark,
                actor.account_id.get(),
                self.clock.now(),
            )
            .await?;
        self.journal_changed(
            actor,
            &group,
            origin,
            "journal.final_mark",
            format!("group:{group_id}/student:{student}"),
            format!("{}: {label} — «{shown}»", group.name),
        )
        .await;
        Ok(shown)
    }
}
