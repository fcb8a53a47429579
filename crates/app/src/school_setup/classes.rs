//! Classes, subgroups and who teaches them.

use super::*;
use sgo_core::{ClassId, SubgroupId, YearId};

impl App {
    /// Classes of a year.
    pub async fn setup_classes(
        &self,
        admin: &SchoolAdministrator,
        year_id: YearId,
    ) -> AppResult<Vec<ClassRecord>> {
        let year_id = year_id.get();
        self.setup_year(admin, year_id).await?;
        Ok(self.store.classes(year_id).await?)
    }

    /// Teachers of a school (accounts with the teacher role), for selects.
    pub async fn setup_teachers(
        &self,
        admin: &SchoolAdministrator,
        org: OrganizationId,
    ) -> AppResult<Vec<NamedRecord>> {
        self.setup_school(admin, org).await?;
        Ok(self.store.school_teachers(org.get()).await?)
    }

    pub(super) async fn class_fields(
        &self,
        org: OrganizationId,
        input: &ClassInput,
        errors: &mut FieldErrors,
    ) -> AppResult<Option<ClassFields>> {
        let grade = input.grade.trim().parse::<i32>().ok();
        if !grade.is_some_and(|g| schedule::GRADES.contains(&g)) {
            errors.add("grade", msg!("class-grade-invalid"));
        }
        let letter = schedule::class_letter(&input.letter);
        if letter.is_none() {
            errors.add("letter", msg!("class-letter-invalid"));
        }
        let profile = text_field(errors, "profile", &input.profile, 100);
        let room = text_field(errors, "room", &input.room, 20);
        let shift = input.shift.trim().parse::<i32>().ok();
        if !matches!(shift, Some(1 | 2)) {
            errors.add("shift", msg!("class-shift-invalid"));
        }
        let teacher = match input.teacher.trim() {
            "" => None,
            t => match t.parse::<i64>() {
                Ok(id)
                    if self
                        .store
                        .school_teachers(org.get())
                        .await?
                        .iter()
                        .any(|a| a.id == id) =>
                {
                    Some(id)
                }
                _ => {
                    errors.add("teacher", msg!("teacher-not-of-school"));
                    None
                }
            },
        };
        Ok(match (grade, letter, shift, errors.is_empty()) {
            (Some(grade), Some(letter), Some(shift), true) => Some(ClassFields {
                grade,
                letter,
                profile,
                room,
                shift,
                teacher_account_id: teacher,
            }),
            _ => None,
        })
    }

    /// Creates a class of a year with its class teacher.
    pub async fn create_class(
        &self,
        admin: &SchoolAdministrator,
        origin: &Origin,
        year_id: YearId,
        input: &ClassInput,
    ) -> FormResult<i64> {
        let year_id = year_id.get();
        let year = self.setup_year(admin, year_id).await?;
        let org = year.organization_id;
        let mut errors = FieldErrors::default();
        let Some(fields) = self
            .class_fields(OrganizationId::new(org), input, &mut errors)
            .await?
        else {
            return Err(FormError::Invalid(errors));
        };
        let created = self.store.create_class(org, year_id, &fields).await;
        self.catch_up().await;
        let id = match created {
            Ok(id) => id,
            Err(StoreError::Conflict(_)) => {
                errors.add("letter", msg!("class-exists"));
                return Err(FormError::Invalid(errors));
            }
            Err(e) => return Err(e.into()),
        };
        self.audit_change(
            admin.actor(),
            OrganizationId::new(org),
            origin,
            "class.create",
            format!("class:{id}"),
            format!(
                "Класс {}{} ({}), кабинет «{}», смена {}, классный руководитель: {}",
                fields.grade,
                fields.letter,
                year.name,
                fields.room,
                fields.shift,
                self.teacher_label(fields.teacher_account_id).await?
            ),
        )
        .await;
        Ok(id)
    }

    pub(super) async fn teacher_label(&self, id: Option<i64>) -> AppResult<String> {
        Ok(match id {
            None => "нет".into(),
            Some(id) => self
                .store
                .account(id)
                .await?
                .map(|a| a.display_name)
                .unwrap_or_else(|| format!("#{id}")),
        })
    }

