// A student's diary span in one statement, one text for both engines (records and decoding in
// `week.rs`), so that a week costs one round trip on PostgreSQL and one step loop on SQLite
// instead of the eight separate reads it took before. Every kind of row shares one column layout
// (`k` says which kind a row is); columns a kind does not use are NULL; integers are cast to
// BIGINT so that both engines hand out the same type. `CROSS JOIN` keeps SQLite's join order
// (from the student's lessons outwards), where its estimates of a CTE would start elsewhere.

/// `$1` student, `$2` first day, `$3` last day, `$4` today.
const DIARY_WEEK_SQL: &str = concat!(
    "WITH me AS (\
       SELECT a.id, a.organization_id, a.display_name, c.id AS class_id, c.grade, c.letter \
       FROM accounts a \
       LEFT JOIN class_students cs ON cs.student_account_id = a.id AND cs.from_date <= $4 \
            AND (cs.to_date IS NULL OR cs.to_date >= $4) \
       LEFT JOIN classes c ON c.id = cs.class_id \
       WHERE a.id = $1 ORDER BY cs.from_date DESC LIMIT 1), \
     grade_then AS (\
       SELECT c.grade FROM class_students cs JOIN classes c ON c.id = cs.class_id \
       WHERE cs.student_account_id = $1 AND cs.from_date <= $2 AND (cs.to_date IS NULL OR cs.to_date >= $2) \
       ORDER BY cs.from_date DESC LIMIT 1), \
     period AS (\
       SELECT p.name FROM periods p \
       WHERE p.academic_year_id = (SELECT y.id FROM academic_years y \
             WHERE y.organization_id = (SELECT organization_id FROM me) AND y.start_date <= $2 \
             ORDER BY y.start_date DESC LIMIT 1) \
         AND p.grade_from <= COALESCE((SELECT grade FROM grade_then), 1) \
         AND p.grade_to >= COALESCE((SELECT grade FROM grade_then), 1) \
         AND p.start_date <= $2 AND p.end_date >= $2 \
       ORDER BY p.start_date LIMIT 1), \
     span AS (\
       SELECT l.id, l.date, l.shift, l.number, l.start_time, l.end_time, l.room, l.topic, \
              sub.name AS subject_name, sg.id AS group_id, sg.name AS group_name ",
    student_lessons_joins!(),
    student_lessons_where!(),
    "AND l.date >= $2 AND l.date <= $3) ",
    // k, i1..i4, n1..n4, d1, d2, t1, t2, ts, b1, b2, s1..s7
    "SELECT CAST(0 AS BIGINT) AS k, CAST(me.id AS BIGINT) AS i1, CAST(me.organization_id AS BIGINT) AS i2, \
       CAST(me.class_id AS BIGINT) AS i3, CAST(NULL AS BIGINT) AS i4, \
       CAST(me.grade AS BIGINT) AS n1, CAST(NULL AS BIGINT) AS n2, CAST(NULL AS BIGINT) AS n3, \
       CAST(NULL AS BIGINT) AS n4, CAST(NULL AS DATE) AS d1, CAST(NULL AS DATE) AS d2, \
       CAST(NULL AS TIME) AS t1, CAST(NULL AS TIME) AS t2, CAST(NULL AS TIMESTAMPTZ) AS ts, \
       CAST(NULL AS BOOLEAN) AS b1, CAST(NULL AS BOOLEAN) AS b2, \
       me.display_name AS s1, me.letter AS s2, NULL AS s3, NULL AS s4, NULL AS s5, NULL AS s6, NULL AS s7 \
     FROM me \
     UNION ALL SELECT 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, \
       NULL, NULL, period.name, NULL, NULL, NULL, NULL, NULL, NULL FROM period \
     UNION ALL SELECT 2, CAST(l.id AS BIGINT), CAST(l.group_id AS BIGINT), NULL, NULL, \
       CAST(l.shift AS BIGINT), CAST(l.number AS BIGINT), NULL, NULL, l.date, NULL, l.start_time, l.end_time, \
       NULL, NULL, NULL, l.room, l.topic, l.subject_name, l.group_name, NULL, NULL, NULL FROM span l \
     UNION ALL SELECT 3, CAST(a.id AS BIGINT), CAST(a.lesson_id AS BIGINT), CAST(a.type_id AS BIGINT), \
       CAST(mk.id AS BIGINT), CAST(a.weight AS BIGINT), CAST(mk.value AS BIGINT), CAST(l.number AS BIGINT), \
       CAST(t.sort_order AS BIGINT), l.date, a.due_date, NULL, NULL, mk.set_at, a.mandatory, mk.duty, \
       l.subject_name, t.name, t.abbr, a.title, a.description, mk.code, mk.comment \
     FROM span l JOIN assignments a ON a.lesson_id = l.id \
     JOIN assignment_types t ON t.id = a.type_id \
     LEFT JOIN marks mk ON mk.assignment_id = a.id AND mk.student_account_id = $1 \
     UNION ALL SELECT 4, CAST(at.lesson_id AS BIGINT), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, \
       NULL, NULL, NULL, NULL, NULL, at.code, NULL, NULL, NULL, NULL, NULL, NULL \
     FROM attendance at JOIN lessons l ON l.id = at.lesson_id \
     WHERE at.student_account_id = $1 AND l.date >= $2 AND l.date <= $3 \
     UNION ALL SELECT 5, CAST(f.id AS BIGINT), CAST(f.owner_id AS BIGINT), CAST(f.size AS BIGINT), NULL, \
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, f.name, f.description, \
       NULL, NULL, NULL, NULL, NULL \
     FROM span l CROSS JOIN assignments a CROSS JOIN files f \
     WHERE a.lesson_id = l.id AND f.owner_kind = 'assignment' AND f.owner_id = a.id"
);


#[async_trait]
impl crate::DiaryStore for Backend {
    async fn diary_week(
        &self,
        student: AccountId,
        from: NaiveDate,
        to: NaiveDate,
        today: NaiveDate,
    ) -> StoreResult<crate::DiaryWeekRecord> {
        engine_diary_week(self, student, (from, to), today).await
    }
}
