//! The progress reads of the store, on both engines: an assignment only on the student's own
//! lessons (subgroups respected), its teachers with a substitute, period and year marks, and the
//! weekdays of the timetable.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use sgo_store::testing::TestStore;
use sgo_store::{Engine, Store};
use sgo_testkit::both_engines;
use sgo_testkit::fixtures::{
    Member, Territory, assignments, class_9a, lessons, members, periods, rows, school_year, time,
};

fn d(m: u32, day: u32) -> NaiveDate {
    let y = if m >= 9 { 2026 } else { 2027 };
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 9, 1, 12, 0, 0).unwrap()
}

/// School 10 (and 11 with its own timetable). Class 9А (30) with subgroups 40 (student 100) and
/// 41 (student 101). Groups: 60 Алгебра (whole class), 61 Английский/1, 62 Английский/2 — all
/// taught by 300 (Смирнова Анна Павловна); lesson 1000 of group 60 is taught by the substitute
/// 301. Assignments 80 (lesson 1000), 81 (1001, subgroup 1), 82 (1002, subgroup 2).
async fn fixture(s: &dyn Store) {
    let now = now();
    Territory::standard()
        .school(10, "Школа 10")
        .school(11, "Школа 11")
        .insert(s)
        .await;
    let member = |id: i64, last: &str, first: &str, middle: &str| {
        Member::new(id, 10, last, first)
            .middle(middle)
            .login(&format!("login{id}"))
            .display(&format!("Учётная запись {id}"))
    };
    let people = [
        member(100, "Иванов", "Иван", ""),
        member(101, "Петров", "Пётр", ""),
        member(300, "Смирнова", "Анна", "Павловна"),
        member(301, "Кузнецов", "Олег", "Игоревич"),
    ];
    members(s, now, &people).await;
    school_year(s, 20, 10, 2026).await;
    school_year(s, 25, 10, 2027).await;
    periods(
        s,
        20,
        &[
            (21, "quarter", 1, "1 четверть", 1..=11, d(9, 1), d(10, 31)),
            (22, "quarter", 2, "2 четверть", 1..=11, d(11, 5), d(12, 28)),
        ],
    )
    .await;
    class_9a(s).await;
    rows(
        s,
        "subject_group_teachers",
        &["subject_group_id", "teacher_account_id"],
        vec![
            vec![60i64.into(), 300i64.into()],
            vec![61i64.into(), 300i64.into()],
            vec![62i64.into(), 300i64.into()],
        ],
    )
    .await;
    let entry = |id: i64, group: i64, weekday: i32| {
        vec![
            id.into(),
            group.into(),
            weekday.into(),
            1i32.into(),
            1i32.into(),
            d(9, 1).into(),
        ]
    };
    rows(
        s,
        "timetable_entries",
        &[
            "id",
            "subject_group_id",
            "weekday",
            "shift",
            "number",
            "valid_from",
        ],
        vec![entry(1, 60, 3), entry(2, 60, 1), entry(3, 61, 3)],
    )
    .await;
    let hour = |h: u32| time(h, 0);
    let lesson = |id: i64, group: i64, teacher: i64| {
        (id, group, d(11, 16), 1, (hour(8), hour(9)), "", teacher)
    };
    lessons(
        s,
        &[
            lesson(1000, 60, 301),
            lesson(1001, 61, 300),
            lesson(1002, 62, 300),
        ],
    )
    .await;
    rows(
        s,
        "assignment_types",
        &["id", "organization_id", "name", "abbr", "default_weight"],
        vec![vec![
            70i64.into(),
            10i64.into(),
            "Домашнее задание".into(),
            "ДЗ".into(),
            10i32.into(),
        ]],
    )
    .await;
    let assignment = |id: i64, lesson: i64| (id, lesson, "Описание", 10, d(11, 17), false);
    let work = [
        assignment(80, 1000),
        assignment(81, 1001),
        assignment(82, 1002),
    ];
    assignments(s, now, &work).await;
    rows(
        s,
        "marks",
        &[
            "id",
            "assignment_id",
            "student_account_id",
            "value",
            "comment",
            "set_at",
        ],
        vec![vec![
            90i64.into(),
            80i64.into(),
            100i64.into(),
            4i32.into(),
            "Хорошо".into(),
            now.into(),
        ]],
    )
    .await;
    s.finish_bulk_load().await.unwrap();
}

