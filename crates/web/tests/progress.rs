//! The diary, the progress pages and the diary side of the NetSchool API, through HTTP on both
//! engines: attachments in the diary and in `get-attachments`, the assignment card, bell times,
//! photos, `mysettings`, and who may read what.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use axum::http::StatusCode;
use chrono::{Duration, NaiveDate};
use sgo_app::files::{Upload, UploadPurpose};
use sgo_app::{Engine, Origin, Role};
use sgo_core::files::FileOwner;
use sgo_core::marks::{format_average, weighted_average};
use sgo_demo::DemoAccount;
use sgo_store::DiaryAssignmentRecord;
use sgo_testkit::both_engines;
use sgo_testkit::{World, today, world};

/// The people of one test: a parent, their child, a student of another class, a teacher and
/// someone of another school.
struct Cast {
    parent: DemoAccount,
    child: DemoAccount,
    child_id: i64,
    stranger: DemoAccount,
    teacher: DemoAccount,
    teacher_id: i64,
    outsider_id: i64,
}

async fn cast(w: &World) -> Cast {
    let org = w.admin().organization_id;
    let today = today();
    let mut found = None;
    for parent in w.all(Role::Parent, org) {
        let pid = w.id_of(&parent).await;
        let children = w.store().children(pid, today).await.unwrap();
        if let Some(c) = children.first() {
            let ids: Vec<i64> = children.iter().map(|c| c.account_id).collect();
            found = Some((parent, c.account_id, c.class_id, ids));
            break;
        }
    }
    let (parent, child_id, class_id, siblings) = found.unwrap();
    let mut child = None;
    let mut stranger = None;
    for s in w.all(Role::Student, org) {
        let id = w.id_of(&s).await;
        let class = w
            .store()
            .student(id, today)
            .await
            .unwrap()
            .unwrap()
            .class_id;
        if id == child_id {
            child = Some(s);
        } else if class != class_id && !siblings.contains(&id) && stranger.is_none() {
            stranger = Some(s);
        }
    }
    let teacher = w.first(Role::Teacher, org);
    let teacher_id = w.id_of(&teacher).await;
    let outsider = w
        .accounts
        .iter()
        .find(|a| a.organization_id != org)
        .unwrap()
        .clone();
    Cast {
        parent,
        child: child.unwrap(),
        child_id,
        stranger: stranger.unwrap(),
        teacher,
        teacher_id,
        outsider_id: w.id_of(&outsider).await,
    }
}

fn monday() -> NaiveDate {
    sgo_core::calendar::week_start(today())
}

/// Assignments of the student in this week and the last.
async fn assignments(w: &World, student: i64) -> Vec<DiaryAssignmentRecord> {
    let from = monday() - Duration::days(7);
    w.store()
        .diary_assignments(student, from, from + Duration::days(13))
        .await
        .unwrap()
}

/// Attaches a file to an assignment the way the journal does: upload, then attach.
async fn attach(w: &World, teacher: &DemoAccount, teacher_id: i64, assignment: i64) -> i64 {
    let who = w
        .app
        .authenticate_token(&w.token(teacher).await)
        .await
        .unwrap();
    let file = w
        .app
        .upload_file(
            &who.actor,
            UploadPurpose::Assignment,
            Upload::from_bytes("Задачи к уроку.pdf", b"%PDF-1.4 test".to_vec()),
        )
        .await
        .unwrap();
    let n = w
        .store()
        .attach_files(
            &[file.id.get()],
            teacher_id,
            FileOwner::Assignment(assignment),
            file.uploaded_at,
        )
        .await
        .unwrap();
    assert_eq!(n, 1);
    file.id.get()
}

fn is_wire_date(v: &serde_json::Value) -> bool {
    let s = v.as_str().unwrap_or("");
    s.len() == 19
        && s.ends_with("T00:00:00")
        && NaiveDate::parse_from_str(&s[..10], "%Y-%m-%d").is_ok()
}

