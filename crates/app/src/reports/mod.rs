//! School reports: which ones an account may build, on what, and the reports themselves as
//! documents ready to be shown as HTML or written as XLSX and PDF.

use sgo_core::OrganizationId;
mod class_attendance;
mod class_progress;
mod journal_filling;
mod period_results;
mod queue;
mod student;
mod student_grades;
mod student_total;
mod worker;

use chrono::NaiveDate;
use sgo_core::policy::may_report_on_class;
use sgo_core::{Actor, ClassId, PeriodId};
pub use sgo_reports::document::Document;
use sgo_reports::document::{document_html, document_pdf, document_xlsx};
use sgo_store::{PeriodRecord, ReportClassRecord, ReportScope};

use crate::calendar::Period;
use crate::{App, AppError, AppResult};

pub use class_attendance::ClassAttendance;
pub use class_progress::{ClassProgress, StudentProgressRow};
pub use journal_filling::FillingCounts;
pub use period_results::{ClassResult, ResultsReach, SchoolResult};
pub use queue::{ReportJob, ReportRequest, file_stem};
pub use sgo_core::report_job::ReportJobState;
pub use sgo_reports::document::{Section, cell_text};
pub use sgo_reports::xlsx::Cell;
pub use student::StudentReportForm;
pub use student_grades::GradeRow;
pub use student_total::SubjectTotal;
pub(crate) use worker::ReportQueue;

/// A class the actor may build class reports on, with the periods of its grade.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportClassChoice {
    /// The class's id.
    pub id: ClassId,
    /// «5А».
    pub name: String,
    /// Periods of the class's year that cover its grade, in order.
    pub periods: Vec<Period>,
    /// The period holding today, else the last one that started, else the first.
    pub current_period: Option<PeriodId>,
}

/// The formats a report is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// A web page.
    Html,
    /// A workbook.
    Xlsx,
    /// A printable document.
    Pdf,
}

impl ReportFormat {
    /// Parses the extension used in download addresses.
    pub fn from_extension(ext: &str) -> Option<ReportFormat> {
        match ext {
            "html" => Some(ReportFormat::Html),
            "xlsx" => Some(ReportFormat::Xlsx),
            "pdf" => Some(ReportFormat::Pdf),
            _ => None,
        }
    }

    /// The extension of a file in this format.
    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Html => "html",
            ReportFormat::Xlsx => "xlsx",
            ReportFormat::Pdf => "pdf",
        }
    }

    /// The MIME type of a file in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            ReportFormat::Html => "text/html; charset=utf-8",
            ReportFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
            ReportFormat::Pdf => "application/pdf",
        }
    }
}

/// Writes a document in a format.
pub fn write_document(doc: &Document, format: ReportFormat) -> AppResult<Vec<u8>> {
    let bytes = match format {
        ReportFormat::Html => document_html(doc).into_bytes(),
        ReportFormat::Xlsx => document_xlsx(doc)?,
        ReportFormat::Pdf => document_pdf(doc)?,
    };
    Ok(bytes)
}

/// Writes a document off the request threads: typesetting a long PDF takes whole seconds of CPU
/// that would otherwise hold up the diary requests sharing the thread.
pub async fn render_document(doc: Document, format: ReportFormat) -> AppResult<Vec<u8>> {
    tokio::task::spawn_blocking(move || write_document(&doc, format))
        .await
        .map_err(|e| sgo_reports::ReportError::Typeset(format!("вёрстка прервана: {e}")))?
}

/// The periods of a year that apply to a grade, from the year's periods by start date.
fn grade_periods(year_periods: &[PeriodRecord], grade: i32) -> Vec<PeriodRecord> {
    year_periods
        .iter()
        .filter(|p| p.grade_from <= grade && grade <= p.grade_to)
        .cloned()
        .collect()
}

fn class_name(c: &ReportClassRecord) -> String {
    format!("{}{}", c.grade, c.letter)
}

