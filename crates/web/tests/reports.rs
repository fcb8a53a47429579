//! School reports through HTTP on both engines: the class progress figures against values the
//! test computes itself from the raw marks, the XLSX read back, and who may build what.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use sgo_testkit::both_engines;
use std::collections::{BTreeMap, HashMap};
use std::io::Cursor;

use axum::http::StatusCode;
use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use sgo_app::{Engine, OrganizationKind, Role};
use sgo_store::{OrganizationFields, PeriodRecord, ReportScope};
use sgo_testkit::{World, today, world};

/// The selected `class:period` of the catalogue's class-progress select, and every offered
/// value.
fn offered(page: &str) -> (String, Vec<String>) {
    options(select_of(page, "class-progress-target"))
}

/// The markup of one select of a page, empty when the page has none.
fn select_of<'a>(page: &'a str, id: &str) -> &'a str {
    let Some(at) = page.find(&format!("<select id=\"{id}\"")) else {
        return "";
    };
    &page[at..at + page[at..].find("</select>").unwrap()]
}

/// The selected option of some markup (else the first), and every option's value.
fn options(page: &str) -> (String, Vec<String>) {
    let mut selected = None;
    let mut all = Vec::new();
    for part in page.split("<option value=\"").skip(1) {
        let value = part.split('"').next().unwrap().to_owned();
        if part.split('>').next().unwrap().contains("selected") {
            selected = Some(value.clone());
        }
        all.push(value);
    }
    (
        selected
            .or_else(|| all.first().cloned())
            .unwrap_or_default(),
        all,
    )
}

/// The cell right after a `<td>label</td>` in the page.
fn value_after(page: &str, label: &str) -> String {
    let at = page
        .find(&format!("<td>{label}</td>"))
        .unwrap_or_else(|| panic!("no {label}"));
    let rest = &page[at + label.len() + 9..];
    let start = rest.find('>').unwrap() + 1;
    rest[start..rest.find("</td>").unwrap()].to_owned()
}

/// Orders a report through the catalogue's form; the response to the order.
async fn order(w: &World, cookie: &str, report: &str, target: &str) -> sgo_testkit::Response {
    w.post(
        cookie,
        "/reports/jobs",
        &[("report", report), ("target", target)],
    )
    .await
}

/// Orders a report and waits for it to be built; the address of the finished report's page.
async fn built(w: &World, cookie: &str, report: &str, target: &str) -> String {
    built_with(w, cookie, &[("report", report), ("target", target)]).await
}

