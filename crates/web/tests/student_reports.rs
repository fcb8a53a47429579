//! The reports on one student over the NetSchool API (spec §3.25–3.26) on both engines: the
//! catalogue and filters, the figures of «итоговые отметки» and of one subject's marks against
//! values the test computes from the raw rows, who may build them, and clear answers to mistakes.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use sgo_testkit::both_engines;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;

use axum::http::StatusCode;
use chrono::{Local, NaiveDate};
use serde_json::{Value, json};
use sgo_app::reports::ReportJobState;
use sgo_app::{Actor, Engine, Role};
use sgo_testkit::{Response, World, today, world};

/// The rows of the table under a caption: the text of every cell, tags stripped.
fn table(html: &str, caption: &str) -> Vec<Vec<String>> {
    let start = html
        .find(&format!("<h2>{caption}</h2>"))
        .unwrap_or_else(|| panic!("no table «{caption}» in\n{html}"));
    let rest = &html[start..];
    let body = &rest[..rest.find("</table>").unwrap()];
    body.split("<tr")
        .skip(1)
        .map(|row| {
            let row = &row[..row.find("</tr>").unwrap()];
            row.split("<t")
                .skip(1)
                .filter(|c| c.starts_with('d') || c.starts_with('h'))
                .map(|c| {
                    let inner = &c[c.find('>').unwrap() + 1..];
                    let inner = &inner[..inner.find("</t").unwrap()];
                    inner
                        .replace("&quot;", "\"")
                        .replace("&#39;", "'")
                        .replace("&lt;", "<")
                        .replace("&gt;", ">")
                        .replace("&amp;", "&")
                })
                .collect()
        })
        .collect()
}

