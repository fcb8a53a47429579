//! The import batch operations on both engines: staging, claiming once, and applying all or nothing.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use chrono::Duration;
use sgo_core::Role;
use sgo_store::testing::TestStore;
use sgo_store::{
    Engine, IMPORT_APPLIED, IMPORT_APPLYING, IMPORT_FAILED, IMPORT_STAGED, ImportAccount,
    ImportOutcome, ImportPlan, Lease, NewImportBatch, Store,
};
use sgo_testkit::both_engines;
use sgo_testkit::fixtures::{
    Member, Organization, Territory, classes, date as d, members, noon_on as ts, school_year,
};

const SCHOOL: i64 = 10;

/// A lease of 30 s taken `at` seconds from now.
fn lease(at: i64) -> Lease {
    let now = chrono::Utc::now() + Duration::seconds(at);
    Lease {
        now,
        until: now + Duration::seconds(30),
    }
}
const ADMIN: i64 = 100;

/// One school (10) with its administrator (100, login «admin»), year 20 and classes 30 (5А), 31 (5Б).
async fn fixture(s: &dyn Store) {
    let now = ts(d(2026, 9, 1));
    Territory::standard()
        .organization(Organization::new(
            SCHOOL,
            "general",
            "Школа",
            "Школа №1",
            "школа",
        ))
        .insert(s)
        .await;
    let admin = Member::new(ADMIN, SCHOOL, "Директорова", "Анна").login("Admin");
    members(s, now, &[admin]).await;
    school_year(s, 20, SCHOOL, 2026).await;
    classes(s, SCHOOL, 20, &[(30, 5, "А"), (31, 5, "Б")]).await;
    s.finish_bulk_load().await.unwrap();
}

fn new_batch() -> NewImportBatch {
    NewImportBatch {
        organization_id: SCHOOL,
        created_by: ADMIN,
        created_at: ts(d(2026, 11, 23)),
        kind: "students".into(),
        file_name: "ученики.csv".into(),
        payload: "{\"students\":[]}".into(),
        students: 2,
        parents: 1,
        staff: 0,
        rows_total: 3,
    }
}

fn account(login: &str, roles: &[Role], class_id: Option<i64>) -> ImportAccount {
    ImportAccount {
        last_name: "Петров".into(),
        first_name: login.into(),
        middle_name: String::new(),
        birth_date: Some(d(2015, 3, 1)),
        gender: Some("male".into()),
        login: login.into(),
        login_norm: sgo_core::text::normalise(login),
        display_name: format!("Петров {login}"),
        email: String::new(),
        phone: "+7 900".into(),
        roles: roles.iter().map(|r| r.code().to_owned()).collect(),
        class_id,
    }
}

/// Two children in 5А and 5Б and their mother, who is linked to both.
fn plan(batch_id: i64, logins: [&str; 3]) -> ImportPlan {
    ImportPlan {
        batch_id,
        organization_id: SCHOOL,
        at: ts(d(2026, 11, 23)),
        class_from: d(2026, 11, 23),
        accounts: vec![
            account(logins[0], &[Role::Student], Some(30)),
            account(logins[1], &[Role::Student], Some(31)),
            account(logins[2], &[Role::Parent], None),
        ],
        links: vec![(2, 0), (2, 1)],
        summary: "учеников 2, родителей 1".into(),
    }
}

async fn logins(s: &dyn Store) -> Vec<String> {
    let mut v = s.organization_login_norms(SCHOOL).await.unwrap();
    v.sort();
    v
}

