//! Academic years, their period schemes and holidays.

use super::*;
use sgo_core::{HolidayId, YearId};

impl App {
    /// The school's academic years, newest first.
    pub async fn setup_years(
        &self,
        admin: &SchoolAdministrator,
        org: OrganizationId,
    ) -> AppResult<Vec<AcademicYear>> {
        self.setup_school(admin, org).await?;
        Ok(views(self.store.years(org.get()).await?))
    }

    /// Creates an academic year; it may not overlap another year of the school.
    pub async fn create_year(
        &self,
        admin: &SchoolAdministrator,
        origin: &Origin,
        org: OrganizationId,
        input: &YearInput,
    ) -> FormResult<i64> {
        self.setup_school(admin, org).await?;
        let mut errors = FieldErrors::default();
        let start = date_field(&mut errors, "start", &input.start);
        let end = date_field(&mut errors, "end", &input.end);
        let mut name = text_field(&mut errors, "name", &input.name, 40);
        if let (Some(start), Some(end)) = (start, end) {
            if end <= start {
                errors.add("end", msg!("year-end-before-start"));
            } else if (end - start).num_days() > 400 {
                errors.add("end", msg!("year-too-long"));
            } else if let Some(other) = self
                .store
                .years(org.get())
                .await?
                .into_iter()
                .find(|y| y.start_date <= end && start <= y.end_date)
            {
                errors.add("start", msg!("year-overlaps", name = other.name));
            }
            if name.is_empty() {
                name = schedule::year_name(start, end);
            }
        }
        let (Some(start), Some(end), true) = (start, end, errors.is_empty()) else {
            return Err(FormError::Invalid(errors));
        };
        let id = self.store.create_year(org.get(), &name, start, end).await?;
        self.catch_up().await;
        self.audit_change(
            admin.actor(),
            org,
            origin,
            "year.create",
            format!("year:{id}"),
            format!("Учебный год {name}: {} — {}", day(start), day(end)),
        )
        .await;
        Ok(id)
    }

    /// Renames a year or moves its dates. Refused when something of the year would fall outside
    /// the new dates, or when the year would overlap another year of the school.
    pub async fn update_year(
        &self,
        admin: &SchoolAdministrator,
        origin: &Origin,
        year_id: YearId,
        input: &YearInput,
    ) -> FormResult<()> {
        let year_id = year_id.get();
        let old = self.setup_year(admin, year_id).await?;
        let org = old.organization_id;
        let mut errors = FieldErrors::default();
        let start = date_field(&mut errors, "year_start", &input.start);
        let end = date_field(&mut errors, "year_end", &input.end);
        let mut name = text_field(&mut errors, "year_name", &input.name, 40);
        if let (Some(start), Some(end)) = (start, end) {
            if end <= start {
                errors.add("year_end", msg!("year-end-before-start"));
            } else if (end - start).num_days() > 400 {
                errors.add("year_end", msg!("year-too-long"));
            } else if let Some(other) = self
                .store
                .years(org)
                .await?
                .into_iter()
                .find(|y| y.id != year_id && y.start_date <= end && start <= y.end_date)
            {
                errors.add("year_start", msg!("year-overlaps", name = other.name));
            } else {
                let out = self.store.year_outside(year_id, start, end).await?;
                if !out.is_empty() {
                    let mut what = Vec::new();
                    for (n, label) in [
                        (out.periods, msg!("year-outside-periods")),
                        (out.holidays, msg!("year-outside-holidays")),
                        (out.lessons, msg!("year-outside-lessons")),
                        (
                            out.timetable_entries,
                            msg!("year-outside-timetable-entries"),
                        ),
                    ] {
                        if n > 0 {
                            what.push(msg!("year-outside-count", what = label, count = n));
                        }
                    }
                    errors.add("year_start", msg!("year-dates-leave-out", things = what));
                }
            }
            if name.is_empty() {
                name = schedule::year_name(start, end);
            }
        }
        let (Some(start), Some(end), true) = (start, end, errors.is_empty()) else {
            return Err(FormError::Invalid(errors));
        };
        self.store.update_year(year_id, &name, start, end).await?;
        let mut changes = Vec::new();
        if old.name != name {
            changes.push(format!("название: {} → {name}", old.name));
        }
        if old.start_date != start || old.end_date != end {
            changes.push(format!(
                "даты: {} — {} → {} — {}",
                day(old.start_date),
                day(old.end_date),
                day(start),
                day(end)
            ));
        }
        if !changes.is_empty() {
            self.audit_change(
                admin.actor(),
                OrganizationId::new(org),
                origin,
                "year.update",
                format!("year:{year_id}"),
                format!("Учебный год {}: {}", old.name, changes.join("; ")),
            )
            .await;
        }
        self.catch_up().await;
        Ok(())
    }

    /// A year with its periods and holidays.
    pub async fn year_setup(
        &self,
        admin: &SchoolAdministrator,
        year_id: YearId,
    ) -> AppResult<YearSetup> {
        let year_id = year_id.get();
        let year = self.setup_year(admin, year_id).await?;
        Ok(YearSetup {
            periods: views(self.store.year_periods(year_id).await?),
            holidays: self.store.holidays(year_id).await?,
            year: year.into(),
        })
    }

