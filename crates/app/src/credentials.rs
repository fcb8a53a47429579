//! Credential sheets: new one-time passwords printed for families, and the user list export.

use sgo_core::OrganizationId;
use std::collections::HashSet;

use sgo_core::{AccountId, Actor, policy};
use sgo_reports::credential_sheet::{CredentialCard, credential_sheet_pdf};
use sgo_reports::xlsx::{Cell, table_xlsx};

use crate::people::{PeopleFilter, PersonRow};
use crate::{App, AppError, AppResult, Origin};

/// Most accounts one sheet may reset at once (a large school's every family is about this).
const MAX_SHEET: usize = 3000;

/// Who gets new passwords: a class's students (and perhaps their parents) and/or ticked accounts.
#[derive(Debug, Clone, Default)]
pub struct CredentialRequest {
    /// Every student of this class today.
    pub class_id: Option<i64>,
    /// With the class: the parents of its students too.
    pub with_parents: bool,
    /// Accounts ticked in the list.
    pub accounts: Vec<AccountId>,
}

/// How the portal is named and reached, printed on every card.
#[derive(Debug, Clone, Default)]
pub struct Portal {
    /// Name as on the login page.
    pub name: String,
    /// Address, e.g. `https://sgo.example.ru`.
    pub url: String,
}

/// A printed sheet.
#[derive(Debug, Clone)]
pub struct CredentialSheet {
    /// ASCII file name, e.g. `credentials-5A.pdf`.
    pub file_name: String,
    /// The PDF.
    pub pdf: Vec<u8>,
    /// How many accounts got new passwords.
    pub count: usize,
}

/// Latin look-alike of a class letter for file names: «5А» → `5A`.
fn ascii_name(text: &str) -> String {
    let latin = sgo_core::login::transliterate(text);
    let clean: String = latin
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    if clean.is_empty() {
        "list".into()
    } else {
        clean
    }
}

impl App {
    /// Issues new one-time passwords to the chosen accounts and returns the sheet to print.
    /// Passwords are set only once the sheet has been typeset, so a failure leaves the old ones;
    /// the clear passwords exist only in the returned document.
    pub async fn issue_credentials(
        &self,
        actor: &Actor,
        origin: &Origin,
        portal: &Portal,
        request: &CredentialRequest,
    ) -> AppResult<CredentialSheet> {
        let scope = self
            .people_scope(actor, OrganizationId::new(actor.organization_id.get()))
            .await?;
        let org = scope.organization_id;
        let everyone = self.everyone(org).await?;
        let mut targets: Vec<AccountId> = Vec::new();
        let mut label = String::from("list");
        if let Some(class) = request.class_id {
            let Some(c) = scope.classes.iter().find(|c| c.id == class) else {
                return Err(AppError::NotFound(msg!("class-not-found")));
            };
            label = ascii_name(&c.name);
            for row in everyone
                .rows
                .iter()
                .filter(|r| r.class.as_ref().is_some_and(|k| k.id == class))
            {
                targets.push(row.account_id);
                if request.with_parents {
                    targets.extend(row.parents.iter().map(|p| p.account_id));
                }
            }
        }
        for id in &request.accounts {
            if everyone.get(*id).is_none() {
                return Err(AppError::NotFound(msg!("user-not-found")));
            }
            targets.push(*id);
        }
        let mut seen = HashSet::new();
        targets.retain(|id| seen.insert(*id));
        if targets.is_empty() {
            return Err(AppError::BadRequest(msg!("credentials-nobody-chosen")));
        }
        if targets.len() > MAX_SHEET {
            return Err(AppError::BadRequest(msg!(
                "credentials-too-many",
                max = MAX_SHEET
            )));
        }
        let rows: Vec<&PersonRow> = targets.iter().filter_map(|id| everyone.get(*id)).collect();
        // Every target's roles decide, not only the tie to the teacher's class: a parent who is
        // also the school's administrator is not a class teacher's to issue.
        let led = everyone.led_ids(&scope.led);
        let facts: Vec<policy::CredentialTarget> = rows
            .iter()
            .map(|r| policy::CredentialTarget {
                account: r.account_id,
                organization: org,
                roles: r.roles.clone(),
                in_own_classes: led.contains(&r.account_id),
            })
            .collect();
        let issuer = policy::credential_issuer(actor, org, &facts).ok_or(AppError::Forbidden)?;
        if let Some(r) = rows.iter().find(|r| !r.active) {
            return Err(AppError::BadRequest(msg!(
                "credentials-account-disabled",
                name = &r.display_name
            )));
        }
        let organization = self
            .store
            .organization(org.get())
            .await?
            .ok_or_else(|| AppError::NotFound(msg!("organization-not-found")))?;
        let passwords: Vec<String> = rows
            .iter()
            .map(|_| sgo_auth::token::one_time_password())
            .collect();
        let cards: Vec<CredentialCard> = rows
            .iter()
            .zip(&passwords)
            .map(|(r, password)| CredentialCard {
                portal_url: portal.url.clone(),
                portal_name: portal.name.clone(),
                region: organization.region_name.clone(),
                municipality: organization.municipality_name.clone(),
                settlement: organization.settlement_name.clone(),
                organization_kind: organization.kind.title().to_owned(),
                organization: organization.short_name.clone(),
                display_name: r.display_name.clone(),
                role_line: r.role_line(),
                login: r.login.clone(),
                password: password.clone(),
            })
            .collect();
        let pdf = credential_sheet_pdf(&cards)?;
        for (r, password) in rows.iter().zip(&passwords) {
            if !issuer.accounts().contains(&r.account_id) {
                return Err(AppError::Forbidden);
            }
            self.store_password(r.account_id, password, true).await?;
            // Whoever held the account before must not keep it: an old session would otherwise
            // be asked to "change" the one-time password it never knew.
            let ended = self.end_account_sessions(r.account_id.get()).await?;
            // The new password must work at once, even on a login paused by failed attempts.
            self.clear_login_failures(org.get(), &r.login).await?;
            self.audit_change(
                actor,
                org,
                origin,
                "credentials.issue",
                format!("account:{}", r.account_id),
                format!(
                    "Выдан новый пароль: {} ({}); завершено сеансов: {ended}",
                    r.display_name, r.login
                ),
            )
            .await;
        }
        Ok(CredentialSheet {
            file_name: format!("credentials-{label}.pdf"),
            pdf,
            count: rows.len(),
        })
    }

