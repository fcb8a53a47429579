//! School reports through HTTP on both engines: the class progress figures against values the
//! test computes itself from the raw marks, the XLSX read back, and who may build what.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use std::collections::{BTreeMap, HashMap};
use std::io::Cursor;

use axum::http::StatusCode;
use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use common::{World, today, world};
use sgo_app::{Engine, Role};
use sgo_store::{PeriodRecord, ReportScope};

/// The selected `class:period` of the catalogue's select, and every offered value.
fn offered(page: &str) -> (String, Vec<String>) {
    let mut selected = None;
    let mut all = Vec::new();
    for part in page.split("<option value=\"").skip(1) {
        let value = part.split('"').next().unwrap().to_owned();
        if part.split('>').next().unwrap().contains("selected") {
            selected = Some(value.clone());
        }
        all.push(value);
    }
    (selected.unwrap_or_else(|| all[0].clone()), all)
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

async fn class_progress(engine: Engine) {
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

    let uri = format!("/reports/class-progress?target={target}");
    let report = w.get(&cookie, &uri).await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.text());
    let html = report.text();
    let e = expected(&w, class_id, period_id).await;
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

    // The same figures in the workbook, numbers as numbers.
    let xlsx = w.get(&cookie, &format!("{uri}&format=xlsx")).await;
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

    let pdf = w.get(&cookie, &format!("{uri}&format=pdf")).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert!(pdf.body.starts_with(b"%PDF"));

    // Attendance of the same class and period: each student's missed lessons (every code but
    // late and exempt) from the diary's own attendance rows.
    let attendance = w
        .get(
            &cookie,
            &format!("/reports/class-attendance?target={target}"),
        )
        .await;
    assert_eq!(attendance.status, StatusCode::OK, "{}", attendance.text());
    let page = attendance.text();
    let (_, period, on) = class_period(&w, class_id, period_id).await;
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
        .get(
            &cookie,
            &format!("/reports/class-attendance?target={target}&format=xlsx"),
        )
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
    assert_eq!(
        w.get(
            &w.cookie(&w.first(Role::Parent, org)).await,
            &format!("/reports/class-attendance?target={target}")
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );

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

    // Mistakes get a clear answer, not a 500.
    for (bad, status) in [
        ("target=abc".to_owned(), StatusCode::BAD_REQUEST),
        (format!("target={class_id}:999999"), StatusCode::BAD_REQUEST),
        (
            format!("target={target}&format=doc"),
            StatusCode::BAD_REQUEST,
        ),
        ("target=999999:1".to_owned(), StatusCode::NOT_FOUND),
    ] {
        let res = w
            .get(&cookie, &format!("/reports/class-progress?{bad}"))
            .await;
        assert_eq!(res.status, status, "{bad}");
    }

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
    assert_eq!(w.get(&ct, &uri).await.status, StatusCode::OK);
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
        assert_eq!(w.get(c, &uri).await.status, StatusCode::NOT_FOUND);
        assert!(
            w.get(c, "/reports")
                .await
                .text()
                .contains("id=\"reports-empty\"")
        );
    }
    let foreign = w.cookie(&foreign_admin).await;
    assert_eq!(w.get(&foreign, &uri).await.status, StatusCode::NOT_FOUND);
    let (_, foreign_offer) = offered(&w.get(&foreign, "/reports").await.text());
    assert!(foreign_offer.iter().all(|v| !all.contains(v)));
}

#[tokio::test]
async fn class_progress_on_sqlite() {
    class_progress(Engine::Sqlite).await;
}

#[tokio::test]
async fn class_progress_on_postgres() {
    class_progress(Engine::Postgres).await;
}
