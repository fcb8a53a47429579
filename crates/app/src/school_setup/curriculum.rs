//! Subjects and the curriculum: subject groups with teachers and hours.

use super::*;
use sgo_core::{ClassId, GroupId, SubjectId};

/// Teacher ids chosen in a form: teachers of the school, or ones the group already has.
fn pick_teachers(
    errors: &mut FieldErrors,
    chosen: &[String],
    school_teachers: &[NamedRecord],
    current: &[i64],
) -> Vec<i64> {
    let mut teachers = Vec::new();
    for t in chosen {
        match t.trim().parse::<i64>() {
            Ok(id) if school_teachers.iter().any(|a| a.id == id) || current.contains(&id) => {
                if !teachers.contains(&id) {
                    teachers.push(id);
                }
            }
            _ => {
                errors.add("teachers", msg!("curriculum-teachers-not-of-school"));
                break;
            }
        }
    }
    if teachers.is_empty() && errors.get("teachers").is_none() {
        errors.add("teachers", msg!("curriculum-teacher-required"));
    }
    teachers
}

fn hours_field(errors: &mut FieldErrors, value: &str) -> Option<i32> {
    let hours = value.trim().parse::<i32>().ok();
    if !hours.is_some_and(|h| (1..=40).contains(&h)) {
        errors.add("hours", msg!("curriculum-hours-invalid"));
    }
    hours
}

impl App {
    /// Subjects of a school.
    pub async fn setup_subjects(
        &self,
        admin: &SchoolAdministrator,
        org: OrganizationId,
    ) -> AppResult<Vec<SubjectRecord>> {
        self.setup_school(admin, org).await?;
        Ok(self.store.subjects(org.get()).await?)
    }

    /// Creates a subject; its name is unique in the school.
    pub async fn create_subject(
        &self,
        admin: &SchoolAdministrator,
        origin: &Origin,
        org: OrganizationId,
        name: &str,
        short_name: &str,
    ) -> FormResult<i64> {
        self.setup_school(admin, org).await?;
        let mut errors = FieldErrors::default();
        let name = required(&mut errors, "subject_name", name, 100);
        let short = text_field(&mut errors, "short_name", short_name, 30);
        if self
            .store
            .subjects(org.get())
            .await?
            .iter()
            .any(|s| text::normalise(&s.name) == text::normalise(&name))
        {
            errors.add("subject_name", msg!("subject-exists"));
        }
        errors.checked()?;
        let short = short_or_full(short, &name);
        let id = self.store.create_subject(org.get(), &name, &short).await?;
        self.catch_up().await;
        self.audit_change(
            admin.actor(),
            org,
            origin,
            "subject.create",
            format!("subject:{id}"),
            format!("Предмет «{name}» ({short})"),
        )
        .await;
        Ok(id)
    }

    /// A subject with the subject groups that use it.
    pub async fn subject_setup(
        &self,
        admin: &SchoolAdministrator,
        subject_id: SubjectId,
    ) -> AppResult<SubjectSetup> {
        let subject_id = subject_id.get();
        let subject = self
            .store
            .subject(subject_id)
            .await?
            .ok_or_else(|| not_found(msg!("subject-not-found")))?;
        administered(admin, OrganizationId::new(subject.organization_id))?;
        Ok(SubjectSetup {
            groups: self.store.subject_groups_of_subject(subject_id).await?,
            subject,
        })
    }

    /// Renames a subject (its name stays unique in the school) and the subject groups named after it.
    pub async fn update_subject(
        &self,
        admin: &SchoolAdministrator,
        origin: &Origin,
        subject_id: SubjectId,
        name: &str,
        short_name: &str,
    ) -> FormResult<()> {
        let subject_id = subject_id.get();
        let setup = self
            .subject_setup(admin, SubjectId::new(subject_id))
            .await?;
        let old = &setup.subject;
        let org = old.organization_id;
        let mut errors = FieldErrors::default();
        let name = required(&mut errors, "subject_name", name, 100);
        let short = text_field(&mut errors, "short_name", short_name, 30);
        if self
            .store
            .subjects(org)
            .await?
            .iter()
            .any(|s| s.id != subject_id && text::normalise(&s.name) == text::normalise(&name))
        {
            errors.add("subject_name", msg!("subject-exists"));
        }
        errors.checked()?;
        let short = short_or_full(short, &name);
        let mut renamed = Vec::new();
        if old.name != name {
            for g in &setup.groups {
                if let Some(class) = self.store.class(g.class_id).await? {
                    renamed.push((g.id, group_name(&class, &name, g.subgroup_name.as_deref())));
                }
            }
        }
        self.store
            .update_subject(subject_id, &name, &short, &renamed)
            .await?;
        let mut changes = Vec::new();
        if old.name != name {
            changes.push(format!("название: {} → {name}", old.name));
        }
        if old.short_name != short {
            changes.push(format!("сокращение: {} → {short}", old.short_name));
        }
        if !changes.is_empty() {
            self.audit_change(
                admin.actor(),
                OrganizationId::new(org),
                origin,
                "subject.update",
                format!("subject:{subject_id}"),
                format!("Предмет «{}»: {}", old.name, changes.join("; ")),
            )
            .await;
            self.catch_up().await;
        }
        Ok(())
    }

