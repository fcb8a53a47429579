//! Progress for students and parents: marks by subject with weighted averages per period,
//! period and year marks, overdue work, the assignment card with its files; and the small reads
//! of the NetSchool API around the diary (attachments, bell times, settings, photos).

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, NaiveTime};
use sgo_core::marks::weighted_average;
use sgo_core::{
    AccountId, Actor, AssignmentId, GroupId, OrganizationId, PeriodId, PersonId, StudentId, YearId,
    progress as rules,
};
use sgo_store::AccountRecord;

use crate::calendar::Period;
use crate::diary::{AssignmentWithMark, DiaryStudent};
use crate::files::FileLink;
use crate::view::{Named, named, views};
use crate::{App, AppError, AppResult, Origin};

/// One mark of a student as the progress page lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgressMark {
    /// The assignment (for the card link).
    pub assignment_id: AssignmentId,
    /// The lesson's date.
    pub date: NaiveDate,
    /// What is shown: «5», a code, or «•» for a duty mark without a value.
    pub text: String,
    /// The numeric value, if any.
    pub value: Option<i32>,
    /// Type of work, e.g. «К».
    pub type_abbr: String,
    /// Type of work in full.
    pub type_name: String,
    /// Weight of the work.
    pub weight: i32,
    /// The teacher's comment.
    pub comment: String,
    /// The work is still owed («долг»).
    pub duty: bool,
}

/// A subject's line of the progress page.
#[derive(Debug, Clone, PartialEq)]
pub struct SubjectProgress {
    /// Subject name.
    pub subject: String,
    /// Marks of the chosen period, oldest first.
    pub marks: Vec<ProgressMark>,
    /// Weighted average of those marks.
    pub average: Option<f64>,
    /// Period marks, one per period of the year (same order as [`Progress::periods`]).
    pub period_marks: Vec<Option<String>>,
    /// The year mark.
    pub year_mark: Option<String>,
}

/// The progress page of one student.
#[derive(Debug, Clone)]
pub struct Progress {
    /// Whose.
    pub student: DiaryStudent,
    /// Periods of the student's year and grade.
    pub periods: Vec<Period>,
    /// The chosen period, when the year has periods.
    pub period: Option<Period>,
    /// First and last day shown.
    pub from: NaiveDate,
    /// Last day shown.
    pub to: NaiveDate,
    /// One line per subject, by name.
    pub subjects: Vec<SubjectProgress>,
    /// Mandatory work of the year whose due date has passed and which is not done.
    pub overdue: Vec<AssignmentWithMark>,
}

/// The assignment card.
#[derive(Debug, Clone)]
pub struct AssignmentCard {
    /// Whose card (marks are this student's).
    pub student: DiaryStudent,
    /// The assignment with the student's mark.
    pub assignment: AssignmentWithMark,
    /// The subject group it was set in.
    pub group: Named<GroupId>,
    /// The subject group's teachers and the lesson's teacher.
    pub teachers: Vec<Named<AccountId>>,
    /// Attached files.
    pub files: Vec<FileLink>,
}

/// The signed-in account and its person, as `mysettings` reports them.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct OwnAccount {
    pub id: AccountId,
    pub person_id: PersonId,
    pub organization_id: OrganizationId,
    pub login: String,
    pub display_name: String,
    pub last_name: String,
    pub first_name: String,
    pub middle_name: String,
    pub birth_date: Option<NaiveDate>,
    pub email: String,
    pub phone: String,
    pub preferred_channel: String,
    pub active: bool,
}

impl From<AccountRecord> for OwnAccount {
    fn from(r: AccountRecord) -> OwnAccount {
        OwnAccount {
            id: AccountId::new(r.id),
            person_id: PersonId::new(r.person_id),
            organization_id: OrganizationId::new(r.organization_id),
            login: r.login,
            display_name: r.display_name,
            last_name: r.last_name,
            first_name: r.first_name,
            middle_name: r.middle_name,
            birth_date: r.birth_date,
            email: r.email,
            phone: r.phone,
            preferred_channel: r.preferred_channel,
            active: r.active,
        }
    }
}

