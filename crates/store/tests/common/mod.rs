//! A small fixture shared by the store tests: one school with three accounts.

#![allow(clippy::unwrap_used, dead_code)] // a failed unwrap is a failed test

use chrono::{DateTime, TimeZone, Utc};
use sgo_store::Store;

/// Noon (UTC) of a day of November 2026.
pub fn noon(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, 12, 0, 0).unwrap()
}

/// School 10 with the teacher 100 (Петрова), the parents 101 (Иванова) and 102 (Сидоров).
pub async fn fixture(s: &dyn Store) {
    let now = noon(1);
    s.bulk_insert(
        "regions",
        &["id", "code", "name"],
        vec![vec![1i64.into(), "99".into(), "Край".into()]],
    )
    .await
    .unwrap();
    s.bulk_insert(
        "municipalities",
        &["id", "region_id", "name"],
        vec![vec![2i64.into(), 1i64.into(), "Округ".into()]],
    )
    .await
    .unwrap();
    s.bulk_insert(
        "settlements",
        &["id", "municipality_id", "name"],
        vec![vec![3i64.into(), 2i64.into(), "Город".into()]],
    )
    .await
    .unwrap();
    s.bulk_insert(
        "organizations",
        &[
            "id",
            "settlement_id",
            "kind",
            "short_name",
            "full_name",
            "name_norm",
        ],
        vec![vec![
            10i64.into(),
            3i64.into(),
            "general".into(),
            "Школа 10".into(),
            "МБОУ Школа 10".into(),
            "школа 10".into(),
        ]],
    )
    .await
    .unwrap();
    let people = [
        (100i64, "Петрова", "Анна"),
        (101, "Иванова", "Мария"),
        (102, "Сидоров", "Олег"),
    ];
    s.bulk_insert(
        "persons",
        &["id", "last_name", "first_name", "created_at"],
        people
            .iter()
            .map(|(id, l, f)| vec![(*id).into(), (*l).into(), (*f).into(), now.into()])
            .collect(),
    )
    .await
    .unwrap();
    s.bulk_insert(
        "accounts",
        &[
            "id",
            "person_id",
            "organization_id",
            "login",
            "login_norm",
            "display_name",
            "created_at",
        ],
        people
            .iter()
            .map(|(id, l, f)| {
                let login = format!("{l}{f}");
                vec![
                    (*id).into(),
                    (*id).into(),
                    10i64.into(),
                    login.clone().into(),
                    login.to_lowercase().into(),
                    format!("{l} {f}").into(),
                    now.into(),
                ]
            })
            .collect(),
    )
    .await
    .unwrap();
}
