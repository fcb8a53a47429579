//! The passkey operations of the store, on both engines: devices of an account, the unique
//! credential id, renaming, removal, use, and ceremonies that are taken once and expire.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use chrono::{DateTime, Duration, Utc};
use sgo_store::testing::TestStore;
use sgo_store::{Engine, NewPasskey, PasskeyCeremony, StoreError};
use sgo_testkit::both_engines;
use sgo_testkit::fixtures::{noon, small_school};

fn device(account: i64, credential: &[u8], name: &str, day: u32) -> NewPasskey {
    NewPasskey {
        account_id: account,
        credential_id: credential.to_vec(),
        user_handle: vec![account as u8; 16],
        credential: format!("{{\"cred\": \"{name}\"}}"),
        name: name.into(),
        created_at: noon(day),
    }
}

async fn devices(engine: Engine) {
    let db = TestStore::new(engine).await;
    let s = db.store.as_ref();
    small_school(s).await;
    let phone = s
        .insert_passkey(&device(101, b"phone", "Телефон", 2))
        .await
        .unwrap();
    let laptop = s
        .insert_passkey(&device(101, b"laptop", "Ноутбук", 3))
        .await
        .unwrap();
    s.insert_passkey(&device(102, b"other", "Чужой", 3))
        .await
        .unwrap();

    let mine = s.passkeys_of(101).await.unwrap();
    assert_eq!(
        mine.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![phone, laptop]
    );
    assert_eq!(mine[0].name, "Телефон");
    assert_eq!(mine[0].credential_id, b"phone".to_vec());
    assert_eq!(mine[0].user_handle, vec![101u8; 16]);
    assert_eq!(mine[0].created_at, noon(2));
    assert_eq!(mine[0].last_used_at, None);

    let again = s.insert_passkey(&device(102, b"phone", "Копия", 4)).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");

    let found = s.passkey_by_credential(b"laptop").await.unwrap().unwrap();
    assert_eq!((found.id, found.account_id), (laptop, 101));
    assert!(s.passkey_by_credential(b"nothing").await.unwrap().is_none());

    assert!(s.rename_passkey(laptop, "Рабочий ноутбук").await.unwrap());
    assert_eq!(
        s.passkey(laptop).await.unwrap().unwrap().name,
        "Рабочий ноутбук"
    );
    assert!(!s.rename_passkey(9999, "Нет").await.unwrap());

    s.passkey_used(phone, "{\"counter\": 2}", noon(5))
        .await
        .unwrap();
    let used = s.passkey(phone).await.unwrap().unwrap();
    assert_eq!(used.last_used_at, Some(noon(5)));
    assert_eq!(used.credential, "{\"counter\": 2}");

    assert!(s.delete_passkey(phone).await.unwrap());
    assert!(!s.delete_passkey(phone).await.unwrap());
    assert!(s.passkey_by_credential(b"phone").await.unwrap().is_none());
    assert_eq!(s.passkeys_of(101).await.unwrap().len(), 1);
    assert_eq!(s.passkeys_of(102).await.unwrap().len(), 1);
}

fn ceremony(
    id: &[u8],
    kind: &str,
    account: Option<i64>,
    expires: DateTime<Utc>,
) -> PasskeyCeremony {
    PasskeyCeremony {
        id_hash: id.to_vec(),
        kind: kind.into(),
        account_id: account,
        state: format!("state of {kind}"),
        expires_at: expires,
    }
}

async fn ceremonies(engine: Engine) {
    let db = TestStore::new(engine).await;
    let s = db.store.as_ref();
    small_school(s).await;
    let now = noon(10);
    let reg = ceremony(b"reg", "register", Some(101), now + Duration::minutes(5));
    s.create_passkey_ceremony(&reg).await.unwrap();
    s.create_passkey_ceremony(&ceremony(
        b"in",
        "sign_in",
        None,
        now + Duration::minutes(5),
    ))
    .await
    .unwrap();
    s.create_passkey_ceremony(&ceremony(
        b"old",
        "sign_in",
        None,
        now - Duration::minutes(1),
    ))
    .await
    .unwrap();

    // The kind must match: a sign-in id does not finish a registration.
    assert!(
        s.take_passkey_ceremony(b"in", "register")
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        s.take_passkey_ceremony(b"reg", "register").await.unwrap(),
        Some(reg)
    );
    assert!(
        s.take_passkey_ceremony(b"reg", "register")
            .await
            .unwrap()
            .is_none(),
        "single use"
    );

    assert_eq!(s.delete_expired_passkey_ceremonies(now).await.unwrap(), 1);
    assert!(
        s.take_passkey_ceremony(b"old", "sign_in")
            .await
            .unwrap()
            .is_none()
    );
    let signin = s
        .take_passkey_ceremony(b"in", "sign_in")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(signin.account_id, None);
    assert_eq!(signin.state, "state of sign_in");
}

both_engines!(devices, ceremonies);
