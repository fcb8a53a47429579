// Region administration: the SQL of [`crate::TerritoryAdminStore`], included into each engine by `repo.rs`.

/// Binds the school-card fields in their column order, after what `q` has bound already.
fn bind_organization<'q>(q: ScalarQuery<'q, i64>, f: &'q crate::OrganizationFields) -> ScalarQuery<'q, i64> {
    q.bind(f.settlement_id)
        .bind(f.kind.map(|k| k.code()).unwrap_or_default())
        .bind(&f.short_name)
        .bind(&f.full_name)
        .bind(&f.name_norm)
        .bind(f.authority_id)
        .bind(&f.inn)
        .bind(&f.ogrn)
        .bind(&f.post_address)
        .bind(&f.juridical_address)
        .bind(&f.phones)
        .bind(&f.fax)
        .bind(&f.email)
        .bind(&f.web)
        .bind(&f.director)
        .bind(&f.principal_uvr)
        .bind(&f.principal_ahc)
        .bind(&f.principal_it)
        .bind(&f.about)
        .bind(f.founding_date)
}

#[async_trait]
impl crate::TerritoryAdminStore for Backend {
    async fn organization_region(&self, organization: OrganizationId) -> StoreResult<Option<i64>> {
        Ok(query_scalar(
            "SELECT m.region_id FROM organizations o JOIN settlements s ON s.id = o.settlement_id \
             JOIN municipalities m ON m.id = s.municipality_id WHERE o.id = $1",
        )
        .bind(organization)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn territory_rows(&self, region_id: i64) -> StoreResult<Vec<crate::TerritoryRow>> {
        fetch_all_by(&self.pool, "SELECT m.id AS municipality_id, m.name AS municipality_name, s.id AS settlement_id, \
             s.name AS settlement_name FROM municipalities m LEFT JOIN settlements s ON s.municipality_id = m.id \
             WHERE m.region_id = $1 ORDER BY m.name, m.id, s.name, s.id", region_id).await
    }

    async fn territory_municipality(&self, id: i64) -> StoreResult<Option<crate::MunicipalityRecord>> {
        fetch_optional_by(&self.pool, "SELECT id, region_id, name FROM municipalities WHERE id = $1", id).await
    }

    async fn territory_settlement(&self, id: i64) -> StoreResult<Option<crate::SettlementRecord>> {
        fetch_optional_by(&self.pool, "SELECT s.id, s.municipality_id, m.name AS municipality_name, m.region_id, s.name \
             FROM settlements s JOIN municipalities m ON m.id = s.municipality_id WHERE s.id = $1", id).await
    }

    async fn create_municipality(&self, region_id: i64, name: &str) -> StoreResult<i64> {
        query_scalar("INSERT INTO municipalities (region_id, name) VALUES ($1, $2) RETURNING id")
            .bind(region_id)
            .bind(name)
            .fetch_one(&self.pool)
            .await
            .map_err(map_conflict)
    }

    async fn rename_municipality(&self, id: i64, name: &str) -> StoreResult<bool> {
        let done = query("UPDATE municipalities SET name = $2 WHERE id = $1")
            .bind(id)
            .bind(name)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn create_settlement(&self, municipality_id: i64, name: &str) -> StoreResult<i64> {
        query_scalar("INSERT INTO settlements (municipality_id, name) VALUES ($1, $2) RETURNING id")
            .bind(municipality_id)
            .bind(name)
            .fetch_one(&self.pool)
            .await
            .map_err(map_conflict)
    }

    async fn rename_settlement(&self, id: i64, name: &str) -> StoreResult<bool> {
        let done = query("UPDATE settlements SET name = $2 WHERE id = $1")
            .bind(id)
            .bind(name)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn region_organizations(
        &self,
        region_id: i64,
        filter: &crate::OrganizationFilter,
    ) -> StoreResult<Vec<crate::OrganizationListRecord>> {
        // `$2` municipality, `$3` kind code, `$4` LIKE pattern on the normalised name: NULL for any.
        let pattern = filter.name_norm.as_deref().filter(|n| !n.is_empty()).map(|n| {
            let escaped = n.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
            format!("%{escaped}%")
        });
        Ok(query_as(
            "SELECT o.id, o.kind, o.short_name, o.full_name, o.active, o.settlement_id, s.name AS settlement_name, \
             m.id AS municipality_id, m.name AS municipality_name \
             FROM organizations o JOIN settlements s ON s.id = o.settlement_id \
             JOIN municipalities m ON m.id = s.municipality_id \
             WHERE m.region_id = $1 AND ($2 IS NULL OR m.id = $2) AND ($3 IS NULL OR o.kind = $3) \
             AND ($4 IS NULL OR o.name_norm LIKE $4 ESCAPE '\\') \
             ORDER BY m.name, s.name, o.short_name, o.id",
        )
        .bind(region_id)
        .bind(filter.municipality_id)
        .bind(filter.kind.map(|k| k.code()))
        .bind(pattern)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn settlement_organization_names(&self, settlement_id: i64) -> StoreResult<Vec<NamedRecord>> {
        fetch_all_by(&self.pool, "SELECT id, short_name AS name FROM organizations WHERE settlement_id = $1 ORDER BY id", settlement_id).await
    }

    async fn organization_active(&self, id: OrganizationId) -> StoreResult<Option<bool>> {
        Ok(query_scalar("SELECT active FROM organizations WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn create_organization(&self, f: &crate::OrganizationFields) -> StoreResult<i64> {
        let insert = query_scalar(
            "INSERT INTO organizations (settlement_id, kind, short_name, full_name, name_norm, authority_id, inn, \
             ogrn, post_address, juridical_address, phones, fax, email, web, director, principal_uvr, principal_ahc, \
             principal_it, about, founding_date, active) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, TRUE) \
             RETURNING id",
        );
        bind_organization(insert, f).fetch_one(&self.pool).await.map_err(map_conflict)
    }

    async fn update_organization(&self, id: OrganizationId, f: &crate::OrganizationFields) -> StoreResult<bool> {
        let update = query_scalar(
            "UPDATE organizations SET settlement_id = $2, kind = $3, short_name = $4, full_name = $5, name_norm = $6, \
             authority_id = $7, inn = $8, ogrn = $9, post_address = $10, juridical_address = $11, phones = $12, \
             fax = $13, email = $14, web = $15, director = $16, principal_uvr = $17, principal_ahc = $18, \
             principal_it = $19, about = $20, founding_date = $21 WHERE id = $1 RETURNING id",
        )
        .bind(id);
        let updated: Option<i64> = bind_organization(update, f).fetch_optional(&self.pool).await.map_err(map_conflict)?;
        Ok(updated.is_some())
    }

    async fn set_organization_active(&self, id: OrganizationId, active: bool) -> StoreResult<bool> {
        let done = query("UPDATE organizations SET active = $2 WHERE id = $1")
            .bind(id)
            .bind(active)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn organization_accounts_with_role(
        &self,
        organization: OrganizationId,
        role: Role,
    ) -> StoreResult<Vec<crate::AccountBriefRecord>> {
        Ok(query_as(
            "SELECT a.id, a.login, a.display_name, a.active FROM accounts a \
             JOIN account_roles r ON r.account_id = a.id AND r.role = $2 \
             WHERE a.organization_id = $1 ORDER BY a.display_name, a.id",
        )
        .bind(organization)
        .bind(role.code())
        .fetch_all(&self.pool)
        .await?)
    }
}
