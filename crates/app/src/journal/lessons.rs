//! The teacher's lessons, the lesson page: topic, homework with files, attendance.

use chrono::{Duration, NaiveDate};
use sgo_core::Actor;
use sgo_core::calendar::week_start;
use sgo_core::files::FileOwner;
use sgo_core::journal::JournalAccess;
use sgo_core::marks::AttendanceCode;
use sgo_core::{AssignmentId, LessonId};
use sgo_core::{OrganizationId, StudentId};
use sgo_store::{JournalGroupRecord, JournalLessonRecord, NewAssignment};

use super::{AssignmentType, JournalAssignment, JournalAttendance, JournalGroup, JournalLesson};
use crate::files::{FileLink, Upload};
use crate::form::FieldErrors;
use crate::settings::FormError;
use crate::view::{Named, named, views};
use crate::{App, AppError, AppResult, Origin};

/// What `/journal` shows.
#[derive(Debug, Clone)]
pub struct JournalHome {
    /// Today.
    pub today: NaiveDate,
    /// Monday of this week.
    pub monday: NaiveDate,
    /// Lessons the actor gives this week (today's among them).
    pub lessons: Vec<JournalLesson>,
    /// Groups whose journal the actor may open, and whether they keep it.
    pub groups: Vec<(JournalGroup, JournalAccess)>,
}

/// What the lesson page shows.
#[derive(Debug, Clone)]
pub struct LessonView {
    /// The lesson.
    pub lesson: JournalLesson,
    /// Its group.
    pub group: JournalGroup,
    /// Whether the actor keeps this lesson's journal or only reads it.
    pub access: JournalAccess,
    /// Its assignments.
    pub assignments: Vec<JournalAssignment>,
    /// Files of those assignments, by assignment.
    pub files: Vec<(AssignmentId, FileLink)>,
    /// The students of the group on the lesson's date.
    pub students: Vec<Named<StudentId>>,
    /// Their attendance codes.
    pub attendance: Vec<JournalAttendance>,
    /// The school's active assignment types.
    pub types: Vec<AssignmentType>,
}

/// The new-assignment form as submitted.
#[derive(Debug, Clone, Default)]
#[allow(missing_docs)]
pub struct AssignmentInput {
    pub type_id: String,
    pub title: String,
    pub description: String,
    pub due_date: String,
    /// Empty for the type's default weight.
    pub weight: String,
    pub mandatory: bool,
}

impl App {
    /// The actor's lessons this week and the groups whose journal they may open.
    pub async fn journal_home(&self, actor: &Actor) -> AppResult<JournalHome> {
        let today = self.clock.today();
        let monday = week_start(today);
        let lessons = self
            .store
            .teacher_lessons(actor.account_id.get(), monday, monday + Duration::days(6))
            .await?;
        let mut groups = Vec::new();
        if let Some(year) = self
            .store
            .current_year(actor.organization_id.get(), today)
            .await?
        {
            let found = if sgo_core::policy::sees_every_journal(actor) {
                self.store.year_groups(year.id).await?
            } else {
                self.store
                    .teacher_groups(actor.account_id.get(), year.id)
                    .await?
            };
            for g in found {
                // Each group's rights are the rule's, not the query's.
                if let Ok((g, access)) = self.journal_group_access(actor, g.id, None).await {
                    groups.push((g.into(), access));
                }
            }
        }
        Ok(JournalHome {
            today,
            monday,
            lessons: views(lessons),
            groups,
        })
    }

