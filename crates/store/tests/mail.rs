//! The mail operations of the store, on both engines: messages and mailbox entries, folders,
//! search, read state, the outbox with claims and retries, and the paper print queue.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use chrono::Duration;
use sgo_store::testing::TestStore;
use sgo_store::{Engine, MailOrder, MailQuery, MailSearchField, NewDelivery, NewMessage};
use sgo_testkit::both_engines;
use sgo_testkit::fixtures::{noon, small_school};

fn message(subject: &str, to: &[i64], draft: bool, day: u32) -> NewMessage {
    NewMessage {
        organization_id: 10,
        author: 100,
        subject: subject.into(),
        body: "Текст".into(),
        is_html: false,
        at: noon(day),
        draft,
        reply_to: None,
        recipients: to.iter().map(|id| (*id, "to".to_owned())).collect(),
        subject_norm: subject.to_lowercase(),
        author_norm: "петрова анна".into(),
        to_norm: "иванова мария".into(),
        deliveries: vec![
            NewDelivery {
                account_id: 101,
                channel: "email".into(),
                address: "m@example.ru".into(),
                class_id: None,
            },
            NewDelivery {
                account_id: 102,
                channel: "paper".into(),
                address: String::new(),
                class_id: None,
            },
        ],
    }
}

fn query(account: i64, folder: &str, search: Option<(MailSearchField, &str)>) -> MailQuery {
    MailQuery {
        account,
        folder: folder.into(),
        search: search.map(|(f, t)| (f, t.to_owned())),
        order: MailOrder::Sent,
        ascending: false,
        offset: 0,
        limit: 20,
    }
}

async fn messages_and_folders(engine: Engine) {
    let db = TestStore::new(engine).await;
    let s = db.store.as_ref();
    small_school(s).await;
    let first = s
        .create_message(&message("Собрание", &[101, 102], false, 2))
        .await
        .unwrap();
    let second = s
        .create_message(&message("Экскурсия", &[101], false, 3))
        .await
        .unwrap();
    let draft = s
        .create_message(&message("Черновик", &[101], true, 4))
        .await
        .unwrap();

    let inbox = s.mailbox(&query(101, "Inbox", None)).await.unwrap();
    assert_eq!(
        inbox.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![second, first],
        "newest first"
    );
    assert!(
        inbox
            .iter()
            .all(|r| !r.is_read && r.author_name == "Петрова Анна")
    );
    assert_eq!(s.mailbox_count(&query(100, "Sent", None)).await.unwrap(), 2);
    assert_eq!(
        s.mailbox_count(&query(100, "Draft", None)).await.unwrap(),
        1
    );
    assert_eq!(
        s.mailbox_count(&query(
            101,
            "Inbox",
            Some((MailSearchField::Subject, "собр"))
        ))
        .await
        .unwrap(),
        1
    );
    assert_eq!(
        s.mailbox_count(&query(
            101,
            "Inbox",
            Some((MailSearchField::Author, "петрова"))
        ))
        .await
        .unwrap(),
        2
    );
    assert_eq!(
        s.mailbox_count(&query(101, "Inbox", Some((MailSearchField::Any, "50%_"))))
            .await
            .unwrap(),
        0
    );
    let recipients = s.message_recipients(&[first]).await.unwrap();
    assert_eq!(
        recipients
            .iter()
            .map(|r| r.display_name.as_str())
            .collect::<Vec<_>>(),
        ["Иванова Мария", "Сидоров Олег"]
    );
    assert_eq!(
        recipients
            .iter()
            .map(|r| r.full_name.as_str())
            .collect::<Vec<_>>(),
        ["Иванова Мария", "Сидоров Олег"]
    );

    assert_eq!(s.unread_messages(101).await.unwrap(), vec![second, first]);
    assert_eq!(s.set_read(101, &[first], true).await.unwrap(), 1);
    assert_eq!(s.unread_messages(101).await.unwrap(), vec![second]);

    // Deleting is per person and only from Удалённые for good.
    assert_eq!(s.purge_deleted(101, &[first]).await.unwrap(), 0);
    assert_eq!(s.move_to_deleted(101, &[first]).await.unwrap(), 1);
    assert_eq!(
        s.mail_entry(first, 101).await.unwrap().unwrap().folder,
        "Deleted"
    );
    assert_eq!(s.restore_deleted(101, &[first]).await.unwrap(), 1);
    assert_eq!(
        s.mail_entry(first, 101).await.unwrap().unwrap().folder,
        "Inbox"
    );
    s.move_to_deleted(101, &[first]).await.unwrap();
    assert_eq!(s.purge_deleted(101, &[first]).await.unwrap(), 1);
    assert!(s.mail_entry(first, 101).await.unwrap().is_none());
    assert!(s.mail_entry(first, 102).await.unwrap().is_some());
    assert!(s.mail_entry(first, 100).await.unwrap().is_some());

    // A draft has no recipients' entries and no deliveries, and only its author removes it.
    assert!(s.mail_entry(draft, 101).await.unwrap().is_none());
    assert!(s.deliveries_of(draft).await.unwrap().is_empty());
    assert!(!s.delete_draft(101, draft).await.unwrap());
    assert!(
        !s.delete_draft(100, first).await.unwrap(),
        "a sent message is not a draft"
    );
    assert!(s.delete_draft(100, draft).await.unwrap());
    assert!(s.message(draft).await.unwrap().is_none());
}

