//! «Успеваемость класса за период»: every student's result in every subject, averages, the
//! class's «успеваемость» and «качество знаний», the mark distribution, and who has a 2 or no
//! marks. The figures follow `sgo_core::report`.

use sgo_core::{ClassId, PeriodId};
use std::collections::{HashMap, HashSet};

use sgo_core::Actor;
use sgo_core::marks::WeightedSum;
use sgo_core::person::full_name;
use sgo_core::report::{ProgressTotals, StudentStanding, result_mark, standing};
use sgo_reports::document::{Document, Section};
use sgo_reports::xlsx::Cell;
use sgo_store::{
    ReportFinalMarkRecord, ReportGroupRecord, ReportMarkSumRecord, ReportStudentRecord,
};

use super::ClassTarget;
use crate::{App, AppResult};

/// One student's line of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct StudentProgressRow {
    /// The student's account.
    pub student_account_id: i64,
    /// «Фамилия Имя Отчество».
    pub name: String,
    /// Per subject column: `None` when the student does not study it, `Some(None)` when not
    /// attested, `Some(Some(mark))` otherwise.
    pub results: Vec<Option<Option<i32>>>,
    /// Weighted average of all the student's marks of the period.
    pub average: Option<f64>,
    /// Successful, quality, failing, not attested.
    pub standing: StudentStanding,
}

/// The computed figures of a class for a period.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassProgress {
    /// Subject column titles (the subject, with the group name when a subject has several).
    pub subjects: Vec<String>,
    /// Students in the class on the report's day, by name.
    pub rows: Vec<StudentProgressRow>,
    /// Weighted average of all marks per subject column.
    pub subject_averages: Vec<Option<f64>>,
    /// Weighted average of all marks of the class.
    pub class_average: Option<f64>,
    /// The same average as a running sum, to combine classes into a school.
    pub mark_sum: WeightedSum,
    /// Class totals.
    pub totals: ProgressTotals,
}

/// The raw rows of one class for one period.
pub(crate) struct ClassRows {
    pub students: Vec<ReportStudentRecord>,
    pub groups: Vec<ReportGroupRecord>,
    pub subgroup_members: HashSet<(i64, i64)>,
    /// Each student's marks per subject group, summed over the period.
    pub marks: Vec<ReportMarkSumRecord>,
    pub finals: Vec<ReportFinalMarkRecord>,
    pub period_id: i64,
}

/// Computes the class's figures from its raw rows.
pub(crate) fn compute(rows: &ClassRows) -> ClassProgress {
    let groups = &rows.groups;
    let mut marks_of: HashMap<(i64, i64), WeightedSum> = HashMap::new();
    let mut all_of_student: HashMap<i64, WeightedSum> = HashMap::new();
    let mut all_of_group: HashMap<i64, WeightedSum> = HashMap::new();
    let mut mark_sum = WeightedSum::default();
    let mut totals = ProgressTotals::default();
    let in_class: HashSet<i64> = rows.students.iter().map(|s| s.student_account_id).collect();
    for m in &rows.marks {
        // Marks of students who have left the class stay out of its figures.
        if !in_class.contains(&m.student_account_id) {
            continue;
        }
        let sum = WeightedSum::from_parts(m.weighted, m.weights);
        marks_of
            .entry((m.subject_group_id, m.student_account_id))
            .or_default()
            .merge(sum);
        all_of_student
            .entry(m.student_account_id)
            .or_default()
            .merge(sum);
        all_of_group
            .entry(m.subject_group_id)
            .or_default()
            .merge(sum);
        mark_sum.merge(sum);
        totals.add_marks(m.counts);
    }
    let finals: HashMap<(i64, i64), i32> = rows
        .finals
        .iter()
        .filter(|f| f.period_id == rows.period_id)
        .map(|f| ((f.subject_group_id, f.student_account_id), f.value))
        .collect();
    let studies = |g: &ReportGroupRecord, student: i64| match g.subgroup_id {
        None => true,
        Some(sub) => rows.subgroup_members.contains(&(sub, student)),
    };
    let out_rows: Vec<StudentProgressRow> = rows
        .students
        .iter()
        .map(|s| {
            let id = s.student_account_id;
            let results: Vec<Option<Option<i32>>> = groups
                .iter()
                .map(|g| {
                    studies(g, id).then(|| {
                        let marks = marks_of.get(&(g.id, id)).copied().unwrap_or_default();
                        result_mark(finals.get(&(g.id, id)).copied(), marks)
                    })
                })
                .collect();
            let studied: Vec<Option<i32>> = results.iter().flatten().copied().collect();
            let st = standing(&studied);
            totals.add_student(st);
            StudentProgressRow {
                student_account_id: id,
                name: full_name(&s.last_name, &s.first_name, &s.middle_name),
                results,
                average: all_of_student.get(&id).and_then(WeightedSum::average),
                standing: st,
            }
        })
        .collect();
    ClassProgress {
        subjects: subject_titles(groups),
        subject_averages: groups
            .iter()
            .map(|g| all_of_group.get(&g.id).and_then(WeightedSum::average))
            .collect(),
        class_average: mark_sum.average(),
        mark_sum,
        rows: out_rows,
        totals,
    }
}

