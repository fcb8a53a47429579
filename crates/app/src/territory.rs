//! The territory as the login form and school search see it. Public information.

use chrono::NaiveDate;
use sgo_core::{MunicipalityId, OrganizationId, OrganizationKind, RegionId, SettlementId, text};
use sgo_store::{NamedRecord, OrganizationRecord};

use crate::{App, AppError, AppResult};

/// An organization's card: names, requisites, contacts and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct Organization {
    pub id: OrganizationId,
    pub kind: OrganizationKind,
    pub short_name: String,
    pub full_name: String,
    /// The education authority it answers to.
    pub authority_id: Option<OrganizationId>,
    pub inn: String,
    pub ogrn: String,
    pub post_address: String,
    pub juridical_address: String,
    pub phones: String,
    pub fax: String,
    pub email: String,
    pub web: String,
    pub director: String,
    pub principal_uvr: String,
    pub principal_ahc: String,
    pub principal_it: String,
    pub about: String,
    pub founding_date: Option<NaiveDate>,
    pub settlement_id: SettlementId,
    pub settlement_name: String,
    pub municipality_id: MunicipalityId,
    pub municipality_name: String,
    pub region_id: RegionId,
    pub region_name: String,
}

impl From<OrganizationRecord> for Organization {
    fn from(r: OrganizationRecord) -> Organization {
        Organization {
            id: OrganizationId::new(r.id),
            kind: r.kind,
            short_name: r.short_name,
            full_name: r.full_name,
            authority_id: r.authority_id.map(OrganizationId::new),
            inn: r.inn,
            ogrn: r.ogrn,
            post_address: r.post_address,
            juridical_address: r.juridical_address,
            phones: r.phones,
            fax: r.fax,
            email: r.email,
            web: r.web,
            director: r.director,
            principal_uvr: r.principal_uvr,
            principal_ahc: r.principal_ahc,
            principal_it: r.principal_it,
            about: r.about,
            founding_date: r.founding_date,
            settlement_id: SettlementId::new(r.settlement_id),
            settlement_name: r.settlement_name,
            municipality_id: MunicipalityId::new(r.municipality_id),
            municipality_name: r.municipality_name,
            region_id: RegionId::new(r.region_id),
            region_name: r.region_name,
        }
    }
}

/// One step of the login cascade: which level is asked for, by the ids chosen so far.
#[derive(Debug, Clone, Default)]
pub struct CascadeQuery {
    /// Chosen region.
    pub region: Option<RegionId>,
    /// Chosen municipality.
    pub municipality: Option<MunicipalityId>,
    /// Chosen settlement.
    pub settlement: Option<SettlementId>,
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
    /// An organization's short name; empty when there is no such organization (a heading
    /// then goes without it rather than failing the page).
    pub(crate) async fn short_name_of(&self, organization_id: i64) -> AppResult<String> {
        Ok(self
            .store
            .organization(organization_id)
            .await?
            .map(|o| o.short_name)
            .unwrap_or_default())
    }

    /// The options of the level after the deepest one chosen.
    pub async fn cascade(&self, q: &CascadeQuery) -> AppResult<Vec<CascadeOption>> {
        let store = &self.store;
        Ok(match (q.region, q.municipality, q.settlement, q.kind) {
            (_, _, Some(settlement), Some(kind)) => {
                named(store.organizations_in(settlement.get(), kind).await?)
            }
            (_, _, Some(settlement), None) => store
                .organization_kinds(settlement.get())
                .await?
                .into_iter()
                .map(|k| CascadeOption {
                    id: k.code().into(),
                    name: k.title().into(),
                })
                .collect(),
            (_, Some(municipality), None, _) => named(store.settlements(municipality.get()).await?),
            (Some(region), None, None, _) => named(store.municipalities(region.get()).await?),
            (None, None, None, _) => named(store.regions().await?),
        })
    }

    /// Organizations whose name contains the text (all when empty), optionally of one kind.
    pub async fn search_organizations(
        &self,
        name: Option<&str>,
        kind: Option<OrganizationKind>,
    ) -> AppResult<Vec<Organization>> {
        let needle = name.map(text::normalise).filter(|n| !n.is_empty());
        if needle.as_ref().is_some_and(|n| n.chars().count() > 200) {
            return Err(AppError::BadRequest(msg!("search-text-too-long")));
        }
        Ok(crate::view::views(
            self.store
                .search_organizations(needle.as_deref(), kind)
                .await?,
        ))
    }

    /// An organization's card.
    pub async fn organization_card(&self, id: OrganizationId) -> AppResult<Organization> {
        self.store
            .organization(id.get())
            .await?
            .map(Organization::from)
            .ok_or_else(|| AppError::NotFound(msg!("organization-not-found")))
    }
}
