//! The announcement and resource operations of the store, on both engines.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use chrono::{DateTime, NaiveDate, Utc};
use sgo_store::testing::TestStore;
use sgo_store::{Engine, NewAnnouncement, NewResource, Store};
use sgo_testkit::both_engines;
use sgo_testkit::fixtures::{
    Member, Territory, classes, members, noon, rows, school_year, subject_groups,
};

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

/// School 10 with year 1 (2026/27), classes 20 (5А) and 21 (6Б), subject 30 with group 40 of
/// class 20 taught by teacher 100; teacher 102 leads class 21; 101 is the administrator.
async fn fixture(s: &dyn Store) {
    let now = noon(1);
    Territory::standard().school(10, "Школа").insert(s).await;
    let people = [
        Member::new(100, 10, "Петрова", "Анна").middle("Ивановна"),
        Member::new(101, 10, "Смирнов", "Олег"),
        Member::new(102, 10, "Кедрова", "Марина"),
    ];
    members(s, now, &people).await;
    school_year(s, 1, 10, 2026).await;
    classes(s, 10, 1, &[(20, 5, "А"), (21, 6, "Б")]).await;
    rows(
        s,
        "class_teachers",
        &["class_id", "teacher_account_id"],
        vec![vec![21i64.into(), 102i64.into()]],
    )
    .await;
    rows(
        s,
        "subjects",
        &["id", "organization_id", "name"],
        vec![vec![30i64.into(), 10i64.into(), "Математика".into()]],
    )
    .await;
    subject_groups(s, 10, 1, &[(40, 20, None, 30, "Математика")]).await;
    rows(
        s,
        "subject_group_teachers",
        &["subject_group_id", "teacher_account_id"],
        vec![vec![40i64.into(), 100i64.into()]],
    )
    .await;
}

fn announcement(
    title: &str,
    audience: &str,
    roles: &[&str],
    classes: &[i64],
    expires: Option<NaiveDate>,
    at: DateTime<Utc>,
) -> NewAnnouncement {
    NewAnnouncement {
        organization_id: 10,
        author_account_id: 100,
        title: title.into(),
        body: format!("<p>{title}</p>"),
        audience: audience.into(),
        roles: roles.iter().map(|r| (*r).to_owned()).collect(),
        class_ids: classes.to_vec(),
        expires_on: expires,
        at,
    }
}

async fn announcements(engine: Engine) {
    let db = TestStore::new(engine).await;
    let s = db.store.as_ref();
    fixture(s).await;
    let all = s
        .insert_announcement(&announcement("Всем", "all", &[], &[], None, noon(2)))
        .await
        .unwrap();
    let roles = s
        .insert_announcement(&announcement(
            "Родителям",
            "roles",
            &["parent", "student"],
            &[],
            Some(day(23)),
            noon(3),
        ))
        .await
        .unwrap();
    let old = s
        .insert_announcement(&announcement(
            "Старое",
            "classes",
            &[],
            &[20],
            Some(day(22)),
            noon(4),
        ))
        .await
        .unwrap();

    let one = s.announcement(roles).await.unwrap().unwrap();
    assert_eq!(
        (
            one.author_last_name.as_str(),
            one.author_first_name.as_str()
        ),
        ("Петрова", "Анна")
    );
    assert_eq!(one.author_middle_name, "Ивановна");
    assert_eq!(one.expires_on, Some(day(23)));
    assert_eq!(one.posted_at, noon(3));

    // Newest first; the expiry day itself is still current.
    let ids = |list: Vec<sgo_store::AnnouncementRecord>| {
        list.into_iter().map(|a| a.id).collect::<Vec<_>>()
    };
    assert_eq!(
        ids(s.announcements(10, None).await.unwrap()),
        vec![old, roles, all]
    );
    assert_eq!(
        ids(s.announcements(10, Some(day(23))).await.unwrap()),
        vec![roles, all]
    );
    assert_eq!(
        ids(s.announcements(10, Some(day(24))).await.unwrap()),
        vec![all]
    );
    assert!(s.announcements(11, None).await.unwrap().is_empty());

    let mut r = s.announcement_roles(10).await.unwrap();
    r.sort();
    assert_eq!(
        r,
        vec![(roles, "parent".to_owned()), (roles, "student".to_owned())]
    );
    assert_eq!(s.announcement_classes(10).await.unwrap(), vec![(old, 20)]);

    // An update replaces the audience lists and keeps the posting time.
    let mut change = announcement("Классам", "classes", &[], &[20, 21], None, noon(5));
    change.body = "<p>Новое</p>".into();
    assert!(s.update_announcement(roles, &change).await.unwrap());
    let changed = s.announcement(roles).await.unwrap().unwrap();
    assert_eq!(
        (changed.title.as_str(), changed.audience.as_str()),
        ("Классам", "classes")
    );
    assert_eq!(
        (changed.posted_at, changed.updated_at, changed.expires_on),
        (noon(3), noon(5), None)
    );
    assert!(s.announcement_roles(10).await.unwrap().is_empty());
    let mut c = s.announcement_classes(10).await.unwrap();
    c.sort();
    let mut expected = vec![(old, 20), (roles, 20), (roles, 21)];
    expected.sort();
    assert_eq!(c, expected);
    assert!(!s.update_announcement(9999, &change).await.unwrap());

    assert!(s.delete_announcement(roles).await.unwrap());
    assert!(!s.delete_announcement(roles).await.unwrap());
    assert!(s.announcement(roles).await.unwrap().is_none());
    assert_eq!(s.announcement_classes(10).await.unwrap(), vec![(old, 20)]);

    // A class that does not exist is refused.
    let bad = s
        .insert_announcement(&announcement(
            "Никому",
            "classes",
            &[],
            &[999],
            None,
            noon(6),
        ))
        .await;
    assert!(bad.is_err());
    assert_eq!(s.announcements(10, None).await.unwrap().len(), 2);

    // Classes around people, and the classes of the current year.
    assert_eq!(s.teacher_class_ids(100).await.unwrap(), vec![20]);
    assert_eq!(s.teacher_class_ids(102).await.unwrap(), vec![21]);
    assert!(s.teacher_class_ids(101).await.unwrap().is_empty());
    let classes = s.school_classes(10, day(23)).await.unwrap();
    assert_eq!(
        classes
            .iter()
            .map(|c| (c.id, c.grade, c.letter.as_str()))
            .collect::<Vec<_>>(),
        vec![(20, 5, "А"), (21, 6, "Б")]
    );
    assert!(
        s.school_classes(10, NaiveDate::from_ymd_opt(2027, 7, 1).unwrap())
            .await
            .unwrap()
            .is_empty()
    );
}

