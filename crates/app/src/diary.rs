//! The diary: whose diaries an actor may open, a week of lessons, overdue work, the school year.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use sgo_core::marks::AttendanceCode;
use sgo_core::{Actor, calendar, policy};
use sgo_store::{
    AcademicYearRecord, AssignmentTypeRecord, DiaryAssignmentRecord, DiaryLessonRecord,
    PeriodRecord, StudentRecord,
};

use crate::files::FileLink;
use crate::{App, AppError, AppResult, Origin};

/// A student whose diary the actor may open, with their class name («9А»).
#[derive(Debug, Clone, PartialEq)]
pub struct DiaryStudent {
    /// The student's account.
    pub account_id: i64,
    /// Name to show.
    pub display_name: String,
    /// Class on today's date, if any.
    pub class_name: Option<String>,
    /// The student's organization.
    pub organization_id: i64,
    /// The grade of their class on today's date.
    pub grade: Option<i32>,
}

fn to_student(r: StudentRecord) -> DiaryStudent {
    let class_name = match (r.grade, r.letter) {
        (Some(g), Some(l)) => Some(format!("{g}{l}")),
        _ => None,
    };
    DiaryStudent {
        account_id: r.account_id,
        display_name: r.display_name,
        class_name,
        organization_id: r.organization_id,
        grade: r.grade,
    }
}

/// One lesson of the diary with what belongs to it.
#[derive(Debug, Clone)]
pub struct DiaryLesson {
    /// The lesson.
    pub lesson: DiaryLessonRecord,
    /// Its assignments with the student's marks.
    pub assignments: Vec<DiaryAssignmentRecord>,
    /// The student's attendance code on it.
    pub attendance: Option<AttendanceCode>,
    /// Files attached to its assignments, by assignment id.
    pub files: HashMap<i64, Vec<FileLink>>,
}

/// A day of the diary.
#[derive(Debug, Clone)]
pub struct DiaryDay {
    /// The date.
    pub date: NaiveDate,
    /// Lessons in order.
    pub lessons: Vec<DiaryLesson>,
}

/// A span of the diary (usually a week).
#[derive(Debug, Clone)]
pub struct DiaryWeek {
    /// Whose.
    pub student: DiaryStudent,
    /// First day asked for.
    pub from: NaiveDate,
    /// Last day asked for.
    pub to: NaiveDate,
    /// Days with lessons.
    pub days: Vec<DiaryDay>,
    /// The period containing the first day, e.g. «2 четверть».
    pub period_name: Option<String>,
}

impl App {
    /// The students whose diaries the actor may open: themself, or their children.
    pub async fn diary_students(&self, actor: &Actor) -> AppResult<Vec<DiaryStudent>> {
        let today = self.today();
        let mut out = Vec::new();
        if sgo_core::policy::student_self(actor).is_some()
            && let Some(me) = self.store.student(actor.account_id, today).await?
        {
            out.push(to_student(me));
        }
        if sgo_core::policy::guardian(actor).is_some() {
            out.extend(
                self.store
                    .children(actor.account_id, today)
                    .await?
                    .into_iter()
                    .map(to_student),
            );
        }
        Ok(out)
    }

    /// Checks that the actor may read the student's diary, auditing the decision when the student
    /// is someone else. Returns the actor's children (empty for a student), which the caller may
    /// need; a student reading their own diary costs no database read here.
    pub(crate) async fn authorize_diary(
        &self,
        actor: &Actor,
        student: i64,
        origin: &Origin,
    ) -> AppResult<(policy::DiaryReader, Vec<StudentRecord>)> {
        let children = if sgo_core::policy::guardian(actor).is_some() {
            self.store.children(actor.account_id, self.today()).await?
        } else {
            Vec::new()
        };
        let child_ids: Vec<i64> = children.iter().map(|c| c.account_id).collect();
        let reader = policy::diary_reader(actor, student, &child_ids);
        let allowed = reader.is_some();
        if !allowed || student != actor.account_id {
            let result = if allowed { "ok" } else { "denied" };
            let target = format!("student:{student}");
            self.audit(
                Some(actor.account_id),
                "diary.read",
                target,
                origin,
                result,
                String::new(),
            )
            .await;
        }
        match reader {
            Some(reader) => Ok((reader, children)),
            None => Err(AppError::Forbidden),
        }
    }

    /// The student as the diary names them, from the children already read or from the store.
    pub(crate) async fn diary_student(
        &self,
        student: i64,
        children: Vec<StudentRecord>,
    ) -> AppResult<DiaryStudent> {
        if let Some(child) = children.into_iter().find(|c| c.account_id == student) {
            return Ok(to_student(child));
        }
        let me = self
            .store
            .student(student, self.today())
            .await?
            .ok_or(AppError::Forbidden)?;
        Ok(to_student(me))
    }

