//! Attached files in the store, on both engines: recording, attaching only one's own pending
//! uploads, listing by owner, copies sharing bytes, and deleting.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use chrono::{DateTime, Duration, TimeZone, Utc};
use sgo_core::files::FileOwner;
use sgo_store::testing::TestStore;
use sgo_store::{Engine, NewFile, Store};
use sgo_testkit::both_engines;
use sgo_testkit::fixtures::{Member, Territory, members};

fn noon() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap()
}

/// One school (10) with two accounts, 100 and 101.
async fn fixture(s: &dyn Store) {
    let now = noon();
    Territory::standard().school(10, "Школа").insert(s).await;
    let people = [
        Member::new(100, 10, "Петрова", "Анна")
            .login("a")
            .display("Петрова А."),
        Member::new(101, 10, "Иванов", "Иван")
            .login("b")
            .display("Иванов И."),
    ];
    members(s, now, &people).await;
}

fn new_file(key: &str, guid: &str, name: &str, by: i64, at: DateTime<Utc>) -> NewFile {
    NewFile {
        organization_id: 10,
        storage_key: key.into(),
        guid: guid.into(),
        name: name.into(),
        content_type: "application/pdf".into(),
        size: 42,
        description: String::new(),
        owner: FileOwner::Pending,
        uploaded_by: by,
        uploaded_at: at,
    }
}

async fn files_lifecycle(engine: Engine) {
    let db = TestStore::new(engine).await;
    let s = db.store.as_ref();
    fixture(s).await;
    let key_a = "a".repeat(32);
    let key_b = "b".repeat(32);
    let a = s
        .insert_file(&new_file(&key_a, "g-a", "Задание.pdf", 100, noon()))
        .await
        .unwrap();
    let b = s
        .insert_file(&new_file(
            &key_b,
            "g-b",
            "План.pdf",
            100,
            noon() - Duration::days(2),
        ))
        .await
        .unwrap();
    let c = s
        .insert_file(&new_file(&"c".repeat(32), "g-c", "Чужой.pdf", 101, noon()))
        .await
        .unwrap();
    assert_eq!(s.file(a.id).await.unwrap().unwrap(), a);
    assert_eq!(s.file_by_guid("g-b").await.unwrap().unwrap().id, b.id);
    assert!(s.file_by_guid("nope").await.unwrap().is_none());
    assert_eq!(a.owner(), Some(FileOwner::Pending));

    // A GUID is unique: a second file with the same handle is a conflict, not a silent copy.
    let again = s
        .insert_file(&new_file(&"d".repeat(32), "g-a", "x.pdf", 100, noon()))
        .await;
    assert!(
        matches!(again, Err(sgo_store::StoreError::Conflict(_))),
        "{again:?}"
    );

    // Only one's own pending files are attached.
    let attached = s
        .attach_files(&[a.id, c.id], 100, FileOwner::Assignment(7), noon())
        .await
        .unwrap();
    assert_eq!(attached, 1);
    assert_eq!(
        s.file(a.id).await.unwrap().unwrap().owner(),
        Some(FileOwner::Assignment(7))
    );
    assert_eq!(
        s.file(c.id).await.unwrap().unwrap().owner(),
        Some(FileOwner::Pending)
    );
    // An attached file cannot be taken for something else.
    assert_eq!(
        s.attach_files(&[a.id], 100, FileOwner::Message(1), noon())
            .await
            .unwrap(),
        0
    );

    let listed = s.files_of("assignment", &[7, 8]).await.unwrap();
    assert_eq!(listed.iter().map(|f| f.id).collect::<Vec<_>>(), vec![a.id]);
    assert!(s.files_of("message", &[7]).await.unwrap().is_empty());

    // Stale pending uploads are found for clean-up; attached and fresh ones are not.
    let stale = s
        .stale_pending_files(noon() - Duration::days(1))
        .await
        .unwrap();
    assert_eq!(stale.iter().map(|f| f.id).collect::<Vec<_>>(), vec![b.id]);
    // An expired upload is not attached any more.
    assert_eq!(
        s.attach_files(
            &[b.id],
            100,
            FileOwner::Message(1),
            noon() - Duration::days(1)
        )
        .await
        .unwrap(),
        0
    );

    // A copy shares the bytes: deleting one keeps the key in use, deleting the last frees it.
    let copy = s
        .copy_file(a.id, FileOwner::Message(3), "g-copy", 101, noon())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(copy.storage_key, key_a);
    assert_eq!(copy.uploaded_by, 101);
    assert_eq!(copy.owner(), Some(FileOwner::Message(3)));
    assert_eq!(s.delete_file(a.id).await.unwrap(), None);
    assert_eq!(s.delete_file(copy.id).await.unwrap(), Some(key_a));
    assert_eq!(s.delete_file(copy.id).await.unwrap(), None);
    assert!(
        s.copy_file(a.id, FileOwner::Message(3), "g-x", 101, noon())
            .await
            .unwrap()
            .is_none()
    );
}

