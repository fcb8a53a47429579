//! Classes, subgroups and who teaches them.

use super::*;

impl App {
    /// Classes of a year.
    pub async fn setup_classes(&self, actor: &Actor, year_id: i64) -> AppResult<Vec<ClassRecord>> {
        self.setup_year(actor, year_id).await?;
        Ok(self.store.classes(year_id).await?)
    }

    /// Teachers of a school (accounts with the teacher role), for selects.
    pub async fn setup_teachers(
        &self,
        actor: &Actor,
        org: OrganizationId,
    ) -> AppResult<Vec<NamedRecord>> {
        self.setup_school(actor, org).await?;
        Ok(self.store.school_teachers(org).await?)
    }

    pub(super) async fn class_fields(
        &self,
        org: OrganizationId,
        input: &ClassInput,
        errors: &mut FieldErrors,
    ) -> AppResult<Option<ClassFields>> {
        let grade = input.grade.trim().parse::<i32>().ok();
        if !grade.is_some_and(|g| schedule::GRADES.contains(&g)) {
            errors.add("grade", "Параллель — число от 1 до 11");
        }
        let letter = schedule::class_letter(&input.letter);
        if letter.is_none() {
            errors.add("letter", "Буква класса — от одной до трёх русских букв");
        }
        let profile = text_field(errors, "profile", &input.profile, 100);
        let room = text_field(errors, "room", &input.room, 20);
        let shift = input.shift.trim().parse::<i32>().ok();
        if !matches!(shift, Some(1 | 2)) {
            errors.add("shift", "Смена — первая или вторая");
        }
        let teacher = match input.teacher.trim() {
            "" => None,
            t => match t.parse::<i64>() {
                Ok(id)
                    if self
                        .store
                        .school_teachers(org)
                        .await?
                        .iter()
                        .any(|a| a.id == id) =>
                {
                    Some(id)
                }
                _ => {
                    errors.add("teacher", "Выберите учителя этой школы");
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
        actor: &Actor,
        origin: &Origin,
        year_id: i64,
        input: &ClassInput,
    ) -> FormResult<i64> {
        let year = self.setup_year(actor, year_id).await?;
        let org = year.organization_id;
        let mut errors = FieldErrors::default();
        let Some(fields) = self.class_fields(org, input, &mut errors).await? else {
            return Ok(Err(errors));
        };
        let id = match self.store.create_class(org, year_id, &fields).await {
            Ok(id) => id,
            Err(StoreError::Conflict(_)) => {
                errors.add("letter", "Такой класс в этом году уже есть");
                return Ok(Err(errors));
            }
            Err(e) => return Err(e.into()),
        };
        self.record_change(
            actor,
            org,
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
        Ok(Ok(id))
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
        actor: &Actor,
        origin: &Origin,
        class_id: i64,
        input: &ClassInput,
    ) -> FormResult<()> {
        let old = self.setup_class(actor, class_id).await?;
        let mut errors = FieldErrors::default();
        let Some(fields) = self
            .class_fields(old.organization_id, input, &mut errors)
            .await?
        else {
            return Ok(Err(errors));
        };
        match self.store.update_class(class_id, &fields).await {
            Ok(()) => {}
            Err(StoreError::Conflict(_)) => {
                errors.add("letter", "Такой класс в этом году уже есть");
                return Ok(Err(errors));
            }
            Err(e) => return Err(e.into()),
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
            self.record_change(
                actor,
                old.organization_id,
                origin,
                "class.update",
                format!("class:{class_id}"),
                changes.join("; "),
            )
            .await;
        }
        Ok(Ok(()))
    }

    /// A class with its students, subgroups and curriculum, and the school's subjects and teachers.
    pub async fn class_setup(&self, actor: &Actor, class_id: i64) -> AppResult<ClassSetup> {
        let class = self.setup_class(actor, class_id).await?;
        let year = self
            .store
            .year(class.academic_year_id)
            .await?
            .ok_or_else(|| AppError::NotFound("Учебный год не найден".into()))?;
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
            year,
            class,
        })
    }

    /// Creates a subgroup of a class with some of its current students.
    pub async fn create_subgroup(
        &self,
        actor: &Actor,
        origin: &Origin,
        class_id: i64,
        name: &str,
        students: &[String],
    ) -> FormResult<i64> {
        let class = self.setup_class(actor, class_id).await?;
        let mut errors = FieldErrors::default();
        let name = required(&mut errors, "subgroup_name", name, 60);
        let members: HashSet<i64> = self
            .store
            .class_members(class_id, self.today())
            .await?
            .iter()
            .map(|m| m.id)
            .collect();
        let mut chosen = Vec::new();
        for s in students {
            match s.trim().parse::<i64>() {
                Ok(id) if members.contains(&id) => {
                    if !chosen.contains(&id) {
                        chosen.push(id);
                    }
                }
                _ => {
                    errors.add("students", "Можно выбрать только учеников этого класса");
                    break;
                }
            }
        }
        if self
            .store
            .subgroups(class_id)
            .await?
            .iter()
            .any(|g| text::normalise(&g.name) == text::normalise(&name))
        {
            errors.add("subgroup_name", "Такая подгруппа в классе уже есть");
        }
        if let Err(e) = into_result(errors.clone()) {
            return Ok(Err(e));
        }
        let id = self.store.create_subgroup(class_id, &name, &chosen).await?;
        self.record_change(
            actor,
            class.organization_id,
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
        self.diary_cache.forget_all();
        Ok(Ok(id))
    }
}
