//! People of a school: persons, accounts and roles, parent links, class membership.
//!
//! School administration sees and edits everyone of its school; a class teacher sees the
//! students of the classes they lead and those students' parents, read-only.

mod edit;
mod links;
mod list;

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use sgo_core::person::{Gender, clean_person_name, full_name, parse_snils};
use sgo_core::policy::{SchoolAdministration, SchoolAdministrator};
use sgo_core::{AccountId, Actor, OrganizationId, Role, policy, text};
use sgo_store::{AccountFields, NewPersonAccount, PersonCardRecord, PersonFields, StoreError};

pub use sgo_store::ClassMembershipRecord;

use crate::error::administered;
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

pub use crate::form::FormError;

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
    /// For a new student: the first day in the class as typed; empty means today.
    pub class_from: String,
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
    // `required` is what to say when a required name is left empty.
    let mut name = |field: &'static str, value: &str, required: Option<crate::Message>| {
        let v = match clean_person_name(value) {
            Ok(v) => v,
            Err(e) => {
                errors.add(field, e.sentence());
                return value.trim().to_owned();
            }
        };
        if let Some(missing) = required.filter(|_| v.is_empty()) {
            errors.add(field, missing);
        } else if v.chars().count() > MAX_NAME {
            errors.add(field, msg!("field-too-long", max = MAX_NAME));
        }
        v
    };
    let last_name = name(
        "last_name",
        &input.last_name,
        Some(msg!("person-last-name-required")),
    );
    let first_name = name(
        "first_name",
        &input.first_name,
        Some(msg!("person-first-name-required")),
    );
    let middle_name = name("middle_name", &input.middle_name, None);
    let display = name("display_name", &input.display_name, None);
    let birth_date = if input.birth_date.trim().is_empty() {
        None
    } else {
        match parse_date(&input.birth_date) {
            Some(d) if d > today => {
                errors.add("birth_date", msg!("people-birth-date-future"));
                None
            }
            Some(d) if d < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(d) => {
                errors.add("birth_date", msg!("people-birth-year-check"));
                None
            }
            Some(d) => Some(d),
            None => {
                errors.add("birth_date", msg!("people-date-format"));
                None
            }
        }
    };
    let gender = match input.gender.trim() {
        "" => None,
        code => match Gender::from_code(code) {
            Ok(g) => Some(g.code().to_owned()),
            Err(_) => {
                errors.add("gender", msg!("people-gender-not-in-list"));
                None
            }
        },
    };
    let snils = match input.snils.trim() {
        "" => None,
        s => match parse_snils(s) {
            Ok(v) => Some(v),
            Err(e) => {
                errors.add("snils", e.message());
                None
            }
        },
    };
    let login = input.login.trim();
    let login = if login.is_empty() {
        None
    } else if login.chars().count() > MAX_LOGIN {
        errors.add("login", msg!("field-too-long", max = MAX_LOGIN));
        None
    } else if login.chars().any(|c| c.is_whitespace() || c.is_control()) {
        errors.add("login", msg!("people-login-has-spaces"));
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
            _ => errors.add("roles", msg!("people-role-not-assigned-by-school")),
        }
    }
    roles.sort();
    if roles.is_empty() && errors.get("roles").is_none() {
        errors.add("roles", msg!("roles-required"));
    }
    let class_id = match input.class_id.trim() {
        "" => None,
        v => match v.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.add("class_id", msg!("class-not-in-list"));
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
