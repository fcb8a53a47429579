//! Creating and editing a person with their account.

use super::*;

impl App {
    /// A free login for the name in the organization: the suggestion, else with 2, 3, ….
    pub async fn free_login(
        &self,
        organization_id: OrganizationId,
        last: &str,
        first: &str,
        middle: &str,
    ) -> AppResult<String> {
        let base = sgo_core::login::suggest_login(last, first, middle);
        for n in 1..10_000u32 {
            let login = if n == 1 {
                base.clone()
            } else {
                format!("{base}{n}")
            };
            if !self
                .store
                .login_taken(organization_id.get(), &text::normalise(&login), None)
                .await?
            {
                return Ok(login);
            }
        }
        Err(AppError::BadRequest(msg!("people-login-suggestion-failed")))
    }

    /// The first day of a new student in a class: today when left empty, otherwise a day of the
    /// class's school year no later than today, so the diary never starts in the future.
    async fn enrolment_date(
        &self,
        org: OrganizationId,
        year_id: i64,
        typed: &str,
        today: NaiveDate,
        errors: &mut FieldErrors,
    ) -> AppResult<NaiveDate> {
        if typed.trim().is_empty() {
            return Ok(today);
        }
        let Some(day) = parse_date(typed) else {
            errors.add("class_from", msg!("people-date-format"));
            return Ok(today);
        };
        let years = self.store.years(org.get()).await?;
        let start = years
            .iter()
            .find(|y| y.id == year_id)
            .map_or(day, |y| y.start_date);
        if day > today {
            errors.add("class_from", msg!("people-class-date-future"));
        } else if day < start {
            errors.add(
                "class_from",
                msg!(
                    "people-class-date-before-year",
                    date = start.format("%d.%m.%Y").to_string()
                ),
            );
        }
        Ok(day)
    }

    /// Creates a person with an account in the actor's school, with roles, a class for a
    /// student and children for a parent; returns the new account.
    pub async fn create_person(
        &self,
        admin: &SchoolAdministrator,
        origin: &Origin,
        input: &PersonInput,
    ) -> Result<AccountId, FormError> {
        let org = admin.home();
        administered(admin, org)?;
        let today = self.clock.today();
        let mut errors = FieldErrors::default();
        let checked = check_person(input, today, &mut errors);
        let everyone = self.everyone(org).await?;
        let mut class_label = None;
        let mut class_from = today;
        if checked.roles.contains(&Role::Student) {
            match checked.class_id {
                None if errors.get("class_id").is_none() => {
                    errors.add("class_id", msg!("people-student-class-required"))
                }
                None => {}
                Some(id) => match self.store.people_class(id).await? {
                    Some(c) if c.organization_id == org.get() => {
                        class_label = Some(class_name(c.grade, &c.letter));
                        class_from = self
                            .enrolment_date(
                                org,
                                c.academic_year_id,
                                &input.class_from,
                                today,
                                &mut errors,
                            )
                            .await?;
                    }
                    _ => errors.add("class_id", msg!("class-not-in-list")),
                },
            }
        } else if checked.class_id.is_some() {
            errors.add("class_id", msg!("people-class-only-for-student"));
        }
        if !checked.roles.contains(&Role::Student) && !input.class_from.trim().is_empty() {
            errors.add("class_from", msg!("people-class-date-only-for-student"));
        }
        let mut children = input.children.clone();
        children.sort_unstable();
        children.dedup();
        if !children.is_empty() {
            if !checked.roles.contains(&Role::Parent) {
                errors.add("children", msg!("people-children-only-for-parent"));
            } else if children.iter().any(|c| {
                !everyone
                    .get(*c)
                    .is_some_and(|r| r.roles.contains(&Role::Student))
            }) {
                errors.add("children", msg!("people-children-not-in-list"));
            }
        }
        if let Some(login) = &checked.login
            && self
                .store
                .login_taken(org.get(), &text::normalise(login), None)
                .await?
        {
            errors.add("login", msg!("people-login-taken"));
        }
        errors.checked()?;
        let p = &checked.person;
        let login = match checked.login {
            Some(l) => l,
            None => {
                self.free_login(org, &p.last_name, &p.first_name, &p.middle_name)
                    .await?
            }
        };
        let display_name = checked
            .display_name
            .unwrap_or_else(|| default_display_name(p, &checked.roles));
        let new = NewPersonAccount {
            person: checked.person.clone(),
            organization_id: org.get(),
            login_norm: text::normalise(&login),
            login: login.clone(),
            display_name: display_name.clone(),
            roles: checked.roles.clone(),
            class_id: checked.class_id,
            class_from,
            children: children.iter().map(|c| c.get()).collect(),
            now: self.clock.now(),
        };
        let created = self.store.create_person_account(&new).await;
        self.catch_up().await;
        let id = match created {
            Ok(id) => id,
            Err(StoreError::Conflict(_)) => {
                let mut e = FieldErrors::default();
                e.add("login", msg!("people-login-taken"));
                return Err(FormError::Invalid(e));
            }
            Err(e) => return Err(e.into()),
        };
        let mut details = format!(
            "Создан пользователь {display_name} (имя пользователя {login}), роли: {}",
            roles_words(&checked.roles)
        );
        if let Some(c) = class_label {
            details.push_str(&format!("; класс {c} с {}", class_from.format("%d.%m.%Y")));
        }
        if !children.is_empty() {
            let names: Vec<String> = children
                .iter()
                .filter_map(|c| everyone.get(*c).map(|r| r.display_name.clone()))
                .collect();
            details.push_str(&format!("; дети: {}", names.join(", ")));
        }
        self.audit_change(
            admin.actor(),
            org,
            origin,
            "person.create",
            person_target(AccountId::new(id)),
            details,
        )
        .await;
        Ok(AccountId::new(id))
    }