    /// The (filtered) user list as an XLSX table, without passwords.
    pub async fn export_people_xlsx(
        &self,
        actor: &Actor,
        filter: &PeopleFilter,
    ) -> AppResult<Vec<u8>> {
        let list = self.list_people(actor, filter).await?;
        let headers = [
            "ФИО",
            "Имя пользователя",
            "Роли",
            "Класс",
            "Дети",
            "Родители",
            "Состояние",
        ];
        let names = |l: &[crate::people::LinkedPerson]| {
            l.iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let rows: Vec<Vec<Cell>> = list
            .rows
            .iter()
            .map(|r| {
                vec![
                    Cell::Text(r.full_name.clone()),
                    Cell::Text(r.login.clone()),
                    Cell::Text(r.roles_text()),
                    r.class
                        .as_ref()
                        .map_or(Cell::Empty, |c| Cell::Text(c.name.clone())),
                    Cell::Text(names(&r.children)),
                    Cell::Text(names(&r.parents)),
                    Cell::Text(
                        if r.active {
                            "активна"
                        } else {
                            "отключена"
                        }
                        .into(),
                    ),
                ]
            })
            .collect();
        Ok(table_xlsx("Пользователи", &headers, &rows)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sgo_core::Role;

    #[test]
    fn file_names_are_ascii() {
        assert_eq!(ascii_name("5А"), "5A");
        assert_eq!(ascii_name("11Б"), "11B");
        assert_eq!(ascii_name("«»"), "list");
    }

    #[test]
    fn role_lines_name_the_class_and_the_children() {
        use crate::people::{ClassOption, LinkedPerson};
        let student = PersonRow {
            account_id: AccountId::new(1),
            full_name: "Иванов Пётр".into(),
            display_name: "Иванов Пётр".into(),
            login: "IvanovP".into(),
            roles: vec![Role::Student],
            class: Some(ClassOption {
                id: 3,
                name: "5А".into(),
            }),
            children: vec![],
            parents: vec![],
            active: true,
        };
        assert_eq!(student.role_line(), "ученик, 5А");
        let parent = PersonRow {
            roles: vec![Role::Parent],
            class: None,
            children: vec![LinkedPerson {
                account_id: AccountId::new(1),
                name: "Иванов Пётр".into(),
            }],
            ..student
        };
        assert_eq!(parent.role_line(), "родитель: Иванов Пётр");
    }
}
