//! People of a school: persons, accounts and roles, parent links, class membership.
//!
//! School administration sees and edits everyone of its school; a class teacher sees the
//! students of the classes they lead and those students' parents, read-only.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use sgo_core::person::{Gender, full_name, parse_snils};
use sgo_core::{AccountId, Actor, OrganizationId, Role, policy, text};
use sgo_store::{AccountFields, NewPersonAccount, PersonCardRecord, PersonFields, StoreError};

pub use sgo_store::ClassMembershipRecord;

use crate::{App, AppError, AppResult, Origin};

/// Roles a school gives its own people (the region's roles are given by the region).
pub const ASSIGNABLE_ROLES: [Role; 6] = [
    Role::Administrator,
    Role::DeputyHead,
    Role::Teacher,
    Role::Student,
    Role::Parent,
    Role::Staff,
];

/// Longest name part, login and display name accepted.
const MAX_NAME: usize = 100;
const MAX_LOGIN: usize = 64;

/// A class for selects and lists, named as people write it («5А»).
#[derive(Debug, Clone, PartialEq)]
pub struct ClassOption {
    /// The class.
    pub id: i64,
    /// «5А».
    pub name: String,
}

/// Another account shown next to a person: a child of a parent or a parent of a child.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkedPerson {
    /// The account.
    pub account_id: AccountId,
    /// Its display name.
    pub name: String,
}

/// A line of the user list.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonRow {
    /// The account.
    pub account_id: AccountId,
    /// «Фамилия Имя Отчество».
    pub full_name: String,
    /// The name shown on screen.
    pub display_name: String,
    /// The login.
    pub login: String,
    /// Roles, in display order.
    pub roles: Vec<Role>,
    /// The class today, for students.
    pub class: Option<ClassOption>,
    /// Linked children (of a parent).
    pub children: Vec<LinkedPerson>,
    /// Linked parents (of a student).
    pub parents: Vec<LinkedPerson>,
    /// Whether the account may sign in.
    pub active: bool,
}

impl PersonRow {
    /// Roles as words: «Ученик, Родитель».
    pub fn roles_text(&self) -> String {
        self.roles
            .iter()
            .map(|r| r.title())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The line a credential card prints under the name: «ученик, 5А», «родитель: Иванов Пётр».
    pub fn role_line(&self) -> String {
        let mut parts = Vec::new();
        for role in &self.roles {
            let word = role.title().to_lowercase();
            match role {
                Role::Student => match &self.class {
                    Some(c) => parts.push(format!("{word}, {}", c.name)),
                    None => parts.push(word),
                },
                Role::Parent if !self.children.is_empty() => {
                    let names: Vec<&str> = self.children.iter().map(|c| c.name.as_str()).collect();
                    parts.push(format!("{word}: {}", names.join(", ")));
                }
                _ => parts.push(word),
            }
        }
        parts.join("; ")
    }
}

/// What the user list is narrowed to; `None` means no narrowing.
#[derive(Debug, Clone, Default)]
pub struct PeopleFilter {
    /// Students of this class (and, for the class teacher's view, their parents).
    pub class_id: Option<i64>,
    /// Holders of this role.
    pub role: Option<Role>,
    /// Part of the name or login, compared normalised.
    pub name: Option<String>,
    /// Active or deactivated accounts only.
    pub active: Option<bool>,
}

/// The user list as the actor may see it.
#[derive(Debug, Clone)]
pub struct PeopleList {
    /// The matching people, by name.
    pub rows: Vec<PersonRow>,
    /// Classes the filter offers (of the current year; a class teacher's own only).
    pub classes: Vec<ClassOption>,
    /// Whether the actor may create and edit people (else only credential sheets).
    pub may_edit: bool,
}

/// What the actor may see of one organization's people today.
pub(crate) struct Scope {
    pub organization_id: OrganizationId,
    pub administers: bool,
    /// Classes the actor leads in the current year.
    pub led: Vec<i64>,
    /// Classes of the current year.
    pub classes: Vec<ClassOption>,
}

/// The whole organization's people, built once per request.
pub(crate) struct Everyone {
    pub rows: Vec<PersonRow>,
}

impl Everyone {
    pub(crate) fn get(&self, id: AccountId) -> Option<&PersonRow> {
        self.rows.iter().find(|r| r.account_id == id)
    }

