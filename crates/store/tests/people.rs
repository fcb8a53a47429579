//! The people operations (user list, person cards, parent links, class moves) on both engines.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use chrono::{DateTime, TimeZone, Utc};
use sgo_core::Role;
use sgo_store::testing::TestStore;
use sgo_store::{AccountFields, Engine, NewPersonAccount, PersonFields, Store, StoreError};
use sgo_testkit::both_engines;
use sgo_testkit::fixtures::{
    Member, Organization, Territory, class_students, classes, date as d, members, rows, school_year,
};

fn now() -> DateTime<Utc> {
    Utc.from_utc_datetime(&d(2026, 9, 1).and_hms_opt(8, 0, 0).unwrap())
}

/// School 10 (and school 11 with account 900); year 20; classes 30 (5А) and 31 (5Б); student 100
/// in 5А since 1 September; parent 200 of 100; teacher 300 leads 5А.
async fn fixture(s: &dyn Store) {
    Territory::standard()
        .organization(Organization::new(
            10,
            "general",
            "Школа 1",
            "Школа 1",
            "Школа 1",
        ))
        .organization(Organization::new(
            11,
            "general",
            "Школа 2",
            "Школа 2",
            "Школа 2",
        ))
        .insert(s)
        .await;
    let member = |id: i64, org: i64, last: &str, first: &str, login: &str, role: &'static str| {
        Member::new(id, org, last, first)
            .login(login)
            .display(&format!("Учётная запись {id}"))
            .role(role)
    };
    let people = [
        member(100, 10, "Иванов", "Иван", "ИвановИ", "student"),
        member(200, 10, "Иванова", "Мария", "ИвановаМ", "parent").parent_of(100),
        member(300, 10, "Смирнова", "Анна", "СмирноваА", "teacher"),
        member(900, 11, "Чужой", "Пётр", "ЧужойП", "student"),
    ];
    members(s, now(), &people).await;
    school_year(s, 20, 10, 2026).await;
    classes(s, 10, 20, &[(31, 5, "Б"), (30, 5, "А")]).await;
    rows(
        s,
        "class_teachers",
        &["class_id", "teacher_account_id"],
        vec![vec![30i64.into(), 300i64.into()]],
    )
    .await;
    class_students(s, &[(40, 30, 100, d(2026, 9, 1), None)]).await;
    s.finish_bulk_load().await.unwrap();
}

fn new_student(login: &str) -> NewPersonAccount {
    NewPersonAccount {
        person: PersonFields {
            last_name: "Петров".into(),
            first_name: "Пётр".into(),
            middle_name: "Ильич".into(),
            birth_date: Some(d(2015, 3, 8)),
            gender: Some("male".into()),
            snils: Some("112-233-445 95".into()),
        },
        organization_id: 10,
        login: login.into(),
        login_norm: sgo_core::text::normalise(login),
        display_name: "Петров Пётр".into(),
        roles: vec![Role::Student],
        class_id: Some(31),
        class_from: d(2026, 11, 23),
        children: vec![],
        now: now(),
    }
}

async fn lists_and_cards(s: &dyn Store) {
    let today = d(2026, 11, 23);
    let list = s.people_of_organization(10, today).await.unwrap();
    assert_eq!(
        list.iter().map(|r| r.account_id).collect::<Vec<_>>(),
        vec![100, 200, 300]
    );
    let ivan = &list[0];
    assert_eq!(
        (ivan.class_id, ivan.grade, ivan.letter.as_deref()),
        (Some(30), Some(5), Some("А"))
    );
    assert_eq!(list[1].class_id, None);
    // Before the stay began there is no class.
    assert_eq!(
        s.people_of_organization(10, d(2026, 8, 31)).await.unwrap()[0].class_id,
        None
    );

    let mut roles = s.people_roles(10).await.unwrap();
    roles.sort_by_key(|r| r.account_id);
    assert_eq!(
        roles
            .iter()
            .map(|r| (r.account_id, r.role.as_str()))
            .collect::<Vec<_>>(),
        vec![(100, "student"), (200, "parent"), (300, "teacher")]
    );
    let links = s.people_parent_links(10).await.unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!(
        (links[0].parent_account_id, links[0].student_account_id),
        (200, 100)
    );
    assert!(s.people_parent_links(11).await.unwrap().is_empty());

    let card = s.person_card(100).await.unwrap().unwrap();
    assert_eq!(
        (card.organization_id, card.login.as_str(), card.active),
        (10, "ИвановИ", true)
    );
    assert!(s.person_card(12345).await.unwrap().is_none());

    assert!(s.login_taken(10, "ивановам", None).await.unwrap());
    assert!(!s.login_taken(10, "ивановам", Some(200)).await.unwrap());
    assert!(!s.login_taken(11, "ивановам", None).await.unwrap());

    let classes = s.people_classes(20).await.unwrap();
    assert_eq!(
        classes
            .iter()
            .map(|c| c.letter.as_str())
            .collect::<Vec<_>>(),
        vec!["А", "Б"]
    );
    assert_eq!(s.people_class(31).await.unwrap().unwrap().letter, "Б");
    assert!(s.people_class(99).await.unwrap().is_none());
    assert_eq!(s.classes_led_by(300, 20).await.unwrap(), vec![30]);
    assert!(s.classes_led_by(200, 20).await.unwrap().is_empty());
    assert_eq!(s.students_of_class(30, today).await.unwrap(), vec![100]);
    assert!(s.students_of_class(31, today).await.unwrap().is_empty());
}

