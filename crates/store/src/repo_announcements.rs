// Announcements and their audiences: the SQL of [`crate::AnnouncementStore`], included into each
// engine by `repo.rs`.

macro_rules! announcement_select {
    () => {
        "SELECT n.id, n.organization_id, n.author_account_id, a.display_name AS author_name, \
         p.last_name AS author_last_name, p.first_name AS author_first_name, \
         p.middle_name AS author_middle_name, n.title, n.body, n.audience, n.expires_on, \
         n.posted_at, n.updated_at \
         FROM announcements n JOIN accounts a ON a.id = n.author_account_id \
         JOIN persons p ON p.id = a.person_id "
    };
}

/// Writes an announcement's role and class lists inside the caller's transaction.
async fn write_audience(
    tx: &mut Tx,
    id: i64,
    a: &crate::NewAnnouncement,
) -> StoreResult<()> {
    for role in &a.roles {
        query("INSERT INTO announcement_roles (announcement_id, role) VALUES ($1, $2)")
            .bind(id)
            .bind(role)
            .execute(&mut **tx)
            .await
            .map_err(map_conflict)?;
    }
    for class in &a.class_ids {
        query("INSERT INTO announcement_classes (announcement_id, class_id) VALUES ($1, $2)")
            .bind(id)
            .bind(class)
            .execute(&mut **tx)
            .await
            .map_err(map_conflict)?;
    }
    Ok(())
}

/// Deletes an announcement's role and class lists inside the caller's transaction.
async fn clear_audience(tx: &mut Tx, id: i64) -> StoreResult<()> {
    for sql in [
        "DELETE FROM announcement_roles WHERE announcement_id = $1",
        "DELETE FROM announcement_classes WHERE announcement_id = $1",
    ] {
        query(sql).bind(id).execute(&mut **tx).await?;
    }
    Ok(())
}

#[async_trait]
impl crate::AnnouncementStore for Backend {
    async fn insert_announcement(&self, a: &crate::NewAnnouncement) -> StoreResult<i64> {
        let mut tx = self.pool.begin().await?;
        let id: i64 = query_scalar(
            "INSERT INTO announcements (organization_id, author_account_id, title, body, audience, \
             expires_on, posted_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
        )
        .bind(a.organization_id)
        .bind(a.author_account_id)
        .bind(&a.title)
        .bind(&a.body)
        .bind(&a.audience)
        .bind(a.expires_on)
        .bind(a.at)
        .fetch_one(&mut *tx)
        .await
        .map_err(map_conflict)?;
        write_audience(&mut tx, id, a).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn update_announcement(&self, id: i64, a: &crate::NewAnnouncement) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await?;
        let done = query(
            "UPDATE announcements SET title = $2, body = $3, audience = $4, expires_on = $5, \
             updated_at = $6 WHERE id = $1",
        )
        .bind(id)
        .bind(&a.title)
        .bind(&a.body)
        .bind(&a.audience)
        .bind(a.expires_on)
        .bind(a.at)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        clear_audience(&mut tx, id).await?;
        write_audience(&mut tx, id, a).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn delete_announcement(&self, id: i64) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await?;
        // Deleted explicitly: SQLite enforces ON DELETE CASCADE only with foreign keys switched on.
        clear_audience(&mut tx, id).await?;
        let done = query("DELETE FROM announcements WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    async fn announcement(&self, id: i64) -> StoreResult<Option<crate::AnnouncementRecord>> {
        fetch_optional_by(&self.pool, concat!(announcement_select!(), "WHERE n.id = $1"), id).await
    }

    async fn announcements(
        &self,
        organization: OrganizationId,
        current_on: Option<NaiveDate>,
    ) -> StoreResult<Vec<crate::AnnouncementRecord>> {
        Ok(query_as(concat!(
            announcement_select!(),
            "WHERE n.organization_id = $1 AND ($2 IS NULL OR n.expires_on IS NULL OR n.expires_on >= $2) \
             ORDER BY n.posted_at DESC, n.id DESC"
        ))
        .bind(organization)
        .bind(current_on)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn announcement_roles(&self, organization: OrganizationId) -> StoreResult<Vec<(i64, String)>> {
        fetch_all_by(&self.pool, "SELECT r.announcement_id, r.role FROM announcement_roles r \
             JOIN announcements n ON n.id = r.announcement_id WHERE n.organization_id = $1", organization).await
    }

    async fn announcement_classes(&self, organization: OrganizationId) -> StoreResult<Vec<(i64, i64)>> {
        fetch_all_by(&self.pool, "SELECT c.announcement_id, c.class_id FROM announcement_classes c \
             JOIN announcements n ON n.id = c.announcement_id WHERE n.organization_id = $1", organization).await
    }

    async fn teacher_class_ids(&self, teacher: AccountId) -> StoreResult<Vec<i64>> {
        Ok(query_scalar(
            "SELECT class_id FROM class_teachers WHERE teacher_account_id = $1 \
             UNION SELECT sg.class_id FROM subject_groups sg \
             JOIN subject_group_teachers t ON t.subject_group_id = sg.id WHERE t.teacher_account_id = $1",
        )
        .bind(teacher)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn school_classes(&self, organization: OrganizationId, on: NaiveDate) -> StoreResult<Vec<crate::ClassChoiceRecord>> {
        Ok(query_as(
            "SELECT c.id, c.grade, c.letter FROM classes c JOIN academic_years y ON y.id = c.academic_year_id \
             WHERE c.organization_id = $1 AND y.start_date <= $2 AND y.end_date >= $2 \
             ORDER BY c.grade, c.letter",
        )
        .bind(organization)
        .bind(on)
        .fetch_all(&self.pool)
        .await?)
    }
}