    /// The accounts a class teacher sees: students of their classes and those students' parents.
    pub(crate) fn led_ids(&self, led: &[i64]) -> HashSet<AccountId> {
        let mut ids = HashSet::new();
        for row in &self.rows {
            if row.class.as_ref().is_some_and(|c| led.contains(&c.id)) {
                ids.insert(row.account_id);
                ids.extend(row.parents.iter().map(|p| p.account_id));
            }
        }
        ids
    }
}

pub use crate::form::FieldErrors;

/// A people use case's failure: wrong form fields, or any other refusal.
#[derive(Debug, thiserror::Error)]
pub enum PeopleError {
    /// The form has mistakes; show them next to the fields.
    #[error("Проверьте заполнение формы")]
    Invalid(FieldErrors),
    /// Refused or failed.
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<StoreError> for PeopleError {
    fn from(e: StoreError) -> Self {
        PeopleError::App(AppError::Store(e))
    }
}

/// The person form as typed: text fields unparsed, so that mistakes come back next to the field.
#[derive(Debug, Clone, Default)]
pub struct PersonInput {
    /// Фамилия.
    pub last_name: String,
    /// Имя.
    pub first_name: String,
    /// Отчество.
    pub middle_name: String,
    /// `ГГГГ-ММ-ДД` or `ДД.ММ.ГГГГ`, or empty.
    pub birth_date: String,
    /// `male`, `female` or empty.
    pub gender: String,
    /// СНИЛС or empty.
    pub snils: String,
    /// Login; on creation an empty one is suggested from the name.
    pub login: String,
    /// Display name; empty means made from the name.
    pub display_name: String,
    /// Role codes.
    pub roles: Vec<String>,
    /// For a new student: the class id as typed.
    pub class_id: String,
    /// For a new parent: the children's account ids.
    pub children: Vec<AccountId>,
    /// On editing: whether the account may sign in.
    pub active: bool,
}

/// What the new-person form offers.
#[derive(Debug, Clone)]
pub struct PersonFormOptions {
    /// Classes of the current year.
    pub classes: Vec<ClassOption>,
    /// Students of the school, to link to a new parent.
    pub students: Vec<LinkedPerson>,
}

/// A person's card.
#[derive(Debug, Clone)]
pub struct PersonCard {
    /// The stored fields.
    pub record: PersonCardRecord,
    /// The list line (roles, class, links).
    pub row: PersonRow,
    /// Every stay in a class, newest first.
    pub history: Vec<ClassMembershipRecord>,
    /// Whether the actor may edit.
    pub may_edit: bool,
    /// Classes of the current year, for moving a student.
    pub classes: Vec<ClassOption>,
    /// Students who could be linked to this parent (not yet linked).
    pub link_students: Vec<LinkedPerson>,
    /// Parents who could be linked to this student (not yet linked).
    pub link_parents: Vec<LinkedPerson>,
}

fn class_name(grade: i32, letter: &str) -> String {
    format!("{grade}{letter}")
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(t, "%d.%m.%Y"))
        .ok()
}

fn person_target(id: AccountId) -> String {
    format!("account:{id}")
}

/// Names of roles in change-log details: «ученик, родитель».
fn roles_words(roles: &[Role]) -> String {
    if roles.is_empty() {
        return "нет".into();
    }
    roles
        .iter()
        .map(|r| r.title().to_lowercase())
        .collect::<Vec<_>>()
        .join(", ")
}

fn opt_text(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("—")
}

/// The validated person form.
struct CheckedPerson {
    person: PersonFields,
    login: Option<String>,
    display_name: Option<String>,
    roles: Vec<Role>,
    class_id: Option<i64>,
}

fn check_person(input: &PersonInput, today: NaiveDate, errors: &mut FieldErrors) -> CheckedPerson {
    let mut name = |field: &'static str, value: &str, required: bool, what: &str| {
        let v = value.trim().to_owned();
        if required && v.is_empty() {
            errors.add(field, format!("Укажите {what}"));
        } else if v.chars().count() > MAX_NAME {
            errors.add(field, format!("Не длиннее {MAX_NAME} знаков"));
        } else if v.chars().any(char::is_control) {
            errors.add(field, "Недопустимые символы");
        }
        v
    };
    let last_name = name("last_name", &input.last_name, true, "фамилию");
    let first_name = name("first_name", &input.first_name, true, "имя");
    let middle_name = name("middle_name", &input.middle_name, false, "отчество");
    let display = name("display_name", &input.display_name, false, "имя для показа");
    let birth_date = if input.birth_date.trim().is_empty() {
        None
    } else {
        match parse_date(&input.birth_date) {
            Some(d) if d > today => {
                errors.add("birth_date", "Дата рождения не может быть в будущем");
                None
            }
            Some(d) if d < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(d) => {
                errors.add("birth_date", "Проверьте год рождения");
                None
            }
            Some(d) => Some(d),
            None => {
                errors.add("birth_date", "Дата в формате ДД.ММ.ГГГГ");
                None
            }
        }
    };
    let gender = match input.gender.trim() {
        "" => None,
        code => match Gender::from_code(code) {
            Ok(g) => Some(g.code().to_owned()),
            Err(_) => {
                errors.add("gender", "Выберите пол из списка");
                None
            }
        },
    };
    let snils = match input.snils.trim() {
        "" => None,
        s => match parse_snils(s) {
            Ok(v) => Some(v),
            Err(e) => {
                errors.add("snils", e.to_string());
                None
            }
        },
    };
    let login = input.login.trim();
    let login = if login.is_empty() {
        None
    } else if login.chars().count() > MAX_LOGIN {
        errors.add("login", format!("Не длиннее {MAX_LOGIN} знаков"));
        None
    } else if login.chars().any(|c| c.is_whitespace() || c.is_control()) {
        errors.add("login", "Имя пользователя пишется без пробелов");
        None
    } else {
        Some(login.to_owned())
    };
    let mut roles = Vec::new();
    for code in &input.roles {
        match Role::from_code(code) {
            Ok(r) if ASSIGNABLE_ROLES.contains(&r) => {
                if !roles.contains(&r) {
                    roles.push(r);
                }
            }
            _ => errors.add("roles", "Такую роль школа не назначает"),
        }
    }
    roles.sort();
    if roles.is_empty() && errors.get("roles").is_none() {
        errors.add("roles", "Выберите хотя бы одну роль");
    }
    let class_id = match input.class_id.trim() {
        "" => None,
        v => match v.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.add("class_id", "Выберите класс из списка");
                None
            }
        },
    };
    CheckedPerson {
        person: PersonFields {
            last_name,
            first_name,
            middle_name,
            birth_date,
            gender,
            snils,
        },
        login,
        display_name: (!display.is_empty()).then_some(display),
        roles,
        class_id,
    }
}

