//! The settings and change-log operations of the store, on both engines.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use chrono::{DateTime, Duration, Utc};
use sgo_store::testing::TestStore;
use sgo_store::{AuditLogEntry, AuditLogFilter, Engine, PersonalSettingsUpdate, Store};
use sgo_testkit::both_engines;
use sgo_testkit::fixtures::{Member, Territory, members, noon, session};

/// Schools 10 and 11; in school 10 the parent 100 (Иванова Мария Петровна) with a one-time
/// password and the administrator 101; in school 11 the administrator 110.
async fn fixture(s: &dyn Store) {
    let now = noon(1);
    Territory::standard()
        .school(10, "Школа 10")
        .school(11, "Школа 11")
        .insert(s)
        .await;
    let people = [
        Member::new(100, 10, "Иванова", "Мария")
            .middle("Петровна")
            .login("ИвановаМ")
            .must_change_password(true),
        Member::new(101, 10, "Смирнов", "Олег").login("СмирновО"),
        Member::new(110, 11, "Кузнецова", "Анна").login("КузнецоваА"),
    ];
    members(s, now, &people).await;
}

fn entry(
    at: DateTime<Utc>,
    actor: i64,
    org: Option<i64>,
    action: &str,
    target: &str,
    details: &str,
) -> AuditLogEntry {
    AuditLogEntry {
        at,
        actor_account_id: Some(actor),
        organization_id: org,
        action: action.into(),
        target: target.into(),
        ip: "10.0.0.1".into(),
        result: "ok".into(),
        details: details.into(),
    }
}

async fn personal_settings(engine: Engine) {
    let db = TestStore::new(engine).await;
    let s = db.store.as_ref();
    fixture(s).await;

    let me = s.personal_settings(100).await.unwrap().unwrap();
    assert_eq!(
        (
            me.last_name.as_str(),
            me.first_name.as_str(),
            me.middle_name.as_str()
        ),
        ("Иванова", "Мария", "Петровна")
    );
    assert_eq!((me.login.as_str(), me.organization_id), ("ИвановаМ", 10));
    assert_eq!(me.preferred_channel, "system");
    assert!(me.must_change_password);
    assert!(s.personal_settings(999).await.unwrap().is_none());

    let update = PersonalSettingsUpdate {
        display_name: "Мама Маши".into(),
        email: "maria@example.ru".into(),
        phone: "+7 (912) 345-67-89".into(),
        preferred_channel: "email".into(),
        signature_cert_url: "https://ca.example.ru/c.cer".into(),
    };
    assert!(s.update_personal_settings(100, &update).await.unwrap());
    assert!(!s.update_personal_settings(999, &update).await.unwrap());
    let me = s.personal_settings(100).await.unwrap().unwrap();
    assert_eq!(me.display_name, "Мама Маши");
    assert_eq!(me.email, "maria@example.ru");
    assert_eq!(me.phone, "+7 (912) 345-67-89");
    assert_eq!(me.preferred_channel, "email");
    assert_eq!(me.signature_cert_url, "https://ca.example.ru/c.cer");
    // The person's names are the school's and stay as they were.
    assert_eq!(me.last_name, "Иванова");
    // Another account is untouched.
    assert_eq!(
        s.personal_settings(101)
            .await
            .unwrap()
            .unwrap()
            .display_name,
        "Смирнов Олег"
    );

    // The one-time-password flag is read and cleared with the password.
    assert!(s.password_change_required(100).await.unwrap());
    assert!(!s.password_change_required(101).await.unwrap());
    assert!(!s.password_change_required(999).await.unwrap());
    assert!(
        s.set_password(100, "$argon2id$new", None, false)
            .await
            .unwrap()
    );
    assert!(!s.password_change_required(100).await.unwrap());
}

async fn other_sessions(engine: Engine) {
    let db = TestStore::new(engine).await;
    let s = db.store.as_ref();
    fixture(s).await;
    let session = |account: i64, token: u8| session(account, token, Utc::now());
    let keep = s.create_session(&session(100, 1)).await.unwrap();
    s.create_session(&session(100, 2)).await.unwrap();
    s.create_session(&session(100, 3)).await.unwrap();
    s.create_session(&session(101, 4)).await.unwrap();
    assert_eq!(s.delete_other_sessions(100, keep).await.unwrap(), 2);
    assert!(s.session_by_token(&[1; 32]).await.unwrap().is_some());
    assert!(s.session_by_token(&[2; 32]).await.unwrap().is_none());
    assert!(s.session_by_token(&[3; 32]).await.unwrap().is_none());
    assert!(
        s.session_by_token(&[4; 32]).await.unwrap().is_some(),
        "another person's session stays"
    );
    assert_eq!(s.delete_other_sessions(100, keep).await.unwrap(), 0);
}

