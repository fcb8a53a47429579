// Reports: the SQL of [`crate::ReportStore`], included into each engine by `repo.rs`.

// The same statement for one class (`c.id = $1`) or a whole academic year
// (`c.academic_year_id = $1`); the text stays `'static` either way.
macro_rules! scoped {
    ($scope:expr, $before:expr, $after:expr) => {
        match $scope {
            crate::ReportScope::Class(id) => (concat!($before, " c.id = $1 ", $after), id),
            crate::ReportScope::Year(id) => (concat!($before, " c.academic_year_id = $1 ", $after), id),
        }
    };
}

/// One mark of `report_marks`' packed list.
fn unpack_mark(class_id: i64, item: &str) -> StoreResult<crate::ReportMarkRecord> {
    let bad = || packed_error(item);
    let mut parts = item.split(':');
    let mut next = || parts.next().ok_or_else(bad);
    let subject_group_id = next()?.parse().map_err(|_| bad())?;
    let student_account_id = next()?.parse().map_err(|_| bad())?;
    let value = next()?.parse().map_err(|_| bad())?;
    let weight = next()?.parse().map_err(|_| bad())?;
    // PostgreSQL writes a date as text the same way SQLite stores it: YYYY-MM-DD.
    let lesson_date: NaiveDate = next()?.parse().map_err(|_| bad())?;
    Ok(crate::ReportMarkRecord {
        class_id,
        subject_group_id,
        student_account_id,
        lesson_date,
        value,
        weight,
    })
}

/// One entry of `report_attendance`' packed list.
fn unpack_attendance(class_id: i64, item: &str) -> StoreResult<crate::ReportAttendanceRecord> {
    let mut parts = item.splitn(4, ':');
    let mut next = || parts.next().ok_or_else(|| packed_error(item));
    let subject_group_id = next()?.parse().map_err(|_| packed_error(item))?;
    let student_account_id = next()?.parse().map_err(|_| packed_error(item))?;
    let lesson_date: NaiveDate = next()?.parse().map_err(|_| packed_error(item))?;
    let code = next()?.to_owned();
    Ok(crate::ReportAttendanceRecord {
        class_id,
        subject_group_id,
        student_account_id,
        lesson_date,
        code,
    })
}

fn packed_error(item: &str) -> crate::StoreError {
    crate::StoreError::Database(sqlx::Error::Decode(
        format!("packed report row «{item}»").into(),
    ))
}

#[async_trait]
impl crate::ReportStore for Backend {
    async fn report_classes(&self, scope: crate::ReportScope) -> StoreResult<Vec<crate::ReportClassRecord>> {
        let (sql, id) = scoped!(
            scope,
            "SELECT c.id, c.organization_id, c.academic_year_id, c.grade, c.letter FROM classes c WHERE",
            "ORDER BY c.grade, c.letter, c.id"
        );
        Ok(sqlx::query_as(sql).bind(id).fetch_all(&self.pool).await?)
    }

    async fn report_schools(
        &self,
        scope: crate::SchoolScope,
        on: NaiveDate,
    ) -> StoreResult<Vec<crate::ReportSchoolRecord>> {
        macro_rules! schools {
            ($filter:expr) => {
                concat!(
                    "SELECT o.id, o.short_name, m.name AS municipality_name, \
                     (SELECT MIN(y.id) FROM academic_years y WHERE y.organization_id = o.id \
                      AND y.start_date <= $2 AND y.end_date >= $2) AS academic_year_id \
                     FROM organizations o JOIN settlements s ON s.id = o.settlement_id \
                     JOIN municipalities m ON m.id = s.municipality_id \
                     WHERE o.kind = 'general' AND o.active = TRUE AND ",
                    $filter,
                    " ORDER BY m.name, o.short_name, o.id"
                )
            };
        }
        let (sql, id) = match scope {
            crate::SchoolScope::School(id) => (schools!("o.id = $1"), id),
            crate::SchoolScope::Authority(id) => (schools!("o.authority_id = $1"), id),
            crate::SchoolScope::Region(id) => (schools!("m.region_id = $1"), id),
        };
        Ok(sqlx::query_as(sql).bind(id).bind(on).fetch_all(&self.pool).await?)
    }

    async fn report_students(
        &self,
        scope: crate::ReportScope,
        on: NaiveDate,
    ) -> StoreResult<Vec<crate::ReportStudentRecord>> {
        let (sql, id) = scoped!(
            scope,
            "SELECT DISTINCT cs.class_id, cs.student_account_id, p.last_name, p.first_name, p.middle_name \
             FROM class_students cs JOIN classes c ON c.id = cs.class_id \
             JOIN accounts a ON a.id = cs.student_account_id JOIN persons p ON p.id = a.person_id \
             WHERE cs.from_date <= $2 AND (cs.to_date IS NULL OR cs.to_date >= $2) AND",
            "ORDER BY cs.class_id, p.last_name, p.first_name, p.middle_name, cs.student_account_id"
        );
        Ok(sqlx::query_as(sql).bind(id).bind(on).fetch_all(&self.pool).await?)
    }

