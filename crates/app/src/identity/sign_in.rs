//! Signing in with an authenticated login state: the chooser's accounts, the final sign-in,
//! and the regional rule that some people may enter only with a confirmed account.

use chrono::NaiveDate;
use sgo_core::AccountId;
use sgo_core::Role;
use sgo_core::identity::{self as rules, TrustLevel};
use sgo_store::{EsiaLinkRecord, RegionIdentitySettings};

use super::EsiaAccount;
use super::stale;
use super::state::stored_level;
use crate::session::{Channel, SignedIn};
use crate::{App, AppError, AppResult, Origin};

/// The active link of the identity to `account_id`, if there is one.
fn enterable(links: Vec<EsiaLinkRecord>, account_id: i64) -> Option<EsiaLinkRecord> {
    links
        .into_iter()
        .find(|l| l.account_id == account_id && l.account_active)
}

/// The start date of the region's confirmed-account rule when it applies to an account with
/// these roles and birth date today.
fn confirmed_rule_start(
    settings: &RegionIdentitySettings,
    roles: &[Role],
    birth_date: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<NaiveDate> {
    settings.esia_confirmed_from.filter(|_| {
        sgo_core::policy::confirmed_account_required(
            settings.esia_confirmed_from,
            roles,
            birth_date,
            today,
        )
    })
}

/// How a sign-in is named in the audit log.
fn sign_in_how(channel: Channel) -> &'static str {
    match channel {
        Channel::Web => "esia web",
        Channel::WebApi => "esia webapi",
    }
}

impl App {
    /// The accounts an authenticated login state may enter (the chooser, `account-info`).
    pub async fn esia_accounts(
        &self,
        login_state: &str,
        bound: Option<&str>,
        channel: Channel,
    ) -> AppResult<Vec<EsiaAccount>> {
        let state = self.live_state(login_state, bound, channel).await?;
        let mut links = self
            .store
            .esia_links_by_subject(state.subject.as_deref().unwrap_or_default())
            .await?;
        links.retain(|l| l.account_active);
        self.describe_links(links).await
    }

    /// Finishes an ESIA sign-in into one of the linked accounts; the state is spent.
    pub async fn esia_sign_in(
        &self,
        login_state: &str,
        account_id: AccountId,
        channel: Channel,
        bound: Option<&str>,
        origin: &Origin,
    ) -> AppResult<SignedIn> {
        let account_id = account_id.get();
        let state = self.live_state(login_state, bound, channel).await?;
        let subject = state.subject.clone().unwrap_or_default();
        let target = format!("esia:{subject} account:{account_id}");
        let link = enterable(
            self.store.esia_links_by_subject(&subject).await?,
            account_id,
        );
        let Some(link) = link else {
            self.audit_refused_sign_in(
                None,
                target,
                origin,
                "esia: учётная запись не привязана".into(),
            )
            .await;
            return Err(AppError::LoginRefused(msg!("esia-account-not-linked")));
        };
        let level = stored_level(&state);
        if level != TrustLevel::Confirmed
            && self
                .confirmed_required(account_id, link.organization_id, link.birth_date)
                .await?
                .is_some()
        {
            self.audit_refused_sign_in(
                Some(AccountId::new(account_id)),
                target,
                origin,
                format!("esia: уровень {}", level.title()),
            )
            .await;
            return Err(AppError::LoginRefused(rules::esia_refusal(level)));
        }
        if !self
            .store
            .use_login_state(&state.id, self.clock.now())
            .await?
        {
            return Err(stale());
        }
        let signed = self.open_session(account_id, channel, None, origin).await?;
        self.audit(
            Some(AccountId::new(account_id)),
            "sign_in",
            target,
            origin,
            "ok",
            sign_in_how(channel).into(),
        )
        .await;
        Ok(signed)
    }

    /// The start date of the confirmed-account rule when it applies to this account today.
    async fn confirmed_required(
        &self,
        account_id: i64,
        organization_id: i64,
        birth_date: Option<NaiveDate>,
    ) -> AppResult<Option<NaiveDate>> {
        let Some(region) = self.store.organization_region(organization_id).await? else {
            return Ok(None);
        };
        let settings = self.store.region_identity_settings(region).await?;
        let roles = self.store.account_roles(account_id).await?;
        let today = self.clock.today();
        Ok(confirmed_rule_start(&settings, &roles, birth_date, today))
    }

    /// Refuses a password sign-in (web or NetSchool) that the confirmed-account rule forbids.
    pub(crate) async fn password_sign_in_allowed(
        &self,
        account_id: i64,
        target: &str,
        origin: &Origin,
    ) -> AppResult<()> {
        let Some(account) = self.store.account(account_id).await? else {
            return Ok(());
        };
        if let Some(from) = self
            .confirmed_required(account_id, account.organization_id, account.birth_date)
            .await?
        {
            self.audit_refused_sign_in(
                Some(AccountId::new(account_id)),
                target.to_owned(),
                origin,
                "пароль: нужна подтверждённая учётная запись ЕСИА".into(),
            )
            .await;
            return Err(AppError::LoginRefused(rules::password_refusal(from)));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::link;
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
    }

    fn rule_from(from: Option<NaiveDate>) -> RegionIdentitySettings {
        RegionIdentitySettings {
            esia_confirmed_from: from,
            esia_auto_link: false,
        }
    }

    #[test]
    fn only_an_active_link_to_the_chosen_account_lets_one_in() {
        let links = vec![link(5, false), link(6, true)];
        assert_eq!(enterable(links.clone(), 6).map(|l| l.account_id), Some(6));
        assert!(enterable(links.clone(), 5).is_none(), "inactive account");
        assert!(enterable(links, 7).is_none(), "not linked at all");
    }

    #[test]
    fn the_rule_binds_parents_and_older_students_once_in_force() {
        let from = Some(d(2026, 9, 1));
        let today = d(2026, 10, 1);
        let older = Some(d(2010, 1, 1));
        let younger = Some(d(2015, 1, 1));
        let rule = rule_from(from);
        assert_eq!(
            confirmed_rule_start(&rule, &[Role::Parent], None, today),
            from
        );
        assert_eq!(
            confirmed_rule_start(&rule, &[Role::Student], older, today),
            from
        );
        assert_eq!(
            confirmed_rule_start(&rule, &[Role::Student], younger, today),
            None
        );
        assert_eq!(
            confirmed_rule_start(&rule, &[Role::Teacher], older, today),
            None
        );
        assert_eq!(
            confirmed_rule_start(&rule, &[Role::Parent], None, d(2026, 8, 31)),
            None,
            "not yet in force"
        );
        assert_eq!(
            confirmed_rule_start(&rule_from(None), &[Role::Parent], None, today),
            None,
            "the region has no rule"
        );
    }

    #[test]
    fn the_audit_log_tells_the_doors_apart() {
        assert_eq!(sign_in_how(Channel::Web), "esia web");
        assert_eq!(sign_in_how(Channel::WebApi), "esia webapi");
    }
}