/// One lesson time of the bell schedule on one weekday.
#[derive(Debug, Clone, PartialEq)]
pub struct BellTime {
    /// A stable id for the pair (bell, weekday).
    pub id: i64,
    /// NetSchool weekday: 1 = Sunday … 7 = Saturday.
    pub weekday: i32,
    /// Shift.
    pub shift: i32,
    /// Lesson number.
    pub number: i32,
    /// Start.
    pub start: NaiveTime,
    /// End.
    pub end: NaiveTime,
}

/// What `mysettings` reports about the signed-in account.
#[derive(Debug, Clone)]
pub struct MySettings {
    /// The account and its person.
    pub account: OwnAccount,
    /// Its roles as NetSchool names them.
    pub roles: Vec<&'static str>,
    /// The school's current year.
    pub year_id: Option<YearId>,
}

fn mark_text(value: Option<i32>, code: Option<&str>, duty: bool) -> Option<String> {
    match (value, code) {
        (Some(v), _) => Some(v.to_string()),
        (None, Some(c)) if !c.is_empty() => Some(c.to_owned()),
        _ if duty => Some("•".into()),
        _ => None,
    }
}

impl App {
    /// Marks by subject for a period (the current one by default), period and year marks and
    /// overdue work of a student the actor may read.
    pub async fn progress(
        &self,
        actor: &Actor,
        student: StudentId,
        period_id: Option<PeriodId>,
        origin: &Origin,
    ) -> AppResult<Progress> {
        let (student, who, year) = self.student_this_year(actor, student, origin).await?;
        let today = self.today();
        let periods = self.store.periods(year.id, who.grade.unwrap_or(1)).await?;
        let period = match period_id {
            Some(id) => Some(
                periods
                    .iter()
                    .find(|p| p.id == id.get())
                    .cloned()
                    .ok_or_else(|| AppError::NotFound(msg!("period-not-found")))?,
            ),
            None => periods
                .iter()
                .find(|p| p.start_date <= today && today <= p.end_date)
                .or_else(|| periods.iter().rev().find(|p| p.start_date <= today))
                .or_else(|| periods.first())
                .cloned(),
        };
        let (from, to) = match &period {
            Some(p) => (p.start_date, p.end_date),
            None => (year.start_date, year.end_date),
        };
        let lessons = self.store.diary_lessons(student.get(), from, to).await?;
        let assignments = self
            .store
            .diary_assignments(student.get(), from, to)
            .await?;
        let finals = self
            .store
            .student_final_marks(student.get(), year.id)
            .await?;

        let mut subjects: BTreeMap<String, SubjectProgress> = BTreeMap::new();
        let blank = |name: &str| SubjectProgress {
            subject: name.to_owned(),
            marks: Vec::new(),
            average: None,
            period_marks: vec![None; periods.len()],
            year_mark: None,
        };
        for l in &lessons {
            subjects
                .entry(l.subject_name.clone())
                .or_insert_with(|| blank(&l.subject_name));
        }
        for a in assignments {
            let duty = a.mark_duty.unwrap_or(false);
            let Some(text) = a
                .mark_id
                .and(mark_text(a.mark_value, a.mark_code.as_deref(), duty))
            else {
                continue;
            };
            subjects
                .entry(a.subject_name.clone())
                .or_insert_with(|| blank(&a.subject_name))
                .marks
                .push(ProgressMark {
                    assignment_id: AssignmentId::new(a.assignment_id),
                    date: a.lesson_date,
                    text,
                    value: a.mark_value,
                    type_abbr: a.type_abbr,
                    type_name: a.type_name,
                    weight: a.weight,
                    comment: a.mark_comment.unwrap_or_default(),
                    duty,
                });
        }
        let period_index: HashMap<i64, usize> =
            periods.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
        for f in finals {
            let Some(text) = mark_text(f.value, f.code.as_deref(), false) else {
                continue;
            };
            let line = subjects
                .entry(f.subject_name.clone())
                .or_insert_with(|| blank(&f.subject_name));
            match f.period_id {
                None => line.year_mark = Some(text),
                Some(p) => {
                    if let Some(&i) = period_index.get(&p) {
                        line.period_marks[i] = Some(text);
                    }
                }
            }
        }
        let mut subjects: Vec<SubjectProgress> = subjects.into_values().collect();
        for s in &mut subjects {
            s.average = weighted_average(
                s.marks
                    .iter()
                    .filter_map(|m| m.value.map(|v| (v, m.weight))),
            );
        }
        let overdue = self
            .store
            .overdue_assignments(student.get(), year.start_date, today, today)
            .await?;
        Ok(Progress {
            student: who,
            periods: views(periods),
            period: period.map(Period::from),
            from,
            to,
            subjects,
            overdue: views(overdue),
        })
    }