    async fn report_groups(&self, scope: crate::ReportScope) -> StoreResult<Vec<crate::ReportGroupRecord>> {
        let (sql, id) = scoped!(
            scope,
            "SELECT sg.id, sg.class_id, sub.name AS subject_name, sg.subgroup_id FROM subject_groups sg \
             JOIN subjects sub ON sub.id = sg.subject_id JOIN classes c ON c.id = sg.class_id WHERE",
            "ORDER BY sg.class_id, sub.name, sg.name, sg.id"
        );
        Ok(sqlx::query_as(sql).bind(id).fetch_all(&self.pool).await?)
    }

    async fn report_subgroup_members(
        &self,
        scope: crate::ReportScope,
    ) -> StoreResult<Vec<crate::ReportSubgroupMemberRecord>> {
        let (sql, id) = scoped!(
            scope,
            "SELECT ss.subgroup_id, ss.student_account_id FROM subgroup_students ss \
             JOIN subgroups s ON s.id = ss.subgroup_id JOIN classes c ON c.id = s.class_id WHERE",
            ""
        );
        Ok(sqlx::query_as(sql).bind(id).fetch_all(&self.pool).await?)
    }

    async fn report_marks(
        &self,
        scope: crate::ReportScope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<crate::ReportMarkRecord>> {
        // A school's period holds tens of thousands of marks, and the driver's cost is per row,
        // not per byte: the marks come packed one row per class, «group:student:value:weight:date»
        // joined by commas, and are unpacked here.
        let (sql, id) = scoped!(
            scope,
            "SELECT sg.class_id, string_agg(sg.id || ':' || mk.student_account_id || ':' || mk.value \
             || ':' || a.weight || ':' || l.date, ',') AS packed \
             FROM marks mk JOIN assignments a ON a.id = mk.assignment_id \
             JOIN lessons l ON l.id = a.lesson_id JOIN subject_groups sg ON sg.id = l.subject_group_id \
             JOIN classes c ON c.id = sg.class_id \
             WHERE mk.value IS NOT NULL AND mk.value BETWEEN 1 AND 5 AND l.status <> 'cancelled' \
             AND l.date >= $2 AND l.date <= $3 AND",
            "GROUP BY sg.class_id"
        );
        let packed: Vec<(i64, String)> = sqlx::query_as(sql)
            .bind(id)
            .bind(from)
            .bind(to)
            .fetch_all(&self.pool)
            .await?;
        let mut marks = Vec::new();
        for (class_id, text) in packed {
            for item in text.split(',') {
                marks.push(unpack_mark(class_id, item)?);
            }
        }
        Ok(marks)
    }

    async fn report_final_marks(&self, scope: crate::ReportScope) -> StoreResult<Vec<crate::ReportFinalMarkRecord>> {
        let (sql, id) = scoped!(
            scope,
            "SELECT f.subject_group_id, f.student_account_id, f.period_id, f.value FROM final_marks f \
             JOIN subject_groups sg ON sg.id = f.subject_group_id JOIN classes c ON c.id = sg.class_id \
             WHERE f.period_id IS NOT NULL AND f.value IS NOT NULL AND",
            ""
        );
        Ok(sqlx::query_as(sql).bind(id).fetch_all(&self.pool).await?)
    }

    async fn report_attendance(
        &self,
        scope: crate::ReportScope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<crate::ReportAttendanceRecord>> {
        // Packed one row per class like the marks: «group:student:date:code», the code last
        // (codes are short abbreviations without commas).
        let (sql, id) = scoped!(
            scope,
            "SELECT sg.class_id, string_agg(sg.id || ':' || at.student_account_id || ':' || l.date \
             || ':' || at.code, ',') AS packed \
             FROM attendance at JOIN lessons l ON l.id = at.lesson_id \
             JOIN subject_groups sg ON sg.id = l.subject_group_id JOIN classes c ON c.id = sg.class_id \
             WHERE l.status <> 'cancelled' AND l.date >= $2 AND l.date <= $3 AND",
            "GROUP BY sg.class_id"
        );
        let packed: Vec<(i64, String)> = sqlx::query_as(sql)
            .bind(id)
            .bind(from)
            .bind(to)
            .fetch_all(&self.pool)
            .await?;
        let mut entries = Vec::new();
        for (class_id, text) in packed {
            for item in text.split(',') {
                entries.push(unpack_attendance(class_id, item)?);
            }
        }
        Ok(entries)
    }

    async fn report_lessons(
        &self,
        scope: crate::ReportScope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<crate::ReportLessonRecord>> {
        let (sql, id) = scoped!(
            scope,
            "SELECT sg.class_id, sg.id AS subject_group_id, l.date, (TRIM(l.topic) <> '') AS has_topic, \
             (SELECT COUNT(*) FROM assignments a JOIN marks mk ON mk.assignment_id = a.id \
              WHERE a.lesson_id = l.id AND mk.value IS NOT NULL) AS marks \
             FROM lessons l JOIN subject_groups sg ON sg.id = l.subject_group_id \
             JOIN classes c ON c.id = sg.class_id \
             WHERE l.status <> 'cancelled' AND l.date >= $2 AND l.date <= $3 AND",
            "ORDER BY sg.class_id, l.date"
        );
        Ok(sqlx::query_as(sql).bind(id).bind(from).bind(to).fetch_all(&self.pool).await?)
    }
}