/// Column titles: the subject's name, numbered when a class has several groups of one subject.
pub(crate) fn subject_titles(groups: &[ReportGroupRecord]) -> Vec<String> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for g in groups {
        *seen.entry(g.subject_name.as_str()).or_default() += 1;
    }
    let mut index: HashMap<&str, usize> = HashMap::new();
    groups
        .iter()
        .map(|g| {
            let name = g.subject_name.as_str();
            if seen[name] > 1 {
                let i = index.entry(name).or_default();
                *i += 1;
                format!("{name} ({i})")
            } else {
                name.to_owned()
            }
        })
        .collect()
}

fn average_cell(avg: Option<f64>) -> Cell {
    avg.map_or(Cell::Empty, |a| Cell::Fixed(a, 2))
}

fn percent_cell(value: Option<f64>) -> Cell {
    value.map_or(Cell::Text("—".into()), |v| Cell::Fixed(v, 1))
}

/// The report document of computed figures.
pub(crate) fn document(target: &ClassTarget, p: &ClassProgress) -> Document {
    let mut headers = vec!["№".to_owned(), "Ученик".to_owned()];
    headers.extend(p.subjects.iter().cloned());
    headers.extend(["Средний балл".to_owned(), "Итог".to_owned()]);
    let rows: Vec<Vec<Cell>> = p
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut cells = vec![Cell::Number((i + 1) as f64), Cell::Text(r.name.clone())];
            cells.extend(r.results.iter().map(|res| match res {
                None => Cell::Text("—".into()),
                Some(None) => Cell::Text("н/а".into()),
                Some(Some(m)) => Cell::Number(f64::from(*m)),
            }));
            cells.push(average_cell(r.average));
            cells.push(Cell::Text(standing_words(r.standing).into()));
            cells
        })
        .collect();
    let mut averages = vec![Cell::Empty, Cell::Text("Средний балл по предмету".into())];
    averages.extend(p.subject_averages.iter().map(|a| average_cell(*a)));
    averages.push(average_cell(p.class_average));
    averages.push(Cell::Empty);
    let t = &p.totals;
    let summary = vec![
        vec![
            Cell::Text("Учеников в классе".into()),
            Cell::Number(f64::from(t.students)),
        ],
        vec![
            Cell::Text("Успевающих".into()),
            Cell::Number(f64::from(t.successful)),
        ],
        vec![
            Cell::Text("На «4» и «5»".into()),
            Cell::Number(f64::from(t.quality)),
        ],
        vec![
            Cell::Text("С «2»".into()),
            Cell::Number(f64::from(t.failing)),
        ],
        vec![
            Cell::Text("Не аттестованы (нет оценок)".into()),
            Cell::Number(f64::from(t.not_attested)),
        ],
        vec![
            Cell::Text("Успеваемость, %".into()),
            percent_cell(t.success_percent()),
        ],
        vec![
            Cell::Text("Качество знаний, %".into()),
            percent_cell(t.quality_percent()),
        ],
        vec![
            Cell::Text("Оценок «5»".into()),
            Cell::Number(f64::from(t.distribution[4])),
        ],
        vec![
            Cell::Text("Оценок «4»".into()),
            Cell::Number(f64::from(t.distribution[3])),
        ],
        vec![
            Cell::Text("Оценок «3»".into()),
            Cell::Number(f64::from(t.distribution[2])),
        ],
        vec![
            Cell::Text("Оценок «2»".into()),
            Cell::Number(f64::from(t.distribution[1])),
        ],
        vec![
            Cell::Text("Оценок «1»".into()),
            Cell::Number(f64::from(t.distribution[0])),
        ],
    ];
    let attention: Vec<Vec<Cell>> = p
        .rows
        .iter()
        .filter(|r| r.standing.failing || r.standing.not_attested)
        .map(|r| {
            let pick = |want: fn(&Option<i32>) -> bool| {
                r.results
                    .iter()
                    .zip(&p.subjects)
                    .filter(|(res, _)| res.as_ref().is_some_and(want))
                    .map(|(_, s)| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            vec![
                Cell::Text(r.name.clone()),
                Cell::Text(pick(|m| m.is_some_and(|v| v <= 2))),
                Cell::Text(pick(Option::is_none)),
            ]
        })
        .collect();
    Document {
        title: "Успеваемость класса за период".into(),
        facts: target.facts(),
        sections: vec![
            Section {
                caption: "Итоги по ученикам".into(),
                headers,
                rows,
                totals: vec![averages],
                empty_text: "В классе нет учеников".into(),
            },
            Section {
                caption: "Сводка".into(),
                headers: vec!["Показатель".into(), "Значение".into()],
                rows: summary,
                totals: Vec::new(),
                empty_text: String::new(),
            },
            Section {
                caption: "С «2» или без оценок".into(),
                headers: vec![
                    "Ученик".into(),
                    "«2» по предметам".into(),
                    "Без оценок".into(),
                ],
                rows: attention,
                totals: Vec::new(),
                empty_text: "Таких учеников нет".into(),
            },
        ],
    }
}

fn standing_words(s: StudentStanding) -> &'static str {
    if s.not_attested {
        "не аттестован"
    } else if s.failing {
        "неуспевающий"
    } else if s.quality {
        "на «4» и «5»"
    } else if s.successful {
        "успевающий"
    } else {
        "—"
    }
}

