//! Settlements of a municipality: reading, adding and renaming them.

use super::*;
use sgo_core::{MunicipalityId, SettlementId};

impl App {
    /// One settlement of the actor's region.
    pub async fn region_settlement(
        &self,
        admin: &RegionAdministration,
        id: SettlementId,
    ) -> AppResult<SettlementRecord> {
        let id = id.get();
        let region = self.administered_region(admin).await?;
        self.settlement_in(region, id).await
    }

    async fn settlement_name_taken(
        &self,
        municipality: i64,
        name: &str,
        except: Option<i64>,
    ) -> AppResult<bool> {
        let siblings = self.store.settlements(municipality).await?;
        Ok(name_taken(&siblings, name, except))
    }

    /// Adds a settlement to a municipality of the actor's region.
    pub async fn create_settlement(
        &self,
        admin: &RegionAdministration,
        origin: &Origin,
        municipality: MunicipalityId,
        name: &str,
    ) -> FormResult<i64> {
        let municipality = municipality.get();
        let region = self.administered_region(admin).await?;
        let m = self.municipality_in(region, municipality).await?;
        let mut errors = FieldErrors::default();
        let name = clean_name(name, "name", MAX_NAME, &mut errors);
        if errors.is_empty() && self.settlement_name_taken(m.id, &name, None).await? {
            errors.add("name", msg!("settlement-exists"));
        }
        errors.checked()?;
        let id = self.store.create_settlement(m.id, &name).await?;
        self.audit_change(
            admin.actor(),
            admin.organization(),
            origin,
            "settlement.create",
            format!("settlement:{id}"),
            format!("Создан населённый пункт «{name}» ({})", m.name),
        )
        .await;
        Ok(id)
    }

    /// Renames a settlement of the actor's region.
    pub async fn rename_settlement(
        &self,
        admin: &RegionAdministration,
        origin: &Origin,
        id: SettlementId,
        name: &str,
    ) -> FormResult<()> {
        let id = id.get();
        let region = self.administered_region(admin).await?;
        let old = self.settlement_in(region, id).await?;
        let mut errors = FieldErrors::default();
        let name = clean_name(name, "name", MAX_NAME, &mut errors);
        if errors.is_empty()
            && self
                .settlement_name_taken(old.municipality_id, &name, Some(id))
                .await?
        {
            errors.add("name", msg!("settlement-exists"));
        }
        errors.checked()?;
        if old.name != name {
            self.store.rename_settlement(id, &name).await?;
            self.audit_change(
                admin.actor(),
                admin.organization(),
                origin,
                "settlement.rename",
                format!("settlement:{id}"),
                format!("Населённый пункт переименован: «{}» → «{name}»", old.name),
            )
            .await;
        }
        Ok(())
    }
}
