//! Region administration: municipalities, settlements and organizations of every kind.

use crate::OrganizationId;
use async_trait::async_trait;
use chrono::NaiveDate;
use sgo_core::{OrganizationKind, Role};

use crate::{NamedRecord, StoreResult};

/// A municipality with the region it belongs to.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct MunicipalityRecord {
    pub id: i64,
    pub region_id: i64,
    pub name: String,
}

/// A settlement with its municipality and region.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct SettlementRecord {
    pub id: i64,
    pub municipality_id: i64,
    pub municipality_name: String,
    pub region_id: i64,
    pub name: String,
}

/// One line of the territory tree: a municipality and one of its settlements (none when it has none yet).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct TerritoryRow {
    pub municipality_id: i64,
    pub municipality_name: String,
    pub settlement_id: Option<i64>,
    pub settlement_name: Option<String>,
}

/// An organization as the region's list shows it, active or not.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct OrganizationListRecord {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub kind: OrganizationKind,
    pub short_name: String,
    pub full_name: String,
    pub active: bool,
    pub settlement_id: i64,
    pub settlement_name: String,
    pub municipality_id: i64,
    pub municipality_name: String,
}

/// Which organizations of a region to list (a core type).
pub use sgo_core::territory_admin::OrganizationFilter;

/// The school-card columns of an organization, as written by the region administrator.
#[derive(Debug, Clone, Default, PartialEq)]
#[allow(missing_docs)]
pub struct OrganizationFields {
    pub settlement_id: i64,
    pub kind: Option<OrganizationKind>,
    pub short_name: String,
    pub full_name: String,
    /// `sgo_core::text::normalise` of the names, for search and the login form.
    pub name_norm: String,
    pub authority_id: Option<i64>,
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
}

/// An account of an organization, briefly.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct AccountBriefRecord {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub active: bool,
}

/// Region administration — storage operations.
#[async_trait]
pub trait TerritoryAdminStore: Send + Sync {
    /// The region an organization belongs to.
    async fn organization_region(&self, organization: OrganizationId) -> StoreResult<Option<i64>>;
    /// Every municipality of a region with each of its settlements, by name.
    async fn territory_rows(&self, region_id: i64) -> StoreResult<Vec<TerritoryRow>>;
    /// One municipality.
    async fn territory_municipality(&self, id: i64) -> StoreResult<Option<MunicipalityRecord>>;
    /// One settlement with its municipality.
    async fn territory_settlement(&self, id: i64) -> StoreResult<Option<SettlementRecord>>;
    /// Adds a municipality to a region; returns its id.
    async fn create_municipality(&self, region_id: i64, name: &str) -> StoreResult<i64>;
    /// Renames a municipality; false when it does not exist.
    async fn rename_municipality(&self, id: i64, name: &str) -> StoreResult<bool>;
    /// Adds a settlement to a municipality; returns its id.
    async fn create_settlement(&self, municipality_id: i64, name: &str) -> StoreResult<i64>;
    /// Renames a settlement; false when it does not exist.
    async fn rename_settlement(&self, id: i64, name: &str) -> StoreResult<bool>;
    /// Organizations of a region, active or not, by municipality, settlement and name.
    async fn region_organizations(
        &self,
        region_id: i64,
        filter: &OrganizationFilter,
    ) -> StoreResult<Vec<OrganizationListRecord>>;
    /// Short names of every organization in a settlement (active or not), with their ids.
    async fn settlement_organization_names(
        &self,
        settlement_id: i64,
    ) -> StoreResult<Vec<NamedRecord>>;
    /// Whether an organization is active; `None` when it does not exist.
    async fn organization_active(&self, id: OrganizationId) -> StoreResult<Option<bool>>;
    /// Adds an organization; returns its id.
    async fn create_organization(&self, fields: &OrganizationFields) -> StoreResult<i64>;
    /// Rewrites an organization's card and place; false when it does not exist.
    async fn update_organization(
        &self,
        id: OrganizationId,
        fields: &OrganizationFields,
    ) -> StoreResult<bool>;
    /// Opens or closes an organization for sign-in and search; false when it does not exist.
    async fn set_organization_active(&self, id: OrganizationId, active: bool) -> StoreResult<bool>;
    /// Accounts of an organization holding a role, by display name.
    async fn organization_accounts_with_role(
        &self,
        organization: OrganizationId,
        role: Role,
    ) -> StoreResult<Vec<AccountBriefRecord>>;
}
