//! Every repository operation, run against both engines with one small fixture.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use chrono::{Duration, NaiveDate, Utc};
use sgo_core::files::FileOwner;
use sgo_core::{OrganizationKind, Role};
use sgo_store::testing::TestStore;
use sgo_store::{
    AuditLogEntry, DiaryWeekRecord, Engine, LoginTicket, NewFile, NewSession, Store, StoreError,
    Value,
};
use sgo_testkit::both_engines;
use sgo_testkit::fixtures::{
    Member, Organization, Territory, assignments, class_9a, class_students, date as d, lessons,
    members, noon_on as ts, periods, rows, school_year, time as t,
};

/// Ids: school 10; student 100 (class 9А, subgroup 1), student 101 (9А, subgroup 2), parent 200
/// of 100, teacher 300. Lessons on 2026-11-16 (Mon): 1000 Алгебра, 1001 Английский/1 подгруппа,
/// 1002 Английский/2 подгруппа; on 2026-11-23: 1003 Алгебра.
async fn fixture(s: &dyn Store) {
    let now = ts(d(2026, 9, 1));
    Territory::named("Заречный край", "городской округ Заречный", "г. Заречный")
        .organization(
            Organization::new(
                10,
                "general",
                "МБОУ СОШ №1",
                "Средняя школа №1",
                &sgo_core::text::normalise("МБОУ СОШ №1 Средняя школа №1"),
            )
            .director("Сидоров С.С."),
        )
        .organization(Organization::new(
            11,
            "municipal_authority",
            "Управление образования",
            "Управление образования г. Заречный",
            "управление образования",
        ))
        .insert(s)
        .await;
    let member = |id: i64, last: &str, first: &str, login: &str, role: &'static str| {
        Member::new(id, 10, last, first)
            .login(login)
            .display(&format!("Учётная запись {id}"))
            .password(None, Some(vec![1, 2, 3]))
            .role(role)
    };
    let people = [
        member(100, "Иванов", "Иван", "ИвановИ", "student")
            .password(Some("$argon2id$x"), Some(vec![1, 2, 3])),
        member(101, "Петров", "Пётр", "ПетровП", "student"),
        member(200, "Иванова", "Мария", "ИвановаМ", "parent").parent_of(100),
        member(300, "Смирнова", "Анна", "СмирноваА", "teacher").role("parent"),
    ];
    members(s, now, &people).await;
    school_year(s, 20, 10, 2026).await;
    periods(
        s,
        20,
        &[
            (
                21,
                "quarter",
                2,
                "2 четверть",
                1..=9,
                d(2026, 11, 5),
                d(2026, 12, 28),
            ),
            (
                22,
                "half_year",
                1,
                "1 полугодие",
                10..=11,
                d(2026, 9, 1),
                d(2026, 12, 28),
            ),
        ],
    )
    .await;
    class_9a(s).await;
    let lesson = |id: i64, group: i64, day: NaiveDate, n: i32| {
        (id, group, day, n, (t(8, 30), t(9, 15)), "204", 300)
    };
    lessons(
        s,
        &[
            lesson(1000, 60, d(2026, 11, 16), 1),
            lesson(1001, 61, d(2026, 11, 16), 2),
            lesson(1002, 62, d(2026, 11, 16), 2),
            lesson(1003, 60, d(2026, 11, 23), 1),
        ],
    )
    .await;
    rows(
        s,
        "assignment_types",
        &[
            "id",
            "organization_id",
            "name",
            "abbr",
            "default_weight",
            "sort_order",
            "active",
        ],
        vec![
            vec![
                70i64.into(),
                10i64.into(),
                "Контрольная работа".into(),
                "К".into(),
                30i32.into(),
                1i32.into(),
                true.into(),
            ],
            vec![
                71i64.into(),
                10i64.into(),
                "Устаревший тип".into(),
                "У".into(),
                10i32.into(),
                2i32.into(),
                false.into(),
            ],
        ],
    )
    .await;
    let assignment = |id: i64, lesson: i64, due: NaiveDate| (id, lesson, "", 30, due, true);
    let work = [
        assignment(80, 1000, d(2026, 11, 16)),
        assignment(81, 1000, d(2026, 11, 17)),
        assignment(82, 1001, d(2026, 11, 16)),
        assignment(83, 1003, d(2026, 11, 23)),
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
            "code",
            "duty",
            "comment",
            "set_at",
        ],
        vec![
            vec![
                90i64.into(),
                80i64.into(),
                100i64.into(),
                5i32.into(),
                Value::Text(None),
                false.into(),
                "Молодец".into(),
                now.into(),
            ],
            vec![
                91i64.into(),
                81i64.into(),
                100i64.into(),
                Value::Int(None),
                Value::Text(None),
                true.into(),
                "".into(),
                now.into(),
            ],
        ],
    )
    .await;
    rows(
        s,
        "attendance",
        &["lesson_id", "student_account_id", "code", "set_at"],
        vec![vec![1000i64.into(), 101i64.into(), "Б".into(), now.into()]],
    )
    .await;
    s.finish_bulk_load().await.unwrap();
}

