//! Who wrote: the authors of mail and announcements as the school's records name them (see
//! [`sgo_core::author`]), read for a whole page at once.

use std::collections::HashMap;

use sgo_core::Role;
pub use sgo_core::author::Author;

use crate::{App, AppResult};

impl App {
    /// The authors of these accounts, by account; an id no longer stored is left out.
    pub(crate) async fn authors(&self, ids: &[i64]) -> AppResult<HashMap<i64, Author>> {
        let mut wanted = ids.to_vec();
        wanted.sort_unstable();
        wanted.dedup();
        let mut out: HashMap<i64, Author> = HashMap::new();
        for r in self.store.authors(&wanted).await? {
            let author = out.entry(r.account_id).or_insert_with(|| Author {
                id: sgo_core::AccountId::new(r.account_id),
                last_name: r.last_name,
                first_name: r.first_name,
                middle_name: r.middle_name,
                display_name: r.display_name,
                roles: Vec::new(),
                school: r.organization_name,
            });
            if let Some(role) = r.role.and_then(|code| Role::from_code(&code).ok()) {
                author.roles.push(role);
            }
        }
        Ok(out)
    }

    /// One author; an account no longer stored is named only by its number.
    pub(crate) async fn author(&self, id: i64) -> AppResult<Author> {
        Ok(self
            .authors(&[id])
            .await?
            .remove(&id)
            .unwrap_or_else(|| unknown(id)))
    }
}

/// An author whose account is gone: no chosen name to show, only the fact.
pub(crate) fn unknown(id: i64) -> Author {
    Author {
        id: sgo_core::AccountId::new(id),
        last_name: String::new(),
        first_name: String::new(),
        middle_name: String::new(),
        display_name: String::new(),
        roles: Vec::new(),
        school: String::new(),
    }
}