/// Period and year marks are written by the journal; the test puts them in with plain SQL.
async fn final_marks(db: &TestStore) {
    // (subject group, student, period or NULL for the year, value, code, set at)
    const INSERT: &str = "INSERT INTO final_marks \
                          (subject_group_id, student_account_id, period_id, value, code, set_at) \
                          VALUES (60, 100, 21, 5, NULL, $1), (60, 100, NULL, 4, NULL, $1), \
                          (61, 100, 21, NULL, 'ОСВ', $1), (62, 101, 21, 3, NULL, $1)";
    match &db.database_url {
        Some(url) => {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            sqlx::query(INSERT)
                .bind(now())
                .execute(&pool)
                .await
                .unwrap();
        }
        None => {
            let url = format!("sqlite://{}", db.dir.join("sgo.db").display());
            let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
            sqlx::query(INSERT)
                .bind(now())
                .execute(&pool)
                .await
                .unwrap();
        }
    }
}

async fn progress(engine: Engine) {
    let db = TestStore::new(engine).await;
    let s = db.store.as_ref();
    fixture(s).await;
    final_marks(&db).await;

    // The card: own lessons only; subgroups respected.
    let card = s.student_assignment(100, 80).await.unwrap().unwrap();
    assert_eq!(card.subject_group_id, 60);
    assert_eq!(card.subject_group_name, "9А/Алгебра");
    assert_eq!(card.assignment.subject_name, "Алгебра");
    assert_eq!(card.assignment.type_abbr, "ДЗ");
    assert_eq!(card.assignment.description, "Описание");
    assert_eq!(card.assignment.mark_value, Some(4));
    assert_eq!(card.assignment.mark_comment.as_deref(), Some("Хорошо"));
    assert!(s.student_assignment(100, 81).await.unwrap().is_some());
    assert!(s.student_assignment(100, 82).await.unwrap().is_none());
    assert!(s.student_assignment(101, 81).await.unwrap().is_none());
    let other = s.student_assignment(101, 80).await.unwrap().unwrap();
    assert_eq!(
        other.assignment.mark_id, None,
        "another student's mark never shows"
    );
    assert!(s.student_assignment(100, 999).await.unwrap().is_none());
    assert_eq!(
        s.student_assignment_ids(100, &[82, 80, 999, 81, 80])
            .await
            .unwrap(),
        vec![80, 81]
    );
    assert!(s.student_assignment_ids(100, &[]).await.unwrap().is_empty());

    // Teachers: the group's and the substitute of the lesson, by full name.
    let names: Vec<String> = s
        .assignment_teachers(80)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(
        names,
        vec!["Кузнецов Олег Игоревич", "Смирнова Анна Павловна"]
    );
    let teachers = s.assignment_teachers(81).await.unwrap();
    assert_eq!(teachers.len(), 1);
    assert_eq!(teachers[0].id, 300);

    // Period and year marks of one student and one year.
    let marks = s.student_final_marks(100, 20).await.unwrap();
    assert_eq!(marks.len(), 3);
    let algebra: Vec<_> = marks.iter().filter(|m| m.subject_group_id == 60).collect();
    assert_eq!(algebra.len(), 2);
    assert!(
        algebra
            .iter()
            .any(|m| m.period_id == Some(21) && m.value == Some(5))
    );
    assert!(
        algebra
            .iter()
            .any(|m| m.period_id.is_none() && m.value == Some(4))
    );
    let english = marks.iter().find(|m| m.subject_group_id == 61).unwrap();
    assert_eq!(english.subject_name, "Английский язык");
    assert_eq!(english.code.as_deref(), Some("ОСВ"));
    assert_eq!(english.value, None);
    assert!(s.student_final_marks(100, 25).await.unwrap().is_empty());

    // Weekdays of the timetable, each once, ascending; none for a school without one.
    assert_eq!(s.timetable_weekdays(10).await.unwrap(), vec![1, 3]);
    assert!(s.timetable_weekdays(11).await.unwrap().is_empty());
}

both_engines!(progress);