/// The display name made from the name: students «Фамилия Имя», adults with the patronymic.
fn default_display_name(p: &PersonFields, roles: &[Role]) -> String {
    if roles == [Role::Student] {
        full_name(&p.last_name, &p.first_name, "")
    } else {
        full_name(&p.last_name, &p.first_name, &p.middle_name)
    }
}

impl App {
    /// What the actor may see of an organization's people today; `Forbidden` for anyone who is
    /// neither its administration nor one of its teachers.
    pub(crate) async fn people_scope(
        &self,
        actor: &Actor,
        organization_id: OrganizationId,
    ) -> AppResult<Scope> {
        let administers = policy::may_administer_school(actor, organization_id);
        let teacher = actor.has(Role::Teacher) && actor.organization_id == organization_id;
        if !administers && !teacher {
            return Err(AppError::Forbidden);
        }
        let year = self
            .store
            .current_year(organization_id, self.clock.today())
            .await?;
        let (mut classes, mut led) = (Vec::new(), Vec::new());
        if let Some(year) = year {
            classes = self
                .store
                .people_classes(year.id)
                .await?
                .into_iter()
                .map(|c| ClassOption {
                    id: c.id,
                    name: class_name(c.grade, &c.letter),
                })
                .collect();
            if teacher {
                led = self.store.classes_led_by(actor.account_id, year.id).await?;
            }
        }
        Ok(Scope {
            organization_id,
            administers,
            led,
            classes,
        })
    }

