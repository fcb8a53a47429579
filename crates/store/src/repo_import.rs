// Imports of students, parents and staff: the SQL of [`crate::ImportStore`], included into each engine by `repo.rs`.
// No `use` lines here: the other areas' files share this module.

#[async_trait]
impl crate::ImportStore for Backend {
    async fn organization_login_norms(&self, organization_id: OrganizationId) -> StoreResult<Vec<String>> {
        Ok(sqlx::query_scalar("SELECT login_norm FROM accounts WHERE organization_id = $1")
            .bind(organization_id)
            .fetch_all(&self.pool)
            .await?)
    }

    async fn year_classes(&self, academic_year_id: i64) -> StoreResult<Vec<crate::ImportClassRecord>> {
        fetch_all_by(&self.pool, "SELECT id, grade, letter FROM classes WHERE academic_year_id = $1 ORDER BY grade, letter", academic_year_id).await
    }

    async fn create_import_batch(&self, b: &crate::NewImportBatch) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO import_batches (organization_id, created_by, created_at, kind, file_name, payload, \
             status, students, parents, staff, rows_total, rows_done, message) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0, '') RETURNING id",
        )
        .bind(b.organization_id)
        .bind(b.created_by)
        .bind(b.created_at)
        .bind(&b.kind)
        .bind(&b.file_name)
        .bind(&b.payload)
        .bind(crate::IMPORT_STAGED)
        .bind(b.students)
        .bind(b.parents)
        .bind(b.staff)
        .bind(b.rows_total)
        .fetch_one(&self.pool)
        .await
        .map_err(map_conflict)?)
    }

    async fn import_batch(&self, id: i64) -> StoreResult<Option<crate::ImportBatchRecord>> {
        fetch_optional_by(&self.pool, "SELECT id, organization_id, created_by, created_at, kind, file_name, payload, status, \
             students, parents, staff, rows_total, rows_done, message, finished_at FROM import_batches WHERE id = $1", id).await
    }

    async fn import_batches(&self, organization_id: OrganizationId, limit: i64) -> StoreResult<Vec<crate::ImportBatchRecord>> {
        Ok(sqlx::query_as(
            "SELECT id, organization_id, created_by, created_at, kind, file_name, '' AS payload, status, \
             students, parents, staff, rows_total, rows_done, message, finished_at FROM import_batches \
             WHERE organization_id = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(organization_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn claim_import_batch(&self, id: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE import_batches SET status = $2, rows_done = 0 WHERE id = $1 AND status = $3",
        )
        .bind(id)
        .bind(crate::IMPORT_APPLYING)
        .bind(crate::IMPORT_STAGED)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn apply_import(
        &self,
        plan: &crate::ImportPlan,
        progress: &(dyn Fn(usize) + Send + Sync),
    ) -> StoreResult<crate::ImportOutcome> {
        let mut tx = self.pool.begin().await?;
        // Claim the batch first: on SQLite this takes the write lock, so the login check below
        // sees every account committed before it and none can be added until we finish.
        let claimed = sqlx::query("UPDATE import_batches SET rows_done = 0 WHERE id = $1 AND status = $2")
            .bind(plan.batch_id)
            .bind(crate::IMPORT_APPLYING)
            .execute(&mut *tx)
            .await?;
        if claimed.rows_affected() != 1 {
            return Ok(crate::ImportOutcome::NotClaimed);
        }
        // Logins were checked when the file was staged; someone may have taken one since.
        let taken: std::collections::HashSet<String> =
            sqlx::query_scalar("SELECT login_norm FROM accounts WHERE organization_id = $1")
                .bind(plan.organization_id)
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .collect();
        if let Some(clash) = plan.accounts.iter().find(|a| taken.contains(&a.login_norm)) {
            return Ok(crate::ImportOutcome::LoginTaken(clash.login.clone()));
        }
        let mut ids = Vec::with_capacity(plan.accounts.len());
        for (n, a) in plan.accounts.iter().enumerate() {
            let person_id: i64 = sqlx::query_scalar(
                "INSERT INTO persons (last_name, first_name, middle_name, birth_date, gender, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(&a.last_name)
            .bind(&a.first_name)
            .bind(&a.middle_name)
            .bind(a.birth_date)
            .bind(&a.gender)
            .bind(plan.at)
            .fetch_one(&mut *tx)
            .await?;
            let inserted = sqlx::query_scalar(
                "INSERT INTO accounts (person_id, organization_id, login, login_norm, display_name, \
                 must_change_password, active, email, phone, created_at) \
                 VALUES ($1, $2, $3, $4, $5, FALSE, TRUE, $6, $7, $8) RETURNING id",
            )
            .bind(person_id)
            .bind(plan.organization_id)
            .bind(&a.login)
            .bind(&a.login_norm)
            .bind(&a.display_name)
            .bind(&a.email)
            .bind(&a.phone)
            .bind(plan.at)
            .fetch_one(&mut *tx)
            .await
            .map_err(map_conflict);
            let account_id: i64 = match inserted {
                Ok(id) => id,
                // The same login twice in the plan, or a race the check above did not see.
                Err(StoreError::Conflict(_)) => return Ok(crate::ImportOutcome::LoginTaken(a.login.clone())),
                Err(e) => return Err(e),
            };
            for role in &a.roles {
                sqlx::query("INSERT INTO account_roles (account_id, role) VALUES ($1, $2)")
                    .bind(account_id)
                    .bind(role)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_conflict)?;
            }
            if let Some(class_id) = a.class_id {
                sqlx::query(
                    "INSERT INTO class_students (class_id, student_account_id, from_date, to_date) \
                     VALUES ($1, $2, $3, NULL)",
                )
                .bind(class_id)
                .bind(account_id)
                .bind(plan.class_from)
                .execute(&mut *tx)
                .await
                .map_err(map_conflict)?;
            }
            ids.push(account_id);
            progress(n + 1);
        }
        for &(parent, student) in &plan.links {
            let (Some(p), Some(s)) = (ids.get(parent), ids.get(student)) else {
                return Err(StoreError::Conflict("parent link outside the plan".into()));
            };
            sqlx::query(
                "INSERT INTO parent_students (parent_account_id, student_account_id) VALUES ($1, $2)",
            )
            .bind(p)
            .bind(s)
            .execute(&mut *tx)
            .await
            .map_err(map_conflict)?;
        }
        sqlx::query(
            "UPDATE import_batches SET status = $2, payload = '', rows_done = $3, message = $4, finished_at = $5 \
             WHERE id = $1",
        )
        .bind(plan.batch_id)
        .bind(crate::IMPORT_APPLIED)
        .bind(i32::try_from(ids.len()).unwrap_or(i32::MAX))
        .bind(&plan.summary)
        .bind(plan.at)
        .execute(&mut *tx)
        .await?;
        commit_change(tx, ChangeSubject::Organization(plan.organization_id), ChangeKind::Import).await?;
        Ok(crate::ImportOutcome::Applied(ids))
    }

    async fn fail_import_batch(&self, id: i64, message: &str, at: chrono::DateTime<chrono::Utc>) -> StoreResult<()> {
        sqlx::query(
            "UPDATE import_batches SET status = $2, message = $3, finished_at = $4 WHERE id = $1 AND status = $5",
        )
        .bind(id)
        .bind(crate::IMPORT_FAILED)
        .bind(message)
        .bind(at)
        .bind(crate::IMPORT_APPLYING)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn delete_stale_import_batches(&self, cutoff: chrono::DateTime<chrono::Utc>) -> StoreResult<u64> {
        let done = sqlx::query(
            "DELETE FROM import_batches WHERE created_at < $1 AND status IN ($2, $3)",
        )
        .bind(cutoff)
        .bind(crate::IMPORT_STAGED)
        .bind(crate::IMPORT_FAILED)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }
}