    /// Changes a class and its class teacher.
    pub async fn update_class(
        &self,
        admin: &SchoolAdministrator,
        origin: &Origin,
        class_id: ClassId,
        input: &ClassInput,
    ) -> FormResult<()> {
        let class_id = class_id.get();
        let old = self.setup_class(admin, class_id).await?;
        let mut errors = FieldErrors::default();
        let Some(fields) = self
            .class_fields(OrganizationId::new(old.organization_id), input, &mut errors)
            .await?
        else {
            return Err(FormError::Invalid(errors));
        };
        // The timetable and its lessons are laid out on the bells of the old shift.
        if fields.shift != old.shift
            && self
                .store
                .class_timetable_from(class_id, self.today())
                .await?
                > 0
        {
            errors.add(
                "shift",
                msg!("class-shift-locked-by-timetable", date = day(self.today())),
            );
            return Err(FormError::Invalid(errors));
        }
        let updated = self.store.update_class(class_id, &fields).await;
        self.catch_up().await;
        match updated {
            Ok(()) => {}
            Err(StoreError::Conflict(_)) => {
                errors.add("letter", msg!("class-exists"));
                return Err(FormError::Invalid(errors));
            }
            Err(e) => return Err(e.into()),
        }
        // Group names carry the class name («5А/Математика»): they follow a renamed class.
        let renamed = ClassRecord {
            grade: fields.grade,
            letter: fields.letter.clone(),
            ..old.clone()
        };
        if class_name(&renamed) != class_name(&old) {
            let names: Vec<(i64, String)> = self
                .store
                .subject_groups(class_id)
                .await?
                .iter()
                .map(|g| {
                    let name = group_name(&renamed, &g.subject_name, g.subgroup_name.as_deref());
                    (g.id, name)
                })
                .collect();
            self.store.rename_class_groups(class_id, &names).await?;
            self.catch_up().await;
        }
        let mut changes = Vec::new();
        let mut note = |what: &str, a: String, b: String| {
            if a != b {
                changes.push(format!("{what}: {a} → {b}"));
            }
        };
        note(
            "класс",
            class_name(&old),
            format!("{}{}", fields.grade, fields.letter),
        );
        note("профиль", old.profile.clone(), fields.profile.clone());
        note("кабинет", old.room.clone(), fields.room.clone());
        note("смена", old.shift.to_string(), fields.shift.to_string());
        if old.teacher_account_id != fields.teacher_account_id {
            changes.push(format!(
                "классный руководитель: {} → {}",
                old.teacher_name.clone().unwrap_or_else(|| "нет".into()),
                self.teacher_label(fields.teacher_account_id).await?
            ));
        }
        if !changes.is_empty() {
            self.audit_change(
                admin.actor(),
                OrganizationId::new(old.organization_id),
                origin,
                "class.update",
                format!("class:{class_id}"),
                changes.join("; "),
            )
            .await;
        }
        Ok(())
    }

    /// A class with its students, subgroups and curriculum, and the school's subjects and teachers.
    pub async fn class_setup(
        &self,
        admin: &SchoolAdministrator,
        class_id: ClassId,
    ) -> AppResult<ClassSetup> {
        let class_id = class_id.get();
        let class = self.setup_class(admin, class_id).await?;
        let year = self.setup_year(admin, class.academic_year_id).await?;
        let teachers_of = self.store.group_teachers(class_id).await?;
        let groups = self
            .store
            .subject_groups(class_id)
            .await?
            .into_iter()
            .map(|g| GroupView {
                teachers: teachers_of
                    .iter()
                    .filter(|t| t.subject_group_id == g.id)
                    .cloned()
                    .collect(),
                group: g,
            })
            .collect();
        Ok(ClassSetup {
            members: self.store.class_members(class_id, self.today()).await?,
            subgroups: self.store.subgroups(class_id).await?,
            groups,
            subjects: self.store.subjects(class.organization_id).await?,
            teachers: self.store.school_teachers(class.organization_id).await?,
            year: year.into(),
            class,
        })
    }

