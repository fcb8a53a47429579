// The repository, written once. This file is included by `sqlite.rs` and `postgres.rs`, each of
// which defines `Db`, `Backend { pool }`, `ENGINE`, `MAX_BIND_PARAMS` and `finish_bulk`, so every
// statement here runs on both engines (the contract tests run each against both).
// Placeholders are `$n`, which both engines accept; every statement is a `'static` string and
// every value is bound.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use crate::{AccountId, OrganizationId};
use sgo_core::{OrganizationKind, Role};

use crate::bulk::{Value, is_bulk_table, is_identifier};
use crate::records::*;
use crate::{Engine, Store, StoreError, StoreResult};

type Arguments = <Db as sqlx::Database>::Arguments;
/// The pool the repository's statements run on.
type DbPool = crate::pool::Pool<Db>;

/// `sqlx::query`, prepared under a name and kept unless the engine runs unnamed statements
/// (`named_statements`, defined by each engine: through a transaction pooler it must).
fn query<'q>(sql: impl sqlx::SqlSafeStr) -> sqlx::query::Query<'q, Db, Arguments> {
    sqlx::query(sql).persistent(named_statements())
}

/// `sqlx::query_as`, named as [`query`] decides.
fn query_as<'q, O>(sql: impl sqlx::SqlSafeStr) -> sqlx::query::QueryAs<'q, Db, O, Arguments>
where
    O: for<'r> sqlx::FromRow<'r, <Db as sqlx::Database>::Row>,
{
    sqlx::query_as(sql).persistent(named_statements())
}

/// `sqlx::query_scalar`, named as [`query`] decides.
fn query_scalar<'q, O>(sql: impl sqlx::SqlSafeStr) -> sqlx::query::QueryScalar<'q, Db, O, Arguments>
where
    (O,): for<'r> sqlx::FromRow<'r, <Db as sqlx::Database>::Row>,
{
    sqlx::query_scalar(sql).persistent(named_statements())
}

macro_rules! organization_select {
    () => {
        "SELECT o.id, o.kind, o.short_name, o.full_name, o.authority_id, o.inn, o.ogrn, \
    o.post_address, o.juridical_address, o.phones, o.fax, o.email, o.web, o.director, o.principal_uvr, \
    o.principal_ahc, o.principal_it, o.about, o.founding_date, o.settlement_id, s.name AS settlement_name, \
    m.id AS municipality_id, m.name AS municipality_name, r.id AS region_id, r.name AS region_name \
    FROM organizations o JOIN settlements s ON s.id = o.settlement_id \
    JOIN municipalities m ON m.id = s.municipality_id JOIN regions r ON r.id = m.region_id"
    };
}

macro_rules! session_select {
    () => {
        "SELECT s.id, s.account_id, a.organization_id, s.channel, s.created_at, s.last_seen_at, \
         a.active AS account_active FROM sessions s JOIN accounts a ON a.id = s.account_id "
    };
}

// The student's lessons: subject groups of the classes they belonged to on the lesson's date,
// whole-class groups or subgroups they are in. Shared by the diary queries below.
macro_rules! student_lessons_joins {
    () => {
        "FROM lessons l \
         JOIN subject_groups sg ON sg.id = l.subject_group_id \
         JOIN subjects sub ON sub.id = sg.subject_id \
         JOIN class_students cs ON cs.class_id = sg.class_id AND cs.student_account_id = $1 \
              AND cs.from_date <= l.date AND (cs.to_date IS NULL OR cs.to_date >= l.date) "
    };
}

macro_rules! student_lessons_where {
    () => {
        "WHERE l.status <> 'cancelled' AND (sg.subgroup_id IS NULL OR EXISTS (SELECT 1 FROM subgroup_students ss \
              WHERE ss.subgroup_id = sg.subgroup_id AND ss.student_account_id = $1)) "
    };
}

