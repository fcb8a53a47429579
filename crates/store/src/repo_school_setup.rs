// School set-up: the SQL of [`crate::SchoolSetupStore`] (years, classes, subgroups), included into each engine by `repo.rs`.
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

macro_rules! subgroup_select {
    () => {
        "SELECT s.id, s.class_id, s.name, \
         (SELECT COUNT(*) FROM subgroup_students ss WHERE ss.subgroup_id = s.id) AS students FROM subgroups s "
    };
}

/// The organization of an academic year.
const YEAR_ORGANIZATION: &str = "SELECT organization_id FROM academic_years WHERE id = $1";
/// The class of a subgroup.
const SUBGROUP_CLASS: &str = "SELECT class_id FROM subgroups WHERE id = $1";
const CLASS_TEACHER: &str = "INSERT INTO class_teachers (class_id, teacher_account_id) VALUES ($1, $2)";
const SUBGROUP_STUDENT: &str = "INSERT INTO subgroup_students (subgroup_id, student_account_id) VALUES ($1, $2)";

/// A statement binding an owner's id, a name and a span of days (`$1` to `$4`) that returns an id.
fn named_span<'q>(sql: &'static str, owner: i64, name: &'q str, start: NaiveDate, end: NaiveDate) -> ScalarQuery<'q, i64> {
    query_scalar(sql).bind(owner).bind(name).bind(start).bind(end)
}

/// Inserts one row `($1, $2)` for each member of an owner (a class teacher, subgroup students).
async fn insert_members(tx: &mut Tx, sql: &'static str, owner: i64, members: impl IntoIterator<Item = i64>) -> StoreResult<()> {
    for member in members {
        query(sql).bind(owner).bind(member).execute(&mut **tx).await.map_err(map_conflict)?;
    }
    Ok(())
}

/// Commits a change of a year's calendar, telling the year's organization.
async fn commit_calendar(mut tx: Tx, year_id: i64) -> StoreResult<()> {
    let changed = outbox_subjects(&mut tx, YEAR_ORGANIZATION, year_id, ChangeSubject::Organization, ChangeKind::Calendar).await?;
    commit_with(tx, &changed).await
}

/// Commits a change of a class's groups.
async fn commit_groups(tx: Tx, class_id: i64) -> StoreResult<()> {
    commit_change(tx, ChangeSubject::Class(class_id), ChangeKind::Groups).await
}

#[async_trait]
impl crate::SchoolSetupStore for Backend {
    async fn year(&self, id: i64) -> StoreResult<Option<AcademicYearRecord>> {
        fetch_optional_by(&self.pool, "SELECT id, organization_id, name, start_date, end_date FROM academic_years WHERE id = $1", id).await
    }

    async fn create_year(&self, organization_id: OrganizationId, name: &str, start: NaiveDate, end: NaiveDate) -> StoreResult<i64> {
        const SQL: &str = "INSERT INTO academic_years (organization_id, name, start_date, end_date) VALUES ($1, $2, $3, $4) RETURNING id";
        let insert = named_span(SQL, organization_id, name, start, end);
        insert_with_change(&self.pool, insert, ChangeSubject::Organization(organization_id), ChangeKind::Calendar).await
    }

    async fn year_periods(&self, year_id: i64) -> StoreResult<Vec<PeriodRecord>> {
        fetch_all_by(&self.pool, "SELECT id, academic_year_id, kind, number, name, grade_from, grade_to, start_date, end_date \
             FROM periods WHERE academic_year_id = $1 ORDER BY grade_from, grade_to, start_date, number", year_id).await
    }

    async fn add_periods(&self, year_id: i64, periods: &[crate::NewPeriod]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        for p in periods {
            query(
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
        commit_calendar(tx, year_id).await?;
        Ok(())
    }

    async fn delete_periods(&self, year_id: i64, grade_from: i32, grade_to: i32) -> StoreResult<u64> {
        let mut tx = self.pool.begin().await?;
        let done = query("DELETE FROM periods WHERE academic_year_id = $1 AND grade_from = $2 AND grade_to = $3")
            .bind(year_id)
            .bind(grade_from)
            .bind(grade_to)
            .execute(&mut *tx)
            .await?;
        commit_calendar(tx, year_id).await?;
        Ok(done.rows_affected())
    }

    async fn holidays(&self, year_id: i64) -> StoreResult<Vec<crate::HolidayRecord>> {
        fetch_all_by(&self.pool, "SELECT id, academic_year_id, name, start_date, end_date FROM holidays WHERE academic_year_id = $1 \
             ORDER BY start_date, id", year_id).await
    }

    async fn add_holiday(&self, year_id: i64, name: &str, start: NaiveDate, end: NaiveDate) -> StoreResult<i64> {
        let mut tx = self.pool.begin().await?;
        const SQL: &str = "INSERT INTO holidays (academic_year_id, name, start_date, end_date) VALUES ($1, $2, $3, $4) RETURNING id";
        let id = named_span(SQL, year_id, name, start, end).fetch_one(&mut *tx).await.map_err(map_conflict)?;
        commit_calendar(tx, year_id).await?;
        Ok(id)
    }

    async fn delete_holiday(&self, year_id: i64, holiday_id: i64) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await?;
        let done = query("DELETE FROM holidays WHERE academic_year_id = $1 AND id = $2")
            .bind(year_id)
            .bind(holiday_id)
            .execute(&mut *tx)
            .await?;
        commit_calendar(tx, year_id).await?;
        Ok(done.rows_affected() == 1)
    }

    async fn update_year(&self, id: i64, name: &str, start: NaiveDate, end: NaiveDate) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        const SQL: &str = "UPDATE academic_years SET name = $2, start_date = $3, end_date = $4 WHERE id = $1 RETURNING id";
        named_span(SQL, id, name, start, end).fetch_optional(&mut *tx).await.map_err(map_conflict)?;
        commit_calendar(tx, id).await
    }

