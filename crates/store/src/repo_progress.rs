// Progress reads: the SQL of [`crate::ProgressStore`], included into each engine by `repo.rs`
// after the diary macros it shares.

#[async_trait]
impl crate::ProgressStore for Backend {
    async fn student_assignment(&self, student: AccountId, assignment_id: i64) -> StoreResult<Option<crate::AssignmentCardRecord>> {
        Ok(query_as(concat!(
            assignment_columns!(),
            ", sg.id AS subject_group_id, sg.name AS subject_group_name ",
            student_lessons_joins!(),
            assignment_joins!(),
            student_lessons_where!(),
            "AND a.id = $2"
        ))
        .bind(student)
        .bind(assignment_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn student_assignment_ids(&self, student: AccountId, assignment_ids: &[i64]) -> StoreResult<Vec<i64>> {
        // One statement per id keeps every value bound without building placeholder lists; the
        // clients ask for one id at a time.
        let mut out = Vec::new();
        for &id in assignment_ids {
            let found: Option<i64> = query_scalar(concat!(
                "SELECT a.id ",
                student_lessons_joins!(),
                "JOIN assignments a ON a.lesson_id = l.id ",
                student_lessons_where!(),
                "AND a.id = $2"
            ))
            .bind(student)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
            if let Some(id) = found
                && !out.contains(&id)
            {
                out.push(id);
            }
        }
        Ok(out)
    }

    async fn assignment_teachers(&self, assignment_id: i64) -> StoreResult<Vec<NamedRecord>> {
        fetch_all_by(&self.pool, "SELECT t.id, TRIM(p.last_name || ' ' || p.first_name || ' ' || p.middle_name) AS name \
             FROM accounts t JOIN persons p ON p.id = t.person_id \
             WHERE t.id IN (SELECT sgt.teacher_account_id FROM subject_group_teachers sgt \
                    JOIN lessons l ON l.subject_group_id = sgt.subject_group_id \
                    JOIN assignments a ON a.lesson_id = l.id WHERE a.id = $1) \
                OR t.id IN (SELECT l.teacher_account_id FROM lessons l \
                    JOIN assignments a ON a.lesson_id = l.id WHERE a.id = $1) \
             ORDER BY p.last_name, p.first_name, t.id", assignment_id).await
    }

    async fn student_final_marks(&self, student: AccountId, academic_year_id: i64) -> StoreResult<Vec<crate::StudentFinalMarkRecord>> {
        Ok(query_as(
            "SELECT fm.subject_group_id, sub.name AS subject_name, fm.period_id, fm.value, fm.code \
             FROM final_marks fm JOIN subject_groups sg ON sg.id = fm.subject_group_id \
             JOIN subjects sub ON sub.id = sg.subject_id \
             WHERE fm.student_account_id = $1 AND sg.academic_year_id = $2 \
             ORDER BY sub.name, fm.subject_group_id, fm.period_id",
        )
        .bind(student)
        .bind(academic_year_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn timetable_weekdays(&self, organization_id: OrganizationId) -> StoreResult<Vec<i32>> {
        Ok(query_scalar(
            "SELECT DISTINCT te.weekday FROM timetable_entries te \
             JOIN subject_groups sg ON sg.id = te.subject_group_id \
             WHERE sg.organization_id = $1 ORDER BY te.weekday",
        )
        .bind(organization_id)
        .fetch_all(&self.pool)
        .await?)
    }
}
