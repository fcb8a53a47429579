//! The protection operations of the store on both engines: failure counters, recovery tokens and
//! a person's own sessions.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use chrono::{DateTime, Duration, TimeZone, Utc};
use sgo_store::testing::TestStore;
use sgo_store::{Engine, NewResetToken, NewSession, Store};
use sgo_testkit::both_engines;
use sgo_testkit::fixtures::{Member, Territory, members, session};

fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 12, minute, 0).unwrap()
}

/// School 10 with accounts 100 (e-mail MAMA@example.ru) and 101 (inactive, same e-mail),
/// school 11 with account 110 (same e-mail again).
async fn fixture(s: &dyn Store) {
    let now = at(0);
    Territory::standard()
        .school(10, "Школа 10")
        .school(11, "Школа 11")
        .insert(s)
        .await;
    let member = |id: i64, org: i64, login: &str| {
        Member::new(id, org, "Иванова", "Мария")
            .login(login)
            .email(" MAMA@example.ru ")
    };
    let people = [
        member(100, 10, "ИвановаМ"),
        member(101, 10, "ИвановаМ2").active(false),
        member(110, 11, "ИвановаМ"),
    ];
    members(s, now, &people).await;
}

async fn counters(engine: Engine) {
    let db = TestStore::new(engine).await;
    let s = db.store.as_ref();
    assert!(s.throttle("login:10:x").await.unwrap().is_none());
    let count = |minute| {
        s.count_failure(
            "login:10:x",
            at(minute),
            at(minute) - Duration::minutes(10),
            at(0),
        )
    };
    assert_eq!(count(1).await.unwrap().failures, 1);
    assert_eq!(count(2).await.unwrap().failures, 2);
    let third = count(3).await.unwrap();
    assert_eq!(
        (third.failures, third.lockouts, third.window_start),
        (3, 0, at(1))
    );
    // Another scope counts on its own.
    let other = s
        .count_failure("ip:10.0.0.1", at(3), at(0), at(0))
        .await
        .unwrap();
    assert_eq!(other.failures, 1);

    s.lock_throttle("login:10:x", at(4)).await.unwrap();
    let locked = s.throttle("login:10:x").await.unwrap().unwrap();
    assert_eq!(
        (locked.failures, locked.lockouts, locked.locked_until),
        (0, 1, Some(at(4)))
    );
    // After the window a failure starts a new count; the lockout history stays.
    let later = count(30).await.unwrap();
    assert_eq!(
        (later.failures, later.lockouts, later.window_start),
        (1, 1, at(30))
    );
    // A counter quiet since before the quiet cutoff forgets its lockouts.
    let quiet = s
        .count_failure("login:10:x", at(50), at(40), at(45))
        .await
        .unwrap();
    assert_eq!((quiet.failures, quiet.lockouts), (1, 0));

    s.clear_throttle("login:10:x").await.unwrap();
    assert!(s.throttle("login:10:x").await.unwrap().is_none());

    // The sweep keeps a pause that has not ended.
    s.lock_throttle("ip:10.0.0.1", at(59)).await.unwrap();
    s.count_failure("ip:old", at(1), at(0), at(0))
        .await
        .unwrap();
    assert_eq!(s.delete_throttles_idle_since(at(10)).await.unwrap(), 1);
    assert!(s.throttle("ip:10.0.0.1").await.unwrap().is_some());
    assert!(s.throttle("ip:old").await.unwrap().is_none());
}

