//! Links between ESIA identities and accounts: the automatic link on a first confirmed
//! sign-in, and the account's own list of links.

use sgo_auth::oidc::Identity;
use sgo_core::AccountId;
use sgo_core::identity::TrustLevel;
use sgo_core::{Actor, text};
use sgo_store::PersonAccountRecord;

use super::EsiaLink;
use crate::{App, AppError, AppResult, Origin};

/// A name as matching compares it: each part normalised.
fn name_key(last: &str, first: &str, middle: &str) -> [String; 3] {
    [
        text::normalise(last),
        text::normalise(first),
        text::normalise(middle),
    ]
}

/// Whether a recorded person bears the wanted name; a name without a last or first part
/// matches nobody.
fn name_matches(wanted: &[String; 3], c: &PersonAccountRecord) -> bool {
    !wanted[0].is_empty()
        && !wanted[1].is_empty()
        && name_key(&c.last_name, &c.first_name, &c.middle_name) == *wanted
}

/// Whether the candidates' accounts all belong to one person: only then is the match sure.
fn one_person(candidates: &[PersonAccountRecord]) -> bool {
    let mut persons: Vec<i64> = candidates.iter().map(|c| c.person_id).collect();
    persons.sort_unstable();
    persons.dedup();
    persons.len() == 1
}

impl App {
    /// Links a confirmed identity to the one recorded person it matches (SNILS, else full name
    /// and birth date), in regions that allow it; returns whether anything was linked.
    pub(super) async fn auto_link(
        &self,
        identity: &Identity,
        level: TrustLevel,
        origin: &Origin,
    ) -> AppResult<bool> {
        if level != TrustLevel::Confirmed {
            return Ok(false);
        }
        let snils = identity
            .snils
            .as_deref()
            .and_then(|s| sgo_core::person::parse_snils(s).ok());
        let mut candidates = match &snils {
            Some(s) => self.store.accounts_by_snils(s).await?,
            None => Vec::new(),
        };
        if candidates.is_empty()
            && let Some(birth) = identity.birth_date
        {
            let wanted = name_key(
                &identity.last_name,
                &identity.first_name,
                &identity.middle_name,
            );
            candidates = self
                .store
                .accounts_by_birth_date(birth)
                .await?
                .into_iter()
                .filter(|c| name_matches(&wanted, c))
                .collect();
        }
        if !one_person(&candidates) {
            return Ok(false);
        }
        let mut linked = false;
        for c in candidates {
            let Some(region) = self.store.organization_region(c.organization_id).await? else {
                continue;
            };
            if !self
                .store
                .region_identity_settings(region)
                .await?
                .esia_auto_link
            {
                continue;
            }
            if self
                .store
                .create_esia_link(
                    &identity.subject,
                    c.account_id,
                    None,
                    "auto",
                    self.clock.now(),
                )
                .await?
            {
                linked = true;
                self.audit(
                    Some(AccountId::new(c.account_id)),
                    "esia_link",
                    format!("esia:{}", identity.subject),
                    origin,
                    "ok",
                    "автоматически".into(),
                )
                .await;
            }
        }
        Ok(linked)
    }

    /// The ESIA identities linked to the signed-in account.
    pub async fn esia_links(&self, actor: &Actor) -> AppResult<Vec<EsiaLink>> {
        Ok(self
            .store
            .esia_links_by_account(actor.account_id.get())
            .await?)
    }

    /// Removes one of the signed-in account's links.
    pub async fn esia_unlink(&self, actor: &Actor, link_id: i64, origin: &Origin) -> AppResult<()> {
        if !self
            .store
            .delete_esia_link(link_id, actor.account_id.get())
            .await?
        {
            return Err(AppError::NotFound(msg!("esia-link-not-found")));
        }
        self.audit(
            Some(actor.account_id),
            "esia_unlink",
            format!("esia_link:{link_id}"),
            origin,
            "ok",
            String::new(),
        )
        .await;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(account: i64, person: i64, name: [&str; 3]) -> PersonAccountRecord {
        PersonAccountRecord {
            account_id: account,
            person_id: person,
            organization_id: 7,
            last_name: name[0].into(),
            first_name: name[1].into(),
            middle_name: name[2].into(),
            birth_date: None,
            snils: None,
        }
    }

    #[test]
    fn names_match_whatever_the_case_and_yo() {
        let wanted = name_key("Пётр", "Семёнов", "");
        assert!(name_matches(
            &wanted,
            &candidate(1, 1, ["ПЕТР", "семенов", ""])
        ));
        assert!(!name_matches(
            &wanted,
            &candidate(1, 1, ["Петр", "Семенов", "Ильич"])
        ));
        assert!(!name_matches(
            &wanted,
            &candidate(1, 1, ["Петров", "Семенов", ""])
        ));
    }

    #[test]
    fn a_name_without_last_or_first_part_matches_nobody() {
        let no_first = name_key("Петров", "", "");
        assert!(!name_matches(
            &no_first,
            &candidate(1, 1, ["Петров", "", ""])
        ));
        let no_last = name_key("", "Иван", "");
        assert!(!name_matches(&no_last, &candidate(1, 1, ["", "Иван", ""])));
    }

    #[test]
    fn only_the_accounts_of_one_person_are_a_sure_match() {
        assert!(!one_person(&[]));
        let n = ["А", "Б", ""];
        assert!(one_person(&[candidate(1, 9, n)]));
        // A parent who also works at the school: two accounts, one person.
        assert!(one_person(&[candidate(1, 9, n), candidate(2, 9, n)]));
        // Namesakes born on one day: nobody is linked.
        assert!(!one_person(&[
            candidate(1, 9, n),
            candidate(2, 10, n),
            candidate(3, 9, n)
        ]));
    }
}
