//! «Итоги успеваемости за период»: for a school, its classes; for an education authority, its
//! schools with totals per municipality and for the whole territory. Each class is judged on
//! its own period holding the chosen day (grades may follow different period schemes), with the
//! same rules as the class progress report. Schools are read one at a time and only their totals
//! kept, so a region of hundreds of schools fits in little memory.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use sgo_core::Actor;
use sgo_core::marks::WeightedSum;
use sgo_core::report::ProgressTotals;
use sgo_core::report_territory::{ReportTerritory, report_territory};
use sgo_reports::document::{Document, Section};
use sgo_reports::xlsx::Cell;
use sgo_store::{PeriodRecord, ReportSchoolRecord, ReportScope, SchoolScope};

use super::class_progress::{ClassRows, compute};
use super::queue::Progress;
use super::{class_name, current_period, date};
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
}

const UNAVAILABLE: &str = "Отчёт доступен администрации школы и органам управления образованием";

impl App {
    /// The reach of the actor's period results; not found for those without one.
    pub(crate) async fn results_target(&self, actor: &Actor) -> AppResult<ResultsTarget> {
        let missing = || AppError::NotFound(UNAVAILABLE.into());
        let org = self
            .store
            .organization(actor.organization_id)
            .await?
            .ok_or_else(missing)?;
        let territory = report_territory(actor, org.kind, org.region_id).ok_or_else(missing)?;
        let name = match territory {
            ReportTerritory::Regional(_) => org.region_name,
            _ => org.short_name,
        };
        Ok(ResultsTarget { territory, name })
    }

