// School set-up: the SQL of [`crate::SchoolSetupStore`], included into each engine by `repo.rs`.
// Types are named by path: this file shares one module with the other areas' SQL.

macro_rules! setup_class_select {
    () => {
        "SELECT c.id, c.organization_id, c.academic_year_id, c.grade, c.letter, c.profile, c.room, c.shift, \
         ct.teacher_account_id, a.display_name AS teacher_name FROM classes c \
         LEFT JOIN class_teachers ct ON ct.class_id = c.id AND ct.teacher_account_id = \
              (SELECT MIN(x.teacher_account_id) FROM class_teachers x WHERE x.class_id = c.id) \
         LEFT JOIN accounts a ON a.id = ct.teacher_account_id "
    };
}

macro_rules! setup_group_select {
    () => {
        "SELECT g.id, g.organization_id, g.academic_year_id, g.class_id, g.subgroup_id, sgr.name AS subgroup_name, \
         g.subject_id, s.name AS subject_name, g.name, g.hours_per_week FROM subject_groups g \
         JOIN subjects s ON s.id = g.subject_id LEFT JOIN subgroups sgr ON sgr.id = g.subgroup_id "
    };
}

macro_rules! setup_lesson_select {
    () => {
        "SELECT l.id, g.organization_id, g.class_id, l.subject_group_id, g.name AS group_name, l.date, l.shift, \
         l.number, l.start_time, l.end_time, l.room, l.status, l.teacher_account_id, a.display_name AS teacher_name \
         FROM lessons l JOIN subject_groups g ON g.id = l.subject_group_id \
         LEFT JOIN accounts a ON a.id = l.teacher_account_id "
    };
}

