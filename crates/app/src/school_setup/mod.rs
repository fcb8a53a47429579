//! School set-up: years and periods, classes, curriculum, bells and the timetable.
//!
//! Every use case takes a [`SchoolAdministrator`], so nobody else reaches it at all, and asks it
//! for the one school the thing asked about belongs to. Form input arrives as text;
//! what is wrong with it comes back as [`FieldErrors`] next to the field it concerns.

mod bells;
mod classes;
mod curriculum;
mod lessons;
mod timetable;
mod years;

use std::collections::HashSet;

use chrono::{Duration, NaiveDate, NaiveTime};
use sgo_core::policy::SchoolAdministrator;
use sgo_core::schedule::{self, Bell, DateSpan, PeriodKind, SchemeProblem, WeeklySlot};
use sgo_core::{OrganizationId, text};
use sgo_store::{
    AcademicYearRecord, ClassFields, ClassRecord, GroupChange, LessonChange, NamedRecord, NewBell,
    NewLesson, NewPeriod, NewSubjectGroup, NewTimetableEntry, StoreError, TimetablePlan,
};

use crate::calendar::{AcademicYear, Period};
use crate::error::administered;
use crate::view::views;
use crate::{App, AppError, AppResult, Origin};

pub use sgo_core::schedule::TimetableOutcome;
pub use sgo_store::{
    BellRecord, GroupTeacherRecord, HolidayRecord, SetupLessonRecord, SubgroupRecord,
    SubjectGroupRecord, SubjectRecord, TimetableEntryRecord,
};
pub use sgo_store::{ClassRecord as SetupClassRecord, NamedRecord as SetupNamedRecord};

pub use crate::form::FieldErrors;

/// A use case with a form: the outer error refuses or fails, the inner one lists bad fields.
pub use crate::form::{FormError, FormResult};

/// A date as forms send it (`2027-09-01`).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

fn parse_time(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(s.trim(), "%H:%M:%S"))
        .ok()
}

fn date_field(errors: &mut FieldErrors, field: &str, value: &str) -> Option<NaiveDate> {
    let date = parse_date(value);
    if date.is_none() {
        let message = if value.trim().is_empty() {
            msg!("date-required")
        } else {
            msg!("date-format-iso")
        };
        errors.add(field, message);
    }
    date
}

fn text_field(errors: &mut FieldErrors, field: &str, value: &str, max: usize) -> String {
    let value = value.trim().to_owned();
    if value.chars().count() > max {
        errors.add(field, msg!("field-too-long", max = max));
    }
    value
}

fn required(errors: &mut FieldErrors, field: &str, value: &str, max: usize) -> String {
    let value = text_field(errors, field, value, max);
    if value.is_empty() {
        errors.add(field, msg!("field-required"));
    }
    value
}

