//! «Отчёт об успеваемости и посещаемости ученика»: a student's period, year and final marks in
//! every subject of a class's year, then the year's weighted averages and missed lessons.
//!
//! The first table keeps SGO's layout that netschoolpy's `total_marks()` reads: a number, the
//! subject, one column per period, and the year, exam and final marks as the last three columns.
//! Only that table's rows start with a number.

use sgo_core::{ClassId, StudentId};
use std::collections::HashMap;

use sgo_core::Actor;
use sgo_core::marks::{AttendanceCode, weighted_average};
use sgo_core::report::AbsenceTotals;
use sgo_reports::document::{Document, Section};
use sgo_reports::xlsx::Cell;
use sgo_store::{
    AttendanceRecord, DiaryAssignmentRecord, DiaryLessonRecord, PeriodRecord, ReportGroupRecord,
    StudentFinalMarkRecord,
};

use super::class_name;
use super::class_progress::subject_titles;
use super::student::{Covering, StudentTarget};
use crate::{App, AppResult};

/// The raw rows of one student's year in one class.
pub(crate) struct StudentYearRows {
    pub groups: Vec<ReportGroupRecord>,
    pub periods: Vec<PeriodRecord>,
    pub finals: Vec<StudentFinalMarkRecord>,
    pub lessons: Vec<DiaryLessonRecord>,
    pub assignments: Vec<DiaryAssignmentRecord>,
    pub attendance: Vec<AttendanceRecord>,
}

/// One subject's line of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct SubjectTotal {
    /// The subject (numbered when the class has several groups of it).
    pub subject: String,
    /// The period marks as set, one per period of the year.
    pub period_marks: Vec<Option<String>>,
    /// The year mark as set.
    pub year_mark: Option<String>,
    /// Weighted average of the year's marks.
    pub average: Option<f64>,
    /// How many marks the year has.
    pub marks: usize,
    /// Lessons of the year missed, by reason.
    pub absences: AbsenceTotals,
}

/// A period or year mark as shown: its value, else its code («н/а», «осв»).
fn final_text(f: &StudentFinalMarkRecord) -> Option<String> {
    match (f.value, f.code.as_deref()) {
        (Some(v), _) => Some(v.to_string()),
        (None, Some(c)) if !c.trim().is_empty() => Some(c.trim().to_owned()),
        _ => None,
    }
}

/// Computes the subject lines from the raw rows.
pub(crate) fn compute(rows: &StudentYearRows) -> Vec<SubjectTotal> {
    let titles = subject_titles(&rows.groups);
    let group_of: HashMap<i64, i64> = rows
        .lessons
        .iter()
        .map(|l| (l.lesson_id, l.subject_group_id))
        .collect();
    let mut marks: HashMap<i64, Vec<(i32, i32)>> = HashMap::new();
    for a in &rows.assignments {
        let (Some(group), Some(value)) = (group_of.get(&a.lesson_id), a.mark_value) else {
            continue;
        };
        if a.mark_id.is_some() && (1..=5).contains(&value) {
            marks.entry(*group).or_default().push((value, a.weight));
        }
    }
    let mut absences: HashMap<i64, AbsenceTotals> = HashMap::new();
    for at in &rows.attendance {
        if let (Some(group), Ok(code)) = (
            group_of.get(&at.lesson_id),
            AttendanceCode::from_abbr(&at.code),
        ) {
            absences.entry(*group).or_default().add(code);
        }
    }
    let period_index: HashMap<i64, usize> = rows
        .periods
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id, i))
        .collect();
    rows.groups
        .iter()
        .zip(titles)
        .map(|(g, subject)| {
            let mut period_marks = vec![None; rows.periods.len()];
            let mut year_mark = None;
            for f in rows.finals.iter().filter(|f| f.subject_group_id == g.id) {
                match f.period_id {
                    None => year_mark = final_text(f),
                    Some(p) => {
                        if let Some(&i) = period_index.get(&p) {
                            period_marks[i] = final_text(f);
                        }
                    }
                }
            }
            let of_group = marks.get(&g.id).map_or(&[][..], Vec::as_slice);
            SubjectTotal {
                subject,
                period_marks,
                year_mark,
                average: weighted_average(of_group.iter().copied()),
                marks: of_group.len(),
                absences: absences.get(&g.id).copied().unwrap_or_default(),
            }
        })
        .collect()
}

fn text_cell(value: &Option<String>) -> Cell {
    value.clone().map_or(Cell::Empty, Cell::Text)
}

