//! Personal settings: the fields a person may change themself, and their password.

use sgo_auth::password;
use sgo_core::settings::{self as rules, Channel};
use sgo_core::{AccountId, OrganizationId};
use sgo_core::{Actor, text};
use sgo_store::PersonalSettingsUpdate;

use crate::session::Authenticated;
use crate::{App, AppError, Origin};

pub use sgo_core::settings::Channel as PreferredChannel;
pub use sgo_store::PersonalSettingsRecord as PersonalSettings;

/// The answer to a person whose names are the school's to change.
pub const NAMES_ARE_THE_SCHOOLS: crate::Message = msg!("settings-names-are-the-schools");

pub use crate::form::{FieldErrors, FormError};

/// The personal settings form as submitted. The names are `Some` only when the request carries
/// them (the page shows them read-only, so a browser does not send them).
#[derive(Debug, Clone, Default)]
#[allow(missing_docs)]
pub struct SettingsInput {
    pub last_name: Option<String>,
    pub first_name: Option<String>,
    pub middle_name: Option<String>,
    pub display_name: String,
    pub email: String,
    pub phone: String,
    pub preferred_channel: String,
    pub signature_cert_url: String,
}

/// The password form. `current` is not asked after a one-time password.
#[derive(Debug, Clone, Default)]
#[allow(missing_docs)]
pub struct PasswordInput {
    pub current: String,
    pub new: String,
    pub repeat: String,
}

/// `«old» → «new»` for a field that changed, in the audit log's words.
fn describe(changes: &mut Vec<String>, label: &str, old: &str, new: &str) {
    if old != new {
        changes.push(format!("{label}: «{old}» → «{new}»"));
    }
}

fn channel_title(code: &str) -> &str {
    Channel::from_code(code).map_or(code, |c| c.title())
}

impl App {
    /// The signed-in person's settings.
    pub async fn personal_settings(&self, actor: &Actor) -> Result<PersonalSettings, AppError> {
        if !sgo_core::policy::may_edit_own_settings(actor, AccountId::new(actor.account_id.get())) {
            return Err(AppError::Forbidden);
        }
        self.store
            .personal_settings(actor.account_id.get())
            .await?
            .ok_or(AppError::Unauthenticated)
    }

    /// Saves the fields a person may change themself. Names and login are the school's: a
    /// request that tries to change them is refused with a message and saves nothing.
    pub async fn save_personal_settings(
        &self,
        actor: &Actor,
        origin: &Origin,
        input: &SettingsInput,
    ) -> Result<(), FormError> {
        let current = self.personal_settings(actor).await?;
        let mut errors = FieldErrors::default();
        let names = [
            (&input.last_name, &current.last_name),
            (&input.first_name, &current.first_name),
            (&input.middle_name, &current.middle_name),
        ];
        if names
            .iter()
            .any(|(sent, stored)| sent.as_deref().is_some_and(|s| s.trim() != stored.trim()))
        {
            errors.add("names", NAMES_ARE_THE_SCHOOLS);
        }
        let mut field = |name: &'static str, checked: Result<String, crate::Message>| match checked
        {
            Ok(v) => v,
            Err(m) => {
                errors.add(name, m);
                String::new()
            }
        };
        let display_name = field(
            "display_name",
            rules::check_display_name(&input.display_name),
        );
        let email = field("email", rules::check_email(&input.email));
        let phone = field("phone", rules::normalise_phone(&input.phone));
        let signature_cert_url = field(
            "signature_cert_url",
            rules::check_certificate_url(&input.signature_cert_url),
        );
        let channel = Channel::from_code(input.preferred_channel.trim());
        match channel {
            None => errors.add("preferred_channel", msg!("settings-channel-required")),
            Some(Channel::Email) if input.email.trim().is_empty() => {
                errors.add("email", msg!("settings-email-required-for-channel"))
            }
            Some(_) => {}
        }
        errors.checked()?;
        let update = PersonalSettingsUpdate {
            display_name,
            email,
            phone,
            preferred_channel: channel.unwrap_or(Channel::System).code().to_owned(),
            signature_cert_url,
        };
        let mut changes = Vec::new();
        describe(
            &mut changes,
            "Имя на экране",
            &current.display_name,
            &update.display_name,
        );
        describe(&mut changes, "E-mail", &current.email, &update.email);
        describe(&mut changes, "Телефон", &current.phone, &update.phone);
        describe(
            &mut changes,
            "Способ получения сообщений",
            channel_title(&current.preferred_channel),
            channel_title(&update.preferred_channel),
        );
        describe(
            &mut changes,
            "Адрес сертификата электронной подписи",
            &current.signature_cert_url,
            &update.signature_cert_url,
        );
        if changes.is_empty() {
            return Ok(());
        }
        if !self
            .store
            .update_personal_settings(actor.account_id.get(), &update)
            .await?
        {
            return Err(AppError::Unauthenticated.into());
        }
        self.audit_change(
            actor,
            OrganizationId::new(current.organization_id),
            origin,
            "settings.update",
            format!("account:{}", actor.account_id.get()),
            changes.join("; "),
        )
        .await;
        Ok(())
    }

