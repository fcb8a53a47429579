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

/// The next `:`-separated number of a packed item.
fn packed_number<T: std::str::FromStr>(
    parts: &mut std::str::SplitN<'_, char>,
    item: &str,
) -> StoreResult<T> {
    parts
        .next()
        .and_then(|p| p.parse().ok())
        .ok_or_else(|| packed_error(item))
}

/// One line of `report_mark_sums`' packed list: «group:student:weighted:weights:marks:values»,
/// where `values` holds the count of marks of value v in bits 12·(v−1) and up. A field can hold
/// 4095 marks; one student's marks of one value in one group over a period never come near,
/// but should they, the fields would spill into each other, and the total `marks` catches it.
fn unpack_mark_sum(class_id: i64, item: &str) -> StoreResult<crate::ReportMarkSumRecord> {
    let mut parts = item.splitn(6, ':');
    let subject_group_id = packed_number(&mut parts, item)?;
    let student_account_id = packed_number(&mut parts, item)?;
    let weighted = packed_number(&mut parts, item)?;
    let weights = packed_number(&mut parts, item)?;
    let marks: u64 = packed_number(&mut parts, item)?;
    let values: u64 = packed_number(&mut parts, item)?;
    let counts = unpack_counts(values);
    if counts.iter().map(|&n| u64::from(n)).sum::<u64>() != marks {
        return Err(packed_error(item));
    }
    Ok(crate::ReportMarkSumRecord {
        class_id,
        subject_group_id,
        student_account_id,
        weighted,
        weights,
        counts,
    })
}

/// The five counts of a packed sum of `1 << 12·(value−1)`; the last takes every higher bit.
fn unpack_counts(values: u64) -> [u32; 5] {
    let mut counts = [0u32; 5];
    for (i, n) in counts.iter_mut().enumerate() {
        let field = values >> (12 * i);
        let field = if i < 4 { field & 0xfff } else { field };
        *n = u32::try_from(field).unwrap_or(u32::MAX);
    }
    counts
}

/// One line of `report_attendance`' packed list: «group:student:lessons:code».
fn unpack_attendance(class_id: i64, item: &str) -> StoreResult<crate::ReportAttendanceRecord> {
    let mut parts = item.splitn(4, ':');
    let subject_group_id = packed_number(&mut parts, item)?;
    let student_account_id = packed_number(&mut parts, item)?;
    let lessons = packed_number(&mut parts, item)?;
    let code = parts.next().ok_or_else(|| packed_error(item))?.to_owned();
    Ok(crate::ReportAttendanceRecord {
        class_id,
        subject_group_id,
        student_account_id,
        code,
        lessons,
    })
}

/// Splits the packed rows of a report query, one row per class, into records.
fn unpack_rows<T>(
    packed: Vec<(i64, String)>,
    unpack: impl Fn(i64, &str) -> StoreResult<T>,
) -> StoreResult<Vec<T>> {
    let mut out = Vec::new();
    for (class_id, text) in packed {
        for item in text.split(',') {
            out.push(unpack(class_id, item)?);
        }
    }
    Ok(out)
}

fn packed_error(item: &str) -> crate::StoreError {
    crate::StoreError::Database(sqlx::Error::Decode(
        format!("packed report row «{item}»").into(),
    ))
}

impl Backend {
    /// Runs a packed report query over a span of days for the scope's classes of some grades
    /// (`$1` the scope, `$2`..`$3` the days, `$4`..`$5` the grades): one row per class.
    async fn packed_rows(
        &self,
        sql: &'static str,
        scope_id: i64,
        grades: std::ops::RangeInclusive<i32>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<(i64, String)>> {
        Ok(query_as(sql)
            .bind(scope_id)
            .bind(from)
            .bind(to)
            .bind(*grades.start())
            .bind(*grades.end())
            .fetch_all(&self.pool)
            .await?)
    }
}

#[async_trait]
impl crate::ReportStore for Backend {
    async fn report_classes(&self, scope: crate::ReportScope) -> StoreResult<Vec<crate::ReportClassRecord>> {
        let (sql, id) = scoped!(
            scope,
            "SELECT c.id, c.organization_id, c.academic_year_id, c.grade, c.letter FROM classes c WHERE",
            "ORDER BY c.grade, c.letter, c.id"
        );
        Ok(query_as(sql).bind(id).fetch_all(&self.pool).await?)
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
        Ok(query_as(sql).bind(id).bind(on).fetch_all(&self.pool).await?)
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
        Ok(query_as(sql).bind(id).bind(on).fetch_all(&self.pool).await?)
    }