async fn outbox(engine: Engine) {
    let db = TestStore::new(engine).await;
    let s = db.store.as_ref();
    small_school(s).await;
    let id = s
        .create_message(&message("Собрание", &[101, 102], false, 2))
        .await
        .unwrap();
    let now = noon(2);
    let due = s.due_email_deliveries(now, 10).await.unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].address, "m@example.ru");
    assert_eq!(due[0].recipient_name, "Иванова Мария");
    // Only one worker wins a claim.
    let lease = now + Duration::minutes(5);
    assert!(
        s.claim_delivery(due[0].id, due[0].next_attempt_at, lease)
            .await
            .unwrap()
    );
    assert!(
        !s.claim_delivery(due[0].id, due[0].next_attempt_at, lease)
            .await
            .unwrap()
    );
    assert!(s.due_email_deliveries(now, 10).await.unwrap().is_empty());
    s.delivery_failed(
        due[0].id,
        1,
        now + Duration::minutes(1),
        "pending",
        "SMTP: connection refused",
    )
    .await
    .unwrap();
    assert!(s.due_email_deliveries(now, 10).await.unwrap().is_empty());
    let later = s
        .due_email_deliveries(now + Duration::minutes(2), 10)
        .await
        .unwrap();
    assert_eq!(later[0].attempts, 1);
    s.delivery_done(later[0].id, "sent", now).await.unwrap();
    let all = s.deliveries_of(id).await.unwrap();
    let email = all.iter().find(|d| d.channel == "email").unwrap();
    assert_eq!(
        (
            email.status.as_str(),
            email.attempts,
            email.last_error.as_str()
        ),
        ("sent", 2, "")
    );

    // Paper letters: by class (none here goes to the administration) and marked printed once.
    let letters = s.paper_letters(10, "pending", None).await.unwrap();
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0].recipient_name, "Сидоров Олег");
    assert_eq!(letters[0].organization_name, "МБОУ Школа 10");
    assert!(
        s.paper_letters(10, "pending", Some(&[7]))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        s.mark_letters_printed(11, &[letters[0].id], now)
            .await
            .unwrap(),
        0,
        "another school's"
    );
    assert_eq!(
        s.mark_letters_printed(10, &[letters[0].id], now)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        s.mark_letters_printed(10, &[letters[0].id], now)
            .await
            .unwrap(),
        0
    );
    assert_eq!(s.paper_letters(10, "printed", None).await.unwrap().len(), 1);

    assert!(!s.students_write_classmates(10).await.unwrap());
    s.set_students_write_classmates(10, true).await.unwrap();
    s.set_students_write_classmates(10, true).await.unwrap();
    assert!(s.students_write_classmates(10).await.unwrap());
}

/// Authors come with the records' names, the chosen name apart, the school and one row per role.
async fn authors(engine: Engine) {
    let db = TestStore::new(engine).await;
    let s = db.store.as_ref();
    small_school(s).await;
    s.bulk_insert(
        "account_roles",
        &["account_id", "role"],
        vec![
            vec![100i64.into(), "teacher".into()],
            vec![100i64.into(), "parent".into()],
        ],
    )
    .await
    .unwrap();
    let rows = s.authors(&[101, 100, 999]).await.unwrap();
    let seen: Vec<(i64, Option<&str>)> = rows
        .iter()
        .map(|r| (r.account_id, r.role.as_deref()))
        .collect();
    assert_eq!(
        seen,
        [(100, Some("parent")), (100, Some("teacher")), (101, None)]
    );
    let r = &rows[0];
    assert_eq!(
        (
            r.last_name.as_str(),
            r.first_name.as_str(),
            r.middle_name.as_str()
        ),
        ("Петрова", "Анна", "")
    );
    assert_eq!(r.display_name, "Петрова Анна");
    assert_eq!(r.organization_name, "Школа 10");
    assert!(s.authors(&[]).await.unwrap().is_empty());
}

both_engines!(authors, messages_and_folders, outbox);
