//! «Посещаемость класса за период»: lessons each student missed, by reason, with the class's
//! totals and the missed lessons per subject. The counting rules are `sgo_core::report`'s.

use sgo_core::{ClassId, PeriodId};
use std::collections::{BTreeMap, HashMap, HashSet};

use sgo_core::Actor;
use sgo_core::marks::AttendanceCode;
use sgo_core::person::full_name;
use sgo_core::report::AbsenceTotals;
use sgo_reports::document::{Document, Section};
use sgo_reports::xlsx::Cell;
use sgo_store::{ReportAttendanceRecord, ReportGroupRecord, ReportStudentRecord};

use super::ClassTarget;
use crate::{App, AppResult};

/// Missed lessons of a class: per student (in the roster's order), per subject, and in total.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassAttendance {
    /// (student name, their counts), by name.
    pub students: Vec<(String, AbsenceTotals)>,
    /// (subject, counts), by subject name.
    pub subjects: Vec<(String, AbsenceTotals)>,
    /// The whole class.
    pub total: AbsenceTotals,
}

/// The class's total alone, for reports that need no names: the entries of its current students
/// counted as `compute` counts them.
pub(crate) fn class_total(
    students: &[ReportStudentRecord],
    entries: &[ReportAttendanceRecord],
) -> AbsenceTotals {
    let in_class: HashSet<i64> = students.iter().map(|s| s.student_account_id).collect();
    let mut total = AbsenceTotals::default();
    for e in entries {
        if let (true, Ok(code)) = (
            in_class.contains(&e.student_account_id),
            AttendanceCode::from_abbr(&e.code),
        ) {
            total.add_lessons(code, e.lessons);
        }
    }
    total
}

/// Counts the entries of the class's current students; unknown codes are skipped.
pub(crate) fn compute(
    students: &[ReportStudentRecord],
    groups: &[ReportGroupRecord],
    entries: &[ReportAttendanceRecord],
) -> ClassAttendance {
    let in_class: HashSet<i64> = students.iter().map(|s| s.student_account_id).collect();
    let subject_of: HashMap<i64, &str> = groups
        .iter()
        .map(|g| (g.id, g.subject_name.as_str()))
        .collect();
    let mut by_student: HashMap<i64, AbsenceTotals> = HashMap::new();
    let mut by_subject: BTreeMap<String, AbsenceTotals> = BTreeMap::new();
    let mut total = AbsenceTotals::default();
    for e in entries {
        let Ok(code) = AttendanceCode::from_abbr(&e.code) else {
            continue;
        };
        if !in_class.contains(&e.student_account_id) {
            continue;
        }
        by_student
            .entry(e.student_account_id)
            .or_default()
            .add_lessons(code, e.lessons);
        let subject = subject_of.get(&e.subject_group_id).copied().unwrap_or("—");
        by_subject
            .entry(subject.to_owned())
            .or_default()
            .add_lessons(code, e.lessons);
        total.add_lessons(code, e.lessons);
    }
    ClassAttendance {
        students: students
            .iter()
            .map(|s| {
                (
                    full_name(&s.last_name, &s.first_name, &s.middle_name),
                    by_student
                        .get(&s.student_account_id)
                        .copied()
                        .unwrap_or_default(),
                )
            })
            .collect(),
        subjects: by_subject.into_iter().collect(),
        total,
    }
}

/// The columns of the counts, in the order of `counts`.
pub(crate) const HEADERS: [&str; 8] = [
    "Пропущено уроков",
    "По уважительной причине",
    "По неуважительной причине",
    "Болел (Б)",
    "Уважительная причина (УП)",
    "Неуважительная причина (НП)",
    "Отсутствовал без указания причины (ОТ)",
    "Опозданий (ОП)",
];

/// The cells of one line's counts.
pub(crate) fn counts(a: &AbsenceTotals) -> Vec<Cell> {
    [
        a.missed(),
        a.excused(),
        a.unexcused(),
        a.count(AttendanceCode::Ill),
        a.count(AttendanceCode::Excused),
        a.count(AttendanceCode::Unexcused),
        a.count(AttendanceCode::Absent),
        a.count(AttendanceCode::Late),
    ]
    .into_iter()
    .map(|n| Cell::Number(f64::from(n)))
    .collect()
}

