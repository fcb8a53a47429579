//! School set-up: years and periods, classes, curriculum, bells and the timetable.
//!
//! Every use case refuses anyone who may not administer a school before reading, then checks the
//! thing asked about belongs to a school the actor may administer. Form input arrives as text;
//! what is wrong with it comes back as [`FieldErrors`] next to the field it concerns.

use std::collections::HashSet;

use chrono::{Datelike, Duration, NaiveDate, NaiveTime};
use sgo_core::schedule::{self, Bell, DateSpan, PeriodKind, SchemeProblem, WeeklySlot};
use sgo_core::{Actor, OrganizationId, policy, text};
use sgo_store::{
    AcademicYearRecord, ClassFields, ClassRecord, LessonChange, NamedRecord, NewBell, NewLesson,
    NewPeriod, NewSubjectGroup, NewTimetableEntry, StoreError, TimetablePlan,
};

use crate::{App, AppError, AppResult, Origin};

pub use sgo_store::{
    BellRecord, GroupTeacherRecord, HolidayRecord, SetupLessonRecord, SubgroupRecord,
    SubjectGroupRecord, SubjectRecord, TimetableEntryRecord, TimetableOutcome,
};
pub use sgo_store::{ClassRecord as SetupClassRecord, NamedRecord as SetupNamedRecord};

pub use crate::form::FieldErrors;

fn into_result(errors: FieldErrors) -> Result<(), FieldErrors> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// A use case with a form: the outer error refuses or fails, the inner one lists bad fields.
pub type FormResult<T> = AppResult<Result<T, FieldErrors>>;

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
            "Укажите дату"
        } else {
            "Дата в формате ГГГГ-ММ-ДД"
        };
        errors.add(field, message);
    }
    date
}

fn text_field(errors: &mut FieldErrors, field: &str, value: &str, max: usize) -> String {
    let value = value.trim().to_owned();
    if value.chars().count() > max {
        errors.add(field, format!("Не длиннее {max} знаков"));
    }
    value
}

