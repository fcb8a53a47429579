//! «Заполнение журнала»: for each subject group of a class, the lessons held in the period, how
//! many have no topic written, how many marks were given and how many marks fall on a lesson —
//! what a deputy head checks before the period closes.

use sgo_core::{ClassId, PeriodId};
use std::collections::HashMap;

use sgo_core::Actor;
use sgo_reports::document::{Document, Section};
use sgo_reports::xlsx::Cell;
use sgo_store::{ReportGroupRecord, ReportLessonRecord};

use super::ClassTarget;
use crate::{App, AppResult};

/// One subject group's filling.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FillingCounts {
    /// Lessons held (not cancelled).
    pub lessons: u32,
    /// Of them, without a topic.
    pub without_topic: u32,
    /// Marks given on them.
    pub marks: u32,
}

impl FillingCounts {
    /// Marks per held lesson; `None` without lessons.
    pub fn density(&self) -> Option<f64> {
        (self.lessons > 0).then(|| f64::from(self.marks) / f64::from(self.lessons))
    }

    fn add(&mut self, other: &FillingCounts) {
        self.lessons += other.lessons;
        self.without_topic += other.without_topic;
        self.marks += other.marks;
    }
}

/// Counts the lessons of each group (groups without lessons are listed with zeros).
pub(crate) fn compute(
    groups: &[ReportGroupRecord],
    lessons: &[ReportLessonRecord],
) -> (Vec<(String, FillingCounts)>, FillingCounts) {
    let mut by_group: HashMap<i64, FillingCounts> = HashMap::new();
    for l in lessons {
        let c = by_group.entry(l.subject_group_id).or_default();
        c.lessons += 1;
        c.without_topic += u32::from(!l.has_topic);
        c.marks += u32::try_from(l.marks).unwrap_or(0);
    }
    let mut total = FillingCounts::default();
    let rows = groups
        .iter()
        .map(|g| {
            let c = by_group.get(&g.id).copied().unwrap_or_default();
            total.add(&c);
            (g.subject_name.clone(), c)
        })
        .collect();
    (rows, total)
}

fn cells(c: &FillingCounts) -> Vec<Cell> {
    vec![
        Cell::Number(f64::from(c.lessons)),
        Cell::Number(f64::from(c.without_topic)),
        Cell::Number(f64::from(c.marks)),
        c.density()
            .map_or(Cell::Text("—".into()), |d| Cell::Fixed(d, 2)),
    ]
}

impl App {
    /// The journal filling of a class for a period, for those who may see the whole class.
    pub async fn journal_filling(
        &self,
        actor: &Actor,
        class_id: ClassId,
        period_id: PeriodId,
    ) -> AppResult<(Document, Vec<(String, FillingCounts)>)> {
        let target = self.report_class(actor, class_id, period_id).await?;
        let (scope, period) = (target.scope(), &target.period);
        let groups = self.store.report_groups(scope).await?;
        let lessons = self
            .store
            .report_lessons(scope, period.start_date, period.end_date.min(target.on))
            .await?;
        let (rows, total) = compute(&groups, &lessons);
        Ok((document(&target, &rows, &total), rows))
    }
}

fn document(
    target: &ClassTarget,
    rows: &[(String, FillingCounts)],
    total: &FillingCounts,
) -> Document {
    let mut totals = vec![Cell::Text("Итого по классу".into())];
    totals.extend(cells(total));
    Document {
        title: "Заполнение журнала".into(),
        facts: target.facts(),
        sections: vec![Section {
            caption: "По предметам".into(),
            headers: [
                "Предмет",
                "Проведено уроков",
                "Без темы",
                "Выставлено оценок",
                "Оценок на урок",
            ]
            .map(String::from)
            .to_vec(),
            rows: rows
                .iter()
                .map(|(subject, c)| {
                    let mut r = vec![Cell::Text(subject.clone())];
                    r.extend(cells(c));
                    r
                })
                .collect(),
            totals: vec![totals],
            empty_text: "У класса нет предметов в этом учебном году.".into(),
        }],
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn lesson(group: i64, topic: bool, marks: i64) -> ReportLessonRecord {
        ReportLessonRecord {
            class_id: 1,
            subject_group_id: group,
            date: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap_or_default(),
            has_topic: topic,
            marks,
        }
    }

    fn group(id: i64, subject: &str) -> ReportGroupRecord {
        ReportGroupRecord {
            id,
            class_id: 1,
            subject_name: subject.into(),
            subgroup_id: None,
        }
    }

    #[test]
    fn counts_lessons_without_topic_and_marks_per_lesson() {
        let groups = [group(1, "Алгебра"), group(2, "История"), group(3, "Музыка")];
        let lessons = [
            lesson(1, true, 5),
            lesson(1, false, 0),
            lesson(1, true, 4),
            lesson(2, false, 1),
        ];
        let (rows, total) = compute(&groups, &lessons);
        assert_eq!(
            rows[0].1,
            FillingCounts {
                lessons: 3,
                without_topic: 1,
                marks: 9
            }
        );
        assert_eq!(rows[0].1.density(), Some(3.0));
        assert_eq!(rows[1].1.without_topic, 1);
        // A group without lessons is listed, with no density.
        assert_eq!(rows[2], ("Музыка".to_owned(), FillingCounts::default()));
        assert_eq!(rows[2].1.density(), None);
        assert_eq!(
            total,
            FillingCounts {
                lessons: 4,
                without_topic: 2,
                marks: 10
            }
        );
    }
}