    /// Creates a subgroup of a class with some of its current students.
    pub async fn create_subgroup(
        &self,
        admin: &SchoolAdministrator,
        origin: &Origin,
        class_id: ClassId,
        name: &str,
        students: &[String],
    ) -> FormResult<i64> {
        let class_id = class_id.get();
        let class = self.setup_class(admin, class_id).await?;
        let mut errors = FieldErrors::default();
        let name = required(&mut errors, "subgroup_name", name, 60);
        let members: HashSet<i64> = self
            .store
            .class_members(class_id, self.today())
            .await?
            .iter()
            .map(|m| m.id)
            .collect();
        let chosen = chosen_students(&mut errors, &members, students);
        if self
            .store
            .subgroups(class_id)
            .await?
            .iter()
            .any(|g| text::normalise(&g.name) == text::normalise(&name))
        {
            errors.add("subgroup_name", msg!("subgroup-exists"));
        }
        errors.checked()?;
        let id = self.store.create_subgroup(class_id, &name, &chosen).await?;
        self.audit_change(
            admin.actor(),
            OrganizationId::new(class.organization_id),
            origin,
            "subgroup.create",
            format!("subgroup:{id}"),
            format!(
                "{}: подгруппа «{name}», учеников: {}",
                class_name(&class),
                chosen.len()
            ),
        )
        .await;
        self.catch_up().await;
        Ok(id)
    }

    /// Removes a class that never had students and has no lessons, with its subgroups,
    /// curriculum and timetable; returns its year.
    pub async fn delete_class(
        &self,
        admin: &SchoolAdministrator,
        origin: &Origin,
        class_id: ClassId,
    ) -> FormResult<i64> {
        let class_id = class_id.get();
        let class = self.setup_class(admin, class_id).await?;
        let mut errors = FieldErrors::default();
        let (students, lessons) = self.store.class_usage(class_id).await?;
        let deleted = if students == 0 && lessons == 0 {
            let deleted = self.store.delete_class(class_id).await;
            self.catch_up().await;
            match deleted {
                Ok(done) => done,
                // Something of another section (e.g. a journal record) still points at it.
                Err(StoreError::Conflict(_)) => false,
                Err(e) => return Err(e.into()),
            }
        } else {
            false
        };
        if !deleted {
            let message = if students > 0 || lessons > 0 {
                msg!(
                    "class-delete-has-history",
                    students = students,
                    lessons = lessons
                )
            } else {
                msg!("class-delete-referenced")
            };
            errors.add("delete", message);
            return Err(FormError::Invalid(errors));
        }
        self.audit_change(
            admin.actor(),
            OrganizationId::new(class.organization_id),
            origin,
            "class.delete",
            format!("class:{class_id}"),
            format!("Удалён класс {}", class_name(&class)),
        )
        .await;
        Ok(class.academic_year_id)
    }

    /// A subgroup with its class's current students and the subject groups using it.
    pub async fn subgroup_setup(
        &self,
        admin: &SchoolAdministrator,
        subgroup_id: SubgroupId,
    ) -> AppResult<SubgroupSetup> {
        let subgroup_id = subgroup_id.get();
        let subgroup = self
            .store
            .subgroup(subgroup_id)
            .await?
            .ok_or_else(|| AppError::NotFound(msg!("subgroup-not-found")))?;
        let class = self.setup_class(admin, subgroup.class_id).await?;
        Ok(SubgroupSetup {
            members: self.store.class_members(class.id, self.today()).await?,
            chosen: self.store.subgroup_students(subgroup_id).await?,
            groups: self.store.subject_groups_of_subgroup(subgroup_id).await?,
            subgroup,
            class,
        })
    }

