//! The demo region, generated into real databases and read back through the store.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use chrono::{Duration, NaiveDate};
use sgo_auth::ServerKey;
use sgo_core::Role;
use sgo_core::calendar::week_start;
use sgo_core::text::normalise;
use sgo_demo::{DemoAccount, DemoError, DemoOptions, DemoProgress, generate, write_accounts_csv};
use sgo_store::testing::TestStore;
use sgo_store::{Engine, Store};
use sgo_testkit::both_engines;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
}

fn options(seed: u64) -> DemoOptions {
    DemoOptions {
        schools: 1,
        students_per_class: 6,
        seed,
        today: today(),
    }
}

async fn account_id(store: &dyn Store, account: &DemoAccount) -> i64 {
    store
        .credentials(account.organization_id, &normalise(&account.login))
        .await
        .expect("credentials")
        .expect("the account exists")
        .account_id
}

async fn generate_and_check(engine: Engine) {
    let t = TestStore::new(engine).await;
    let store = &*t.store;
    let key = ServerKey::generate().expect("key");
    let seen = std::sync::Mutex::new(Vec::new());
    let progress = |p: DemoProgress| seen.lock().expect("lock").push(p);
    let accounts = generate(store, &key, &options(7), &progress)
        .await
        .expect("generate");
    assert_eq!(
        *seen.lock().expect("lock"),
        vec![
            DemoProgress::Started { schools: 1 },
            DemoProgress::SchoolDone { done: 1 },
            DemoProgress::Finishing
        ]
    );
    assert_eq!(accounts[0].role, Role::Administrator);

    // The first parent of the sheet has two children.
    let parent = accounts
        .iter()
        .find(|a| a.role == Role::Parent)
        .expect("a parent in the sheet");
    let parent_id = account_id(store, parent).await;
    let children = store.children(parent_id, today()).await.expect("children");
    assert_eq!(children.len(), 2, "{children:?}");
    assert!(children.iter().all(|c| c.class_id.is_some()));
    assert_ne!(children[0].class_id, children[1].class_id);

    // The first student: lessons this week, a mark last week, overdue work before that.
    let student = accounts
        .iter()
        .find(|a| a.role == Role::Student)
        .expect("a student in the sheet");
    let student_id = account_id(store, student).await;
    let monday = week_start(today());
    let lessons = store
        .diary_lessons(student_id, monday, monday + Duration::days(6))
        .await
        .expect("lessons");
    assert!(!lessons.is_empty());
    let previous = monday - Duration::days(7);
    let assignments = store
        .diary_assignments(student_id, previous, previous + Duration::days(6))
        .await
        .expect("assignments");
    assert!(
        assignments.iter().any(|a| a.mark_value.is_some()),
        "no mark last week"
    );
    assert!(assignments.iter().any(|a| a.type_abbr == "ДЗ"));
    let mut overdue_weeks = 0;
    for back in 1..=3 {
        let from = monday - Duration::days(7 * back);
        let overdue = store
            .overdue_assignments(student_id, from, from + Duration::days(6), today())
            .await
            .expect("overdue");
        assert!(overdue.iter().all(|a| a.mandatory && a.due_date < today()));
        if !overdue.is_empty() {
            overdue_weeks += 1;
        }
    }
    assert_eq!(overdue_weeks, 3);

    // Passwords work both ways: argon2 and the NetSchool challenge.
    let creds = store
        .credentials(student.organization_id, &normalise(&student.login))
        .await
        .expect("credentials")
        .expect("exists");
    let hash = creds.password_hash.expect("hash");
    assert!(sgo_auth::password::verify_password(
        &hash,
        &student.password
    ));
    let sealed = creds.legacy_verifier.expect("verifier");
    let verifier = sgo_auth::legacy::verifier(&student.password).expect("cp1251");
    let pw2 = sgo_auth::legacy::expected_pw2(&verifier, "12345");
    assert!(sgo_auth::legacy::check_challenge(
        &key, &sealed, "12345", &pw2, None
    ));

    // The school is on the territory tree and found by its name.
    let found = store
        .search_organizations(Some("сош №1"), None)
        .await
        .expect("search");
    assert!(
        found
            .iter()
            .any(|o| o.short_name == "МБОУ СОШ №1" && o.region_name == "Заречный край")
    );
    let year = store
        .current_year(student.organization_id, today())
        .await
        .expect("year")
        .expect("a year");
    assert_eq!(year.name, "2026/2027");
    let types = store
        .assignment_types(student.organization_id, true)
        .await
        .expect("types");
    assert_eq!(types.len(), 8);

    // A second run into the same store is refused.
    let again = generate(store, &key, &options(7), &|_| {}).await;
    assert!(matches!(again, Err(DemoError::NotEmpty)), "{again:?}");
}