    /// The card of an assignment on a lesson of the student, for an actor who may read the
    /// student's diary. Anything else is "not found".
    pub async fn assignment_card(
        &self,
        actor: &Actor,
        student: StudentId,
        assignment_id: AssignmentId,
        origin: &Origin,
    ) -> AppResult<AssignmentCard> {
        let (reader, children) = self.authorize_diary(actor, student, origin).await?;
        // From here on only the student the policy checked is read.
        let student = reader.student();
        let assignment_id = assignment_id.get();
        let assignment = self
            .store
            .student_assignment(student.get(), assignment_id)
            .await?
            .ok_or_else(|| AppError::NotFound(msg!("assignment-not-found")))?;
        let who = self.diary_student(student, children).await?;
        let teachers = self.store.assignment_teachers(assignment_id).await?;
        let files = self
            .files_by_assignment(&[assignment_id])
            .await?
            .remove(&assignment_id)
            .unwrap_or_default();
        Ok(AssignmentCard {
            student: who,
            group: Named {
                id: GroupId::new(assignment.subject_group_id),
                name: assignment.subject_group_name,
            },
            assignment: assignment.assignment.into(),
            teachers: named(teachers, AccountId::new),
            files,
        })
    }

    /// Files of the asked assignments that are on lessons of the student, in the order asked;
    /// assignments without files (or not the student's) are left out.
    pub async fn assignment_attachments(
        &self,
        actor: &Actor,
        student: StudentId,
        assignment_ids: &[AssignmentId],
        origin: &Origin,
    ) -> AppResult<Vec<(AssignmentId, Vec<FileLink>)>> {
        let student = self
            .authorize_diary(actor, student, origin)
            .await?
            .0
            .student();
        if assignment_ids.len() > 100 {
            return Err(AppError::BadRequest(msg!("progress-too-many-assignments")));
        }
        let asked = AssignmentId::numbers(assignment_ids);
        let mine = self
            .store
            .student_assignment_ids(student.get(), &asked)
            .await?;
        let mut files = self.files_by_assignment(&mine).await?;
        Ok(mine
            .into_iter()
            .filter_map(|id| files.remove(&id).map(|f| (AssignmentId::new(id), f)))
            .collect())
    }

    /// The bell times of the actor's school on each weekday it teaches.
    pub async fn bell_times(&self, actor: &Actor) -> AppResult<Vec<BellTime>> {
        let Some(schedule) = self
            .store
            .bell_schedule(actor.organization_id.get())
            .await?
        else {
            return Ok(Vec::new());
        };
        let bells = self.store.bells(schedule.id).await?;
        let weekdays = rules::bell_weekdays(
            &self
                .store
                .timetable_weekdays(actor.organization_id.get())
                .await?,
        );
        let mut out = Vec::with_capacity(bells.len() * weekdays.len());
        for &weekday in &weekdays {
            for b in &bells {
                out.push(BellTime {
                    id: b.id * 10 + i64::from(weekday),
                    weekday,
                    shift: b.shift,
                    number: b.number,
                    start: b.start_time,
                    end: b.end_time,
                });
            }
        }
        Ok(out)
    }

    /// The signed-in account's own settings.
    pub async fn my_settings(&self, actor: &Actor) -> AppResult<MySettings> {
        let account = self
            .store
            .account(actor.account_id.get())
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let year_id = self
            .store
            .current_year(actor.organization_id.get(), self.today())
            .await?
            .map(|y| YearId::new(y.id));
        Ok(MySettings {
            account: account.into(),
            roles: sgo_core::policy::netschool_role_names(actor),
            year_id,
        })
    }

    /// Checks that the actor may see a user's photo; someone they may not see is "not found".
    pub async fn may_see_photo(&self, actor: &Actor, user: AccountId) -> AppResult<()> {
        match self.store.account(user.get()).await? {
            Some(a)
                if a.active
                    && sgo_core::policy::may_see_user(
                        actor,
                        OrganizationId::new(a.organization_id),
                    ) =>
            {
                Ok(())
            }
            _ => Err(AppError::NotFound(msg!("user-not-found"))),
        }
    }
}