    /// A lesson's page for someone who may open its group's journal.
    pub async fn journal_lesson(&self, actor: &Actor, id: LessonId) -> AppResult<LessonView> {
        let id = id.get();
        let lesson = self
            .store
            .journal_lesson(id)
            .await?
            .ok_or_else(|| AppError::NotFound(msg!("lesson-not-found")))?;
        let (group, access) = self
            .journal_group_access(actor, lesson.subject_group_id, Some(id))
            .await?;
        let assignments = self.store.lesson_assignments(id).await?;
        let ids: Vec<i64> = assignments.iter().map(|a| a.id).collect();
        let files = self.files_of("assignment", &ids).await?;
        let students = self
            .store
            .group_students(group.id, lesson.date, lesson.date)
            .await?;
        let attendance = self.store.lesson_attendance(id).await?;
        let types = self
            .store
            .assignment_types(group.organization_id, true)
            .await?;
        let files = files
            .iter()
            .filter_map(|f| Some((AssignmentId::new(f.owner_id?), FileLink::from(f))))
            .collect();
        Ok(LessonView {
            lesson: lesson.into(),
            group: group.into(),
            access,
            assignments: views(assignments),
            files,
            students: named(students, StudentId::new),
            attendance: views(attendance),
            types: views(types),
        })
    }

    /// The lesson and its group when the actor keeps its journal.
    async fn writable_lesson(
        &self,
        actor: &Actor,
        id: i64,
    ) -> AppResult<(JournalLessonRecord, JournalGroupRecord)> {
        let lesson = self
            .store
            .journal_lesson(id)
            .await?
            .ok_or_else(|| AppError::NotFound(msg!("lesson-not-found")))?;
        let group = self
            .journal_group_writable(actor, lesson.subject_group_id, Some(id))
            .await?;
        Ok((lesson, group))
    }

    /// Sets a lesson's topic.
    pub async fn set_lesson_topic(
        &self,
        actor: &Actor,
        origin: &Origin,
        id: LessonId,
        topic: &str,
    ) -> AppResult<()> {
        let id = id.get();
        let (lesson, group) = self.writable_lesson(actor, id).await?;
        let topic = topic.trim();
        if topic.chars().count() > 500 {
            return Err(AppError::BadRequest(msg!("lesson-topic-too-long")));
        }
        if topic == lesson.topic {
            return Ok(());
        }
        self.store.set_lesson_topic(id, topic).await?;
        self.journal_changed(
            actor,
            &group,
            origin,
            "journal.topic",
            format!("lesson:{id}"),
            format!(
                "{} {}: тема «{}» → «{topic}»",
                group.name, lesson.date, lesson.topic
            ),
        )
        .await;
        Ok(())
    }

    /// Adds an assignment (homework or classwork) to a lesson with its files.
    pub async fn add_assignment(
        &self,
        actor: &Actor,
        origin: &Origin,
        lesson_id: LessonId,
        input: &AssignmentInput,
        files: Vec<Upload>,
    ) -> Result<i64, FormError> {
        let lesson_id = lesson_id.get();
        let (lesson, group) = self.writable_lesson(actor, lesson_id).await?;
        let mut errors = FieldErrors::default();
        let kind = match input.type_id.trim().parse::<i64>() {
            Ok(t) => self
                .store
                .assignment_type(group.organization_id, t)
                .await?
                .filter(|t| t.active),
            Err(_) => None,
        };
        if kind.is_none() {
            errors.add("type", msg!("assignment-type-required"));
        }
        let title = input.title.trim();
        if title.is_empty() {
            errors.add("title", msg!("assignment-title-required"));
        } else if title.chars().count() > 300 {
            errors.add("title", msg!("assignment-title-too-long"));
        }
        let description = input.description.trim();
        if description.chars().count() > 10_000 {
            errors.add("description", msg!("assignment-description-too-long"));
        }
        let due = if input.due_date.trim().is_empty() {
            Some(lesson.date)
        } else {
            NaiveDate::parse_from_str(input.due_date.trim(), "%Y-%m-%d").ok()
        };
        match due {
            None => errors.add("due", msg!("assignment-due-invalid")),
            Some(d) if d < lesson.date => errors.add("due", msg!("assignment-due-before-lesson")),
            _ => {}
        }
        let weight = match (input.weight.trim(), &kind) {
            ("", Some(k)) => Some(k.default_weight),
            ("", None) => None,
            (w, _) => match w.parse::<i32>() {
                Ok(w) if (1..=100).contains(&w) => Some(w),
                _ => {
                    errors.add("weight", msg!("weight-invalid"));
                    None
                }
            },
        };
        errors.checked()?;
        let (Some(kind), Some(due), Some(weight)) = (kind, due, weight) else {
            return Err(FormError::Refused(AppError::BadRequest(msg!(
                "form-check-fields"
            ))));
        };
        let uploaded = self.upload_all(actor, files).await?;
        let id = self
            .store
            .create_assignment(&NewAssignment {
                lesson_id,
                type_id: kind.id,
                title: title.to_owned(),
                description: description.to_owned(),
                weight,
                due_date: due,
                mandatory: input.mandatory,
                created_by: actor.account_id.get(),
                created_at: self.clock.now(),
            })
            .await?;
        self.attach_uploads(actor, &uploaded, FileOwner::Assignment(id))
            .await?;
        self.journal_changed(
            actor,
            &group,
            origin,
            "journal.assignment.create",
            format!("assignment:{id}"),
            format!(
                "{} {}: {} «{title}», вес {weight}, срок {due}, файлов: {}",
                group.name,
                lesson.date,
                kind.abbr,
                uploaded.len()
            ),
        )
        .await;
        Ok(id)
    }

