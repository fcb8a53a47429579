//! «Успеваемость ученика по предмету»: every mark of one student in one subject group over a
//! span of days, with the type of work, the lesson's date and the day the mark was set.
//!
//! The table keeps SGO's layout that netschoolpy's `assigned_marks()` reads: type, topic, lesson
//! date, mark date (`dd.mm.yyyy`), mark, under a header row starting «Тип задания».

use sgo_core::{ClassId, GroupId, StudentId};
use std::collections::HashSet;

use chrono::{Local, NaiveDate};
use sgo_core::Actor;
use sgo_core::marks::weighted_average;
use sgo_reports::document::{Document, Section};
use sgo_reports::xlsx::Cell;
use sgo_store::{DiaryAssignmentRecord, JournalGroupRecord};

use super::student::{Covering, StudentTarget};
use super::{class_name, date};
use crate::{App, AppError, AppResult};

/// The longest span the report covers: a school year with room to spare.
const MAX_SPAN_DAYS: i64 = 400;

/// One mark of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct GradeRow {
    /// The type of work in full, e.g. «Контрольная работа».
    pub type_name: String,
    /// The assignment's name (its topic).
    pub topic: String,
    /// The lesson's date.
    pub lesson_date: NaiveDate,
    /// The day the mark was set (server time), the lesson's date when unknown.
    pub set_on: NaiveDate,
    /// The mark as shown: «5» or a code.
    pub mark: String,
    /// The numeric value, if any.
    pub value: Option<i32>,
    /// The weight of the work.
    pub weight: i32,
}

/// A mark as the report shows it; a duty flag alone («точка») is work owed, not a mark.
fn row(a: DiaryAssignmentRecord) -> Option<GradeRow> {
    a.mark_id?;
    let mark = match (a.mark_value, a.mark_code.as_deref()) {
        (Some(v), _) => v.to_string(),
        (None, Some(c)) if !c.trim().is_empty() => c.trim().to_owned(),
        _ => return None,
    };
    Some(GradeRow {
        type_name: a.type_name,
        topic: a.title,
        lesson_date: a.lesson_date,
        set_on: a
            .mark_set_at
            .map_or(a.lesson_date, |t| t.with_timezone(&Local).date_naive()),
        mark,
        value: a.mark_value,
        weight: a.weight,
    })
}

impl App {
    /// The student and the subject group of a grades report, once the span is sane, the actor
    /// may see the student and the student studies the group.
    pub(crate) async fn grades_target(
        &self,
        actor: &Actor,
        student_id: StudentId,
        subject_group_id: GroupId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> AppResult<(StudentTarget, JournalGroupRecord)> {
        if from > to {
            return Err(AppError::BadRequest(msg!("report-period-reversed")));
        }
        if (to - from).num_days() > MAX_SPAN_DAYS {
            return Err(AppError::BadRequest(msg!("report-period-longer-than-year")));
        }
        let group = self
            .store
            .journal_group(subject_group_id.get())
            .await?
            .ok_or_else(|| AppError::NotFound(msg!("subject-not-found")))?;
        let target = self
            .report_student(
                actor,
                student_id,
                ClassId::new(group.class_id),
                Covering::Group(group.id),
            )
            .await?;
        if !target.groups.iter().any(|g| g.id == group.id) {
            return Err(AppError::BadRequest(msg!(
                "report-student-not-taking-subject"
            )));
        }
        Ok((target, group))
    }

    /// The marks of a student in one subject group between two days (inclusive).
    pub async fn student_grades(
        &self,
        actor: &Actor,
        student_id: StudentId,
        subject_group_id: GroupId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> AppResult<(Document, Vec<GradeRow>)> {
        let (target, group) = self
            .grades_target(actor, student_id, subject_group_id, from, to)
            .await?;
        let student_id = student_id.get();
        let lessons: HashSet<i64> = self
            .store
            .diary_lessons(student_id, from, to)
            .await?
            .into_iter()
            .filter(|l| l.subject_group_id == group.id)
            .map(|l| l.lesson_id)
            .collect();
        // The diary's order: by lesson date, then lesson, type and assignment.
        let rows: Vec<GradeRow> = self
            .store
            .diary_assignments(student_id, from, to)
            .await?
            .into_iter()
            .filter(|a| lessons.contains(&a.lesson_id))
            .filter_map(row)
            .collect();
        let average = weighted_average(rows.iter().filter_map(|r| {
            r.value
                .filter(|v| (1..=5).contains(v))
                .map(|v| (v, r.weight))
        }));
        let doc = Document {
            title: "Успеваемость ученика по предмету".into(),
            facts: vec![
                ("Школа".into(), target.school.clone()),
                ("Ученик".into(), target.name.clone()),
                ("Класс".into(), class_name(&target.class)),
                ("Предмет".into(), group.subject_name.clone()),
                ("Период".into(), format!("{} — {}", date(from), date(to))),
                (
                    "Средний балл".into(),
                    average.map_or("—".into(), |a| format!("{a:.2}").replace('.', ",")),
                ),
            ],
            sections: vec![Section {
                caption: "Оценки".into(),
                headers: vec![
                    "Тип задания".into(),
                    "Тема задания".into(),
                    "Дата урока".into(),
                    "Дата выставления оценки".into(),
                    "Оценка".into(),
                ],
                rows: rows
                    .iter()
                    .map(|r| {
                        vec![
                            Cell::Text(r.type_name.clone()),
                            Cell::Text(r.topic.clone()),
                            Cell::Text(date(r.lesson_date)),
                            Cell::Text(date(r.set_on)),
                            r.value
                                .map_or(Cell::Text(r.mark.clone()), |v| Cell::Number(f64::from(v))),
                        ]
                    })
                    .collect(),
                totals: Vec::new(),
                empty_text: "За этот период оценок нет".into(),
            }],
        };
        Ok((doc, rows))
    }
}