async fn stage_claim_apply_once(engine: Engine) {
    let db = TestStore::new(engine).await;
    let s = db.store.as_ref();
    fixture(s).await;
    assert_eq!(logins(s).await, vec!["admin"]);
    let classes = s.year_classes(20).await.unwrap();
    assert_eq!(
        classes
            .iter()
            .map(|c| (c.id, c.grade, c.letter.as_str()))
            .collect::<Vec<_>>(),
        vec![(30, 5, "А"), (31, 5, "Б")]
    );

    let id = s.create_import_batch(&new_batch()).await.unwrap();
    let staged = s.import_batch(id).await.unwrap().unwrap();
    assert_eq!(staged.status, IMPORT_STAGED);
    assert_eq!(
        (
            staged.students,
            staged.parents,
            staged.rows_total,
            staged.rows_done
        ),
        (2, 1, 3, 0)
    );
    assert_eq!(staged.payload, "{\"students\":[]}");
    assert_eq!(staged.file_name, "ученики.csv");
    assert!(s.import_batch(id + 100).await.unwrap().is_none());

    // Applying before the batch is claimed writes nothing.
    let noop = |_: usize| {};
    assert_eq!(
        s.apply_import(&plan(id, ["a1", "a2", "m"]), &noop)
            .await
            .unwrap(),
        ImportOutcome::NotClaimed
    );
    assert!(s.claim_import_batch(id, "node-a", lease(0)).await.unwrap());
    assert!(
        !s.claim_import_batch(id, "node-a", lease(0)).await.unwrap(),
        "a batch is claimed once"
    );
    assert_eq!(
        s.import_batch(id).await.unwrap().unwrap().status,
        IMPORT_APPLYING
    );

    let seen = std::sync::Mutex::new(Vec::new());
    let record = |n: usize| seen.lock().unwrap().push(n);
    let outcome = s
        .apply_import(&plan(id, ["Kid1", "Kid2", "Mama"]), &record)
        .await
        .unwrap();
    let ImportOutcome::Applied(ids) = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(ids.len(), 3);
    assert_eq!(*seen.lock().unwrap(), vec![1, 2, 3]);
    assert_eq!(logins(s).await, vec!["admin", "kid1", "kid2", "mama"]);

    let on = d(2026, 11, 23);
    let kid1 = s.student(ids[0], on).await.unwrap().unwrap();
    assert_eq!(
        (kid1.class_id, kid1.display_name.as_str()),
        (Some(30), "Петров Kid1")
    );
    assert_eq!(
        s.student(ids[1], on).await.unwrap().unwrap().class_id,
        Some(31)
    );
    // Membership starts today, not before.
    assert_eq!(
        s.student(ids[0], d(2026, 11, 22))
            .await
            .unwrap()
            .unwrap()
            .class_id,
        None
    );
    let children = s.children(ids[2], on).await.unwrap();
    assert_eq!(
        children.iter().map(|c| c.account_id).collect::<Vec<_>>(),
        vec![ids[0], ids[1]]
    );
    assert_eq!(s.account_roles(ids[2]).await.unwrap(), vec![Role::Parent]);
    let creds = s.credentials(SCHOOL, "mama").await.unwrap().unwrap();
    assert!(creds.password_hash.is_none() && creds.active);
    let mama = s.account(ids[2]).await.unwrap().unwrap();
    assert_eq!(mama.login, "Mama");

    let applied = s.import_batch(id).await.unwrap().unwrap();
    assert_eq!(applied.status, IMPORT_APPLIED);
    assert_eq!(
        applied.payload, "",
        "the personal data leave the staging table once applied"
    );
    assert_eq!(
        (applied.rows_done, applied.message.as_str()),
        (3, "учеников 2, родителей 1")
    );
    assert!(applied.finished_at.is_some());

    // A second application is refused and writes nothing.
    assert!(!s.claim_import_batch(id, "node-a", lease(0)).await.unwrap());
    assert_eq!(
        s.apply_import(&plan(id, ["b1", "b2", "n"]), &noop)
            .await
            .unwrap(),
        ImportOutcome::NotClaimed
    );
    assert_eq!(logins(s).await.len(), 4);

    let listed = s.import_batches(SCHOOL, 10).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].id, listed[0].payload.as_str()), (id, ""));
    assert!(s.import_batches(SCHOOL + 1, 10).await.unwrap().is_empty());
}