#[async_trait]
impl crate::SchoolSetupStore for Backend {
    async fn year(&self, id: i64) -> StoreResult<Option<AcademicYearRecord>> {
        Ok(sqlx::query_as(
            "SELECT id, organization_id, name, start_date, end_date FROM academic_years WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn create_year(&self, organization_id: OrganizationId, name: &str, start: NaiveDate, end: NaiveDate) -> StoreResult<i64> {
        sqlx::query_scalar(
            "INSERT INTO academic_years (organization_id, name, start_date, end_date) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(organization_id)
        .bind(name)
        .bind(start)
        .bind(end)
        .fetch_one(&self.pool)
        .await
        .map_err(map_conflict)
    }

    async fn year_periods(&self, year_id: i64) -> StoreResult<Vec<PeriodRecord>> {
        Ok(sqlx::query_as(
            "SELECT id, academic_year_id, kind, number, name, grade_from, grade_to, start_date, end_date \
             FROM periods WHERE academic_year_id = $1 ORDER BY grade_from, grade_to, start_date, number",
        )
        .bind(year_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn add_periods(&self, year_id: i64, periods: &[crate::NewPeriod]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        for p in periods {
            sqlx::query(
                "INSERT INTO periods (academic_year_id, kind, number, name, grade_from, grade_to, start_date, end_date) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(year_id)
            .bind(&p.kind)
            .bind(p.number)
            .bind(&p.name)
            .bind(p.grade_from)
            .bind(p.grade_to)
            .bind(p.start_date)
            .bind(p.end_date)
            .execute(&mut *tx)
            .await
            .map_err(map_conflict)?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn delete_periods(&self, year_id: i64, grade_from: i32, grade_to: i32) -> StoreResult<u64> {
        let done = sqlx::query("DELETE FROM periods WHERE academic_year_id = $1 AND grade_from = $2 AND grade_to = $3")
            .bind(year_id)
            .bind(grade_from)
            .bind(grade_to)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    async fn holidays(&self, year_id: i64) -> StoreResult<Vec<crate::HolidayRecord>> {
        Ok(sqlx::query_as(
            "SELECT id, academic_year_id, name, start_date, end_date FROM holidays WHERE academic_year_id = $1 \
             ORDER BY start_date, id",
        )
        .bind(year_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn add_holiday(&self, year_id: i64, name: &str, start: NaiveDate, end: NaiveDate) -> StoreResult<i64> {
        sqlx::query_scalar(
            "INSERT INTO holidays (academic_year_id, name, start_date, end_date) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(year_id)
        .bind(name)
        .bind(start)
        .bind(end)
        .fetch_one(&self.pool)
        .await
        .map_err(map_conflict)
    }

    async fn delete_holiday(&self, year_id: i64, holiday_id: i64) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM holidays WHERE academic_year_id = $1 AND id = $2")
            .bind(year_id)
            .bind(holiday_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn update_year(&self, id: i64, name: &str, start: NaiveDate, end: NaiveDate) -> StoreResult<()> {
        sqlx::query("UPDATE academic_years SET name = $2, start_date = $3, end_date = $4 WHERE id = $1")
            .bind(id)
            .bind(name)
            .bind(start)
            .bind(end)
            .execute(&self.pool)
            .await
            .map_err(map_conflict)?;
        Ok(())
    }

    async fn year_outside(&self, year_id: i64, start: NaiveDate, end: NaiveDate) -> StoreResult<crate::YearOutside> {
        // Open-ended timetable lines (valid_to NULL) run to the year's end, wherever that is.
        let (periods, holidays, lessons, timetable_entries): (i64, i64, i64, i64) = sqlx::query_as(
            "SELECT              (SELECT COUNT(*) FROM periods WHERE academic_year_id = $1 AND (start_date < $2 OR end_date > $3)),              (SELECT COUNT(*) FROM holidays WHERE academic_year_id = $1 AND (start_date < $2 OR end_date > $3)),              (SELECT COUNT(*) FROM lessons l JOIN subject_groups g ON g.id = l.subject_group_id               WHERE g.academic_year_id = $1 AND (l.date < $2 OR l.date > $3)),              (SELECT COUNT(*) FROM timetable_entries e JOIN subject_groups g ON g.id = e.subject_group_id               WHERE g.academic_year_id = $1 AND (e.valid_from < $2 OR e.valid_from > $3 OR e.valid_to > $3))",
        )
        .bind(year_id)
        .bind(start)
        .bind(end)
        .fetch_one(&self.pool)
        .await?;
        Ok(crate::YearOutside {
            periods,
            holidays,
            lessons,
            timetable_entries,
        })
    }

    async fn classes(&self, year_id: i64) -> StoreResult<Vec<crate::ClassRecord>> {
        const SQL: &str = concat!(setup_class_select!(), "WHERE c.academic_year_id = $1 ORDER BY c.grade, c.letter, c.id");
        Ok(sqlx::query_as(SQL).bind(year_id).fetch_all(&self.pool).await?)
    }

    async fn class(&self, id: i64) -> StoreResult<Option<crate::ClassRecord>> {
        const SQL: &str = concat!(setup_class_select!(), "WHERE c.id = $1");
        Ok(sqlx::query_as(SQL).bind(id).fetch_optional(&self.pool).await?)
    }

    async fn create_class(&self, organization_id: OrganizationId, year_id: i64, f: &crate::ClassFields) -> StoreResult<i64> {
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO classes (organization_id, academic_year_id, grade, letter, profile, room, shift) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(organization_id)
        .bind(year_id)
        .bind(f.grade)
        .bind(&f.letter)
        .bind(&f.profile)
        .bind(&f.room)
        .bind(f.shift)
        .fetch_one(&mut *tx)
        .await
        .map_err(map_conflict)?;
        if let Some(teacher) = f.teacher_account_id {
            sqlx::query("INSERT INTO class_teachers (class_id, teacher_account_id) VALUES ($1, $2)")
                .bind(id)
                .bind(teacher)
                .execute(&mut *tx)
                .await
                .map_err(map_conflict)?;
        }
        tx.commit().await?;
        Ok(id)
    }

    async fn update_class(&self, id: i64, f: &crate::ClassFields) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE classes SET grade = $2, letter = $3, profile = $4, room = $5, shift = $6 WHERE id = $1",
        )
        .bind(id)
        .bind(f.grade)
        .bind(&f.letter)
        .bind(&f.profile)
        .bind(&f.room)
        .bind(f.shift)
        .execute(&mut *tx)
        .await
        .map_err(map_conflict)?;
        sqlx::query("DELETE FROM class_teachers WHERE class_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if let Some(teacher) = f.teacher_account_id {
            sqlx::query("INSERT INTO class_teachers (class_id, teacher_account_id) VALUES ($1, $2)")
                .bind(id)
                .bind(teacher)
                .execute(&mut *tx)
                .await
                .map_err(map_conflict)?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn school_teachers(&self, organization_id: OrganizationId) -> StoreResult<Vec<NamedRecord>> {
        Ok(sqlx::query_as(
            "SELECT a.id, a.display_name AS name FROM accounts a \
             JOIN account_roles r ON r.account_id = a.id AND r.role = 'teacher' \
             WHERE a.organization_id = $1 AND a.active = TRUE ORDER BY a.display_name, a.id",
        )
        .bind(organization_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn class_members(&self, class_id: i64, on: NaiveDate) -> StoreResult<Vec<NamedRecord>> {
        Ok(sqlx::query_as(
            "SELECT DISTINCT a.id, p.last_name || ' ' || p.first_name AS name FROM class_students cs \
             JOIN accounts a ON a.id = cs.student_account_id JOIN persons p ON p.id = a.person_id \
             WHERE cs.class_id = $1 AND (cs.to_date IS NULL OR cs.to_date >= $2) ORDER BY name, a.id",
        )
        .bind(class_id)
        .bind(on)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn subgroups(&self, class_id: i64) -> StoreResult<Vec<crate::SubgroupRecord>> {
        Ok(sqlx::query_as(
            "SELECT s.id, s.class_id, s.name, \
             (SELECT COUNT(*) FROM subgroup_students ss WHERE ss.subgroup_id = s.id) AS students \
             FROM subgroups s WHERE s.class_id = $1 ORDER BY s.name, s.id",
        )
        .bind(class_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn create_subgroup(&self, class_id: i64, name: &str, students: &[i64]) -> StoreResult<i64> {
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query_scalar("INSERT INTO subgroups (class_id, name) VALUES ($1, $2) RETURNING id")
            .bind(class_id)
            .bind(name)
            .fetch_one(&mut *tx)
            .await
            .map_err(map_conflict)?;
        for student in students {
            sqlx::query("INSERT INTO subgroup_students (subgroup_id, student_account_id) VALUES ($1, $2)")
                .bind(id)
                .bind(student)
                .execute(&mut *tx)
                .await
                .map_err(map_conflict)?;
        }
        tx.commit().await?;
        Ok(id)
    }

    async fn subgroup(&self, id: i64) -> StoreResult<Option<crate::SubgroupRecord>> {
        Ok(sqlx::query_as(
            "SELECT s.id, s.class_id, s.name, \
             (SELECT COUNT(*) FROM subgroup_students ss WHERE ss.subgroup_id = s.id) AS students \
             FROM subgroups s WHERE s.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn subgroup_students(&self, id: i64) -> StoreResult<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT student_account_id FROM subgroup_students WHERE subgroup_id = $1 ORDER BY student_account_id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn update_subgroup(&self, id: i64, name: &str, students: &[i64], group_names: &[(i64, String)]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE subgroups SET name = $2 WHERE id = $1")
            .bind(id)
            .bind(name)
            .execute(&mut *tx)
            .await
            .map_err(map_conflict)?;
        sqlx::query("DELETE FROM subgroup_students WHERE subgroup_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        for student in students {
            sqlx::query("INSERT INTO subgroup_students (subgroup_id, student_account_id) VALUES ($1, $2)")
                .bind(id)
                .bind(student)
                .execute(&mut *tx)
                .await
                .map_err(map_conflict)?;
        }
        for (group, group_name) in group_names {
            sqlx::query("UPDATE subject_groups SET name = $2 WHERE id = $1 AND subgroup_id = $3")
                .bind(group)
                .bind(group_name)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(map_conflict)?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn delete_subgroup(&self, id: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "DELETE FROM subgroups WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM subject_groups g WHERE g.subgroup_id = $1)",
        )
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(map_conflict)?;
        Ok(done.rows_affected() == 1)
    }

    async fn class_timetable_from(&self, class_id: i64, from: NaiveDate) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM timetable_entries e JOIN subject_groups g ON g.id = e.subject_group_id \
             WHERE g.class_id = $1 AND (e.valid_to IS NULL OR e.valid_to >= $2)",
        )
        .bind(class_id)
        .bind(from)
        .fetch_one(&self.pool)
        .await?)
    }

    async fn class_usage(&self, class_id: i64) -> StoreResult<(i64, i64)> {
        Ok(sqlx::query_as(
            "SELECT (SELECT COUNT(DISTINCT student_account_id) FROM class_students WHERE class_id = $1), \
             (SELECT COUNT(*) FROM lessons l JOIN subject_groups g ON g.id = l.subject_group_id WHERE g.class_id = $1)",
        )
        .bind(class_id)
        .fetch_one(&self.pool)
        .await?)
    }

    async fn delete_class(&self, id: i64) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await?;
        // Checked inside the transaction so that a lesson or student added meanwhile keeps the class.
        let (students, lessons): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM class_students WHERE class_id = $1), \
             (SELECT COUNT(*) FROM lessons l JOIN subject_groups g ON g.id = l.subject_group_id WHERE g.class_id = $1)",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        if students > 0 || lessons > 0 {
            return Ok(false);
        }
        // Teachers and timetable lines of the groups, subgroups and class teachers go by cascade.
        sqlx::query("DELETE FROM subject_groups WHERE class_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(map_conflict)?;
        let done = sqlx::query("DELETE FROM classes WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(map_conflict)?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    async fn subjects(&self, organization_id: OrganizationId) -> StoreResult<Vec<crate::SubjectRecord>> {
        Ok(sqlx::query_as(
            "SELECT id, organization_id, name, short_name FROM subjects WHERE organization_id = $1 ORDER BY name, id",
        )
        .bind(organization_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn create_subject(&self, organization_id: OrganizationId, name: &str, short_name: &str) -> StoreResult<i64> {
        sqlx::query_scalar("INSERT INTO subjects (organization_id, name, short_name) VALUES ($1, $2, $3) RETURNING id")
            .bind(organization_id)
            .bind(name)
            .bind(short_name)
            .fetch_one(&self.pool)
            .await
            .map_err(map_conflict)
    }

    async fn subject(&self, id: i64) -> StoreResult<Option<crate::SubjectRecord>> {
        Ok(sqlx::query_as("SELECT id, organization_id, name, short_name FROM subjects WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn update_subject(&self, id: i64, name: &str, short_name: &str, group_names: &[(i64, String)]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE subjects SET name = $2, short_name = $3 WHERE id = $1")
            .bind(id)
            .bind(name)
            .bind(short_name)
            .execute(&mut *tx)
            .await
            .map_err(map_conflict)?;
        for (group, group_name) in group_names {
            sqlx::query("UPDATE subject_groups SET name = $2 WHERE id = $1 AND subject_id = $3")
                .bind(group)
                .bind(group_name)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(map_conflict)?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn rename_class_groups(&self, class_id: i64, names: &[(i64, String)]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        for (group, name) in names {
            sqlx::query("UPDATE subject_groups SET name = $2 WHERE id = $1 AND class_id = $3")
                .bind(group)
                .bind(name)
                .bind(class_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn subject_groups_of_subject(&self, subject_id: i64) -> StoreResult<Vec<crate::SubjectGroupRecord>> {
        const SQL: &str = concat!(setup_group_select!(), "WHERE g.subject_id = $1 ORDER BY g.name, g.id");
        Ok(sqlx::query_as(SQL).bind(subject_id).fetch_all(&self.pool).await?)
    }

    async fn delete_subject(&self, id: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "DELETE FROM subjects WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM subject_groups g WHERE g.subject_id = $1)",
        )
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(map_conflict)?;
        Ok(done.rows_affected() == 1)
    }

    async fn subject_groups_of_subgroup(&self, subgroup_id: i64) -> StoreResult<Vec<crate::SubjectGroupRecord>> {
        const SQL: &str = concat!(setup_group_select!(), "WHERE g.subgroup_id = $1 ORDER BY g.name, g.id");
        Ok(sqlx::query_as(SQL).bind(subgroup_id).fetch_all(&self.pool).await?)
    }

    async fn update_subject_group(&self, id: i64, c: &crate::GroupChange) -> StoreResult<u64> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE subject_groups SET hours_per_week = $2 WHERE id = $1")
            .bind(id)
            .bind(c.hours_per_week)
            .execute(&mut *tx)
            .await
            .map_err(map_conflict)?;
        sqlx::query("DELETE FROM subject_group_teachers WHERE subject_group_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        for teacher in &c.teachers {
            sqlx::query("INSERT INTO subject_group_teachers (subject_group_id, teacher_account_id) VALUES ($1, $2)")
                .bind(id)
                .bind(teacher)
                .execute(&mut *tx)
                .await
                .map_err(map_conflict)?;
        }
        let mut moved = 0;
        if c.old_teacher != c.new_teacher {
            // A lesson taught by someone else than the old main teacher is a substitution: it stays.
            moved = sqlx::query(
                "UPDATE lessons SET teacher_account_id = $3 WHERE subject_group_id = $1 AND date >= $2 \
                 AND status = 'scheduled' AND COALESCE(teacher_account_id, 0) = COALESCE($4, 0)",
            )
            .bind(id)
            .bind(c.lessons_from)
            .bind(c.new_teacher)
            .bind(c.old_teacher)
            .execute(&mut *tx)
            .await
            .map_err(map_conflict)?
            .rows_affected();
        }
        tx.commit().await?;
        Ok(moved)
    }

    async fn subject_groups(&self, class_id: i64) -> StoreResult<Vec<crate::SubjectGroupRecord>> {
        const SQL: &str = concat!(setup_group_select!(), "WHERE g.class_id = $1 ORDER BY g.name, g.id");
        Ok(sqlx::query_as(SQL).bind(class_id).fetch_all(&self.pool).await?)
    }

    async fn subject_group(&self, id: i64) -> StoreResult<Option<crate::SubjectGroupRecord>> {
        const SQL: &str = concat!(setup_group_select!(), "WHERE g.id = $1");
        Ok(sqlx::query_as(SQL).bind(id).fetch_optional(&self.pool).await?)
    }

    async fn group_teachers(&self, class_id: i64) -> StoreResult<Vec<crate::GroupTeacherRecord>> {
        Ok(sqlx::query_as(
            "SELECT t.subject_group_id, t.teacher_account_id, a.display_name FROM subject_group_teachers t \
             JOIN subject_groups g ON g.id = t.subject_group_id JOIN accounts a ON a.id = t.teacher_account_id \
             WHERE g.class_id = $1 ORDER BY t.subject_group_id, a.display_name, a.id",
        )
        .bind(class_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn create_subject_group(&self, g: &crate::NewSubjectGroup) -> StoreResult<i64> {
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO subject_groups (organization_id, academic_year_id, class_id, subgroup_id, subject_id, name, \
             hours_per_week) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(g.organization_id)
        .bind(g.academic_year_id)
        .bind(g.class_id)
        .bind(g.subgroup_id)
        .bind(g.subject_id)
        .bind(&g.name)
        .bind(g.hours_per_week)
        .fetch_one(&mut *tx)
        .await
        .map_err(map_conflict)?;
        for teacher in &g.teachers {
            sqlx::query("INSERT INTO subject_group_teachers (subject_group_id, teacher_account_id) VALUES ($1, $2)")
                .bind(id)
                .bind(teacher)
                .execute(&mut *tx)
                .await
                .map_err(map_conflict)?;
        }
        tx.commit().await?;
        Ok(id)
    }

    async fn delete_subject_group(&self, id: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "DELETE FROM subject_groups WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM lessons l WHERE l.subject_group_id = $1)",
        )
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(map_conflict)?;
        Ok(done.rows_affected() == 1)
    }

    async fn bell_schedule(&self, organization_id: OrganizationId) -> StoreResult<Option<NamedRecord>> {
        Ok(sqlx::query_as("SELECT id, name FROM bell_schedules WHERE organization_id = $1 ORDER BY id LIMIT 1")
            .bind(organization_id)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn create_bell_schedule(&self, organization_id: OrganizationId, name: &str) -> StoreResult<i64> {
        sqlx::query_scalar("INSERT INTO bell_schedules (organization_id, name) VALUES ($1, $2) RETURNING id")
            .bind(organization_id)
            .bind(name)
            .fetch_one(&self.pool)
            .await
            .map_err(map_conflict)
    }

    async fn bells(&self, schedule_id: i64) -> StoreResult<Vec<crate::BellRecord>> {
        Ok(sqlx::query_as(
            "SELECT id, bell_schedule_id, shift, number, start_time, end_time FROM bells \
             WHERE bell_schedule_id = $1 ORDER BY shift, number",
        )
        .bind(schedule_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn replace_bells(&self, schedule_id: i64, shift: i32, bells: &[crate::NewBell]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM bells WHERE bell_schedule_id = $1 AND shift = $2")
            .bind(schedule_id)
            .bind(shift)
            .execute(&mut *tx)
            .await?;
        for b in bells {
            sqlx::query(
                "INSERT INTO bells (bell_schedule_id, shift, number, start_time, end_time) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(schedule_id)
            .bind(shift)
            .bind(b.number)
            .bind(b.start_time)
            .bind(b.end_time)
            .execute(&mut *tx)
            .await
            .map_err(map_conflict)?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn timetable(&self, class_id: i64, on: NaiveDate) -> StoreResult<Vec<crate::TimetableEntryRecord>> {
        Ok(sqlx::query_as(
            "SELECT e.id, e.subject_group_id, e.weekday, e.shift, e.number, e.room, e.valid_from, e.valid_to \
             FROM timetable_entries e JOIN subject_groups g ON g.id = e.subject_group_id \
             WHERE g.class_id = $1 AND e.valid_from <= $2 AND (e.valid_to IS NULL OR e.valid_to >= $2) \
             ORDER BY e.weekday, e.number, e.subject_group_id",
        )
        .bind(class_id)
        .bind(on)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn save_timetable(&self, plan: &crate::TimetablePlan) -> StoreResult<crate::TimetableOutcome> {
        let from = plan.valid_from;
        let day_before = from - chrono::Duration::days(1);
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "DELETE FROM timetable_entries WHERE valid_from >= $2 \
             AND subject_group_id IN (SELECT id FROM subject_groups WHERE class_id = $1)",
        )
        .bind(plan.class_id)
        .bind(from)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE timetable_entries SET valid_to = $3 WHERE (valid_to IS NULL OR valid_to >= $2) \
             AND subject_group_id IN (SELECT id FROM subject_groups WHERE class_id = $1)",
        )
        .bind(plan.class_id)
        .bind(from)
        .bind(day_before)
        .execute(&mut *tx)
        .await?;
        for e in &plan.entries {
            sqlx::query(
                "INSERT INTO timetable_entries (subject_group_id, weekday, shift, number, room, valid_from) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(e.subject_group_id)
            .bind(e.weekday)
            .bind(plan.shift)
            .bind(e.number)
            .bind(&e.room)
            .bind(from)
            .execute(&mut *tx)
            .await
            .map_err(map_conflict)?;
        }
        let deleted = sqlx::query(
            "DELETE FROM lessons WHERE date >= $2 \
             AND subject_group_id IN (SELECT id FROM subject_groups WHERE class_id = $1) \
             AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.lesson_id = lessons.id) \
             AND NOT EXISTS (SELECT 1 FROM attendance t WHERE t.lesson_id = lessons.id)",
        )
        .bind(plan.class_id)
        .bind(from)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let kept: Vec<(i64, NaiveDate, i32)> = sqlx::query_as(
            "SELECT subject_group_id, date, number FROM lessons WHERE date >= $2 \
             AND subject_group_id IN (SELECT id FROM subject_groups WHERE class_id = $1)",
        )
        .bind(plan.class_id)
        .bind(from)
        .fetch_all(&mut *tx)
        .await?;
        let taken: std::collections::HashSet<(i64, NaiveDate, i32)> = kept.iter().copied().collect();
        let mut created = 0u64;
        for l in &plan.lessons {
            if taken.contains(&(l.subject_group_id, l.date, l.number)) {
                continue;
            }
            sqlx::query(
                "INSERT INTO lessons (subject_group_id, date, shift, number, start_time, end_time, room, teacher_account_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(l.subject_group_id)
            .bind(l.date)
            .bind(plan.shift)
            .bind(l.number)
            .bind(l.start_time)
            .bind(l.end_time)
            .bind(&l.room)
            .bind(l.teacher_account_id)
            .execute(&mut *tx)
            .await
            .map_err(map_conflict)?;
            created += 1;
        }
        tx.commit().await?;
        Ok(crate::TimetableOutcome {
            deleted,
            kept: kept.len() as u64,
            created,
        })
    }

    async fn class_lessons(&self, class_id: i64, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<crate::SetupLessonRecord>> {
        const SQL: &str = concat!(
            setup_lesson_select!(),
            "WHERE g.class_id = $1 AND l.date >= $2 AND l.date <= $3 ORDER BY l.date, l.number, g.name, l.id"
        );
        Ok(sqlx::query_as(SQL).bind(class_id).bind(from).bind(to).fetch_all(&self.pool).await?)
    }

    async fn setup_lesson(&self, id: i64) -> StoreResult<Option<crate::SetupLessonRecord>> {
        const SQL: &str = concat!(setup_lesson_select!(), "WHERE l.id = $1");
        Ok(sqlx::query_as(SQL).bind(id).fetch_optional(&self.pool).await?)
    }

    async fn change_lesson(&self, id: i64, c: &crate::LessonChange) -> StoreResult<()> {
        sqlx::query(
            "UPDATE lessons SET date = $2, number = $3, start_time = $4, end_time = $5, room = $6, \
             teacher_account_id = $7, status = $8 WHERE id = $1",
        )
        .bind(id)
        .bind(c.date)
        .bind(c.number)
        .bind(c.start_time)
        .bind(c.end_time)
        .bind(&c.room)
        .bind(c.teacher_account_id)
        .bind(&c.status)
        .execute(&self.pool)
        .await
        .map_err(map_conflict)?;
        Ok(())
    }
}
