//! Subjects and the curriculum: subject groups with teachers and hours.

use super::*;

impl App {
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
}