async fn audit_log(engine: Engine) {
    let db = TestStore::new(engine).await;
    let s = db.store.as_ref();
    fixture(s).await;
    for e in [
        entry(
            noon(10),
            101,
            Some(10),
            "class.create",
            "class:1",
            "Создан класс 5А",
        ),
        entry(
            noon(11),
            101,
            Some(10),
            "person.update",
            "person:100",
            "Фамилия: «Петрова» → «Иванова»",
        ),
        entry(
            noon(12),
            100,
            Some(10),
            "settings.update",
            "account:100",
            "E-mail: «» → «a_b%@x.ru»",
        ),
        entry(
            noon(13),
            110,
            Some(11),
            "class.create",
            "class:2",
            "Создан класс 1Б",
        ),
        // Sign-ins concern no organization: not part of any audit log.
        entry(noon(14), 101, None, "sign_in", "organization:10", "web"),
    ] {
        s.append_audit_log(&e).await.unwrap();
    }
    let school = |f: AuditLogFilter| AuditLogFilter {
        organization_id: Some(10),
        ..f
    };
    let actions = |rows: &[sgo_store::AuditLogRecord]| {
        rows.iter().map(|r| r.action.clone()).collect::<Vec<_>>()
    };

    // One school, newest first, with the actor's name; paging by offset and limit.
    let all = s
        .audit_log(&school(AuditLogFilter::default()), 0, 50)
        .await
        .unwrap();
    assert_eq!(
        actions(&all),
        ["settings.update", "person.update", "class.create"]
    );
    assert_eq!(all[1].actor_name.as_deref(), Some("Смирнов Олег"));
    assert_eq!(all[1].actor_login.as_deref(), Some("СмирновО"));
    assert_eq!(all[1].ip, "10.0.0.1");
    assert_eq!(
        s.count_audit_log(&school(AuditLogFilter::default()))
            .await
            .unwrap(),
        3
    );
    let page2 = s
        .audit_log(&school(AuditLogFilter::default()), 1, 1)
        .await
        .unwrap();
    assert_eq!(actions(&page2), ["person.update"]);

    // Every organization: the school entries of both, never the ones without an organization.
    let everywhere = s
        .audit_log(&AuditLogFilter::default(), 0, 50)
        .await
        .unwrap();
    assert_eq!(everywhere.len(), 4);
    assert_eq!(everywhere[0].organization_id, Some(11));
    assert_eq!(
        s.count_audit_log(&AuditLogFilter::default()).await.unwrap(),
        4
    );

    // Dates: from is inclusive, before is exclusive.
    let f = school(AuditLogFilter {
        from: Some(noon(11)),
        before: Some(noon(12)),
        ..Default::default()
    });
    assert_eq!(
        actions(&s.audit_log(&f, 0, 50).await.unwrap()),
        ["person.update"]
    );
    assert_eq!(s.count_audit_log(&f).await.unwrap(), 1);

    // Area prefix.
    let f = school(AuditLogFilter {
        area: Some("class".into()),
        ..Default::default()
    });
    assert_eq!(
        actions(&s.audit_log(&f, 0, 50).await.unwrap()),
        ["class.create"]
    );
    let f = school(AuditLogFilter {
        area: Some("clas".into()),
        ..Default::default()
    });
    assert!(
        s.audit_log(&f, 0, 50).await.unwrap().is_empty(),
        "a prefix is a whole area"
    );

    // Who: any spelling of a piece of the name, or of the normalised login.
    let f = school(AuditLogFilter {
        who: vec!["смирнов".into(), "Смирнов".into()],
        ..Default::default()
    });
    assert_eq!(s.count_audit_log(&f).await.unwrap(), 2);
    let f = school(AuditLogFilter {
        who: vec!["ивановам".into()],
        ..Default::default()
    });
    assert_eq!(
        actions(&s.audit_log(&f, 0, 50).await.unwrap()),
        ["settings.update"]
    );

    // Text in the target or details; wildcards in the text are literal.
    let f = school(AuditLogFilter {
        text: vec!["Петрова".into()],
        ..Default::default()
    });
    assert_eq!(
        actions(&s.audit_log(&f, 0, 50).await.unwrap()),
        ["person.update"]
    );
    let f = school(AuditLogFilter {
        text: vec!["class:1".into()],
        ..Default::default()
    });
    assert_eq!(
        actions(&s.audit_log(&f, 0, 50).await.unwrap()),
        ["class.create"]
    );
    let f = school(AuditLogFilter {
        text: vec!["b%@".into()],
        ..Default::default()
    });
    assert_eq!(s.count_audit_log(&f).await.unwrap(), 1);
    let f = school(AuditLogFilter {
        text: vec!["5_".into()],
        ..Default::default()
    });
    assert_eq!(s.count_audit_log(&f).await.unwrap(), 0);
    let f = school(AuditLogFilter {
        text: vec!["%".into()],
        ..Default::default()
    });
    assert_eq!(
        s.count_audit_log(&f).await.unwrap(),
        1,
        "only the details holding a percent sign"
    );

    // Filters combine.
    let f = AuditLogFilter {
        organization_id: None,
        area: Some("class".into()),
        from: Some(noon(13) - Duration::hours(1)),
        ..Default::default()
    };
    let rows = s.audit_log(&f, 0, 50).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].target, "class:2");
}

both_engines!(personal_settings, other_sessions, audit_log);