async fn contract(engine: Engine) {
    let ts_ = TestStore::new(engine).await;
    let s = ts_.store.as_ref();
    assert_eq!(s.engine(), engine);
    assert!(s.is_empty().await.unwrap());
    fixture(s).await;
    assert!(!s.is_empty().await.unwrap());

    // Territory and the login cascade.
    assert_eq!(s.regions().await.unwrap()[0].name, "Заречный край");
    assert_eq!(s.municipalities(1).await.unwrap().len(), 1);
    assert_eq!(s.settlements(2).await.unwrap()[0].id, 3);
    assert_eq!(
        s.organization_kinds(3).await.unwrap(),
        vec![
            OrganizationKind::General,
            OrganizationKind::MunicipalAuthority
        ]
    );
    assert_eq!(
        s.organizations_in(3, OrganizationKind::General)
            .await
            .unwrap()[0]
            .name,
        "МБОУ СОШ №1"
    );

    // Search is on the normalised name, so Cyrillic case does not matter on either engine;
    // LIKE wildcards in the needle are literal.
    assert_eq!(
        s.search_organizations(Some("сош №1"), None)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        s.search_organizations(Some("%%%"), None)
            .await
            .unwrap()
            .len(),
        0
    );
    assert_eq!(s.search_organizations(None, None).await.unwrap().len(), 2);
    assert_eq!(
        s.search_organizations(None, Some(OrganizationKind::General))
            .await
            .unwrap()
            .len(),
        1
    );
    let org = s.organization(10).await.unwrap().unwrap();
    assert_eq!(
        (org.region_name.as_str(), org.director.as_str()),
        ("Заречный край", "Сидоров С.С.")
    );
    assert!(s.organization(999).await.unwrap().is_none());

    // Accounts.
    let c = s.credentials(10, "иванови").await.unwrap().unwrap();
    assert_eq!(
        (c.account_id, c.active, c.legacy_verifier.as_deref()),
        (100, true, Some(&[1u8, 2, 3][..]))
    );
    assert!(s.credentials(11, "иванови").await.unwrap().is_none());
    assert!(
        s.set_password(100, "$argon2id$new", None, true)
            .await
            .unwrap()
    );
    let c = s.credentials(10, "иванови").await.unwrap().unwrap();
    assert_eq!(
        (
            c.password_hash.as_deref(),
            c.legacy_verifier,
            c.must_change_password
        ),
        (Some("$argon2id$new"), None, true)
    );
    assert!(!s.set_password(999, "x", None, false).await.unwrap());
    assert_eq!(s.account(100).await.unwrap().unwrap().last_name, "Иванов");
    assert_eq!(
        s.account_roles(300).await.unwrap(),
        vec![Role::Teacher, Role::Parent]
    );

    // Sessions.
    let now = Utc::now();
    let id = s
        .create_session(&NewSession {
            token_hash: vec![9; 32],
            cookie_hash: Some(vec![8; 32]),
            account_id: 100,
            channel: "webapi".into(),
            now,
            ip: "127.0.0.1".into(),
            user_agent: "test".into(),
        })
        .await
        .unwrap();
    let by_token = s.session_by_token(&[9; 32]).await.unwrap().unwrap();
    assert_eq!(
        (by_token.id, by_token.account_id, by_token.organization_id),
        (id, 100, 10)
    );
    assert_eq!(s.session_by_cookie(&[8; 32]).await.unwrap().unwrap().id, id);
    s.touch_session(id, now + Duration::seconds(60))
        .await
        .unwrap();
    assert!(
        s.session_by_token(&[9; 32])
            .await
            .unwrap()
            .unwrap()
            .last_seen_at
            > now
    );
    assert_eq!(s.delete_sessions_idle_since(now).await.unwrap(), 0);
    assert_eq!(
        s.delete_sessions_idle_since(now + Duration::seconds(120))
            .await
            .unwrap(),
        1
    );
    assert!(s.session_by_token(&[9; 32]).await.unwrap().is_none());

    // Challenges are single use.
    let ticket = LoginTicket {
        cookie_hash: vec![7; 32],
        lt: "123".into(),
        ver: "456".into(),
        salt: "789".into(),
        created_at: now,
    };
    s.create_login_ticket(&ticket).await.unwrap();
    assert!(
        s.take_login_ticket(&[7; 32], "999")
            .await
            .unwrap()
            .is_none()
    );
    s.create_login_ticket(&ticket).await.unwrap();
    assert_eq!(
        s.take_login_ticket(&[7; 32], "123")
            .await
            .unwrap()
            .unwrap()
            .salt,
        "789"
    );
    assert!(
        s.take_login_ticket(&[7; 32], "123")
            .await
            .unwrap()
            .is_none()
    );
    s.create_login_ticket(&ticket).await.unwrap();
    assert_eq!(
        s.delete_login_tickets_before(now + Duration::seconds(1))
            .await
            .unwrap(),
        1
    );

    // People around a student.
    let day = d(2026, 11, 23);
    let kids = s.children(200, day).await.unwrap();
    assert_eq!(kids.len(), 1);
    assert_eq!(
        (kids[0].account_id, kids[0].grade, kids[0].letter.as_deref()),
        (100, Some(9), Some("А"))
    );
    assert!(s.children(300, day).await.unwrap().is_empty());
    assert_eq!(
        s.student(101, day).await.unwrap().unwrap().class_id,
        Some(30)
    );

    // The school year.
    assert_eq!(s.current_year(10, day).await.unwrap().unwrap().id, 20);
    assert!(s.current_year(10, d(2026, 8, 1)).await.unwrap().is_none());
    assert_eq!(s.years(10).await.unwrap().len(), 1);
    assert_eq!(s.periods(20, 9).await.unwrap()[0].name, "2 четверть");
    assert_eq!(s.periods(20, 10).await.unwrap()[0].name, "1 полугодие");
    assert_eq!(s.assignment_types(10, true).await.unwrap().len(), 1);
    assert_eq!(s.assignment_types(10, false).await.unwrap().len(), 2);

    // The diary: student 100 sees Алгебра and only the English subgroup they are in.
    let (mon, sun) = (d(2026, 11, 16), d(2026, 11, 22));
    let lessons = s.diary_lessons(100, mon, sun).await.unwrap();
    assert_eq!(
        lessons.iter().map(|l| l.lesson_id).collect::<Vec<_>>(),
        vec![1000, 1001]
    );
    assert_eq!(
        (lessons[0].start_time, lessons[0].room.as_str()),
        (t(8, 30), "204")
    );
    let other = s.diary_lessons(101, mon, sun).await.unwrap();
    assert_eq!(
        other.iter().map(|l| l.lesson_id).collect::<Vec<_>>(),
        vec![1000, 1002]
    );
    let assignments = s.diary_assignments(100, mon, sun).await.unwrap();
    assert_eq!(
        assignments
            .iter()
            .map(|a| a.assignment_id)
            .collect::<Vec<_>>(),
        vec![80, 81, 82]
    );
    assert_eq!(
        (
            assignments[0].mark_value,
            assignments[0].mark_comment.as_deref()
        ),
        (Some(5), Some("Молодец"))
    );
    assert_eq!(assignments[1].mark_duty, Some(true));
    assert!(assignments[2].mark_id.is_none());
    assert_eq!(
        s.diary_attendance(101, mon, sun).await.unwrap()[0].code,
        "Б"
    );
    assert!(s.diary_attendance(100, mon, sun).await.unwrap().is_empty());

    // The diary's one read gives what the separate reads give, on both engines.
    for (name, assignment) in [("Условие.pdf", 80), ("Ответы.pdf", 80), ("План.pdf", 82)]
    {
        s.insert_file(&NewFile {
            organization_id: 10,
            storage_key: format!("{:0>32}", name.len() * 1000 + assignment as usize),
            guid: format!("g-{name}"),
            name: name.into(),
            content_type: "application/pdf".into(),
            size: 1234,
            description: format!("к заданию {assignment}"),
            owner: FileOwner::Assignment(assignment),
            uploaded_by: 300,
            uploaded_at: now,
        })
        .await
        .unwrap();
    }
    for student in [100, 101] {
        let week = s.diary_week(student, mon, sun, day).await.unwrap();
        assert_eq!(week.student, s.student(student, day).await.unwrap());
        assert_eq!(week.period_name.as_deref(), Some("2 четверть"));
        assert_eq!(
            week.lessons,
            s.diary_lessons(student, mon, sun).await.unwrap()
        );
        let assignments = s.diary_assignments(student, mon, sun).await.unwrap();
        assert_eq!(week.assignments, assignments);
        assert_eq!(
            week.attendance,
            s.diary_attendance(student, mon, sun).await.unwrap()
        );
        let ids: Vec<i64> = assignments.iter().map(|a| a.assignment_id).collect();
        let files: Vec<(i64, String, String)> = s
            .files_of("assignment", &ids)
            .await
            .unwrap()
            .into_iter()
            .map(|f| (f.owner_id.unwrap(), f.name, f.description))
            .collect();
        let week_files: Vec<(i64, String, String)> = week
            .files
            .into_iter()
            .map(|f| (f.assignment_id, f.name, f.description))
            .collect();
        assert_eq!(week_files, files);
    }
    let week = s.diary_week(100, mon, sun, day).await.unwrap();
    assert_eq!(
        week.files
            .iter()
            .map(|f| f.assignment_id)
            .collect::<Vec<_>>(),
        vec![80, 80, 82]
    );
    assert!(week.assignments[0].mark_set_at.is_some());
    // Before the year: no period; an unknown student: nothing at all.
    let summer = s
        .diary_week(100, d(2026, 8, 3), d(2026, 8, 9), day)
        .await
        .unwrap();
    assert!(summer.period_name.is_none() && summer.lessons.is_empty() && summer.student.is_some());
    assert_eq!(
        s.diary_week(999, mon, sun, day).await.unwrap(),
        DiaryWeekRecord::default()
    );

    // Overdue: mandatory, due before today, no mark or only a duty mark, due in the window.
    let overdue = s.overdue_assignments(100, mon, day, day).await.unwrap();
    assert_eq!(
        overdue.iter().map(|a| a.assignment_id).collect::<Vec<_>>(),
        vec![82, 81]
    );
    let overdue_early = s
        .overdue_assignments(100, mon, day, d(2026, 11, 17))
        .await
        .unwrap();
    assert_eq!(
        overdue_early
            .iter()
            .map(|a| a.assignment_id)
            .collect::<Vec<_>>(),
        vec![82]
    );

    // Moving the student out of the class ends their diary there, and keeps the history.
    class_students(s, &[(33, 30, 101, d(2026, 9, 1), Some(d(2026, 11, 20)))]).await;

    // Audit.
    let entry = AuditLogEntry {
        at: now,
        actor_account_id: Some(200),
        organization_id: Some(1),
        action: "diary.read".into(),
        target: "student:101".into(),
        ip: "127.0.0.1".into(),
        result: "denied".into(),
        details: String::new(),
    };
    s.append_audit_log(&entry).await.unwrap();
    // PostgreSQL keeps microseconds: compare everything but the instant.
    let back = s.recent_audit_log(5).await.unwrap().remove(0);
    assert_eq!(
        AuditLogEntry {
            at: entry.at,
            ..back
        },
        entry
    );

    // Bulk loads refuse unknown tables and report constraint violations as conflicts.
    assert!(matches!(
        s.bulk_insert("sessions", &["id"], vec![vec![1i64.into()]])
            .await,
        Err(StoreError::Conflict(_))
    ));
    let dup = s
        .bulk_insert(
            "accounts",
            &[
                "id",
                "person_id",
                "organization_id",
                "login",
                "login_norm",
                "display_name",
                "created_at",
            ],
            vec![vec![
                500i64.into(),
                100i64.into(),
                10i64.into(),
                "ИВАНОВИ".into(),
                "иванови".into(),
                "x".into(),
                now.into(),
            ]],
        )
        .await;
    assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");
}

both_engines!(contract);