async fn resources(engine: Engine) {
    let db = TestStore::new(engine).await;
    let s = db.store.as_ref();
    fixture(s).await;
    let new = |group: Option<i64>, class: Option<i64>, title: &str, at| NewResource {
        organization_id: 10,
        author_account_id: 100,
        subject_group_id: group,
        class_id: class,
        title: title.into(),
        description: "Описание".into(),
        link: "https://example.ru".into(),
        posted_at: at,
    };
    let for_group = s
        .insert_resource(&new(Some(40), None, "Задачник", noon(2)))
        .await
        .unwrap();
    let for_class = s
        .insert_resource(&new(None, Some(21), "Экскурсия", noon(3)))
        .await
        .unwrap();
    // Exactly one target.
    assert!(
        s.insert_resource(&new(None, None, "Никуда", noon(4)))
            .await
            .is_err()
    );
    assert!(
        s.insert_resource(&new(Some(40), Some(21), "Везде", noon(4)))
            .await
            .is_err()
    );

    let g = s.resource(for_group).await.unwrap().unwrap();
    assert_eq!((g.class_id, g.grade, g.letter.as_str()), (20, 5, "А"));
    assert_eq!(
        (g.subject_group_id, g.subject_name.as_deref()),
        (Some(40), Some("Математика"))
    );
    assert_eq!(g.author_name, "Петрова Анна");
    let c = s.resource(for_class).await.unwrap().unwrap();
    assert_eq!(
        (c.class_id, c.subject_group_id, c.subject_name),
        (21, None, None)
    );
    let list: Vec<i64> = s
        .resources(10)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(list, vec![for_class, for_group]);

    let groups = |teacher| async move {
        s.group_choices(10, day(23), teacher)
            .await
            .unwrap()
            .into_iter()
            .map(|g| g.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(groups(Some(100)).await, vec![40]);
    assert!(groups(Some(102)).await.is_empty());
    assert_eq!(groups(None).await, vec![40]);
    assert_eq!(s.group_class(40).await.unwrap(), Some((10, 20)));
    assert_eq!(s.group_class(41).await.unwrap(), None);
    assert_eq!(s.class_organization(21).await.unwrap(), Some(10));

    assert!(s.delete_resource(for_group).await.unwrap());
    assert!(s.resource(for_group).await.unwrap().is_none());
    assert_eq!(s.resources(10).await.unwrap().len(), 1);
}

both_engines!(announcements, resources);
