// The class journal: the SQL of [`crate::JournalStore`], included into each engine by `repo.rs`.

macro_rules! journal_group_select {
    () => {
        "SELECT sg.id, sg.organization_id, sg.academic_year_id, sg.class_id, c.grade, c.letter, \
         sg.subgroup_id, sub.name AS subject_name, sg.name \
         FROM subject_groups sg JOIN classes c ON c.id = sg.class_id JOIN subjects sub ON sub.id = sg.subject_id "
    };
}

macro_rules! journal_lesson_select {
    () => {
        "SELECT l.id, l.subject_group_id, sg.name AS group_name, sub.name AS subject_name, sg.organization_id, \
         l.date, l.number, l.start_time, l.end_time, l.room, l.topic, l.teacher_account_id, l.status, \
         CASE WHEN l.teacher_account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM subject_group_teachers gt \
         WHERE gt.subject_group_id = l.subject_group_id AND gt.teacher_account_id = l.teacher_account_id) \
         THEN 1 ELSE 0 END AS substitute \
         FROM lessons l JOIN subject_groups sg ON sg.id = l.subject_group_id JOIN subjects sub ON sub.id = sg.subject_id "
    };
}

// The lessons `l` of group `$1` from `$2` to `$3`, for [`fetch_span`].
macro_rules! group_days {
    () => {
        "WHERE l.subject_group_id = $1 AND l.date >= $2 AND l.date <= $3"
    };
}

// Of those, the lessons held, by day and number (the caller adds its last key).
macro_rules! held_in_order {
    () => {
        " AND l.status <> 'cancelled' ORDER BY l.date, l.number, "
    };
}

macro_rules! journal_assignment_select {
    () => {
        "SELECT a.id, a.lesson_id, l.date AS lesson_date, a.type_id, t.name AS type_name, t.abbr AS type_abbr, \
         a.title, a.description, a.weight, a.due_date, a.mandatory \
         FROM assignments a JOIN lessons l ON l.id = a.lesson_id JOIN assignment_types t ON t.id = a.type_id "
    };
}

// Whether $2 is a student of group sg on date $4 (class membership on that day, and the subgroup
// when the group is one); `who` is the column holding the student.
macro_rules! journal_member_of_group {
    ($who:literal) => {
        concat!(
            "EXISTS (SELECT 1 FROM class_students cs WHERE cs.class_id = sg.class_id AND cs.student_account_id = ",
            $who,
            " AND cs.from_date <= $4 AND (cs.to_date IS NULL OR cs.to_date >= $4) \
             AND (sg.subgroup_id IS NULL OR EXISTS (SELECT 1 FROM subgroup_students ss \
             WHERE ss.subgroup_id = sg.subgroup_id AND ss.student_account_id = ",
            $who,
            ")))"
        )
    };
}

/// $1 group, $2 account, $3 lesson (0 = any lesson), $4 the date student membership is checked on.
const JOURNAL_TIES: &str = concat!(
    "SELECT CASE WHEN EXISTS (SELECT 1 FROM subject_group_teachers t WHERE t.subject_group_id = sg.id \
     AND t.teacher_account_id = $2) THEN 1 ELSE 0 END AS teaches, \
     CASE WHEN EXISTS (SELECT 1 FROM lessons l WHERE l.subject_group_id = sg.id AND l.teacher_account_id = $2 \
     AND ($3 = 0 OR l.id = $3)) THEN 1 ELSE 0 END AS substitutes, \
     CASE WHEN EXISTS (SELECT 1 FROM class_teachers ct WHERE ct.class_id = sg.class_id \
     AND ct.teacher_account_id = $2) THEN 1 ELSE 0 END AS class_teacher, \
     CASE WHEN ",
    journal_member_of_group!("$2"),
    " THEN 1 ELSE 0 END AS is_student, \
     CASE WHEN EXISTS (SELECT 1 FROM parent_students ps WHERE ps.parent_account_id = $2 AND ",
    journal_member_of_group!("ps.student_account_id"),
    ") THEN 1 ELSE 0 END AS is_parent \
     FROM subject_groups sg WHERE sg.id = $1"
);

