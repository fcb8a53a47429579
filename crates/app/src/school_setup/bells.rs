//! The bell schedule of the school, per shift.

use super::*;

impl App {
    /// The school's bells (empty when it has no bell schedule yet).
    pub async fn setup_bells(
        &self,
        admin: &SchoolAdministrator,
        org: OrganizationId,
    ) -> AppResult<Vec<BellRecord>> {
        self.setup_school(admin, org).await?;
        Ok(match self.store.bell_schedule(org.get()).await? {
            Some(s) => self.store.bells(s.id).await?,
            None => Vec::new(),
        })
    }

    /// Replaces the bells of a shift; rows are (number, start, end) with both times empty for none.
    pub async fn save_bells(
        &self,
        admin: &SchoolAdministrator,
        origin: &Origin,
        org: OrganizationId,
        shift: &str,
        rows: &[(i32, String, String)],
    ) -> FormResult<()> {
        self.setup_school(admin, org).await?;
        let mut errors = FieldErrors::default();
        let Some(shift) = shift
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|s| matches!(s, 1 | 2))
        else {
            errors.add("shift", msg!("class-shift-invalid"));
            return Err(FormError::Invalid(errors));
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
                _ => errors.add(field, msg!("bell-times-invalid")),
            }
        }
        for (number, message) in schedule::check_bells(&bells) {
            errors.add(format!("bell_{shift}_{number}"), message);
        }
        errors.checked()?;
        let schedule_id = match self.store.bell_schedule(org.get()).await? {
            Some(s) => s.id,
            None => {
                self.store
                    .create_bell_schedule(org.get(), "Основное расписание")
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
        self.catch_up().await;
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
        self.audit_change(
            admin.actor(),
            org,
            origin,
            "bells.update",
            format!("bell_schedule:{schedule_id}"),
            format!("Звонки {shift} смены: {list}"),
        )
        .await;
        Ok(())
    }

    pub(super) async fn shift_bells(
        &self,
        org: OrganizationId,
        shift: i32,
    ) -> AppResult<Vec<BellRecord>> {
        Ok(match self.store.bell_schedule(org.get()).await? {
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
}