/// The report document.
pub(crate) fn document(
    target: &StudentTarget,
    year_name: &str,
    periods: &[PeriodRecord],
    lines: &[SubjectTotal],
) -> Document {
    let mut headers = vec!["№".to_owned(), "Предмет".to_owned()];
    headers.extend(periods.iter().map(|p| p.name.clone()));
    headers.extend([
        "Годовая".to_owned(),
        "Экзамен".to_owned(),
        "Итоговая".to_owned(),
    ]);
    let marks_rows = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mut cells = vec![Cell::Number((i + 1) as f64), Cell::Text(l.subject.clone())];
            cells.extend(l.period_marks.iter().map(text_cell));
            // No exams are kept, so the final mark is the year mark, as for every subject
            // without an exam.
            cells.extend([
                text_cell(&l.year_mark),
                Cell::Empty,
                text_cell(&l.year_mark),
            ]);
            cells
        })
        .collect();
    let mut total = AbsenceTotals::default();
    let mut all_marks = 0;
    let year_rows = lines
        .iter()
        .map(|l| {
            total.merge(&l.absences);
            all_marks += l.marks;
            vec![
                Cell::Text(l.subject.clone()),
                l.average.map_or(Cell::Empty, |a| Cell::Fixed(a, 2)),
                Cell::Number(l.marks as f64),
                Cell::Number(f64::from(l.absences.missed())),
                Cell::Number(f64::from(l.absences.excused())),
                Cell::Number(f64::from(l.absences.unexcused())),
            ]
        })
        .collect();
    let totals = vec![vec![
        Cell::Text("Всего".into()),
        Cell::Empty,
        Cell::Number(all_marks as f64),
        Cell::Number(f64::from(total.missed())),
        Cell::Number(f64::from(total.excused())),
        Cell::Number(f64::from(total.unexcused())),
    ]];
    Document {
        title: "Отчёт об успеваемости и посещаемости ученика".into(),
        facts: vec![
            ("Школа".into(), target.school.clone()),
            ("Ученик".into(), target.name.clone()),
            ("Класс".into(), class_name(&target.class)),
            ("Учебный год".into(), year_name.to_owned()),
        ],
        sections: vec![
            Section {
                caption: "Итоговые отметки".into(),
                headers,
                rows: marks_rows,
                totals: Vec::new(),
                empty_text: "Ученик не изучает ни одного предмета".into(),
            },
            Section {
                caption: "Средний балл и пропуски за год".into(),
                headers: vec![
                    "Предмет".into(),
                    "Средний балл".into(),
                    "Оценок".into(),
                    "Пропущено уроков".into(),
                    "По уважительной причине".into(),
                    "Без уважительной причины".into(),
                ],
                rows: year_rows,
                totals,
                empty_text: "Ученик не изучает ни одного предмета".into(),
            },
        ],
    }
}

