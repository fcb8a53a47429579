//! Parent ↔ student links and moving a student between classes.

use super::*;
use sgo_core::ClassId;

impl App {
    /// Both ends of a parent link, checked: same school as each other, parent and student roles.
    pub(super) async fn link_ends(
        &self,
        admin: &SchoolAdministrator,
        parent: AccountId,
        student: AccountId,
    ) -> AppResult<(OrganizationId, PersonRow, PersonRow)> {
        let (record, _) = self.administered_person(admin, parent).await?;
        let everyone = self
            .everyone(OrganizationId::new(record.organization_id))
            .await?;
        let p = everyone.get(parent).cloned();
        let s = everyone.get(student).cloned();
        match (p, s) {
            (Some(p), Some(s))
                if p.roles.contains(&Role::Parent) && s.roles.contains(&Role::Student) =>
            {
                Ok((OrganizationId::new(record.organization_id), p, s))
            }
            (Some(_), Some(_)) => Err(AppError::BadRequest(msg!("people-link-parent-and-student"))),
            _ => Err(AppError::NotFound(msg!("user-not-found"))),
        }
    }

    /// Links a parent to a student of the same school.
    pub async fn link_parent(
        &self,
        admin: &SchoolAdministrator,
        origin: &Origin,
        parent: AccountId,
        student: AccountId,
    ) -> AppResult<()> {
        let (org, p, s) = self.link_ends(admin, parent, student).await?;
        if p.children.iter().any(|c| c.account_id == student) {
            return Ok(());
        }
        self.store.link_parent(parent.get(), student.get()).await?;
        self.catch_up().await;
        let details = format!(
            "Связь: родитель {} — ученик {}",
            p.display_name, s.display_name
        );
        self.audit_change(
            admin.actor(),
            org,
            origin,
            "person.link",
            person_target(parent),
            details,
        )
        .await;
        Ok(())
    }

    /// Removes a parent ↔ student link.
    pub async fn unlink_parent(
        &self,
        admin: &SchoolAdministrator,
        origin: &Origin,
        parent: AccountId,
        student: AccountId,
    ) -> AppResult<()> {
        let (org, p, s) = self.link_ends(admin, parent, student).await?;
        let unlinked = self
            .store
            .unlink_parent(parent.get(), student.get())
            .await?;
        self.catch_up().await;
        if unlinked {
            let details = format!(
                "Связь снята: родитель {} — ученик {}",
                p.display_name, s.display_name
            );
            self.audit_change(
                admin.actor(),
                org,
                origin,
                "person.unlink",
                person_target(parent),
                details,
            )
            .await;
        }
        Ok(())
    }

    /// Moves a student to another class of the school from `from` (the stay so far ends the day
    /// before), or out of the school with `None`. The account stays as it is.
    pub async fn move_student(
        &self,
        admin: &SchoolAdministrator,
        origin: &Origin,
        student: AccountId,
        class_id: Option<ClassId>,
        from: NaiveDate,
    ) -> AppResult<()> {
        let class_id = class_id.map(ClassId::get);
        let (record, _) = self.administered_person(admin, student).await?;
        let org = record.organization_id;
        if !self
            .store
            .account_roles(student.get())
            .await?
            .contains(&Role::Student)
        {
            return Err(AppError::BadRequest(msg!("people-transfer-student-only")));
        }
        let history = self.store.class_history(student.get()).await?;
        let current = history
            .iter()
            .find(|h| h.from_date <= from && h.to_date.is_none_or(|t| t >= from));
        if let Some(latest) = history.first()
            && latest.from_date >= from
        {
            return Err(AppError::BadRequest(msg!(
                "people-transfer-date-too-early",
                date = latest.from_date.format("%d.%m.%Y").to_string()
            )));
        }
        let target = match class_id {
            Some(id) => match self.store.people_class(id).await? {
                Some(c) if c.organization_id == org => Some(c),
                _ => return Err(AppError::BadRequest(msg!("class-not-in-list"))),
            },
            None => None,
        };
        match (&target, current) {
            (Some(t), Some(c)) if t.id == c.class_id => {
                return Err(AppError::BadRequest(msg!("people-transfer-same-class")));
            }
            (None, None) => {
                return Err(AppError::BadRequest(msg!("people-not-in-class")));
            }
            _ => {}
        }
        self.store
            .move_student(student.get(), class_id, from)
            .await?;
        self.catch_up().await;
        let was = current
            .map(|c| class_name(c.grade, &c.letter))
            .unwrap_or_else(|| "—".into());
        let day = from.format("%d.%m.%Y");
        let details = match &target {
            Some(t) => format!("Класс: {was} → {} с {day}", class_name(t.grade, &t.letter)),
            None => format!("Выбыл из класса {was} с {day}"),
        };
        self.audit_change(
            admin.actor(),
            OrganizationId::new(org),
            origin,
            "student.move",
            person_target(student),
            details,
        )
        .await;
        Ok(())
    }
}
