//! Weekly timetables and the dated lessons generated from them.

use super::*;
use sgo_core::ClassId;

impl App {
    /// The weekly timetable of a class valid on a day (today, or the year's start before it).
    pub async fn timetable_setup(
        &self,
        admin: &SchoolAdministrator,
        class_id: ClassId,
        on: Option<NaiveDate>,
    ) -> AppResult<TimetableSetup> {
        let class_id = class_id.get();
        let class = self.setup_class(admin, class_id).await?;
        let year = self.setup_year(admin, class.academic_year_id).await?;
        let on = on.unwrap_or_else(|| self.today().clamp(year.start_date, year.end_date));
        Ok(TimetableSetup {
            groups: self.store.subject_groups(class_id).await?,
            bells: self
                .shift_bells(OrganizationId::new(class.organization_id), class.shift)
                .await?,
            entries: self.store.timetable(class_id, on).await?,
            on,
            year: year.into(),
            class,
        })
    }

    /// Stores a class's weekly timetable from a date and regenerates its lessons to the year's end.
    pub async fn save_timetable(
        &self,
        admin: &SchoolAdministrator,
        origin: &Origin,
        class_id: ClassId,
        valid_from: &str,
        cells: &[CellInput],
    ) -> FormResult<TimetableOutcome> {
        let class_id = class_id.get();
        let class = self.setup_class(admin, class_id).await?;
        let org = class.organization_id;
        let year = self.setup_year(admin, class.academic_year_id).await?;
        let mut errors = FieldErrors::default();
        let from = date_field(&mut errors, "valid_from", valid_from);
        if let Some(from) = from
            && (from < year.start_date || from > year.end_date)
        {
            errors.add(
                "valid_from",
                msg!(
                    "timetable-date-outside-year",
                    start = day(year.start_date),
                    end = day(year.end_date)
                ),
            );
        }
        let bells = self
            .shift_bells(OrganizationId::new(org), class.shift)
            .await?;
        if bells.is_empty() {
            errors.add(
                "valid_from",
                msg!("timetable-bells-missing", shift = class.shift),
            );
        }
        let periods = self.store.periods(year.id, class.grade).await?;
        if periods.is_empty() {
            errors.add(
                "valid_from",
                msg!("timetable-periods-missing", grade = class.grade),
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
                errors.add(field, msg!("timetable-group-not-of-class"));
                continue;
            };
            if !(1..=6).contains(&cell.weekday) || !bells.iter().any(|b| b.number == cell.number) {
                errors.add(field, msg!("timetable-lesson-not-in-bells"));
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
            return Err(FormError::Invalid(errors));
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
        self.catch_up().await;
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
        self.audit_change(
            admin.actor(),
            OrganizationId::new(org),
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
        Ok(outcome)
    }
}