async fn api(engine: Engine) {
    let w = world(engine, 2).await;
    let c = cast(&w).await;
    let mine = assignments(&w, c.child_id).await;
    assert!(mine.len() >= 2, "the demo child has work in two weeks");
    let with_file = &mine[0];
    let without_file = &mine[1];
    let file_id = attach(&w, &c.teacher, c.teacher_id, with_file.assignment_id).await;
    let at = w.token(&c.child).await;
    let from = monday() - Duration::days(7);
    let to = from + Duration::days(13);

    // The diary carries the file on that assignment only, in the §3.14 item shape.
    let diary = w
        .api_get(
            &at,
            &format!(
                "student/diary?studentId={}&weekStart={from}&weekEnd={to}",
                c.child_id
            ),
        )
        .await;
    assert_eq!(diary.status, StatusCode::OK, "{}", diary.text());
    let diary = diary.json();
    let mut seen = 0;
    for day in diary["weekDays"].as_array().unwrap() {
        for lesson in day["lessons"].as_array().unwrap() {
            for a in lesson["assignments"].as_array().unwrap() {
                if a["id"] == with_file.assignment_id {
                    let files = a["attachments"].as_array().unwrap();
                    assert_eq!(files.len(), 1);
                    assert_eq!(files[0]["id"], file_id);
                    assert_eq!(files[0]["originalFileName"], "Задачи к уроку.pdf");
                    assert_eq!(files[0]["name"], "Задачи к уроку.pdf");
                    assert!(files[0].as_object().unwrap().contains_key("description"));
                    seen += 1;
                } else {
                    assert!(a.get("attachments").is_none(), "{a}");
                }
            }
        }
    }
    assert_eq!(seen, 1);

    // get-attachments: one entry with the file; none for work without files.
    let uri = format!("student/diary/get-attachments?studentId={}", c.child_id);
    let got = w
        .api_post(
            &at,
            &uri,
            serde_json::json!({"assignId": [with_file.assignment_id]}),
        )
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    let got = got.json();
    assert_eq!(got.as_array().unwrap().len(), 1);
    assert_eq!(got[0]["assignmentId"], with_file.assignment_id);
    assert_eq!(got[0]["attachments"][0]["id"], file_id);
    assert!(got[0]["attachments"][0]["description"].is_null());
    let none = w
        .api_post(
            &at,
            &uri,
            serde_json::json!({"assignId": [without_file.assignment_id]}),
        )
        .await;
    assert_eq!(none.json(), serde_json::json!([]));
    let broken = w.api_post(&at, &uri, serde_json::json!({"other": 1})).await;
    assert_eq!(broken.status, StatusCode::BAD_REQUEST);

    // The card.
    let card = w
        .api_get(
            &at,
            &format!(
                "student/diary/assigns/{}?studentId={}",
                with_file.assignment_id, c.child_id
            ),
        )
        .await;
    assert_eq!(card.status, StatusCode::OK, "{}", card.text());
    let card = card.json();
    assert_eq!(card["id"], with_file.assignment_id);
    assert_eq!(card["assignmentName"], with_file.title.as_str());
    assert_eq!(card["weight"], with_file.weight);
    assert!(is_wire_date(&card["date"]), "{card}");
    assert!(card["subjectGroup"]["name"].as_str().unwrap().contains('/'));
    assert_eq!(card["subjectName"], with_file.subject_name.as_str());
    let teachers = card["teachers"].as_array().unwrap();
    assert!(!teachers.is_empty());
    assert!(!teachers[0]["name"].as_str().unwrap().is_empty());
    // sgoschoolapi: `typeId` only together with `type`.
    assert_eq!(card["typeId"], with_file.type_id);
    assert_eq!(card["type"], with_file.type_name.as_str());
    assert_eq!(card["attachments"][0]["id"], file_id);

    // The parent reads the same through their own session.
    let pat = w.token(&c.parent).await;
    let parent_card = w
        .api_get(
            &pat,
            &format!(
                "student/diary/assigns/{}?studentId={}",
                with_file.assignment_id, c.child_id
            ),
        )
        .await;
    assert_eq!(parent_card.status, StatusCode::OK);
    let parent_files = w
        .api_post(
            &pat,
            &uri,
            serde_json::json!({"assignId": [with_file.assignment_id]}),
        )
        .await;
    assert_eq!(parent_files.json()[0]["attachments"][0]["id"], file_id);

    // A student of another class: not for the child's diary (403), and the assignment is not
    // on their lessons (404 card, empty attachments).
    let sat = w.token(&c.stranger).await;
    let stranger_id = w.id_of(&c.stranger).await;
    assert_eq!(
        w.api_post(
            &sat,
            &uri,
            serde_json::json!({"assignId": [with_file.assignment_id]})
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let own_uri = format!("student/diary/get-attachments?studentId={stranger_id}");
    let theirs = w
        .api_post(
            &sat,
            &own_uri,
            serde_json::json!({"assignId": [with_file.assignment_id]}),
        )
        .await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert_eq!(theirs.json(), serde_json::json!([]));
    let card_uri = format!(
        "student/diary/assigns/{}?studentId={stranger_id}",
        with_file.assignment_id
    );
    assert_eq!(
        w.api_get(&sat, &card_uri).await.status,
        StatusCode::NOT_FOUND
    );
    let bad_card = format!("student/diary/assigns/x?studentId={stranger_id}");
    assert_eq!(
        w.api_get(&sat, &bad_card).await.status,
        StatusCode::BAD_REQUEST
    );

    // Bell times: full datetimes, NetSchool weekdays (Monday = 2).
    let times = w.api_get(&at, "schedule/times").await;
    assert_eq!(times.status, StatusCode::OK);
    let times = times.json();
    let times = times.as_array().unwrap();
    assert!(!times.is_empty());
    assert!(times.iter().any(|t| t["weekDay"] == 2 && t["number"] == 1));
    for t in times {
        let wd = t["weekDay"].as_i64().unwrap();
        assert!((1..=7).contains(&wd));
        let start = t["startTime"].as_str().unwrap();
        assert!(
            chrono::NaiveDateTime::parse_from_str(start, "%Y-%m-%dT%H:%M:%S").is_ok(),
            "{start}"
        );
        assert!(t["relay"].is_i64());
    }

    // Photos: a placeholder for people of the school, 404 beyond it.
    let photo = w
        .api_get(&at, &format!("users/photo?userId={}", c.teacher_id))
        .await;
    assert_eq!(photo.status, StatusCode::OK);
    assert_eq!(photo.header("content-type"), "image/png");
    assert!(photo.body.starts_with(b"\x89PNG\r\n\x1a\n"));
    let own = w
        .api_get(&at, &format!("users/photo?userId={}&at={at}", c.child_id))
        .await;
    assert_eq!(own.status, StatusCode::OK);
    assert_eq!(
        w.api_get(&at, &format!("users/photo?userId={}", c.outsider_id))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.api_get(&at, "users/photo?userId=abc").await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        w.api_get("0000", "users/photo?userId=1").await.status,
        StatusCode::UNAUTHORIZED
    );

    // mysettings from the account's own data.
    let me = w.api_get(&at, "mysettings").await;
    assert_eq!(me.status, StatusCode::OK);
    let me = me.json();
    assert_eq!(me["userId"], c.child_id);
    assert_eq!(me["loginName"], c.child.login.as_str());
    assert_eq!(me["roles"], serde_json::json!(["Student"]));
    assert!(me["lastName"].as_str().is_some_and(|s| !s.is_empty()));
    assert!(me["schoolyearId"].is_i64());
    assert!(me["userSettings"].is_object());
    let pme = w.api_get(&pat, "mysettings").await.json();
    assert_eq!(pme["roles"], serde_json::json!(["Parent"]));
}

async fn pages(engine: Engine) {
    let w = world(engine, 2).await;
    let c = cast(&w).await;
    let mine = assignments(&w, c.child_id).await;
    let target = mine
        .iter()
        .find(|a| a.lesson_date >= monday())
        .unwrap_or(&mine[0])
        .clone();
    let file_id = attach(&w, &c.teacher, c.teacher_id, target.assignment_id).await;
    let cookie = w.cookie(&c.parent).await;
    let week = sgo_core::calendar::week_start(target.lesson_date);

    // The week view: the work, its file link, marks with comments, attendance codes.
    let page = w
        .get(
            &cookie,
            &format!("/diary?student={}&week={week}", c.child_id),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(
        html.contains(&format!(
            "<a class=\"diary-file\" href=\"/files/{file_id}\">Задачи к уроку.pdf</a>"
        )),
        "{html}"
    );
    let week_work = w
        .store()
        .diary_assignments(c.child_id, week, week + Duration::days(6))
        .await
        .unwrap();
    for a in &week_work {
        if let Some(comment) = a.mark_comment.as_ref().filter(|s| !s.is_empty()) {
            assert!(html.contains(comment.as_str()), "comment {comment}");
        }
    }
    let attendance = w
        .store()
        .diary_attendance(c.child_id, week, week + Duration::days(6))
        .await
        .unwrap();
    for a in &attendance {
        assert!(html.contains(&format!("class=\"attendance-code\">{}</span>", a.code)));
    }

    // The card page: description, type, weight, teacher, file, mark.
    let card = w
        .get(
            &cookie,
            &format!(
                "/progress/assignment/{}?student={}",
                target.assignment_id, c.child_id
            ),
        )
        .await;
    assert_eq!(card.status, StatusCode::OK);
    let html = card.text();
    assert!(html.contains(&format!("href=\"/files/{file_id}\"")));
    assert!(html.contains(&target.type_name));
    let teachers = w
        .store()
        .assignment_teachers(target.assignment_id)
        .await
        .unwrap();
    assert!(html.contains(&teachers[0].name));
    if let Some(v) = target.mark_value {
        assert!(html.contains(&format!("<strong>{v}</strong>")));
    }
    // Someone who may not read the child's diary: refused; a card not on one's lessons: 404.
    let scookie = w.cookie(&c.stranger).await;
    let refused = w
        .get(
            &scookie,
            &format!(
                "/progress/assignment/{}?student={}",
                target.assignment_id, c.child_id
            ),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let stranger_id = w.id_of(&c.stranger).await;
    let missing = w
        .get(
            &scookie,
            &format!(
                "/progress/assignment/{}?student={stranger_id}",
                target.assignment_id
            ),
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    // Progress: each subject's weighted average over the current period's marks.
    let page = w
        .get(&cookie, &format!("/progress?student={}", c.child_id))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    let who = w
        .app
        .authenticate_token(&w.token(&c.parent).await)
        .await
        .unwrap();
    let progress = w
        .app
        .progress(
            &who.actor,
            sgo_core::StudentId::new(c.child_id),
            None,
            &Origin::default(),
        )
        .await
        .unwrap();
    let period = progress.period.clone().unwrap();
    assert!(period.start_date <= today() && today() <= period.end_date);
    assert!(html.contains(&format!("<option value=\"{}\" selected>", period.id)));
    let marks = w
        .store()
        .diary_assignments(c.child_id, period.start_date, period.end_date)
        .await
        .unwrap();
    let mut checked = 0;
    for s in &progress.subjects {
        let expected = weighted_average(
            marks
                .iter()
                .filter(|a| a.subject_name == s.subject && a.mark_id.is_some())
                .filter_map(|a| a.mark_value.map(|v| (v, a.weight))),
        );
        assert_eq!(s.average, expected, "{}", s.subject);
        if let Some(avg) = expected {
            assert!(html.contains(&format!(
                "<td class=\"average\">{}</td>",
                format_average(avg)
            )));
            checked += 1;
        }
    }
    assert!(checked > 0, "the demo child has marks this period");
    // Another period is chosen by id; an unknown one is refused.
    let other = progress.periods.iter().find(|p| p.id != period.id).unwrap();
    let page = w
        .get(
            &cookie,
            &format!("/progress?student={}&period={}", c.child_id, other.id),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text()
            .contains(&format!("<option value=\"{}\" selected>", other.id))
    );
    let bad = w
        .get(
            &cookie,
            &format!("/progress?student={}&period=abc", c.child_id),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let unknown = w
        .get(
            &cookie,
            &format!("/progress?student={}&period=999999", c.child_id),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let foreign = w
        .get(&cookie, &format!("/progress?student={stranger_id}"))
        .await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
}

both_engines!(api, pages);