/// Orders a report with the form's fields and waits for it to be built.
async fn built_with(w: &World, cookie: &str, fields: &[(&str, &str)]) -> String {
    let report = fields[0].1;
    let res = w.post(cookie, "/reports/jobs", fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let job = res.location();
    assert!(job.starts_with("/reports/jobs/"), "{job}");
    for _ in 0..500 {
        let page = w.get(cookie, &job).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text());
        let text = page.text();
        assert!(!text.contains("id=\"job-error\""), "{text}");
        if text.contains("id=\"report-title\"") {
            return job;
        }
        // The page of a job still building refreshes itself and shows how far it got.
        assert!(text.contains("http-equiv=\"refresh\""), "{text}");
        assert!(text.contains("id=\"job-progress\""), "{text}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("{report} was not built in 10 s");
}

/// What the test expects, from the diary's raw marks and the stored period marks.
struct Expected {
    students: usize,
    successful: usize,
    quality: usize,
    distribution: [u32; 5],
    averages: HashMap<i64, String>,
}

/// The class's school year, the period and the day the report takes the class's roster on.
async fn class_period(w: &World, class_id: i64, period_id: i64) -> (i64, PeriodRecord, NaiveDate) {
    let class = w.store().people_class(class_id).await.unwrap().unwrap();
    let period = w
        .store()
        .periods(class.academic_year_id, class.grade)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.id == period_id)
        .unwrap();
    let on = period.end_date.min(today());
    (class.academic_year_id, period, on)
}

async fn expected(w: &World, class_id: i64, period_id: i64) -> Expected {
    let (year_id, period, on) = class_period(w, class_id, period_id).await;
    let students = w.store().students_of_class(class_id, on).await.unwrap();
    let mut e = Expected {
        students: students.len(),
        successful: 0,
        quality: 0,
        distribution: [0; 5],
        averages: HashMap::new(),
    };
    for &s in &students {
        // subject → (Σ mark × weight, Σ weight)
        let mut sums: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        for l in w
            .store()
            .diary_lessons(s, period.start_date, period.end_date)
            .await
            .unwrap()
        {
            sums.entry(l.subject_name).or_default();
        }
        let (mut all_sum, mut all_weight) = (0i64, 0i64);
        for a in w
            .store()
            .diary_assignments(s, period.start_date, period.end_date)
            .await
            .unwrap()
        {
            if let Some(v) = a.mark_value.filter(|v| (1..=5).contains(v)) {
                let entry = sums.entry(a.subject_name.clone()).or_default();
                entry.0 += i64::from(v) * i64::from(a.weight);
                entry.1 += i64::from(a.weight);
                all_sum += i64::from(v) * i64::from(a.weight);
                all_weight += i64::from(a.weight);
                e.distribution[(v - 1) as usize] += 1;
            }
        }
        let finals: HashMap<String, i32> = w
            .store()
            .student_final_marks(s, year_id)
            .await
            .unwrap()
            .into_iter()
            .filter(|f| f.period_id == Some(period_id))
            .filter_map(|f| f.value.map(|v| (f.subject_name, v)))
            .collect();
        let results: Vec<Option<i64>> = sums
            .iter()
            .map(|(subject, &(sum, weight))| {
                if let Some(&f) = finals.get(subject) {
                    Some(i64::from(f))
                } else if weight > 0 {
                    // Half up: 4,5 → 5; in integers, ⌊(2·sum + weight) / (2·weight)⌋.
                    Some((2 * sum + weight) / (2 * weight))
                } else {
                    None
                }
            })
            .collect();
        if !results.is_empty() && results.iter().all(|r| r.is_some_and(|m| m >= 3)) {
            e.successful += 1;
        }
        if !results.is_empty() && results.iter().all(|r| r.is_some_and(|m| m >= 4)) {
            e.quality += 1;
        }
        if all_weight > 0 {
            let avg = all_sum as f64 / all_weight as f64;
            e.averages.insert(s, format!("{avg:.2}").replace('.', ","));
        }
    }
    e
}

fn percent(part: usize, whole: usize) -> String {
    format!("{:.1}", part as f64 * 100.0 / whole as f64).replace('.', ",")
}

/// A class-progress report ordered by the administration of the first of two schools, read
/// back as a page, with the figures the journal holds for its class and period.
struct Ordered {
    w: World,
    org: i64,
    cookie: String,
    /// `class:period` as the form sends it.
    target: String,
    /// Every target the administration is offered.
    all: Vec<String>,
    class_id: i64,
    period_id: i64,
    /// The finished report's address.
    uri: String,
    /// The report as a page.
    report: sgo_testkit::Response,
    e: Expected,
}

async fn class_progress_ordered(engine: Engine) -> Ordered {
    let w = world(engine, 2).await;
    let admin = w.admin();
    let org = admin.organization_id;
    let cookie = w.cookie(&admin).await;

    let page = w.get(&cookie, "/reports").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("id=\"class-progress-form\""));
    let (target, all) = offered(&page.text());
    let (class_id, period_id) = target.split_once(':').unwrap();
    let (class_id, period_id): (i64, i64) = (class_id.parse().unwrap(), period_id.parse().unwrap());

    let uri = built(&w, &cookie, "class-progress", &target).await;
    let report = w.get(&cookie, &uri).await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.text());
    let e = expected(&w, class_id, period_id).await;
    Ordered {
        w,
        org,
        cookie,
        target,
        all,
        class_id,
        period_id,
        uri,
        report,
        e,
    }
}