macro_rules! assignment_columns {
    () => {
        "SELECT a.id AS assignment_id, a.lesson_id, l.date AS lesson_date, sub.name AS subject_name, \
         a.type_id, t.name AS type_name, t.abbr AS type_abbr, a.title, a.description, a.weight, a.due_date, \
         a.mandatory, mk.id AS mark_id, mk.value AS mark_value, mk.code AS mark_code, mk.duty AS mark_duty, \
         mk.comment AS mark_comment, mk.set_at AS mark_set_at "
    };
}

macro_rules! assignment_joins {
    () => {
        "JOIN assignments a ON a.lesson_id = l.id \
         JOIN assignment_types t ON t.id = a.type_id \
         LEFT JOIN marks mk ON mk.assignment_id = a.id AND mk.student_account_id = $1 "
    };
}

/// A write's transaction.
type Tx = sqlx::Transaction<'static, Db>;
/// A statement whose rows are one value of type `T`.
type ScalarQuery<'q, T> = sqlx::query::QueryScalar<'q, Db, T, <Db as sqlx::Database>::Arguments>;

fn map_conflict(error: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &error
        && (db.is_unique_violation() || db.is_foreign_key_violation())
    {
        return StoreError::Conflict(db.constraint().unwrap_or(db.message()).to_owned());
    }
    StoreError::Database(error)
}

/// The rows of `sql` about one thing (`$1`) over the days `$2` to `$3`: the shape of the
/// journal and diary queries over a week or a period.
async fn fetch_span<T>(pool: &DbPool, sql: &'static str, id: i64, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<T>>
where
    T: for<'r> sqlx::FromRow<'r, <Db as sqlx::Database>::Row> + Send + Unpin,
{
    Ok(query_as(sql).bind(id).bind(from).bind(to).fetch_all(pool).await?)
}

/// The rows of `sql` about one thing (`$1`).
async fn fetch_all_by<'q, T, K>(pool: &DbPool, sql: &'static str, key: K) -> StoreResult<Vec<T>>
where
    T: for<'r> sqlx::FromRow<'r, <Db as sqlx::Database>::Row> + Send + Unpin,
    K: 'q + Send + sqlx::Encode<'q, Db> + sqlx::Type<Db>,
{
    Ok(query_as(sql).bind(key).fetch_all(pool).await?)
}

/// The row of `sql` about one thing (`$1`), if there is one.
async fn fetch_optional_by<'q, T, K>(pool: &DbPool, sql: &'static str, key: K) -> StoreResult<Option<T>>
where
    T: for<'r> sqlx::FromRow<'r, <Db as sqlx::Database>::Row> + Send + Unpin,
    K: 'q + Send + sqlx::Encode<'q, Db> + sqlx::Type<Db>,
{
    Ok(query_as(sql).bind(key).fetch_optional(pool).await?)
}

fn bind_value<'q>(
    query: sqlx::query::Query<'q, Db, <Db as sqlx::Database>::Arguments>,
    value: Value,
) -> sqlx::query::Query<'q, Db, <Db as sqlx::Database>::Arguments> {
    match value {
        Value::Int(v) => query.bind(v),
        Value::Text(v) => query.bind(v),
        Value::Date(v) => query.bind(v),
        Value::Time(v) => query.bind(v),
        Value::Timestamp(v) => query.bind(v),
        Value::Bool(v) => query.bind(v),
        Value::Bytes(v) => query.bind(v),
    }
}

#[async_trait]
impl Store for Backend {
    fn engine(&self) -> Engine {
        ENGINE
    }

    fn file_store(&self, files_dir: &std::path::Path) -> std::sync::Arc<dyn crate::FileStore> {
        engine_file_store(&self.pool, files_dir)
    }

    async fn regions(&self) -> StoreResult<Vec<NamedRecord>> {
        Ok(query_as("SELECT id, name FROM regions ORDER BY name").fetch_all(&self.pool).await?)
    }