/// The subject group of a lesson.
const LESSON_GROUP: &str = "SELECT subject_group_id FROM lessons WHERE id = $1";

#[async_trait]
impl crate::JournalStore for Backend {
    async fn teacher_lessons(&self, teacher: AccountId, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<crate::JournalLessonRecord>> {
        fetch_span(&self.pool, concat!(
            journal_lesson_select!(),
            "WHERE l.date >= $2 AND l.date <= $3 AND (l.teacher_account_id = $1 OR (l.teacher_account_id IS NULL \
             AND EXISTS (SELECT 1 FROM subject_group_teachers t WHERE t.subject_group_id = l.subject_group_id \
             AND t.teacher_account_id = $1))) ORDER BY l.date, l.number, l.id"
        ), teacher, from, to).await
    }

    async fn teacher_groups(&self, teacher: AccountId, year_id: i64) -> StoreResult<Vec<crate::JournalGroupRecord>> {
        Ok(query_as(concat!(
            journal_group_select!(),
            "WHERE sg.academic_year_id = $2 AND (EXISTS (SELECT 1 FROM subject_group_teachers t \
             WHERE t.subject_group_id = sg.id AND t.teacher_account_id = $1) \
             OR EXISTS (SELECT 1 FROM class_teachers ct WHERE ct.class_id = sg.class_id AND ct.teacher_account_id = $1) \
             OR EXISTS (SELECT 1 FROM lessons l WHERE l.subject_group_id = sg.id AND l.teacher_account_id = $1)) \
             ORDER BY c.grade, c.letter, sub.name, sg.name, sg.id"
        ))
        .bind(teacher)
        .bind(year_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn year_groups(&self, year_id: i64) -> StoreResult<Vec<crate::JournalGroupRecord>> {
        fetch_all_by(&self.pool, concat!(
            journal_group_select!(),
            "WHERE sg.academic_year_id = $1 ORDER BY c.grade, c.letter, sub.name, sg.name, sg.id"
        ), year_id).await
    }

    async fn journal_group(&self, id: i64) -> StoreResult<Option<crate::JournalGroupRecord>> {
        fetch_optional_by(&self.pool, concat!(journal_group_select!(), "WHERE sg.id = $1"), id).await
    }

    async fn group_ties(&self, group: i64, account: AccountId, lesson: Option<i64>) -> StoreResult<crate::GroupTiesRecord> {
        // Student membership is not asked here; any date does for the unused columns.
        let day = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
        let ties: Option<crate::GroupTiesRecord> = query_as(JOURNAL_TIES)
            .bind(group)
            .bind(account)
            .bind(lesson.unwrap_or(0))
            .bind(day)
            .fetch_optional(&self.pool)
            .await?;
        Ok(ties.map(|t| crate::GroupTiesRecord { is_student: 0, is_parent: 0, ..t }).unwrap_or_default())
    }

    async fn assignment_ties(&self, assignment: i64, account: AccountId) -> StoreResult<Option<(crate::JournalGroupRecord, i64, crate::GroupTiesRecord)>> {
        let found: Option<(i64, i64, NaiveDate)> = query_as(
            "SELECT l.subject_group_id, l.id, l.date FROM assignments a JOIN lessons l ON l.id = a.lesson_id WHERE a.id = $1",
        )
        .bind(assignment)
        .fetch_optional(&self.pool)
        .await?;
        let Some((group_id, lesson_id, date)) = found else { return Ok(None) };
        let Some(group) = self.journal_group(group_id).await? else { return Ok(None) };
        let ties: crate::GroupTiesRecord = query_as(JOURNAL_TIES)
            .bind(group_id)
            .bind(account)
            .bind(lesson_id)
            .bind(date)
            .fetch_one(&self.pool)
            .await?;
        Ok(Some((group, lesson_id, ties)))
    }

    async fn group_students(&self, group: i64, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<crate::NamedRecord>> {
        // The records' name, never the one the student chose: a row labelled with a
        // classmate's name would take that classmate's marks.
        fetch_span(&self.pool,
            "SELECT DISTINCT a.id, p.last_name || ' ' || p.first_name AS name FROM subject_groups sg \
             JOIN class_students cs ON cs.class_id = sg.class_id JOIN accounts a ON a.id = cs.student_account_id \
             JOIN persons p ON p.id = a.person_id \
             WHERE sg.id = $1 AND cs.from_date <= $3 AND (cs.to_date IS NULL OR cs.to_date >= $2) \
             AND (sg.subgroup_id IS NULL OR EXISTS (SELECT 1 FROM subgroup_students ss \
             WHERE ss.subgroup_id = sg.subgroup_id AND ss.student_account_id = a.id)) \
             ORDER BY name, a.id", group, from, to).await
    }

    async fn group_lessons(&self, group: i64, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<crate::JournalLessonRecord>> {
        const SQL: &str = concat!(journal_lesson_select!(), group_days!(), held_in_order!(), "l.id");
        fetch_span(&self.pool, SQL, group, from, to).await
    }

    async fn group_assignments(&self, group: i64, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<crate::JournalAssignmentRecord>> {
        const SQL: &str = concat!(journal_assignment_select!(), group_days!(), held_in_order!(), "a.id");
        fetch_span(&self.pool, SQL, group, from, to).await
    }

    async fn group_marks(&self, group: i64, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<crate::JournalMarkRecord>> {
        fetch_span(&self.pool, concat!(
            "SELECT m.assignment_id, m.student_account_id, m.value, m.code, m.duty, m.comment FROM marks m \
             JOIN assignments a ON a.id = m.assignment_id JOIN lessons l ON l.id = a.lesson_id ",
            group_days!()
        ), group, from, to).await
    }

    async fn group_attendance(&self, group: i64, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<crate::JournalAttendanceRecord>> {
        fetch_span(&self.pool, concat!(
            "SELECT at.lesson_id, at.student_account_id, at.code FROM attendance at JOIN lessons l ON l.id = at.lesson_id ",
            group_days!()
        ), group, from, to).await
    }

    async fn journal_mark(&self, assignment: i64, student: AccountId) -> StoreResult<Option<crate::JournalMarkRecord>> {
        Ok(query_as(
            "SELECT assignment_id, student_account_id, value, code, duty, comment FROM marks \
             WHERE assignment_id = $1 AND student_account_id = $2",
        )
        .bind(assignment)
        .bind(student)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn write_mark(&self, w: &crate::MarkWrite) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        match &w.mark {
            Some((value, code, duty)) => {
                query(
                    "INSERT INTO marks (assignment_id, student_account_id, value, code, duty, comment, set_at, set_by) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     ON CONFLICT (assignment_id, student_account_id) DO UPDATE SET value = excluded.value, \
                     code = excluded.code, duty = excluded.duty, comment = excluded.comment, \
                     set_at = excluded.set_at, set_by = excluded.set_by",
                )
                .bind(w.assignment_id)
                .bind(w.student_account_id)
                .bind(*value)
                .bind(code.as_deref())
                .bind(*duty)
                .bind(&w.comment)
                .bind(w.at)
                .bind(w.by)
                .execute(&mut *tx)
                .await
                .map_err(map_conflict)?;
            }
            None => {
                query("DELETE FROM marks WHERE assignment_id = $1 AND student_account_id = $2")
                    .bind(w.assignment_id)
                    .bind(w.student_account_id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        query(
            "INSERT INTO mark_history (assignment_id, student_account_id, old_value, new_value, old_comment, \
             new_comment, changed_at, changed_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(w.assignment_id)
        .bind(w.student_account_id)
        .bind(&w.old_shown)
        .bind(&w.new_shown)
        .bind(&w.old_comment)
        .bind(&w.comment)
        .bind(w.at)
        .bind(w.by)
        .execute(&mut *tx)
        .await
        .map_err(map_conflict)?;
        commit_change(tx, ChangeSubject::Student(w.student_account_id), ChangeKind::Marks).await
    }

    async fn mark_history(&self, assignment: i64, student: AccountId) -> StoreResult<Vec<crate::MarkHistoryRecord>> {
        Ok(query_as(
            "SELECT h.id, h.old_value, h.new_value, h.old_comment, h.new_comment, h.changed_at, h.changed_by, \
             TRIM(p.last_name || ' ' || p.first_name || ' ' || p.middle_name) AS changed_by_name \
             FROM mark_history h LEFT JOIN accounts a ON a.id = h.changed_by LEFT JOIN persons p ON p.id = a.person_id \
             WHERE h.assignment_id = $1 AND h.student_account_id = $2 ORDER BY h.changed_at, h.id",
        )
        .bind(assignment)
        .bind(student)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn journal_lesson(&self, id: i64) -> StoreResult<Option<crate::JournalLessonRecord>> {
        fetch_optional_by(&self.pool, concat!(journal_lesson_select!(), "WHERE l.id = $1"), id).await
    }

    async fn set_lesson_topic(&self, id: i64, topic: &str) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        query("UPDATE lessons SET topic = $2 WHERE id = $1")
            .bind(id)
            .bind(topic)
            .execute(&mut *tx)
            .await?;
        let changed = outbox_subjects(&mut tx, LESSON_GROUP, id, ChangeSubject::Group, ChangeKind::Lessons).await?;
        commit_with(tx, &changed).await
    }

    async fn lesson_assignments(&self, lesson: i64) -> StoreResult<Vec<crate::JournalAssignmentRecord>> {
        fetch_all_by(&self.pool, concat!(journal_assignment_select!(), "WHERE a.lesson_id = $1 ORDER BY a.id"), lesson).await
    }

    async fn create_assignment(&self, a: &crate::NewAssignment) -> StoreResult<i64> {
        let mut tx = self.pool.begin().await?;
        let id: i64 = query_scalar(
            "INSERT INTO assignments (lesson_id, type_id, title, description, weight, due_date, mandatory, \
             created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(a.lesson_id)
        .bind(a.type_id)
        .bind(&a.title)
        .bind(&a.description)
        .bind(a.weight)
        .bind(a.due_date)
        .bind(a.mandatory)
        .bind(a.created_by)
        .bind(a.created_at)
        .fetch_one(&mut *tx)
        .await
        .map_err(map_conflict)?;
        let changed = outbox_subjects(&mut tx, LESSON_GROUP, a.lesson_id, ChangeSubject::Group, ChangeKind::Assignments).await?;
        commit_with(tx, &changed).await?;
        Ok(id)
    }

    async fn delete_assignment(&self, lesson: i64, id: i64) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await?;
        let done = query("DELETE FROM assignments WHERE id = $1 AND lesson_id = $2")
            .bind(id)
            .bind(lesson)
            .execute(&mut *tx)
            .await?;
        let changed = outbox_subjects(&mut tx, LESSON_GROUP, lesson, ChangeSubject::Group, ChangeKind::Assignments).await?;
        commit_with(tx, &changed).await?;
        Ok(done.rows_affected() == 1)
    }

    async fn lesson_attendance(&self, lesson: i64) -> StoreResult<Vec<crate::JournalAttendanceRecord>> {
        fetch_all_by(&self.pool, "SELECT lesson_id, student_account_id, code FROM attendance WHERE lesson_id = $1", lesson).await
    }

    async fn set_attendance(&self, lesson: i64, student: AccountId, code: Option<&str>, by: AccountId, at: DateTime<Utc>) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        match code {
            Some(code) => {
                query(
                    "INSERT INTO attendance (lesson_id, student_account_id, code, set_at, set_by) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (lesson_id, student_account_id) DO UPDATE \
                     SET code = excluded.code, set_at = excluded.set_at, set_by = excluded.set_by",
                )
                .bind(lesson)
                .bind(student)
                .bind(code)
                .bind(at)
                .bind(by)
                .execute(&mut *tx)
                .await
                .map_err(map_conflict)?;
            }
            None => {
                query("DELETE FROM attendance WHERE lesson_id = $1 AND student_account_id = $2")
                    .bind(lesson)
                    .bind(student)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        commit_change(tx, ChangeSubject::Student(student), ChangeKind::Attendance).await
    }

    async fn assignment_type(&self, organization: i64, id: i64) -> StoreResult<Option<AssignmentTypeRecord>> {
        Ok(query_as(
            "SELECT id, name, abbr, default_weight, sort_order, active FROM assignment_types \
             WHERE organization_id = $1 AND id = $2",
        )
        .bind(organization)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn create_assignment_type(&self, organization: i64, f: &crate::AssignmentTypeFields) -> StoreResult<i64> {
        let insert = query_scalar(
            "INSERT INTO assignment_types (organization_id, name, abbr, default_weight, sort_order, active) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(organization)
        .bind(&f.name)
        .bind(&f.abbr)
        .bind(f.default_weight)
        .bind(f.sort_order)
        .bind(f.active);
        insert_with_change(&self.pool, insert, ChangeSubject::Organization(organization), ChangeKind::AssignmentTypes).await
    }

    async fn update_assignment_type(&self, organization: i64, id: i64, f: &crate::AssignmentTypeFields) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await?;
        let done = query(
            "UPDATE assignment_types SET name = $3, abbr = $4, default_weight = $5, sort_order = $6, active = $7 \
             WHERE organization_id = $1 AND id = $2",
        )
        .bind(organization)
        .bind(id)
        .bind(&f.name)
        .bind(&f.abbr)
        .bind(f.default_weight)
        .bind(f.sort_order)
        .bind(f.active)
        .execute(&mut *tx)
        .await?;
        commit_change(tx, ChangeSubject::Organization(organization), ChangeKind::AssignmentTypes).await?;
        Ok(done.rows_affected() == 1)
    }

    async fn final_marks(&self, group: i64) -> StoreResult<Vec<crate::FinalMarkRecord>> {
        fetch_all_by(&self.pool, "SELECT student_account_id, period_id, value, code FROM final_marks WHERE subject_group_id = $1", group).await
    }

    async fn set_final_mark(&self, group: i64, student: AccountId, period: Option<i64>, mark: Option<(Option<i32>, Option<String>)>, by: AccountId, at: DateTime<Utc>) -> StoreResult<()> {
        // The uniqueness is on COALESCE(period_id, 0), which an upsert target cannot name on
        // both engines; replacing inside one transaction does the same.
        let mut tx = self.pool.begin().await?;
        query(
            "DELETE FROM final_marks WHERE subject_group_id = $1 AND student_account_id = $2 \
             AND COALESCE(period_id, 0) = $3",
        )
        .bind(group)
        .bind(student)
        .bind(period.unwrap_or(0))
        .execute(&mut *tx)
        .await?;
        if let Some((value, code)) = mark {
            query(
                "INSERT INTO final_marks (subject_group_id, student_account_id, period_id, value, code, set_at, set_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(group)
            .bind(student)
            .bind(period)
            .bind(value)
            .bind(code)
            .bind(at)
            .bind(by)
            .execute(&mut *tx)
            .await
            .map_err(map_conflict)?;
        }
        commit_change(tx, ChangeSubject::Student(student), ChangeKind::Marks).await
    }
}
