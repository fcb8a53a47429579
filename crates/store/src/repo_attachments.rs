// Attached files: the SQL of [`crate::AttachmentStore`], included into each engine by `repo.rs`.

macro_rules! file_select {
    () => {
        "SELECT id, organization_id, storage_key, guid, name, content_type, size, description, \
         owner_kind, owner_id, uploaded_by, uploaded_at FROM files "
    };
}

/// What a file given to or taken from an owner changes: homework is seen in the diary of its
/// lesson's subject group; the other owners are not in the diary.
async fn file_owner_changes(tx: &mut Tx, owner_kind: &str, owner_id: Option<i64>) -> StoreResult<Vec<Changed>> {
    match (owner_kind, owner_id) {
        ("assignment", Some(id)) => {
            outbox_subjects(
                tx,
                "SELECT l.subject_group_id FROM assignments a JOIN lessons l ON l.id = a.lesson_id WHERE a.id = $1",
                id,
                ChangeSubject::Group,
                ChangeKind::Assignments,
            )
            .await
        }
        _ => Ok(Vec::new()),
    }
}

/// Binds a file's organization, key, handle, name, type, size and description (`$1` to `$7`).
fn bind_file<'q>(q: ScalarQuery<'q, i64>, f: &'q crate::NewFile) -> ScalarQuery<'q, i64> {
    q.bind(f.organization_id)
        .bind(&f.storage_key)
        .bind(&f.guid)
        .bind(&f.name)
        .bind(&f.content_type)
        .bind(f.size)
        .bind(&f.description)
}