    /// Loads an account the actor may act on, or says why not: another school's people are
    /// not found, within the school only the administration and the class teacher see them.
    pub(super) async fn reachable(
        &self,
        actor: &Actor,
        account: AccountId,
    ) -> AppResult<(PersonCardRecord, Scope)> {
        let record = self.person_record(account).await?;
        let org = record.organization_id;
        if org != actor.organization_id.get()
            && !policy::may_administer_school(actor, OrganizationId::new(org))
        {
            return Err(person_not_found());
        }
        let scope = self.people_scope(actor, OrganizationId::new(org)).await?;
        Ok((record, scope))
    }

    /// Loads an account a school administrator acts on. Another school's people are not found,
    /// as for everyone else, rather than forbidden.
    pub(super) async fn administered_person(
        &self,
        admin: &SchoolAdministrator,
        account: AccountId,
    ) -> AppResult<(PersonCardRecord, SchoolAdministration)> {
        let record = self.person_record(account).await?;
        let school = admin
            .school(OrganizationId::new(record.organization_id))
            .ok_or_else(person_not_found)?;
        Ok((record, school))
    }

    /// A person's card by account, or «not found».
    async fn person_record(&self, account: AccountId) -> AppResult<PersonCardRecord> {
        self.store
            .person_card(account.get())
            .await?
            .ok_or_else(person_not_found)
    }

    /// A person's card: fields, roles, class history and links.
    pub async fn person_card(&self, actor: &Actor, account: AccountId) -> AppResult<PersonCard> {
        let (record, scope) = self.reachable(actor, account).await?;
        let everyone = self
            .everyone(OrganizationId::new(record.organization_id))
            .await?;
        if !scope.administers && !everyone.led_ids(&scope.led).contains(&account) {
            return Err(AppError::Forbidden);
        }
        let row = everyone
            .get(account)
            .cloned()
            .ok_or_else(|| AppError::NotFound(msg!("user-not-found")))?;
        let history = self.store.class_history(account.get()).await?;
        let (mut link_students, mut link_parents) = (Vec::new(), Vec::new());
        if scope.administers {
            let linked: HashSet<i64> = row
                .children
                .iter()
                .chain(&row.parents)
                .map(|l| l.account_id.get())
                .collect();
            if row.roles.contains(&Role::Parent) {
                link_students = students_of(&everyone.rows)
                    .into_iter()
                    .filter(|s| s.account_id != account && !linked.contains(&s.account_id.get()))
                    .collect();
            }
            if row.roles.contains(&Role::Student) {
                link_parents = everyone
                    .rows
                    .iter()
                    .filter(|r| r.roles.contains(&Role::Parent))
                    .filter(|r| r.account_id != account && !linked.contains(&r.account_id.get()))
                    .map(|r| LinkedPerson {
                        account_id: r.account_id,
                        name: r.full_name.clone(),
                    })
                    .collect();
            }
        }
        Ok(PersonCard {
            record,
            row,
            history,
            may_edit: scope.administers,
            classes: scope.classes,
            link_students,
            link_parents,
        })
    }