fn day(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// A class's name as SGO writes it: «9А».
pub fn class_name(c: &ClassRecord) -> String {
    format!("{}{}", c.grade, c.letter)
}

/// The name of a subject group as SGO writes it: «5А/Математика» or «5А/Английский язык/1 подгруппа».
pub fn group_name(class: &ClassRecord, subject: &str, subgroup: Option<&str>) -> String {
    match subgroup {
        Some(g) => format!("{}/{subject}/{g}", class_name(class)),
        None => format!("{}/{subject}", class_name(class)),
    }
}

/// A new academic year as the form sends it.
#[derive(Debug, Clone, Default)]
pub struct YearInput {
    /// Name; empty means «start/end» from the dates.
    pub name: String,
    /// First day.
    pub start: String,
    /// Last day.
    pub end: String,
}

/// A period scheme for a grade range as the form sends it.
#[derive(Debug, Clone, Default)]
pub struct SchemeInput {
    /// First grade.
    pub grade_from: String,
    /// Last grade.
    pub grade_to: String,
    /// `quarter`, `trimester` or `half_year`.
    pub kind: String,
    /// First and last day of each period, in order.
    pub dates: Vec<(String, String)>,
}

/// A holiday as the form sends it.
#[derive(Debug, Clone, Default)]
pub struct HolidayInput {
    /// Name, e.g. «Осенние каникулы».
    pub name: String,
    /// First day.
    pub start: String,
    /// Last day.
    pub end: String,
}

/// A year with everything laid out in it.
#[derive(Debug, Clone)]
pub struct YearSetup {
    /// The year.
    pub year: AcademicYear,
    /// Its periods, by grade range and date.
    pub periods: Vec<Period>,
    /// Its holidays.
    pub holidays: Vec<HolidayRecord>,
}

/// A class as the form sends it.
#[derive(Debug, Clone, Default)]
pub struct ClassInput {
    /// 1..11.
    pub grade: String,
    /// Cyrillic letter(s).
    pub letter: String,
    /// Profile, e.g. «физико-математический».
    pub profile: String,
    /// Home room.
    pub room: String,
    /// 1 or 2.
    pub shift: String,
    /// Account id of the class teacher, or empty.
    pub teacher: String,
}

/// A subject group with its teachers.
#[derive(Debug, Clone)]
pub struct GroupView {
    /// The group.
    pub group: SubjectGroupRecord,
    /// Its teachers.
    pub teachers: Vec<GroupTeacherRecord>,
}

/// A class with what is set up for it.
#[derive(Debug, Clone)]
pub struct ClassSetup {
    /// The class.
    pub class: ClassRecord,
    /// Its year.
    pub year: AcademicYear,
    /// Its current students.
    pub members: Vec<NamedRecord>,
    /// Its subgroups.
    pub subgroups: Vec<SubgroupRecord>,
    /// Its curriculum.
    pub groups: Vec<GroupView>,
    /// Subjects of the school.
    pub subjects: Vec<SubjectRecord>,
    /// Teachers of the school.
    pub teachers: Vec<NamedRecord>,
}

/// A subject group as the form sends it.
#[derive(Debug, Clone, Default)]
pub struct GroupInput {
    /// Subject id.
    pub subject: String,
    /// Subgroup id or empty for the whole class.
    pub subgroup: String,
    /// Teacher account ids.
    pub teachers: Vec<String>,
    /// Hours per week.
    pub hours: String,
}

/// A subject with the subject groups that use it.
#[derive(Debug, Clone)]
pub struct SubjectSetup {
    /// The subject.
    pub subject: SubjectRecord,
    /// Subject groups of any class using it.
    pub groups: Vec<SubjectGroupRecord>,
}

/// A subject group with what its edit form needs.
#[derive(Debug, Clone)]
pub struct GroupSetup {
    /// The group.
    pub group: SubjectGroupRecord,
    /// Its class.
    pub class: ClassRecord,
    /// Its teachers now.
    pub teachers: Vec<GroupTeacherRecord>,
    /// Teachers of the school, to choose from.
    pub school_teachers: Vec<NamedRecord>,
}

/// New teachers and hours of a subject group as the form sends them.
#[derive(Debug, Clone, Default)]
pub struct GroupEdit {
    /// Teacher account ids.
    pub teachers: Vec<String>,
    /// Hours per week.
    pub hours: String,
}

/// A subgroup with what its edit form needs.
#[derive(Debug, Clone)]
pub struct SubgroupSetup {
    /// The subgroup.
    pub subgroup: SubgroupRecord,
    /// Its class.
    pub class: ClassRecord,
    /// Current students of the class.
    pub members: Vec<NamedRecord>,
    /// Account ids of the subgroup's students.
    pub chosen: Vec<i64>,
    /// Subject groups using the subgroup.
    pub groups: Vec<SubjectGroupRecord>,
}

/// The weekly timetable of a class as the editor shows it.
#[derive(Debug, Clone)]
pub struct TimetableSetup {
    /// The class.
    pub class: ClassRecord,
    /// Its year.
    pub year: AcademicYear,
    /// Its subject groups.
    pub groups: Vec<SubjectGroupRecord>,
    /// Bells of the class's shift.
    pub bells: Vec<BellRecord>,
    /// Lines valid on `on`.
    pub entries: Vec<TimetableEntryRecord>,
    /// The day shown.
    pub on: NaiveDate,
}

/// One cell of the timetable form: weekday 1..6, bell number, group id (empty = none), room.
#[derive(Debug, Clone, Default)]
pub struct CellInput {
    /// 1 = Monday.
    pub weekday: i32,
    /// Bell number.
    pub number: i32,
    /// Subject group id or empty.
    pub group: String,
    /// Room.
    pub room: String,
}

/// A lesson with what its change form needs.
#[derive(Debug, Clone)]
pub struct LessonSetup {
    /// The lesson.
    pub lesson: SetupLessonRecord,
    /// Its class.
    pub class: ClassRecord,
    /// Bells of the lesson's shift.
    pub bells: Vec<BellRecord>,
    /// Teachers of the school.
    pub teachers: Vec<NamedRecord>,
}

/// A change of a lesson as the form sends it.
#[derive(Debug, Clone, Default)]
pub struct LessonInput {
    /// New date.
    pub date: String,
    /// New bell number.
    pub number: String,
    /// New room.
    pub room: String,
    /// Teacher account id.
    pub teacher: String,
    /// Whether the lesson is cancelled.
    pub cancelled: bool,
}

fn not_found(message: crate::Message) -> AppError {
    AppError::NotFound(message)
}

impl App {
    async fn setup_school(
        &self,
        admin: &SchoolAdministrator,
        org: OrganizationId,
    ) -> AppResult<()> {
        administered(admin, org)?;
        self.store
            .organization(org.get())
            .await?
            .ok_or_else(|| AppError::NotFound(msg!("organization-not-found")))?;
        Ok(())
    }

    async fn setup_year(
        &self,
        admin: &SchoolAdministrator,
        year_id: i64,
    ) -> AppResult<AcademicYearRecord> {
        let year = self
            .store
            .year(year_id)
            .await?
            .ok_or_else(|| AppError::NotFound(msg!("academic-year-not-found")))?;
        administered(admin, OrganizationId::new(year.organization_id))?;
        Ok(year)
    }

    async fn setup_class(
        &self,
        admin: &SchoolAdministrator,
        class_id: i64,
    ) -> AppResult<ClassRecord> {
        let class = self
            .store
            .class(class_id)
            .await?
            .ok_or_else(|| not_found(msg!("class-not-found")))?;
        administered(admin, OrganizationId::new(class.organization_id))?;
        Ok(class)
    }

    async fn setup_group(
        &self,
        admin: &SchoolAdministrator,
        group_id: i64,
    ) -> AppResult<SubjectGroupRecord> {
        let group = self
            .store
            .subject_group(group_id)
            .await?
            .ok_or_else(|| not_found(msg!("group-not-found")))?;
        administered(admin, OrganizationId::new(group.organization_id))?;
        Ok(group)
    }

    /// The name of the school being set up (the actor's own or, for the region, the one chosen).
    pub async fn setup_school_name(
        &self,
        admin: &SchoolAdministrator,
        org: OrganizationId,
    ) -> AppResult<String> {
        self.setup_school(admin, org).await?;
        self.short_name_of(org.get()).await
    }
}

/// Short Russian weekday name, 1 = «Пн».
pub fn weekday_short(weekday: u32) -> &'static str {
    match weekday {
        1 => "Пн",
        2 => "Вт",
        3 => "Ср",
        4 => "Чт",
        5 => "Пт",
        6 => "Сб",
        _ => "Вс",
    }
}
