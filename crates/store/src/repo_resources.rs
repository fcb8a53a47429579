// Educational resources: the SQL of [`crate::ResourceStore`], included into each engine by `repo.rs`.

macro_rules! resource_select {
    () => {
        "SELECT r.id, r.organization_id, r.author_account_id, a.display_name AS author_name, \
         r.subject_group_id, sub.name AS subject_name, c.id AS class_id, c.grade, c.letter, \
         r.title, r.description, r.link, r.posted_at \
         FROM resources r JOIN accounts a ON a.id = r.author_account_id \
         LEFT JOIN subject_groups sg ON sg.id = r.subject_group_id \
         LEFT JOIN subjects sub ON sub.id = sg.subject_id \
         JOIN classes c ON c.id = COALESCE(r.class_id, sg.class_id) "
    };
}

#[async_trait]
impl crate::ResourceStore for Backend {
    async fn insert_resource(&self, r: &crate::NewResource) -> StoreResult<i64> {
        query_scalar(
            "INSERT INTO resources (organization_id, author_account_id, subject_group_id, class_id, \
             title, description, link, posted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(r.organization_id)
        .bind(r.author_account_id)
        .bind(r.subject_group_id)
        .bind(r.class_id)
        .bind(&r.title)
        .bind(&r.description)
        .bind(&r.link)
        .bind(r.posted_at)
        .fetch_one(&self.pool)
        .await
        .map_err(map_conflict)
    }

    async fn delete_resource(&self, id: i64) -> StoreResult<bool> {
        let done = query("DELETE FROM resources WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn resource(&self, id: i64) -> StoreResult<Option<crate::ResourceRecord>> {
        fetch_optional_by(&self.pool, concat!(resource_select!(), "WHERE r.id = $1"), id).await
    }

    async fn resources(&self, organization: OrganizationId) -> StoreResult<Vec<crate::ResourceRecord>> {
        fetch_all_by(&self.pool, concat!(
            resource_select!(),
            "WHERE r.organization_id = $1 ORDER BY r.posted_at DESC, r.id DESC"
        ), organization).await
    }

    async fn group_choices(
        &self,
        organization: OrganizationId,
        on: NaiveDate,
        teacher: Option<AccountId>,
    ) -> StoreResult<Vec<crate::GroupChoiceRecord>> {
        Ok(query_as(
            "SELECT sg.id, c.id AS class_id, c.grade, c.letter, sub.name AS subject_name, sg.name AS group_name \
             FROM subject_groups sg JOIN classes c ON c.id = sg.class_id \
             JOIN subjects sub ON sub.id = sg.subject_id \
             JOIN academic_years y ON y.id = sg.academic_year_id \
             WHERE sg.organization_id = $1 AND y.start_date <= $2 AND y.end_date >= $2 \
             AND ($3 IS NULL OR EXISTS (SELECT 1 FROM subject_group_teachers t \
                  WHERE t.subject_group_id = sg.id AND t.teacher_account_id = $3)) \
             ORDER BY c.grade, c.letter, sub.name, sg.name",
        )
        .bind(organization)
        .bind(on)
        .bind(teacher)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn group_class(&self, group: i64) -> StoreResult<Option<(i64, i64)>> {
        fetch_optional_by(&self.pool, "SELECT organization_id, class_id FROM subject_groups WHERE id = $1", group).await
    }

    async fn class_organization(&self, class: i64) -> StoreResult<Option<i64>> {
        Ok(query_scalar("SELECT organization_id FROM classes WHERE id = $1")
            .bind(class)
            .fetch_optional(&self.pool)
            .await?)
    }
}