    /// Removes an assignment of a lesson with its marks.
    pub async fn delete_assignment(
        &self,
        actor: &Actor,
        origin: &Origin,
        lesson_id: LessonId,
        id: AssignmentId,
    ) -> AppResult<()> {
        let lesson_id = lesson_id.get();
        let id = id.get();
        let (lesson, group) = self.writable_lesson(actor, lesson_id).await?;
        if !self.store.delete_assignment(lesson_id, id).await? {
            return Err(AppError::NotFound(msg!("assignment-not-found")));
        }
        self.journal_changed(
            actor,
            &group,
            origin,
            "journal.assignment.delete",
            format!("assignment:{id}"),
            format!("{} {}", group.name, lesson.date),
        )
        .await;
        Ok(())
    }

    /// Sets the attendance of a lesson: one code (or none for present) per student of the group.
    pub async fn set_lesson_attendance(
        &self,
        actor: &Actor,
        origin: &Origin,
        lesson_id: LessonId,
        codes: &[(i64, String)],
    ) -> AppResult<usize> {
        let lesson_id = lesson_id.get();
        let (lesson, group) = self.writable_lesson(actor, lesson_id).await?;
        let students = self
            .store
            .group_students(group.id, lesson.date, lesson.date)
            .await?;
        let current = self.store.lesson_attendance(lesson_id).await?;
        let mut changed = Vec::new();
        let mut parsed = Vec::new();
        for (student, code) in codes {
            if !students.iter().any(|s| s.id == *student) {
                return Err(AppError::BadRequest(msg!("student-not-in-group")));
            }
            let code = match code.trim() {
                "" => None,
                c => Some(AttendanceCode::from_abbr(c).map_err(|_| {
                    AppError::BadRequest(msg!("mark-attendance-code-unknown", code = c))
                })?),
            };
            parsed.push((*student, code));
        }
        let now = self.clock.now();
        for (student, code) in parsed {
            let old = current
                .iter()
                .find(|a| a.student_account_id == student)
                .map(|a| a.code.as_str());
            let new = code.map(AttendanceCode::abbr);
            if old == new {
                continue;
            }
            if let Err(e) = self
                .store
                .set_attendance(lesson_id, student, new, actor.account_id.get(), now)
                .await
            {
                // The codes written before this one have committed: let the caches follow them.
                self.catch_up().await;
                return Err(e.into());
            }
            changed.push(format!(
                "ученик {student}: «{}» → «{}»",
                old.unwrap_or(""),
                new.unwrap_or("")
            ));
        }
        self.catch_up().await;
        if !changed.is_empty() {
            self.audit_change(
                actor,
                OrganizationId::new(group.organization_id),
                origin,
                "journal.attendance",
                format!("lesson:{lesson_id}"),
                format!("{} {}: {}", group.name, lesson.date, changed.join("; ")),
            )
            .await;
        }
        Ok(changed.len())
    }
}