fn required(errors: &mut FieldErrors, field: &str, value: &str, max: usize) -> String {
    let value = text_field(errors, field, value, max);
    if value.is_empty() {
        errors.add(field, "Заполните поле");
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
    pub year: AcademicYearRecord,
    /// Its periods, by grade range and date.
    pub periods: Vec<sgo_store::PeriodRecord>,
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
    pub year: AcademicYearRecord,
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

/// The weekly timetable of a class as the editor shows it.
#[derive(Debug, Clone)]
pub struct TimetableSetup {
    /// The class.
    pub class: ClassRecord,
    /// Its year.
    pub year: AcademicYearRecord,
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

fn refuse_unless(allowed: bool) -> AppResult<()> {
    if allowed {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

fn not_found(what: &str) -> AppError {
    AppError::NotFound(format!("{what} не найден"))
}

impl App {
    /// Refuses actors who administer no school at all, before anything is read.
    fn setup_gate(&self, actor: &Actor) -> AppResult<()> {
        refuse_unless(policy::may_administer_school(actor, actor.organization_id))
    }

    async fn setup_school(&self, actor: &Actor, org: OrganizationId) -> AppResult<()> {
        refuse_unless(policy::may_administer_school(actor, org))?;
        self.store
            .organization(org)
            .await?
            .ok_or_else(|| AppError::NotFound("Организация не найдена".into()))?;
        Ok(())
    }

    async fn setup_year(&self, actor: &Actor, year_id: i64) -> AppResult<AcademicYearRecord> {
        self.setup_gate(actor)?;
        let year = self
            .store
            .year(year_id)
            .await?
            .ok_or_else(|| AppError::NotFound("Учебный год не найден".into()))?;
        refuse_unless(policy::may_administer_school(actor, year.organization_id))?;
        Ok(year)
    }

    async fn setup_class(&self, actor: &Actor, class_id: i64) -> AppResult<ClassRecord> {
        self.setup_gate(actor)?;
        let class = self
            .store
            .class(class_id)
            .await?
            .ok_or_else(|| not_found("Класс"))?;
        refuse_unless(policy::may_administer_school(actor, class.organization_id))?;
        Ok(class)
    }

    /// The name of the school being set up (the actor's own or, for the region, the one chosen).
    pub async fn setup_school_name(&self, actor: &Actor, org: OrganizationId) -> AppResult<String> {
        self.setup_school(actor, org).await?;
        Ok(self
            .store
            .organization(org)
            .await?
            .map(|o| o.short_name)
            .unwrap_or_default())
    }

    // --- years ---

    /// The school's academic years, newest first.
    pub async fn setup_years(
        &self,
        actor: &Actor,
        org: OrganizationId,
    ) -> AppResult<Vec<AcademicYearRecord>> {
        self.setup_school(actor, org).await?;
        Ok(self.store.years(org).await?)
    }

    /// Creates an academic year; it may not overlap another year of the school.
    pub async fn create_year(
        &self,
        actor: &Actor,
        origin: &Origin,
        org: OrganizationId,
        input: &YearInput,
    ) -> FormResult<i64> {
        self.setup_school(actor, org).await?;
        let mut errors = FieldErrors::default();
        let start = date_field(&mut errors, "start", &input.start);
        let end = date_field(&mut errors, "end", &input.end);
        let mut name = text_field(&mut errors, "name", &input.name, 40);
        if let (Some(start), Some(end)) = (start, end) {
            if end <= start {
                errors.add("end", "Конец года должен быть позже начала");
            } else if (end - start).num_days() > 400 {
                errors.add("end", "Учебный год не может быть длиннее 13 месяцев");
            } else if let Some(other) = self
                .store
                .years(org)
                .await?
                .into_iter()
                .find(|y| y.start_date <= end && start <= y.end_date)
            {
                errors.add(
                    "start",
                    format!("Пересекается с учебным годом {}", other.name),
                );
            }
            if name.is_empty() {
                name = schedule::year_name(start, end);
            }
        }
        let (Some(start), Some(end), true) = (start, end, errors.is_empty()) else {
            return Ok(Err(errors));
        };
        let id = self.store.create_year(org, &name, start, end).await?;
        self.record_change(
            actor,
            org,
            origin,
            "year.create",
            format!("year:{id}"),
            format!("Учебный год {name}: {} — {}", day(start), day(end)),
        )
        .await;
        Ok(Ok(id))
    }

    /// A year with its periods and holidays.
    pub async fn year_setup(&self, actor: &Actor, year_id: i64) -> AppResult<YearSetup> {
        let year = self.setup_year(actor, year_id).await?;
        Ok(YearSetup {
            periods: self.store.year_periods(year_id).await?,
            holidays: self.store.holidays(year_id).await?,
            year,
        })
    }

    /// Adds the periods of one grade range to a year.
    pub async fn add_period_scheme(
        &self,
        actor: &Actor,
        origin: &Origin,
        year_id: i64,
        input: &SchemeInput,
    ) -> FormResult<()> {
        let year = self.setup_year(actor, year_id).await?;
        let mut errors = FieldErrors::default();
        let grade = |s: &str| s.trim().parse::<i32>().ok();
        let (Some(from), Some(to)) = (grade(&input.grade_from), grade(&input.grade_to)) else {
            errors.add("grades", "Укажите параллели числами от 1 до 11");
            return Ok(Err(errors));
        };
        let Some(kind) = PeriodKind::from_code(&input.kind) else {
            errors.add("kind", "Выберите вид периодов");
            return Ok(Err(errors));
        };
        if input.dates.len() != kind.count() {
            errors.add("kind", format!("Нужно {} периода(ов)", kind.count()));
            return Ok(Err(errors));
        }
        let mut spans = Vec::new();
        for (i, (a, b)) in input.dates.iter().enumerate() {
            let start = date_field(&mut errors, &format!("start_{}", i + 1), a);
            let end = date_field(&mut errors, &format!("end_{}", i + 1), b);
            if let (Some(from), Some(to)) = (start, end) {
                spans.push(DateSpan { from, to });
            }
        }
        if !errors.is_empty() {
            return Ok(Err(errors));
        }
        let mut taken: Vec<(i32, i32)> = self
            .store
            .year_periods(year_id)
            .await?
            .iter()
            .map(|p| (p.grade_from, p.grade_to))
            .collect();
        taken.dedup();
        let span = DateSpan {
            from: year.start_date,
            to: year.end_date,
        };
        for problem in schedule::check_scheme(span, (from, to), &spans, &taken) {
            match problem {
                SchemeProblem::Grades(m) => errors.add("grades", m),
                SchemeProblem::Period(i, m) => errors.add(format!("start_{}", i + 1), m),
            }
        }
        if !errors.is_empty() {
            return Ok(Err(errors));
        }
        let periods: Vec<NewPeriod> = spans
            .iter()
            .enumerate()
            .map(|(i, s)| NewPeriod {
                kind: kind.code().into(),
                number: i as i32 + 1,
                name: kind.period_name(i + 1),
                grade_from: from,
                grade_to: to,
                start_date: s.from,
                end_date: s.to,
            })
            .collect();
        self.store.add_periods(year_id, &periods).await?;
        let list = periods
            .iter()
            .map(|p| format!("{}: {} — {}", p.name, day(p.start_date), day(p.end_date)))
            .collect::<Vec<_>>()
            .join("; ");
        self.record_change(
            actor,
            year.organization_id,
            origin,
            "period.create",
            format!("year:{year_id}"),
            format!("{}, {from}–{to} классы: {list}", kind.title()),
        )
        .await;
        self.diary_cache.forget_all();
        Ok(Ok(()))
    }

    /// Removes the periods of one grade range of a year.
    pub async fn delete_period_scheme(
        &self,
        actor: &Actor,
        origin: &Origin,
        year_id: i64,
        grade_from: i32,
        grade_to: i32,
    ) -> AppResult<()> {
        let year = self.setup_year(actor, year_id).await?;
        let n = self
            .store
            .delete_periods(year_id, grade_from, grade_to)
            .await?;
        if n == 0 {
            return Err(AppError::NotFound("Такой схемы периодов нет".into()));
        }
        self.record_change(
            actor,
            year.organization_id,
            origin,
            "period.delete",
            format!("year:{year_id}"),
            format!("Удалены периоды {grade_from}–{grade_to} классов ({n})"),
        )
        .await;
        self.diary_cache.forget_all();
        Ok(())
    }

    /// Adds a holiday inside the year.
    pub async fn add_holiday(
        &self,
        actor: &Actor,
        origin: &Origin,
        year_id: i64,
        input: &HolidayInput,
    ) -> FormResult<i64> {
        let year = self.setup_year(actor, year_id).await?;
        let mut errors = FieldErrors::default();
        let name = required(&mut errors, "holiday_name", &input.name, 100);
        let start = date_field(&mut errors, "holiday_start", &input.start);
        let end = date_field(&mut errors, "holiday_end", &input.end);
        if let (Some(a), Some(b)) = (start, end) {
            if b < a {
                errors.add("holiday_end", "Дата окончания раньше даты начала");
            } else if a < year.start_date || b > year.end_date {
                errors.add("holiday_start", "Каникулы должны быть внутри учебного года");
            }
        }
        let (Some(a), Some(b), true) = (start, end, errors.is_empty()) else {
            return Ok(Err(errors));
        };
        let id = self.store.add_holiday(year_id, &name, a, b).await?;
        self.record_change(
            actor,
            year.organization_id,
            origin,
            "holiday.create",
            format!("holiday:{id}"),
            format!("{name}: {} — {} ({})", day(a), day(b), year.name),
        )
        .await;
        Ok(Ok(id))
    }

    /// Removes a holiday.
    pub async fn delete_holiday(
        &self,
        actor: &Actor,
        origin: &Origin,
        year_id: i64,
        holiday_id: i64,
    ) -> AppResult<()> {
        let year = self.setup_year(actor, year_id).await?;
        if !self.store.delete_holiday(year_id, holiday_id).await? {
            return Err(AppError::NotFound("Каникулы не найдены".into()));
        }
        self.record_change(
            actor,
            year.organization_id,
            origin,
            "holiday.delete",
            format!("holiday:{holiday_id}"),
            format!("Удалены каникулы ({})", year.name),
        )
        .await;
        Ok(())
    }

    // --- classes ---

    /// Classes of a year.
    pub async fn setup_classes(&self, actor: &Actor, year_id: i64) -> AppResult<Vec<ClassRecord>> {
        self.setup_year(actor, year_id).await?;
        Ok(self.store.classes(year_id).await?)
    }

    /// Teachers of a school (accounts with the teacher role), for selects.
    pub async fn setup_teachers(
        &self,
        actor: &Actor,
        org: OrganizationId,
    ) -> AppResult<Vec<NamedRecord>> {
        self.setup_school(actor, org).await?;
        Ok(self.store.school_teachers(org).await?)
    }

    async fn class_fields(
        &self,
        org: OrganizationId,
        input: &ClassInput,
        errors: &mut FieldErrors,
    ) -> AppResult<Option<ClassFields>> {
        let grade = input.grade.trim().parse::<i32>().ok();
        if !grade.is_some_and(|g| schedule::GRADES.contains(&g)) {
            errors.add("grade", "Параллель — число от 1 до 11");
        }
        let letter = schedule::class_letter(&input.letter);
        if letter.is_none() {
            errors.add("letter", "Буква класса — от одной до трёх русских букв");
        }
        let profile = text_field(errors, "profile", &input.profile, 100);
        let room = text_field(errors, "room", &input.room, 20);
        let shift = input.shift.trim().parse::<i32>().ok();
        if !matches!(shift, Some(1 | 2)) {
            errors.add("shift", "Смена — первая или вторая");
        }
        let teacher = match input.teacher.trim() {
            "" => None,
            t => match t.parse::<i64>() {
                Ok(id)
                    if self
                        .store
                        .school_teachers(org)
                        .await?
                        .iter()
                        .any(|a| a.id == id) =>
                {
                    Some(id)
                }
                _ => {
                    errors.add("teacher", "Выберите учителя этой школы");
                    None
                }
            },
        };
        Ok(match (grade, letter, shift, errors.is_empty()) {
            (Some(grade), Some(letter), Some(shift), true) => Some(ClassFields {
                grade,
                letter,
                profile,
                room,
                shift,
                teacher_account_id: teacher,
            }),
            _ => None,
        })
    }

    /// Creates a class of a year with its class teacher.
    pub async fn create_class(
        &self,
        actor: &Actor,
        origin: &Origin,
        year_id: i64,
        input: &ClassInput,
    ) -> FormResult<i64> {
        let year = self.setup_year(actor, year_id).await?;
        let org = year.organization_id;
        let mut errors = FieldErrors::default();
        let Some(fields) = self.class_fields(org, input, &mut errors).await? else {
            return Ok(Err(errors));
        };
        let id = match self.store.create_class(org, year_id, &fields).await {
            Ok(id) => id,
            Err(StoreError::Conflict(_)) => {
                errors.add("letter", "Такой класс в этом году уже есть");
                return Ok(Err(errors));
            }
            Err(e) => return Err(e.into()),
        };
        self.record_change(
            actor,
            org,
            origin,
            "class.create",
            format!("class:{id}"),
            format!(
                "Класс {}{} ({}), кабинет «{}», смена {}, классный руководитель: {}",
                fields.grade,
                fields.letter,
                year.name,
                fields.room,
                fields.shift,
                self.teacher_label(fields.teacher_account_id).await?
            ),
        )
        .await;
        Ok(Ok(id))
    }

    async fn teacher_label(&self, id: Option<i64>) -> AppResult<String> {
        Ok(match id {
            None => "нет".into(),
            Some(id) => self
                .store
                .account(id)
                .await?
                .map(|a| a.display_name)
                .unwrap_or_else(|| format!("#{id}")),
        })
    }

    /// Changes a class and its class teacher.
    pub async fn update_class(
        &self,
        actor: &Actor,
        origin: &Origin,
        class_id: i64,
        input: &ClassInput,
    ) -> FormResult<()> {
        let old = self.setup_class(actor, class_id).await?;
        let mut errors = FieldErrors::default();
        let Some(fields) = self
            .class_fields(old.organization_id, input, &mut errors)
            .await?
        else {
            return Ok(Err(errors));
        };
        match self.store.update_class(class_id, &fields).await {
            Ok(()) => {}
            Err(StoreError::Conflict(_)) => {
                errors.add("letter", "Такой класс в этом году уже есть");
                return Ok(Err(errors));
            }
            Err(e) => return Err(e.into()),
        }
        let mut changes = Vec::new();
        let mut note = |what: &str, a: String, b: String| {
            if a != b {
                changes.push(format!("{what}: {a} → {b}"));
            }
        };
        note(
            "класс",
            class_name(&old),
            format!("{}{}", fields.grade, fields.letter),
        );
        note("профиль", old.profile.clone(), fields.profile.clone());
        note("кабинет", old.room.clone(), fields.room.clone());
        note("смена", old.shift.to_string(), fields.shift.to_string());
        if old.teacher_account_id != fields.teacher_account_id {
            changes.push(format!(
                "классный руководитель: {} → {}",
                old.teacher_name.clone().unwrap_or_else(|| "нет".into()),
                self.teacher_label(fields.teacher_account_id).await?
            ));
        }
        if !changes.is_empty() {
            self.record_change(
                actor,
                old.organization_id,
                origin,
                "class.update",
                format!("class:{class_id}"),
                changes.join("; "),
            )
            .await;
        }
        Ok(Ok(()))
    }

    /// A class with its students, subgroups and curriculum, and the school's subjects and teachers.
    pub async fn class_setup(&self, actor: &Actor, class_id: i64) -> AppResult<ClassSetup> {
        let class = self.setup_class(actor, class_id).await?;
        let year = self
            .store
            .year(class.academic_year_id)
            .await?
            .ok_or_else(|| AppError::NotFound("Учебный год не найден".into()))?;
        let teachers_of = self.store.group_teachers(class_id).await?;
        let groups = self
            .store
            .subject_groups(class_id)
            .await?
            .into_iter()
            .map(|g| GroupView {
                teachers: teachers_of
                    .iter()
                    .filter(|t| t.subject_group_id == g.id)
                    .cloned()
                    .collect(),
                group: g,
            })
            .collect();
        Ok(ClassSetup {
            members: self.store.class_members(class_id, self.today()).await?,
            subgroups: self.store.subgroups(class_id).await?,
            groups,
            subjects: self.store.subjects(class.organization_id).await?,
            teachers: self.store.school_teachers(class.organization_id).await?,
            year,
            class,
        })
    }

    /// Creates a subgroup of a class with some of its current students.
    pub async fn create_subgroup(
        &self,
        actor: &Actor,
        origin: &Origin,
        class_id: i64,
        name: &str,
        students: &[String],
    ) -> FormResult<i64> {
        let class = self.setup_class(actor, class_id).await?;
        let mut errors = FieldErrors::default();
        let name = required(&mut errors, "subgroup_name", name, 60);
        let members: HashSet<i64> = self
            .store
            .class_members(class_id, self.today())
            .await?
            .iter()
            .map(|m| m.id)
            .collect();
        let mut chosen = Vec::new();
        for s in students {
            match s.trim().parse::<i64>() {
                Ok(id) if members.contains(&id) => {
                    if !chosen.contains(&id) {
                        chosen.push(id);
                    }
                }
                _ => {
                    errors.add("students", "Можно выбрать только учеников этого класса");
                    break;
                }
            }
        }
        if self
            .store
            .subgroups(class_id)
            .await?
            .iter()
            .any(|g| text::normalise(&g.name) == text::normalise(&name))
        {
            errors.add("subgroup_name", "Такая подгруппа в классе уже есть");
        }
        if let Err(e) = into_result(errors.clone()) {
            return Ok(Err(e));
        }
        let id = self.store.create_subgroup(class_id, &name, &chosen).await?;
        self.record_change(
            actor,
            class.organization_id,
            origin,
            "subgroup.create",
            format!("subgroup:{id}"),
            format!(
                "{}: подгруппа «{name}», учеников: {}",
                class_name(&class),
                chosen.len()
            ),
        )
        .await;
        self.diary_cache.forget_all();
        Ok(Ok(id))
    }

    // --- subjects and curriculum ---

    /// Subjects of a school.
    pub async fn setup_subjects(
        &self,
        actor: &Actor,
        org: OrganizationId,
    ) -> AppResult<Vec<SubjectRecord>> {
        self.setup_school(actor, org).await?;
        Ok(self.store.subjects(org).await?)
    }

    /// Creates a subject; its name is unique in the school.
    pub async fn create_subject(
        &self,
        actor: &Actor,
        origin: &Origin,
        org: OrganizationId,
        name: &str,
        short_name: &str,
    ) -> FormResult<i64> {
        self.setup_school(actor, org).await?;
        let mut errors = FieldErrors::default();
        let name = required(&mut errors, "subject_name", name, 100);
        let short = text_field(&mut errors, "short_name", short_name, 30);
        if self
            .store
            .subjects(org)
            .await?
            .iter()
            .any(|s| text::normalise(&s.name) == text::normalise(&name))
        {
            errors.add("subject_name", "Такой предмет в школе уже есть");
        }
        if let Err(e) = into_result(errors) {
            return Ok(Err(e));
        }
        let short = if short.is_empty() {
            name.clone()
        } else {
            short
        };
        let id = self.store.create_subject(org, &name, &short).await?;
        self.record_change(
            actor,
            org,
            origin,
            "subject.create",
            format!("subject:{id}"),
            format!("Предмет «{name}» ({short})"),
        )
        .await;
        Ok(Ok(id))
    }

    /// Adds a line of the curriculum: the class or a subgroup, a subject, teachers, hours.
    pub async fn create_subject_group(
        &self,
        actor: &Actor,
        origin: &Origin,
        class_id: i64,
        input: &GroupInput,
    ) -> FormResult<i64> {
        let class = self.setup_class(actor, class_id).await?;
        let org = class.organization_id;
        let mut errors = FieldErrors::default();
        let subjects = self.store.subjects(org).await?;
        let subject = input
            .subject
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|id| subjects.into_iter().find(|s| s.id == id));
        if subject.is_none() {
            errors.add("subject", "Выберите предмет");
        }
        let subgroup = match input.subgroup.trim() {
            "" => None,
            s => {
                let found = match s.parse::<i64>() {
                    Ok(id) => self
                        .store
                        .subgroups(class_id)
                        .await?
                        .into_iter()
                        .find(|g| g.id == id),
                    Err(_) => None,
                };
                if found.is_none() {
                    errors.add("subgroup", "Выберите подгруппу этого класса");
                }
                found
            }
        };
        let school_teachers = self.store.school_teachers(org).await?;
        let mut teachers = Vec::new();
        for t in &input.teachers {
            match t.trim().parse::<i64>() {
                Ok(id) if school_teachers.iter().any(|a| a.id == id) => {
                    if !teachers.contains(&id) {
                        teachers.push(id);
                    }
                }
                _ => {
                    errors.add("teachers", "Выберите учителей этой школы");
                    break;
                }
            }
        }
        if teachers.is_empty() && errors.get("teachers").is_none() {
            errors.add("teachers", "Выберите хотя бы одного учителя");
        }
        let hours = input.hours.trim().parse::<i32>().ok();
        if !hours.is_some_and(|h| (1..=40).contains(&h)) {
            errors.add("hours", "Часов в неделю — число от 1 до 40");
        }
        let (Some(subject), Some(hours), true) = (subject, hours, errors.is_empty()) else {
            return Ok(Err(errors));
        };
        let name = match &subgroup {
            Some(g) => format!("{}/{}/{}", class_name(&class), subject.name, g.name),
            None => format!("{}/{}", class_name(&class), subject.name),
        };
        if self
            .store
            .subject_groups(class_id)
            .await?
            .iter()
            .any(|g| g.name == name)
        {
            errors.add("subject", "Такая группа в учебном плане класса уже есть");
            return Ok(Err(errors));
        }
        let id = self
            .store
            .create_subject_group(&NewSubjectGroup {
                organization_id: org,
                academic_year_id: class.academic_year_id,
                class_id,
                subgroup_id: subgroup.as_ref().map(|g| g.id),
                subject_id: subject.id,
                name: name.clone(),
                hours_per_week: hours,
                teachers: teachers.clone(),
            })
            .await?;
        let names = school_teachers
            .iter()
            .filter(|t| teachers.contains(&t.id))
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        self.record_change(
            actor,
            org,
            origin,
            "subject_group.create",
            format!("subject_group:{id}"),
            format!("{name}: {hours} ч в неделю, учителя: {names}"),
        )
        .await;
        Ok(Ok(id))
    }

    /// Removes a line of the curriculum that has no lessons yet.
    pub async fn delete_subject_group(
        &self,
        actor: &Actor,
        origin: &Origin,
        group_id: i64,
    ) -> AppResult<i64> {
        self.setup_gate(actor)?;
        let group = self
            .store
            .subject_group(group_id)
            .await?
            .ok_or_else(|| AppError::NotFound("Группа не найдена".into()))?;
        refuse_unless(policy::may_administer_school(actor, group.organization_id))?;
        if !self.store.delete_subject_group(group_id).await? {
            return Err(AppError::BadRequest(
                "По этой группе уже есть уроки: её нельзя удалить".into(),
            ));
        }
        self.record_change(
            actor,
            group.organization_id,
            origin,
            "subject_group.delete",
            format!("subject_group:{group_id}"),
            format!("Удалена группа {}", group.name),
        )
        .await;
        Ok(group.class_id)
    }

    // --- bells ---

    /// The school's bells (empty when it has no bell schedule yet).
    pub async fn setup_bells(
        &self,
        actor: &Actor,
        org: OrganizationId,
    ) -> AppResult<Vec<BellRecord>> {
        self.setup_school(actor, org).await?;
        Ok(match self.store.bell_schedule(org).await? {
            Some(s) => self.store.bells(s.id).await?,
            None => Vec::new(),
        })
    }

    /// Replaces the bells of a shift; rows are (number, start, end) with both times empty for none.
    pub async fn save_bells(
        &self,
        actor: &Actor,
        origin: &Origin,
        org: OrganizationId,
        shift: &str,
        rows: &[(i32, String, String)],
    ) -> FormResult<()> {
        self.setup_school(actor, org).await?;
        let mut errors = FieldErrors::default();
        let Some(shift) = shift
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|s| matches!(s, 1 | 2))
        else {
            errors.add("shift", "Смена — первая или вторая");
            return Ok(Err(errors));
        };
        let mut bells = Vec::new();
        for (number, start, end) in rows {
            if start.trim().is_empty() && end.trim().is_empty() {
                continue;
            }
            let field = format!("bell_{shift}_{number}");
            match (parse_time(start), parse_time(end)) {
                (Some(start), Some(end)) => bells.push(Bell {
                    number: *number,
                    start,
                    end,
                }),
                _ => errors.add(field, "Укажите начало и конец урока (ЧЧ:ММ)"),
            }
        }
        for (number, message) in schedule::check_bells(&bells) {
            errors.add(format!("bell_{shift}_{number}"), message);
        }
        if let Err(e) = into_result(errors) {
            return Ok(Err(e));
        }
        let schedule_id = match self.store.bell_schedule(org).await? {
            Some(s) => s.id,
            None => {
                self.store
                    .create_bell_schedule(org, "Основное расписание")
                    .await?
            }
        };
        let rows: Vec<NewBell> = bells
            .iter()
            .map(|b| NewBell {
                number: b.number,
                start_time: b.start,
                end_time: b.end,
            })
            .collect();
        self.store.replace_bells(schedule_id, shift, &rows).await?;
        let list = bells
            .iter()
            .map(|b| {
                format!(
                    "{}: {}–{}",
                    b.number,
                    b.start.format("%H:%M"),
                    b.end.format("%H:%M")
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        self.record_change(
            actor,
            org,
            origin,
            "bells.update",
            format!("bell_schedule:{schedule_id}"),
            format!("Звонки {shift} смены: {list}"),
        )
        .await;
        Ok(Ok(()))
    }

    async fn shift_bells(&self, org: OrganizationId, shift: i32) -> AppResult<Vec<BellRecord>> {
        Ok(match self.store.bell_schedule(org).await? {
            Some(s) => self
                .store
                .bells(s.id)
                .await?
                .into_iter()
                .filter(|b| b.shift == shift)
                .collect(),
            None => Vec::new(),
        })
    }

    // --- timetable ---

    /// The weekly timetable of a class valid on a day (today, or the year's start before it).
    pub async fn timetable_setup(
        &self,
        actor: &Actor,
        class_id: i64,
        on: Option<NaiveDate>,
    ) -> AppResult<TimetableSetup> {
        let class = self.setup_class(actor, class_id).await?;
        let year = self
            .store
            .year(class.academic_year_id)
            .await?
            .ok_or_else(|| AppError::NotFound("Учебный год не найден".into()))?;
        let on = on.unwrap_or_else(|| self.today().clamp(year.start_date, year.end_date));
        Ok(TimetableSetup {
            groups: self.store.subject_groups(class_id).await?,
            bells: self.shift_bells(class.organization_id, class.shift).await?,
            entries: self.store.timetable(class_id, on).await?,
            on,
            year,
            class,
        })
    }

    /// Stores a class's weekly timetable from a date and regenerates its lessons to the year's end.
    pub async fn save_timetable(
        &self,
        actor: &Actor,
        origin: &Origin,
        class_id: i64,
        valid_from: &str,
        cells: &[CellInput],
    ) -> FormResult<TimetableOutcome> {
        let class = self.setup_class(actor, class_id).await?;
        let org = class.organization_id;
        let year = self
            .store
            .year(class.academic_year_id)
            .await?
            .ok_or_else(|| AppError::NotFound("Учебный год не найден".into()))?;
        let mut errors = FieldErrors::default();
        let from = date_field(&mut errors, "valid_from", valid_from);
        if let Some(from) = from
            && (from < year.start_date || from > year.end_date)
        {
            errors.add(
                "valid_from",
                format!(
                    "Дата должна быть внутри учебного года ({} — {})",
                    day(year.start_date),
                    day(year.end_date)
                ),
            );
        }
        let bells = self.shift_bells(org, class.shift).await?;
        if bells.is_empty() {
            errors.add(
                "valid_from",
                format!("Сначала задайте звонки {} смены", class.shift),
            );
        }
        let periods = self.store.periods(year.id, class.grade).await?;
        if periods.is_empty() {
            errors.add(
                "valid_from",
                format!(
                    "Сначала задайте учебные периоды для {} классов",
                    class.grade
                ),
            );
        }
        let groups = self.store.subject_groups(class_id).await?;
        let mut slots = Vec::new();
        for cell in cells {
            let field = format!("cell_{}_{}", cell.weekday, cell.number);
            let room = text_field(
                &mut errors,
                &format!("room_{}_{}", cell.weekday, cell.number),
                &cell.room,
                20,
            );
            let group = cell.group.trim();
            if group.is_empty() {
                continue;
            }
            let Some(group) = group
                .parse::<i64>()
                .ok()
                .and_then(|id| groups.iter().find(|g| g.id == id))
            else {
                errors.add(field, "Выберите группу этого класса");
                continue;
            };
            if !(1..=6).contains(&cell.weekday) || !bells.iter().any(|b| b.number == cell.number) {
                errors.add(field, "Такого урока нет в расписании звонков");
                continue;
            }
            let room = if room.is_empty() {
                class.room.clone()
            } else {
                room
            };
            slots.push(WeeklySlot {
                subject_group_id: group.id,
                weekday: cell.weekday as u32,
                number: cell.number,
                room,
            });
        }
        let (Some(from), true) = (from, errors.is_empty()) else {
            return Ok(Err(errors));
        };
        let bell_rules: Vec<Bell> = bells
            .iter()
            .map(|b| Bell {
                number: b.number,
                start: b.start_time,
                end: b.end_time,
            })
            .collect();
        let holidays: Vec<DateSpan> = self
            .store
            .holidays(year.id)
            .await?
            .iter()
            .map(|h| DateSpan {
                from: h.start_date,
                to: h.end_date,
            })
            .collect();
        let period_spans: Vec<DateSpan> = periods
            .iter()
            .map(|p| DateSpan {
                from: p.start_date,
                to: p.end_date,
            })
            .collect();
        let generated = schedule::generate_lessons(
            &slots,
            &bell_rules,
            from,
            year.end_date,
            &holidays,
            &period_spans,
        );
        let teachers = self.store.group_teachers(class_id).await?;
        let first_teacher = |group: i64| {
            teachers
                .iter()
                .filter(|t| t.subject_group_id == group)
                .map(|t| t.teacher_account_id)
                .min()
        };
        let plan = TimetablePlan {
            class_id,
            shift: class.shift,
            valid_from: from,
            entries: slots
                .iter()
                .map(|s| NewTimetableEntry {
                    subject_group_id: s.subject_group_id,
                    weekday: s.weekday as i32,
                    number: s.number,
                    room: s.room.clone(),
                })
                .collect(),
            lessons: generated
                .into_iter()
                .map(|l| NewLesson {
                    teacher_account_id: first_teacher(l.subject_group_id),
                    subject_group_id: l.subject_group_id,
                    date: l.date,
                    number: l.number,
                    start_time: l.start,
                    end_time: l.end,
                    room: l.room,
                })
                .collect(),
        };
        let outcome = self.store.save_timetable(&plan).await?;
        self.diary_cache.forget_all();
        let cells_text = slots
            .iter()
            .map(|s| {
                let name = groups
                    .iter()
                    .find(|g| g.id == s.subject_group_id)
                    .map(|g| g.name.as_str())
                    .unwrap_or_default();
                format!("{} {} урок: {name}", weekday_short(s.weekday), s.number)
            })
            .collect::<Vec<_>>()
            .join("; ");
        self.record_change(
            actor,
            org,
            origin,
            "timetable.save",
            format!("class:{class_id}"),
            format!(
                "Расписание {} с {}: {cells_text}. Уроков создано: {}, удалено: {}, сохранено (с заданиями или посещаемостью): {}",
                class_name(&class),
                day(from),
                outcome.created,
                outcome.deleted,
                outcome.kept
            ),
        )
        .await;
        Ok(Ok(outcome))
    }

    // --- dated lessons ---

    /// A class's lessons of the week starting on `monday` (cancelled ones too).
    pub async fn class_week_lessons(
        &self,
        actor: &Actor,
        class_id: i64,
        monday: NaiveDate,
    ) -> AppResult<(ClassRecord, Vec<SetupLessonRecord>)> {
        let class = self.setup_class(actor, class_id).await?;
        let lessons = self
            .store
            .class_lessons(class_id, monday, monday + Duration::days(6))
            .await?;
        Ok((class, lessons))
    }

    /// A lesson with the bells and teachers its change form offers.
    pub async fn lesson_setup(&self, actor: &Actor, lesson_id: i64) -> AppResult<LessonSetup> {
        self.setup_gate(actor)?;
        let lesson = self
            .store
            .setup_lesson(lesson_id)
            .await?
            .ok_or_else(|| not_found("Урок"))?;
        refuse_unless(policy::may_administer_school(actor, lesson.organization_id))?;
        let class = self
            .store
            .class(lesson.class_id)
            .await?
            .ok_or_else(|| not_found("Класс"))?;
        Ok(LessonSetup {
            bells: self
                .shift_bells(class.organization_id, lesson.shift)
                .await?,
            teachers: self.store.school_teachers(class.organization_id).await?,
            lesson,
            class,
        })
    }

    /// Changes one dated lesson: another date or bell, a substitute teacher, a room, or cancels it.
    pub async fn change_lesson(
        &self,
        actor: &Actor,
        origin: &Origin,
        lesson_id: i64,
        input: &LessonInput,
    ) -> FormResult<SetupLessonRecord> {
        let setup = self.lesson_setup(actor, lesson_id).await?;
        let old = &setup.lesson;
        let year = self
            .store
            .year(setup.class.academic_year_id)
            .await?
            .ok_or_else(|| AppError::NotFound("Учебный год не найден".into()))?;
        let mut errors = FieldErrors::default();
        let date = date_field(&mut errors, "date", &input.date);
        if let Some(d) = date
            && (d < year.start_date || d > year.end_date)
        {
            errors.add("date", "Дата должна быть внутри учебного года");
        }
        let bell = input
            .number
            .trim()
            .parse::<i32>()
            .ok()
            .and_then(|n| setup.bells.iter().find(|b| b.number == n));
        if bell.is_none() {
            errors.add("number", "Выберите урок из расписания звонков");
        }
        let room = text_field(&mut errors, "room", &input.room, 20);
        let teacher = match input.teacher.trim() {
            "" => None,
            t => match t.parse::<i64>() {
                Ok(id) if setup.teachers.iter().any(|a| a.id == id) => Some(id),
                // The lesson's own teacher stays valid even if no longer listed as a teacher.
                Ok(id) if Some(id) == old.teacher_account_id => Some(id),
                _ => {
                    errors.add("teacher", "Выберите учителя этой школы");
                    None
                }
            },
        };
        let (Some(date), Some(bell), true) = (date, bell, errors.is_empty()) else {
            return Ok(Err(errors));
        };
        let status = if input.cancelled {
            "cancelled"
        } else {
            "scheduled"
        };
        let change = LessonChange {
            date,
            number: bell.number,
            start_time: bell.start_time,
            end_time: bell.end_time,
            room: room.clone(),
            teacher_account_id: teacher,
            status: status.into(),
        };
        self.store.change_lesson(lesson_id, &change).await?;
        self.diary_cache.forget_all();
        let mut changes = Vec::new();
        if old.date != date || old.number != bell.number {
            changes.push(format!(
                "перенос: {} {} урок → {} {} урок",
                day(old.date),
                old.number,
                day(date),
                bell.number
            ));
        }
        if old.room != room {
            changes.push(format!("кабинет: «{}» → «{room}»", old.room));
        }
        if old.teacher_account_id != teacher {
            changes.push(format!(
                "замена учителя: {} → {}",
                old.teacher_name.clone().unwrap_or_else(|| "нет".into()),
                self.teacher_label(teacher).await?
            ));
        }
        if old.status != status {
            changes.push(if input.cancelled {
                "урок отменён".to_owned()
            } else {
                "отмена урока снята".to_owned()
            });
        }
        if !changes.is_empty() {
            self.record_change(
                actor,
                old.organization_id,
                origin,
                "lesson.change",
                format!("lesson:{lesson_id}"),
                format!(
                    "{} {}: {}",
                    old.group_name,
                    day(old.date),
                    changes.join("; ")
                ),
            )
            .await;
        }
        Ok(Ok(self
            .store
            .setup_lesson(lesson_id)
            .await?
            .ok_or_else(|| not_found("Урок"))?))
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

/// The week of a date, for links: its Monday.
pub fn monday_of(date: NaiveDate) -> NaiveDate {
    date - Duration::days(i64::from(date.weekday().num_days_from_monday()))
}
