//! The region-administration operations of the store, on both engines.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use chrono::{NaiveDate, TimeZone, Utc};
use sgo_core::{OrganizationKind, Role};
use sgo_store::testing::TestStore;
use sgo_store::{
    Engine, NewPersonAccount, OrganizationFields, OrganizationFilter, PersonFields, Store,
    StoreError,
};
use sgo_testkit::both_engines;
use sgo_testkit::fixtures::{Organization, Territory};

/// Two regions: 1 «Заречный край» (municipality 2, settlement 3, authority 10) and
/// 5 «Другой край» (municipality 6, settlement 7, school 20).
async fn fixture(s: &dyn Store) {
    Territory::named("Заречный край", "городской округ Заречный", "г. Заречный")
        .region(5, "98", "Другой край")
        .municipality(6, 5, "Чужой район")
        .settlement(7, 6, "с. Чужое")
        .organization(Organization::new(
            10,
            "regional_authority",
            "Минобразования",
            "Министерство образования Заречного края",
            "минобразования",
        ))
        .organization(Organization::school(20, "Чужая школа").in_settlement(7))
        .insert(s)
        .await;
    s.finish_bulk_load().await.unwrap();
}

fn school(settlement_id: i64, short: &str) -> OrganizationFields {
    OrganizationFields {
        settlement_id,
        kind: Some(OrganizationKind::General),
        short_name: short.into(),
        full_name: format!("{short} полное"),
        name_norm: sgo_core::text::normalise(short),
        authority_id: Some(10),
        inn: "9912345678".into(),
        ogrn: "1029912345678".into(),
        post_address: "699000, г. Заречный, ул. Ленина, 1".into(),
        juridical_address: "то же".into(),
        phones: "+7 (3852) 20-10-01".into(),
        fax: "нет".into(),
        email: "school@example.ru".into(),
        web: "https://school.example.ru".into(),
        director: "Иванова Анна Петровна".into(),
        principal_uvr: "Петров П.П.".into(),
        principal_ahc: "Сидоров С.С.".into(),
        principal_it: "Кузнецов К.К.".into(),
        about: "Школа с историей".into(),
        founding_date: NaiveDate::from_ymd_opt(1975, 9, 1),
    }
}

async fn territory_and_organizations(engine: Engine) {
    let t = TestStore::new(engine).await;
    let s = &*t.store;
    fixture(s).await;

    assert_eq!(s.organization_region(10).await.unwrap(), Some(1));
    assert_eq!(s.organization_region(20).await.unwrap(), Some(5));
    assert_eq!(s.organization_region(999).await.unwrap(), None);

    // Municipalities and settlements: created, renamed, listed as a tree (empty ones too).
    let m = s.create_municipality(1, "Берёзовский район").await.unwrap();
    assert!(m > 6, "the id sequence moved past the loaded ids");
    assert!(
        s.rename_municipality(m, "Берёзовский муниципальный район")
            .await
            .unwrap()
    );
    assert!(!s.rename_municipality(9999, "x").await.unwrap());
    let rec = s.territory_municipality(m).await.unwrap().unwrap();
    assert_eq!(
        (rec.region_id, rec.name.as_str()),
        (1, "Берёзовский муниципальный район")
    );
    let rows = s.territory_rows(1).await.unwrap();
    assert_eq!(rows.len(), 2);
    assert!(
        rows.iter()
            .any(|r| r.municipality_id == m && r.settlement_id.is_none())
    );
    let st = s.create_settlement(m, "с. Берёзовка").await.unwrap();
    assert!(s.rename_settlement(st, "с. Берёзовое").await.unwrap());
    let srec = s.territory_settlement(st).await.unwrap().unwrap();
    assert_eq!(
        (srec.municipality_id, srec.region_id, srec.name.as_str()),
        (m, 1, "с. Берёзовое")
    );
    assert_eq!(srec.municipality_name, "Берёзовский муниципальный район");
    let rows = s.territory_rows(1).await.unwrap();
    assert!(rows.iter().any(|r| r.settlement_id == Some(st)));
    assert!(
        rows.iter().all(|r| r.municipality_id != 6),
        "other regions stay out"
    );
    assert!(matches!(
        s.create_settlement(9999, "нет").await,
        Err(StoreError::Conflict(_))
    ));

    // An organization with every card field; it appears in search and the login cascade at once.
    let id = s
        .create_organization(&school(st, "МБОУ СОШ №5"))
        .await
        .unwrap();
    let card = s.organization(id).await.unwrap().unwrap();
    assert_eq!(card.kind, OrganizationKind::General);
    assert_eq!(card.authority_id, Some(10));
    assert_eq!(card.inn, "9912345678");
    assert_eq!(card.ogrn, "1029912345678");
    assert_eq!(card.principal_it, "Кузнецов К.К.");
    assert_eq!(card.founding_date, NaiveDate::from_ymd_opt(1975, 9, 1));
    assert_eq!(card.settlement_name, "с. Берёзовое");
    assert_eq!(s.organization_active(id).await.unwrap(), Some(true));
    let found = s.search_organizations(Some("сош №5"), None).await.unwrap();
    assert_eq!(found.iter().map(|o| o.id).collect::<Vec<_>>(), vec![id]);
    assert_eq!(
        s.organization_kinds(st).await.unwrap(),
        vec![OrganizationKind::General]
    );

    // Editing rewrites the card; closing hides it from the cascade but not from the region's list.
    let mut edited = school(st, "МБОУ СОШ №5 им. Пушкина");
    edited.kind = Some(OrganizationKind::Additional);
    edited.founding_date = None;
    edited.authority_id = None;
    assert!(s.update_organization(id, &edited).await.unwrap());
    assert!(!s.update_organization(9999, &edited).await.unwrap());
    let card = s.organization(id).await.unwrap().unwrap();
    assert_eq!(card.short_name, "МБОУ СОШ №5 им. Пушкина");
    assert_eq!(card.kind, OrganizationKind::Additional);
    assert_eq!((card.founding_date, card.authority_id), (None, None));
    assert!(s.set_organization_active(id, false).await.unwrap());
    assert_eq!(s.organization_active(id).await.unwrap(), Some(false));
    assert!(s.organization_kinds(st).await.unwrap().is_empty());
    let all = s
        .region_organizations(1, &OrganizationFilter::default())
        .await
        .unwrap();
    assert_eq!(all.iter().map(|o| o.id).collect::<Vec<_>>(), vec![id, 10]);
    assert!(!all[0].active && all[1].active);
    let by_kind = OrganizationFilter {
        kind: Some(OrganizationKind::RegionalAuthority),
        ..Default::default()
    };
    let ids =
        |v: Vec<sgo_store::OrganizationListRecord>| v.iter().map(|o| o.id).collect::<Vec<_>>();
    assert_eq!(
        ids(s.region_organizations(1, &by_kind).await.unwrap()),
        vec![10]
    );
    let by_municipality = OrganizationFilter {
        municipality_id: Some(m),
        ..Default::default()
    };
    assert_eq!(
        ids(s.region_organizations(1, &by_municipality).await.unwrap()),
        vec![id]
    );
    let by_name = OrganizationFilter {
        name_norm: Some("пушкина".into()),
        ..Default::default()
    };
    assert_eq!(
        ids(s.region_organizations(1, &by_name).await.unwrap()),
        vec![id]
    );
    let by_wildcard = OrganizationFilter {
        name_norm: Some("%".into()),
        ..Default::default()
    };
    assert!(
        s.region_organizations(1, &by_wildcard)
            .await
            .unwrap()
            .is_empty()
    );
    let names = s.settlement_organization_names(st).await.unwrap();
    assert_eq!(names.len(), 1);
    assert_eq!(names[0].name, "МБОУ СОШ №5 им. Пушкина");
    assert!(matches!(
        s.create_organization(&school(9999, "нет")).await,
        Err(StoreError::Conflict(_))
    ));
}

