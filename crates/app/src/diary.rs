//! The diary: whose diaries an actor may open, a week of lessons, overdue work, the school year.

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use sgo_core::marks::AttendanceCode;
use sgo_core::{
    Actor, AssignmentId, AssignmentTypeId, FileId, GroupId, LessonId, OrganizationId, StudentId,
    calendar, policy,
};
use sgo_store::{
    AcademicYearRecord, DiaryAssignmentRecord, DiaryLessonRecord, DiaryWeekRecord, StudentRecord,
};

use crate::calendar::AcademicYear;
use crate::files::FileLink;
use crate::journal::AssignmentType;
use crate::view::views;
use crate::{App, AppError, AppResult, Origin};

/// A student whose diary the actor may open, with their class name («9А»).
#[derive(Debug, Clone, PartialEq)]
pub struct DiaryStudent {
    /// The student's account.
    pub account_id: StudentId,
    /// Name to show.
    pub display_name: String,
    /// Class on today's date, if any.
    pub class_name: Option<String>,
    /// The student's organization.
    pub organization_id: OrganizationId,
    /// The grade of their class on today's date.
    pub grade: Option<i32>,
}

fn to_student(r: StudentRecord) -> DiaryStudent {
    let class_name = match (r.grade, r.letter) {
        (Some(g), Some(l)) => Some(format!("{g}{l}")),
        _ => None,
    };
    DiaryStudent {
        account_id: StudentId::new(r.account_id),
        display_name: r.display_name,
        class_name,
        organization_id: OrganizationId::new(r.organization_id),
        grade: r.grade,
    }
}

/// A dated lesson as a diary shows it: when, where, which subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduledLesson {
    /// The lesson.
    pub lesson_id: LessonId,
    /// Its date.
    pub date: NaiveDate,
    /// The shift of its bell.
    pub shift: i32,
    /// Its number in the day.
    pub number: i32,
    /// Start.
    pub start_time: NaiveTime,
    /// End.
    pub end_time: NaiveTime,
    /// Room.
    pub room: String,
    /// Topic.
    pub topic: String,
    /// The subject.
    pub subject_name: String,
    /// The subject group.
    pub subject_group_id: GroupId,
    /// «9А/Алгебра».
    pub subject_group_name: String,
}

impl From<DiaryLessonRecord> for ScheduledLesson {
    fn from(r: DiaryLessonRecord) -> ScheduledLesson {
        ScheduledLesson {
            lesson_id: LessonId::new(r.lesson_id),
            date: r.date,
            shift: r.shift,
            number: r.number,
            start_time: r.start_time,
            end_time: r.end_time,
            room: r.room,
            topic: r.topic,
            subject_name: r.subject_name,
            subject_group_id: GroupId::new(r.subject_group_id),
            subject_group_name: r.subject_group_name,
        }
    }
}

/// An assignment with the student's mark on it, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct AssignmentWithMark {
    /// The assignment.
    pub assignment_id: AssignmentId,
    /// Its lesson.
    pub lesson_id: LessonId,
    /// The lesson's date.
    pub lesson_date: NaiveDate,
    /// The subject.
    pub subject_name: String,
    /// Its type.
    pub type_id: AssignmentTypeId,
    /// The type's name.
    pub type_name: String,
    /// The type's abbreviation («К»).
    pub type_abbr: String,
    /// Title.
    pub title: String,
    /// Text.
    pub description: String,
    /// Weight of its mark.
    pub weight: i32,
    /// Due date.
    pub due_date: NaiveDate,
    /// Whether it must be done (a missing mark is then a debt).
    pub mandatory: bool,
    /// The mark's row, when there is one.
    pub mark_id: Option<i64>,
    /// The mark's value 1..5.
    pub mark_value: Option<i32>,
    /// A special code instead of a value.
    pub mark_code: Option<String>,
    /// The duty flag («точка»).
    pub mark_duty: Option<bool>,
    /// The teacher's comment.
    pub mark_comment: Option<String>,
    /// When the mark was set.
    pub mark_set_at: Option<DateTime<Utc>>,
}

impl From<DiaryAssignmentRecord> for AssignmentWithMark {
    fn from(r: DiaryAssignmentRecord) -> AssignmentWithMark {
        AssignmentWithMark {
            assignment_id: AssignmentId::new(r.assignment_id),
            lesson_id: LessonId::new(r.lesson_id),
            lesson_date: r.lesson_date,
            subject_name: r.subject_name,
            type_id: AssignmentTypeId::new(r.type_id),
            type_name: r.type_name,
            type_abbr: r.type_abbr,
            title: r.title,
            description: r.description,
            weight: r.weight,
            due_date: r.due_date,
            mandatory: r.mandatory,
            mark_id: r.mark_id,
            mark_value: r.mark_value,
            mark_code: r.mark_code,
            mark_duty: r.mark_duty,
            mark_comment: r.mark_comment,
            mark_set_at: r.mark_set_at,
        }
    }
}

