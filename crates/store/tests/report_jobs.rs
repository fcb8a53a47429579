//! The report queue in the store, on both engines: a job is claimed by one node under a lease,
//! only its holder moves it on, it finishes once, keeps its document until it expires, and a
//! job whose lease ran out (its node died) or was handed back is claimed again.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use chrono::Duration;
use sgo_store::testing::TestStore;
use sgo_store::{Engine, Lease, NewReportJob};
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

    // Claimed once, oldest first; progress and the outcome only from the holder.
    let claim = |node: &'static str, at: chrono::DateTime<chrono::Utc>| async move {
        let lease = Lease {
            now: at,
            until: at + Duration::seconds(30),
        };
        s.claim_report_job(node, lease, now)
            .await
            .unwrap()
            .map(|j| j.id)
    };
    let t0 = chrono::Utc::now();
    assert_eq!(claim("node-a", t0).await, Some(first));
    assert_eq!(
        claim("node-b", t0).await,
        Some(second),
        "a held job is skipped"
    );
    assert!(!s.renew_report_job(first, "node-b", t0).await.unwrap());
    assert!(
        s.renew_report_job(first, "node-a", t0 + Duration::seconds(60))
            .await
            .unwrap()
    );
    s.report_job_progress(first, "node-b", 70).await.unwrap();
    s.report_job_progress(first, "node-a", 40).await.unwrap();
    assert_eq!(
        s.report_job(first, now).await.unwrap().unwrap().progress,
        40
    );
    assert_eq!(s.report_job_document(first, now).await.unwrap(), None);
    let kept_until = noon(4);
    assert!(
        !s.finish_report_job(first, "node-b", "{}", now, kept_until)
            .await
            .unwrap()
    );
    assert!(
        s.finish_report_job(first, "node-a", "{\"title\":\"Отчёт\"}", now, kept_until)
            .await
            .unwrap()
    );
    assert!(
        !s.finish_report_job(first, "node-a", "{}", now, kept_until)
            .await
            .unwrap()
    );
    assert!(
        !s.fail_report_job(first, "node-a", "поздно", now)
            .await
            .unwrap()
    );
    let done = s.report_job(first, now).await.unwrap().unwrap();
    assert_eq!((done.state.as_str(), done.progress), ("done", 100));
    assert_eq!(done.finished_at, Some(now));
    assert_eq!(
        s.report_job_document(first, now).await.unwrap().as_deref(),
        Some("{\"title\":\"Отчёт\"}")
    );
    assert_eq!(s.unfinished_report_jobs_of(101).await.unwrap(), 1);

    // node-b dies holding `second`: once its lease has run out, node-c takes it, and the
    // late node-b can no longer finish it.
    assert_eq!(
        claim("node-c", t0 + Duration::seconds(10)).await,
        Some(foreign)
    );
    assert_eq!(claim("node-c", t0 + Duration::seconds(10)).await, None);
    assert_eq!(
        claim("node-c", t0 + Duration::seconds(31)).await,
        Some(second)
    );
    let taken = s.report_job(second, now).await.unwrap().unwrap();
    assert_eq!((taken.state.as_str(), taken.attempts), ("running", 2));
    assert!(
        !s.finish_report_job(second, "node-b", "{}", now, kept_until)
            .await
            .unwrap()
    );
    // A stopping node hands its jobs back; they are queued again for anyone.
    assert_eq!(s.release_report_jobs("node-c").await.unwrap(), 2);
    let back = s.report_job(foreign, now).await.unwrap().unwrap();
    assert_eq!((back.state.as_str(), back.attempts), ("queued", 0));
    assert_eq!(claim("node-d", t0).await, Some(second));
    assert!(
        s.fail_report_job(second, "node-d", "перезапуск", now)
            .await
            .unwrap()
    );
    assert_eq!(claim("node-d", t0).await, Some(foreign));
    assert!(
        s.fail_report_job(foreign, "node-d", "перезапуск", now)
            .await
            .unwrap()
    );
    for id in [second, foreign] {
        let r = s.report_job(id, now).await.unwrap().unwrap();
        assert_eq!(
            (r.state.as_str(), r.error.as_deref()),
            ("failed", Some("перезапуск"))
        );
    }
    assert_eq!(s.report_job_document(second, now).await.unwrap(), None);
    // An expired job is not claimed.
    let late = s.insert_report_job(&job(102, "поздний", 1)).await.unwrap();
    assert_eq!(claim("node-d", t0).await, None);

    // Expiry: the failed jobs (kept a day from their order) go first, the document later.
    let day_later = noon(3) + Duration::minutes(1);
    assert!(s.report_job(second, day_later).await.unwrap().is_none());
    assert!(s.report_job(late, now).await.unwrap().is_none());
    assert_eq!(s.delete_expired_report_jobs(day_later).await.unwrap(), 3);
    assert!(s.report_job(first, day_later).await.unwrap().is_some());
    assert_eq!(s.report_job_document(first, noon(4)).await.unwrap(), None);
    assert_eq!(s.delete_expired_report_jobs(noon(4)).await.unwrap(), 1);
    assert!(s.report_jobs_of(101, noon(1), 10).await.unwrap().is_empty());
}

both_engines!(queue);