    /// Removes a subject no subject group uses; returns its school.
    pub async fn delete_subject(
        &self,
        admin: &SchoolAdministrator,
        origin: &Origin,
        subject_id: SubjectId,
    ) -> FormResult<OrganizationId> {
        let subject_id = subject_id.get();
        let setup = self
            .subject_setup(admin, SubjectId::new(subject_id))
            .await?;
        let subject = setup.subject;
        let mut errors = FieldErrors::default();
        let used = setup.groups.len();
        let deleted = used == 0 && self.store.delete_subject(subject_id).await?;
        self.catch_up().await;
        if !deleted {
            let used = if used > 0 {
                used
            } else {
                self.store
                    .subject_groups_of_subject(subject_id)
                    .await?
                    .len()
            };
            errors.add("delete", msg!("subject-in-use", groups = used));
            return Err(FormError::Invalid(errors));
        }
        self.audit_change(
            admin.actor(),
            OrganizationId::new(subject.organization_id),
            origin,
            "subject.delete",
            format!("subject:{subject_id}"),
            format!("Удалён предмет «{}» ({})", subject.name, subject.short_name),
        )
        .await;
        Ok(OrganizationId::new(subject.organization_id))
    }

    /// A subject group with its class, teachers and the school's teachers.
    pub async fn group_setup(
        &self,
        admin: &SchoolAdministrator,
        group_id: GroupId,
    ) -> AppResult<GroupSetup> {
        let group_id = group_id.get();
        let group = self.setup_group(admin, group_id).await?;
        let class = self.setup_class(admin, group.class_id).await?;
        Ok(GroupSetup {
            teachers: self
                .store
                .group_teachers(group.class_id)
                .await?
                .into_iter()
                .filter(|t| t.subject_group_id == group_id)
                .collect(),
            school_teachers: self.store.school_teachers(group.organization_id).await?,
            group,
            class,
        })
    }