/// Every student of the sheet, every week with past lessons: a mark; and overdue work in each
/// of the three weeks before this one.
async fn check_promises(today: NaiveDate, seed: u64) {
    let t = TestStore::new(Engine::Sqlite).await;
    let store = &*t.store;
    let key = ServerKey::generate().expect("key");
    let options = DemoOptions {
        today,
        seed,
        ..options(seed)
    };
    let accounts = generate(store, &key, &options, &|_| {})
        .await
        .expect("generate");
    let monday = week_start(today);
    let year_start = sgo_core::calendar::academic_year_start(today);
    for student in accounts.iter().filter(|a| a.role == Role::Student) {
        let id = account_id(store, student).await;
        let mut week = week_start(year_start);
        while week <= monday {
            let end = (week + Duration::days(6)).min(today);
            let lessons = store.diary_lessons(id, week, end).await.expect("lessons");
            if !lessons.is_empty() {
                let marks = store
                    .diary_assignments(id, week, end)
                    .await
                    .expect("assignments");
                assert!(
                    marks.iter().any(|a| a.mark_value.is_some()),
                    "{} has no mark in the week of {week}",
                    student.login
                );
                if week < monday && week >= monday - Duration::days(21) {
                    let overdue = store
                        .overdue_assignments(id, week, week + Duration::days(6), today)
                        .await
                        .expect("overdue");
                    assert!(
                        !overdue.is_empty(),
                        "{} owes nothing in the week of {week}",
                        student.login
                    );
                }
            }
            week += Duration::days(7);
        }
    }
}

#[tokio::test]
async fn every_sheet_student_has_weekly_marks_and_overdue_work() {
    check_promises(today(), 11).await;
}

#[tokio::test]
async fn promises_hold_after_the_spring_holidays() {
    check_promises(NaiveDate::from_ymd_opt(2027, 4, 5).expect("date"), 12).await;
}

#[tokio::test]
async fn any_day_of_the_year_generates() {
    for (y, m, d) in [
        (2026, 8, 20),
        (2026, 9, 1),
        (2026, 12, 31),
        (2027, 5, 31),
        (2027, 7, 10),
    ] {
        let t = TestStore::new(Engine::Sqlite).await;
        let key = ServerKey::generate().expect("key");
        let today = NaiveDate::from_ymd_opt(y, m, d).expect("date");
        let options = DemoOptions {
            schools: 1,
            students_per_class: 2,
            seed: 5,
            today,
        };
        let accounts = generate(&*t.store, &key, &options, &|_| {})
            .await
            .expect("generate");
        assert!(accounts.iter().any(|a| a.role == Role::Parent), "{today}");
    }
}

#[tokio::test]
async fn same_seed_same_sheet() {
    let key = ServerKey::generate().expect("key");
    let mut sheets = Vec::new();
    for _ in 0..2 {
        let t = TestStore::new(Engine::Sqlite).await;
        let accounts = generate(&*t.store, &key, &options(3), &|_| {})
            .await
            .expect("generate");
        sheets.push(accounts);
    }
    assert_eq!(sheets[0], sheets[1]);
    let t = TestStore::new(Engine::Sqlite).await;
    let other = generate(&*t.store, &key, &options(4), &|_| {})
        .await
        .expect("generate");
    assert_ne!(sheets[0], other);

    let path = t.dir.join("accounts.csv");
    write_accounts_csv(&path, &sheets[0]).expect("write");
    let text = std::fs::read_to_string(&path).expect("read");
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("role,organization_id,organization_short_name,login,password,display_name,children")
    );
    assert_eq!(lines.count(), sheets[0].len());
    let roles: Vec<&str> = text
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .collect();
    for role in ["administrator", "teacher", "student", "parent"] {
        assert!(roles.contains(&role), "{role}");
    }
    assert!(!roles.contains(&"deputy_head"));
}

both_engines!(generate_and_check);
