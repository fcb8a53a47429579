//! Municipalities of the region: reading, adding and renaming them.

use super::*;
use sgo_core::MunicipalityId;

impl App {
    /// One municipality of the actor's region.
    pub async fn region_municipality(
        &self,
        admin: &RegionAdministration,
        id: MunicipalityId,
    ) -> AppResult<MunicipalityRecord> {
        let id = id.get();
        let region = self.administered_region(admin).await?;
        self.municipality_in(region, id).await
    }

    /// Adds a municipality to the actor's region.
    pub async fn create_municipality(
        &self,
        admin: &RegionAdministration,
        origin: &Origin,
        name: &str,
    ) -> FormResult<i64> {
        let region = self.administered_region(admin).await?;
        let mut errors = FieldErrors::default();
        let name = clean_name(name, "name", MAX_NAME, &mut errors);
        if errors.is_empty() && self.municipality_name_taken(region, &name, None).await? {
            errors.add("name", msg!("municipality-exists"));
        }
        errors.checked()?;
        let id = self.store.create_municipality(region, &name).await?;
        self.audit_change(
            admin.actor(),
            admin.organization(),
            origin,
            "municipality.create",
            format!("municipality:{id}"),
            format!("Создано муниципальное образование «{name}»"),
        )
        .await;
        Ok(id)
    }

    async fn municipality_name_taken(
        &self,
        region: i64,
        name: &str,
        except: Option<i64>,
    ) -> AppResult<bool> {
        let siblings = self.store.municipalities(region).await?;
        Ok(name_taken(&siblings, name, except))
    }

    /// Renames a municipality of the actor's region.
    pub async fn rename_municipality(
        &self,
        admin: &RegionAdministration,
        origin: &Origin,
        id: MunicipalityId,
        name: &str,
    ) -> FormResult<()> {
        let id = id.get();
        let region = self.administered_region(admin).await?;
        let old = self.municipality_in(region, id).await?;
        let mut errors = FieldErrors::default();
        let name = clean_name(name, "name", MAX_NAME, &mut errors);
        if errors.is_empty()
            && self
                .municipality_name_taken(region, &name, Some(id))
                .await?
        {
            errors.add("name", msg!("municipality-exists"));
        }
        errors.checked()?;
        if old.name != name {
            self.store.rename_municipality(id, &name).await?;
            self.audit_change(
                admin.actor(),
                admin.organization(),
                origin,
                "municipality.rename",
                format!("municipality:{id}"),
                format!(
                    "Муниципальное образование переименовано: «{}» → «{name}»",
                    old.name
                ),
            )
            .await;
        }
        Ok(())
    }
}