/// The report document of the counted figures.
pub(crate) fn document(target: &ClassTarget, a: &ClassAttendance) -> Document {
    let mut student_headers = vec!["№".to_owned(), "Ученик".to_owned()];
    student_headers.extend(HEADERS.iter().map(|h| (*h).to_owned()));
    let student_rows = a
        .students
        .iter()
        .enumerate()
        .map(|(i, (name, counted))| {
            let mut row = vec![Cell::Number((i + 1) as f64), Cell::Text(name.clone())];
            row.extend(counts(counted));
            row
        })
        .collect();
    let mut total = vec![Cell::Empty, Cell::Text("Итого по классу".into())];
    total.extend(counts(&a.total));
    let mut subject_headers = vec!["Предмет".to_owned()];
    subject_headers.extend(HEADERS.iter().map(|h| (*h).to_owned()));
    let subject_rows = a
        .subjects
        .iter()
        .map(|(subject, counted)| {
            let mut row = vec![Cell::Text(subject.clone())];
            row.extend(counts(counted));
            row
        })
        .collect();
    Document {
        title: "Посещаемость класса за период".into(),
        facts: target.facts(),
        sections: vec![
            Section {
                caption: "Пропуски по ученикам".into(),
                headers: student_headers,
                rows: student_rows,
                totals: vec![total],
                empty_text: "В классе нет учеников".into(),
            },
            Section {
                caption: "Пропуски по предметам".into(),
                headers: subject_headers,
                rows: subject_rows,
                totals: Vec::new(),
                empty_text: "Пропусков нет".into(),
            },
        ],
    }
}

impl App {
    /// The class attendance figures for a period, for those who may see the whole class.
    pub async fn class_attendance(
        &self,
        actor: &Actor,
        class_id: ClassId,
        period_id: PeriodId,
    ) -> AppResult<(Document, ClassAttendance)> {
        let target = self.report_class(actor, class_id, period_id).await?;
        let (scope, period) = (target.scope(), &target.period);
        let students = self.store.report_students(scope, target.on).await?;
        let groups = self.store.report_groups(scope).await?;
        let entries = self
            .store
            .report_attendance(
                scope,
                target.class.grade..=target.class.grade,
                period.start_date,
                period.end_date,
            )
            .await?;
        let figures = compute(&students, &groups, &entries);
        Ok((document(&target, &figures), figures))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(student: i64, group: i64, code: &str, lessons: u32) -> ReportAttendanceRecord {
        ReportAttendanceRecord {
            class_id: 1,
            subject_group_id: group,
            student_account_id: student,
            code: code.into(),
            lessons,
        }
    }

    #[test]
    fn missed_lessons_per_student_and_subject() {
        let students = vec![
            ReportStudentRecord {
                class_id: 1,
                student_account_id: 1,
                last_name: "Антонов".into(),
                first_name: "Антон".into(),
                middle_name: String::new(),
            },
            ReportStudentRecord {
                class_id: 1,
                student_account_id: 2,
                last_name: "Борисова".into(),
                first_name: "Вера".into(),
                middle_name: String::new(),
            },
        ];
        let groups = vec![
            ReportGroupRecord {
                id: 10,
                class_id: 1,
                subject_name: "Математика".into(),
                subgroup_id: None,
            },
            ReportGroupRecord {
                id: 11,
                class_id: 1,
                subject_name: "История".into(),
                subgroup_id: None,
            },
        ];
        let entries = vec![
            entry(1, 10, "Б", 1),
            entry(1, 11, "Б", 1),
            // Two lessons with the same code count twice.
            entry(1, 10, "НП", 2),
            entry(2, 10, "ОП", 1),
            entry(2, 11, "ОТ", 1),
            entry(2, 11, "??", 1),
            entry(99, 10, "НП", 1),
        ];
        let a = compute(&students, &groups, &entries);
        assert_eq!(a.students[0].0, "Антонов Антон");
        assert_eq!(
            (a.students[0].1.missed(), a.students[0].1.excused()),
            (4, 2)
        );
        assert_eq!(
            (a.students[1].1.missed(), a.students[1].1.unexcused()),
            (1, 1)
        );
        assert_eq!(a.students[1].1.count(AttendanceCode::Late), 1);
        assert_eq!(a.total.missed(), 5);
        assert_eq!(
            a.subjects
                .iter()
                .map(|(s, t)| (s.as_str(), t.missed()))
                .collect::<Vec<_>>(),
            [("История", 2), ("Математика", 3)]
        );
        // The total alone counts the same entries: the stranger (99) and the unknown code left out.
        assert_eq!(class_total(&students, &entries), a.total);
    }
}