    async fn municipalities(&self, region_id: i64) -> StoreResult<Vec<NamedRecord>> {
        fetch_all_by(&self.pool, "SELECT id, name FROM municipalities WHERE region_id = $1 ORDER BY name", region_id).await
    }

    async fn settlements(&self, municipality_id: i64) -> StoreResult<Vec<NamedRecord>> {
        fetch_all_by(&self.pool, "SELECT id, name FROM settlements WHERE municipality_id = $1 ORDER BY name", municipality_id).await
    }

    async fn organization_kinds(&self, settlement_id: i64) -> StoreResult<Vec<OrganizationKind>> {
        let codes: Vec<String> = query_scalar(
            "SELECT DISTINCT kind FROM organizations WHERE settlement_id = $1 AND active = TRUE",
        )
        .bind(settlement_id)
        .fetch_all(&self.pool)
        .await?;
        let mut kinds: Vec<OrganizationKind> =
            codes.iter().filter_map(|c| OrganizationKind::from_code(c).ok()).collect();
        kinds.sort();
        Ok(kinds)
    }

    async fn organizations_in(&self, settlement_id: i64, kind: OrganizationKind) -> StoreResult<Vec<NamedRecord>> {
        Ok(query_as(
            "SELECT id, short_name AS name FROM organizations \
             WHERE settlement_id = $1 AND kind = $2 AND active = TRUE ORDER BY short_name",
        )
        .bind(settlement_id)
        .bind(kind.code())
        .fetch_all(&self.pool)
        .await?)
    }

    async fn search_organizations(
        &self,
        needle: Option<&str>,
        kind: Option<OrganizationKind>,
    ) -> StoreResult<Vec<OrganizationRecord>> {
        // `$1` is a LIKE pattern on the normalised name or NULL; `$2` a kind code or NULL.
        const SQL: &str = concat!(
            organization_select!(),
            " WHERE o.active = TRUE AND ($1 IS NULL OR o.name_norm LIKE $1 ESCAPE '\\') \
              AND ($2 IS NULL OR o.kind = $2) ORDER BY o.short_name, o.id"
        );
        let pattern = needle.map(|n| {
            let escaped = n.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
            format!("%{escaped}%")
        });
        Ok(query_as(SQL)
            .bind(pattern)
            .bind(kind.map(|k| k.code()))
            .fetch_all(&self.pool)
            .await?)
    }

    async fn organization(&self, id: OrganizationId) -> StoreResult<Option<OrganizationRecord>> {
        const SQL: &str = concat!(organization_select!(), " WHERE o.id = $1");
        fetch_optional_by(&self.pool, SQL, id).await
    }