fn date(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

fn comma(v: f64) -> String {
    format!("{v:.2}").replace('.', ",")
}

async fn actor_of(w: &World, at: &str) -> Actor {
    w.app.authenticate_token(at).await.unwrap().actor
}

fn pick(filter: &str, value: impl ToString) -> Value {
    json!({"filterId": filter, "filterValue": value.to_string(), "filterText": ""})
}

/// Queues a report and, when it was accepted, waits for it and reads the file.
/// Asks for `report` with `selected` and checks the answer's status.
async fn assert_status(
    w: &World,
    at: &str,
    report: &str,
    selected: Vec<Value>,
    expected: StatusCode,
) {
    let res = build(w, at, report, selected).await;
    assert_eq!(res.status, expected, "{report}: {}", res.text());
}

async fn build(w: &World, at: &str, report: &str, selected: Vec<Value>) -> Response {
    let body = json!({
        "selectedData": selected,
        "params": [{"name": "SCHOOLYEARID", "value": "1"}, {"name": "SERVERTIMEZONE", "value": 3}],
    });
    let queued = w
        .api_post(at, &format!("reports/{report}/queue"), body)
        .await;
    if queued.status != StatusCode::OK {
        return queued;
    }
    let answer = queued.json();
    let task = answer["taskId"].as_i64().unwrap();
    assert!(!answer["queueKey"].as_str().unwrap().is_empty());
    let job = w
        .app
        .wait_report_job(&actor_of(w, at).await, task, Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(job.state, ReportJobState::Done, "{:?}", job.error);
    let file = w.api_get(at, &format!("files/{task}")).await;
    assert_eq!(file.status, StatusCode::OK, "{}", file.text());
    assert!(file.header("content-type").starts_with("text/html"));
    file
}

/// The filter sources of a report by id.
fn filters(res: &Response) -> HashMap<String, Value> {
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    res.json()["filterSources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["filterId"].as_str().unwrap().to_owned(), f.clone()))
        .collect()
}

fn default_of(f: &HashMap<String, Value>, id: &str) -> String {
    f[id]["defaultValue"].as_str().unwrap().to_owned()
}

async fn student_reports(engine: Engine) {
    let w = world(engine, 2).await;
    let admin = w.admin();
    let org = admin.organization_id;
    let student = w.first(Role::Student, org);
    let student_id = w.id_of(&student).await;
    let at = w.token(&student).await;

    // The catalogue and the filters as netschoolpy reads them.
    let catalogue = w.api_get(&at, "reports").await;
    assert_eq!(catalogue.status, StatusCode::OK);
    let ids: Vec<String> = catalogue.json()[0]["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_lowercase())
        .collect();
    assert!(ids.contains(&"studenttotalmarks".to_owned()), "{ids:?}");
    assert!(ids.contains(&"studentgrades".to_owned()), "{ids:?}");
    let total_filters = filters(&w.api_get(&at, "reports/studenttotalmarks").await);
    assert_eq!(default_of(&total_filters, "SID"), student_id.to_string());
    let class_id: i64 = default_of(&total_filters, "PCLID").parse().unwrap();
    let class = w.store().people_class(class_id).await.unwrap().unwrap();
    assert_eq!(
        total_filters["PCLID"]["items"][0]["title"],
        format!("{}{}", class.grade, class.letter)
    );
    for alias in ["StudentTotal", "STUDENTTOTALMARKS", "StudentAverageMark"] {
        assert_eq!(
            w.api_get(&at, &format!("reports/{alias}")).await.status,
            StatusCode::OK
        );
    }
    let grade_filters = filters(&w.api_get(&at, "reports/StudentGrades").await);
    let periods = w
        .store()
        .periods(class.academic_year_id, class.grade)
        .await
        .unwrap();
    let current = periods
        .iter()
        .find(|p| p.start_date <= today() && today() <= p.end_date)
        .unwrap();
    assert_eq!(default_of(&grade_filters, "TERMID"), current.id.to_string());
    assert_eq!(
        grade_filters["TERMID"]["items"].as_array().unwrap().len(),
        periods.len()
    );
    assert_eq!(
        grade_filters["period"]["range"],
        json!({
            "start": current.start_date.format("%Y-%m-%dT00:00:00").to_string(),
            "end": current.end_date.format("%Y-%m-%dT00:00:00").to_string(),
        })
    );
    let groups: Vec<(i64, String)> = grade_filters["SGID"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["value"].as_str().unwrap().parse().unwrap(),
                i["title"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(groups.len() > 3, "{groups:?}");

    // Period and year marks the teachers set: a 4 and a code in the first period, a year mark.
    let year = w
        .store()
        .years(org)
        .await
        .unwrap()
        .into_iter()
        .find(|y| y.id == class.academic_year_id)
        .unwrap();
    let first = &periods[0];
    let now = chrono::Utc::now();
    let admin_id = w.id_of(&admin).await;
    for (group, period, mark) in [
        (groups[0].0, Some(first.id), (Some(4), None)),
        (groups[0].0, None, (Some(5), None)),
        (groups[1].0, Some(first.id), (None, Some("н/а".to_owned()))),
    ] {
        w.store()
            .set_final_mark(group, student_id, period, Some(mark), admin_id, now)
            .await
            .unwrap();
    }

    // «Итоговые отметки» against the stored marks and the raw diary rows of the year.
    let file = build(
        &w,
        &at,
        "studenttotalmarks",
        vec![pick("SID", student_id), pick("PCLID", class_id)],
    )
    .await;
    let html = file.text();
    let marks = table(&html, "Итоговые отметки");
    let mut header = vec!["№".to_owned(), "Предмет".to_owned()];
    header.extend(periods.iter().map(|p| p.name.clone()));
    header.extend(["Годовая", "Экзамен", "Итоговая"].map(String::from));
    assert_eq!(marks[0], header);
    let finals = w
        .store()
        .student_final_marks(student_id, year.id)
        .await
        .unwrap();
    let lessons = w
        .store()
        .diary_lessons(student_id, year.start_date, year.end_date)
        .await
        .unwrap();
    let group_of: HashMap<i64, i64> = lessons
        .iter()
        .map(|l| (l.lesson_id, l.subject_group_id))
        .collect();
    let subject_names: HashSet<String> = lessons.iter().map(|l| l.subject_name.clone()).collect();
    assert_eq!(marks.len() - 1, groups.len());
    let shown: HashSet<String> = marks[1..].iter().map(|r| r[1].clone()).collect();
    assert_eq!(shown, subject_names);
    for (i, (row, (group, title))) in marks[1..].iter().zip(&groups).enumerate() {
        assert_eq!(row[0], (i + 1).to_string());
        assert_eq!(&row[1], title);
        let of = |period: Option<i64>| {
            finals
                .iter()
                .find(|f| f.subject_group_id == *group && f.period_id == period)
                .map(|f| {
                    f.value
                        .map(|v| v.to_string())
                        .or(f.code.clone())
                        .unwrap_or_default()
                })
                .unwrap_or_default()
        };
        for (p, period) in periods.iter().enumerate() {
            assert_eq!(row[2 + p], of(Some(period.id)), "{title} {}", period.name);
        }
        let n = row.len();
        assert_eq!(row[n - 3], of(None), "{title}: year");
        assert_eq!(row[n - 2], "", "{title}: exam");
        assert_eq!(row[n - 1], of(None), "{title}: final");
    }
    assert_eq!(marks[1][2], "4");
    assert_eq!(marks[1][marks[1].len() - 3], "5");
    assert_eq!(marks[2][2], "н/а");
    // Σ mark × weight, Σ weight, count, missed lessons per subject group.
    let mut sums: BTreeMap<i64, (i64, i64, usize, usize)> = BTreeMap::new();
    for a in w
        .store()
        .diary_assignments(student_id, year.start_date, year.end_date)
        .await
        .unwrap()
    {
        if let (Some(v), Some(g)) = (
            a.mark_value.filter(|v| (1..=5).contains(v)),
            group_of.get(&a.lesson_id),
        ) {
            let e = sums.entry(*g).or_default();
            e.0 += i64::from(v) * i64::from(a.weight);
            e.1 += i64::from(a.weight);
            e.2 += 1;
        }
    }
    for at_row in w
        .store()
        .diary_attendance(student_id, year.start_date, year.end_date)
        .await
        .unwrap()
    {
        if ["ОТ", "Б", "УП", "НП"].contains(&at_row.code.as_str())
            && let Some(g) = group_of.get(&at_row.lesson_id)
        {
            sums.entry(*g).or_default().3 += 1;
        }
    }
    let year_rows = table(&html, "Средний балл и пропуски за год");
    let mut all_marks = 0;
    let mut all_missed = 0;
    for (row, (group, title)) in year_rows[1..].iter().zip(&groups) {
        let (sum, weight, count, missed) = sums.get(group).copied().unwrap_or_default();
        assert_eq!(&row[0], title);
        let avg = (weight > 0).then(|| comma(sum as f64 / weight as f64));
        assert_eq!(row[1], avg.unwrap_or_default(), "{title}");
        assert_eq!(row[2], count.to_string(), "{title}");
        assert_eq!(row[3], missed.to_string(), "{title}");
        all_marks += count;
        all_missed += missed;
    }
    assert!(all_marks > 0, "the demo student has marks this year");
    let last = year_rows.last().unwrap();
    assert_eq!(last[0], "Всего");
    assert_eq!(last[2], all_marks.to_string());
    assert_eq!(last[3], all_missed.to_string());

    // One subject's marks against the diary's rows of the group in the current period.
    let (group, title) = groups
        .iter()
        .find(|(g, _)| {
            lessons
                .iter()
                .any(|l| l.subject_group_id == *g && l.date >= current.start_date)
        })
        .cloned()
        .unwrap();
    let expected_grades = |from: NaiveDate, to: NaiveDate| {
        let w = &w;
        async move {
            let of_group: HashSet<i64> = w
                .store()
                .diary_lessons(student_id, from, to)
                .await
                .unwrap()
                .into_iter()
                .filter(|l| l.subject_group_id == group)
                .map(|l| l.lesson_id)
                .collect();
            let mut rows = vec![vec![
                "Тип задания".to_owned(),
                "Тема задания".to_owned(),
                "Дата урока".to_owned(),
                "Дата выставления оценки".to_owned(),
                "Оценка".to_owned(),
            ]];
            for a in w
                .store()
                .diary_assignments(student_id, from, to)
                .await
                .unwrap()
            {
                if !of_group.contains(&a.lesson_id) || a.mark_id.is_none() {
                    continue;
                }
                let Some(mark) = a
                    .mark_value
                    .map(|v| v.to_string())
                    .or(a.mark_code.clone().filter(|c| !c.is_empty()))
                else {
                    continue;
                };
                let set_on = a
                    .mark_set_at
                    .map_or(a.lesson_date, |t| t.with_timezone(&Local).date_naive());
                rows.push(vec![
                    a.type_name.clone(),
                    a.title.clone(),
                    date(a.lesson_date),
                    date(set_on),
                    mark,
                ]);
            }
            rows
        }
    };
    let file = build(
        &w,
        &at,
        "studentgrades",
        vec![
            pick("SID", student_id),
            pick("PCLID", class_id),
            pick("TERMID", current.id),
            pick("SGID", group),
            pick("period", default_of(&grade_filters, "period")),
        ],
    )
    .await;
    let got = table(&file.text(), "Оценки");
    let want = expected_grades(current.start_date, current.end_date).await;
    assert!(want.len() > 1, "the demo student has marks in {title}");
    assert_eq!(got, want);
    assert!(file.text().contains(&format!("<dd>{title}</dd>")));
    // A period chosen without an interval reads that period's days.
    let file = build(
        &w,
        &at,
        "studentgrades",
        vec![
            pick("SID", student_id),
            pick("TERMID", first.id),
            pick("SGID", group),
        ],
    )
    .await;
    assert_eq!(
        table(&file.text(), "Оценки"),
        expected_grades(first.start_date, first.end_date).await
    );

    policy(&w, org, student_id, class_id, &groups).await;
    mistakes(&w, &at, student_id, class_id, group).await;
}

/// Who may build the reports on the student: themself, their parents, their teachers and
/// class teacher, the school's administration; nobody else, and ids reveal nothing.
async fn policy(w: &World, org: i64, student_id: i64, class_id: i64, groups: &[(i64, String)]) {
    let total = |student: i64| vec![pick("SID", student), pick("PCLID", class_id)];
    let grades = |student: i64, group: i64| {
        vec![
            pick("SID", student),
            pick("SGID", group),
            pick(
                "period",
                "2026-09-01T00:00:00.0000000 - 2026-11-23T00:00:00.0000000",
            ),
        ]
    };
    let ok = StatusCode::OK;
    let hidden = StatusCode::NOT_FOUND;
    let classmates = w
        .store()
        .students_of_class(class_id, today())
        .await
        .unwrap();
    let classmate = *classmates.iter().find(|s| **s != student_id).unwrap();

    // The student: only themself.
    let at = w.token(&w.first(Role::Student, org)).await;
    assert_status(w, &at, "studenttotalmarks", total(classmate), hidden).await;

    // A parent: their children, nobody else's.
    let mut parent_checked = false;
    for parent in w.all(Role::Parent, org) {
        let children: Vec<i64> = w
            .store()
            .children(w.id_of(&parent).await, today())
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.account_id)
            .collect();
        if !children.contains(&student_id) {
            continue;
        }
        let at = w.token(&parent).await;
        let form = filters(&w.api_get(&at, "reports/studenttotalmarks").await);
        let offered: Vec<i64> = form["SID"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["value"].as_str().unwrap().parse().unwrap())
            .collect();
        assert_eq!(
            offered.iter().collect::<HashSet<_>>(),
            children.iter().collect()
        );
        assert_status(w, &at, "studenttotalmarks", total(student_id), ok).await;
        let other = *classmates
            .iter()
            .find(|s| !children.contains(s))
            .expect("a classmate who is not this parent's child");
        assert_status(w, &at, "studenttotalmarks", total(other), hidden).await;
        assert_status(w, &at, "studentgrades", grades(other, groups[0].0), hidden).await;
        parent_checked = true;
        break;
    }
    assert!(
        parent_checked,
        "the demo student has a parent with a password"
    );

    // Teachers: a subject teacher for the groups they teach, the class teacher for all of them.
    let year = w
        .store()
        .people_class(class_id)
        .await
        .unwrap()
        .unwrap()
        .academic_year_id;
    let mut subject_teacher = None;
    let mut class_teacher = None;
    let mut stranger = None;
    for t in w.all(Role::Teacher, org) {
        let id = w.id_of(&t).await;
        let leads = w
            .store()
            .classes_led_by(id, year)
            .await
            .unwrap()
            .contains(&class_id);
        let mut taught = Vec::new();
        for (g, _) in groups {
            if w.store().group_ties(*g, id, None).await.unwrap().teaches != 0 {
                taught.push(*g);
            }
        }
        if leads {
            class_teacher.get_or_insert(t);
        } else if !taught.is_empty() && taught.len() < groups.len() {
            subject_teacher.get_or_insert((t, taught));
        } else if taught.is_empty() {
            stranger.get_or_insert(t);
        }
    }
    let (teacher, taught) = subject_teacher.expect("a subject teacher of the student");
    let at = w.token(&teacher).await;
    // The form offers a subject teacher the students of the groups they teach.
    let offered: Vec<String> =
        filters(&w.api_get(&at, "reports/studenttotalmarks").await)["SID"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["value"].as_str().unwrap().to_owned())
            .collect();
    assert!(offered.contains(&student_id.to_string()), "{offered:?}");
    let other_group = groups.iter().find(|(g, _)| !taught.contains(g)).unwrap().0;
    assert_status(w, &at, "studentgrades", grades(student_id, taught[0]), ok).await;
    assert_status(
        w,
        &at,
        "studentgrades",
        grades(student_id, other_group),
        hidden,
    )
    .await;
    assert_status(w, &at, "studenttotalmarks", total(student_id), ok).await;
    let at = w
        .token(&class_teacher.expect("the class has a class teacher"))
        .await;
    assert_status(w, &at, "studentgrades", grades(student_id, other_group), ok).await;
    let at = w
        .token(&stranger.expect("a teacher with no tie to the student"))
        .await;
    for res in [
        build(w, &at, "studenttotalmarks", total(student_id)).await,
        build(w, &at, "studentgrades", grades(student_id, groups[0].0)).await,
    ] {
        assert_eq!(res.status, hidden, "{}", res.text());
    }

    // The administration of the school, and not of another school.
    let at = w.token(&w.first(Role::Administrator, org)).await;
    assert_status(w, &at, "studenttotalmarks", total(student_id), ok).await;
    let foreign = w
        .accounts
        .iter()
        .find(|a| a.organization_id != org && a.role == Role::Administrator)
        .unwrap()
        .clone();
    let at = w.token(&foreign).await;
    assert_status(w, &at, "studenttotalmarks", total(student_id), hidden).await;
    assert_status(w, &at, "studenttotalmarks", total(999_999), hidden).await;
}

/// Mistakes get a clear 4xx with a message, never a 500.
async fn mistakes(w: &World, at: &str, student_id: i64, class_id: i64, group: i64) {
    let status = |res: &Response, want: StatusCode| {
        assert_eq!(res.status, want, "{}", res.text());
        assert!(
            res.json()["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{}",
            res.text()
        );
    };
    status(
        &w.api_get(at, "reports/ClassJournal").await,
        StatusCode::NOT_FOUND,
    );
    status(
        &build(w, at, "nosuchreport", vec![pick("SID", student_id)]).await,
        StatusCode::NOT_FOUND,
    );
    for (report, selected) in [
        ("studenttotalmarks", vec![pick("SID", student_id)]),
        ("studenttotalmarks", vec![pick("PCLID", class_id)]),
        (
            "studenttotalmarks",
            vec![pick("SID", "Иванов"), pick("PCLID", class_id)],
        ),
        (
            "studentgrades",
            vec![pick("SID", student_id), pick("SGID", group)],
        ),
        (
            "studentgrades",
            vec![
                pick("SID", student_id),
                pick("SGID", group),
                pick("period", "2026-11-23T00:00:00 - 2026-09-01T00:00:00"),
            ],
        ),
        (
            "studentgrades",
            vec![
                pick("SID", student_id),
                pick("SGID", group),
                pick("period", "вчера - сегодня"),
            ],
        ),
        (
            "studentgrades",
            vec![
                pick("SID", student_id),
                pick("SGID", group),
                pick("TERMID", 999_999),
            ],
        ),
    ] {
        status(
            &build(w, at, report, selected).await,
            StatusCode::BAD_REQUEST,
        );
    }
    for body in [
        json!({"params": []}),
        json!("text"),
        json!({"selectedData": [{"filterValue": "1"}]}),
    ] {
        status(
            &w.api_post(at, "reports/studenttotalmarks/queue", body)
                .await,
            StatusCode::BAD_REQUEST,
        );
    }
    // Another year's class of the school: the student was never in it.
    let other_class = w
        .store()
        .report_classes(sgo_store::ReportScope::Class(class_id))
        .await
        .unwrap()[0]
        .clone();
    let classes = w
        .store()
        .report_classes(sgo_store::ReportScope::Year(other_class.academic_year_id))
        .await
        .unwrap();
    let not_theirs = classes.iter().find(|c| c.id != class_id).unwrap().id;
    status(
        &build(
            w,
            at,
            "studenttotalmarks",
            vec![pick("SID", student_id), pick("PCLID", not_theirs)],
        )
        .await,
        StatusCode::BAD_REQUEST,
    );
    // A file is only for the account that queued it; nonsense ids are simply not there.
    let queued = w
        .api_post(
            at,
            "reports/studenttotalmarks/queue",
            json!({"selectedData": [pick("SID", student_id), pick("PCLID", class_id)]}),
        )
        .await
        .json();
    let task = queued["taskId"].as_i64().unwrap();
    w.app
        .wait_report_job(&actor_of(w, at).await, task, Duration::from_secs(60))
        .await
        .unwrap();
    let admin = w.token(&w.admin()).await;
    status(
        &w.api_get(&admin, &format!("files/{task}")).await,
        StatusCode::NOT_FOUND,
    );
    status(&w.api_get(at, "files/abc").await, StatusCode::NOT_FOUND);
    status(&w.api_get(at, "files/999999").await, StatusCode::NOT_FOUND);
    assert_eq!(
        w.api_get("", "reports").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        w.api_get(at, "earlyaccess?accessKey=irtechsignalr")
            .await
            .status,
        StatusCode::OK
    );
}

both_engines!(student_reports);