async fn class_progress_figures_are_the_journals(engine: Engine) {
    let Ordered { w, report, e, .. } = &class_progress_ordered(engine).await;
    let html = report.text();
    assert!(
        e.distribution.iter().sum::<u32>() > 0,
        "the demo class has marks in the period"
    );
    assert_eq!(
        value_after(&html, "Учеников в классе"),
        e.students.to_string()
    );
    assert_eq!(value_after(&html, "Успевающих"), e.successful.to_string());
    assert_eq!(value_after(&html, "На «4» и «5»"), e.quality.to_string());
    assert_eq!(
        value_after(&html, "Успеваемость, %"),
        percent(e.successful, e.students)
    );
    assert_eq!(
        value_after(&html, "Качество знаний, %"),
        percent(e.quality, e.students)
    );
    for (value, count) in e.distribution.iter().enumerate().rev() {
        assert_eq!(
            value_after(&html, &format!("Оценок «{}»", value + 1)),
            count.to_string(),
            "marks {}",
            value + 1
        );
    }
    for (student, avg) in &e.averages {
        let person = w.store().person_card(*student).await.unwrap().unwrap();
        let name = format!(
            "{} {} {}",
            person.last_name, person.first_name, person.middle_name
        );
        let row = html
            .split(&format!("<td>{}</td>", name.trim()))
            .nth(1)
            .unwrap();
        let row = &row[..row.find("</tr>").unwrap()];
        assert!(
            row.contains(&format!(">{avg}</td>")),
            "{name}: {avg} in {row}"
        );
    }
}

async fn the_class_progress_workbook_and_pdf_carry_the_same_figures(engine: Engine) {
    let Ordered {
        w, cookie, uri, e, ..
    } = &class_progress_ordered(engine).await;
    // The same figures in the workbook, numbers as numbers.
    let xlsx = w.get(cookie, &format!("{uri}/file?format=xlsx")).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.header("content-type").contains("spreadsheetml"));
    assert!(xlsx.header("content-disposition").contains(".xlsx"));
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(xlsx.body.clone())).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["Итоги по ученикам", "Сводка", "С «2» или без оценок"]
    );
    let summary = book.worksheet_range("Сводка").unwrap();
    let value_of = |label: &str| {
        summary
            .rows()
            .find(|r| r.first() == Some(&Data::String(label.into())))
            .map(|r| r[1].clone())
            .unwrap_or_else(|| panic!("no {label} in the sheet"))
    };
    assert_eq!(
        value_of("Учеников в классе"),
        Data::Float(e.students as f64)
    );
    let Data::Float(success) = value_of("Успеваемость, %") else {
        panic!("not a number")
    };
    assert!((success - e.successful as f64 * 100.0 / e.students as f64).abs() < 1e-9);

    let pdf = w.get(cookie, &format!("{uri}/file?format=pdf")).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert!(pdf.body.starts_with(b"%PDF"));
}

