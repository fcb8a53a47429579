//! Password recovery by e-mail: a request sends a one-use link that expires; the link opens a
//! form for a new password. The answer to a request is the same whether or not the account or
//! the address exists, and both the requesting address and each account are rate-limited.

use chrono::Duration;
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncTransport, Message};
use sgo_auth::token;
use sgo_core::AccountId;
use sgo_core::OrganizationId;
use sgo_core::protection::address_scope;
use sgo_core::text;
use sgo_store::NewResetToken;

use crate::settings::{FieldErrors, FormError};
use crate::{App, AppError, AppResult, Origin};

/// What a request is answered with, always.
pub const REQUEST_ANSWER: &str = "Если в выбранной организации есть такая учётная запись и у неё \
    указан этот адрес электронной почты, на него отправлено письмо со ссылкой для выбора нового \
    пароля. Ссылка действует один час. Если письмо не пришло, проверьте папку «Спам» или \
    обратитесь к администратору образовательной организации.";

/// What a spent, expired or unknown link says.
pub const LINK_INVALID: crate::Message = msg!("recovery-link-invalid");

/// Whether recovery by e-mail can work on this portal (an SMTP server and a public address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    /// Links can be sent.
    Email,
    /// Only the school can reset a password.
    SchoolOnly,
}

/// The account a valid link resets, for the form's heading.
#[derive(Debug, Clone)]
pub struct ResetLink {
    /// Login.
    pub login: String,
    /// Name as shown on screen.
    pub display_name: String,
}

/// The new-password form of a recovery link.
#[derive(Debug, Clone, Default)]
#[allow(missing_docs)]
pub struct NewPassword {
    pub new: String,
    pub repeat: String,
}

/// One e-mail to send.
struct ResetMail {
    to: String,
    name: String,
    login: String,
    organization: String,
    link: String,
}

impl App {
    /// Whether the recovery form can send links here.
    pub fn recovery_availability(&self) -> Availability {
        if self.settings.smtp.is_some() && !self.settings.public_url.is_empty() {
            Availability::Email
        } else {
            Availability::SchoolOnly
        }
    }

    /// Handles a recovery request: `who` is a login or an e-mail address in the organization.
    /// Links go to the e-mail address each matching active account has on record. The caller
    /// answers [`REQUEST_ANSWER`] whatever happened; an error here is a storage failure only.
    pub async fn request_password_reset(
        &self,
        organization_id: OrganizationId,
        who: &str,
        origin: &Origin,
    ) -> AppResult<()> {
        let organization_id = organization_id.get();
        let who = who.trim();
        if who.is_empty() || who.chars().count() > 254 {
            return Ok(());
        }
        let rules = self.settings.recovery.clone();
        let now = self.clock.now();
        let cutoff = now - rules.window;
        let target = format!("organization:{organization_id} {who}");
        let address = self
            .store
            .count_failure(&address_scope("reset-ip", &origin.ip), now, cutoff, cutoff)
            .await?;
        if address.failures > i64::from(rules.per_address) {
            self.refuse_reset(target, origin, "слишком много запросов с адреса")
                .await;
            return Ok(());
        }
        let email = if who.contains('@') {
            who.to_lowercase()
        } else {
            String::new()
        };
        let accounts = self
            .store
            .recovery_accounts(organization_id, &text::normalise(who), &email)
            .await?;
        let Some(smtp) = self.settings.smtp.clone() else {
            self.refuse_reset(target, origin, "отправка почты не настроена")
                .await;
            return Ok(());
        };
        let organization = self.short_name_of(organization_id).await?;
        let mut mails = Vec::new();
        for a in accounts
            .into_iter()
            .filter(|a| a.active && a.email.contains('@'))
        {
            let scope = format!("reset-account:{}", a.account_id);
            let count = self
                .store
                .count_failure(&scope, now, cutoff, cutoff)
                .await?;
            if count.failures > i64::from(rules.per_account) {
                self.audit(
                    Some(AccountId::new(a.account_id)),
                    "password.reset_request",
                    target.clone(),
                    origin,
                    "refused",
                    "слишком много запросов для учётной записи".into(),
                )
                .await;
                continue;
            }
            let secret = token::new_session_token();
            self.store
                .create_reset_token(&NewResetToken {
                    token_hash: token::hash_token(&secret),
                    account_id: a.account_id,
                    created_at: now,
                    expires_at: now + rules.token_lifetime,
                    ip: origin.ip.clone(),
                })
                .await?;
            self.audit(
                Some(AccountId::new(a.account_id)),
                "password.reset_request",
                target.clone(),
                origin,
                "ok",
                "ссылка отправлена на адрес из настроек".into(),
            )
            .await;
            mails.push(ResetMail {
                to: a.email.trim().to_owned(),
                name: a.display_name,
                login: a.login,
                organization: organization.clone(),
                link: format!(
                    "{}/recover/{secret}",
                    self.settings.public_url.trim_end_matches('/')
                ),
            });
        }
        if mails.is_empty() {
            return Ok(());
        }
        // Sent after the answer, so that the time to answer does not tell whether mail went out.
        let lifetime = rules.token_lifetime;
        tokio::spawn(async move {
            let transport = match crate::mail::transport(&smtp) {
                Ok(t) => t,
                Err(e) => {
                    tracing::warn!(error = %e.message, "recovery e-mail not sent");
                    return;
                }
            };
            for m in mails {
                if let Err(e) = send_reset_mail(&transport, &smtp.from, &m, lifetime).await {
                    tracing::warn!(error = %e, "recovery e-mail not sent");
                }
            }
        });
        Ok(())
    }