fn date(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// What a class report covers: the class, the period, the day its roster is taken on and the
/// school's name.
pub(crate) struct ClassTarget {
    pub class: ReportClassRecord,
    pub period: PeriodRecord,
    /// The class as it stands at the end of the period, or today while the period runs.
    pub on: NaiveDate,
    pub school: String,
}

impl ClassTarget {
    /// «5А».
    pub fn class_name(&self) -> String {
        class_name(&self.class)
    }

    /// The store scope of the class.
    pub fn scope(&self) -> ReportScope {
        ReportScope::Class(self.class.id)
    }

    /// The facts every class report opens with.
    pub fn facts(&self) -> Vec<(String, String)> {
        let p = &self.period;
        vec![
            ("Школа".into(), self.school.clone()),
            ("Класс".into(), class_name(&self.class)),
            (
                "Период".into(),
                format!("{} ({} — {})", p.name, date(p.start_date), date(p.end_date)),
            ),
            ("Состав класса на".into(), date(self.on)),
        ]
    }
}

/// The period holding `today`, else the last that started before it, else the first.
fn current_period(periods: &[PeriodRecord], today: NaiveDate) -> Option<i64> {
    periods
        .iter()
        .find(|p| p.start_date <= today && today <= p.end_date)
        .or_else(|| periods.iter().rev().find(|p| p.start_date <= today))
        .or_else(|| periods.first())
        .map(|p| p.id)
}

impl App {
    /// A year's periods of every grade, by start date, read once for reports covering many
    /// classes (each grade then takes its own with `grade_periods`).
    async fn year_periods_by_start(&self, year_id: i64) -> AppResult<Vec<PeriodRecord>> {
        let mut periods = self.store.year_periods(year_id).await?;
        periods.sort_by_key(|p| p.start_date);
        Ok(periods)
    }

    /// Classes of the current year the actor may build class reports on: every class for the
    /// school's administration, the led classes for a class teacher, none for anyone else.
    pub async fn report_class_choices(&self, actor: &Actor) -> AppResult<Vec<ReportClassChoice>> {
        let today = self.today();
        let org = actor.organization_id.get();
        let Some(year) = self.store.current_year(org, today).await? else {
            return Ok(Vec::new());
        };
        let led = if sgo_core::policy::teacher(actor).is_some() {
            self.store
                .classes_led_by(actor.account_id.get(), year.id)
                .await?
        } else {
            Vec::new()
        };
        let year_periods = self.year_periods_by_start(year.id).await?;
        let mut out = Vec::new();
        for class in self
            .store
            .report_classes(ReportScope::Year(year.id))
            .await?
        {
            if !may_report_on_class(
                actor,
                OrganizationId::new(class.organization_id),
                led.contains(&class.id),
            ) {
                continue;
            }
            let periods = grade_periods(&year_periods, class.grade);
            out.push(ReportClassChoice {
                id: ClassId::new(class.id),
                name: class_name(&class),
                current_period: current_period(&periods, today).map(PeriodId::new),
                periods: crate::view::views(periods),
            });
        }
        Ok(out)
    }

    /// A class the actor may report on, with one of its periods; not found when the actor may
    /// not see the class, so other schools' class ids reveal nothing.
    pub(crate) async fn report_class(
        &self,
        actor: &Actor,
        class_id: ClassId,
        period_id: PeriodId,
    ) -> AppResult<ClassTarget> {
        let (class_id, period_id) = (class_id.get(), period_id.get());
        let missing = || AppError::NotFound(msg!("class-not-found"));
        let class = self
            .store
            .report_classes(ReportScope::Class(class_id))
            .await?
            .into_iter()
            .next()
            .ok_or_else(missing)?;
        let leads = sgo_core::policy::teacher(actor).is_some()
            && self
                .store
                .classes_led_by(actor.account_id.get(), class.academic_year_id)
                .await?
                .contains(&class.id);
        if !may_report_on_class(actor, OrganizationId::new(class.organization_id), leads) {
            return Err(missing());
        }
        let period = self
            .store
            .periods(class.academic_year_id, class.grade)
            .await?
            .into_iter()
            .find(|p| p.id == period_id)
            .ok_or_else(|| AppError::BadRequest(msg!("report-class-period-required")))?;
        let on = period.end_date.min(self.today()).max(period.start_date);
        let school = self.short_name_of(class.organization_id).await?;
        Ok(ClassTarget {
            class,
            period,
            on,
            school,
        })
    }
}
