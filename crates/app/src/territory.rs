//! The territory as the login form and school search see it. Public information.

use sgo_core::{OrganizationKind, text};
use sgo_store::{NamedRecord, OrganizationRecord};

use crate::{App, AppError, AppResult};

/// One step of the login cascade: which level is asked for, by the ids chosen so far.
#[derive(Debug, Clone, Default)]
pub struct CascadeQuery {
    /// Chosen region.
    pub region: Option<i64>,
    /// Chosen municipality.
    pub municipality: Option<i64>,
    /// Chosen settlement.
    pub settlement: Option<i64>,
    /// Chosen kind.
    pub kind: Option<OrganizationKind>,
}

/// An option of a cascade level; kinds use their code as id.
#[derive(Debug, Clone, PartialEq)]
pub struct CascadeOption {
    /// Value to submit.
    pub id: String,
    /// Text to show.
    pub name: String,
}

fn named(list: Vec<NamedRecord>) -> Vec<CascadeOption> {
    list.into_iter()
        .map(|r| CascadeOption {
            id: r.id.to_string(),
            name: r.name,
        })
        .collect()
}

impl App {
    /// The options of the level after the deepest one chosen.
    pub async fn cascade(&self, q: &CascadeQuery) -> AppResult<Vec<CascadeOption>> {
        let store = &self.store;
        Ok(match (q.region, q.municipality, q.settlement, q.kind) {
            (_, _, Some(settlement), Some(kind)) => {
                named(store.organizations_in(settlement, kind).await?)
            }
            (_, _, Some(settlement), None) => store
                .organization_kinds(settlement)
                .await?
                .into_iter()
                .map(|k| CascadeOption {
                    id: k.code().into(),
                    name: k.title().into(),
                })
                .collect(),
            (_, Some(municipality), None, _) => named(store.settlements(municipality).await?),
            (Some(region), None, None, _) => named(store.municipalities(region).await?),
            (None, None, None, _) => named(store.regions().await?),
        })
    }

    /// Organizations whose name contains the text (all when empty), optionally of one kind.
    pub async fn search_organizations(
        &self,
        name: Option<&str>,
        kind: Option<OrganizationKind>,
    ) -> AppResult<Vec<OrganizationRecord>> {
        let needle = name.map(text::normalise).filter(|n| !n.is_empty());
        if needle.as_ref().is_some_and(|n| n.chars().count() > 200) {
            return Err(AppError::BadRequest(msg!("search-text-too-long")));
        }
        Ok(self
            .store
            .search_organizations(needle.as_deref(), kind)
            .await?)
    }

    /// An organization's card.
    pub async fn organization_card(&self, id: i64) -> AppResult<OrganizationRecord> {
        self.store
            .organization(id)
            .await?
            .ok_or_else(|| AppError::NotFound(msg!("organization-not-found")))
    }
}