    /// Adds the periods of one grade range to a year.
    pub async fn add_period_scheme(
        &self,
        admin: &SchoolAdministrator,
        origin: &Origin,
        year_id: YearId,
        input: &SchemeInput,
    ) -> FormResult<()> {
        let year_id = year_id.get();
        let year = self.setup_year(admin, year_id).await?;
        let mut errors = FieldErrors::default();
        let grade = |s: &str| s.trim().parse::<i32>().ok();
        let (Some(from), Some(to)) = (grade(&input.grade_from), grade(&input.grade_to)) else {
            errors.add("grades", msg!("periods-grades-invalid"));
            return Err(FormError::Invalid(errors));
        };
        let Some(kind) = PeriodKind::from_code(&input.kind) else {
            errors.add("kind", msg!("periods-kind-required"));
            return Err(FormError::Invalid(errors));
        };
        if input.dates.len() != kind.count() {
            errors.add("kind", msg!("periods-count-wrong", count = kind.count()));
            return Err(FormError::Invalid(errors));
        }
        let mut spans = Vec::new();
        for (i, (a, b)) in input.dates.iter().enumerate() {
            let start = date_field(&mut errors, &format!("start_{}", i + 1), a);
            let end = date_field(&mut errors, &format!("end_{}", i + 1), b);
            if let (Some(from), Some(to)) = (start, end) {
                spans.push(DateSpan { from, to });
            }
        }
        errors.checked()?;
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
        errors.checked()?;
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
        self.audit_change(
            admin.actor(),
            OrganizationId::new(year.organization_id),
            origin,
            "period.create",
            format!("year:{year_id}"),
            format!("{}, {from}–{to} классы: {list}", kind.title()),
        )
        .await;
        self.catch_up().await;
        Ok(())
    }

    /// Removes the periods of one grade range of a year.
    pub async fn delete_period_scheme(
        &self,
        admin: &SchoolAdministrator,
        origin: &Origin,
        year_id: YearId,
        grade_from: i32,
        grade_to: i32,
    ) -> AppResult<()> {
        let year_id = year_id.get();
        let year = self.setup_year(admin, year_id).await?;
        let n = self
            .store
            .delete_periods(year_id, grade_from, grade_to)
            .await?;
        if n == 0 {
            return Err(AppError::NotFound(msg!("periods-scheme-unknown")));
        }
        self.audit_change(
            admin.actor(),
            OrganizationId::new(year.organization_id),
            origin,
            "period.delete",
            format!("year:{year_id}"),
            format!("Удалены периоды {grade_from}–{grade_to} классов ({n})"),
        )
        .await;
        self.catch_up().await;
        Ok(())
    }

    /// Adds a holiday inside the year.
    pub async fn add_holiday(
        &self,
        admin: &SchoolAdministrator,
        origin: &Origin,
        year_id: YearId,
        input: &HolidayInput,
    ) -> FormResult<i64> {
        let year_id = year_id.get();
        let year = self.setup_year(admin, year_id).await?;
        let mut errors = FieldErrors::default();
        let name = required(&mut errors, "holiday_name", &input.name, 100);
        let start = date_field(&mut errors, "holiday_start", &input.start);
        let end = date_field(&mut errors, "holiday_end", &input.end);
        if let (Some(a), Some(b)) = (start, end) {
            if b < a {
                errors.add("holiday_end", msg!("date-end-before-start"));
            } else if a < year.start_date || b > year.end_date {
                errors.add("holiday_start", msg!("holiday-outside-year"));
            }
        }
        let (Some(a), Some(b), true) = (start, end, errors.is_empty()) else {
            return Err(FormError::Invalid(errors));
        };
        let id = self.store.add_holiday(year_id, &name, a, b).await?;
        self.catch_up().await;
        self.audit_change(
            admin.actor(),
            OrganizationId::new(year.organization_id),
            origin,
            "holiday.create",
            format!("holiday:{id}"),
            format!("{name}: {} — {} ({})", day(a), day(b), year.name),
        )
        .await;
        Ok(id)
    }

    /// Removes a holiday.
    pub async fn delete_holiday(
        &self,
        admin: &SchoolAdministrator,
        origin: &Origin,
        year_id: YearId,
        holiday_id: HolidayId,
    ) -> AppResult<()> {
        let year_id = year_id.get();
        let holiday_id = holiday_id.get();
        let year = self.setup_year(admin, year_id).await?;
        let deleted = self.store.delete_holiday(year_id, holiday_id).await?;
        self.catch_up().await;
        if !deleted {
            return Err(AppError::NotFound(msg!("holiday-not-found")));
        }
        self.audit_change(
            admin.actor(),
            OrganizationId::new(year.organization_id),
            origin,
            "holiday.delete",
            format!("holiday:{holiday_id}"),
            format!("Удалены каникулы ({})", year.name),
        )
        .await;
        Ok(())
    }
}