async fn reset_tokens(engine: Engine) {
    let db = TestStore::new(engine).await;
    let s = db.store.as_ref();
    fixture(s).await;

    // By login (normalised) or by e-mail (without case and spaces), in one school only.
    let by_login = s.recovery_accounts(10, "ивановам", "").await.unwrap();
    assert_eq!(
        by_login.iter().map(|a| a.account_id).collect::<Vec<_>>(),
        [100]
    );
    let by_email = s
        .recovery_accounts(10, "mama@example.ru", "mama@example.ru")
        .await
        .unwrap();
    assert_eq!(
        by_email
            .iter()
            .map(|a| (a.account_id, a.active))
            .collect::<Vec<_>>(),
        [(100, true), (101, false)]
    );
    assert!(
        s.recovery_accounts(10, "nobody", "")
            .await
            .unwrap()
            .is_empty()
    );
    assert!(s.recovery_accounts(10, "", "").await.unwrap().is_empty());

    let token = |hash: u8, minute| NewResetToken {
        token_hash: vec![hash; 32],
        account_id: 100,
        created_at: at(minute),
        expires_at: at(minute) + Duration::hours(1),
        ip: "10.0.0.1".into(),
    };
    s.create_reset_token(&token(1, 0)).await.unwrap();
    s.create_reset_token(&token(2, 0)).await.unwrap();
    let t = s.reset_token(&[1; 32]).await.unwrap().unwrap();
    assert_eq!(
        (t.account_id, t.organization_id, t.login.as_str()),
        (100, 10, "ИвановаМ")
    );
    assert!(t.used_at.is_none() && t.account_active);
    assert!(s.reset_token(&[9; 32]).await.unwrap().is_none());

    // Spent once only, and never after it expires.
    assert_eq!(
        s.spend_reset_token(&[1; 32], at(5)).await.unwrap(),
        Some(100)
    );
    assert_eq!(s.spend_reset_token(&[1; 32], at(6)).await.unwrap(), None);
    assert!(
        s.reset_token(&[1; 32])
            .await
            .unwrap()
            .unwrap()
            .used_at
            .is_some()
    );
    assert_eq!(
        s.spend_reset_token(&[2; 32], at(0) + Duration::hours(2))
            .await
            .unwrap(),
        None
    );
    // The unspent ones go when the password is set; the spent one stays as a record.
    assert_eq!(s.delete_unspent_reset_tokens(100).await.unwrap(), 1);
    assert!(s.reset_token(&[2; 32]).await.unwrap().is_none());
    assert!(s.reset_token(&[1; 32]).await.unwrap().is_some());
    assert_eq!(
        s.delete_reset_tokens_expired_before(at(0) + Duration::hours(3))
            .await
            .unwrap(),
        1
    );
}

async fn own_sessions(engine: Engine) {
    let db = TestStore::new(engine).await;
    let s = db.store.as_ref();
    fixture(s).await;
    let session = |account: i64, token: u8, minute| NewSession {
        channel: if token.is_multiple_of(2) {
            "web"
        } else {
            "webapi"
        }
        .into(),
        ip: format!("10.0.0.{token}"),
        user_agent: "Mozilla/5.0 Firefox/120.0".into(),
        ..session(account, token, at(minute))
    };
    let a = s.create_session(&session(100, 1, 1)).await.unwrap();
    let b = s.create_session(&session(100, 2, 5)).await.unwrap();
    let old = s.create_session(&session(100, 3, 0)).await.unwrap();
    let theirs = s.create_session(&session(110, 4, 5)).await.unwrap();

    let mine = s.account_sessions(100, at(1)).await.unwrap();
    assert_eq!(
        mine.iter().map(|r| r.id).collect::<Vec<_>>(),
        [b, a],
        "idle ones hidden, newest first"
    );
    assert_eq!(
        (mine[0].channel.as_str(), mine[0].ip.as_str()),
        ("web", "10.0.0.2")
    );
    assert_eq!(s.account_sessions(100, at(0)).await.unwrap().len(), 3);

    // Another person's session cannot be ended through my account.
    assert!(!s.delete_account_session(100, theirs).await.unwrap());
    assert!(s.session_by_token(&[4; 32]).await.unwrap().is_some());
    assert!(s.delete_account_session(100, old).await.unwrap());
    assert!(!s.delete_account_session(100, old).await.unwrap());

    assert_eq!(s.delete_account_sessions(100).await.unwrap(), 2);
    assert!(s.account_sessions(100, at(0)).await.unwrap().is_empty());
    assert_eq!(s.account_sessions(110, at(0)).await.unwrap().len(), 1);
}

async fn session_cap(engine: Engine) {
    let db = TestStore::new(engine).await;
    let s = db.store.as_ref();
    fixture(s).await;
    let session = |account: i64, token: u8| session(account, token, at(1));
    let mut ids = Vec::new();
    for token in 1..=5 {
        ids.push(s.create_session(&session(100, token)).await.unwrap());
    }
    let theirs = s.create_session(&session(110, 9)).await.unwrap();
    let mut ended = s.delete_sessions_beyond(100, 3).await.unwrap();
    ended.sort();
    assert_eq!(ended, ids[..2], "the two oldest end");
    let mut left: Vec<i64> = s
        .account_sessions(100, at(0))
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    left.sort();
    assert_eq!(left, ids[2..]);
    assert!(s.delete_sessions_beyond(100, 3).await.unwrap().is_empty());
    assert_eq!(s.account_sessions(110, at(0)).await.unwrap()[0].id, theirs);
}

both_engines!(counters, reset_tokens, own_sessions, session_cap);
