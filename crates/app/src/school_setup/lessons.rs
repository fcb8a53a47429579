//! One-off changes to dated lessons.

use super::*;
use sgo_core::{ClassId, LessonId};

impl App {
    /// A class's lessons of the week starting on `monday` (cancelled ones too).
    pub async fn class_week_lessons(
        &self,
        admin: &SchoolAdministrator,
        class_id: ClassId,
        monday: NaiveDate,
    ) -> AppResult<(ClassRecord, Vec<SetupLessonRecord>)> {
        let class_id = class_id.get();
        let class = self.setup_class(admin, class_id).await?;
        let lessons = self
            .store
            .class_lessons(class_id, monday, monday + Duration::days(6))
            .await?;
        Ok((class, lessons))
    }

    /// A lesson with the bells and teachers its change form offers.
    pub async fn lesson_setup(
        &self,
        admin: &SchoolAdministrator,
        lesson_id: LessonId,
    ) -> AppResult<LessonSetup> {
        let lesson_id = lesson_id.get();
        let lesson = self
            .store
            .setup_lesson(lesson_id)
            .await?
            .ok_or_else(|| not_found(msg!("lesson-not-found")))?;
        administered(admin, OrganizationId::new(lesson.organization_id))?;
        let class = self
            .store
            .class(lesson.class_id)
            .await?
            .ok_or_else(|| not_found(msg!("class-not-found")))?;
        Ok(LessonSetup {
            bells: self
                .shift_bells(OrganizationId::new(class.organization_id), lesson.shift)
                .await?,
            teachers: self.store.school_teachers(class.organization_id).await?,
            lesson,
            class,
        })
    }

    /// Changes one dated lesson: another date or bell, a substitute teacher, a room, or cancels it.
    pub async fn change_lesson(
        &self,
        admin: &SchoolAdministrator,
        origin: &Origin,
        lesson_id: LessonId,
        input: &LessonInput,
    ) -> FormResult<SetupLessonRecord> {
        let lesson_id = lesson_id.get();
        let setup = self.lesson_setup(admin, LessonId::new(lesson_id)).await?;
        let old = &setup.lesson;
        let year = self
            .store
            .year(setup.class.academic_year_id)
            .await?
            .ok_or_else(|| AppError::NotFound(msg!("academic-year-not-found")))?;
        let mut errors = FieldErrors::default();
        let date = date_field(&mut errors, "date", &input.date);
        if let Some(d) = date
            && (d < year.start_date || d > year.end_date)
        {
            errors.add("date", msg!("lesson-date-outside-year"));
        }
        let bell = input
            .number
            .trim()
            .parse::<i32>()
            .ok()
            .and_then(|n| setup.bells.iter().find(|b| b.number == n));
        if bell.is_none() {
            errors.add("number", msg!("lesson-number-not-in-bells"));
        }
        let room = text_field(&mut errors, "room", &input.room, 20);
        let teacher = match input.teacher.trim() {
            "" => None,
            t => match t.parse::<i64>() {
                Ok(id) if setup.teachers.iter().any(|a| a.id == id) => Some(id),
                // The lesson's own teacher stays valid even if no longer listed as a teacher.
                Ok(id) if Some(id) == old.teacher_account_id => Some(id),
                _ => {
                    errors.add("teacher", msg!("teacher-not-of-school"));
                    None
                }
            },
        };
        let (Some(date), Some(bell), true) = (date, bell, errors.is_empty()) else {
            return Err(FormError::Invalid(errors));
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
        self.catch_up().await;
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
            self.audit_change(
                admin.actor(),
                OrganizationId::new(old.organization_id),
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
        Ok(self
            .store
            .setup_lesson(lesson_id)
            .await?
            .ok_or_else(|| not_found(msg!("lesson-not-found")))?)
    }
}
