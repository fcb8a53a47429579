// The curriculum: the SQL of [`crate::CurriculumStore`] (subjects, subject groups, bells, the
// timetable, lesson changes), included into each engine by `repo.rs`.
// Types are named by path: this file shares one module with the other areas' SQL.

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


/// Renames subject groups in `tx` with `sql` (`$1` the group, `$2` its name, `$3` the owner that
/// the group must belong to: a subject or a subgroup).
async fn rename_groups(tx: &mut Tx, sql: &'static str, owner: i64, names: &[(i64, String)]) -> StoreResult<()> {
    for (group, name) in names {
        query(sql).bind(group).bind(name).bind(owner).execute(&mut **tx).await.map_err(map_conflict)?;
    }
    Ok(())
}
#[async_trait]
impl crate::CurriculumStore for Backend {
    async fn subjects(&self, organization_id: OrganizationId) -> StoreResult<Vec<crate::SubjectRecord>> {
        fetch_all_by(&self.pool, "SELECT id, organization_id, name, short_name FROM subjects WHERE organization_id = $1 ORDER BY name, id", organization_id).await
    }

    async fn create_subject(&self, organization_id: OrganizationId, name: &str, short_name: &str) -> StoreResult<i64> {
        let insert = query_scalar("INSERT INTO subjects (organization_id, name, short_name) VALUES ($1, $2, $3) RETURNING id")
            .bind(organization_id)
            .bind(name)
            .bind(short_name);
        insert_with_change(&self.pool, insert, ChangeSubject::Organization(organization_id), ChangeKind::Groups).await
    }

    async fn subject(&self, id: i64) -> StoreResult<Option<crate::SubjectRecord>> {
        fetch_optional_by(&self.pool, "SELECT id, organization_id, name, short_name FROM subjects WHERE id = $1", id).await
    }

    async fn update_subject(&self, id: i64, name: &str, short_name: &str, group_names: &[(i64, String)]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        query("UPDATE subjects SET name = $2, short_name = $3 WHERE id = $1")
            .bind(id)
            .bind(name)
            .bind(short_name)
            .execute(&mut *tx)
            .await
            .map_err(map_conflict)?;
        rename_groups(&mut tx, "UPDATE subject_groups SET name = $2 WHERE id = $1 AND subject_id = $3", id, group_names).await?;
        let changed = outbox_subjects(&mut tx, "SELECT organization_id FROM subjects WHERE id = $1", id, ChangeSubject::Organization, ChangeKind::Groups).await?;
        commit_with(tx, &changed).await?;
        Ok(())
    }

    async fn rename_class_groups(&self, class_id: i64, names: &[(i64, String)]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        for (group, name) in names {
            query("UPDATE subject_groups SET name = $2 WHERE id = $1 AND class_id = $3")
                .bind(group)
                .bind(name)
                .bind(class_id)
                .execute(&mut *tx)
                .await?;
        }
        commit_change(tx, ChangeSubject::Class(class_id), ChangeKind::Groups).await?;
        Ok(())
    }

    async fn subject_groups_of_subject(&self, subject_id: i64) -> StoreResult<Vec<crate::SubjectGroupRecord>> {
        const SQL: &str = concat!(setup_group_select!(), "WHERE g.subject_id = $1 ORDER BY g.name, g.id");
        fetch_all_by(&self.pool, SQL, subject_id).await
    }

