// Personal access tokens: the SQL of [`crate::ApiTokenStore`], included into each engine by
// `repo.rs`.

/// A session row of `channel` (not a sign-in: no cookie), inside the caller's transaction, so
/// that what belongs to it is stored with it or not at all. Answers its id.
async fn insert_session_of(tx: &mut Tx, s: &NewSession, channel: &str) -> StoreResult<i64> {
    query_scalar(
        "INSERT INTO sessions (token_hash, cookie_hash, account_id, channel, created_at, last_seen_at, ip, user_agent) \
         VALUES ($1, NULL, $2, $3, $4, $4, $5, $6) RETURNING id",
    )
    .bind(&s.token_hash)
    .bind(s.account_id)
    .bind(channel)
    .bind(s.now)
    .bind(&s.ip)
    .bind(&s.user_agent)
    .fetch_one(&mut **tx)
    .await
    .map_err(map_conflict)
}

#[async_trait]
impl crate::ApiTokenStore for Backend {
    async fn create_api_token(
        &self,
        s: &NewSession,
        name: &str,
        scopes: &str,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let mut tx = self.pool.begin().await?;
        let id = insert_session_of(&mut tx, s, crate::API_CHANNEL).await?;
        query("INSERT INTO api_tokens (session_id, name, scopes, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(name)
            .bind(scopes)
            .bind(expires_at)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn api_tokens_of(&self, account: AccountId) -> StoreResult<Vec<crate::ApiTokenRecord>> {
        Ok(query_as(
            "SELECT s.id, s.account_id, t.name, t.scopes, s.created_at, s.last_seen_at, t.expires_at \
             FROM sessions s JOIN api_tokens t ON t.session_id = s.id \
             WHERE s.account_id = $1 ORDER BY s.id DESC",
        )
        .bind(account)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn api_token_by_hash(&self, token_hash: &[u8]) -> StoreResult<Option<crate::ApiTokenGrant>> {
        fetch_optional_by(
            &self.pool,
            "SELECT s.id, s.account_id, a.organization_id, t.scopes, s.last_seen_at, t.expires_at, \
             a.active AS account_active, (SELECT COALESCE(MAX(id), 0) FROM outbox) AS outbox_head \
             FROM sessions s JOIN api_tokens t ON t.session_id = s.id \
             JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = $1",
            token_hash,
        )
        .await
    }

    async fn delete_api_token(&self, account: AccountId, id: i64) -> StoreResult<bool> {
        let done = query("DELETE FROM sessions WHERE id = $1 AND account_id = $2 AND channel = $3")
            .bind(id)
            .bind(account)
            .bind(crate::API_CHANNEL)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn delete_expired_api_tokens(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        let done = query(
            "DELETE FROM sessions WHERE id IN (SELECT session_id FROM api_tokens WHERE expires_at < $1)",
        )
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }
}
