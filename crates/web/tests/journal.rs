//! The teacher's journal through HTTP on both engines: marks with their history, attendance,
//! homework with a file and who may download it, period marks, assignment types, refusals, CSRF.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use axum::http::StatusCode;
use chrono::Duration;
use sgo_app::{Engine, Role};
use sgo_demo::DemoAccount;
use sgo_store::JournalLessonRecord;
use sgo_testkit::both_engines;
use sgo_testkit::{World, today, world};

/// A teacher with a lesson this week that has an assignment and students, and that lesson.
async fn teacher_with_lesson(w: &World) -> (DemoAccount, JournalLessonRecord, i64) {
    let org = w.admin().organization_id;
    let monday = sgo_core::calendar::week_start(today());
    for t in w.all(Role::Teacher, org) {
        let id = w.id_of(&t).await;
        let lessons = w
            .store()
            .teacher_lessons(id, monday, monday + Duration::days(6))
            .await
            .unwrap();
        for l in lessons {
            if l.substitute == 1 || l.status == "cancelled" {
                continue;
            }
            let tasks = w.store().lesson_assignments(l.id).await.unwrap();
            let students = w
                .store()
                .group_students(l.subject_group_id, l.date, l.date)
                .await
                .unwrap();
            if let (Some(a), false) = (tasks.first(), students.is_empty()) {
                let a = a.id;
                return (t, l, a);
            }
        }
    }
    panic!("no teacher with a lesson that has an assignment");
}

async fn students_in_and_out(
    w: &World,
    l: &JournalLessonRecord,
) -> (DemoAccount, i64, DemoAccount) {
    let org = w.admin().organization_id;
    let members = w
        .store()
        .group_students(l.subject_group_id, l.date, l.date)
        .await
        .unwrap();
    let mut inside = None;
    let mut outside = None;
    for s in w.all(Role::Student, org) {
        let id = w.id_of(&s).await;
        if members.iter().any(|m| m.id == id) {
            inside.get_or_insert((s, id));
        } else {
            outside.get_or_insert(s);
        }
    }
    let (inside, id) = inside.expect("a student of the group with a password");
    (inside, id, outside.expect("a student of another class"))
}