/// node-a dies while writing a batch: its lease runs out and node-b takes the batch over, which
/// node-a (late) can no longer renew; node-b's renewals show its progress to everyone.
async fn a_batch_of_a_dead_node_is_taken_over_once_its_lease_ran_out(engine: Engine) {
    let db = TestStore::new(engine).await;
    let s = db.store.as_ref();
    fixture(s).await;
    let id = s.create_import_batch(&new_batch()).await.unwrap();
    assert!(s.claim_import_batch(id, "node-a", lease(0)).await.unwrap());
    assert!(
        s.reclaim_import_batch("node-b", lease(10))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        s.reclaim_import_batch("node-a", lease(31))
            .await
            .unwrap()
            .is_none(),
        "a node does not take over its own batch"
    );
    let taken = s
        .reclaim_import_batch("node-b", lease(31))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (taken.id, taken.attempts, taken.status.as_str()),
        (id, 2, IMPORT_APPLYING)
    );
    assert!(
        !taken.payload.is_empty(),
        "the payload comes along to be written again"
    );
    assert!(
        s.reclaim_import_batch("node-c", lease(40))
            .await
            .unwrap()
            .is_none()
    );
    let late = lease(31).until;
    assert!(!s.renew_import_batch(id, "node-a", late, 1).await.unwrap());
    assert!(s.renew_import_batch(id, "node-b", late, 2).await.unwrap());
    assert_eq!(s.import_batch(id).await.unwrap().unwrap().rows_done, 2);
    let ImportOutcome::Applied(_) = s
        .apply_import(&plan(id, ["a1", "a2", "m"]), &|_| {})
        .await
        .unwrap()
    else {
        panic!("not applied")
    };
    assert!(
        s.reclaim_import_batch("node-c", lease(100))
            .await
            .unwrap()
            .is_none()
    );
}

async fn a_taken_login_rolls_everything_back(engine: Engine) {
    let db = TestStore::new(engine).await;
    let s = db.store.as_ref();
    fixture(s).await;
    let id = s.create_import_batch(&new_batch()).await.unwrap();
    assert!(s.claim_import_batch(id, "node-a", lease(0)).await.unwrap());
    // The second login was taken by the administrator meanwhile (case and «ё» do not matter).
    let outcome = s
        .apply_import(&plan(id, ["Kid1", "ADMIN", "Mama"]), &|_| {})
        .await
        .unwrap();
    assert_eq!(outcome, ImportOutcome::LoginTaken("ADMIN".into()));
    assert_eq!(logins(s).await, vec!["admin"]);

    // The same login twice within a plan is caught by the constraint after rows were written:
    // the whole transaction goes, the first child included.
    let outcome = s
        .apply_import(&plan(id, ["Kid1", "Mama", "mama"]), &|_| {})
        .await
        .unwrap();
    assert_eq!(outcome, ImportOutcome::LoginTaken("mama".into()));
    assert_eq!(logins(s).await, vec!["admin"]);
    assert!(s.children(100, d(2026, 11, 23)).await.unwrap().is_empty());
    assert_eq!(
        s.import_batch(id).await.unwrap().unwrap().status,
        IMPORT_APPLYING
    );

    s.fail_import_batch(id, "логин занят", ts(d(2026, 11, 23)))
        .await
        .unwrap();
    let failed = s.import_batch(id).await.unwrap().unwrap();
    assert_eq!(
        (failed.status.as_str(), failed.message.as_str()),
        (IMPORT_FAILED, "логин занят")
    );
    assert!(
        !s.claim_import_batch(id, "node-a", lease(0)).await.unwrap(),
        "a failed batch is not retried"
    );
}

async fn stale_batches_are_removed(engine: Engine) {
    let db = TestStore::new(engine).await;
    let s = db.store.as_ref();
    fixture(s).await;
    let old = s
        .create_import_batch(&NewImportBatch {
            created_at: ts(d(2026, 11, 20)),
            ..new_batch()
        })
        .await
        .unwrap();
    let applied_old = s
        .create_import_batch(&NewImportBatch {
            created_at: ts(d(2026, 11, 20)),
            ..new_batch()
        })
        .await
        .unwrap();
    assert!(
        s.claim_import_batch(applied_old, "node-a", lease(0))
            .await
            .unwrap()
    );
    let ImportOutcome::Applied(_) = s
        .apply_import(&plan(applied_old, ["x1", "x2", "x3"]), &|_| {})
        .await
        .unwrap()
    else {
        panic!("not applied")
    };
    let fresh = s.create_import_batch(&new_batch()).await.unwrap();
    let cutoff = ts(d(2026, 11, 23)) - Duration::hours(24);
    assert_eq!(s.delete_stale_import_batches(cutoff).await.unwrap(), 1);
    assert!(s.import_batch(old).await.unwrap().is_none());
    assert!(
        s.import_batch(applied_old).await.unwrap().is_some(),
        "applied batches stay as a record"
    );
    assert!(s.import_batch(fresh).await.unwrap().is_some());
}

both_engines!(
    a_batch_of_a_dead_node_is_taken_over_once_its_lease_ran_out,
    stage_claim_apply_once,
    a_taken_login_rolls_everything_back,
    stale_batches_are_removed,
);
