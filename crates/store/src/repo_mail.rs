// Internal mail: the SQL of [`crate::MailStore`], included into each engine by `repo.rs`.

/// `$from, $from+1, …` for `count` values: only placeholders are formatted into statements.
fn mail_placeholders(from: usize, count: usize) -> String {
    (from..from + count).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// Runs `sql` (binding `$1` the account, `$2` a message) once per message; how many rows it
/// touched in all.
async fn mail_entries_each(pool: &DbPool, sql: &'static str, account: AccountId, ids: &[i64]) -> StoreResult<u64> {
    let mut done = 0;
    for id in ids {
        done += query(sql).bind(account).bind(id).execute(pool).await?.rows_affected();
    }
    Ok(done)
}

const MOVE_TO_DELETED: &str =
    "UPDATE mail_entries SET folder = 'Deleted' WHERE account_id = $1 AND message_id = $2 AND folder <> 'Deleted'";
const RESTORE_DELETED: &str =
    "UPDATE mail_entries SET folder = home_folder WHERE account_id = $1 AND message_id = $2 AND folder = 'Deleted'";
const PURGE_DELETED: &str = "DELETE FROM mail_entries WHERE account_id = $1 AND message_id = $2 AND folder = 'Deleted'";

/// The rows of `head (list) tail` for every id, where the list is the ids' placeholders: in
/// chunks, as an engine binds only so many values to a statement.
async fn fetch_in<T>(pool: &DbPool, head: &str, tail: &str, ids: &[i64]) -> StoreResult<Vec<T>>
where
    T: for<'r> sqlx::FromRow<'r, <Db as sqlx::Database>::Row> + Send + Unpin,
{
    let mut out = Vec::new();
    for chunk in ids.chunks(MAX_BIND_PARAMS) {
        let sql = format!("{head}{}{tail}", mail_placeholders(1, chunk.len()));
        let mut q = query_as(sqlx::AssertSqlSafe(sql));
        for id in chunk {
            q = q.bind(*id);
        }
        out.extend(q.fetch_all(pool).await?);
    }
    Ok(out)
}

/// The LIKE pattern of a search piece, with the wildcards escaped (`ESCAPE '\'`).
fn mail_like(piece: &str) -> String {
    format!("%{}%", piece.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"))
}

/// The WHERE clause of a folder query (from fixed fragments) and its text value if any.
fn mail_where(q: &crate::MailQuery) -> (String, Option<String>) {
    let mut sql = String::from(" WHERE e.account_id = $1 AND e.folder = $2");
    let mut text = None;
    if let Some((field, piece)) = &q.search {
        let cond = match field {
            crate::MailSearchField::Subject => "m.subject_norm LIKE $3 ESCAPE '\\'",
            crate::MailSearchField::Author => "m.author_norm LIKE $3 ESCAPE '\\'",
            crate::MailSearchField::Recipients => "m.to_norm LIKE $3 ESCAPE '\\'",
            crate::MailSearchField::Any => {
                "(m.subject_norm LIKE $3 ESCAPE '\\' OR m.author_norm LIKE $3 ESCAPE '\\' \
                 OR m.to_norm LIKE $3 ESCAPE '\\')"
            }
        };
        sql.push_str(" AND ");
        sql.push_str(cond);
        text = Some(mail_like(piece));
    }
    (sql, text)
}

macro_rules! message_select {
    () => {
        "SELECT m.id, m.organization_id, m.author_account_id, a.display_name AS author_name, m.subject, m.body, \
         m.is_html, m.created_at, m.sent_at, m.reply_to_id FROM mail_messages m \
         JOIN accounts a ON a.id = m.author_account_id "
    };
}

#[async_trait]
impl crate::MailStore for Backend {
    async fn create_message(&self, n: &crate::NewMessage) -> StoreResult<i64> {
        let mut tx = self.pool.begin().await?;
        let sent_at = if n.draft { None } else { Some(n.at) };
        let id: i64 = query_scalar(
            "INSERT INTO mail_messages (organization_id, author_account_id, subject, body, is_html, created_at, \
             sent_at, reply_to_id, subject_norm, author_norm, to_norm) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(n.organization_id)
        .bind(n.author)
        .bind(&n.subject)
        .bind(&n.body)
        .bind(n.is_html)
        .bind(n.at)
        .bind(sent_at)
        .bind(n.reply_to)
        .bind(&n.subject_norm)
        .bind(&n.author_norm)
        .bind(&n.to_norm)
        .fetch_one(&mut *tx)
        .await
        .map_err(map_conflict)?;
        for (account, kind) in &n.recipients {
            query("INSERT INTO mail_recipients (message_id, account_id, kind) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(account)
                .bind(kind)
                .execute(&mut *tx)
                .await
                .map_err(map_conflict)?;
        }
        let own = if n.draft { "Draft" } else { "Sent" };
        query(
            "INSERT INTO mail_entries (message_id, account_id, folder, home_folder, is_read) VALUES ($1, $2, $3, $3, TRUE)",
        )
        .bind(id)
        .bind(n.author)
        .bind(own)
        .execute(&mut *tx)
        .await?;
        if !n.draft {
            for (account, _) in &n.recipients {
                if *account == n.author {
                    continue;
                }
                query(
                    "INSERT INTO mail_entries (message_id, account_id, folder, home_folder, is_read) \
                     VALUES ($1, $2, 'Inbox', 'Inbox', FALSE)",
                )
                .bind(id)
                .bind(account)
                .execute(&mut *tx)
                .await
                .map_err(map_conflict)?;
            }
            for d in &n.deliveries {
                query(
                    "INSERT INTO mail_deliveries (message_id, account_id, organization_id, channel, address, class_id, \
                     status, attempts, next_attempt_at, last_error, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, '', $7)",
                )
                .bind(id)
                .bind(d.account_id)
                .bind(n.organization_id)
                .bind(&d.channel)
                .bind(&d.address)
                .bind(d.class_id)
                .bind(n.at)
                .execute(&mut *tx)
                .await
                .map_err(map_conflict)?;
            }
        }
        tx.commit().await?;
        Ok(id)
    }

    async fn delete_draft(&self, author: AccountId, id: i64) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await?;
        let is_draft: Option<i64> = query_scalar(
            "SELECT m.id FROM mail_messages m JOIN mail_entries e ON e.message_id = m.id AND e.account_id = $2 \
             WHERE m.id = $1 AND m.author_account_id = $2 AND m.sent_at IS NULL",
        )
        .bind(id)
        .bind(author)
        .fetch_optional(&mut *tx)
        .await?;
        if is_draft.is_none() {
            return Ok(false);
        }
        query("DELETE FROM mail_entries WHERE message_id = $1").bind(id).execute(&mut *tx).await?;
        query("DELETE FROM mail_recipients WHERE message_id = $1").bind(id).execute(&mut *tx).await?;
        query("DELETE FROM mail_messages WHERE id = $1").bind(id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn message(&self, id: i64) -> StoreResult<Option<crate::MessageRecord>> {
        fetch_optional_by(&self.pool, concat!(message_select!(), "WHERE m.id = $1"), id).await
    }

    async fn mail_entry(&self, id: i64, account: AccountId) -> StoreResult<Option<crate::MailEntryRecord>> {
        Ok(query_as(
            "SELECT message_id, account_id, folder, home_folder, is_read FROM mail_entries \
             WHERE message_id = $1 AND account_id = $2",
        )
        .bind(id)
        .bind(account)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn message_recipients(&self, ids: &[i64]) -> StoreResult<Vec<crate::MailRecipientRecord>> {
        fetch_in(
            &self.pool,
            "SELECT r.message_id, r.account_id, r.kind, a.display_name, \
             TRIM(p.last_name || ' ' || p.first_name || ' ' || p.middle_name) AS full_name FROM mail_recipients r \
             JOIN accounts a ON a.id = r.account_id JOIN persons p ON p.id = a.person_id WHERE r.message_id IN (",
            ") ORDER BY r.message_id, p.last_name, p.first_name, p.middle_name, r.account_id",
            ids,
        )
        .await
    }

    async fn mailbox(&self, query: &crate::MailQuery) -> StoreResult<Vec<crate::MailRowRecord>> {
        let (filter, text) = mail_where(query);
        let column = match query.order {
            crate::MailOrder::Sent => "COALESCE(m.sent_at, m.created_at)",
            crate::MailOrder::Subject => "m.subject_norm",
            crate::MailOrder::Author => "m.author_norm",
        };
        let direction = if query.ascending { "ASC" } else { "DESC" };
        let next = if text.is_some() { 4 } else { 3 };
        let sql = format!(
            "SELECT m.id, m.subject, m.author_account_id, a.display_name AS author_name, \
             COALESCE(m.sent_at, m.created_at) AS sent_at, e.is_read \
             FROM mail_entries e JOIN mail_messages m ON m.id = e.message_id \
             JOIN accounts a ON a.id = m.author_account_id{filter} \
             ORDER BY {column} {direction}, m.id {direction} LIMIT ${next} OFFSET ${}",
            next + 1
        );
        let mut q = query_as(sqlx::AssertSqlSafe(sql)).bind(query.account).bind(&query.folder);
        if let Some(t) = text {
            q = q.bind(t);
        }
        Ok(q.bind(query.limit).bind(query.offset).fetch_all(&self.pool).await?)
    }

    async fn mailbox_count(&self, query: &crate::MailQuery) -> StoreResult<i64> {
        let (filter, text) = mail_where(query);
        let sql = format!(
            "SELECT COUNT(*) FROM mail_entries e JOIN mail_messages m ON m.id = e.message_id{filter}"
        );
        let mut q = query_scalar(sqlx::AssertSqlSafe(sql)).bind(query.account).bind(&query.folder);
        if let Some(t) = text {
            q = q.bind(t);
        }
        Ok(q.fetch_one(&self.pool).await?)
    }

    async fn unread_messages(&self, account: AccountId) -> StoreResult<Vec<i64>> {
        Ok(query_scalar(
            "SELECT m.id FROM mail_entries e JOIN mail_messages m ON m.id = e.message_id \
             WHERE e.account_id = $1 AND e.folder = 'Inbox' AND e.is_read = FALSE \
             ORDER BY m.sent_at DESC, m.id DESC",
        )
        .bind(account)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn set_read(&self, account: AccountId, ids: &[i64], read: bool) -> StoreResult<u64> {
        let mut done = 0;
        for id in ids {
            done += query("UPDATE mail_entries SET is_read = $3 WHERE account_id = $1 AND message_id = $2 AND is_read <> $3")
                .bind(account)
                .bind(id)
                .bind(read)
                .execute(&self.pool)
                .await?
                .rows_affected();
        }
        Ok(done)
    }

    async fn move_to_deleted(&self, account: AccountId, ids: &[i64]) -> StoreResult<u64> {
        mail_entries_each(&self.pool, MOVE_TO_DELETED, account, ids).await
    }

    async fn restore_deleted(&self, account: AccountId, ids: &[i64]) -> StoreResult<u64> {
        mail_entries_each(&self.pool, RESTORE_DELETED, account, ids).await
    }

    async fn purge_deleted(&self, account: AccountId, ids: &[i64]) -> StoreResult<u64> {
        mail_entries_each(&self.pool, PURGE_DELETED, account, ids).await
    }

    async fn authors(&self, ids: &[AccountId]) -> StoreResult<Vec<crate::AuthorRecord>> {
        fetch_in(
            &self.pool,
            "SELECT a.id AS account_id, p.last_name, p.first_name, p.middle_name, a.display_name, \
             o.short_name AS organization_name, r.role FROM accounts a \
             JOIN persons p ON p.id = a.person_id JOIN organizations o ON o.id = a.organization_id \
             LEFT JOIN account_roles r ON r.account_id = a.id WHERE a.id IN (",
            ") ORDER BY a.id, r.role",
            ids,
        )
        .await
    }

    async fn mail_people(&self, organization_id: OrganizationId) -> StoreResult<Vec<crate::MailPersonRecord>> {
        fetch_all_by(&self.pool, "SELECT a.id AS account_id, a.display_name, \
             TRIM(p.last_name || ' ' || p.first_name || ' ' || p.middle_name) AS full_name, \
             a.preferred_channel, a.email FROM accounts a JOIN persons p ON p.id = a.person_id \
             WHERE a.organization_id = $1 AND a.active = TRUE ORDER BY p.last_name, p.first_name, a.id", organization_id).await
    }

    async fn teachers_of_student(&self, student: AccountId, on: NaiveDate) -> StoreResult<Vec<AccountId>> {
        Ok(query_scalar(
            "SELECT DISTINCT t.teacher_account_id FROM class_students cs \
             JOIN subject_groups sg ON sg.class_id = cs.class_id \
             JOIN subject_group_teachers t ON t.subject_group_id = sg.id \
             WHERE cs.student_account_id = $1 AND cs.from_date <= $2 AND (cs.to_date IS NULL OR cs.to_date >= $2) \
             AND (sg.subgroup_id IS NULL OR EXISTS (SELECT 1 FROM subgroup_students ss \
                  WHERE ss.subgroup_id = sg.subgroup_id AND ss.student_account_id = $1))",
        )
        .bind(student)
        .bind(on)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn class_teachers_of_student(&self, student: AccountId, on: NaiveDate) -> StoreResult<Vec<AccountId>> {
        Ok(query_scalar(
            "SELECT DISTINCT ct.teacher_account_id FROM class_students cs \
             JOIN class_teachers ct ON ct.class_id = cs.class_id \
             WHERE cs.student_account_id = $1 AND cs.from_date <= $2 AND (cs.to_date IS NULL OR cs.to_date >= $2)",
        )
        .bind(student)
        .bind(on)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn families_taught_by(&self, teacher: AccountId, on: NaiveDate) -> StoreResult<Vec<AccountId>> {
        Ok(query_scalar(
            "WITH classes_of AS ( \
                SELECT sg.class_id FROM subject_group_teachers t JOIN subject_groups sg ON sg.id = t.subject_group_id \
                WHERE t.teacher_account_id = $1 \
                UNION SELECT class_id FROM class_teachers WHERE teacher_account_id = $1), \
             students AS ( \
                SELECT DISTINCT cs.student_account_id AS id FROM class_students cs \
                WHERE cs.class_id IN (SELECT class_id FROM classes_of) \
                AND cs.from_date <= $2 AND (cs.to_date IS NULL OR cs.to_date >= $2)) \
             SELECT id FROM students \
             UNION SELECT ps.parent_account_id FROM parent_students ps WHERE ps.student_account_id IN (SELECT id FROM students)",
        )
        .bind(teacher)
        .bind(on)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn classmates_of(&self, student: AccountId, on: NaiveDate) -> StoreResult<Vec<AccountId>> {
        Ok(query_scalar(
            "SELECT DISTINCT o.student_account_id FROM class_students cs \
             JOIN class_students o ON o.class_id = cs.class_id \
             WHERE cs.student_account_id = $1 AND cs.from_date <= $2 AND (cs.to_date IS NULL OR cs.to_date >= $2) \
             AND o.student_account_id <> $1 AND o.from_date <= $2 AND (o.to_date IS NULL OR o.to_date >= $2)",
        )
        .bind(student)
        .bind(on)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn letter_class_of(&self, account: AccountId, on: NaiveDate) -> StoreResult<Option<i64>> {
        Ok(query_scalar(
            "SELECT cs.class_id FROM class_students cs \
             WHERE (cs.student_account_id = $1 OR cs.student_account_id IN \
                    (SELECT student_account_id FROM parent_students WHERE parent_account_id = $1)) \
             AND cs.from_date <= $2 AND (cs.to_date IS NULL OR cs.to_date >= $2) \
             ORDER BY CASE WHEN cs.student_account_id = $1 THEN 0 ELSE 1 END, cs.student_account_id LIMIT 1",
        )
        .bind(account)
        .bind(on)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn classes_led_on(&self, teacher: AccountId, on: NaiveDate) -> StoreResult<Vec<i64>> {
        Ok(query_scalar(
            "SELECT c.id FROM class_teachers ct JOIN classes c ON c.id = ct.class_id \
             JOIN academic_years y ON y.id = c.academic_year_id \
             WHERE ct.teacher_account_id = $1 AND y.start_date <= $2 AND y.end_date >= $2 ORDER BY c.grade, c.letter",
        )
        .bind(teacher)
        .bind(on)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn students_write_classmates(&self, organization_id: OrganizationId) -> StoreResult<bool> {
        let allowed: Option<bool> = query_scalar(
            "SELECT students_write_classmates FROM mail_school_settings WHERE organization_id = $1",
        )
        .bind(organization_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(allowed.unwrap_or(false))
    }

    async fn set_students_write_classmates(&self, organization_id: OrganizationId, allowed: bool) -> StoreResult<()> {
        query(
            "INSERT INTO mail_school_settings (organization_id, students_write_classmates) VALUES ($1, $2) \
             ON CONFLICT (organization_id) DO UPDATE SET students_write_classmates = $2",
        )
        .bind(organization_id)
        .bind(allowed)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn due_email_deliveries(&self, now: DateTime<Utc>, limit: i64) -> StoreResult<Vec<crate::EmailDeliveryRecord>> {
        Ok(query_as(
            "SELECT d.id, d.message_id, d.address, d.attempts, d.next_attempt_at, m.subject, m.body, m.is_html, \
             TRIM(ap.last_name || ' ' || ap.first_name || ' ' || ap.middle_name) AS author_name, \
             TRIM(rp.last_name || ' ' || rp.first_name || ' ' || rp.middle_name) AS recipient_name, \
             o.short_name AS organization_name \
             FROM mail_deliveries d JOIN mail_messages m ON m.id = d.message_id \
             JOIN accounts au ON au.id = m.author_account_id JOIN persons ap ON ap.id = au.person_id \
             JOIN accounts r ON r.id = d.account_id JOIN persons rp ON rp.id = r.person_id \
             JOIN organizations o ON o.id = d.organization_id \
             WHERE d.channel = 'email' AND d.status = 'pending' AND d.next_attempt_at <= $1 \
             ORDER BY d.next_attempt_at, d.id LIMIT $2",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn claim_delivery(&self, id: i64, seen_next: DateTime<Utc>, lease_until: DateTime<Utc>) -> StoreResult<bool> {
        let done = query(
            "UPDATE mail_deliveries SET next_attempt_at = $3 WHERE id = $1 AND status = 'pending' AND next_attempt_at = $2",
        )
        .bind(id)
        .bind(seen_next)
        .bind(lease_until)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(done == 1)
    }

    async fn delivery_done(&self, id: i64, status: &str, at: DateTime<Utc>) -> StoreResult<()> {
        query("UPDATE mail_deliveries SET status = $2, done_at = $3, attempts = attempts + 1, last_error = '' WHERE id = $1")
            .bind(id)
            .bind(status)
            .bind(at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn delivery_failed(&self, id: i64, attempts: i32, next_at: DateTime<Utc>, status: &str, error: &str) -> StoreResult<()> {
        query(
            "UPDATE mail_deliveries SET attempts = $2, next_attempt_at = $3, status = $4, last_error = $5 WHERE id = $1",
        )
        .bind(id)
        .bind(attempts)
        .bind(next_at)
        .bind(status)
        .bind(error)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn deliveries_of(&self, message_id: i64) -> StoreResult<Vec<crate::DeliveryRecord>> {
        fetch_all_by(&self.pool, "SELECT id, message_id, account_id, channel, status, attempts, last_error FROM mail_deliveries \
             WHERE message_id = $1 ORDER BY id", message_id).await
    }

    async fn paper_letters(&self, organization_id: OrganizationId, status: &str, classes: Option<&[i64]>) -> StoreResult<Vec<crate::PaperLetterRecord>> {
        let mut sql = String::from(
            "SELECT d.id, d.message_id, d.class_id, \
             TRIM(rp.last_name || ' ' || rp.first_name || ' ' || rp.middle_name) AS recipient_name, \
             TRIM(ap.last_name || ' ' || ap.first_name || ' ' || ap.middle_name) AS author_name, \
             m.subject, m.body, m.is_html, COALESCE(m.sent_at, m.created_at) AS sent_at, d.status, \
             o.full_name AS organization_name \
             FROM mail_deliveries d JOIN mail_messages m ON m.id = d.message_id \
             JOIN accounts au ON au.id = m.author_account_id JOIN persons ap ON ap.id = au.person_id \
             JOIN accounts r ON r.id = d.account_id JOIN persons rp ON rp.id = r.person_id \
             JOIN organizations o ON o.id = d.organization_id \
             WHERE d.organization_id = $1 AND d.channel = 'paper' AND d.status = $2",
        );
        if let Some(classes) = classes {
            if classes.is_empty() {
                return Ok(Vec::new());
            }
            sql.push_str(&format!(" AND d.class_id IN ({})", mail_placeholders(3, classes.len())));
        }
        sql.push_str(" ORDER BY rp.last_name, rp.first_name, rp.middle_name, d.id");
        let mut q = query_as(sqlx::AssertSqlSafe(sql)).bind(organization_id).bind(status);
        for c in classes.unwrap_or_default() {
            q = q.bind(*c);
        }
        Ok(q.fetch_all(&self.pool).await?)
    }

    async fn mark_letters_printed(&self, organization_id: OrganizationId, ids: &[i64], at: DateTime<Utc>) -> StoreResult<u64> {
        let mut done = 0;
        for id in ids {
            done += query(
                "UPDATE mail_deliveries SET status = 'printed', done_at = $3 \
                 WHERE id = $1 AND organization_id = $2 AND channel = 'paper' AND status = 'pending'",
            )
            .bind(id)
            .bind(organization_id)
            .bind(at)
            .execute(&self.pool)
            .await?
            .rows_affected();
        }
        Ok(done)
    }
}