    /// Every account of the organization with roles, today's class and links, by name.
    pub(crate) async fn everyone(&self, organization_id: OrganizationId) -> AppResult<Everyone> {
        let today = self.clock.today();
        let people = self
            .store
            .people_of_organization(organization_id, today)
            .await?;
        let mut roles: HashMap<i64, Vec<Role>> = HashMap::new();
        for r in self.store.people_roles(organization_id).await? {
            if let Ok(role) = Role::from_code(&r.role) {
                roles.entry(r.account_id).or_default().push(role);
            }
        }
        let names: HashMap<i64, String> = people
            .iter()
            .map(|p| (p.account_id, p.display_name.clone()))
            .collect();
        let linked = |id: i64| LinkedPerson {
            account_id: id,
            name: names.get(&id).cloned().unwrap_or_else(|| format!("№{id}")),
        };
        let (mut children, mut parents): (
            HashMap<i64, Vec<LinkedPerson>>,
            HashMap<i64, Vec<LinkedPerson>>,
        ) = (HashMap::new(), HashMap::new());
        for l in self.store.people_parent_links(organization_id).await? {
            children
                .entry(l.parent_account_id)
                .or_default()
                .push(linked(l.student_account_id));
            parents
                .entry(l.student_account_id)
                .or_default()
                .push(linked(l.parent_account_id));
        }
        let mut rows: Vec<PersonRow> = people
            .into_iter()
            .map(|p| {
                let mut r = roles.remove(&p.account_id).unwrap_or_default();
                r.sort();
                PersonRow {
                    account_id: p.account_id,
                    full_name: full_name(&p.last_name, &p.first_name, &p.middle_name),
                    display_name: p.display_name,
                    login: p.login,
                    roles: r,
                    class: match (p.class_id, p.grade, p.letter) {
                        (Some(id), Some(grade), Some(letter)) => Some(ClassOption {
                            id,
                            name: class_name(grade, &letter),
                        }),
                        _ => None,
                    },
                    children: children.remove(&p.account_id).unwrap_or_default(),
                    parents: parents.remove(&p.account_id).unwrap_or_default(),
                    active: p.active,
                }
            })
            .collect();
        rows.sort_by_cached_key(|r| (text::normalise(&r.full_name), r.account_id));
        Ok(Everyone { rows })
    }

    /// The rows of `everyone` the scope lets the actor see.
    pub(crate) fn visible(scope: &Scope, everyone: Everyone) -> Vec<PersonRow> {
        if scope.administers {
            return everyone.rows;
        }
        let ids = everyone.led_ids(&scope.led);
        everyone
            .rows
            .into_iter()
            .filter(|r| ids.contains(&r.account_id))
            .collect()
    }

    /// The user list of the actor's school, narrowed by the filter.
    pub async fn list_people(&self, actor: &Actor, filter: &PeopleFilter) -> AppResult<PeopleList> {
        let scope = self.people_scope(actor, actor.organization_id).await?;
        let everyone = self.everyone(scope.organization_id).await?;
        let needle = filter
            .name
            .as_deref()
            .map(text::normalise)
            .filter(|n| !n.is_empty());
        if needle.as_ref().is_some_and(|n| n.chars().count() > 200) {
            return Err(AppError::BadRequest("Слишком длинная строка поиска".into()));
        }
        // A class filter keeps its students and, as in the class teacher's view, their parents.
        let class_parents: HashSet<AccountId> = match filter.class_id {
            Some(class) => everyone
                .rows
                .iter()
                .filter(|r| r.class.as_ref().is_some_and(|c| c.id == class))
                .flat_map(|r| r.parents.iter().map(|p| p.account_id))
                .collect(),
            None => HashSet::new(),
        };
        let rows = Self::visible(&scope, everyone)
            .into_iter()
            .filter(|r| match filter.class_id {
                Some(class) => {
                    r.class.as_ref().is_some_and(|c| c.id == class)
                        || (filter.role == Some(Role::Parent)
                            && class_parents.contains(&r.account_id))
                }
                None => true,
            })
            .filter(|r| filter.role.is_none_or(|role| r.roles.contains(&role)))
            .filter(|r| filter.active.is_none_or(|a| r.active == a))
            .filter(|r| {
                needle.as_deref().is_none_or(|n| {
                    text::normalise(&r.full_name).contains(n)
                        || text::normalise(&r.display_name).contains(n)
                        || text::normalise(&r.login).contains(n)
                })
            })
            .collect();
        let classes = if scope.administers {
            scope.classes
        } else {
            scope
                .classes
                .into_iter()
                .filter(|c| scope.led.contains(&c.id))
                .collect()
        };
        Ok(PeopleList {
            rows,
            classes,
            may_edit: scope.administers,
        })
    }

