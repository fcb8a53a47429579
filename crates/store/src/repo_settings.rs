// Personal settings, password changes and the audit log: the SQL of [`crate::SettingsStore`],
// included into each engine by `repo.rs`.

/// A value bound into the change-log query.
enum AuditLogBind {
    Int(i64),
    Text(String),
    At(DateTime<Utc>),
}

/// `piece` with the LIKE wildcards escaped (the statements say `ESCAPE '\'`).
fn audit_log_escape(piece: &str) -> String {
    piece.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// The WHERE clause of the audit log, assembled from fixed fragments only, and its values.
fn audit_log_where(f: &crate::AuditLogFilter) -> (String, Vec<AuditLogBind>) {
    let mut clauses: Vec<String> = Vec::new();
    let mut binds: Vec<AuditLogBind> = Vec::new();
    let next = |binds: &mut Vec<AuditLogBind>, value: AuditLogBind| {
        binds.push(value);
        format!("${}", binds.len())
    };
    match f.organization_id {
        Some(org) => {
            let p = next(&mut binds, AuditLogBind::Int(org));
            clauses.push(format!("l.organization_id = {p}"));
        }
        None => clauses.push("l.organization_id IS NOT NULL".to_owned()),
    }
    if let Some(from) = f.from {
        let p = next(&mut binds, AuditLogBind::At(from));
        clauses.push(format!("l.at >= {p}"));
    }
    if let Some(before) = f.before {
        let p = next(&mut binds, AuditLogBind::At(before));
        clauses.push(format!("l.at < {p}"));
    }
    if let Some(area) = &f.area {
        let p = next(&mut binds, AuditLogBind::Text(format!("{}.%", audit_log_escape(area))));
        clauses.push(format!("l.action LIKE {p} ESCAPE '\\'"));
    }
    let mut any_of = |binds: &mut Vec<AuditLogBind>, pieces: &[String], columns: &[&str]| {
        let mut alternatives = Vec::new();
        for piece in pieces {
            let p = next(binds, AuditLogBind::Text(format!("%{}%", audit_log_escape(piece))));
            for column in columns {
                alternatives.push(format!("{column} LIKE {p} ESCAPE '\\'"));
            }
        }
        if !alternatives.is_empty() {
            clauses.push(format!("({})", alternatives.join(" OR ")));
        }
    };
    any_of(&mut binds, &f.who, &["a.display_name", "a.login_norm"]);
    any_of(&mut binds, &f.text, &["l.target", "l.details"]);
    (format!(" WHERE {}", clauses.join(" AND ")), binds)
}

macro_rules! bind_audit_log {
    ($query:expr, $binds:expr) => {{
        let mut q = $query;
        for b in $binds {
            q = match b {
                AuditLogBind::Int(v) => q.bind(v),
                AuditLogBind::Text(v) => q.bind(v),
                AuditLogBind::At(v) => q.bind(v),
            };
        }
        q
    }};
}

#[async_trait]
impl crate::SettingsStore for Backend {
    async fn personal_settings(&self, account: AccountId) -> StoreResult<Option<crate::PersonalSettingsRecord>> {
        fetch_optional_by(&self.pool, "SELECT a.id AS account_id, a.organization_id, a.login, p.last_name, p.first_name, p.middle_name, \
             a.display_name, a.email, a.phone, a.preferred_channel, a.signature_cert_url, a.must_change_password \
             FROM accounts a JOIN persons p ON p.id = a.person_id WHERE a.id = $1", account).await
    }

    async fn update_personal_settings(&self, account: AccountId, u: &crate::PersonalSettingsUpdate) -> StoreResult<bool> {
        let done = query(
            "UPDATE accounts SET display_name = $2, email = $3, phone = $4, preferred_channel = $5, \
             signature_cert_url = $6 WHERE id = $1",
        )
        .bind(account)
        .bind(&u.display_name)
        .bind(&u.email)
        .bind(&u.phone)
        .bind(&u.preferred_channel)
        .bind(&u.signature_cert_url)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn password_change_required(&self, account: AccountId) -> StoreResult<bool> {
        let flag: Option<bool> = query_scalar("SELECT must_change_password FROM accounts WHERE id = $1")
            .bind(account)
            .fetch_optional(&self.pool)
            .await?;
        Ok(flag.unwrap_or(false))
    }

    async fn delete_other_sessions(&self, account: AccountId, keep: i64) -> StoreResult<u64> {
        let done = query("DELETE FROM sessions WHERE account_id = $1 AND id <> $2")
            .bind(account)
            .bind(keep)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    async fn audit_log(&self, filter: &crate::AuditLogFilter, offset: i64, limit: i64) -> StoreResult<Vec<crate::AuditLogRecord>> {
        let (clause, mut binds) = audit_log_where(filter);
        binds.push(AuditLogBind::Int(limit));
        binds.push(AuditLogBind::Int(offset));
        let n = binds.len();
        let sql = format!(
            // Who acted, by the records' name: a chosen display name could pose as the director.
            "SELECT l.id, l.at, l.organization_id, l.actor_account_id, \
             TRIM(p.last_name || ' ' || p.first_name || ' ' || p.middle_name) AS actor_name, \
             a.login AS actor_login, l.action, l.target, l.details, l.ip, l.result \
             FROM audit_log l LEFT JOIN accounts a ON a.id = l.actor_account_id \
             LEFT JOIN persons p ON p.id = a.person_id{clause} \
             ORDER BY l.at DESC, l.id DESC LIMIT ${} OFFSET ${n}",
            n - 1
        );
        // The statement is built from fixed fragments and placeholders only; every value is bound.
        let query = bind_audit_log!(query_as(sqlx::AssertSqlSafe(sql)), binds);
        Ok(query.fetch_all(&self.pool).await?)
    }

    async fn count_audit_log(&self, filter: &crate::AuditLogFilter) -> StoreResult<i64> {
        let (clause, binds) = audit_log_where(filter);
        let sql = format!(
            "SELECT COUNT(*) FROM audit_log l LEFT JOIN accounts a ON a.id = l.actor_account_id{clause}"
        );
        // As above: fixed fragments, bound values.
        let query = bind_audit_log!(query_scalar(sqlx::AssertSqlSafe(sql)), binds);
        Ok(query.fetch_one(&self.pool).await?)
    }
}
