//! «Итоги успеваемости за период»: for a school, its classes; for an education authority, its
//! schools with totals per municipality and for the whole territory. Each class is judged on
//! its own period holding the chosen day (grades may follow different period schemes), with the
//! same rules as the class progress report. Schools are read a few at a time and only their
//! totals kept, so a region of hundreds of schools fits in little memory.

use sgo_core::{OrganizationId, RegionId};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::RangeInclusive;

use chrono::NaiveDate;
use futures_util::StreamExt;
use sgo_core::Actor;
use sgo_core::marks::WeightedSum;
use sgo_core::policy::report_territory;
use sgo_core::report::{AbsenceTotals, ProgressTotals};
use sgo_core::report_territory::ReportTerritory;
use sgo_reports::document::{Document, Section};
use sgo_reports::xlsx::Cell;
use sgo_store::{NamedRecord, PeriodRecord, ReportSchoolRecord, ReportScope, SchoolScope};

use super::class_attendance::{self, class_total};
use super::class_progress::{ClassRows, compute};
use super::queue::Progress;
use super::{class_name, current_period, date, grade_periods};
use crate::{App, AppError, AppResult};

/// One class's line: its name, the period it was judged on and its totals.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassResult {
    /// «5А».
    pub class: String,
    /// «2 четверть».
    pub period: String,
    /// The class's totals.
    pub totals: ProgressTotals,
    /// The class's marks as a running average.
    pub marks: WeightedSum,
    /// Lessons its current students missed or were late to in the period.
    pub absences: AbsenceTotals,
}

/// One school's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct SchoolResult {
    /// The school's short name.
    pub school: String,
    /// Its municipality.
    pub municipality: String,
    /// Its classes; empty when the school has no year holding the day.
    pub classes: Vec<ClassResult>,
    /// False when the school has no academic year holding the day.
    pub has_year: bool,
    /// The school's totals.
    pub totals: ProgressTotals,
    /// The school's marks as a running average.
    pub marks: WeightedSum,
    /// The school's absences.
    pub absences: AbsenceTotals,
}

/// What the actor's period results cover, with the name to print.
pub(crate) struct ResultsTarget {
    pub territory: ReportTerritory,
    pub name: String,
}

/// What the catalogue says about the period results the actor may order.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultsReach {
    /// The school's or the territory's name.
    pub name: String,
    /// True for an authority: the lines are schools, not classes.
    pub across_schools: bool,
    /// For an authority, the schools it may narrow the report to, by name.
    pub schools: Vec<NamedRecord>,
}

/// Schools whose rows are read at the same time. Each school is a dozen short queries, each a
/// hop to a database thread and back: with one school at a time the cores wait on the hops
/// (a 500-school region took 19 s at one, 13 s at two, 11 s at six on two cores). Two reports
/// at once hold 12 connections of the store's 16, leaving the rest to the diary.
const SCHOOLS_AT_ONCE: usize = 6;

const UNAVAILABLE: crate::Message = msg!("report-period-results-unavailable");

impl App {
    /// The reach of the actor's period results; not found for those without one.
    pub(crate) async fn results_target(&self, actor: &Actor) -> AppResult<ResultsTarget> {
        let missing = || AppError::NotFound(UNAVAILABLE);
        let org = self
            .store
            .organization(actor.organization_id.get())
            .await?
            .ok_or_else(missing)?;
        let territory =
            report_territory(actor, org.kind, RegionId::new(org.region_id)).ok_or_else(missing)?;
        let name = match territory {
            ReportTerritory::Regional(_) => org.region_name,
            _ => org.short_name,
        };
        Ok(ResultsTarget { territory, name })
    }

