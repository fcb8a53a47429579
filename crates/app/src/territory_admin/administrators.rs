//! The first administrator of an organization: the account and its one-time password.

use super::*;
use sgo_core::AccountId;

/// A new administrator of an organization as typed.
#[derive(Debug, Clone, Default, PartialEq)]
#[allow(missing_docs)]
pub struct AdministratorInput {
    pub last_name: String,
    pub first_name: String,
    pub middle_name: String,
    /// Empty: the system suggests one from the name.
    pub login: String,
}

/// An account just created, with its one-time password — shown once, never stored in clear.
#[derive(Debug, Clone)]
pub struct IssuedAccount {
    /// The account.
    pub account_id: i64,
    /// Its login.
    pub login: String,
    /// Its display name.
    pub display_name: String,
    /// The one-time password.
    pub password: String,
    /// The organization, with its place in the territory (what the login form asks for).
    pub organization: OrganizationRecord,
}

/// Kinds whose people sign in to work in them: they get an administrator account.
pub fn has_administrator(kind: OrganizationKind) -> bool {
    !kind.is_authority()
}

/// A part of a person's name: the rule for every name, then required and at most 100 characters.
fn person_name(
    value: &str,
    field: &'static str,
    required: bool,
    errors: &mut FieldErrors,
) -> String {
    match sgo_core::person::clean_person_name(value) {
        Ok(v) if required => clean_name(&v, field, 100, errors),
        Ok(v) => clean_line(&v, field, 100, errors),
        Err(e) => {
            errors.add(field, e.sentence());
            value.trim().to_owned()
        }
    }
}

impl App {
    /// Creates an administrator account for an organization of the actor's region and issues it
    /// a one-time password, which is returned for showing once.
    pub async fn create_organization_administrator(
        &self,
        admin: &RegionAdministration,
        origin: &Origin,
        organization: OrganizationId,
        input: &AdministratorInput,
    ) -> FormResult<IssuedAccount> {
        let region = self.administered_region(admin).await?;
        let org = self.organization_in(region, organization).await?;
        if !has_administrator(org.kind) {
            return Err(AppError::BadRequest(msg!("administrator-needs-school")).into());
        }
        let mut e = FieldErrors::default();
        let last_name = person_name(&input.last_name, "last_name", true, &mut e);
        let first_name = person_name(&input.first_name, "first_name", true, &mut e);
        let middle_name = person_name(&input.middle_name, "middle_name", false, &mut e);
        let typed = input.login.trim();
        let login = if typed.is_empty() {
            if e.is_empty() {
                self.free_login(organization, &last_name, &first_name, &middle_name)
                    .await?
            } else {
                String::new()
            }
        } else if !login_shape_ok(typed) {
            e.add("login", msg!("administrator-login-invalid"));
            String::new()
        } else if self
            .store
            .login_taken(organization.get(), &text::normalise(typed), None)
            .await?
        {
            e.add("login", msg!("administrator-login-taken"));
            String::new()
        } else {
            typed.to_owned()
        };
        if !e.is_empty() {
            return Err(FormError::Invalid(e));
        }
        let display_name = [&last_name, &first_name, &middle_name]
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let now = self.clock.now();
        let new = NewPersonAccount {
            person: PersonFields {
                last_name,
                first_name,
                middle_name,
                birth_date: None,
                gender: None,
                snils: None,
            },
            organization_id: organization.get(),
            login_norm: text::normalise(&login),
            login: login.clone(),
            display_name: display_name.clone(),
            roles: vec![Role::Administrator],
            class_id: None,
            class_from: now.date_naive(),
            children: Vec::new(),
            now,
        };
        let account_id = match self.store.create_person_account(&new).await {
            Ok(id) => id,
            Err(StoreError::Conflict(_)) => {
                let mut e = FieldErrors::default();
                e.add("login", msg!("administrator-login-taken"));
                return Err(FormError::Invalid(e));
            }
            Err(other) => return Err(other.into()),
        };
        let password = self
            .issue_one_time_password(AccountId::new(account_id))
            .await?;
        self.audit_change(
            admin.actor(),
            organization,
            origin,
            "account.create",
            format!("account:{account_id}"),
            format!(
                "Создана учётная запись администратора «{display_name}» (имя пользователя {login}); выдан временный пароль"
            ),
        )
        .await;
        Ok(IssuedAccount {
            account_id,
            login,
            display_name,
            password,
            organization: org,
        })
    }
}