    async fn delete_subject(&self, id: i64) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await?;
        let organization: Option<i64> = query_scalar(
            "DELETE FROM subjects WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM subject_groups g WHERE g.subject_id = $1) \
             RETURNING organization_id",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_conflict)?;
        let changed: Vec<Changed> =
            organization.map(|o| Changed::new(ChangeSubject::Organization(o), ChangeKind::Groups)).into_iter().collect();
        commit_with(tx, &changed).await?;
        Ok(organization.is_some())
    }

    async fn subject_groups_of_subgroup(&self, subgroup_id: i64) -> StoreResult<Vec<crate::SubjectGroupRecord>> {
        const SQL: &str = concat!(setup_group_select!(), "WHERE g.subgroup_id = $1 ORDER BY g.name, g.id");
        fetch_all_by(&self.pool, SQL, subgroup_id).await
    }

    async fn update_subject_group(&self, id: i64, c: &crate::GroupChange) -> StoreResult<u64> {
        let mut tx = self.pool.begin().await?;
        query("UPDATE subject_groups SET hours_per_week = $2 WHERE id = $1")
            .bind(id)
            .bind(c.hours_per_week)
            .execute(&mut *tx)
            .await
            .map_err(map_conflict)?;
        query("DELETE FROM subject_group_teachers WHERE subject_group_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        for teacher in &c.teachers {
            query("INSERT INTO subject_group_teachers (subject_group_id, teacher_account_id) VALUES ($1, $2)")
                .bind(id)
                .bind(teacher)
                .execute(&mut *tx)
                .await
                .map_err(map_conflict)?;
        }
        let mut moved = 0;
        if c.old_teacher != c.new_teacher {
            // A lesson taught by someone else than the old main teacher is a substitution: it stays.
            moved = query(
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
        commit_change(tx, ChangeSubject::Group(id), ChangeKind::Groups).await?;
        Ok(moved)
    }

    async fn subject_groups(&self, class_id: i64) -> StoreResult<Vec<crate::SubjectGroupRecord>> {
        const SQL: &str = concat!(setup_group_select!(), "WHERE g.class_id = $1 ORDER BY g.name, g.id");
        fetch_all_by(&self.pool, SQL, class_id).await
    }

    async fn subject_group(&self, id: i64) -> StoreResult<Option<crate::SubjectGroupRecord>> {
        const SQL: &str = concat!(setup_group_select!(), "WHERE g.id = $1");
        fetch_optional_by(&self.pool, SQL, id).await
    }

    async fn group_teachers(&self, class_id: i64) -> StoreResult<Vec<crate::GroupTeacherRecord>> {
        fetch_all_by(&self.pool, "SELECT t.subject_group_id, t.teacher_account_id, a.display_name FROM subject_group_teachers t \
             JOIN subject_groups g ON g.id = t.subject_group_id JOIN accounts a ON a.id = t.teacher_account_id \
             WHERE g.class_id = $1 ORDER BY t.subject_group_id, a.display_name, a.id", class_id).await
    }

    async fn create_subject_group(&self, g: &crate::NewSubjectGroup) -> StoreResult<i64> {
        let mut tx = self.pool.begin().await?;
        let id: i64 = query_scalar(
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
            query("INSERT INTO subject_group_teachers (subject_group_id, teacher_account_id) VALUES ($1, $2)")
                .bind(id)
                .bind(teacher)
                .execute(&mut *tx)
                .await
                .map_err(map_conflict)?;
        }
        commit_change(tx, ChangeSubject::Group(id), ChangeKind::Groups).await?;
        Ok(id)
    }

    async fn delete_subject_group(&self, id: i64) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await?;
        let done = query(
            "DELETE FROM subject_groups WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM lessons l WHERE l.subject_group_id = $1)",
        )
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(map_conflict)?;
        commit_change(tx, ChangeSubject::Group(id), ChangeKind::Groups).await?;
        Ok(done.rows_affected() == 1)
    }

    async fn bell_schedule(&self, organization_id: OrganizationId) -> StoreResult<Option<NamedRecord>> {
        fetch_optional_by(&self.pool, "SELECT id, name FROM bell_schedules WHERE organization_id = $1 ORDER BY id LIMIT 1", organization_id).await
    }

    async fn create_bell_schedule(&self, organization_id: OrganizationId, name: &str) -> StoreResult<i64> {
        let insert = query_scalar("INSERT INTO bell_schedules (organization_id, name) VALUES ($1, $2) RETURNING id")
            .bind(organization_id)
            .bind(name);
        insert_with_change(&self.pool, insert, ChangeSubject::Organization(organization_id), ChangeKind::Bells).await
    }

    async fn bells(&self, schedule_id: i64) -> StoreResult<Vec<crate::BellRecord>> {
        fetch_all_by(&self.pool, "SELECT id, bell_schedule_id, shift, number, start_time, end_time FROM bells \
             WHERE bell_schedule_id = $1 ORDER BY shift, number", schedule_id).await
    }

    async fn replace_bells(&self, schedule_id: i64, shift: i32, bells: &[crate::NewBell]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        query("DELETE FROM bells WHERE bell_schedule_id = $1 AND shift = $2")
            .bind(schedule_id)
            .bind(shift)
            .execute(&mut *tx)
            .await?;
        for b in bells {
            query(
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
        let changed = outbox_subjects(&mut tx, "SELECT organization_id FROM bell_schedules WHERE id = $1", schedule_id, ChangeSubject::Organization, ChangeKind::Bells).await?;
        commit_with(tx, &changed).await?;
        Ok(())
    }

    async fn timetable(&self, class_id: i64, on: NaiveDate) -> StoreResult<Vec<crate::TimetableEntryRecord>> {
        Ok(query_as(
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
        query(
            "DELETE FROM timetable_entries WHERE valid_from >= $2 \
             AND subject_group_id IN (SELECT id FROM subject_groups WHERE class_id = $1)",
        )
        .bind(plan.class_id)
        .bind(from)
        .execute(&mut *tx)
        .await?;
        query(
            "UPDATE timetable_entries SET valid_to = $3 WHERE (valid_to IS NULL OR valid_to >= $2) \
             AND subject_group_id IN (SELECT id FROM subject_groups WHERE class_id = $1)",
        )
        .bind(plan.class_id)
        .bind(from)
        .bind(day_before)
        .execute(&mut *tx)
        .await?;
        for e in &plan.entries {
            query(
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
        let deleted = query(
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
        let kept: Vec<(i64, NaiveDate, i32)> = query_as(
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
            query(
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
        commit_change(tx, ChangeSubject::Class(plan.class_id), ChangeKind::Timetable).await?;
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
        Ok(query_as(SQL).bind(class_id).bind(from).bind(to).fetch_all(&self.pool).await?)
    }

    async fn setup_lesson(&self, id: i64) -> StoreResult<Option<crate::SetupLessonRecord>> {
        const SQL: &str = concat!(setup_lesson_select!(), "WHERE l.id = $1");
        fetch_optional_by(&self.pool, SQL, id).await
    }

    async fn change_lesson(&self, id: i64, c: &crate::LessonChange) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        query(
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
        .execute(&mut *tx)
        .await
        .map_err(map_conflict)?;
        let changed = outbox_subjects(&mut tx, LESSON_GROUP, id, ChangeSubject::Group, ChangeKind::Lessons).await?;
        commit_with(tx, &changed).await?;
        Ok(())
    }
}
