// ESIA identities: the SQL of [`crate::IdentityStore`], included into each engine by `repo.rs`.

macro_rules! esia_link_select {
    () => {
        "SELECT l.id, l.subject, l.account_id, a.organization_id, o.short_name AS organization_name, \
         a.display_name, a.login, a.active AS account_active, p.birth_date, l.linked_by_account_id, l.how, \
         l.created_at FROM esia_links l JOIN accounts a ON a.id = l.account_id \
         JOIN persons p ON p.id = a.person_id JOIN organizations o ON o.id = a.organization_id "
    };
}

macro_rules! login_state_select {
    () => {
        "SELECT id, purpose, account_id, oauth_state, nonce, pkce_verifier, created_at, expires_at, \
         subject, identity, authenticated_at, used_at FROM esia_login_states "
    };
}

macro_rules! person_account_select {
    () => {
        "SELECT a.id AS account_id, p.id AS person_id, a.organization_id, p.last_name, p.first_name, \
         p.middle_name, p.birth_date, p.snils FROM accounts a JOIN persons p ON p.id = a.person_id \
         JOIN organizations o ON o.id = a.organization_id "
    };
}

#[async_trait]
impl crate::IdentityStore for Backend {
    async fn esia_links_by_subject(&self, subject: &str) -> StoreResult<Vec<crate::EsiaLinkRecord>> {
        fetch_all_by(&self.pool, concat!(
            esia_link_select!(),
            "WHERE l.subject = $1 ORDER BY o.short_name, a.display_name, a.id"
        ), subject).await
    }

    async fn esia_links_by_account(&self, account: AccountId) -> StoreResult<Vec<crate::EsiaLinkRecord>> {
        fetch_all_by(&self.pool, concat!(esia_link_select!(), "WHERE l.account_id = $1 ORDER BY l.created_at, l.id"), account).await
    }

    async fn create_esia_link(
        &self,
        subject: &str,
        account: AccountId,
        linked_by: Option<AccountId>,
        how: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = query(
            "INSERT INTO esia_links (subject, account_id, linked_by_account_id, how, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (subject, account_id) DO NOTHING",
        )
        .bind(subject)
        .bind(account)
        .bind(linked_by)
        .bind(how)
        .bind(at)
        .execute(&self.pool)
        .await
        .map_err(map_conflict)?;
        Ok(done.rows_affected() > 0)
    }

    async fn delete_esia_link(&self, id: i64, account: AccountId) -> StoreResult<bool> {
        let done = query("DELETE FROM esia_links WHERE id = $1 AND account_id = $2")
            .bind(id)
            .bind(account)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn create_login_state(&self, s: &crate::LoginStateRecord) -> StoreResult<()> {
        query(
            "INSERT INTO esia_login_states (id, purpose, account_id, oauth_state, nonce, pkce_verifier, \
             created_at, expires_at, subject, identity, authenticated_at, used_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(&s.id)
        .bind(&s.purpose)
        .bind(s.account_id)
        .bind(&s.oauth_state)
        .bind(&s.nonce)
        .bind(&s.pkce_verifier)
        .bind(s.created_at)
        .bind(s.expires_at)
        .bind(&s.subject)
        .bind(&s.identity)
        .bind(s.authenticated_at)
        .bind(s.used_at)
        .execute(&self.pool)
        .await
        .map_err(map_conflict)?;
        Ok(())
    }

    async fn login_state(&self, id: &str) -> StoreResult<Option<crate::LoginStateRecord>> {
        fetch_optional_by(&self.pool, concat!(login_state_select!(), "WHERE id = $1"), id).await
    }

    async fn login_state_by_oauth(&self, oauth_state: &str) -> StoreResult<Option<crate::LoginStateRecord>> {
        fetch_optional_by(&self.pool, concat!(login_state_select!(), "WHERE oauth_state = $1"), oauth_state).await
    }

    async fn restart_login_state(
        &self,
        id: &str,
        oauth_state: &str,
        nonce: &str,
        pkce_verifier: &str,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = query(
            "UPDATE esia_login_states SET oauth_state = $2, nonce = $3, pkce_verifier = $4, expires_at = $5 \
             WHERE id = $1 AND authenticated_at IS NULL AND used_at IS NULL",
        )
        .bind(id)
        .bind(oauth_state)
        .bind(nonce)
        .bind(pkce_verifier)
        .bind(expires_at)
        .execute(&self.pool)
        .await
        .map_err(map_conflict)?;
        Ok(done.rows_affected() > 0)
    }

    async fn authenticate_login_state(
        &self,
        id: &str,
        subject: &str,
        identity: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = query(
            "UPDATE esia_login_states SET subject = $2, identity = $3, authenticated_at = $4 \
             WHERE id = $1 AND authenticated_at IS NULL AND used_at IS NULL",
        )
        .bind(id)
        .bind(subject)
        .bind(identity)
        .bind(at)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn use_login_state(&self, id: &str, at: DateTime<Utc>) -> StoreResult<bool> {
        let done = query(
            "UPDATE esia_login_states SET used_at = $2 \
             WHERE id = $1 AND authenticated_at IS NOT NULL AND used_at IS NULL",
        )
        .bind(id)
        .bind(at)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn delete_login_states_before(&self, cutoff: DateTime<Utc>) -> StoreResult<u64> {
        let done = query("DELETE FROM esia_login_states WHERE expires_at < $1")
            .bind(cutoff)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    async fn region_identity_settings(&self, region: i64) -> StoreResult<crate::RegionIdentitySettings> {
        let found: Option<(Option<NaiveDate>, bool)> =
            query_as("SELECT esia_confirmed_from, esia_auto_link FROM regions WHERE id = $1")
                .bind(region)
                .fetch_optional(&self.pool)
                .await?;
        Ok(found
            .map(|(esia_confirmed_from, esia_auto_link)| crate::RegionIdentitySettings {
                esia_confirmed_from,
                esia_auto_link,
            })
            .unwrap_or_default())
    }

    async fn set_region_identity_settings(
        &self,
        region: i64,
        settings: &crate::RegionIdentitySettings,
    ) -> StoreResult<bool> {
        let done = query("UPDATE regions SET esia_confirmed_from = $2, esia_auto_link = $3 WHERE id = $1")
            .bind(region)
            .bind(settings.esia_confirmed_from)
            .bind(settings.esia_auto_link)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn accounts_by_snils(&self, snils: &str) -> StoreResult<Vec<crate::PersonAccountRecord>> {
        fetch_all_by(&self.pool, concat!(
            person_account_select!(),
            "WHERE p.snils = $1 AND a.active = TRUE AND o.active = TRUE ORDER BY a.id"
        ), snils).await
    }

    async fn accounts_by_birth_date(&self, birth: NaiveDate) -> StoreResult<Vec<crate::PersonAccountRecord>> {
        fetch_all_by(&self.pool, concat!(
            person_account_select!(),
            "WHERE p.birth_date = $1 AND a.active = TRUE AND o.active = TRUE ORDER BY a.id"
        ), birth).await
    }
}