async fn class_attendance_counts_each_students_missed_lessons_for_the_administration_only(
    engine: Engine,
) {
    let Ordered {
        w,
        org,
        cookie,
        target,
        class_id,
        period_id,
        ..
    } = &class_progress_ordered(engine).await;
    let (org, class_id, period_id) = (*org, *class_id, *period_id);
    // Attendance of the same class and period: each student's missed lessons (every code but
    // late and exempt) from the diary's own attendance rows.
    let attendance_uri = built(w, cookie, "class-attendance", target).await;
    let attendance = w.get(cookie, &attendance_uri).await;
    assert_eq!(attendance.status, StatusCode::OK, "{}", attendance.text());
    let page = attendance.text();
    let (_, period, on) = class_period(w, class_id, period_id).await;
    let mut class_missed = 0;
    for s in w.store().students_of_class(class_id, on).await.unwrap() {
        let missed = w
            .store()
            .diary_attendance(s, period.start_date, period.end_date)
            .await
            .unwrap()
            .iter()
            .filter(|a| ["ОТ", "Б", "УП", "НП"].contains(&a.code.as_str()))
            .count();
        class_missed += missed;
        let person = w.store().person_card(s).await.unwrap().unwrap();
        let name = format!(
            "{} {} {}",
            person.last_name, person.first_name, person.middle_name
        );
        assert_eq!(
            value_after(&page, name.trim()),
            missed.to_string(),
            "{name}"
        );
    }
    assert_eq!(
        value_after(&page, "Итого по классу"),
        class_missed.to_string()
    );
    let xlsx = w
        .get(cookie, &format!("{attendance_uri}/file?format=xlsx"))
        .await;
    assert_eq!(xlsx.status, StatusCode::OK);
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(xlsx.body.clone())).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["Пропуски по ученикам", "Пропуски по предметам"]
    );
    let sheet = book.worksheet_range("Пропуски по ученикам").unwrap();
    let total = sheet
        .rows()
        .find(|r| r.get(1) == Some(&Data::String("Итого по классу".into())))
        .unwrap();
    assert_eq!(total[2], Data::Float(class_missed as f64));
    let parent = w.cookie(&w.first(Role::Parent, org)).await;
    assert_eq!(
        order(w, &parent, "class-attendance", target).await.status,
        StatusCode::NOT_FOUND
    );
    // Someone else's finished report is not theirs to read.
    assert_eq!(
        w.get(&parent, &attendance_uri).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.get(&parent, &format!("{attendance_uri}/file?format=xlsx"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

async fn journal_filling_counts_the_lessons_held_and_their_marks(engine: Engine) {
    let Ordered {
        w,
        cookie,
        target,
        class_id,
        period_id,
        e,
        ..
    } = &class_progress_ordered(engine).await;
    let (class_id, period_id) = (*class_id, *period_id);
    let (_, period, on) = class_period(w, class_id, period_id).await;
    // The lesson rows of the journal-filling report decode on both engines (a boolean made by
    // a comparison, a count) and hold at least the marks the progress report counted.
    let lessons = w
        .store()
        .report_lessons(
            ReportScope::Class(class_id),
            period.start_date,
            period.end_date,
        )
        .await
        .unwrap();
    assert!(!lessons.is_empty());
    assert!(lessons.iter().all(|l| l.class_id == class_id));
    let marks: i64 = lessons.iter().map(|l| l.marks).sum();
    assert!(
        marks >= i64::from(e.distribution.iter().sum::<u32>()),
        "{marks}"
    );

    // The journal filling counts the lessons held up to the report's day.
    let held: Vec<_> = lessons.iter().filter(|l| l.date <= on).collect();
    let filling = built(w, cookie, "journal-filling", target).await;
    let row = row_after(&w.get(cookie, &filling).await.text(), "Итого по классу");
    assert_eq!(row[0], held.len().to_string());
    assert_eq!(
        row[1],
        held.iter().filter(|l| !l.has_topic).count().to_string()
    );
    assert_eq!(
        row[2],
        held.iter().map(|l| l.marks).sum::<i64>().to_string()
    );
}

async fn report_mistakes_get_a_clear_answer_and_the_catalogue_lists_the_reports(engine: Engine) {
    let Ordered {
        w,
        cookie,
        target,
        class_id,
        uri,
        ..
    } = &class_progress_ordered(engine).await;
    // Mistakes get a clear answer, not a 500.
    for (report, bad, status) in [
        ("class-progress", "abc".to_owned(), StatusCode::BAD_REQUEST),
        (
            "class-progress",
            format!("{class_id}:999999"),
            StatusCode::BAD_REQUEST,
        ),
        (
            "class-progress",
            "999999:1".to_owned(),
            StatusCode::NOT_FOUND,
        ),
        ("no-such-report", target.clone(), StatusCode::BAD_REQUEST),
    ] {
        let res = order(w, cookie, report, &bad).await;
        assert_eq!(res.status, status, "{report} {bad}");
    }
    let res = w.get(cookie, &format!("{uri}/file?format=doc")).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    for missing in [
        "/reports/jobs/999999",
        "/reports/jobs/999999/file?format=pdf",
    ] {
        assert_eq!(w.get(cookie, missing).await.status, StatusCode::NOT_FOUND);
    }
    // The form without its CSRF token is refused.
    let res = w
        .post_raw(
            cookie,
            "/reports/jobs",
            &[("report", "class-progress"), ("target", target)],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    // The account's reports are listed in the catalogue.
    let catalogue = w.get(cookie, "/reports").await.text();
    let job_id = uri.rsplit('/').next().unwrap();
    assert!(catalogue.contains(&format!("id=\"report-job-{job_id}\"")));
}

async fn class_reports_reach_only_the_class_teacher_and_the_schools_administration(engine: Engine) {
    let Ordered {
        w,
        org,
        target,
        all,
        class_id,
        uri,
        ..
    } = &class_progress_ordered(engine).await;
    let (org, class_id) = (*org, *class_id);
    // The class teacher gets only the classes they lead; other teachers, parents and students
    // none; another school's administration cannot reach this school's class.
    let year = w.store().current_year(org, today()).await.unwrap().unwrap();
    let mut class_teacher = None;
    let mut other_teacher = None;
    for t in w.all(Role::Teacher, org) {
        let led = w
            .store()
            .classes_led_by(w.id_of(&t).await, year.id)
            .await
            .unwrap();
        if led.contains(&class_id) && class_teacher.is_none() {
            class_teacher = Some((t, led));
        } else if led.is_empty() && other_teacher.is_none() {
            other_teacher = Some(t);
        }
    }
    let (class_teacher, led) = class_teacher.expect("the demo class has a class teacher");
    let ct = w.cookie(&class_teacher).await;
    let (_, theirs) = offered(&w.get(&ct, "/reports").await.text());
    assert!(!theirs.is_empty());
    assert!(
        theirs
            .iter()
            .all(|v| led.contains(&v.split_once(':').unwrap().0.parse().unwrap()))
    );
    assert!(theirs.len() < all.len());
    built(w, &ct, "class-progress", target).await;
    let others: Vec<String> = vec![
        w.cookie(&other_teacher.expect("a teacher without a class"))
            .await,
        w.cookie(&w.first(Role::Parent, org)).await,
        w.cookie(&w.first(Role::Student, org)).await,
    ];
    let foreign_admin = w
        .accounts
        .iter()
        .find(|a| a.organization_id != org && a.role == Role::Administrator)
        .unwrap()
        .clone();
    for c in &others {
        assert_eq!(
            order(w, c, "class-progress", target).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(w.get(c, uri).await.status, StatusCode::NOT_FOUND);
        // Families still have the reports on a student; none on a class.
        let page = w.get(c, "/reports").await.text();
        assert!(!page.contains("id=\"class-progress-form\""), "{page}");
    }
    // A teacher without a class has no class reports, only the reports on the students of the
    // groups they teach.
    let page = w.get(&others[0], "/reports").await.text();
    assert!(!page.contains("id=\"period-results-form\""), "{page}");
    assert!(page.contains("id=\"report-student\""), "{page}");
    let foreign = w.cookie(&foreign_admin).await;
    assert_eq!(
        order(w, &foreign, "class-progress", target).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(w.get(&foreign, uri).await.status, StatusCode::NOT_FOUND);
    let (_, foreign_offer) = offered(&w.get(&foreign, "/reports").await.text());
    assert!(foreign_offer.iter().all(|v| !all.contains(v)));
}

/// The cell texts after the `<td>label</td>` cell, up to the end of its row.
fn row_after(page: &str, label: &str) -> Vec<String> {
    let at = page
        .find(&format!("<td>{label}</td>"))
        .unwrap_or_else(|| panic!("no {label}"));
    let rest = &page[at + label.len() + 9..];
    let row = &rest[..rest.find("</tr>").unwrap()];
    row.split("</td>")
        .filter_map(|c| c.rsplit_once('>').map(|(_, t)| t.to_owned()))
        .collect()
}

/// Students, successful and quality of a school today, class by class on each class's period
/// holding today, computed from the diary's raw rows.
async fn school_expected(w: &World, org: i64) -> [usize; 4] {
    let year = w.store().current_year(org, today()).await.unwrap().unwrap();
    let mut sums = [0; 4];
    for class in w.store().classes(year.id).await.unwrap() {
        let period = w
            .store()
            .periods(year.id, class.grade)
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.start_date <= today() && today() <= p.end_date)
            .expect("the demo's periods cover every school day");
        let e = expected(w, class.id, period.id).await;
        sums[0] += e.students;
        sums[1] += e.successful;
        sums[2] += e.quality;
        // Missed lessons of the class's students in its period, from the diary's own rows.
        for s in w
            .store()
            .students_of_class(class.id, today())
            .await
            .unwrap()
        {
            sums[3] += w
                .store()
                .diary_attendance(s, period.start_date, period.end_date)
                .await
                .unwrap()
                .iter()
                .filter(|a| ["ОТ", "Б", "УП", "НП"].contains(&a.code.as_str()))
                .count();
        }
    }
    sums
}

/// The row after a label in the section that follows a caption.
fn row_in_section(page: &str, caption: &str, label: &str) -> Vec<String> {
    let at = page
        .find(&format!("{caption}</h2>"))
        .unwrap_or_else(|| panic!("no section {caption}"));
    row_after(&page[at..], label)
}

async fn period_results(engine: Engine) {
    let w = world(engine, 2).await;
    let admin = w.admin();
    let org = admin.organization_id;
    let other_org = w
        .accounts
        .iter()
        .find(|a| a.organization_id != org && a.role == Role::Administrator)
        .unwrap()
        .organization_id;
    let day = today().format("%Y-%m-%d").to_string();
    let order_results = |cookie: String| {
        let w = &w;
        let day = day.clone();
        async move {
            w.post(
                &cookie,
                "/reports/jobs",
                &[("report", "period-results"), ("on", &day)],
            )
            .await
        }
    };

    // A school's administration: its classes, with the school's total.
    let cookie = w.cookie(&admin).await;
    let uri = built_with(&w, &cookie, &[("report", "period-results"), ("on", &day)]).await;
    let page = w.get(&cookie, &uri).await.text();
    let mine = school_expected(&w, org).await;
    assert!(mine[0] > 0);
    let total = row_after(&page, "Итого по школе");
    assert_eq!(
        total[1..4],
        [mine[0], mine[1], mine[2]].map(|n| n.to_string())
    );
    assert_eq!(total[6], percent(mine[1], mine[0]));
    assert_eq!(total[7], percent(mine[2], mine[0]));
    assert!(mine[3] > 0, "the demo school has missed lessons");
    let missed = row_in_section(&page, "Посещаемость по классам", "Итого по школе");
    assert_eq!(missed[1], mine[3].to_string());

    // The municipal authority's officer: every school it oversees, with the territory's total.
    let uo = w
        .accounts
        .iter()
        .find(|a| a.role == Role::AuthorityOfficer)
        .expect("the demo has a municipal authority officer")
        .clone();
    assert_eq!(uo.login, "uo1");
    let uo_cookie = w.cookie(&uo).await;
    let catalogue = w.get(&uo_cookie, "/reports").await.text();
    assert!(catalogue.contains("id=\"period-results-form\""));
    assert!(!catalogue.contains("id=\"class-progress-form\""));
    let uri = built_with(
        &w,
        &uo_cookie,
        &[("report", "period-results"), ("on", &day)],
    )
    .await;
    let page = w.get(&uo_cookie, &uri).await.text();
    let theirs = school_expected(&w, other_org).await;
    let school = |id: i64| {
        w.accounts
            .iter()
            .find(|a| a.organization_id == id)
            .unwrap()
            .organization_short_name
            .clone()
    };
    let (mine_name, theirs_name) = (school(org), school(other_org));
    for (name, sums) in [(&mine_name, mine), (&theirs_name, theirs)] {
        let row = row_after(&page, name);
        assert_eq!(
            row[1..4],
            [sums[0], sums[1], sums[2]].map(|n| n.to_string()),
            "{name}"
        );
    }
    for (name, sums) in [(&mine_name, mine), (&theirs_name, theirs)] {
        let row = row_in_section(&page, "Посещаемость по школам", name);
        assert_eq!(row[1], sums[3].to_string(), "{name}");
    }
    let missed = row_in_section(&page, "Посещаемость по школам", "Итого по территории");
    assert_eq!(missed[1], (mine[3] + theirs[3]).to_string());
    let total = row_after(&page, "Итого по территории");
    let all = [
        mine[0] + theirs[0],
        mine[1] + theirs[1],
        mine[2] + theirs[2],
    ];
    assert_eq!(total[1..4], all.map(|n| n.to_string()));
    assert_eq!(total[6], percent(all[1], all[0]));

    // The XLSX keeps numbers as numbers.
    let xlsx = w.get(&uo_cookie, &format!("{uri}/file?format=xlsx")).await;
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(xlsx.body.clone())).unwrap();
    let sheet = book.worksheet_range("По школам").unwrap();
    let total = sheet
        .rows()
        .find(|r| r.get(2) == Some(&Data::String("Итого по территории".into())))
        .unwrap();
    assert_eq!(total[4], Data::Float(all[0] as f64));

    // The officer may narrow the report to one school of the territory: its classes, its total.
    let offered_schools = options_of(&catalogue, "period-results-school");
    let theirs_id = other_org.to_string();
    assert!(offered_schools.contains(&theirs_id), "{offered_schools:?}");
    let uri = built_with(
        &w,
        &uo_cookie,
        &[
            ("report", "period-results"),
            ("on", &day),
            ("school", &theirs_id),
        ],
    )
    .await;
    let page = w.get(&uo_cookie, &uri).await.text();
    assert!(page.contains(&theirs_name), "{page}");
    let total = row_after(&page, "Итого по школе");
    assert_eq!(
        total[1..4],
        [theirs[0], theirs[1], theirs[2]].map(|n| n.to_string())
    );
    let bad = w
        .post(
            &uo_cookie,
            "/reports/jobs",
            &[
                ("report", "period-results"),
                ("on", &day),
                ("school", "abc"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.text().contains("Выберите школу из списка"));

    // Move the second school to a new municipality with its own authority: the first
    // authority's officer no longer sees it; the region sees both, with a total for each.
    let card = w.store().organization(other_org).await.unwrap().unwrap();
    let municipality = w
        .store()
        .create_municipality(card.region_id, "Новый муниципальный округ")
        .await
        .unwrap();
    let settlement = w
        .store()
        .create_settlement(municipality, "с. Новое")
        .await
        .unwrap();
    let fields = |kind, short: &str, authority| OrganizationFields {
        settlement_id: settlement,
        kind: Some(kind),
        short_name: short.to_owned(),
        full_name: short.to_owned(),
        name_norm: sgo_core::text::normalise(short),
        authority_id: authority,
        inn: card.inn.clone(),
        ogrn: card.ogrn.clone(),
        post_address: String::new(),
        juridical_address: String::new(),
        phones: String::new(),
        fax: String::new(),
        email: String::new(),
        web: String::new(),
        director: String::new(),
        principal_uvr: String::new(),
        principal_ahc: String::new(),
        principal_it: String::new(),
        about: String::new(),
        founding_date: None,
    };
    let new_uo = w
        .store()
        .create_organization(&fields(
            OrganizationKind::MunicipalAuthority,
            "УО Новый",
            card.authority_id,
        ))
        .await
        .unwrap();
    w.store()
        .update_organization(
            other_org,
            &fields(OrganizationKind::General, &card.short_name, Some(new_uo)),
        )
        .await
        .unwrap();
    let uri = built_with(
        &w,
        &uo_cookie,
        &[("report", "period-results"), ("on", &day)],
    )
    .await;
    let page = w.get(&uo_cookie, &uri).await.text();
    assert!(page.contains(&format!("<td>{mine_name}</td>")));
    assert!(!page.contains(&format!("<td>{theirs_name}</td>")), "{page}");
    assert_eq!(
        row_after(&page, "Итого по территории")[1],
        mine[0].to_string()
    );
    // Nor may they narrow the report to it any more.
    let refused = w
        .post(
            &uo_cookie,
            "/reports/jobs",
            &[
                ("report", "period-results"),
                ("on", &day),
                ("school", &theirs_id),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.text());

    let region = w
        .accounts
        .iter()
        .find(|a| a.role == Role::RegionAdministrator)
        .unwrap()
        .clone();
    let region_cookie = w.cookie(&region).await;
    let uri = built_with(
        &w,
        &region_cookie,
        &[("report", "period-results"), ("on", &day)],
    )
    .await;
    let page = w.get(&region_cookie, &uri).await.text();
    assert!(page.contains(&format!("<td>{theirs_name}</td>")));
    // One total per municipality in each of the two sections.
    let progress = &page[..page.find("Посещаемость по школам</h2>").unwrap()];
    assert_eq!(progress.matches("Итого по муниципалитету").count(), 2);
    assert_eq!(page.matches("Итого по муниципалитету").count(), 4);
    assert_eq!(
        row_after(&page, "Итого по территории")[1],
        all[0].to_string()
    );

    // Nobody else gets school summaries; a bad date is a clear error.
    for role in [Role::Teacher, Role::Parent, Role::Student] {
        let c = w.cookie(&w.first(role, org)).await;
        assert_eq!(
            order_results(c).await.status,
            StatusCode::NOT_FOUND,
            "{role:?}"
        );
    }
    let res = w
        .post(
            &cookie,
            "/reports/jobs",
            &[("report", "period-results"), ("on", "32.13.2026")],
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.text().contains("Укажите дату"));
}

/// The `<option>` values of one select of a page.
fn options_of(page: &str, select_id: &str) -> Vec<String> {
    let select = select_of(page, select_id);
    assert!(!select.is_empty(), "no #{select_id}");
    options(select).1
}

/// The reports on one student through the pages: a parent is offered and gets reports on their
/// children only, a student on themself only, and a mistyped form comes back with a message.
async fn student_reports_in_pages(engine: Engine) {
    let w = world(engine, 1).await;
    let org = w.admin().organization_id;
    let student = w.first(Role::Student, org);
    let student_id = w.id_of(&student).await;
    let student_cookie = w.cookie(&student).await;

    let page = w.get(&student_cookie, "/reports").await.text();
    assert!(page.contains("id=\"report-student\""), "{page}");
    // A student has no choice of whom: themself, in their class.
    assert!(!page.contains("id=\"student-choice\""));
    let class = w
        .store()
        .student(student_id, today())
        .await
        .unwrap()
        .unwrap()
        .class_id
        .unwrap();
    assert!(options_of(&page, "student-total-marks-class").contains(&class.to_string()));
    let groups = options_of(&page, "student-grades-group");
    assert!(!groups.is_empty());
    let me = student_id.to_string();
    let class_text = class.to_string();
    let job = built_with(
        &w,
        &student_cookie,
        &[
            ("report", "student-total-marks"),
            ("student", &me),
            ("class", &class_text),
        ],
    )
    .await;
    let report = w.get(&student_cookie, &job).await.text();
    assert!(
        report.contains("Отчёт об успеваемости и посещаемости ученика"),
        "{report}"
    );
    assert!(report.contains(&student.display_name), "{report}");
    let job = built_with(
        &w,
        &student_cookie,
        &[
            ("report", "student-grades"),
            ("student", &me),
            ("group", &groups[0]),
            ("from", "2026-09-01"),
            ("to", "2026-11-23"),
        ],
    )
    .await;
    assert_eq!(w.get(&student_cookie, &job).await.status, StatusCode::OK);

    // Mistakes come back to the catalogue with a message, nothing is queued.
    let bad_day = w
        .post(
            &student_cookie,
            "/reports/jobs",
            &[
                ("report", "student-grades"),
                ("student", &me),
                ("group", &groups[0]),
                ("from", "01.09.2026"),
                ("to", "2026-11-23"),
            ],
        )
        .await;
    assert_eq!(bad_day.status, StatusCode::BAD_REQUEST);
    assert!(bad_day.text().contains("ГГГГ-ММ-ДД"));
    let no_student = w
        .post(
            &student_cookie,
            "/reports/jobs",
            &[("report", "student-total-marks"), ("class", &class_text)],
        )
        .await;
    assert_eq!(no_student.status, StatusCode::BAD_REQUEST);
    assert!(no_student.text().contains("Выберите ученика"));

    // A parent: the choice holds their children and nobody else.
    let classmates = w.store().students_of_class(class, today()).await.unwrap();
    let mut checked = false;
    for parent in w.all(Role::Parent, org) {
        let children: Vec<String> = w
            .store()
            .children(w.id_of(&parent).await, today())
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.account_id.to_string())
            .collect();
        let Some(stranger) = classmates
            .iter()
            .map(ToString::to_string)
            .find(|s| !children.contains(s))
        else {
            continue;
        };
        let cookie = w.cookie(&parent).await;
        let page = w.get(&cookie, "/reports").await.text();
        let mut offered_children = if children.len() > 1 {
            options_of(&page, "student-choice")
        } else {
            vec![value_of_hidden(&page, "student")]
        };
        offered_children.sort();
        let mut want = children.clone();
        want.sort();
        assert_eq!(offered_children, want);
        let refused = w
            .post(
                &cookie,
                "/reports/jobs",
                &[
                    ("report", "student-total-marks"),
                    ("student", &stranger),
                    ("class", &class_text),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.text());
        checked = true;
        break;
    }
    assert!(checked, "no parent with a child to check");
}

/// The value of the first hidden input of that name.
fn value_of_hidden(page: &str, name: &str) -> String {
    let marker = format!("type=\"hidden\" name=\"{name}\" value=\"");
    let at = page.find(&marker).unwrap_or_else(|| panic!("no {name}")) + marker.len();
    page[at..at + page[at..].find('"').unwrap()].to_owned()
}

both_engines!(
    class_progress_figures_are_the_journals,
    the_class_progress_workbook_and_pdf_carry_the_same_figures,
    class_attendance_counts_each_students_missed_lessons_for_the_administration_only,
    journal_filling_counts_the_lessons_held_and_their_marks,
    report_mistakes_get_a_clear_answer_and_the_catalogue_lists_the_reports,
    class_reports_reach_only_the_class_teacher_and_the_schools_administration,
    period_results,
    student_reports_in_pages
);