    /// What the new-person form offers; only the school's administration may create people.
    pub async fn person_form_options(&self, actor: &Actor) -> AppResult<PersonFormOptions> {
        let org = actor.organization_id;
        if !policy::may_administer_school(actor, org) {
            return Err(AppError::Forbidden);
        }
        let scope = self.people_scope(actor, org).await?;
        let everyone = self.everyone(org).await?;
        Ok(PersonFormOptions {
            classes: scope.classes,
            students: students_of(&everyone.rows),
        })
    }

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
                .login_taken(organization_id, &text::normalise(&login), None)
                .await?
            {
                return Ok(login);
            }
        }
        Err(AppError::BadRequest(
            "Не удалось подобрать имя пользователя: укажите его сами".into(),
        ))
    }

    /// Creates a person with an account in the actor's school, with roles, a class for a
    /// student and children for a parent; returns the new account.
    pub async fn create_person(
        &self,
        actor: &Actor,
        origin: &Origin,
        input: &PersonInput,
    ) -> Result<AccountId, PeopleError> {
        let org = actor.organization_id;
        if !policy::may_administer_school(actor, org) {
            return Err(AppError::Forbidden.into());
        }
        let today = self.clock.today();
        let mut errors = FieldErrors::default();
        let checked = check_person(input, today, &mut errors);
        let everyone = self.everyone(org).await?;
        let mut class_label = None;
        if checked.roles.contains(&Role::Student) {
            match checked.class_id {
                None if errors.get("class_id").is_none() => {
                    errors.add("class_id", "Для ученика выберите класс")
                }
                None => {}
                Some(id) => match self.store.people_class(id).await? {
                    Some(c) if c.organization_id == org => {
                        class_label = Some(class_name(c.grade, &c.letter))
                    }
                    _ => errors.add("class_id", "Выберите класс из списка"),
                },
            }
        } else if checked.class_id.is_some() {
            errors.add("class_id", "Класс указывается только для ученика");
        }
        let mut children = input.children.clone();
        children.sort_unstable();
        children.dedup();
        if !children.is_empty() {
            if !checked.roles.contains(&Role::Parent) {
                errors.add("children", "Детей указывают только для родителя");
            } else if children.iter().any(|c| {
                !everyone
                    .get(*c)
                    .is_some_and(|r| r.roles.contains(&Role::Student))
            }) {
                errors.add("children", "Выберите детей из списка учеников школы");
            }
        }
        if let Some(login) = &checked.login
            && self
                .store
                .login_taken(org, &text::normalise(login), None)
                .await?
        {
            errors.add("login", "Это имя пользователя уже занято в школе");
        }
        if !errors.is_empty() {
            return Err(PeopleError::Invalid(errors));
        }
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
            organization_id: org,
            login_norm: text::normalise(&login),
            login: login.clone(),
            display_name: display_name.clone(),
            roles: checked.roles.clone(),
            class_id: checked.class_id,
            class_from: today,
            children: children.clone(),
            now: self.clock.now(),
        };
        let id = match self.store.create_person_account(&new).await {
            Ok(id) => id,
            Err(StoreError::Conflict(_)) => {
                let mut e = FieldErrors::default();
                e.add("login", "Это имя пользователя уже занято в школе");
                return Err(PeopleError::Invalid(e));
            }
            Err(e) => return Err(e.into()),
        };
        let mut details = format!(
            "Создан пользователь {display_name} (имя пользователя {login}), роли: {}",
            roles_words(&checked.roles)
        );
        if let Some(c) = class_label {
            details.push_str(&format!("; класс {c} с {}", today.format("%d.%m.%Y")));
        }
        if !children.is_empty() {
            let names: Vec<String> = children
                .iter()
                .filter_map(|c| everyone.get(*c).map(|r| r.display_name.clone()))
                .collect();
            details.push_str(&format!("; дети: {}", names.join(", ")));
        }
        self.record_change(
            actor,
            org,
            origin,
            "person.create",
            person_target(id),
            details,
        )
        .await;
        Ok(id)
    }

    /// Loads an account the actor may act on, or says why not: another school's people are
    /// not found, within the school only the administration and the class teacher see them.
    async fn reachable(
        &self,
        actor: &Actor,
        account: AccountId,
    ) -> AppResult<(PersonCardRecord, Scope)> {
        let not_found = || AppError::NotFound("Пользователь не найден".into());
        let record = self
            .store
            .person_card(account)
            .await?
            .ok_or_else(not_found)?;
        let org = record.organization_id;
        if org != actor.organization_id && !policy::may_administer_school(actor, org) {
            return Err(not_found());
        }
        let scope = self.people_scope(actor, org).await?;
        Ok((record, scope))
    }

    /// A person's card: fields, roles, class history and links.
    pub async fn person_card(&self, actor: &Actor, account: AccountId) -> AppResult<PersonCard> {
        let (record, scope) = self.reachable(actor, account).await?;
        let everyone = self.everyone(record.organization_id).await?;
        if !scope.administers && !everyone.led_ids(&scope.led).contains(&account) {
            return Err(AppError::Forbidden);
        }
        let row = everyone
            .get(account)
            .cloned()
            .ok_or_else(|| AppError::NotFound("Пользователь не найден".into()))?;
        let history = self.store.class_history(account).await?;
        let (mut link_students, mut link_parents) = (Vec::new(), Vec::new());
        if scope.administers {
            let linked: HashSet<i64> = row
                .children
                .iter()
                .chain(&row.parents)
                .map(|l| l.account_id)
                .collect();
            if row.roles.contains(&Role::Parent) {
                link_students = students_of(&everyone.rows)
                    .into_iter()
                    .filter(|s| s.account_id != account && !linked.contains(&s.account_id))
                    .collect();
            }
            if row.roles.contains(&Role::Student) {
                link_parents = everyone
                    .rows
                    .iter()
                    .filter(|r| r.roles.contains(&Role::Parent))
                    .filter(|r| r.account_id != account && !linked.contains(&r.account_id))
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
        actor: &Actor,
        origin: &Origin,
        account: AccountId,
        input: &PersonInput,
    ) -> Result<(), PeopleError> {
        let (old, scope) = self.reachable(actor, account).await?;
        if !scope.administers {
            return Err(AppError::Forbidden.into());
        }
        let org = old.organization_id;
        let mut errors = FieldErrors::default();
        let checked = check_person(input, self.clock.today(), &mut errors);
        let login = match &checked.login {
            Some(l) => l.clone(),
            None => {
                if errors.get("login").is_none() {
                    errors.add("login", "Укажите имя пользователя");
                }
                String::new()
            }
        };
        if !login.is_empty()
            && self
                .store
                .login_taken(org, &text::normalise(&login), Some(account))
                .await?
        {
            errors.add("login", "Это имя пользователя уже занято в школе");
        }
        let old_roles = self.store.account_roles(account).await?;
        if account == actor.account_id {
            if !input.active {
                errors.add("active", "Нельзя отключить собственную учётную запись");
            }
            let admin =
                |rs: &[Role]| rs.contains(&Role::Administrator) || rs.contains(&Role::DeputyHead);
            if admin(&old_roles) && !admin(&checked.roles) {
                errors.add("roles", "Нельзя снять с себя роль администрации");
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
        if !errors.is_empty() {
            return Err(PeopleError::Invalid(errors));
        }
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
        match self.store.update_account(account, &fields).await {
            Ok(_) => {}
            Err(StoreError::Conflict(_)) => {
                let mut e = FieldErrors::default();
                e.add("login", "Это имя пользователя уже занято в школе");
                return Err(PeopleError::Invalid(e));
            }
            Err(e) => return Err(e.into()),
        }
        if roles != old_roles {
            self.store.set_account_roles(account, &roles).await?;
        }
        self.record_change(
            actor,
            org,
            origin,
            "person.update",
            person_target(account),
            changes.join("; "),
        )
        .await;
        Ok(())
    }

    /// Both ends of a parent link, checked: same school as each other, parent and student roles.
    async fn link_ends(
        &self,
        actor: &Actor,
        parent: AccountId,
        student: AccountId,
    ) -> AppResult<(OrganizationId, PersonRow, PersonRow)> {
        let (record, scope) = self.reachable(actor, parent).await?;
        if !scope.administers {
            return Err(AppError::Forbidden);
        }
        let everyone = self.everyone(record.organization_id).await?;
        let p = everyone.get(parent).cloned();
        let s = everyone.get(student).cloned();
        match (p, s) {
            (Some(p), Some(s))
                if p.roles.contains(&Role::Parent) && s.roles.contains(&Role::Student) =>
            {
                Ok((record.organization_id, p, s))
            }
            (Some(_), Some(_)) => Err(AppError::BadRequest(
                "Связь устанавливается между родителем и учеником".into(),
            )),
            _ => Err(AppError::NotFound("Пользователь не найден".into())),
        }
    }

    /// Links a parent to a student of the same school.
    pub async fn link_parent(
        &self,
        actor: &Actor,
        origin: &Origin,
        parent: AccountId,
        student: AccountId,
    ) -> AppResult<()> {
        let (org, p, s) = self.link_ends(actor, parent, student).await?;
        if p.children.iter().any(|c| c.account_id == student) {
            return Ok(());
        }
        self.store.link_parent(parent, student).await?;
        let details = format!(
            "Связь: родитель {} — ученик {}",
            p.display_name, s.display_name
        );
        self.record_change(
            actor,
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
        actor: &Actor,
        origin: &Origin,
        parent: AccountId,
        student: AccountId,
    ) -> AppResult<()> {
        let (org, p, s) = self.link_ends(actor, parent, student).await?;
        if self.store.unlink_parent(parent, student).await? {
            let details = format!(
                "Связь снята: родитель {} — ученик {}",
                p.display_name, s.display_name
            );
            self.record_change(
                actor,
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
        actor: &Actor,
        origin: &Origin,
        student: AccountId,
        class_id: Option<i64>,
        from: NaiveDate,
    ) -> AppResult<()> {
        let (record, scope) = self.reachable(actor, student).await?;
        if !scope.administers {
            return Err(AppError::Forbidden);
        }
        let org = record.organization_id;
        if !self
            .store
            .account_roles(student)
            .await?
            .contains(&Role::Student)
        {
            return Err(AppError::BadRequest(
                "Переводить можно только ученика".into(),
            ));
        }
        let history = self.store.class_history(student).await?;
        let current = history
            .iter()
            .find(|h| h.from_date <= from && h.to_date.is_none_or(|t| t >= from));
        if let Some(latest) = history.first()
            && latest.from_date >= from
        {
            return Err(AppError::BadRequest(format!(
                "Дата должна быть позже {} — начала последнего пребывания в классе",
                latest.from_date.format("%d.%m.%Y")
            )));
        }
        let target = match class_id {
            Some(id) => match self.store.people_class(id).await? {
                Some(c) if c.organization_id == org => Some(c),
                _ => return Err(AppError::BadRequest("Выберите класс из списка".into())),
            },
            None => None,
        };
        match (&target, current) {
            (Some(t), Some(c)) if t.id == c.class_id => {
                return Err(AppError::BadRequest(
                    "Ученик уже учится в этом классе".into(),
                ));
            }
            (None, None) => {
                return Err(AppError::BadRequest(
                    "Ученик и так не числится в классе".into(),
                ));
            }
            _ => {}
        }
        self.store.move_student(student, class_id, from).await?;
        let was = current
            .map(|c| class_name(c.grade, &c.letter))
            .unwrap_or_else(|| "—".into());
        let day = from.format("%d.%m.%Y");
        let details = match &target {
            Some(t) => format!("Класс: {was} → {} с {day}", class_name(t.grade, &t.letter)),
            None => format!("Выбыл из класса {was} с {day}"),
        };
        self.record_change(
            actor,
            org,
            origin,
            "student.move",
            person_target(student),
            details,
        )
        .await;
        Ok(())
    }
}

/// Students of the school as link choices, by name.
fn students_of(rows: &[PersonRow]) -> Vec<LinkedPerson> {
    rows.iter()
        .filter(|r| r.roles.contains(&Role::Student))
        .map(|r| LinkedPerson {
            account_id: r.account_id,
            name: match &r.class {
                Some(c) => format!("{} ({})", r.display_name, c.name),
                None => r.display_name.clone(),
            },
        })
        .collect()
}
