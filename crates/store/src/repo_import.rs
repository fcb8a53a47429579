// Imports of students, parents and staff: the SQL of [`crate::ImportStore`], included into each engine by `repo.rs`.
// No `use` lines here: the other areas' files share this module.

/// The advisory lock of one batch's writing is this number with the batch id mixed in.
const IMPORT_LOCK: i64 = 0x494d_504f_0000_0000;

// An applying batch whose lease ran out by `$3` and that `$1` does not hold; `$4` is the applying
// state. A batch from before leases (no lease) qualifies too.
macro_rules! reclaimable_import {
    () => {
        "status = $4 AND (lease_until IS NULL OR lease_until < $3) AND node <> $1"
    };
}

// Takes over one reclaimable batch for `$1` until `$2`.
macro_rules! reclaim_import {
    ($lock:literal) => {
        concat!(
            "UPDATE import_batches SET node = $1, lease_until = $2, attempts = attempts + 1 \
             WHERE id = (SELECT id FROM import_batches WHERE ",
            reclaimable_import!(),
            " ORDER BY id LIMIT 1",
            $lock,
            ") RETURNING id, organization_id, created_by, created_at, kind, file_name, payload, status, \
             students, parents, staff, rows_total, rows_done, message, finished_at, attempts"
        )
    };
}

const RECLAIM_IMPORT_BATCH: &str = if matches!(ENGINE, Engine::Postgres) {
    reclaim_import!(" FOR UPDATE SKIP LOCKED")
} else {
    reclaim_import!("")
};

#[async_trait]
impl crate::ImportStore for Backend {
    async fn organization_login_norms(&self, organization_id: OrganizationId) -> StoreResult<Vec<String>> {
        Ok(query_scalar("SELECT login_norm FROM accounts WHERE organization_id = $1")
            .bind(organization_id)
            .fetch_all(&self.pool)
            .await?)
    }

    async fn year_classes(&self, academic_year_id: i64) -> StoreResult<Vec<crate::ImportClassRecord>> {
        fetch_all_by(&self.pool, "SELECT id, grade, letter FROM classes WHERE academic_year_id = $1 ORDER BY grade, letter", academic_year_id).await
    }

    async fn create_import_batch(&self, b: &crate::NewImportBatch) -> StoreResult<i64> {
        Ok(query_scalar(
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
             students, parents, staff, rows_total, rows_done, message, finished_at, attempts FROM import_batches WHERE id = $1", id).await
    }

    async fn import_batches(&self, organization_id: OrganizationId, limit: i64) -> StoreResult<Vec<crate::ImportBatchRecord>> {
        Ok(query_as(
            "SELECT id, organization_id, created_by, created_at, kind, file_name, '' AS payload, status, \
             students, parents, staff, rows_total, rows_done, message, finished_at, attempts FROM import_batches \
             WHERE organization_id = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(organization_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn claim_import_batch(&self, id: i64, node: &str, lease: crate::Lease) -> StoreResult<bool> {
        let done = query(
            "UPDATE import_batches SET status = $2, rows_done = 0, node = $4, lease_until = $5, \
             attempts = attempts + 1 WHERE id = $1 AND status = $3",
        )
        .bind(id)
        .bind(crate::IMPORT_APPLYING)
        .bind(crate::IMPORT_STAGED)
        .bind(node)
        .bind(lease.until)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn reclaim_import_batch(&self, node: &str, lease: crate::Lease) -> StoreResult<Option<crate::ImportBatchRecord>> {
        // SQLite takes its one write lock for any UPDATE, even one that changes nothing, and an
        // import holds it for its whole writing: look first.
        if ENGINE == Engine::Sqlite {
            let any: Option<i64> = query_scalar(concat!("SELECT id FROM import_batches WHERE ", reclaimable_import!(), " LIMIT 1"))
                .bind(node)
                .bind(lease.until)
                .bind(lease.now)
                .bind(crate::IMPORT_APPLYING)
                .fetch_optional(&self.pool)
                .await?;
            if any.is_none() {
                return Ok(None);
            }
        }
        Ok(query_as(RECLAIM_IMPORT_BATCH)
            .bind(node)
            .bind(lease.until)
            .bind(lease.now)
            .bind(crate::IMPORT_APPLYING)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn renew_import_batch(&self, id: i64, node: &str, lease_until: chrono::DateTime<chrono::Utc>, rows_done: i32) -> StoreResult<bool> {
        let done = query(
            "UPDATE import_batches SET lease_until = $3, rows_done = $4 \
             WHERE id = $1 AND node = $2 AND status = $5",
        )
        .bind(id)
        .bind(node)
        .bind(lease_until)
        .bind(rows_done)
        .bind(crate::IMPORT_APPLYING)
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
        let claimed = if ENGINE == Engine::Postgres {
            // One writer per batch, without locking its row: the holder renews its lease and
            // records progress there from another connection while this transaction runs.
            query("SELECT pg_advisory_xact_lock($1)")
                .bind(IMPORT_LOCK ^ plan.batch_id)
                .execute(&mut *tx)
                .await?;
            query_scalar::<i64>("SELECT COUNT(*) FROM import_batches WHERE id = $1 AND status = $2")
                .bind(plan.batch_id)
                .bind(crate::IMPORT_APPLYING)
                .fetch_one(&mut *tx)
                .await?
        } else {
            // On SQLite this write takes the write lock first, so the login check below sees
            // every account committed before it and none can be added until we finish.
            query("UPDATE import_batches SET rows_done = 0 WHERE id = $1 AND status = $2")
                .bind(plan.batch_id)
                .bind(crate::IMPORT_APPLYING)
                .execute(&mut *tx)
                .await?
                .rows_affected() as i64
        };
        if claimed != 1 {
            return Ok(crate::ImportOutcome::NotClaimed);
        }
        // Logins were checked when the file was staged; someone may have taken one since.
        let taken: std::collections::HashSet<String> =
            query_scalar("SELECT login_norm FROM accounts WHERE organization_id = $1")
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
            let person_id: i64 = query_scalar(
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
            let inserted = query_scalar(
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
                query("INSERT INTO account_roles (account_id, role) VALUES ($1, $2)")
                    .bind(account_id)
                    .bind(role)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_conflict)?;
            }
            if let Some(class_id) = a.class_id {
                query(
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
            query(
                "INSERT INTO parent_students (parent_account_id, student_account_id) VALUES ($1, $2)",
            )
            .bind(p)
            .bind(s)
            .execute(&mut *tx)
            .await
            .map_err(map_conflict)?;
        }
        query(
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
        query(
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
        let done = query(
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