async fn administrator_accounts(engine: Engine) {
    let t = TestStore::new(engine).await;
    let s = &*t.store;
    fixture(s).await;
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap();
    let new = NewPersonAccount {
        person: PersonFields {
            last_name: "Ёлкина".into(),
            first_name: "Анна".into(),
            middle_name: "Петровна".into(),
            birth_date: None,
            gender: None,
            snils: None,
        },
        organization_id: 20,
        login: "ElkinaAP".into(),
        login_norm: "elkinaap".into(),
        display_name: "Ёлкина Анна Петровна".into(),
        roles: vec![Role::Administrator],
        class_id: None,
        class_from: now.date_naive(),
        children: vec![],
        now,
    };
    assert!(!s.login_taken(20, "elkinaap", None).await.unwrap());
    let id = s.create_person_account(&new).await.unwrap();
    assert!(s.login_taken(20, "elkinaap", None).await.unwrap());
    assert!(!s.login_taken(10, "elkinaap", None).await.unwrap());
    let account = s.account(id).await.unwrap().unwrap();
    assert_eq!(
        (
            account.last_name.as_str(),
            account.middle_name.as_str(),
            account.organization_id
        ),
        ("Ёлкина", "Петровна", 20)
    );
    assert_eq!(
        s.account_roles(id).await.unwrap(),
        vec![Role::Administrator]
    );
    let creds = s.credentials(20, "elkinaap").await.unwrap().unwrap();
    assert!(creds.password_hash.is_none() && creds.active);
    let admins = s
        .organization_accounts_with_role(20, Role::Administrator)
        .await
        .unwrap();
    assert_eq!(admins.len(), 1);
    assert_eq!((admins[0].id, admins[0].login.as_str()), (id, "ElkinaAP"));
    assert!(
        s.organization_accounts_with_role(20, Role::Teacher)
            .await
            .unwrap()
            .is_empty()
    );

    // A taken login is a conflict and leaves no half-written person behind.
    let persons_before = count_persons(&t).await;
    let mut again = new.clone();
    again.login = "ELKINAAP".into();
    assert!(matches!(
        s.create_person_account(&again).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(count_persons(&t).await, persons_before);
}

/// How many persons the database holds, read past the store (it has no person listing).
async fn count_persons(t: &TestStore) -> i64 {
    use sqlx::Connection;
    const SQL: &str = "SELECT COUNT(*) FROM persons";
    match &t.database_url {
        Some(url) => {
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::query_scalar(SQL).fetch_one(&mut c).await.unwrap()
        }
        None => {
            let url = format!("sqlite:{}", t.dir.join("sgo.db").display());
            let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
            sqlx::query_scalar(SQL).fetch_one(&mut c).await.unwrap()
        }
    }
}

both_engines!(territory_and_organizations, administrator_accounts);