    async fn credentials(&self, organization_id: OrganizationId, login_norm: &str) -> StoreResult<Option<CredentialsRecord>> {
        Ok(query_as(
            "SELECT id AS account_id, password_hash, legacy_verifier, active, must_change_password \
             FROM accounts WHERE organization_id = $1 AND login_norm = $2",
        )
        .bind(organization_id)
        .bind(login_norm)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn account(&self, id: AccountId) -> StoreResult<Option<AccountRecord>> {
        fetch_optional_by(&self.pool, "SELECT a.id, a.person_id, a.organization_id, a.login, a.display_name, p.last_name, p.first_name, \
             p.middle_name, p.birth_date, a.email, a.phone, a.preferred_channel, a.active \
             FROM accounts a JOIN persons p ON p.id = a.person_id WHERE a.id = $1", id).await
    }

    async fn set_password(&self, account: AccountId, password_hash: &str, legacy_verifier: Option<&[u8]>, must_change: bool) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await?;
        let done = query(
            "UPDATE accounts SET password_hash = $2, legacy_verifier = $3, must_change_password = $4 WHERE id = $1",
        )
        .bind(account)
        .bind(password_hash)
        .bind(legacy_verifier)
        .bind(must_change)
        .execute(&mut *tx)
        .await?;
        commit_change(tx, ChangeSubject::Account(account), ChangeKind::Standing).await?;
        Ok(done.rows_affected() == 1)
    }

    async fn account_roles(&self, id: AccountId) -> StoreResult<Vec<Role>> {
        let codes: Vec<String> = query_scalar("SELECT role FROM account_roles WHERE account_id = $1")
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
        let mut roles: Vec<Role> = codes.iter().filter_map(|c| Role::from_code(c).ok()).collect();
        roles.sort();
        Ok(roles)
    }

    async fn create_session(&self, s: &NewSession) -> StoreResult<i64> {
        query_scalar(
            "INSERT INTO sessions (token_hash, cookie_hash, account_id, channel, created_at, last_seen_at, ip, user_agent) \
             VALUES ($1, $2, $3, $4, $5, $5, $6, $7) RETURNING id",
        )
        .bind(&s.token_hash)
        .bind(&s.cookie_hash)
        .bind(s.account_id)
        .bind(&s.channel)
        .bind(s.now)
        .bind(&s.ip)
        .bind(&s.user_agent)
        .fetch_one(&self.pool)
        .await
        .map_err(map_conflict)
    }

    async fn session_by_token(&self, token_hash: &[u8]) -> StoreResult<Option<SessionRecord>> {
        const SQL: &str = concat!(session_select!(), "WHERE s.token_hash = $1");
        fetch_optional_by(&self.pool, SQL, token_hash).await
    }

    async fn session_by_cookie(&self, cookie_hash: &[u8]) -> StoreResult<Option<SessionRecord>> {
        const SQL: &str = concat!(session_select!(), "WHERE s.cookie_hash = $1");
        fetch_optional_by(&self.pool, SQL, cookie_hash).await
    }

    async fn touch_session(&self, id: i64, at: DateTime<Utc>) -> StoreResult<()> {
        query("UPDATE sessions SET last_seen_at = $2 WHERE id = $1")
            .bind(id)
            .bind(at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn delete_session(&self, id: i64) -> StoreResult<()> {
        query("DELETE FROM sessions WHERE id = $1").bind(id).execute(&self.pool).await?;
        Ok(())
    }

    async fn delete_sessions_idle_since(&self, cutoff: DateTime<Utc>) -> StoreResult<u64> {
        let done = query("DELETE FROM sessions WHERE last_seen_at < $1 AND channel NOT IN ('api', 'calendar')")
            .bind(cutoff)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    async fn create_login_ticket(&self, t: &LoginTicket) -> StoreResult<()> {
        query("INSERT INTO login_tickets (cookie_hash, lt, ver, salt, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&t.cookie_hash)
            .bind(&t.lt)
            .bind(&t.ver)
            .bind(&t.salt)
            .bind(t.created_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn take_login_ticket(&self, cookie_hash: &[u8], lt: &str) -> StoreResult<Option<LoginTicket>> {
        let mut tx = self.pool.begin().await?;
        let ticket: Option<LoginTicket> = query_as(
            "SELECT cookie_hash, lt, ver, salt, created_at FROM login_tickets \
             WHERE cookie_hash = $1 AND lt = $2 ORDER BY id DESC LIMIT 1",
        )
        .bind(cookie_hash)
        .bind(lt)
        .fetch_optional(&mut *tx)
        .await?;
        query("DELETE FROM login_tickets WHERE cookie_hash = $1")
            .bind(cookie_hash)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(ticket)
    }

    async fn delete_login_tickets_before(&self, cutoff: DateTime<Utc>) -> StoreResult<u64> {
        let done = query("DELETE FROM login_tickets WHERE created_at < $1")
            .bind(cutoff)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    async fn children(&self, parent: AccountId, on: NaiveDate) -> StoreResult<Vec<StudentRecord>> {
        Ok(query_as(
            "SELECT a.id AS account_id, a.organization_id, a.display_name, c.id AS class_id, c.grade, c.letter \
             FROM parent_students ps JOIN accounts a ON a.id = ps.student_account_id \
             LEFT JOIN class_students cs ON cs.student_account_id = a.id AND cs.from_date <= $2 \
                  AND (cs.to_date IS NULL OR cs.to_date >= $2) \
             LEFT JOIN classes c ON c.id = cs.class_id \
             WHERE ps.parent_account_id = $1 AND a.active = TRUE ORDER BY a.display_name, a.id",
        )
        .bind(parent)
        .bind(on)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn student(&self, student: AccountId, on: NaiveDate) -> StoreResult<Option<StudentRecord>> {
        Ok(query_as(
            "SELECT a.id AS account_id, a.organization_id, a.display_name, c.id AS class_id, c.grade, c.letter \
             FROM accounts a \
             LEFT JOIN class_students cs ON cs.student_account_id = a.id AND cs.from_date <= $2 \
                  AND (cs.to_date IS NULL OR cs.to_date >= $2) \
             LEFT JOIN classes c ON c.id = cs.class_id \
             WHERE a.id = $1 ORDER BY cs.from_date DESC LIMIT 1",
        )
        .bind(student)
        .bind(on)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn current_year(&self, organization_id: OrganizationId, on: NaiveDate) -> StoreResult<Option<AcademicYearRecord>> {
        Ok(query_as(
            "SELECT id, organization_id, name, start_date, end_date FROM academic_years \
             WHERE organization_id = $1 AND start_date <= $2 ORDER BY start_date DESC LIMIT 1",
        )
        .bind(organization_id)
        .bind(on)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn years(&self, organization_id: OrganizationId) -> StoreResult<Vec<AcademicYearRecord>> {
        fetch_all_by(&self.pool, "SELECT id, organization_id, name, start_date, end_date FROM academic_years \
             WHERE organization_id = $1 ORDER BY start_date DESC", organization_id).await
    }

    async fn periods(&self, academic_year_id: i64, grade: i32) -> StoreResult<Vec<PeriodRecord>> {
        Ok(query_as(
            "SELECT id, academic_year_id, kind, number, name, grade_from, grade_to, start_date, end_date \
             FROM periods WHERE academic_year_id = $1 AND grade_from <= $2 AND grade_to >= $2 \
             ORDER BY start_date",
        )
        .bind(academic_year_id)
        .bind(grade)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn assignment_types(&self, organization_id: OrganizationId, active_only: bool) -> StoreResult<Vec<AssignmentTypeRecord>> {
        Ok(query_as(
            "SELECT id, name, abbr, default_weight, sort_order, active FROM assignment_types \
             WHERE organization_id = $1 AND (active = TRUE OR $2 = FALSE) ORDER BY sort_order, id",
        )
        .bind(organization_id)
        .bind(active_only)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn diary_lessons(&self, student: AccountId, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<DiaryLessonRecord>> {
        fetch_span(&self.pool, concat!(
            "SELECT l.id AS lesson_id, l.date, l.shift, l.number, l.start_time, l.end_time, l.room, l.topic, \
             sub.name AS subject_name, sg.id AS subject_group_id, sg.name AS subject_group_name ",
            student_lessons_joins!(),
            student_lessons_where!(),
            "AND l.date >= $2 AND l.date <= $3 ORDER BY l.date, l.shift, l.number, l.id"
        ), student, from, to).await
    }

    async fn diary_assignments(&self, student: AccountId, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<DiaryAssignmentRecord>> {
        fetch_span(&self.pool, concat!(
            assignment_columns!(),
            student_lessons_joins!(),
            assignment_joins!(),
            student_lessons_where!(),
            "AND l.date >= $2 AND l.date <= $3 ORDER BY l.date, l.number, t.sort_order, a.id"
        ), student, from, to).await
    }

    async fn diary_attendance(&self, student: AccountId, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<AttendanceRecord>> {
        fetch_span(&self.pool, "SELECT at.lesson_id, at.code FROM attendance at JOIN lessons l ON l.id = at.lesson_id \
             WHERE at.student_account_id = $1 AND l.date >= $2 AND l.date <= $3", student, from, to).await
    }

    async fn overdue_assignments(
        &self,
        student: AccountId,
        from: NaiveDate,
        to: NaiveDate,
        today: NaiveDate,
    ) -> StoreResult<Vec<DiaryAssignmentRecord>> {
        Ok(query_as(concat!(
            assignment_columns!(),
            student_lessons_joins!(),
            assignment_joins!(),
            student_lessons_where!(),
            "AND a.mandatory = TRUE AND a.due_date >= $2 AND a.due_date <= $3 AND a.due_date < $4 \
             AND (mk.id IS NULL OR mk.duty = TRUE) ORDER BY a.due_date, a.id"
        ))
        .bind(student)
        .bind(from)
        .bind(to)
        .bind(today)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn append_audit_log(&self, e: &AuditLogEntry) -> StoreResult<()> {
        query(
            "INSERT INTO audit_log (at, actor_account_id, organization_id, action, target, ip, result, details) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(e.at)
        .bind(e.actor_account_id)
        .bind(e.organization_id)
        .bind(&e.action)
        .bind(&e.target)
        .bind(&e.ip)
        .bind(&e.result)
        .bind(&e.details)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn recent_audit_log(&self, limit: i64) -> StoreResult<Vec<AuditLogEntry>> {
        fetch_all_by(&self.pool, "SELECT at, actor_account_id, organization_id, action, target, ip, result, details FROM audit_log \
             ORDER BY id DESC LIMIT $1", limit).await
    }

    async fn is_empty(&self) -> StoreResult<bool> {
        let n: i64 = query_scalar("SELECT COUNT(*) FROM regions").fetch_one(&self.pool).await?;
        Ok(n == 0)
    }

    async fn bulk_insert(&self, table: &'static str, columns: &'static [&'static str], rows: Vec<Vec<Value>>) -> StoreResult<()> {
        if !is_bulk_table(table) || columns.is_empty() || !columns.iter().all(|c| is_identifier(c)) {
            return Err(StoreError::Conflict(format!("bulk load refused for table {table}")));
        }
        if rows.iter().any(|r| r.len() != columns.len()) {
            return Err(StoreError::Conflict(format!("bulk load into {table}: row width differs from columns")));
        }
        let per_statement = (MAX_BIND_PARAMS / columns.len()).max(1);
        let mut tx = self.pool.begin().await?;
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let chunk: Vec<Vec<Value>> = rows.by_ref().take(per_statement).collect();
            let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
            let mut n = 0usize;
            for (i, _) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(',');
                }
                sql.push('(');
                for c in 0..columns.len() {
                    if c > 0 {
                        sql.push(',');
                    }
                    n += 1;
                    sql.push('$');
                    sql.push_str(&n.to_string());
                }
                sql.push(')');
            }
            // Table and column names were checked against fixed lists above; values are bound.
            let mut query = query(sqlx::AssertSqlSafe(sql));
            for value in chunk.into_iter().flatten() {
                query = bind_value(query, value);
            }
            query.execute(&mut *tx).await.map_err(map_conflict)?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn finish_bulk_load(&self) -> StoreResult<()> {
        finish_bulk(&self.pool).await
    }
}

include!("repo_territory_admin.rs");
include!("repo_school_setup.rs");
include!("repo_curriculum.rs");
include!("repo_people.rs");
include!("repo_import.rs");
include!("repo_settings.rs");
include!("repo_attachments.rs");
include!("repo_journal.rs");
include!("repo_progress.rs");
include!("repo_announcements.rs");
include!("repo_resources.rs");
include!("repo_mail.rs");
include!("repo_protection.rs");
include!("repo_identity.rs");
include!("repo_passkeys.rs");
include!("repo_api_tokens.rs");
include!("repo_calendar_feeds.rs");
include!("repo_reports.rs");
include!("repo_report_jobs.rs");
include!("repo_outbox.rs");
include!("repo_week.rs");
include!("repo_operations.rs");