    async fn report_groups(&self, scope: crate::ReportScope) -> StoreResult<Vec<crate::ReportGroupRecord>> {
        let (sql, id) = scoped!(
            scope,
            "SELECT sg.id, sg.class_id, sub.name AS subject_name, sg.subgroup_id FROM subject_groups sg \
             JOIN subjects sub ON sub.id = sg.subject_id JOIN classes c ON c.id = sg.class_id WHERE",
            "ORDER BY sg.class_id, sub.name, sg.name, sg.id"
        );
        Ok(query_as(sql).bind(id).fetch_all(&self.pool).await?)
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
        Ok(query_as(sql).bind(id).fetch_all(&self.pool).await?)
    }

    async fn report_mark_sums(
        &self,
        scope: crate::ReportScope,
        grades: std::ops::RangeInclusive<i32>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<crate::ReportMarkSumRecord>> {
        // A region's report walks millions of marks. The walk starts at the scope's classes
        // (CROSS JOIN keeps SQLite to this order, which it cannot judge without statistics) and
        // reads only indexes (0015_report_indexes); the sums leave the database packed one row
        // per class, as the driver's cost is per row, not per byte. The marks of each value are
        // counted in one sum, twelve bits per value (see `unpack_mark_sum`): one aggregate
        // instead of five is a third of the query's time.
        let (sql, id) = scoped!(
            scope,
            "SELECT class_id, string_agg(g || ':' || s || ':' || ws || ':' || w || ':' || n || ':' || v, ',') \
             AS packed FROM ( \
             SELECT sg.class_id, sg.id AS g, mk.student_account_id AS s, \
             SUM(CASE WHEN a.weight > 0 THEN mk.value * a.weight ELSE 0 END) AS ws, \
             SUM(CASE WHEN a.weight > 0 THEN a.weight ELSE 0 END) AS w, COUNT(*) AS n, \
             SUM(CAST(1 AS BIGINT) << (12 * (mk.value - 1))) AS v \
             FROM classes c CROSS JOIN subject_groups sg CROSS JOIN lessons l \
             CROSS JOIN assignments a CROSS JOIN marks mk \
             WHERE sg.class_id = c.id AND l.subject_group_id = sg.id AND a.lesson_id = l.id \
             AND mk.assignment_id = a.id AND mk.value BETWEEN 1 AND 5 AND l.status <> 'cancelled' \
             AND l.date >= $2 AND l.date <= $3 AND c.grade BETWEEN $4 AND $5 AND",
            "GROUP BY sg.id, mk.student_account_id) t GROUP BY class_id"
        );
        unpack_rows(self.packed_rows(sql, id, grades, from, to).await?, unpack_mark_sum)
    }

    async fn report_final_marks(&self, scope: crate::ReportScope) -> StoreResult<Vec<crate::ReportFinalMarkRecord>> {
        let (sql, id) = scoped!(
            scope,
            "SELECT f.subject_group_id, f.student_account_id, f.period_id, f.value FROM final_marks f \
             JOIN subject_groups sg ON sg.id = f.subject_group_id JOIN classes c ON c.id = sg.class_id \
             WHERE f.period_id IS NOT NULL AND f.value IS NOT NULL AND",
            ""
        );
        Ok(query_as(sql).bind(id).fetch_all(&self.pool).await?)
    }

    async fn report_attendance(
        &self,
        scope: crate::ReportScope,
        grades: std::ops::RangeInclusive<i32>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<crate::ReportAttendanceRecord>> {
        // Walked and packed like the mark sums; the code comes last (codes are short
        // abbreviations without commas).
        let (sql, id) = scoped!(
            scope,
            "SELECT class_id, string_agg(g || ':' || s || ':' || n || ':' || code, ',') AS packed FROM ( \
             SELECT sg.class_id, sg.id AS g, at.student_account_id AS s, at.code, COUNT(*) AS n \
             FROM classes c CROSS JOIN subject_groups sg CROSS JOIN lessons l CROSS JOIN attendance at \
             WHERE sg.class_id = c.id AND l.subject_group_id = sg.id AND at.lesson_id = l.id \
             AND l.status <> 'cancelled' AND l.date >= $2 AND l.date <= $3 \
             AND c.grade BETWEEN $4 AND $5 AND",
            "GROUP BY sg.id, at.student_account_id, at.code) t GROUP BY class_id"
        );
        unpack_rows(self.packed_rows(sql, id, grades, from, to).await?, unpack_attendance)
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
        Ok(query_as(sql).bind(id).bind(from).bind(to).fetch_all(&self.pool).await?)
    }
}
