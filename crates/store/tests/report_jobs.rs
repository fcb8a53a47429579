//! The report queue in the store, on both engines: a job is started once, finishes once, keeps
//! its document until it expires, and a restart fails what was left unfinished.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use chrono::Duration;
use sgo_store::testing::TestStore;
use sgo_store::{Engine, NewReportJob};
use sgo_testkit::both_engines;
use sgo_testkit::fixtures::{noon, small_school};

fn job(account: i64, title: &str, day: u32) -> NewReportJob {
    NewReportJob {
        account_id: account,
        organization_id: 10,
        queue_key: format!("key-{title}"),
        kind: "class-progress".into(),
        title: title.into(),
        request: "{\"kind\":\"class-progress\",\"class_id\":1,\"period_id\":2}".into(),
        node: "node-a".into(),
        created_at: noon(day),
        expires_at: noon(day) + Duration::hours(24),
    }
}

async fn queue(engine: Engine) {
    let db = TestStore::new(engine).await;
    let s = db.store.as_ref();
    small_school(s).await;
    let now = noon(2);
    let first = s.insert_report_job(&job(101, "первый", 2)).await.unwrap();
    let second = s.insert_report_job(&job(101, "второй", 2)).await.unwrap();
    let foreign = s.insert_report_job(&job(102, "чужой", 2)).await.unwrap();

    let r = s.report_job(first, now).await.unwrap().unwrap();
    assert_eq!(
        (
            r.state.as_str(),
            r.progress,
            r.account_id,
            r.queue_key.as_str()
        ),
        ("queued", 0, 101, "key-первый")
    );
    let mine: Vec<i64> = s
        .report_jobs_of(101, now, 10)
        .await
        .unwrap()
        .iter()
        .map(|j| j.id)
        .collect();
    assert_eq!(mine, [second, first], "newest first, only the account's");
    assert_eq!(s.report_jobs_of(101, now, 1).await.unwrap().len(), 1);
    assert_eq!(s.unfinished_report_jobs_of(101).await.unwrap(), 2);

    // Started once; progress only while running; finished once, with its document.
    assert!(s.start_report_job(first).await.unwrap());
    assert!(!s.start_report_job(first).await.unwrap());
    s.report_job_progress(first, 40).await.unwrap();
    assert_eq!(
        s.report_job(first, now).await.unwrap().unwrap().progress,
        40
    );
    assert_eq!(s.report_job_document(first, now).await.unwrap(), None);
    let kept_until = noon(4);
    assert!(
        s.finish_report_job(first, "{\"title\":\"Отчёт\"}", now, kept_until)
            .await
            .unwrap()
    );
    assert!(
        !s.finish_report_job(first, "{}", now, kept_until)
            .await
            .unwrap()
    );
    assert!(!s.fail_report_job(first, "поздно", now).await.unwrap());
    let done = s.report_job(first, now).await.unwrap().unwrap();
    assert_eq!((done.state.as_str(), done.progress), ("done", 100));
    assert_eq!(done.finished_at, Some(now));
    assert_eq!(
        s.report_job_document(first, now).await.unwrap().as_deref(),
        Some("{\"title\":\"Отчёт\"}")
    );
    // A queued job never finishes without being started.
    assert!(
        !s.finish_report_job(second, "{}", now, kept_until)
            .await
            .unwrap()
    );
    assert_eq!(s.unfinished_report_jobs_of(101).await.unwrap(), 1);

    // After a node restarts nothing builds its unfinished jobs: they fail with the reason.
    // Another node's job sharing the database goes on.
    let elsewhere = s
        .insert_report_job(&NewReportJob {
            node: "node-b".into(),
            ..job(102, "на другом узле", 2)
        })
        .await
        .unwrap();
    assert!(s.start_report_job(foreign).await.unwrap());
    assert_eq!(
        s.fail_unfinished_report_jobs("node-a", "перезапуск", now)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        s.report_job(elsewhere, now).await.unwrap().unwrap().state,
        "queued"
    );
    assert!(s.fail_report_job(elsewhere, "снят", now).await.unwrap());
    for id in [second, foreign] {
        let r = s.report_job(id, now).await.unwrap().unwrap();
        assert_eq!(
            (r.state.as_str(), r.error.as_deref()),
            ("failed", Some("перезапуск"))
        );
    }
    assert_eq!(s.report_job_document(second, now).await.unwrap(), None);

    // Expiry: the failed jobs (kept a day from their order) go first, the document later.
    let day_later = noon(3) + Duration::minutes(1);
    assert!(s.report_job(second, day_later).await.unwrap().is_none());
    assert_eq!(s.delete_expired_report_jobs(day_later).await.unwrap(), 3);
    assert!(s.report_job(first, day_later).await.unwrap().is_some());
    assert_eq!(s.report_job_document(first, noon(4)).await.unwrap(), None);
    assert_eq!(s.delete_expired_report_jobs(noon(4)).await.unwrap(), 1);
    assert!(s.report_jobs_of(101, noon(1), 10).await.unwrap().is_empty());
}

both_engines!(queue);
