// Passkeys and their ceremonies: the SQL of [`crate::PasskeyStore`], included into each engine by
// `repo.rs`.

macro_rules! passkey_select {
    () => {
        "SELECT id, account_id, credential_id, user_handle, credential, name, created_at, \
         last_used_at FROM passkeys "
    };
}

#[async_trait]
impl crate::PasskeyStore for Backend {
    async fn insert_passkey(&self, p: &crate::NewPasskey) -> StoreResult<i64> {
        let id: i64 = query_scalar(
            "INSERT INTO passkeys (account_id, credential_id, user_handle, credential, name, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(p.account_id)
        .bind(&p.credential_id)
        .bind(&p.user_handle)
        .bind(&p.credential)
        .bind(&p.name)
        .bind(p.created_at)
        .fetch_one(&self.pool)
        .await
        .map_err(map_conflict)?;
        Ok(id)
    }

    async fn passkeys_of(&self, account: AccountId) -> StoreResult<Vec<crate::PasskeyRecord>> {
        Ok(
            query_as(concat!(passkey_select!(), "WHERE account_id = $1 ORDER BY id"))
                .bind(account)
                .fetch_all(&self.pool)
                .await?,
        )
    }

    async fn passkey(&self, id: i64) -> StoreResult<Option<crate::PasskeyRecord>> {
        fetch_optional_by(&self.pool, concat!(passkey_select!(), "WHERE id = $1"), id).await
    }

    async fn passkey_by_credential(
        &self,
        credential_id: &[u8],
    ) -> StoreResult<Option<crate::PasskeyRecord>> {
        Ok(
            query_as(concat!(passkey_select!(), "WHERE credential_id = $1"))
                .bind(credential_id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    async fn rename_passkey(&self, id: i64, name: &str) -> StoreResult<bool> {
        let done = query("UPDATE passkeys SET name = $2 WHERE id = $1")
            .bind(id)
            .bind(name)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn delete_passkey(&self, id: i64) -> StoreResult<bool> {
        let done = query("DELETE FROM passkeys WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn passkey_used(&self, id: i64, credential: &str, at: DateTime<Utc>) -> StoreResult<()> {
        query("UPDATE passkeys SET credential = $2, last_used_at = $3 WHERE id = $1")
            .bind(id)
            .bind(credential)
            .bind(at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn create_passkey_ceremony(&self, c: &crate::PasskeyCeremony) -> StoreResult<()> {
        query(
            "INSERT INTO passkey_ceremonies (id_hash, kind, account_id, state, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&c.id_hash)
        .bind(&c.kind)
        .bind(c.account_id)
        .bind(&c.state)
        .bind(c.expires_at)
        .execute(&self.pool)
        .await
        .map_err(map_conflict)?;
        Ok(())
    }

    async fn take_passkey_ceremony(
        &self,
        id_hash: &[u8],
        kind: &str,
    ) -> StoreResult<Option<crate::PasskeyCeremony>> {
        // One statement, so that two requests racing with the same id cannot both get it.
        Ok(query_as(
            "DELETE FROM passkey_ceremonies WHERE id_hash = $1 AND kind = $2 \
             RETURNING id_hash, kind, account_id, state, expires_at",
        )
        .bind(id_hash)
        .bind(kind)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn delete_expired_passkey_ceremonies(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        let done = query("DELETE FROM passkey_ceremonies WHERE expires_at < $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}
