//! The region at a glance: its territory and the organizations in it.

use super::*;

/// A municipality with its settlements.
#[derive(Debug, Clone, PartialEq)]
pub struct MunicipalityTree {
    /// The municipality.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its settlements, by name.
    pub settlements: Vec<NamedRecord>,
}

/// The region as its administrator sees it.
#[derive(Debug, Clone)]
pub struct RegionOverview {
    /// The region.
    pub region_id: i64,
    /// Its name.
    pub region_name: String,
    /// Municipalities with settlements.
    pub municipalities: Vec<MunicipalityTree>,
    /// Organizations passing the filter, active or not.
    pub organizations: Vec<OrganizationListRecord>,
}

impl App {
    async fn municipality_trees(&self, region: i64) -> AppResult<Vec<MunicipalityTree>> {
        let mut trees: Vec<MunicipalityTree> = Vec::new();
        for row in self.store.territory_rows(region).await? {
            if trees.last().is_none_or(|t| t.id != row.municipality_id) {
                trees.push(MunicipalityTree {
                    id: row.municipality_id,
                    name: row.municipality_name.clone(),
                    settlements: Vec::new(),
                });
            }
            if let (Some(id), Some(name), Some(tree)) =
                (row.settlement_id, row.settlement_name, trees.last_mut())
            {
                tree.settlements.push(NamedRecord { id, name });
            }
        }
        Ok(trees)
    }

    /// The region's territory and the organizations that pass the filter.
    pub async fn region_overview(
        &self,
        admin: &RegionAdministration,
        filter: &OrganizationFilter,
    ) -> AppResult<RegionOverview> {
        let region = self.administered_region(admin).await?;
        let region_name = self
            .store
            .regions()
            .await?
            .into_iter()
            .find(|r| r.id == region)
            .map(|r| r.name)
            .unwrap_or_default();
        let mut filter = filter.clone();
        filter.name_norm = filter
            .name_norm
            .as_deref()
            .map(text::normalise)
            .filter(|n| !n.is_empty());
        if filter
            .name_norm
            .as_ref()
            .is_some_and(|n| chars(n) > MAX_NAME)
        {
            return Err(AppError::BadRequest(msg!("search-text-too-long")));
        }
        Ok(RegionOverview {
            region_id: region,
            region_name,
            municipalities: self.municipality_trees(region).await?,
            organizations: self.store.region_organizations(region, &filter).await?,
        })
    }

    /// The education authorities of the actor's region (active ones), for the «reports to» choice.
    pub async fn region_authorities(
        &self,
        admin: &RegionAdministration,
    ) -> AppResult<Vec<NamedRecord>> {
        let region = self.administered_region(admin).await?;
        let mut out = Vec::new();
        for kind in [
            OrganizationKind::RegionalAuthority,
            OrganizationKind::MunicipalAuthority,
        ] {
            let filter = OrganizationFilter {
                kind: Some(kind),
                ..OrganizationFilter::default()
            };
            out.extend(
                self.store
                    .region_organizations(region, &filter)
                    .await?
                    .into_iter()
                    .filter(|o| o.active)
                    .map(|o| NamedRecord {
                        id: o.id,
                        name: o.short_name,
                    }),
            );
        }
        Ok(out)
    }

    /// Every municipality of the actor's region with its settlements (for the forms' choices).
    pub async fn region_territory(
        &self,
        admin: &RegionAdministration,
    ) -> AppResult<Vec<MunicipalityTree>> {
        let region = self.administered_region(admin).await?;
        self.municipality_trees(region).await
    }
}