    /// Renames a subgroup and sets which current students of the class are in it. Students who
    /// have left the class stay in it, so that their past lessons keep their place.
    pub async fn update_subgroup(
        &self,
        admin: &SchoolAdministrator,
        origin: &Origin,
        subgroup_id: SubgroupId,
        name: &str,
        students: &[String],
    ) -> FormResult<i64> {
        let subgroup_id = subgroup_id.get();
        let setup = self
            .subgroup_setup(admin, SubgroupId::new(subgroup_id))
            .await?;
        let class = &setup.class;
        let old = &setup.subgroup;
        let mut errors = FieldErrors::default();
        let name = required(&mut errors, "subgroup_name", name, 60);
        let members: HashSet<i64> = setup.members.iter().map(|m| m.id).collect();
        let chosen = chosen_students(&mut errors, &members, students);
        if self
            .store
            .subgroups(class.id)
            .await?
            .iter()
            .any(|g| g.id != subgroup_id && text::normalise(&g.name) == text::normalise(&name))
        {
            errors.add("subgroup_name", msg!("subgroup-exists"));
        }
        errors.checked()?;
        let former: Vec<i64> = setup
            .chosen
            .iter()
            .copied()
            .filter(|id| !members.contains(id))
            .collect();
        let mut all = chosen.clone();
        all.extend(&former);
        let renamed: Vec<(i64, String)> = if old.name == name {
            Vec::new()
        } else {
            setup
                .groups
                .iter()
                .map(|g| (g.id, group_name(class, &g.subject_name, Some(&name))))
                .collect()
        };
        self.store
            .update_subgroup(subgroup_id, &name, &all, &renamed)
            .await?;
        let mut changes = Vec::new();
        if old.name != name {
            changes.push(format!("название: {} → {name}", old.name));
        }
        let before: HashSet<i64> = setup.chosen.iter().copied().collect();
        let after: HashSet<i64> = all.iter().copied().collect();
        let label = |ids: Vec<i64>| {
            let mut names: Vec<&str> = setup
                .members
                .iter()
                .filter(|m| ids.contains(&m.id))
                .map(|m| m.name.as_str())
                .collect();
            names.sort_unstable();
            names.join(", ")
        };
        let added: Vec<i64> = after.difference(&before).copied().collect();
        let removed: Vec<i64> = before.difference(&after).copied().collect();
        if !added.is_empty() {
            changes.push(format!("добавлены: {}", label(added)));
        }
        if !removed.is_empty() {
            changes.push(format!("исключены: {}", label(removed)));
        }
        if !changes.is_empty() {
            self.audit_change(
                admin.actor(),
                OrganizationId::new(class.organization_id),
                origin,
                "subgroup.update",
                format!("subgroup:{subgroup_id}"),
                format!(
                    "{}: подгруппа «{}»: {}",
                    class_name(class),
                    old.name,
                    changes.join("; ")
                ),
            )
            .await;
            self.catch_up().await;
        }
        Ok(class.id)
    }

    /// Removes a subgroup no subject group uses; returns its class.
    pub async fn delete_subgroup(
        &self,
        admin: &SchoolAdministrator,
        origin: &Origin,
        subgroup_id: SubgroupId,
    ) -> FormResult<i64> {
        let subgroup_id = subgroup_id.get();
        let setup = self
            .subgroup_setup(admin, SubgroupId::new(subgroup_id))
            .await?;
        let mut errors = FieldErrors::default();
        let used = setup.groups.len();
        if used > 0 || !self.store.delete_subgroup(subgroup_id).await? {
            let used = if used > 0 {
                used
            } else {
                self.store
                    .subject_groups_of_subgroup(subgroup_id)
                    .await?
                    .len()
            };
            errors.add("delete", msg!("subgroup-in-use", groups = used));
            return Err(FormError::Invalid(errors));
        }
        self.audit_change(
            admin.actor(),
            OrganizationId::new(setup.class.organization_id),
            origin,
            "subgroup.delete",
            format!("subgroup:{subgroup_id}"),
            format!(
                "{}: удалена подгруппа «{}»",
                class_name(&setup.class),
                setup.subgroup.name
            ),
        )
        .await;
        self.catch_up().await;
        Ok(setup.class.id)
    }
}

/// The students ticked for a subgroup, once each; a number that is not of the class is a
/// field error.
fn chosen_students(
    errors: &mut FieldErrors,
    members: &HashSet<i64>,
    ticked: &[String],
) -> Vec<i64> {
    let mut chosen = Vec::new();
    for s in ticked {
        match s.trim().parse::<i64>() {
            Ok(id) if members.contains(&id) => {
                if !chosen.contains(&id) {
                    chosen.push(id);
                }
            }
            _ => {
                errors.add("students", msg!("subgroup-students-not-of-class"));
                break;
            }
        }
    }
    chosen
}