    /// The school or territory the actor's period results cover; none when the actor may not
    /// order them.
    pub async fn period_results_reach(&self, actor: &Actor) -> AppResult<Option<ResultsReach>> {
        let target = match self.results_target(actor).await {
            Ok(t) => t,
            Err(AppError::NotFound(_)) => return Ok(None),
            Err(e) => return Err(e),
        };
        let across_schools = !matches!(target.territory, ReportTerritory::School(_));
        let mut schools = Vec::new();
        if across_schools {
            let on = self.today();
            for s in self
                .store
                .report_schools(school_scope(target.territory), on)
                .await?
            {
                schools.push(NamedRecord {
                    id: s.id,
                    name: s.short_name,
                });
            }
            schools.sort_by(|a, b| a.name.cmp(&b.name));
        }
        Ok(Some(ResultsReach {
            name: target.name,
            across_schools,
            schools,
        }))
    }

    /// A school of the actor's territory, to narrow the period results to; not found for a
    /// school outside it.
    pub(crate) async fn results_school(
        &self,
        actor: &Actor,
        school_id: OrganizationId,
        on: NaiveDate,
    ) -> AppResult<ReportSchoolRecord> {
        let school_id = school_id.get();
        let target = self.results_target(actor).await?;
        self.store
            .report_schools(school_scope(target.territory), on)
            .await?
            .into_iter()
            .find(|s| s.id == school_id)
            .ok_or_else(|| AppError::NotFound(msg!("report-school-not-on-territory")))
    }

    /// The figures of one school on a day, class by class.
    pub(crate) async fn school_result(
        &self,
        school: &ReportSchoolRecord,
        on: NaiveDate,
    ) -> AppResult<SchoolResult> {
        let mut out = SchoolResult {
            school: school.short_name.clone(),
            municipality: school.municipality_name.clone(),
            classes: Vec::new(),
            has_year: school.academic_year_id.is_some(),
            totals: ProgressTotals::default(),
            marks: WeightedSum::default(),
            absences: AbsenceTotals::default(),
        };
        let Some(year) = school.academic_year_id else {
            return Ok(out);
        };
        let scope = ReportScope::Year(year);
        let classes = self.store.report_classes(scope).await?;
        // Each grade's period holding the day (or the last one begun before it), from the
        // year's periods read once.
        let year_periods = self.year_periods_by_start(year).await?;
        let mut period_of_grade: HashMap<i32, Option<PeriodRecord>> = HashMap::new();
        for c in &classes {
            if period_of_grade.contains_key(&c.grade) {
                continue;
            }
            let periods = grade_periods(&year_periods, c.grade);
            let chosen = current_period(&periods, on)
                .and_then(|id| periods.into_iter().find(|p| p.id == id));
            period_of_grade.insert(c.grade, chosen);
        }
        let mut students: HashMap<i64, Vec<_>> = HashMap::new();
        for s in self.store.report_students(scope, on).await? {
            students.entry(s.class_id).or_default().push(s);
        }
        let mut groups: HashMap<i64, Vec<_>> = HashMap::new();
        let mut class_of_group = HashMap::new();
        let mut class_of_subgroup = HashMap::new();
        for g in self.store.report_groups(scope).await? {
            class_of_group.insert(g.id, g.class_id);
            if let Some(sub) = g.subgroup_id {
                class_of_subgroup.insert(sub, g.class_id);
            }
            groups.entry(g.class_id).or_default().push(g);
        }
        let mut members: HashMap<i64, HashSet<(i64, i64)>> = HashMap::new();
        for m in self.store.report_subgroup_members(scope).await? {
            if let Some(class) = class_of_subgroup.get(&m.subgroup_id) {
                members
                    .entry(*class)
                    .or_default()
                    .insert((m.subgroup_id, m.student_account_id));
            }
        }
        // Marks and attendance are read for runs of consecutive grades sharing a period, each
        // over its own period's days: a school's quarters and half-years start on different
        // days, and one span covering both would read weeks of marks to throw away.
        let mut marks: HashMap<i64, Vec<_>> = HashMap::new();
        let mut attendance: HashMap<i64, Vec<_>> = HashMap::new();
        for (grades, period) in grade_runs(&period_of_grade) {
            let (from, to) = (period.start_date, period.end_date);
            for m in self
                .store
                .report_mark_sums(scope, grades.clone(), from, to)
                .await?
            {
                marks.entry(m.class_id).or_default().push(m);
            }
            for a in self
                .store
                .report_attendance(scope, grades, from, to)
                .await?
            {
                attendance.entry(a.class_id).or_default().push(a);
            }
        }
        let mut finals: HashMap<i64, Vec<_>> = HashMap::new();
        for f in self.store.report_final_marks(scope).await? {
            if let Some(class) = class_of_group.get(&f.subject_group_id) {
                finals.entry(*class).or_default().push(f);
            }
        }
        for c in &classes {
            let Some(period) = period_of_grade.get(&c.grade).and_then(Option::as_ref) else {
                continue;
            };
            let class_students = students.remove(&c.id).unwrap_or_default();
            let entries = attendance.remove(&c.id).unwrap_or_default();
            let absences = class_total(&class_students, &entries);
            let rows = ClassRows {
                students: class_students,
                groups: groups.remove(&c.id).unwrap_or_default(),
                subgroup_members: members.remove(&c.id).unwrap_or_default(),
                marks: marks.remove(&c.id).unwrap_or_default(),
                finals: finals.remove(&c.id).unwrap_or_default(),
                period_id: period.id,
            };
            let figures = compute(&rows);
            out.totals.merge(&figures.totals);
            out.marks.merge(figures.mark_sum);
            out.absences.merge(&absences);
            out.classes.push(ClassResult {
                class: class_name(c),
                period: period.name.clone(),
                totals: figures.totals,
                marks: figures.mark_sum,
                absences,
            });
        }
        Ok(out)
    }