impl App {
    /// «Отчёт об успеваемости и посещаемости ученика» for the year of one of the student's
    /// classes.
    pub async fn student_total_marks(
        &self,
        actor: &Actor,
        student_id: StudentId,
        class_id: ClassId,
    ) -> AppResult<(Document, Vec<SubjectTotal>)> {
        let target = self
            .report_student(actor, student_id, class_id, Covering::AllGroups)
            .await?;
        let student_id = student_id.get();
        let year = self
            .store
            .years(target.class.organization_id)
            .await?
            .into_iter()
            .find(|y| y.id == target.class.academic_year_id);
        let (year_name, from, to) = match &year {
            Some(y) => (y.name.clone(), y.start_date, y.end_date),
            None => return Err(crate::AppError::NotFound(msg!("academic-year-not-found"))),
        };
        let rows = StudentYearRows {
            groups: target.groups.clone(),
            periods: self
                .store
                .periods(target.class.academic_year_id, target.class.grade)
                .await?,
            finals: self
                .store
                .student_final_marks(student_id, target.class.academic_year_id)
                .await?,
            lessons: self.store.diary_lessons(student_id, from, to).await?,
            assignments: self.store.diary_assignments(student_id, from, to).await?,
            attendance: self.store.diary_attendance(student_id, from, to).await?,
        };
        let lines = compute(&rows);
        Ok((document(&target, &year_name, &rows.periods, &lines), lines))
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, NaiveTime};
    use sgo_store::ReportClassRecord;

    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap_or_default()
    }

    fn period(id: i64, name: &str) -> PeriodRecord {
        PeriodRecord {
            id,
            academic_year_id: 1,
            kind: "quarter".into(),
            number: 1,
            name: name.into(),
            grade_from: 1,
            grade_to: 11,
            start_date: day(9, 1),
            end_date: day(12, 28),
        }
    }

    fn lesson(id: i64, group: i64) -> DiaryLessonRecord {
        DiaryLessonRecord {
            lesson_id: id,
            date: day(10, 1),
            shift: 1,
            number: 1,
            start_time: NaiveTime::MIN,
            end_time: NaiveTime::MIN,
            room: String::new(),
            topic: String::new(),
            subject_name: String::new(),
            subject_group_id: group,
            subject_group_name: String::new(),
        }
    }

    fn mark(
        lesson: i64,
        value: Option<i32>,
        code: Option<&str>,
        weight: i32,
    ) -> DiaryAssignmentRecord {
        DiaryAssignmentRecord {
            assignment_id: lesson * 10,
            lesson_id: lesson,
            lesson_date: day(10, 1),
            subject_name: String::new(),
            type_id: 1,
            type_name: "Ответ на уроке".into(),
            type_abbr: "О".into(),
            title: String::new(),
            description: String::new(),
            weight,
            due_date: day(10, 1),
            mandatory: false,
            mark_id: Some(lesson),
            mark_value: value,
            mark_code: code.map(str::to_owned),
            mark_duty: Some(false),
            mark_comment: None,
            mark_set_at: None,
        }
    }

    fn final_mark(
        group: i64,
        period: Option<i64>,
        value: Option<i32>,
        code: Option<&str>,
    ) -> StudentFinalMarkRecord {
        StudentFinalMarkRecord {
            subject_group_id: group,
            subject_name: String::new(),
            period_id: period,
            value,
            code: code.map(str::to_owned),
        }
    }

    #[test]
    fn year_marks_averages_and_absences_per_subject() {
        let group = |id, name: &str| ReportGroupRecord {
            id,
            class_id: 1,
            subject_name: name.into(),
            subgroup_id: None,
        };
        let rows = StudentYearRows {
            groups: vec![group(10, "Алгебра"), group(11, "История")],
            periods: vec![period(1, "1 четверть"), period(2, "2 четверть")],
            finals: vec![
                final_mark(10, Some(1), Some(4), None),
                final_mark(10, None, Some(5), None),
                final_mark(11, Some(2), None, Some("н/а")),
            ],
            lessons: vec![lesson(1, 10), lesson(2, 10), lesson(3, 11)],
            assignments: vec![
                mark(1, Some(5), None, 20),
                mark(2, Some(3), None, 10),
                mark(3, None, Some("Н"), 10),
            ],
            attendance: vec![
                AttendanceRecord {
                    lesson_id: 2,
                    code: "Б".into(),
                },
                AttendanceRecord {
                    lesson_id: 3,
                    code: "НП".into(),
                },
                AttendanceRecord {
                    lesson_id: 3,
                    code: "ОП".into(),
                },
            ],
        };
        let lines = compute(&rows);
        assert_eq!(lines[0].period_marks, [Some("4".into()), None]);
        assert_eq!(lines[0].year_mark.as_deref(), Some("5"));
        assert_eq!(lines[0].average, Some((5.0 * 20.0 + 3.0 * 10.0) / 30.0));
        assert_eq!(lines[0].marks, 2);
        assert_eq!(lines[0].absences.excused(), 1);
        assert_eq!(lines[1].period_marks, [None, Some("н/а".into())]);
        assert_eq!(lines[1].average, None);
        assert_eq!(lines[1].absences.missed(), 1);
        assert_eq!(lines[1].absences.unexcused(), 1);

        let target = StudentTarget {
            name: "Антонов Антон".into(),
            class: ReportClassRecord {
                id: 1,
                organization_id: 1,
                academic_year_id: 1,
                grade: 7,
                letter: "Б".into(),
            },
            groups: rows.groups.clone(),
            school: "Школа".into(),
        };
        let html = sgo_reports::document::document_html(&document(
            &target,
            "2026/2027",
            &rows.periods,
            &lines,
        ));
        // netschoolpy reads the last three cells of a numbered row as year, exam and final.
        assert!(
            html.contains(
                "<tr><td class=\"n\">1</td><td>Алгебра</td><td>4</td><td></td><td>5</td><td></td><td>5</td></tr>"
            ),
            "{html}"
        );
        // Only the marks table has rows that start with a number.
        let numbered = html
            .split("<tr>")
            .filter(|r| r.starts_with("<td class=\"n\">"))
            .count();
        assert_eq!(numbered, 2, "{html}");
        assert!(
            html.contains("<td>Алгебра</td><td class=\"n\">4,33</td>"),
            "{html}"
        );
    }
}