async fn marks_history_attendance_homework(engine: Engine) {
    let w = world(engine, 1).await;
    let (teacher, lesson, assignment) = teacher_with_lesson(&w).await;
    let cookie = w.cookie(&teacher).await;
    let (student, student_id, stranger) = students_in_and_out(&w, &lesson).await;

    // The teacher's list links the lesson and the group.
    let home = w.get(&cookie, "/journal").await;
    assert_eq!(home.status, StatusCode::OK);
    let html = home.text();
    assert!(
        html.contains(&format!("href=\"/journal/lesson/{}\"", lesson.id)),
        "{html}"
    );
    assert!(html.contains(&format!(
        "href=\"/journal/group/{}\"",
        lesson.subject_group_id
    )));
    assert!(html.contains("class=\"journal-lesson\""));

    // The grid has a cell for the student and the assignment.
    let grid = w
        .get(
            &cookie,
            &format!("/journal/group/{}", lesson.subject_group_id),
        )
        .await;
    assert_eq!(grid.status, StatusCode::OK, "{}", grid.text());
    let cell = format!("data-assignment=\"{assignment}\" data-student=\"{student_id}\"");
    assert!(grid.text().contains(&cell), "no cell {cell}");

    // Enter a mark, then change it: the history shows both values.
    let a = assignment.to_string();
    let s = student_id.to_string();
    let first = w
        .post(
            &cookie,
            "/journal/mark",
            &[("assignment", &a), ("student", &s), ("value", "3")],
        )
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text());
    assert_eq!(first.json()["value"], "3");
    let second = w
        .post(
            &cookie,
            "/journal/mark",
            &[("assignment", &a), ("student", &s), ("value", "5")],
        )
        .await;
    assert_eq!(second.json()["value"], "5");
    assert!(!second.json()["average"].as_str().unwrap().is_empty());
    let bad = w
        .post(
            &cookie,
            "/journal/mark",
            &[("assignment", &a), ("student", &s), ("value", "7")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.json()["error"].as_str().unwrap().contains("от 1 до 5"));
    let history = w
        .get(
            &cookie,
            &format!("/journal/mark-history?assignment={a}&student={s}"),
        )
        .await;
    assert_eq!(history.status, StatusCode::OK);
    let h = history.text();
    assert!(h.contains("id=\"mark-history\""));
    assert!(
        h.contains("<td class=\"history-old\">3</td><td class=\"history-new\">5</td>"),
        "{h}"
    );
    let mark = w
        .store()
        .journal_mark(assignment, student_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(mark.value, Some(5));
    // A comment and a duty flag through the form fallback.
    let form = w
        .post(
            &cookie,
            "/journal/mark-history",
            &[
                ("assignment", &a),
                ("student", &s),
                ("value", "4."),
                ("comment", "Переписать"),
            ],
        )
        .await;
    assert_eq!(form.status, StatusCode::SEE_OTHER, "{}", form.text());
    let mark = w
        .store()
        .journal_mark(assignment, student_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (mark.value, mark.duty, mark.comment.as_str()),
        (Some(4), true, "Переписать")
    );
    let history = w
        .store()
        .mark_history(assignment, student_id)
        .await
        .unwrap();
    let last = history.last().unwrap();
    assert_eq!(
        (last.old_value.as_str(), last.new_value.as_str()),
        ("5", "4.")
    );
    assert_eq!(last.new_comment, "Переписать");
    assert_eq!(last.changed_by, Some(w.id_of(&teacher).await));

    // Attendance of the lesson.
    let field = format!("attendance-{student_id}");
    let res = w
        .post(
            &cookie,
            &format!("/journal/lesson/{}/attendance", lesson.id),
            &[(&field, "Б")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let att = w.store().lesson_attendance(lesson.id).await.unwrap();
    assert!(
        att.iter()
            .any(|x| x.student_account_id == student_id && x.code == "Б")
    );
    let res = w
        .post(
            &cookie,
            &format!("/journal/lesson/{}/attendance", lesson.id),
            &[(&field, "XX")],
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);

    // Topic, then homework with a file.
    let res = w
        .post(
            &cookie,
            &format!("/journal/lesson/{}/topic", lesson.id),
            &[("topic", "Дроби")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        w.store()
            .journal_lesson(lesson.id)
            .await
            .unwrap()
            .unwrap()
            .topic,
        "Дроби"
    );
    let types = w
        .store()
        .assignment_types(lesson.organization_id, true)
        .await
        .unwrap();
    let type_id = types[0].id.to_string();
    let res = w
        .post_multipart(
            &cookie,
            &format!("/journal/lesson/{}/assignments", lesson.id),
            &[
                ("type", &type_id),
                ("title", "Упражнения 5–7"),
                ("description", "Стр. 40"),
                ("due", &(lesson.date + Duration::days(2)).to_string()),
                ("mandatory", "1"),
            ],
            &[("files", "задание.txt", "Решить задачи".as_bytes())],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let page = w
        .get(&cookie, &format!("/journal/lesson/{}", lesson.id))
        .await
        .text();
    assert!(page.contains("Упражнения 5–7"));
    let new_task = w
        .store()
        .lesson_assignments(lesson.id)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.title == "Упражнения 5–7")
        .unwrap();
    assert!(new_task.mandatory);
    assert_eq!(new_task.weight, types[0].default_weight);
    let files = w
        .store()
        .files_of("assignment", &[new_task.id])
        .await
        .unwrap();
    assert_eq!(files.len(), 1);
    assert!(page.contains(&format!("href=\"/files/{}\"", files[0].id)));
    // Without a title the form answers next to the field.
    let res = w
        .post_multipart(
            &cookie,
            &format!("/journal/lesson/{}/assignments", lesson.id),
            &[("type", &type_id), ("title", " ")],
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.text().contains("Укажите тему задания"));

    // The file: the student of the group downloads it, a student of another class gets 404.
    let url = format!("/files/{}", files[0].id);
    let mine = w.get(&w.cookie(&student).await, &url).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert_eq!(mine.body, "Решить задачи".as_bytes());
    let theirs = w.get(&w.cookie(&stranger).await, &url).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);

    // The audit log has the mark change.
    let log = w.store().recent_audit_log(50).await.unwrap();
    assert!(
        log.iter()
            .any(|e| e.action == "journal.mark" && e.details.contains("«3» → «5»"))
    );
}

async fn policy_and_csrf(engine: Engine) {
    let w = world(engine, 1).await;
    let (teacher, lesson, assignment) = teacher_with_lesson(&w).await;
    let (student, student_id, _) = students_in_and_out(&w, &lesson).await;
    let org = w.admin().organization_id;
    let a = assignment.to_string();
    let s = student_id.to_string();
    let teacher_id = w.id_of(&teacher).await;

    // A teacher who does not teach the group may not mark in it, nor add homework.
    let mut outsider = None;
    for t in w.all(Role::Teacher, org) {
        let id = w.id_of(&t).await;
        let ties = w
            .store()
            .group_ties(lesson.subject_group_id, id, None)
            .await
            .unwrap();
        if id != teacher_id && ties.teaches == 0 && ties.substitutes == 0 {
            outsider = Some(t);
            break;
        }
    }
    let outsider = outsider.expect("a teacher outside the group");
    let cookie = w.cookie(&outsider).await;
    let res = w
        .post(
            &cookie,
            "/journal/mark",
            &[("assignment", &a), ("student", &s), ("value", "2")],
        )
        .await;
    assert!(
        matches!(res.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "{}",
        res.status
    );
    assert!(res.json()["error"].is_string());
    let res = w
        .post_multipart(
            &cookie,
            &format!("/journal/lesson/{}/assignments", lesson.id),
            &[("type", "1"), ("title", "Чужое")],
            &[],
        )
        .await;
    assert!(matches!(
        res.status,
        StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
    ));
    let res = w
        .post(
            &cookie,
            &format!("/journal/lesson/{}/topic", lesson.id),
            &[("topic", "Чужая тема")],
        )
        .await;
    assert!(matches!(
        res.status,
        StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
    ));
    assert_ne!(
        w.store()
            .journal_lesson(lesson.id)
            .await
            .unwrap()
            .unwrap()
            .topic,
        "Чужая тема"
    );
    assert!(
        w.store()
            .mark_history(assignment, student_id)
            .await
            .unwrap()
            .is_empty()
    );

    // The administrator reads the grid but does not mark for the teacher.
    let admin = w.cookie(&w.admin()).await;
    let grid = w
        .get(
            &admin,
            &format!("/journal/group/{}", lesson.subject_group_id),
        )
        .await;
    assert_eq!(grid.status, StatusCode::OK);
    assert!(grid.text().contains("только просмотр"));
    let res = w
        .post(
            &admin,
            "/journal/mark",
            &[("assignment", &a), ("student", &s), ("value", "2")],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);

    // A student opens no journal.
    let res = w
        .get(
            &w.cookie(&student).await,
            &format!("/journal/group/{}", lesson.subject_group_id),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);

    // Without the CSRF field nothing is saved.
    let cookie = w.cookie(&teacher).await;
    let res = w
        .post_raw(
            &cookie,
            "/journal/mark",
            &[("assignment", &a), ("student", &s), ("value", "2")],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = w
        .post_raw(
            &cookie,
            "/journal/mark",
            &[
                ("assignment", &a),
                ("student", &s),
                ("value", "2"),
                ("csrf", "ffffffffffffffffffffffffffffffff"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(
        w.store()
            .mark_history(assignment, student_id)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn period_marks_and_types(engine: Engine) {
    let w = world(engine, 1).await;
    let (teacher, lesson, _) = teacher_with_lesson(&w).await;
    let (_, student_id, _) = students_in_and_out(&w, &lesson).await;
    let cookie = w.cookie(&teacher).await;
    let group = lesson.subject_group_id.to_string();
    let s = student_id.to_string();
    let g = w
        .store()
        .journal_group(lesson.subject_group_id)
        .await
        .unwrap()
        .unwrap();
    let periods = w
        .store()
        .periods(g.academic_year_id, g.grade)
        .await
        .unwrap();
    let p = periods[0].id.to_string();

    let res = w
        .post(
            &cookie,
            "/journal/final-mark",
            &[
                ("group", &group),
                ("student", &s),
                ("period", &p),
                ("value", "4"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let res = w
        .post(
            &cookie,
            "/journal/final-mark",
            &[
                ("group", &group),
                ("student", &s),
                ("period", ""),
                ("value", "5"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let res = w
        .post(
            &cookie,
            "/journal/final-mark",
            &[
                ("group", &group),
                ("student", &s),
                ("period", &p),
                ("value", "3"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let res = w
        .post(
            &cookie,
            "/journal/final-mark",
            &[
                ("group", &group),
                ("student", &s),
                ("period", ""),
                ("value", "."),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    let finals = w
        .store()
        .final_marks(lesson.subject_group_id)
        .await
        .unwrap();
    let mine: Vec<_> = finals
        .iter()
        .filter(|f| f.student_account_id == student_id)
        .collect();
    assert_eq!(mine.len(), 2);
    assert!(
        mine.iter()
            .any(|f| f.period_id == Some(periods[0].id) && f.value == Some(3))
    );
    assert!(
        mine.iter()
            .any(|f| f.period_id.is_none() && f.value == Some(5))
    );
    let grid = w
        .get(&cookie, &format!("/journal/group/{group}?period={p}"))
        .await
        .text();
    assert!(grid.contains("class=\"final-cell\""));
    assert!(grid.contains("td class=\"mark-average\""));

    // Assignment types: administration only.
    let res = w.get(&cookie, "/journal/types").await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let admin = w.cookie(&w.admin()).await;
    assert_eq!(w.get(&admin, "/journal/types").await.status, StatusCode::OK);
    let res = w
        .post(
            &admin,
            "/journal/types",
            &[
                ("name", "Проект"),
                ("abbr", "Пр"),
                ("weight", "25"),
                ("order", "50"),
                ("active", "1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let types = w
        .store()
        .assignment_types(g.organization_id, false)
        .await
        .unwrap();
    let project = types.iter().find(|t| t.name == "Проект").unwrap();
    assert_eq!((project.default_weight, project.active), (25, true));
    let res = w
        .post(
            &admin,
            "/journal/types",
            &[("name", "Ещё"), ("abbr", "пр"), ("weight", "0")],
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.text().contains("Такое сокращение уже есть") || res.text().contains("Вес"));
    let res = w
        .post(
            &admin,
            &format!("/journal/types/{}", project.id),
            &[
                ("name", "Проект"),
                ("abbr", "Пр"),
                ("weight", "30"),
                ("order", "50"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let t = w
        .store()
        .assignment_type(g.organization_id, project.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((t.default_weight, t.active), (30, false));
}

/// The mark the NetSchool diary answer shows on `assignment`.
fn diary_mark(diary: &serde_json::Value, assignment: i64) -> Option<i64> {
    diary["weekDays"]
        .as_array()?
        .iter()
        .flat_map(|d| d["lessons"].as_array().into_iter().flatten())
        .flat_map(|l| l["assignments"].as_array().into_iter().flatten())
        .find(|a| a["id"].as_i64() == Some(assignment))
        .and_then(|a| a["mark"]["mark"].as_i64())
}

/// The NetSchool diary keeps its rendered answer with the cached week
/// (`App::diary_week_rendered`): a mark written through the journal is in the very next diary
/// answer, with no waiting, each time it changes.
async fn a_mark_is_in_the_next_diary_answer(engine: Engine) {
    let w = world(engine, 1).await;
    let (teacher, lesson, assignment) = teacher_with_lesson(&w).await;
    let cookie = w.cookie(&teacher).await;
    let (student, student_id, _) = students_in_and_out(&w, &lesson).await;
    let at = w.sign_in_as(&student).await.token;
    let monday = sgo_core::calendar::week_start(lesson.date);
    let uri = format!(
        "/webapi/student/diary?studentId={student_id}&weekStart={monday}&weekEnd={}",
        monday + Duration::days(6)
    );
    let (a, s) = (assignment.to_string(), student_id.to_string());
    let (_, diary) = w.get_json(&uri, &at).await;
    let first = diary_mark(&diary, assignment);
    // Three values in a row, each different from the one before.
    let values: Vec<String> = [4, 2, 5, 3]
        .into_iter()
        .filter(|v| Some(*v) != first)
        .take(3)
        .map(|v| v.to_string())
        .collect();
    for value in &values {
        let value = value.as_str();
        // Read twice, so that the second answer comes from the cache.
        for _ in 0..2 {
            let (status, diary) = w.get_json(&uri, &at).await;
            assert_eq!(status, StatusCode::OK, "{diary}");
            assert_ne!(diary_mark(&diary, assignment), Some(value.parse().unwrap()));
        }
        let set = w
            .post(
                &cookie,
                "/journal/mark",
                &[("assignment", &a), ("student", &s), ("value", value)],
            )
            .await;
        assert_eq!(set.status, StatusCode::OK, "{}", set.text());
        let (_, diary) = w.get_json(&uri, &at).await;
        assert_eq!(diary_mark(&diary, assignment), Some(value.parse().unwrap()));
    }
}

both_engines!(
    marks_history_attendance_homework,
    policy_and_csrf,
    period_marks_and_types,
    a_mark_is_in_the_next_diary_answer,
);