    /// Edits a person (names, birth date, gender, SNILS) and their account (login, display
    /// name, roles, whether it may sign in). Class and children are changed by their own actions.
    pub async fn update_person(
        &self,
        admin: &SchoolAdministrator,
        origin: &Origin,
        account: AccountId,
        input: &PersonInput,
    ) -> Result<(), FormError> {
        let (old, _) = self.administered_person(admin, account).await?;
        let org = old.organization_id;
        let mut errors = FieldErrors::default();
        let checked = check_person(input, self.clock.today(), &mut errors);
        let login = match &checked.login {
            Some(l) => l.clone(),
            None => {
                if errors.get("login").is_none() {
                    errors.add("login", msg!("people-login-required"));
                }
                String::new()
            }
        };
        if !login.is_empty()
            && self
                .store
                .login_taken(org, &text::normalise(&login), Some(account.get()))
                .await?
        {
            errors.add("login", msg!("people-login-taken"));
        }
        let old_roles = self.store.account_roles(account.get()).await?;
        if account == admin.actor().account_id {
            if !input.active {
                errors.add("active", msg!("people-cannot-deactivate-self"));
            }
            if policy::drops_own_administration(&old_roles, &checked.roles) {
                errors.add("roles", msg!("people-cannot-drop-own-administration"));
            }
        }
        // Roles the school does not give (region roles) stay as they were.
        let mut roles: Vec<Role> = old_roles
            .iter()
            .copied()
            .filter(|r| !ASSIGNABLE_ROLES.contains(r))
            .chain(checked.roles.iter().copied())
            .collect();
        roles.sort();
        roles.dedup();
        errors.checked()?;
        let display_name = checked
            .display_name
            .clone()
            .unwrap_or_else(|| default_display_name(&checked.person, &checked.roles));
        let p = &checked.person;
        let mut changes = Vec::new();
        let mut note = |what: &str, from: &str, to: &str| {
            if from != to {
                changes.push(format!("{what}: {from} → {to}"));
            }
        };
        note("фамилия", &old.last_name, &p.last_name);
        note("имя", &old.first_name, &p.first_name);
        note("отчество", &old.middle_name, &p.middle_name);
        let date = |d: Option<NaiveDate>| {
            d.map(|d| d.format("%d.%m.%Y").to_string())
                .unwrap_or("—".into())
        };
        note("дата рождения", &date(old.birth_date), &date(p.birth_date));
        note("пол", opt_text(&old.gender), opt_text(&p.gender));
        note("СНИЛС", opt_text(&old.snils), opt_text(&p.snils));
        note("имя пользователя", &old.login, &login);
        note("отображаемое имя", &old.display_name, &display_name);
        note("роли", &roles_words(&old_roles), &roles_words(&roles));
        let standing = |a: bool| {
            if a {
                "активна"
            } else {
                "отключена"
            }
        };
        note(
            "учётная запись",
            standing(old.active),
            standing(input.active),
        );
        if changes.is_empty() {
            return Ok(());
        }
        self.store.update_person(old.person_id, p).await?;
        let fields = AccountFields {
            login_norm: text::normalise(&login),
            login,
            display_name,
            active: input.active,
        };
        let updated = self.store.update_account(account.get(), &fields).await;
        self.catch_up().await;
        match updated {
            Ok(_) => {}
            Err(StoreError::Conflict(_)) => {
                let mut e = FieldErrors::default();
                e.add("login", msg!("people-login-taken"));
                return Err(FormError::Invalid(e));
            }
            Err(e) => return Err(e.into()),
        }
        if roles != old_roles {
            self.store.set_account_roles(account.get(), &roles).await?;
        }
        // A switched-off account or a role taken away must not live on in open sessions.
        let lost_role = sgo_core::policy::role_change_ends_sessions(&old_roles, &roles);
        if (old.active && !input.active) || lost_role {
            let ended = self.end_account_sessions(account.get()).await?;
            if ended > 0 {
                changes.push(format!("завершено сеансов: {ended}"));
            }
        } else if roles != old_roles {
            self.catch_up().await;
        }
        self.audit_change(
            admin.actor(),
            OrganizationId::new(org),
            origin,
            "person.update",
            person_target(account),
            changes.join("; "),
        )
        .await;
        Ok(())
    }
}

/// The answer for a person outside the actor's reach: the same as for one who does not exist.
fn person_not_found() -> AppError {
    AppError::NotFound(msg!("user-not-found"))
}