    /// The period results of the actor's school or territory on a day, or of one school of
    /// the territory class by class.
    pub(crate) async fn period_results(
        &self,
        actor: &Actor,
        on: NaiveDate,
        school: Option<OrganizationId>,
        progress: Option<&Progress<'_>>,
    ) -> AppResult<(Document, Vec<SchoolResult>)> {
        if let Some(id) = school {
            let school = self.results_school(actor, id, on).await?;
            let result = self.school_result(&school, on).await?;
            let doc = school_document(&school.short_name, on, Some(&result));
            return Ok((doc, vec![result]));
        }
        let target = self.results_target(actor).await?;
        let schools = self
            .store
            .report_schools(school_scope(target.territory), on)
            .await?;
        // Several schools are read at once and taken in order.
        // (By index: a closure taking a borrowed school would not be `Send` for every lifetime,
        // which the queue's spawned task needs.)
        let mut pending = futures_util::stream::iter(0..schools.len())
            .map(|i| self.school_result(&schools[i], on))
            .buffered(SCHOOLS_AT_ONCE);
        let mut results = Vec::with_capacity(schools.len());
        while let Some(result) = pending.next().await {
            results.push(result?);
            if let Some(p) = progress {
                p.step(results.len(), schools.len()).await;
            }
        }
        let doc = match target.territory {
            ReportTerritory::School(_) => school_document(&target.name, on, results.first()),
            _ => territory_document(&target.name, on, &results),
        };
        Ok((doc, results))
    }
}

/// The grades a school has classes in, in runs of grades next to each other (among those it
/// has) judged on the same period, each with that period; grades without a period are left out.
fn grade_runs(
    period_of_grade: &HashMap<i32, Option<PeriodRecord>>,
) -> Vec<(RangeInclusive<i32>, &PeriodRecord)> {
    let mut grades: Vec<i32> = period_of_grade.keys().copied().collect();
    grades.sort_unstable();
    let mut runs: Vec<(RangeInclusive<i32>, &PeriodRecord)> = Vec::new();
    let mut extends_last = false;
    for grade in grades {
        let Some(period) = period_of_grade.get(&grade).and_then(Option::as_ref) else {
            extends_last = false;
            continue;
        };
        match runs.last_mut() {
            Some((run, p)) if extends_last && p.id == period.id => *run = *run.start()..=grade,
            _ => runs.push((grade..=grade, period)),
        }
        extends_last = true;
    }
    runs
}