/// One lesson of the diary with what belongs to it.
#[derive(Debug, Clone)]
pub struct DiaryLesson {
    /// The lesson.
    pub lesson: ScheduledLesson,
    /// Its assignments with the student's marks.
    pub assignments: Vec<AssignmentWithMark>,
    /// The student's attendance code on it.
    pub attendance: Option<AttendanceCode>,
    /// Files attached to its assignments, by assignment id.
    pub files: HashMap<AssignmentId, Vec<FileLink>>,
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

impl DiaryWeek {
    /// About how much memory the week takes: what the diary cache counts against its bound.
    pub(crate) fn approx_bytes(&self) -> usize {
        use std::mem::size_of;
        let text = |s: &String| s.capacity();
        let lessons = self.days.iter().flat_map(|d| &d.lessons);
        let mut bytes = size_of::<DiaryWeek>() + text(&self.student.display_name);
        for l in lessons {
            bytes += size_of::<DiaryLesson>()
                + text(&l.lesson.room)
                + text(&l.lesson.topic)
                + text(&l.lesson.subject_name)
                + text(&l.lesson.subject_group_name);
            for a in &l.assignments {
                bytes += size_of::<AssignmentWithMark>()
                    + text(&a.subject_name)
                    + text(&a.type_name)
                    + text(&a.type_abbr)
                    + text(&a.title)
                    + text(&a.description)
                    + a.mark_comment.as_ref().map_or(0, text);
            }
            for f in l.files.values().flatten() {
                bytes += size_of::<FileLink>() + text(&f.name) + text(&f.description);
            }
        }
        bytes + self.days.len() * size_of::<DiaryDay>()
    }
}

impl App {
    /// The students whose diaries the actor may open: themself, or their children.
    pub async fn diary_students(&self, actor: &Actor) -> AppResult<Vec<DiaryStudent>> {
        let today = self.today();
        let mut out = Vec::new();
        if sgo_core::policy::student_self(actor).is_some()
            && let Some(me) = self.store.student(actor.account_id.get(), today).await?
        {
            out.push(to_student(me));
        }
        if sgo_core::policy::guardian(actor).is_some() {
            out.extend(
                self.store
                    .children(actor.account_id.get(), today)
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
        student: StudentId,
        origin: &Origin,
    ) -> AppResult<(policy::DiaryReader, Vec<StudentRecord>)> {
        let children = if sgo_core::policy::guardian(actor).is_some() {
            self.store
                .children(actor.account_id.get(), self.today())
                .await?
        } else {
            Vec::new()
        };
        let child_ids: Vec<StudentId> = children
            .iter()
            .map(|c| StudentId::new(c.account_id))
            .collect();
        let reader = policy::diary_reader(actor, student, &child_ids);
        let allowed = reader.is_some();
        if !allowed || student.account() != actor.account_id {
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
        student: StudentId,
        children: Vec<StudentRecord>,
    ) -> AppResult<DiaryStudent> {
        if let Some(child) = children.into_iter().find(|c| c.account_id == student.get()) {
            return Ok(to_student(child));
        }
        let me = self
            .store
            .student(student.get(), self.today())
            .await?
            .ok_or(AppError::Forbidden)?;
        Ok(to_student(me))
    }

    /// A span of a student's diary.
    pub async fn diary_week(
        &self,
        actor: &Actor,
        student: StudentId,
        from: NaiveDate,
        to: NaiveDate,
        origin: &Origin,
    ) -> AppResult<DiaryWeek> {
        Ok(DiaryWeek::clone(
            &self
                .shared_week(actor, student, (from, to), origin)
                .await?
                .0,
        ))
    }

    /// A span of a student's diary as `render` turns it into a response body. The body is kept
    /// with the cached week, so a reload costs a copy of bytes instead of a rendering; `format`
    /// names the renderer (one body per format and week).
    pub async fn diary_week_rendered(
        &self,
        actor: &Actor,
        student: StudentId,
        span: (NaiveDate, NaiveDate),
        origin: &Origin,
        format: &'static str,
        render: impl FnOnce(&DiaryWeek) -> Bytes,
    ) -> AppResult<Bytes> {
        let (week, body) = self.shared_week(actor, student, span, origin).await?;
        if let Some(body) = body.and_then(|b| b.get(format)) {
            return Ok(body);
        }
        let body = render(&week);
        self.diary_cache.put_body(&week, format, body.clone());
        Ok(body)
    }

    /// The week from the cache or the store, with the bodies already rendered from it.
    async fn shared_week(
        &self,
        actor: &Actor,
        student: StudentId,
        (from, to): (NaiveDate, NaiveDate),
        origin: &Origin,
    ) -> AppResult<(Arc<DiaryWeek>, Option<crate::diary_cache::Bodies>)> {
        check_span(from, to)?;
        let (reader, _children) = self.authorize_diary(actor, student, origin).await?;
        // From here on only the student the policy checked is read.
        let student = reader.student();
        // Checked after the policy, so a cached week is never shown to someone refused.
        let generation = self.diary_cache.generation();
        if let Some(hit) = self.diary_cache.get(student, from, to) {
            return Ok((hit.0, Some(hit.1)));
        }
        let stored = self
            .store
            .diary_week(student.get(), from, to, self.today())
            .await?;
        let week = Arc::new(assemble_week(stored, from, to)?);
        self.diary_cache.put(student, from, to, &week, generation);
        Ok((week, None))
    }

    /// Mandatory work of a student due in the span and not done.
    pub async fn overdue(
        &self,
        actor: &Actor,
        student: StudentId,
        from: NaiveDate,
        to: NaiveDate,
        origin: &Origin,
    ) -> AppResult<Vec<AssignmentWithMark>> {
        check_span(from, to)?;
        let student = self
            .authorize_diary(actor, student, origin)
            .await?
            .0
            .student();
        Ok(views(
            self.store
                .overdue_assignments(student.get(), from, to, self.today())
                .await?,
        ))
    }

    /// Mandatory work of the student's current year whose due date has passed and which is
    /// not done, oldest first.
    pub async fn overdue_this_year(
        &self,
        actor: &Actor,
        student: StudentId,
        origin: &Origin,
    ) -> AppResult<Vec<AssignmentWithMark>> {
        let (student, _, year) = self.student_this_year(actor, student, origin).await?;
        let today = self.today();
        Ok(views(
            self.store
                .overdue_assignments(student.get(), year.start_date, today, today)
                .await?,
        ))
    }

    /// A student whose diary the actor may read, and the current academic year of the
    /// student's school; "not found" when the school has none set up.
    pub(crate) async fn student_this_year(
        &self,
        actor: &Actor,
        student: StudentId,
        origin: &Origin,
    ) -> AppResult<(StudentId, DiaryStudent, AcademicYearRecord)> {
        let (reader, children) = self.authorize_diary(actor, student, origin).await?;
        // From here on only the student the policy checked is read.
        let student = reader.student();
        let who = self.diary_student(student, children).await?;
        let year = self
            .store
            .current_year(who.organization_id.get(), self.today())
            .await?
            .ok_or_else(|| AppError::NotFound(msg!("academic-year-not-set-up")))?;
        Ok((student, who, year))
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

    /// The current academic year of the actor's organization.
    pub async fn current_year(&self, actor: &Actor) -> AppResult<AcademicYear> {
        self.store
            .current_year(actor.organization_id.get(), self.today())
            .await?
            .map(AcademicYear::from)
            .ok_or_else(|| AppError::NotFound(msg!("academic-year-not-set-up")))
    }

    /// All academic years of the actor's organization.
    pub async fn years(&self, actor: &Actor) -> AppResult<Vec<AcademicYear>> {
        Ok(views(self.store.years(actor.organization_id.get()).await?))
    }

    /// Assignment types of the actor's organization.
    pub async fn assignment_types(
        &self,
        actor: &Actor,
        active_only: bool,
    ) -> AppResult<Vec<AssignmentType>> {
        Ok(views(
            self.store
                .assignment_types(actor.organization_id.get(), active_only)
                .await?,
        ))
    }
}

/// The week as the diary shows it, from the store's one read: lessons by day, each with its
/// assignments, marks, attendance and files.
fn assemble_week(stored: DiaryWeekRecord, from: NaiveDate, to: NaiveDate) -> AppResult<DiaryWeek> {
    let who = stored.student.map(to_student).ok_or(AppError::Forbidden)?;
    let mut files: HashMap<i64, Vec<FileLink>> = HashMap::new();
    for f in stored.files {
        files.entry(f.assignment_id).or_default().push(FileLink {
            id: FileId::new(f.id),
            name: f.name,
            size: f.size,
            description: f.description,
        });
    }
    let mut by_lesson: HashMap<i64, Vec<DiaryAssignmentRecord>> = HashMap::new();
    for a in stored.assignments {
        by_lesson.entry(a.lesson_id).or_default().push(a);
    }
    let codes: HashMap<i64, AttendanceCode> = stored
        .attendance
        .into_iter()
        .filter_map(|a| {
            AttendanceCode::from_abbr(&a.code)
                .ok()
                .map(|c| (a.lesson_id, c))
        })
        .collect();
    let mut days: Vec<DiaryDay> = Vec::new();
    for lesson in stored.lessons {
        let assignments = by_lesson.remove(&lesson.lesson_id).unwrap_or_default();
        let files = assignments
            .iter()
            .filter_map(|a| {
                let id = a.assignment_id;
                files.remove(&id).map(|f| (AssignmentId::new(id), f))
            })
            .collect();
        let item = DiaryLesson {
            assignments: views(assignments),
            files,
            attendance: codes.get(&lesson.lesson_id).copied(),
            lesson: lesson.into(),
        };
        match days.last_mut() {
            Some(day) if day.date == item.lesson.date => day.lessons.push(item),
            _ => days.push(DiaryDay {
                date: item.lesson.date,
                lessons: vec![item],
            }),
        }
    }
    Ok(DiaryWeek {
        student: who,
        from,
        to,
        days,
        period_name: stored.period_name,
    })
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