    async fn year_outside(&self, year_id: i64, start: NaiveDate, end: NaiveDate) -> StoreResult<crate::YearOutside> {
        // Open-ended timetable lines (valid_to NULL) run to the year's end, wherever that is.
        let (periods, holidays, lessons, timetable_entries): (i64, i64, i64, i64) = query_as(
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
        fetch_all_by(&self.pool, SQL, year_id).await
    }

    async fn class(&self, id: i64) -> StoreResult<Option<crate::ClassRecord>> {
        const SQL: &str = concat!(setup_class_select!(), "WHERE c.id = $1");
        fetch_optional_by(&self.pool, SQL, id).await
    }

    async fn create_class(&self, organization_id: OrganizationId, year_id: i64, f: &crate::ClassFields) -> StoreResult<i64> {
        let mut tx = self.pool.begin().await?;
        let id: i64 = query_scalar(
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
        insert_members(&mut tx, CLASS_TEACHER, id, f.teacher_account_id).await?;
        commit_groups(tx, id).await?;
        Ok(id)
    }

    async fn update_class(&self, id: i64, f: &crate::ClassFields) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        query(
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
        query("DELETE FROM class_teachers WHERE class_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        insert_members(&mut tx, CLASS_TEACHER, id, f.teacher_account_id).await?;
        commit_groups(tx, id).await?;
        Ok(())
    }

    async fn school_teachers(&self, organization_id: OrganizationId) -> StoreResult<Vec<NamedRecord>> {
        fetch_all_by(&self.pool, "SELECT a.id, a.display_name AS name FROM accounts a \
             JOIN account_roles r ON r.account_id = a.id AND r.role = 'teacher' \
             WHERE a.organization_id = $1 AND a.active = TRUE ORDER BY a.display_name, a.id", organization_id).await
    }

    async fn class_members(&self, class_id: i64, on: NaiveDate) -> StoreResult<Vec<NamedRecord>> {
        Ok(query_as(
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
        const SQL: &str = concat!(subgroup_select!(), "WHERE s.class_id = $1 ORDER BY s.name, s.id");
        fetch_all_by(&self.pool, SQL, class_id).await
    }

    async fn create_subgroup(&self, class_id: i64, name: &str, students: &[i64]) -> StoreResult<i64> {
        let mut tx = self.pool.begin().await?;
        let id: i64 = query_scalar("INSERT INTO subgroups (class_id, name) VALUES ($1, $2) RETURNING id")
            .bind(class_id)
            .bind(name)
            .fetch_one(&mut *tx)
            .await
            .map_err(map_conflict)?;
        insert_members(&mut tx, SUBGROUP_STUDENT, id, students.iter().copied()).await?;
        commit_groups(tx, class_id).await?;
        Ok(id)
    }

    async fn subgroup(&self, id: i64) -> StoreResult<Option<crate::SubgroupRecord>> {
        const SQL: &str = concat!(subgroup_select!(), "WHERE s.id = $1");
        fetch_optional_by(&self.pool, SQL, id).await
    }

    async fn subgroup_students(&self, id: i64) -> StoreResult<Vec<i64>> {
        Ok(query_scalar(
            "SELECT student_account_id FROM subgroup_students WHERE subgroup_id = $1 ORDER BY student_account_id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn update_subgroup(&self, id: i64, name: &str, students: &[i64], group_names: &[(i64, String)]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        query("UPDATE subgroups SET name = $2 WHERE id = $1")
            .bind(id)
            .bind(name)
            .execute(&mut *tx)
            .await
            .map_err(map_conflict)?;
        query("DELETE FROM subgroup_students WHERE subgroup_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        insert_members(&mut tx, SUBGROUP_STUDENT, id, students.iter().copied()).await?;
        rename_groups(&mut tx, "UPDATE subject_groups SET name = $2 WHERE id = $1 AND subgroup_id = $3", id, group_names).await?;
        let changed = outbox_subjects(&mut tx, SUBGROUP_CLASS, id, ChangeSubject::Class, ChangeKind::Groups).await?;
        commit_with(tx, &changed).await?;
        Ok(())
    }

    async fn delete_subgroup(&self, id: i64) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await?;
        // The write comes first: on SQLite a transaction that reads before it writes can fail to
        // take the write lock when another writer committed meanwhile.
        let class: Option<i64> = query_scalar(
            "DELETE FROM subgroups WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM subject_groups g WHERE g.subgroup_id = $1) \
             RETURNING class_id",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_conflict)?;
        let changed: Vec<Changed> = class.map(|c| Changed::new(ChangeSubject::Class(c), ChangeKind::Groups)).into_iter().collect();
        commit_with(tx, &changed).await?;
        Ok(class.is_some())
    }

    async fn class_timetable_from(&self, class_id: i64, from: NaiveDate) -> StoreResult<i64> {
        Ok(query_scalar(
            "SELECT COUNT(*) FROM timetable_entries e JOIN subject_groups g ON g.id = e.subject_group_id \
             WHERE g.class_id = $1 AND (e.valid_to IS NULL OR e.valid_to >= $2)",
        )
        .bind(class_id)
        .bind(from)
        .fetch_one(&self.pool)
        .await?)
    }

    async fn class_usage(&self, class_id: i64) -> StoreResult<(i64, i64)> {
        Ok(query_as(
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
        let (students, lessons): (i64, i64) = query_as(
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
        query("DELETE FROM subject_groups WHERE class_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(map_conflict)?;
        let done = query("DELETE FROM classes WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(map_conflict)?;
        commit_groups(tx, id).await?;
        Ok(done.rows_affected() == 1)
    }
}