/// The schools a territory's results read.
fn school_scope(territory: ReportTerritory) -> SchoolScope {
    match territory {
        ReportTerritory::School(id) => SchoolScope::School(id.get()),
        ReportTerritory::Municipal(id) => SchoolScope::Authority(id.get()),
        ReportTerritory::Regional(id) => SchoolScope::Region(id.get()),
    }
}

/// The figure columns shared by the class and the school lines.
fn figure_headers() -> [&'static str; 8] {
    [
        "Учеников",
        "Успевающих",
        "На «4» и «5»",
        "С «2»",
        "Не аттестованы",
        "Успеваемость, %",
        "Качество знаний, %",
        "Средний балл",
    ]
}

fn figure_cells(t: &ProgressTotals, marks: &WeightedSum) -> Vec<Cell> {
    let percent = |v: Option<f64>| v.map_or(Cell::Text("—".into()), |v| Cell::Fixed(v, 1));
    vec![
        Cell::Number(f64::from(t.students)),
        Cell::Number(f64::from(t.successful)),
        Cell::Number(f64::from(t.quality)),
        Cell::Number(f64::from(t.failing)),
        Cell::Number(f64::from(t.not_attested)),
        percent(t.success_percent()),
        percent(t.quality_percent()),
        marks.average().map_or(Cell::Empty, |a| Cell::Fixed(a, 2)),
    ]
}

/// One line of the results: its lead cells (class or school) and its figures.
type Line = (Vec<Cell>, ProgressTotals, WeightedSum, AbsenceTotals);

/// The lines of a document with their lead headers and empty text: what the progress and the
/// attendance sections share.
struct Lines {
    lead_headers: Vec<String>,
    rows: Vec<Line>,
    totals: Vec<Line>,
    empty_text: &'static str,
}

impl Lines {
    /// The progress section and the attendance section of the same lines.
    fn sections(self, progress: &str, attendance: &str) -> Vec<Section> {
        let with = |extra: Vec<String>| {
            let mut h = self.lead_headers.clone();
            h.extend(extra);
            h
        };
        let progress_cells = |lines: &[Line]| {
            lines
                .iter()
                .map(|(lead, t, m, _)| {
                    let mut cells = lead.clone();
                    cells.extend(figure_cells(t, m));
                    cells
                })
                .collect()
        };
        let attendance_cells = |lines: &[Line]| {
            lines
                .iter()
                .map(|(lead, _, _, a)| {
                    let mut cells = lead.clone();
                    cells.extend(class_attendance::counts(a));
                    cells
                })
                .collect()
        };
        vec![
            Section {
                caption: progress.into(),
                headers: with(figure_headers().map(String::from).to_vec()),
                rows: progress_cells(&self.rows),
                totals: progress_cells(&self.totals),
                empty_text: self.empty_text.into(),
            },
            Section {
                caption: attendance.into(),
                headers: with(
                    class_attendance::HEADERS
                        .iter()
                        .map(|h| (*h).to_owned())
                        .collect(),
                ),
                rows: attendance_cells(&self.rows),
                totals: attendance_cells(&self.totals),
                empty_text: self.empty_text.into(),
            },
        ]
    }
}

fn school_document(school: &str, on: NaiveDate, result: Option<&SchoolResult>) -> Document {
    let mut lines = Lines {
        lead_headers: vec!["Класс".to_owned(), "Период".to_owned()],
        rows: Vec::new(),
        totals: Vec::new(),
        empty_text: "В школе нет классов учебного года, включающего эту дату.",
    };
    if let Some(r) = result {
        for c in &r.classes {
            let lead = vec![Cell::Text(c.class.clone()), Cell::Text(c.period.clone())];
            lines.rows.push((lead, c.totals, c.marks, c.absences));
        }
        let lead = vec![Cell::Text("Итого по школе".into()), Cell::Empty];
        lines.totals.push((lead, r.totals, r.marks, r.absences));
    }
    Document {
        title: "Итоги успеваемости за период".into(),
        facts: vec![
            ("Школа".into(), school.to_owned()),
            ("На дату".into(), date(on)),
        ],
        sections: lines.sections("По классам", "Посещаемость по классам"),
    }
}