/// Pending bytes per account, the insert that keeps to the quota, and the sweep of expired ones.
async fn pending_quota_and_sweep(engine: Engine) {
    let db = TestStore::new(engine).await;
    let s = db.store.as_ref();
    fixture(s).await;
    let day_ago = noon() - Duration::hours(24);
    let old = s
        .insert_file(&new_file(
            &"1".repeat(32),
            "g-1",
            "Старый.pdf",
            100,
            day_ago - Duration::seconds(1),
        ))
        .await
        .unwrap();
    let fresh = s
        .insert_file(&new_file(&"2".repeat(32), "g-2", "Новый.pdf", 100, noon()))
        .await
        .unwrap();
    s.insert_file(&new_file(&"3".repeat(32), "g-3", "Чужой.pdf", 101, noon()))
        .await
        .unwrap();
    // Only the account's unexpired pending files count (42 bytes each).
    assert_eq!(s.pending_upload_bytes(100, day_ago).await.unwrap(), 42);
    assert_eq!(
        s.pending_upload_bytes(100, day_ago - Duration::hours(1))
            .await
            .unwrap(),
        84
    );
    assert_eq!(s.pending_upload_bytes(102, day_ago).await.unwrap(), 0);

    // 42 pending + 42 new fits a quota of 84, not of 83.
    let refused = s
        .insert_pending_file(
            &new_file(&"4".repeat(32), "g-4", "x.pdf", 100, noon()),
            day_ago,
            83,
        )
        .await
        .unwrap();
    assert!(refused.is_none());
    assert!(s.file_by_guid("g-4").await.unwrap().is_none());
    let taken = s
        .insert_pending_file(
            &new_file(&"4".repeat(32), "g-4", "x.pdf", 100, noon()),
            day_ago,
            84,
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(s.file(taken.id).await.unwrap().unwrap(), taken);
    assert_eq!(taken.owner(), Some(FileOwner::Pending));
    assert_eq!(s.pending_upload_bytes(100, day_ago).await.unwrap(), 84);

    // Attached files are never swept; a key still used by a copy is not handed back.
    s.attach_files(&[fresh.id], 100, FileOwner::Message(5), day_ago)
        .await
        .unwrap();
    s.copy_file(old.id, FileOwner::Message(6), "g-copy", 100, noon())
        .await
        .unwrap();
    let expired = s
        .insert_file(&new_file(
            &"5".repeat(32),
            "g-5",
            "Забытый.pdf",
            101,
            day_ago - Duration::hours(2),
        ))
        .await
        .unwrap();
    let first = s.delete_stale_pending_files(day_ago, 1).await.unwrap();
    assert!(
        first.is_empty(),
        "the old file's bytes are still used by its copy"
    );
    assert!(s.file(old.id).await.unwrap().is_none());
    let second = s.delete_stale_pending_files(day_ago, 1).await.unwrap();
    assert_eq!(second, vec!["5".repeat(32)]);
    assert!(s.file(expired.id).await.unwrap().is_none());
    assert!(
        s.delete_stale_pending_files(day_ago, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(s.file(fresh.id).await.unwrap().is_some());
    assert!(s.file(taken.id).await.unwrap().is_some());
}

both_engines!(pending_quota_and_sweep, files_lifecycle);