#[async_trait]
impl crate::AttachmentStore for Backend {
    async fn insert_file(&self, f: &crate::NewFile) -> StoreResult<crate::FileRecord> {
        let mut tx = self.pool.begin().await?;
        let insert = query_scalar(
            "INSERT INTO files (organization_id, storage_key, guid, name, content_type, size, description, \
             owner_kind, owner_id, uploaded_by, uploaded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        );
        let id: i64 = bind_file(insert, f)
            .bind(f.owner.kind())
            .bind(f.owner.id())
            .bind(f.uploaded_by)
            .bind(f.uploaded_at)
            .fetch_one(&mut *tx)
            .await
            .map_err(map_conflict)?;
        let changed = file_owner_changes(&mut tx, f.owner.kind(), f.owner.id()).await?;
        commit_with(tx, &changed).await?;
        Ok(f.recorded(id, f.owner))
    }

    async fn file(&self, id: i64) -> StoreResult<Option<crate::FileRecord>> {
        fetch_optional_by(&self.pool, concat!(file_select!(), "WHERE id = $1"), id).await
    }

    async fn file_by_guid(&self, guid: &str) -> StoreResult<Option<crate::FileRecord>> {
        fetch_optional_by(&self.pool, concat!(file_select!(), "WHERE guid = $1"), guid).await
    }

    async fn files_of(&self, owner_kind: &str, owner_ids: &[i64]) -> StoreResult<Vec<crate::FileRecord>> {
        let mut out = Vec::new();
        // Chunked so that a long list never exceeds an engine's bind limit.
        for chunk in owner_ids.chunks(MAX_BIND_PARAMS - 1) {
            let placeholders: Vec<String> = (2..chunk.len() + 2).map(|i| format!("${i}")).collect();
            let sql = format!(
                "{}WHERE owner_kind = $1 AND owner_id IN ({}) ORDER BY owner_id, name, id",
                file_select!(),
                placeholders.join(", ")
            );
            // Only placeholders are formatted in; every value is bound.
            let mut q = query_as(sqlx::AssertSqlSafe(sql)).bind(owner_kind);
            for id in chunk {
                q = q.bind(*id);
            }
            out.extend(q.fetch_all(&self.pool).await?);
        }
        Ok(out)
    }

    async fn attach_files(
        &self,
        file_ids: &[i64],
        uploaded_by: AccountId,
        owner: sgo_core::files::FileOwner,
        uploaded_since: DateTime<Utc>,
    ) -> StoreResult<u64> {
        let mut tx = self.pool.begin().await?;
        let mut done = 0;
        for id in file_ids {
            done += query(
                "UPDATE files SET owner_kind = $1, owner_id = $2 \
                 WHERE id = $3 AND uploaded_by = $4 AND owner_kind = 'pending' AND uploaded_at >= $5",
            )
            .bind(owner.kind())
            .bind(owner.id())
            .bind(*id)
            .bind(uploaded_by)
            .bind(uploaded_since)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        let changed = if done > 0 { file_owner_changes(&mut tx, owner.kind(), owner.id()).await? } else { Vec::new() };
        commit_with(tx, &changed).await?;
        Ok(done)
    }

    async fn copy_file(
        &self,
        id: i64,
        owner: sgo_core::files::FileOwner,
        guid: &str,
        by: AccountId,
        at: DateTime<Utc>,
    ) -> StoreResult<Option<crate::FileRecord>> {
        let Some(f) = crate::AttachmentStore::file(self, id).await? else {
            return Ok(None);
        };
        let copy = crate::NewFile {
            organization_id: f.organization_id,
            storage_key: f.storage_key,
            guid: guid.to_owned(),
            name: f.name,
            content_type: f.content_type,
            size: f.size,
            description: f.description,
            owner,
            uploaded_by: by,
            uploaded_at: at,
        };
        Ok(Some(crate::AttachmentStore::insert_file(self, &copy).await?))
    }

    async fn delete_file(&self, id: i64) -> StoreResult<Option<String>> {
        let mut tx = self.pool.begin().await?;
        let gone: Option<(String, String, Option<i64>)> =
            query_as("DELETE FROM files WHERE id = $1 RETURNING storage_key, owner_kind, owner_id")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((key, owner_kind, owner_id)) = gone else {
            tx.commit().await?;
            return Ok(None);
        };
        let changed = file_owner_changes(&mut tx, &owner_kind, owner_id).await?;
        append_outbox(&mut tx, &changed).await?;
        let others: i64 = query_scalar("SELECT COUNT(*) FROM files WHERE storage_key = $1")
            .bind(&key)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok((others == 0).then_some(key))
    }

    async fn pending_upload_bytes(&self, uploaded_by: AccountId, since: DateTime<Utc>) -> StoreResult<i64> {
        Ok(query_scalar(
            "SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM files \
             WHERE uploaded_by = $1 AND owner_kind = 'pending' AND uploaded_at >= $2",
        )
        .bind(uploaded_by)
        .bind(since)
        .fetch_one(&self.pool)
        .await?)
    }

    async fn insert_pending_file(
        &self,
        f: &crate::NewFile,
        since: DateTime<Utc>,
        quota_bytes: i64,
    ) -> StoreResult<Option<crate::FileRecord>> {
        let insert = query_scalar(
            "INSERT INTO files (organization_id, storage_key, guid, name, content_type, size, description, \
             owner_kind, owner_id, uploaded_by, uploaded_at) \
             SELECT $1, $2, $3, $4, $5, $6, $7, 'pending', NULL, $8, $9 \
             WHERE (SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM files \
                    WHERE uploaded_by = $8 AND owner_kind = 'pending' AND uploaded_at >= $10) + $6 <= $11 \
             RETURNING id",
        );
        let id: Option<i64> = bind_file(insert, f)
            .bind(f.uploaded_by)
            .bind(f.uploaded_at)
            .bind(since)
            .bind(quota_bytes)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_conflict)?;
        Ok(id.map(|id| f.recorded(id, sgo_core::files::FileOwner::Pending)))
    }

    async fn delete_stale_pending_files(&self, before: DateTime<Utc>, limit: i64) -> StoreResult<Vec<String>> {
        let mut tx = self.pool.begin().await?;
        // The owner and age are checked again by the DELETE itself, so a file attached after it
        // was chosen is never removed.
        let keys: Vec<String> = query_scalar(
            "DELETE FROM files WHERE id IN \
             (SELECT id FROM files WHERE owner_kind = 'pending' AND uploaded_at < $1 ORDER BY id LIMIT $2) \
             AND owner_kind = 'pending' AND uploaded_at < $1 RETURNING storage_key",
        )
        .bind(before)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        let mut unused = Vec::new();
        for key in keys {
            let others: i64 = query_scalar("SELECT COUNT(*) FROM files WHERE storage_key = $1")
                .bind(&key)
                .fetch_one(&mut *tx)
                .await?;
            if others == 0 && !unused.contains(&key) {
                unused.push(key);
            }
        }
        tx.commit().await?;
        Ok(unused)
    }

    async fn stale_pending_files(&self, cutoff: DateTime<Utc>) -> StoreResult<Vec<crate::FileRecord>> {
        fetch_all_by(&self.pool, concat!(file_select!(), "WHERE owner_kind = 'pending' AND uploaded_at < $1 ORDER BY id"), cutoff).await
    }

    async fn storage_key_in_use(&self, key: &str) -> StoreResult<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM files WHERE storage_key = $1")
            .bind(key)
            .fetch_one(&self.pool)
            .await?;
        Ok(n > 0)
    }
}