    /// A span of a student's diary.
    pub async fn diary_week(
        &self,
        actor: &Actor,
        student: i64,
        from: NaiveDate,
        to: NaiveDate,
        origin: &Origin,
    ) -> AppResult<DiaryWeek> {
        check_span(from, to)?;
        let (reader, children) = self.authorize_diary(actor, student, origin).await?;
        // From here on only the student the policy checked is read.
        let student = reader.student();
        // Checked after the policy, so a cached week is never shown to someone refused.
        if let Some(week) = self.diary_cache.get(student, from, to) {
            return Ok(week);
        }
        let who = self.diary_student(student, children).await?;
        let (lessons, assignments, attendance) = (
            self.store.diary_lessons(student, from, to).await?,
            self.store.diary_assignments(student, from, to).await?,
            self.store.diary_attendance(student, from, to).await?,
        );
        let ids: Vec<i64> = assignments.iter().map(|a| a.assignment_id).collect();
        let mut files = self.files_by_assignment(&ids).await?;
        let mut by_lesson: HashMap<i64, Vec<DiaryAssignmentRecord>> = HashMap::new();
        for a in assignments {
            by_lesson.entry(a.lesson_id).or_default().push(a);
        }
        let codes: HashMap<i64, AttendanceCode> = attendance
            .into_iter()
            .filter_map(|a| {
                AttendanceCode::from_abbr(&a.code)
                    .ok()
                    .map(|c| (a.lesson_id, c))
            })
            .collect();
        let mut days: Vec<DiaryDay> = Vec::new();
        for lesson in lessons {
            let assignments = by_lesson.remove(&lesson.lesson_id).unwrap_or_default();
            let files = assignments
                .iter()
                .filter_map(|a| files.remove(&a.assignment_id).map(|f| (a.assignment_id, f)))
                .collect();
            let item = DiaryLesson {
                assignments,
                files,
                attendance: codes.get(&lesson.lesson_id).copied(),
                lesson,
            };
            match days.last_mut() {
                Some(day) if day.date == item.lesson.date => day.lessons.push(item),
                _ => days.push(DiaryDay {
                    date: item.lesson.date,
                    lessons: vec![item],
                }),
            }
        }
        let period_name = self.period_on(&who, from).await?.map(|p| p.name);
        let week = DiaryWeek {
            student: who,
            from,
            to,
            days,
            period_name,
        };
        self.diary_cache.put(student, from, to, &week);
        Ok(week)
    }

    /// Mandatory work of a student due in the span and not done.
    pub async fn overdue(
        &self,
        actor: &Actor,
        student: i64,
        from: NaiveDate,
        to: NaiveDate,
        origin: &Origin,
    ) -> AppResult<Vec<DiaryAssignmentRecord>> {
        check_span(from, to)?;
        let student = self
            .authorize_diary(actor, student, origin)
            .await?
            .0
            .student();
        Ok(self
            .store
            .overdue_assignments(student, from, to, self.today())
            .await?)
    }

    /// Files attached to assignments, grouped by assignment. The caller has already decided the
    /// actor may read those assignments.
    pub(crate) async fn files_by_assignment(
        &self,
        ids: &[i64],
    ) -> AppResult<HashMap<i64, Vec<FileLink>>> {
        let mut out: HashMap<i64, Vec<FileLink>> = HashMap::new();
        for f in self.files_of("assignment", ids).await? {
            if let Some(owner) = f.owner_id {
                out.entry(owner).or_default().push(FileLink::from(&f));
            }
        }
        Ok(out)
    }

    pub(crate) async fn period_on(
        &self,
        student: &DiaryStudent,
        day: NaiveDate,
    ) -> AppResult<Option<PeriodRecord>> {
        let Some(year) = self
            .store
            .current_year(student.organization_id, day)
            .await?
        else {
            return Ok(None);
        };
        let grade = self
            .store
            .student(student.account_id, day)
            .await?
            .and_then(|s| s.grade)
            .unwrap_or(1);
        Ok(self
            .store
            .periods(year.id, grade)
            .await?
            .into_iter()
            .find(|p| p.start_date <= day && day <= p.end_date))
    }

    /// The current academic year of the actor's organization.
    pub async fn current_year(&self, actor: &Actor) -> AppResult<AcademicYearRecord> {
        self.store
            .current_year(actor.organization_id, self.today())
            .await?
            .ok_or_else(|| AppError::NotFound(msg!("academic-year-not-set-up")))
    }

    /// All academic years of the actor's organization.
    pub async fn years(&self, actor: &Actor) -> AppResult<Vec<AcademicYearRecord>> {
        Ok(self.store.years(actor.organization_id).await?)
    }

    /// Assignment types of the actor's organization.
    pub async fn assignment_types(
        &self,
        actor: &Actor,
        active_only: bool,
    ) -> AppResult<Vec<AssignmentTypeRecord>> {
        Ok(self
            .store
            .assignment_types(actor.organization_id, active_only)
            .await?)
    }
}

fn check_span(from: NaiveDate, to: NaiveDate) -> AppResult<()> {
    if to < from {
        return Err(AppError::BadRequest(msg!("date-end-before-start")));
    }
    if to - from > Duration::days(calendar::MAX_DIARY_SPAN_DAYS) {
        return Err(AppError::BadRequest(msg!(
            "diary-span-too-long",
            days = calendar::MAX_DIARY_SPAN_DAYS
        )));
    }
    Ok(())
}