    /// The school or territory the actor's period results cover; none when the actor may not
    /// order them.
    pub async fn period_results_reach(&self, actor: &Actor) -> AppResult<Option<ResultsReach>> {
        match self.results_target(actor).await {
            Ok(t) => Ok(Some(ResultsReach {
                name: t.name,
                across_schools: !matches!(t.territory, ReportTerritory::School(_)),
            })),
            Err(AppError::NotFound(_)) => Ok(None),
            Err(e) => Err(e),
        }
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
        };
        let Some(year) = school.academic_year_id else {
            return Ok(out);
        };
        let scope = ReportScope::Year(year);
        let classes = self.store.report_classes(scope).await?;
        // Each grade's period holding the day (or the last one begun before it).
        let mut period_of_grade: HashMap<i32, Option<PeriodRecord>> = HashMap::new();
        for c in &classes {
            if period_of_grade.contains_key(&c.grade) {
                continue;
            }
            let periods = self.store.periods(year, c.grade).await?;
            let chosen = current_period(&periods, on)
                .and_then(|id| periods.into_iter().find(|p| p.id == id));
            period_of_grade.insert(c.grade, chosen);
        }
        let chosen: Vec<&PeriodRecord> = period_of_grade.values().flatten().collect();
        let (Some(from), Some(to)) = (
            chosen.iter().map(|p| p.start_date).min(),
            chosen.iter().map(|p| p.end_date).max(),
        ) else {
            return Ok(out);
        };
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
        let mut marks: HashMap<i64, Vec<_>> = HashMap::new();
        for m in self.store.report_marks(scope, from, to).await? {
            marks.entry(m.class_id).or_default().push(m);
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
            let rows = ClassRows {
                students: students.remove(&c.id).unwrap_or_default(),
                groups: groups.remove(&c.id).unwrap_or_default(),
                subgroup_members: members.remove(&c.id).unwrap_or_default(),
                marks: marks
                    .remove(&c.id)
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|m| {
                        period.start_date <= m.lesson_date && m.lesson_date <= period.end_date
                    })
                    .collect(),
                finals: finals.remove(&c.id).unwrap_or_default(),
                period_id: period.id,
            };
            let figures = compute(&rows);
            out.totals.merge(&figures.totals);
            out.marks.merge(figures.mark_sum);
            out.classes.push(ClassResult {
                class: class_name(c),
                period: period.name.clone(),
                totals: figures.totals,
                marks: figures.mark_sum,
            });
        }
        Ok(out)
    }

    /// The period results of the actor's school or territory on a day.
    pub(crate) async fn period_results(
        &self,
        actor: &Actor,
        on: NaiveDate,
        progress: Option<&Progress<'_>>,
    ) -> AppResult<(Document, Vec<SchoolResult>)> {
        let target = self.results_target(actor).await?;
        let scope = match target.territory {
            ReportTerritory::School(id) => SchoolScope::School(id),
            ReportTerritory::Municipal(id) => SchoolScope::Authority(id),
            ReportTerritory::Regional(id) => SchoolScope::Region(id),
        };
        let schools = self.store.report_schools(scope, on).await?;
        let mut results = Vec::with_capacity(schools.len());
        for (i, school) in schools.iter().enumerate() {
            results.push(self.school_result(school, on).await?);
            if let Some(p) = progress {
                p.step(i + 1, schools.len()).await;
            }
        }
        let doc = match target.territory {
            ReportTerritory::School(_) => school_document(&target.name, on, results.first()),
            _ => territory_document(&target.name, on, &results),
        };
        Ok((doc, results))
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

fn school_document(school: &str, on: NaiveDate, result: Option<&SchoolResult>) -> Document {
    let mut headers = vec!["Класс".to_owned(), "Период".to_owned()];
    headers.extend(figure_headers().map(String::from));
    let (rows, totals) = match result {
        Some(r) => {
            let rows = r
                .classes
                .iter()
                .map(|c| {
                    let mut cells = vec![Cell::Text(c.class.clone()), Cell::Text(c.period.clone())];
                    cells.extend(figure_cells(&c.totals, &c.marks));
                    cells
                })
                .collect();
            let mut total = vec![Cell::Text("Итого по школе".into()), Cell::Empty];
            total.extend(figure_cells(&r.totals, &r.marks));
            (rows, vec![total])
        }
        None => (Vec::new(), Vec::new()),
    };
    Document {
        title: "Итоги успеваемости за период".into(),
        facts: vec![
            ("Школа".into(), school.to_owned()),
            ("На дату".into(), date(on)),
        ],
        sections: vec![Section {
            caption: "По классам".into(),
            headers,
            rows,
            totals,
            empty_text: "В школе нет классов учебного года, включающего эту дату.".into(),
        }],
    }
}

fn territory_document(territory: &str, on: NaiveDate, results: &[SchoolResult]) -> Document {
    let mut headers = vec![
        "№".to_owned(),
        "Муниципалитет".to_owned(),
        "Школа".to_owned(),
        "Классов".to_owned(),
    ];
    headers.extend(figure_headers().map(String::from));
    let mut rows = Vec::with_capacity(results.len());
    let mut by_municipality: BTreeMap<&str, (usize, ProgressTotals, WeightedSum)> = BTreeMap::new();
    let mut all = (0usize, ProgressTotals::default(), WeightedSum::default());
    for (i, r) in results.iter().enumerate() {
        let mut cells = vec![
            Cell::Number((i + 1) as f64),
            Cell::Text(r.municipality.clone()),
            Cell::Text(r.school.clone()),
        ];
        if r.has_year {
            cells.push(Cell::Number(r.classes.len() as f64));
            cells.extend(figure_cells(&r.totals, &r.marks));
        } else {
            cells.push(Cell::Text("нет учебного года на эту дату".into()));
        }
        rows.push(cells);
        let m = by_municipality.entry(&r.municipality).or_default();
        for acc in [m, &mut all] {
            acc.0 += r.classes.len();
            acc.1.merge(&r.totals);
            acc.2.merge(r.marks);
        }
    }
    let mut totals = Vec::new();
    if by_municipality.len() > 1 {
        for (name, (classes, t, marks)) in &by_municipality {
            let mut cells = vec![
                Cell::Empty,
                Cell::Text((*name).to_owned()),
                Cell::Text("Итого по муниципалитету".into()),
                Cell::Number(*classes as f64),
            ];
            cells.extend(figure_cells(t, marks));
            totals.push(cells);
        }
    }
    if !results.is_empty() {
        let mut cells = vec![
            Cell::Empty,
            Cell::Empty,
            Cell::Text("Итого по территории".into()),
            Cell::Number(all.0 as f64),
        ];
        cells.extend(figure_cells(&all.1, &all.2));
        totals.push(cells);
    }
    Document {
        title: "Итоги успеваемости за период".into(),
        facts: vec![
            ("Территория".into(), territory.to_owned()),
            ("На дату".into(), date(on)),
            ("Школ".into(), results.len().to_string()),
        ],
        sections: vec![Section {
            caption: "По школам".into(),
            headers,
            rows,
            totals,
            empty_text: "На территории нет действующих школ.".into(),
        }],
    }
}