async fn creating_and_editing(s: &dyn Store) {
    let today = d(2026, 11, 23);
    let id = s
        .create_person_account(&new_student("PetrovPI"))
        .await
        .unwrap();
    let card = s.person_card(id).await.unwrap().unwrap();
    assert_eq!(card.snils.as_deref(), Some("112-233-445 95"));
    assert_eq!(card.gender.as_deref(), Some("male"));
    assert_eq!(s.account_roles(id).await.unwrap(), vec![Role::Student]);
    assert_eq!(s.students_of_class(31, today).await.unwrap(), vec![id]);
    assert!(
        s.students_of_class(31, d(2026, 11, 22))
            .await
            .unwrap()
            .is_empty()
    );

    // The same login in another case is taken; nothing of the second person is left behind.
    let persons_before = s.people_of_organization(10, today).await.unwrap().len();
    let err = s
        .create_person_account(&new_student("petrovpi"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_eq!(
        s.people_of_organization(10, today).await.unwrap().len(),
        persons_before
    );

    // A parent of two children.
    let mut parent = new_student("PetrovaAA");
    parent.roles = vec![Role::Parent, Role::Staff];
    parent.class_id = None;
    parent.children = vec![id, 100];
    let parent_id = s.create_person_account(&parent).await.unwrap();
    let links: Vec<(i64, i64)> = s
        .people_parent_links(10)
        .await
        .unwrap()
        .into_iter()
        .filter(|l| l.parent_account_id == parent_id)
        .map(|l| (l.parent_account_id, l.student_account_id))
        .collect();
    assert_eq!(links.len(), 2);
    assert_eq!(
        s.account_roles(parent_id).await.unwrap(),
        vec![Role::Parent, Role::Staff]
    );

    let fields = PersonFields {
        last_name: "Петрова-Смирнова".into(),
        first_name: "Анна".into(),
        middle_name: String::new(),
        birth_date: None,
        gender: None,
        snils: None,
    };
    let card = s.person_card(parent_id).await.unwrap().unwrap();
    assert!(s.update_person(card.person_id, &fields).await.unwrap());
    let card = s.person_card(parent_id).await.unwrap().unwrap();
    assert_eq!(
        (card.last_name.as_str(), card.birth_date, card.snils),
        ("Петрова-Смирнова", None, None)
    );

    let account = |login: &str, active| AccountFields {
        login: login.into(),
        login_norm: sgo_core::text::normalise(login),
        display_name: "Петрова-Смирнова Анна".into(),
        active,
    };
    let err = s
        .update_account(parent_id, &account("ИВАНОВИ", true))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert!(
        s.update_account(parent_id, &account("SmirnovaA", false))
            .await
            .unwrap()
    );
    let card = s.person_card(parent_id).await.unwrap().unwrap();
    assert_eq!((card.login.as_str(), card.active), ("SmirnovaA", false));
    assert!(s.credentials(10, "smirnovaa").await.unwrap().is_some());
    assert!(
        !s.update_account(99999, &account("Nobody", true))
            .await
            .unwrap()
    );

    s.set_account_roles(parent_id, &[Role::Parent])
        .await
        .unwrap();
    assert_eq!(
        s.account_roles(parent_id).await.unwrap(),
        vec![Role::Parent]
    );

    assert!(s.unlink_parent(parent_id, 100).await.unwrap());
    assert!(!s.unlink_parent(parent_id, 100).await.unwrap());
    s.link_parent(parent_id, 100).await.unwrap();
    s.link_parent(parent_id, 100).await.unwrap();
    let n = s
        .people_parent_links(10)
        .await
        .unwrap()
        .iter()
        .filter(|l| l.parent_account_id == parent_id)
        .count();
    assert_eq!(n, 2);
    assert!(matches!(
        s.link_parent(parent_id, 777_777).await,
        Err(StoreError::Conflict(_))
    ));
}

async fn moving_students(s: &dyn Store) {
    // 5А since 1 September → 5Б from 23 November: the first stay ends on the 22nd.
    s.move_student(100, Some(31), d(2026, 11, 23))
        .await
        .unwrap();
    let history = s.class_history(100).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(
        (
            history[0].letter.as_str(),
            history[0].from_date,
            history[0].to_date
        ),
        ("Б", d(2026, 11, 23), None)
    );
    assert_eq!(
        (history[1].letter.as_str(), history[1].to_date),
        ("А", Some(d(2026, 11, 22)))
    );
    assert_eq!(history[1].year_name, "2026/2027");
    assert_eq!(
        s.students_of_class(30, d(2026, 11, 22)).await.unwrap(),
        vec![100]
    );
    assert!(
        s.students_of_class(30, d(2026, 11, 23))
            .await
            .unwrap()
            .is_empty()
    );

    // Moving again on the same day replaces that day's stay instead of leaving an empty one.
    s.move_student(100, Some(30), d(2026, 11, 23))
        .await
        .unwrap();
    let history = s.class_history(100).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(
        (history[0].letter.as_str(), history[0].to_date),
        ("А", None)
    );

    // Leaving the school: the stay ends, no new one.
    s.move_student(100, None, d(2026, 12, 1)).await.unwrap();
    let history = s.class_history(100).await.unwrap();
    assert_eq!(history[0].to_date, Some(d(2026, 11, 30)));
    assert_eq!(
        s.people_of_organization(10, d(2026, 12, 2)).await.unwrap()[0].class_id,
        None
    );
}

async fn people(engine: Engine) {
    let db = TestStore::new(engine).await;
    let s = db.store.as_ref();
    fixture(s).await;
    lists_and_cards(s).await;
    moving_students(s).await;
    creating_and_editing(s).await;
}

both_engines!(people);