fn territory_document(territory: &str, on: NaiveDate, results: &[SchoolResult]) -> Document {
    let mut lines = Lines {
        lead_headers: ["№", "Муниципалитет", "Школа", "Классов"]
            .map(String::from)
            .to_vec(),
        rows: Vec::with_capacity(results.len()),
        totals: Vec::new(),
        empty_text: "На территории нет действующих школ.",
    };
    type Sums = (usize, ProgressTotals, WeightedSum, AbsenceTotals);
    let mut by_municipality: BTreeMap<&str, Sums> = BTreeMap::new();
    let mut all = Sums::default();
    for (i, r) in results.iter().enumerate() {
        let mut lead = vec![
            Cell::Number((i + 1) as f64),
            Cell::Text(r.municipality.clone()),
            Cell::Text(r.school.clone()),
        ];
        if r.has_year {
            lead.push(Cell::Number(r.classes.len() as f64));
        } else {
            lead.push(Cell::Text("нет учебного года на эту дату".into()));
        }
        lines.rows.push((lead, r.totals, r.marks, r.absences));
        let m = by_municipality.entry(&r.municipality).or_default();
        for acc in [m, &mut all] {
            acc.0 += r.classes.len();
            acc.1.merge(&r.totals);
            acc.2.merge(r.marks);
            acc.3.merge(&r.absences);
        }
    }
    if by_municipality.len() > 1 {
        for (name, (classes, t, marks, absences)) in &by_municipality {
            let lead = vec![
                Cell::Empty,
                Cell::Text((*name).to_owned()),
                Cell::Text("Итого по муниципалитету".into()),
                Cell::Number(*classes as f64),
            ];
            lines.totals.push((lead, *t, *marks, *absences));
        }
    }
    if !results.is_empty() {
        let lead = vec![
            Cell::Empty,
            Cell::Empty,
            Cell::Text("Итого по территории".into()),
            Cell::Number(all.0 as f64),
        ];
        lines.totals.push((lead, all.1, all.2, all.3));
    }
    Document {
        title: "Итоги успеваемости за период".into(),
        facts: vec![
            ("Территория".into(), territory.to_owned()),
            ("На дату".into(), date(on)),
            ("Школ".into(), results.len().to_string()),
        ],
        sections: lines.sections("По школам", "Посещаемость по школам"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn period(id: i64) -> PeriodRecord {
        PeriodRecord {
            id,
            academic_year_id: 1,
            kind: "quarter".into(),
            number: 2,
            name: "2 четверть".into(),
            grade_from: 1,
            grade_to: 11,
            start_date: NaiveDate::from_ymd_opt(2026, 11, 4).unwrap_or_default(),
            end_date: NaiveDate::from_ymd_opt(2026, 12, 28).unwrap_or_default(),
        }
    }

    #[test]
    fn grades_are_read_in_runs_sharing_a_period() {
        // Quarters for 1–9 (no 4th grade in this school), half-years for 10–11, and a 7th
        // grade with no period: it splits the quarter grades.
        let mut of_grade: HashMap<i32, Option<PeriodRecord>> = HashMap::new();
        for g in [1, 2, 3, 5, 6, 8, 9] {
            of_grade.insert(g, Some(period(2)));
        }
        of_grade.insert(7, None);
        of_grade.insert(10, Some(period(5)));
        of_grade.insert(11, Some(period(5)));
        let runs: Vec<(RangeInclusive<i32>, i64)> = grade_runs(&of_grade)
            .into_iter()
            .map(|(r, p)| (r, p.id))
            .collect();
        assert_eq!(runs, [(1..=6, 2), (8..=9, 2), (10..=11, 5)]);
        assert!(grade_runs(&HashMap::new()).is_empty());
    }
}
