// Protection of sign-in: the SQL of [`crate::ProtectionStore`], included into each engine by `repo.rs`.

#[async_trait]
impl crate::ProtectionStore for Backend {
    async fn throttle(&self, scope: &str) -> StoreResult<Option<crate::ThrottleRecord>> {
        fetch_optional_by(&self.pool, "SELECT scope, failures, window_start, lockouts, locked_until, updated_at \
             FROM login_throttles WHERE scope = $1", scope).await
    }

    async fn count_failure(
        &self,
        scope: &str,
        now: DateTime<Utc>,
        window_cutoff: DateTime<Utc>,
        quiet_cutoff: DateTime<Utc>,
    ) -> StoreResult<crate::ThrottleRecord> {
        // One statement, so that concurrent failures on several processes all count.
        Ok(query_as(
            "INSERT INTO login_throttles (scope, failures, window_start, lockouts, locked_until, updated_at) \
             VALUES ($1, 1, $2, 0, NULL, $2) \
             ON CONFLICT (scope) DO UPDATE SET \
               failures = CASE WHEN login_throttles.window_start < $3 THEN 1 ELSE login_throttles.failures + 1 END, \
               window_start = CASE WHEN login_throttles.window_start < $3 THEN $2 ELSE login_throttles.window_start END, \
               lockouts = CASE WHEN login_throttles.updated_at < $4 THEN 0 ELSE login_throttles.lockouts END, \
               updated_at = $2 \
             RETURNING scope, failures, window_start, lockouts, locked_until, updated_at",
        )
        .bind(scope)
        .bind(now)
        .bind(window_cutoff)
        .bind(quiet_cutoff)
        .fetch_one(&self.pool)
        .await?)
    }

    async fn lock_throttle(&self, scope: &str, until: DateTime<Utc>) -> StoreResult<()> {
        query(
            "UPDATE login_throttles SET failures = 0, lockouts = lockouts + 1, locked_until = $2 \
             WHERE scope = $1",
        )
        .bind(scope)
        .bind(until)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn clear_throttle(&self, scope: &str) -> StoreResult<()> {
        query("DELETE FROM login_throttles WHERE scope = $1")
            .bind(scope)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn delete_throttles_idle_since(&self, cutoff: DateTime<Utc>) -> StoreResult<u64> {
        let done = query(
            "DELETE FROM login_throttles WHERE updated_at < $1 \
             AND (locked_until IS NULL OR locked_until < $1)",
        )
        .bind(cutoff)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    async fn recovery_accounts(
        &self,
        organization_id: OrganizationId,
        login_norm: &str,
        email_lower: &str,
    ) -> StoreResult<Vec<crate::RecoveryAccountRecord>> {
        Ok(query_as(
            "SELECT id AS account_id, organization_id, login, login_norm, display_name, email, active \
             FROM accounts WHERE organization_id = $1 \
             AND (login_norm = $2 OR ($3 <> '' AND LOWER(TRIM(email)) = $3)) ORDER BY id",
        )
        .bind(organization_id)
        .bind(login_norm)
        .bind(email_lower)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn create_reset_token(&self, t: &crate::NewResetToken) -> StoreResult<i64> {
        query_scalar(
            "INSERT INTO password_reset_tokens (token_hash, account_id, created_at, expires_at, ip) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(&t.token_hash)
        .bind(t.account_id)
        .bind(t.created_at)
        .bind(t.expires_at)
        .bind(&t.ip)
        .fetch_one(&self.pool)
        .await
        .map_err(map_conflict)
    }

    async fn reset_token(&self, token_hash: &[u8]) -> StoreResult<Option<crate::ResetTokenRecord>> {
        fetch_optional_by(&self.pool, "SELECT t.id, t.account_id, a.organization_id, a.login, a.display_name, \
             a.active AS account_active, t.created_at, t.expires_at, t.used_at \
             FROM password_reset_tokens t JOIN accounts a ON a.id = t.account_id \
             WHERE t.token_hash = $1", token_hash).await
    }

    async fn spend_reset_token(&self, token_hash: &[u8], now: DateTime<Utc>) -> StoreResult<Option<AccountId>> {
        // The condition and the mark are one statement: two concurrent uses cannot both succeed.
        Ok(query_scalar(
            "UPDATE password_reset_tokens SET used_at = $2 \
             WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING account_id",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn delete_unspent_reset_tokens(&self, account: AccountId) -> StoreResult<u64> {
        let done = query("DELETE FROM password_reset_tokens WHERE account_id = $1 AND used_at IS NULL")
            .bind(account)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    async fn delete_reset_tokens_expired_before(&self, cutoff: DateTime<Utc>) -> StoreResult<u64> {
        let done = query("DELETE FROM password_reset_tokens WHERE expires_at < $1")
            .bind(cutoff)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    async fn account_sessions(&self, account: AccountId, since: DateTime<Utc>) -> StoreResult<Vec<crate::SessionListRecord>> {
        Ok(query_as(
            "SELECT id, account_id, channel, created_at, last_seen_at, ip, user_agent FROM sessions \
             WHERE account_id = $1 AND last_seen_at >= $2 AND channel NOT IN ('api', 'calendar') \
             ORDER BY last_seen_at DESC, id DESC",
        )
        .bind(account)
        .bind(since)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn delete_account_session(&self, account: AccountId, session: i64) -> StoreResult<bool> {
        let done = query("DELETE FROM sessions WHERE id = $1 AND account_id = $2")
            .bind(session)
            .bind(account)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn delete_account_sessions(&self, account: AccountId) -> StoreResult<u64> {
        let mut tx = self.pool.begin().await?;
        let done = query("DELETE FROM sessions WHERE account_id = $1")
            .bind(account)
            .execute(&mut *tx)
            .await?;
        commit_change(tx, ChangeSubject::Account(account), ChangeKind::Standing).await?;
        Ok(done.rows_affected())
    }

    async fn delete_sessions_beyond(&self, account: AccountId, keep: i64) -> StoreResult<Vec<i64>> {
        // Ids grow with creation, so the highest `keep` ids are the newest sessions.
        let ids: Vec<(i64,)> = query_as(
            "DELETE FROM sessions WHERE account_id = $1 AND channel NOT IN ('api', 'calendar') AND id NOT IN \
             (SELECT id FROM sessions WHERE account_id = $1 AND channel NOT IN ('api', 'calendar') ORDER BY id DESC LIMIT $2) \
             RETURNING id",
        )
        .bind(account)
        .bind(keep)
        .fetch_all(&self.pool)
        .await?;
        Ok(ids.into_iter().map(|(id,)| id).collect())
    }
}
