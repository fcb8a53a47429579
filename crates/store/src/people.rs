//! People: persons, accounts, roles, parent links, class membership, class teachers, one-time passwords.

use crate::{AccountId, OrganizationId};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sgo_core::Role;

use crate::StoreResult;

/// An account of an organization as the user list shows it, with its class on the asked date.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct PersonListRecord {
    pub account_id: i64,
    pub person_id: i64,
    pub last_name: String,
    pub first_name: String,
    pub middle_name: String,
    pub login: String,
    pub display_name: String,
    pub active: bool,
    pub class_id: Option<i64>,
    pub grade: Option<i32>,
    pub letter: Option<String>,
}

/// A role held by an account (one row per pair).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AccountRoleRecord {
    /// The account.
    pub account_id: i64,
    /// The role's code.
    pub role: String,
}

/// A parent ↔ student link.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ParentLinkRecord {
    /// The parent's account.
    pub parent_account_id: i64,
    /// The student's account.
    pub student_account_id: i64,
}

/// Everything the person card edits: the person's fields and the account's.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct PersonCardRecord {
    pub account_id: i64,
    pub person_id: i64,
    pub organization_id: i64,
    pub last_name: String,
    pub first_name: String,
    pub middle_name: String,
    pub birth_date: Option<NaiveDate>,
    pub gender: Option<String>,
    pub snils: Option<String>,
    pub login: String,
    pub display_name: String,
    pub active: bool,
    pub must_change_password: bool,
}

/// A class of a year, for selects.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct PeopleClassRecord {
    pub id: i64,
    pub organization_id: i64,
    pub academic_year_id: i64,
    pub grade: i32,
    pub letter: String,
}

/// One dated stay of a student in a class.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct ClassMembershipRecord {
    pub id: i64,
    pub class_id: i64,
    pub grade: i32,
    pub letter: String,
    pub year_name: String,
    pub from_date: NaiveDate,
    pub to_date: Option<NaiveDate>,
}

/// The person's own fields.
#[derive(Debug, Clone, PartialEq, Default)]
#[allow(missing_docs)]
pub struct PersonFields {
    pub last_name: String,
    pub first_name: String,
    pub middle_name: String,
    pub birth_date: Option<NaiveDate>,
    /// `male`, `female` or none.
    pub gender: Option<String>,
    /// Already checked and formatted.
    pub snils: Option<String>,
}

/// A person with a new account of an organization, created in one transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPersonAccount {
    /// The person.
    pub person: PersonFields,
    /// The organization of the account.
    pub organization_id: OrganizationId,
    /// The login as typed.
    pub login: String,
    /// Its normalised form (unique in the organization).
    pub login_norm: String,
    /// The name shown on screen.
    pub display_name: String,
    /// Roles.
    pub roles: Vec<Role>,
    /// For a student: the class joined, from `class_from`.
    pub class_id: Option<i64>,
    /// The first day in that class.
    pub class_from: NaiveDate,
    /// For a parent: the children linked.
    pub children: Vec<AccountId>,
    /// When.
    pub now: DateTime<Utc>,
}

/// The account's own fields the school edits.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub struct AccountFields {
    pub login: String,
    pub login_norm: String,
    pub display_name: String,
    pub active: bool,
}

/// People — storage operations.
#[async_trait]
pub trait PeopleStore: Send + Sync {
    /// Every account of an organization with its person and its class on `on`, by name.
    async fn people_of_organization(
        &self,
        organization_id: OrganizationId,
        on: NaiveDate,
    ) -> StoreResult<Vec<PersonListRecord>>;
    /// The roles of every account of an organization.
    async fn people_roles(
        &self,
        organization_id: OrganizationId,
    ) -> StoreResult<Vec<AccountRoleRecord>>;
    /// Every parent ↔ student link among the accounts of an organization.
    async fn people_parent_links(
        &self,
        organization_id: OrganizationId,
    ) -> StoreResult<Vec<ParentLinkRecord>>;
    /// One account with its person's fields.
    async fn person_card(&self, account: AccountId) -> StoreResult<Option<PersonCardRecord>>;
    /// Whether another account of the organization (not `except`) has this normalised login.
    async fn login_taken(
        &self,
        organization_id: OrganizationId,
        login_norm: &str,
        except: Option<AccountId>,
    ) -> StoreResult<bool>;
    /// Creates the person, the account, its roles, class membership and parent links together;
    /// a taken login is `Conflict("accounts_login_unique")`.
    async fn create_person_account(&self, new: &NewPersonAccount) -> StoreResult<AccountId>;
    /// Replaces a person's fields; false when there is no such person.
    async fn update_person(&self, person_id: i64, fields: &PersonFields) -> StoreResult<bool>;
    /// Replaces an account's login, display name and standing; a taken login is a conflict.
    async fn update_account(&self, account: AccountId, fields: &AccountFields)
    -> StoreResult<bool>;
    /// Replaces the roles of an account.
    async fn set_account_roles(&self, account: AccountId, roles: &[Role]) -> StoreResult<()>;
    /// Links a parent to a student (nothing happens if linked already).
    async fn link_parent(&self, parent: AccountId, student: AccountId) -> StoreResult<()>;
    /// Removes a parent ↔ student link; false when there was none.
    async fn unlink_parent(&self, parent: AccountId, student: AccountId) -> StoreResult<bool>;
    /// The classes of an academic year, by grade and letter.
    async fn people_classes(&self, academic_year_id: i64) -> StoreResult<Vec<PeopleClassRecord>>;
    /// One class.
    async fn people_class(&self, class_id: i64) -> StoreResult<Option<PeopleClassRecord>>;
    /// The classes of a year whose class teacher the account is.
    async fn classes_led_by(
        &self,
        teacher: AccountId,
        academic_year_id: i64,
    ) -> StoreResult<Vec<i64>>;
    /// The students in a class on a date.
    async fn students_of_class(&self, class_id: i64, on: NaiveDate) -> StoreResult<Vec<AccountId>>;
    /// Every stay of a student in a class, newest first.
    async fn class_history(&self, student: AccountId) -> StoreResult<Vec<ClassMembershipRecord>>;
    /// From `from`, the student is in `class_id` (or in no class with `None`): stays that run on
    /// `from` end the day before, stays starting on or after it are dropped.
    async fn move_student(
        &self,
        student: AccountId,
        class_id: Option<i64>,
        from: NaiveDate,
    ) -> StoreResult<()>;
}
