// Calendar feeds: the SQL of [`crate::CalendarFeedStore`], included into each engine by
// `repo.rs`.

#[async_trait]
impl crate::CalendarFeedStore for Backend {
    async fn create_calendar_feed(&self, s: &NewSession, sealed: &str) -> StoreResult<String> {
        let mut tx = self.pool.begin().await?;
        // One feed per account: a second request answers the first feed.
        let existing: Option<String> = query_scalar(
            "SELECT f.sealed_secret FROM calendar_feeds f JOIN sessions s ON s.id = f.session_id \
             WHERE s.account_id = $1",
        )
        .bind(s.account_id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(sealed) = existing {
            return Ok(sealed);
        }
        let id = match insert_session_of(&mut tx, s, crate::CALENDAR_CHANNEL).await {
            Ok(id) => id,
            // Another request made the account's feed after this one looked (the unique index
            // waited for it to commit): answer that one.
            Err(StoreError::Conflict(_)) => {
                drop(tx);
                return self
                    .calendar_feed_of(s.account_id)
                    .await?
                    .ok_or_else(|| StoreError::Corrupt("a calendar feed vanished as it was made".into()));
            }
            Err(e) => return Err(e),
        };
        query("INSERT INTO calendar_feeds (session_id, sealed_secret) VALUES ($1, $2)")
            .bind(id)
            .bind(sealed)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(sealed.to_owned())
    }

    async fn calendar_feed_of(&self, account: AccountId) -> StoreResult<Option<String>> {
        Ok(query_scalar(
            "SELECT f.sealed_secret FROM calendar_feeds f JOIN sessions s ON s.id = f.session_id \
             WHERE s.account_id = $1",
        )
        .bind(account)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn calendar_feed_by_hash(&self, token_hash: &[u8]) -> StoreResult<Option<crate::CalendarFeedGrant>> {
        fetch_optional_by(
            &self.pool,
            "SELECT s.id, s.account_id, a.organization_id, a.active AS account_active \
             FROM sessions s JOIN calendar_feeds f ON f.session_id = s.id \
             JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = $1",
            token_hash,
        )
        .await
    }

    async fn delete_calendar_feed(&self, account: AccountId) -> StoreResult<bool> {
        let done = query("DELETE FROM sessions WHERE account_id = $1 AND channel = $2")
            .bind(account)
            .bind(crate::CALENDAR_CHANNEL)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn lesson_teachers(&self, lesson_ids: &[i64]) -> StoreResult<Vec<crate::NamedRecord>> {
        let mut out = Vec::new();
        // Chunked so that a long list never exceeds an engine's bind limit.
        for chunk in lesson_ids.chunks(MAX_BIND_PARAMS) {
            let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT l.id, TRIM(p.last_name || ' ' || p.first_name || ' ' || p.middle_name) AS name \
                 FROM lessons l JOIN accounts t ON t.id = l.teacher_account_id \
                 JOIN persons p ON p.id = t.person_id WHERE l.id IN ({})",
                placeholders.join(", ")
            );
            // Only placeholders are formatted in; every value is bound.
            let mut q = query_as(sqlx::AssertSqlSafe(sql));
            for id in chunk {
                q = q.bind(*id);
            }
            out.extend(q.fetch_all(&self.pool).await?);
        }
        Ok(out)
    }
}
