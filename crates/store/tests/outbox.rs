//! The outbox on both engines: a write and the rows saying what it changed commit or roll back
//! together, and a follower reads them in id order, in bounded batches.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use chrono::NaiveDate;
use sgo_core::Role;
use sgo_core::changes::{ChangeKind, ChangeSubject, Changed};
use sgo_store::testing::TestStore;
use sgo_store::{Engine, Store, StoreError};
use sgo_testkit::both_engines;
use sgo_testkit::fixtures::small_school;
use sqlx::Connection;

async fn changes_after(s: &dyn Store, after: i64) -> Vec<Changed> {
    s.outbox_after(after, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.changed.unwrap())
        .collect()
}

async fn a_write_and_its_rows_commit_together(engine: Engine) {
    let t = TestStore::new(engine).await;
    let s = t.store.as_ref();
    small_school(s).await;
    let start = s.outbox_last_id().await.unwrap();
    s.link_parent(101, 102).await.unwrap();
    let year = s
        .create_year(
            10,
            "2026/2027",
            NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(),
            NaiveDate::from_ymd_opt(2027, 5, 31).unwrap(),
        )
        .await
        .unwrap();
    assert!(year > 0);
    assert_eq!(
        changes_after(s, start).await,
        vec![
            Changed::new(ChangeSubject::Account(101), ChangeKind::Links),
            Changed::new(ChangeSubject::Organization(10), ChangeKind::Calendar),
        ]
    );
    let last = s.outbox_last_id().await.unwrap();
    assert!(last >= start + 2);
    assert!(s.outbox_after(last, 100).await.unwrap().is_empty());
}

async fn a_failed_write_leaves_no_row(engine: Engine) {
    let t = TestStore::new(engine).await;
    let s = t.store.as_ref();
    small_school(s).await;
    s.set_account_roles(100, &[Role::Teacher]).await.unwrap();
    let before = s.outbox_last_id().await.unwrap();
    // The old roles are deleted, then the second insert breaks the key: all of it rolls back.
    let failed = s
        .set_account_roles(100, &[Role::Parent, Role::Parent])
        .await;
    assert!(matches!(failed, Err(StoreError::Conflict(_))), "{failed:?}");
    assert_eq!(s.account_roles(100).await.unwrap(), vec![Role::Teacher]);
    assert_eq!(s.outbox_last_id().await.unwrap(), before);
    assert!(changes_after(s, before).await.is_empty());
}

async fn a_failed_outbox_row_undoes_the_write(engine: Engine) {
    let t = TestStore::new(engine).await;
    let s = t.store.as_ref();
    small_school(s).await;
    // Take the outbox away behind the store's back: the write must fail as a whole.
    let sql = "ALTER TABLE outbox RENAME TO outbox_away";
    match &t.database_url {
        Some(url) => {
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::query(sql).execute(&mut c).await.unwrap();
        }
        None => {
            let url = format!("sqlite:{}", t.dir.join("sgo.db").display());
            let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
            sqlx::query(sql).execute(&mut c).await.unwrap();
        }
    }
    assert!(s.link_parent(101, 102).await.is_err());
    let links = s.people_parent_links(10).await.unwrap();
    assert!(links.is_empty(), "the link was kept: {links:?}");
}

async fn rows_are_read_in_bounded_batches_in_id_order(engine: Engine) {
    let t = TestStore::new(engine).await;
    let s = t.store.as_ref();
    small_school(s).await;
    let start = s.outbox_last_id().await.unwrap();
    for parent in [100, 101, 102] {
        s.set_account_roles(parent, &[Role::Parent]).await.unwrap();
    }
    let first = s.outbox_after(start, 2).await.unwrap();
    assert_eq!(first.len(), 2);
    assert!(first[0].id < first[1].id);
    let rest = s.outbox_after(first[1].id, 2).await.unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(
        rest[0].changed,
        Some(Changed::new(
            ChangeSubject::Account(102),
            ChangeKind::Standing
        ))
    );
    assert_eq!(s.outbox_last_id().await.unwrap(), rest[0].id);
}

async fn pruning_keeps_the_newest_row_and_ids_are_never_reused(engine: Engine) {
    let t = TestStore::new(engine).await;
    let s = t.store.as_ref();
    small_school(s).await;
    for parent in [100, 101, 102] {
        s.set_account_roles(parent, &[Role::Parent]).await.unwrap();
    }
    let last = s.outbox_last_id().await.unwrap();
    let long_ago = chrono::Utc::now() - chrono::Duration::days(30);
    assert_eq!(s.prune_outbox(long_ago).await.unwrap(), 0);
    let later = chrono::Utc::now() + chrono::Duration::minutes(1);
    assert!(s.prune_outbox(later).await.unwrap() >= 2);
    let kept = s.outbox_after(0, 100).await.unwrap();
    assert_eq!(kept.iter().map(|r| r.id).collect::<Vec<_>>(), vec![last]);
    assert_eq!(s.outbox_last_id().await.unwrap(), last);
    s.set_account_roles(100, &[Role::Teacher]).await.unwrap();
    let next = s.outbox_after(last, 100).await.unwrap();
    assert_eq!(next.len(), 1);
    assert!(next[0].id > last);
}

both_engines!(
    a_write_and_its_rows_commit_together,
    a_failed_write_leaves_no_row,
    a_failed_outbox_row_undoes_the_write,
    rows_are_read_in_bounded_batches_in_id_order,
    pruning_keeps_the_newest_row_and_ids_are_never_reused
);