    /// Changes a subject group's teachers and hours. When the main teacher (the lowest id, as when
    /// lessons are generated) changes, the group's scheduled lessons from today on that the old
    /// main teacher was to give go to the new one; past lessons and substitutions stay. Returns
    /// the class and how many lessons changed teacher.
    pub async fn update_subject_group(
        &self,
        admin: &SchoolAdministrator,
        origin: &Origin,
        group_id: GroupId,
        input: &GroupEdit,
    ) -> FormResult<(i64, u64)> {
        let group_id = group_id.get();
        let setup = self.group_setup(admin, GroupId::new(group_id)).await?;
        let group = &setup.group;
        let current: Vec<i64> = setup
            .teachers
            .iter()
            .map(|t| t.teacher_account_id)
            .collect();
        let mut errors = FieldErrors::default();
        let teachers = pick_teachers(
            &mut errors,
            &input.teachers,
            &setup.school_teachers,
            &current,
        );
        let hours = hours_field(&mut errors, &input.hours);
        let (Some(hours), true) = (hours, errors.is_empty()) else {
            return Err(FormError::Invalid(errors));
        };
        let old_main = current.iter().min().copied();
        let new_main = teachers.iter().min().copied();
        let moved = self
            .store
            .update_subject_group(
                group_id,
                &GroupChange {
                    hours_per_week: hours,
                    teachers: teachers.clone(),
                    lessons_from: self.today(),
                    old_teacher: old_main,
                    new_teacher: new_main,
                },
            )
            .await?;
        let mut changes = Vec::new();
        if group.hours_per_week != hours {
            changes.push(format!(
                "часов в неделю: {} → {hours}",
                group.hours_per_week
            ));
        }
        let mut sorted_old = current.clone();
        sorted_old.sort_unstable();
        let mut sorted_new = teachers.clone();
        sorted_new.sort_unstable();
        if sorted_old != sorted_new {
            let old_names = setup
                .teachers
                .iter()
                .map(|t| t.display_name.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            let new_names = setup
                .school_teachers
                .iter()
                .filter(|t| teachers.contains(&t.id))
                .map(|t| t.name.clone())
                .chain(
                    setup
                        .teachers
                        .iter()
                        .filter(|t| {
                            teachers.contains(&t.teacher_account_id)
                                && !setup
                                    .school_teachers
                                    .iter()
                                    .any(|s| s.id == t.teacher_account_id)
                        })
                        .map(|t| t.display_name.clone()),
                )
                .collect::<Vec<_>>()
                .join(", ");
            changes.push(format!("учителя: {old_names} → {new_names}"));
        }
        if moved > 0 {
            changes.push(format!(
                "уроков с {} передано новому учителю: {moved}",
                day(self.today())
            ));
        }
        if !changes.is_empty() {
            self.audit_change(
                admin.actor(),
                OrganizationId::new(group.organization_id),
                origin,
                "subject_group.update",
                format!("subject_group:{group_id}"),
                format!("{}: {}", group.name, changes.join("; ")),
            )
            .await;
            // The diary shows lessons' teachers; drop it whatever changed, it is cheap to rebuild.
            self.catch_up().await;
        }
        Ok((group.class_id, moved))
    }

    /// Adds a line of the curriculum: the class or a subgroup, a subject, teachers, hours.
    pub async fn create_subject_group(
        &self,
        admin: &SchoolAdministrator,
        origin: &Origin,
        class_id: ClassId,
        input: &GroupInput,
    ) -> FormResult<i64> {
        let class_id = class_id.get();
        let class = self.setup_class(admin, class_id).await?;
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
            errors.add("subject", msg!("curriculum-subject-required"));
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
                    errors.add("subgroup", msg!("curriculum-subgroup-not-of-class"));
                }
                found
            }
        };
        let school_teachers = self.store.school_teachers(org).await?;
        let teachers = pick_teachers(&mut errors, &input.teachers, &school_teachers, &[]);
        let hours = hours_field(&mut errors, &input.hours);
        let (Some(subject), Some(hours), true) = (subject, hours, errors.is_empty()) else {
            return Err(FormError::Invalid(errors));
        };
        let name = group_name(
            &class,
            &subject.name,
            subgroup.as_ref().map(|g| g.name.as_str()),
        );
        if self
            .store
            .subject_groups(class_id)
            .await?
            .iter()
            .any(|g| g.name == name)
        {
            errors.add("subject", msg!("curriculum-group-exists"));
            return Err(FormError::Invalid(errors));
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
        self.catch_up().await;
        let names = school_teachers
            .iter()
            .filter(|t| teachers.contains(&t.id))
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        self.audit_change(
            admin.actor(),
            OrganizationId::new(org),
            origin,
            "subject_group.create",
            format!("subject_group:{id}"),
            format!("{name}: {hours} ч в неделю, учителя: {names}"),
        )
        .await;
        Ok(id)
    }

    /// Removes a line of the curriculum that has no lessons yet.
    pub async fn delete_subject_group(
        &self,
        admin: &SchoolAdministrator,
        origin: &Origin,
        group_id: GroupId,
    ) -> AppResult<i64> {
        let group_id = group_id.get();
        let group = self.setup_group(admin, group_id).await?;
        let deleted = self.store.delete_subject_group(group_id).await?;
        self.catch_up().await;
        if !deleted {
            return Err(AppError::BadRequest(msg!("curriculum-group-has-lessons")));
        }
        self.audit_change(
            admin.actor(),
            OrganizationId::new(group.organization_id),
            origin,
            "subject_group.delete",
            format!("subject_group:{group_id}"),
            format!("Удалена группа {}", group.name),
        )
        .await;
        Ok(group.class_id)
    }
}

/// A subject's short name, or its full name when none was typed.
fn short_or_full(short: String, name: &str) -> String {
    if short.is_empty() {
        name.to_owned()
    } else {
        short
    }
}