    /// Changes the signed-in person's password and ends every session of theirs, the one that
    /// made the change included; returns the token of a fresh web session for this browser, so
    /// that whoever held the old token (a copied cookie) is out too. The current password is
    /// asked every time, the one-time one too: a session opened before the sheet was issued must
    /// not be able to choose a password knowing nothing.
    pub async fn change_password(
        &self,
        who: &Authenticated,
        origin: &Origin,
        input: &PasswordInput,
    ) -> Result<String, FormError> {
        let actor = &who.actor;
        let me = self.personal_settings(actor).await?;
        let stored_hash = self
            .store
            .credentials(me.organization_id, &text::normalise(&me.login))
            .await?
            .and_then(|c| c.password_hash);
        let forced = me.must_change_password;
        let target = format!("account:{}", actor.account_id.get());
        let mut errors = FieldErrors::default();
        if input.current.is_empty() {
            errors.add(
                "current_password",
                if forced {
                    msg!("password-temporary-required")
                } else {
                    msg!("password-current-required")
                },
            );
        } else {
            let hash = stored_hash.clone();
            let clear = input.current.clone();
            let matched = crate::password::argon2(move || {
                hash.as_deref()
                    .is_some_and(|h| password::verify_password(h, &clear))
            })
            .await
            .unwrap_or(false);
            if !matched {
                self.audit(
                    Some(actor.account_id),
                    "password.change",
                    target,
                    origin,
                    "refused",
                    "неверный текущий пароль".into(),
                )
                .await;
                errors.add(
                    "current_password",
                    if forced {
                        msg!("password-temporary-wrong")
                    } else {
                        msg!("password-current-wrong")
                    },
                );
                return Err(FormError::Invalid(errors));
            }
        }
        let problem = crate::password::new_password_problem(
            &me.login,
            &[&me.last_name, &me.first_name],
            &input.new,
            &input.repeat,
        );
        let unchanged = match (&problem, stored_hash) {
            (None, Some(hash)) => {
                let new = input.new.clone();
                crate::password::argon2(move || password::verify_password(&hash, &new))
                    .await
                    .unwrap_or(false)
            }
            _ => false,
        };
        if let Some((field, message)) = problem {
            errors.add(field, message);
        } else if unchanged {
            errors.add(
                "new_password",
                if forced {
                    msg!("password-same-as-temporary")
                } else {
                    msg!("password-same-as-current")
                },
            );
        }
        errors.checked()?;
        self.store_password(AccountId::new(actor.account_id.get()), &input.new, false)
            .await?;
        // Every session goes, this one too (its cached copy carries the one-time-password
        // flag); the browser that made the change continues in a new one.
        let ended = self.end_account_sessions(actor.account_id.get()).await?;
        let fresh = self
            .start_session(
                actor.account_id.get(),
                me.organization_id,
                crate::session::Channel::Web,
                None,
                origin,
            )
            .await?;
        let mut details = if forced {
            "Временный пароль заменён постоянным".to_owned()
        } else {
            "Пароль изменён".to_owned()
        };
        details.push_str(&format!("; завершено сеансов: {ended}"));
        self.audit_change(
            actor,
            OrganizationId::new(me.organization_id),
            origin,
            "password.change",
            target,
            details,
        )
        .await;
        Ok(fresh.token)
    }
}