impl App {
    /// The class progress figures for a period, for those who may see the whole class.
    pub async fn class_progress(
        &self,
        actor: &Actor,
        class_id: ClassId,
        period_id: PeriodId,
    ) -> AppResult<(Document, ClassProgress)> {
        let target = self.report_class(actor, class_id, period_id).await?;
        let (scope, period) = (target.scope(), &target.period);
        let rows = ClassRows {
            students: self.store.report_students(scope, target.on).await?,
            groups: self.store.report_groups(scope).await?,
            subgroup_members: self
                .store
                .report_subgroup_members(scope)
                .await?
                .into_iter()
                .map(|m| (m.subgroup_id, m.student_account_id))
                .collect(),
            marks: self
                .store
                .report_mark_sums(
                    scope,
                    target.class.grade..=target.class.grade,
                    period.start_date,
                    period.end_date,
                )
                .await?,
            finals: self.store.report_final_marks(scope).await?,
            period_id: period.id,
        };
        let figures = compute(&rows);
        Ok((document(&target, &figures), figures))
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use sgo_store::PeriodRecord;

    use super::*;

    fn student(id: i64, last: &str) -> ReportStudentRecord {
        ReportStudentRecord {
            class_id: 1,
            student_account_id: id,
            last_name: last.into(),
            first_name: "Имя".into(),
            middle_name: String::new(),
        }
    }

    fn group(id: i64, subject: &str, subgroup: Option<i64>) -> ReportGroupRecord {
        ReportGroupRecord {
            id,
            class_id: 1,
            subject_name: subject.into(),
            subgroup_id: subgroup,
        }
    }

    /// The marks summed per group and student, as the store sums them.
    fn sums(marks: &[(i64, i64, i32, i32)]) -> Vec<ReportMarkSumRecord> {
        let mut out: Vec<ReportMarkSumRecord> = Vec::new();
        for &(group, student, value, weight) in marks {
            let i = match out
                .iter()
                .position(|r| (r.subject_group_id, r.student_account_id) == (group, student))
            {
                Some(i) => i,
                None => {
                    out.push(ReportMarkSumRecord {
                        class_id: 1,
                        subject_group_id: group,
                        student_account_id: student,
                        weighted: 0,
                        weights: 0,
                        counts: [0; 5],
                    });
                    out.len() - 1
                }
            };
            let r = &mut out[i];
            if weight > 0 {
                r.weighted += i64::from(value * weight);
                r.weights += i64::from(weight);
            }
            r.counts[(value - 1) as usize] += 1;
        }
        out
    }

    #[test]
    fn figures_of_a_small_class() {
        let rows = ClassRows {
            students: vec![
                student(1, "Антонов"),
                student(2, "Борисова"),
                student(3, "Волков"),
            ],
            groups: vec![
                group(10, "Математика", None),
                group(11, "Английский язык", Some(5)),
                group(12, "Английский язык", Some(6)),
            ],
            subgroup_members: [(5, 1), (5, 2), (6, 3)].into_iter().collect(),
            marks: sums(&[
                (10, 1, 5, 10),
                (10, 1, 4, 10),
                (11, 1, 5, 20),
                (10, 2, 3, 10),
                (10, 2, 2, 30),
                (11, 2, 4, 10),
                (10, 3, 4, 10),
                // A student who left: not counted.
                (10, 99, 2, 10),
            ]),
            finals: vec![ReportFinalMarkRecord {
                subject_group_id: 10,
                student_account_id: 2,
                period_id: 7,
                value: 3,
            }],
            period_id: 7,
        };
        let p = compute(&rows);
        assert_eq!(
            p.subjects,
            ["Математика", "Английский язык (1)", "Английский язык (2)"]
        );
        // Антонов: math 4,5 → 5; English (1) 5 → quality.
        assert_eq!(p.rows[0].results, [Some(Some(5)), Some(Some(5)), None]);
        assert!(p.rows[0].standing.quality);
        // Борисова: the teacher's period mark 3 beats the average 2,25.
        assert_eq!(p.rows[1].results, [Some(Some(3)), Some(Some(4)), None]);
        assert!(p.rows[1].standing.successful && !p.rows[1].standing.quality);
        assert_eq!(
            p.rows[1].average,
            Some((3.0 * 10.0 + 2.0 * 30.0 + 4.0 * 10.0) / 50.0)
        );
        // Волков: no marks in his English subgroup → not attested.
        assert_eq!(p.rows[2].results, [Some(Some(4)), None, Some(None)]);
        assert!(p.rows[2].standing.not_attested);
        assert_eq!(p.totals.students, 3);
        assert_eq!(p.totals.successful, 2);
        assert_eq!(p.totals.quality, 1);
        assert_eq!(p.totals.distribution, [0, 1, 1, 3, 2]);
        assert_eq!(p.subject_averages[2], None);
        let target = ClassTarget {
            class: sgo_store::ReportClassRecord {
                id: 1,
                organization_id: 1,
                academic_year_id: 1,
                grade: 5,
                letter: "А".into(),
            },
            period: PeriodRecord {
                id: 7,
                academic_year_id: 1,
                kind: "quarter".into(),
                number: 1,
                name: "1 четверть".into(),
                grade_from: 1,
                grade_to: 11,
                start_date: NaiveDate::from_ymd_opt(2026, 9, 1).unwrap_or_default(),
                end_date: NaiveDate::from_ymd_opt(2026, 10, 25).unwrap_or_default(),
            },
            on: NaiveDate::from_ymd_opt(2026, 10, 25).unwrap_or_default(),
            school: "Школа".into(),
        };
        let doc = document(&target, &p);
        let html = sgo_reports::document::document_html(&doc);
        assert!(
            html.contains("<td>Волков Имя</td><td class=\"n\">4</td><td>—</td><td>н/а</td>"),
            "{html}"
        );
        assert!(
            html.contains("<td>Успеваемость, %</td><td class=\"n\">66,7</td>"),
            "{html}"
        );
        assert!(
            html.contains("<td>Волков Имя</td><td></td><td>Английский язык (2)</td>"),
            "{html}"
        );
    }
}