    /// The account a recovery link resets, if the link is still valid.
    pub async fn reset_link(&self, secret: &str) -> AppResult<ResetLink> {
        let invalid = || AppError::BadRequest(LINK_INVALID);
        if secret.is_empty() || secret.len() > 128 {
            return Err(invalid());
        }
        let t = self
            .store
            .reset_token(&token::hash_token(secret))
            .await?
            .ok_or_else(invalid)?;
        if t.used_at.is_some() || t.expires_at <= self.clock.now() || !t.account_active {
            return Err(invalid());
        }
        Ok(ResetLink {
            login: t.login,
            display_name: t.display_name,
        })
    }

    /// Sets a new password through a recovery link, by the rules of the password change page;
    /// the link is spent, and every session of the account ends.
    pub async fn reset_password(
        &self,
        secret: &str,
        input: &NewPassword,
        origin: &Origin,
    ) -> Result<(), FormError> {
        self.reset_link(secret).await?;
        let hash = token::hash_token(secret);
        let t = self
            .store
            .reset_token(&hash)
            .await?
            .ok_or_else(|| AppError::BadRequest(LINK_INVALID))?;
        let person = self.store.account(t.account_id).await?;
        let names: Vec<&str> = person
            .as_ref()
            .map(|a| vec![a.last_name.as_str(), a.first_name.as_str()])
            .unwrap_or_default();
        let mut errors = FieldErrors::default();
        if let Some((field, message)) =
            crate::password::new_password_problem(&t.login, &names, &input.new, &input.repeat)
        {
            errors.add(field, message);
            return Err(FormError::Invalid(errors));
        }
        let account = self
            .store
            .spend_reset_token(&hash, self.clock.now())
            .await?
            .ok_or_else(|| AppError::BadRequest(LINK_INVALID))?;
        self.store_password(AccountId::new(account), &input.new, false)
            .await?;
        self.store.delete_unspent_reset_tokens(account).await?;
        let ended = self.end_account_sessions(account).await?;
        self.clear_login_failures(t.organization_id, &t.login)
            .await?;
        self.audit(
            Some(AccountId::new(account)),
            "password.reset",
            format!("account:{account}"),
            origin,
            "ok",
            format!("пароль изменён по ссылке из письма; завершено сеансов: {ended}"),
        )
        .await;
        Ok(())
    }

    /// A refused request for a reset link: logged, and answered as if it went (so that nobody
    /// learns which logins exist).
    async fn refuse_reset(&self, target: String, origin: &Origin, why: &str) {
        let action = "password.reset_request";
        self.audit(None, action, target, origin, "refused", why.into())
            .await;
    }
}

async fn send_reset_mail(
    transport: &lettre::AsyncSmtpTransport<lettre::Tokio1Executor>,
    from: &str,
    m: &ResetMail,
    lifetime: Duration,
) -> Result<(), String> {
    let from: Mailbox = from.parse().map_err(|e| format!("отправитель: {e}"))?;
    let to = Mailbox::new(
        Some(m.name.clone()),
        m.to.parse().map_err(|e| format!("получатель: {e}"))?,
    );
    let hours = (lifetime.num_minutes().max(1) + 59) / 60;
    let lasts = if hours <= 1 {
        "один час".to_owned()
    } else {
        format!(
            "{hours} {}",
            sgo_core::protection::plural(hours as u64, "час", "часа", "часов")
        )
    };
    let body = format!(
        "Здравствуйте, {name}!\n\n\
         Для учётной записи «{login}» ({organization}) в системе «Сетевой город. Образование» \
         запрошена смена пароля. Чтобы выбрать новый пароль, откройте ссылку:\n\n{link}\n\n\
         Ссылка действует {lasts} и только один раз. Если вы не запрашивали смену пароля, \
         просто не открывайте её: прежний пароль продолжит действовать.\n",
        name = m.name,
        login = m.login,
        organization = m.organization,
        link = m.link,
    );
    let email = Message::builder()
        .from(from)
        .to(to)
        .subject("Восстановление пароля")
        .header(ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|e| e.to_string())?;
    transport
        .send(email)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}
