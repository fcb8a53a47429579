//! School set-up through the real router on both engines: the demo school's administrator lays
//! out a new year, a class, a subject, a subject group, bells and a timetable; the generated
//! lessons reach a student's NetSchool diary; a cancelled lesson leaves it; others are refused.
//! Then the corrections of what was set up. Each test runs the steps before its own (the
//! set-up it needs) and is named for the behaviour its last step checks.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde_json::Value as Json;
use sgo_app::{Engine, Role};
use sgo_core::schedule::{PeriodKind, suggest_periods};
use sgo_store::{AcademicYearRecord, ClassRecord, Store, Value};
use sgo_testkit::{SignedIn, World, both_engines};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// Who acts: the first school's administrator, teacher and student, and the second school's
/// administrator.
struct Cast {
    admin: SignedIn,
    teacher: SignedIn,
    student: SignedIn,
    stranger: SignedIn,
}

/// Two demo schools with two students per class, and the cast signed in.
async fn setup(engine: Engine) -> (World, Cast) {
    let w = World::build(engine)
        .schools(2)
        .students_per_class(2)
        .start()
        .await;
    let cast = Cast {
        admin: w.sign_in(Role::Administrator, 0).await,
        teacher: w.sign_in(Role::Teacher, 0).await,
        student: w.sign_in(Role::Student, 0).await,
        stranger: w.sign_in(Role::Administrator, 1).await,
    };
    (w, cast)
}

/// The (date, subject) of every lesson in a student's NetSchool diary for a week.
async fn diary(
    w: &World,
    student: &SignedIn,
    year: i64,
    monday: NaiveDate,
) -> Vec<(String, String)> {
    let uri = format!(
        "/webapi/student/diary?studentId={}&weekStart={monday}&weekEnd={}&yearId={year}",
        student.id,
        monday + Duration::days(5)
    );
    let res = w
        .api_get(&student.token, uri.trim_start_matches("/webapi/"))
        .await;
    let (status, body) = res.status_text();
    assert_eq!(status, StatusCode::OK, "{body}");
    let diary: Json = serde_json::from_str(&body).unwrap();
    let mut out = Vec::new();
    for day in diary["weekDays"].as_array().unwrap() {
        for l in day["lessons"].as_array().unwrap() {
            out.push((
                day["date"].as_str().unwrap()[..10].to_owned(),
                l["subjectName"].as_str().unwrap().to_owned(),
            ));
        }
    }
    out
}

/// The number after `prefix` in a string (an id in a Location or an element id).
fn id_after(text: &str, prefix: &str) -> i64 {
    let at = text
        .find(prefix)
        .unwrap_or_else(|| panic!("no {prefix} in {text}"))
        + prefix.len();
    text[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

/// The value of the `<option>` whose text is `label`.
fn option_value(html: &str, label: &str) -> String {
    let end = html.find(&format!(">{label}</option>")).unwrap();
    let start = html[..end].rfind("value=\"").unwrap() + 7;
    html[start..end].split('"').next().unwrap().to_owned()
}

// The set-up journey, step by step.

/// A new year 2027/2028, its name taken from the dates; a year ending before it starts or
/// overlapping the demo year is refused.
async fn create_year(w: &World, c: &Cast) -> i64 {
    let admin = &c.admin;
    let (status, body) = w.get(&admin.cookie, "/school/years").await.status_text();
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("id=\"create-year\"") && body.contains("2026/2027"));
    let (status, _, body) = w
        .post(
            &admin.cookie,
            "/school/years",
            &[("start", "2027-09-01"), ("end", "2027-08-01"), ("name", "")],
        )
        .await
        .status_location_text();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("class=\"field-error\">Конец года должен быть позже начала"));
    let (status, _, body) = w
        .post(
            &admin.cookie,
            "/school/years",
            &[("start", "2027-05-01"), ("end", "2027-12-31"), ("name", "")],
        )
        .await
        .status_location_text();
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "overlaps the demo year"
    );
    assert!(body.contains("Пересекается с учебным годом 2026/2027"));
    let (status, location, _) = w
        .post(
            &admin.cookie,
            "/school/years",
            &[("start", "2027-09-01"), ("end", "2028-05-31"), ("name", "")],
        )
        .await
        .status_location_text();
    assert_eq!(status, StatusCode::SEE_OTHER);
    let year = id_after(&location, "/school/years/");
    let (_, body) = w
        .get(&admin.cookie, &format!("/school/years/{year}"))
        .await
        .status_text();
    assert!(body.contains("Учебный год 2027/2028"));

    year
}

/// Quarters for 1–9 with the suggested dates; half-years for 10–11, first with an overlap.
async fn set_periods(w: &World, c: &Cast, year: i64) {
    let admin = &c.admin;
    let (status, body) = w
        .get(
            &admin.cookie,
            &format!("/school/years/{year}/scheme?grade_from=1&grade_to=9&kind=quarter"),
        )
        .await
        .status_text();
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("id=\"period-end-4\"") && body.contains("value=\"2027-09-01\""));
    let quarters = suggest_periods(PeriodKind::Quarter, d(2027, 9, 1), d(2028, 5, 31));
    let q: Vec<String> = quarters
        .iter()
        .flat_map(|(a, b)| [a.to_string(), b.to_string()])
        .collect();
    let scheme = |from: &'static str, to: &'static str, kind: &'static str, dates: &[String]| {
        let mut f: Vec<(String, String)> = vec![
            ("grade_from".into(), from.into()),
            ("grade_to".into(), to.into()),
            ("kind".into(), kind.into()),
        ];
        for (i, pair) in dates.chunks(2).enumerate() {
            f.push((format!("start_{}", i + 1), pair[0].clone()));
            f.push((format!("end_{}", i + 1), pair[1].clone()));
        }
        f
    };
    let post_scheme = |fields: Vec<(String, String)>| {
        let w = &w;
        let admin = &admin;
        async move {
            let refs: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            w.post(
                &admin.cookie,
                &format!("/school/years/{year}/scheme"),
                &refs,
            )
            .await
            .status_location_text()
        }
    };
    let (status, location, _) = post_scheme(scheme("1", "9", "quarter", &q)).await;
    assert_eq!(
        (status, location.as_str()),
        (
            StatusCode::SEE_OTHER,
            &*format!("/school/years/{year}?saved=periods")
        )
    );
    let overlapping: Vec<String> = ["2027-09-01", "2028-01-20", "2028-01-10", "2028-05-31"]
        .map(String::from)
        .to_vec();
    let (status, _, body) = post_scheme(scheme("10", "11", "half_year", &overlapping)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("id=\"period-error-2\">Период пересекается с предыдущим"),
        "{body}"
    );
    let (status, _, body) = post_scheme(scheme(
        "9",
        "11",
        "half_year",
        &overlapping[..2]
            .iter()
            .chain(["2028-01-21".to_owned(), "2028-05-31".to_owned()].iter())
            .cloned()
            .collect::<Vec<_>>(),
    ))
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("уже заданы периоды"));
    let halves: Vec<String> = ["2027-09-01", "2027-12-31", "2028-01-10", "2028-05-31"]
        .map(String::from)
        .to_vec();
    let (status, _, _) = post_scheme(scheme("10", "11", "half_year", &halves)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

/// A holiday week in October, and one that sticks out of the year.
async fn add_holidays(w: &World, c: &Cast, year: i64) {
    let admin = &c.admin;
    let holiday_uri = format!("/school/years/{year}/holidays");
    let (status, _, body) = w
        .post(
            &admin.cookie,
            &holiday_uri,
            &[
                ("holiday_name", "Лишние"),
                ("holiday_start", "2028-05-30"),
                ("holiday_end", "2028-06-05"),
            ],
        )
        .await
        .status_location_text();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Каникулы должны быть внутри учебного года"));
    let (status, _, _) = w
        .post(
            &admin.cookie,
            &holiday_uri,
            &[
                ("holiday_name", "Осенние каникулы"),
                ("holiday_start", "2027-10-04"),
                ("holiday_end", "2027-10-08"),
            ],
        )
        .await
        .status_location_text();
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, body) = w
        .get(&admin.cookie, &format!("/school/years/{year}"))
        .await
        .status_text();
    assert!(
        body.contains("1 четверть")
            && body.contains("2 полугодие")
            && body.contains("Осенние каникулы")
    );
}

/// A class 5Я of the second shift with a class teacher.
async fn create_class(w: &World, c: &Cast, year: i64) -> i64 {
    let (admin, teacher) = (&c.admin, &c.teacher);
    let year_s = year.to_string();
    let teacher_s = teacher.id.to_string();
    let class_form = |letter: &'static str| {
        vec![
            ("year", year_s.clone()),
            ("grade", "5".into()),
            ("letter", letter.into()),
            ("profile", "".into()),
            ("room", "21".into()),
            ("shift", "2".into()),
            ("teacher", teacher_s.clone()),
        ]
    };
    let post_class = |fields: Vec<(&'static str, String)>| {
        let w = &w;
        let admin = &admin;
        async move {
            let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            w.post(&admin.cookie, "/school/classes", &refs)
                .await
                .status_location_text()
        }
    };
    let (status, _, body) = post_class(class_form("Z")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("id=\"letter-error\""));
    let (status, location, _) = post_class(class_form("я")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let class = id_after(&location, "/school/classes/");
    let (status, _, body) = post_class(class_form("Я")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Такой класс в этом году уже есть"));
    let (_, body) = w
        .get(&admin.cookie, &format!("/school/classes?year={year}"))
        .await
        .status_text();
    assert!(body.contains(&format!("id=\"class-{class}\"")) && body.contains(">5Я</a>"));

    class
}

/// A subject and a subject group of the class.
async fn create_group(w: &World, c: &Cast, class: i64) -> i64 {
    let (admin, teacher_s) = (&c.admin, c.teacher.id.to_string());
    let (status, _, _) = w
        .post(
            &admin.cookie,
            "/school/subjects",
            &[("subject_name", "Астрономия"), ("short_name", "Астр.")],
        )
        .await
        .status_location_text();
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, body) = w
        .post(
            &admin.cookie,
            "/school/subjects",
            &[("subject_name", "астрономия"), ("short_name", "")],
        )
        .await
        .status_location_text();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Такой предмет в школе уже есть"));
    let (_, body) = w
        .get(&admin.cookie, &format!("/school/classes/{class}"))
        .await
        .status_text();
    let subject = option_value(&body, "Астрономия");
    let group_uri = format!("/school/classes/{class}/groups");
    let (status, _, body) = w
        .post(
            &admin.cookie,
            &group_uri,
            &[("subject", &subject), ("subgroup", ""), ("hours", "2")],
        )
        .await
        .status_location_text();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Выберите хотя бы одного учителя"));
    let (status, _, _) = w
        .post(
            &admin.cookie,
            &group_uri,
            &[
                ("subject", &subject),
                ("subgroup", ""),
                ("teachers", &teacher_s),
                ("hours", "2"),
            ],
        )
        .await
        .status_location_text();
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, body) = w
        .get(&admin.cookie, &format!("/school/classes/{class}"))
        .await
        .status_text();
    assert!(body.contains("5Я/Астрономия"));
    id_after(&body, "id=\"delete-group-")
}

/// Bells of the second shift; an overlap is refused next to the bell.
async fn set_bells(w: &World, c: &Cast) {
    let admin = &c.admin;
    let (status, _, body) = w
        .post(
            &admin.cookie,
            "/school/bells",
            &[
                ("shift", "2"),
                ("start_1", "14:00"),
                ("end_1", "14:45"),
                ("start_2", "14:40"),
                ("end_2", "15:25"),
            ],
        )
        .await
        .status_location_text();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("id=\"bell-2-2-error\">Урок пересекается с уроком №1"));
    let (status, _, _) = w
        .post(
            &admin.cookie,
            "/school/bells",
            &[
                ("shift", "2"),
                ("start_1", "14:00"),
                ("end_1", "14:45"),
                ("start_2", "14:55"),
                ("end_2", "15:40"),
            ],
        )
        .await
        .status_location_text();
    assert_eq!(status, StatusCode::SEE_OTHER);
}

/// The timetable: Monday 1st lesson and Wednesday 2nd lesson, from the first day.
async fn save_timetable(w: &World, c: &Cast, class: i64, group: i64) {
    let admin = &c.admin;
    let (status, body) = w
        .get(&admin.cookie, &format!("/school/classes/{class}/timetable"))
        .await
        .status_text();
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("id=\"cell-1-1\"")
            && body.contains("id=\"cell-6-2\"")
            && !body.contains("id=\"cell-1-3\"")
    );
    let g = group.to_string();
    let tt_uri = format!("/school/classes/{class}/timetable");
    let (status, location, _) = w
        .post(
            &admin.cookie,
            &tt_uri,
            &[
                ("valid_from", "2027-09-01"),
                ("cell_1_1", &g),
                ("room_1_1", "30"),
                ("cell_3_2", &g),
                ("room_3_2", ""),
                ("cell_2_1", ""),
            ],
        )
        .await
        .status_location_text();
    assert_eq!(status, StatusCode::SEE_OTHER);
    let expected = (0..)
        .map(|i| d(2027, 9, 1) + Duration::days(i))
        .take_while(|day| *day <= d(2028, 5, 31))
        .filter(|day| matches!(day.weekday(), Weekday::Mon | Weekday::Wed))
        .filter(|day| !(d(2027, 10, 4)..=d(2027, 10, 8)).contains(day))
        .count();
    assert!(
        location.contains(&format!("created={expected}&deleted=0&kept=0")),
        "{location}"
    );
    let (_, body) = w.get(&admin.cookie, &location).await.status_text();
    assert!(body.contains(&format!("Уроков создано: {expected}")));
    assert!(
        body.contains(&format!("<option value=\"{g}\" selected>")),
        "the saved grid is shown"
    );
    let (status, _, body) = w
        .post(
            &admin.cookie,
            &tt_uri,
            &[("valid_from", "2028-07-01"), ("cell_1_1", &g)],
        )
        .await
        .status_location_text();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("id=\"timetable-from-error\""));
}

/// The student joins the class for the new year and sees the lessons in the NetSchool diary.
async fn join_and_read_diary(w: &World, c: &Cast, class: i64, year: i64) {
    let student = &c.student;
    w.db.store
        .bulk_insert(
            "class_students",
            &[
                "id",
                "class_id",
                "student_account_id",
                "from_date",
                "to_date",
            ],
            vec![vec![
                9_000_000i64.into(),
                class.into(),
                student.id.into(),
                d(2027, 9, 1).into(),
                Value::Date(None),
            ]],
        )
        .await
        .unwrap();
    let week = diary(w, student, year, d(2027, 9, 6)).await;
    assert_eq!(
        week,
        vec![
            ("2027-09-06".to_owned(), "Астрономия".to_owned()),
            ("2027-09-08".to_owned(), "Астрономия".to_owned()),
        ]
    );
    assert!(
        diary(w, student, year, d(2027, 10, 4)).await.is_empty(),
        "holiday week"
    );
}

/// A one-off change: the Monday lesson is cancelled and leaves the diary. Answers the lesson's
/// address.
async fn cancel_lesson(w: &World, c: &Cast, class: i64, year: i64) -> String {
    let (admin, student, teacher_s) = (&c.admin, &c.student, c.teacher.id.to_string());
    let (status, body) = w
        .get(
            &admin.cookie,
            &format!("/school/classes/{class}/lessons?week=2027-09-06"),
        )
        .await
        .status_text();
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("14:00–14:45") && body.contains("30"));
    let lesson = id_after(&body, "id=\"edit-lesson-");
    let (status, body) = w
        .get(&admin.cookie, &format!("/school/lessons/{lesson}"))
        .await
        .status_text();
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("id=\"lesson-cancelled\""));
    let lesson_uri = format!("/school/lessons/{lesson}");
    let (status, _, body) = w
        .post(
            &admin.cookie,
            &lesson_uri,
            &[
                ("date", "2027-09-06"),
                ("number", "9"),
                ("room", "30"),
                ("teacher", &teacher_s),
            ],
        )
        .await
        .status_location_text();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Выберите урок из расписания звонков"));
    let (status, _, _) = w
        .post(
            &admin.cookie,
            &lesson_uri,
            &[
                ("date", "2027-09-06"),
                ("number", "1"),
                ("room", "30"),
                ("teacher", &teacher_s),
                ("cancelled", "1"),
            ],
        )
        .await
        .status_location_text();
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        diary(w, student, year, d(2027, 9, 6)).await,
        vec![("2027-09-08".to_owned(), "Астрономия".to_owned())]
    );
    let (_, body) = w
        .get(
            &admin.cookie,
            &format!("/school/classes/{class}/lessons?week=2027-09-06"),
        )
        .await
        .status_text();
    assert!(body.contains("(отменён)"));

    lesson_uri
}

/// Every change is in the audit log.
async fn set_up_changes_are_audited(w: &World) {
    let actions: Vec<String> =
        w.db.store
            .recent_audit_log(50)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
    for a in [
        "year.create",
        "period.create",
        "holiday.create",
        "class.create",
        "subject.create",
        "subject_group.create",
        "bells.update",
        "timetable.save",
        "lesson.change",
    ] {
        assert!(
            actions.iter().any(|x| x == a),
            "{a} missing from {actions:?}"
        );
    }
}

/// A teacher and another school's administrator are refused; a forged form too.
async fn others_are_refused(w: &World, c: &Cast, class: i64, year: i64, lesson_uri: &str) {
    let Cast {
        admin,
        teacher,
        stranger,
        ..
    } = c;
    let lesson_uri = lesson_uri.to_owned();
    assert_eq!(
        w.get(&teacher.cookie, "/school/years")
            .await
            .status_text()
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        w.get(&teacher.cookie, &format!("/school/classes/{class}"))
            .await
            .status_text()
            .0,
        StatusCode::FORBIDDEN
    );
    let (status, _, _) = w
        .post(
            &teacher.cookie,
            "/school/years",
            &[("start", "2030-09-01"), ("end", "2031-05-31")],
        )
        .await
        .status_location_text();
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        w.get(&stranger.cookie, &format!("/school/classes/{class}"))
            .await
            .status_text()
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        w.get(&stranger.cookie, &format!("/school/years/{year}"))
            .await
            .status_text()
            .0,
        StatusCode::FORBIDDEN
    );
    let own_org = id_after(
        &w.get(&admin.cookie, "/school/years").await.status_text().1,
        "name=\"org\" value=\"",
    );
    assert_eq!(
        w.get(&stranger.cookie, &format!("/school/years?org={own_org}"))
            .await
            .status_text()
            .0,
        StatusCode::FORBIDDEN
    );
    let (status, _, _) = w
        .post(
            &stranger.cookie,
            &lesson_uri,
            &[("date", "2027-09-06"), ("number", "1")],
        )
        .await
        .status_location_text();
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        w.get(&stranger.cookie, "/school/years")
            .await
            .status_text()
            .0,
        StatusCode::OK,
        "their own school is open to them"
    );
    let req = Request::post("/school/subjects")
        .header(header::COOKIE, &admin.cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("csrf=wrong&subject_name=X"))
        .unwrap();
    assert_eq!(w.send(req).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        w.get(&admin.cookie, "/school/lessons/999999999")
            .await
            .status_text()
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.get(&admin.cookie, "/school/classes/abc")
            .await
            .status_text()
            .0,
        StatusCode::BAD_REQUEST
    );
}

/// The whole set-up up to the timetable: (year, class).
async fn up_to_timetable(w: &World, c: &Cast) -> (i64, i64) {
    let year = create_year(w, c).await;
    set_periods(w, c, year).await;
    add_holidays(w, c, year).await;
    let class = create_class(w, c, year).await;
    let group = create_group(w, c, class).await;
    set_bells(w, c).await;
    save_timetable(w, c, class, group).await;
    (year, class)
}

async fn a_year_takes_its_name_from_its_dates(engine: Engine) {
    let (w, c) = setup(engine).await;
    create_year(&w, &c).await;
}

async fn periods_follow_the_scheme_and_do_not_overlap(engine: Engine) {
    let (w, c) = setup(engine).await;
    let year = create_year(&w, &c).await;
    set_periods(&w, &c, year).await;
}

async fn holidays_lie_inside_the_year(engine: Engine) {
    let (w, c) = setup(engine).await;
    let year = create_year(&w, &c).await;
    set_periods(&w, &c, year).await;
    add_holidays(&w, &c, year).await;
}

async fn a_class_is_unique_in_its_year(engine: Engine) {
    let (w, c) = setup(engine).await;
    let year = create_year(&w, &c).await;
    create_class(&w, &c, year).await;
}

async fn a_subject_group_needs_a_teacher(engine: Engine) {
    let (w, c) = setup(engine).await;
    let year = create_year(&w, &c).await;
    let class = create_class(&w, &c, year).await;
    create_group(&w, &c, class).await;
}

async fn bells_of_a_shift_do_not_overlap(engine: Engine) {
    let (w, c) = setup(engine).await;
    set_bells(&w, &c).await;
}

async fn a_timetable_makes_the_lessons_of_the_year(engine: Engine) {
    let (w, c) = setup(engine).await;
    up_to_timetable(&w, &c).await;
}

async fn new_lessons_reach_the_students_diary(engine: Engine) {
    let (w, c) = setup(engine).await;
    let (year, class) = up_to_timetable(&w, &c).await;
    join_and_read_diary(&w, &c, class, year).await;
}

async fn a_cancelled_lesson_leaves_the_diary(engine: Engine) {
    let (w, c) = setup(engine).await;
    let (year, class) = up_to_timetable(&w, &c).await;
    join_and_read_diary(&w, &c, class, year).await;
    cancel_lesson(&w, &c, class, year).await;
}

async fn every_set_up_change_is_audited(engine: Engine) {
    let (w, c) = setup(engine).await;
    let (year, class) = up_to_timetable(&w, &c).await;
    join_and_read_diary(&w, &c, class, year).await;
    cancel_lesson(&w, &c, class, year).await;
    set_up_changes_are_audited(&w).await;
}

async fn set_up_is_refused_to_others_and_forged_forms(engine: Engine) {
    let (w, c) = setup(engine).await;
    let (year, class) = up_to_timetable(&w, &c).await;
    join_and_read_diary(&w, &c, class, year).await;
    let lesson_uri = cancel_lesson(&w, &c, class, year).await;
    others_are_refused(&w, &c, class, year, &lesson_uri).await;
}

// The corrections of what was set up. Every refusal says why next to the field (422); a
// teacher and a forged form get 403.

/// The demo school as the corrections find it: its organization, current year and first class.
struct School {
    org: i64,
    demo_year: AcademicYearRecord,
    demo_class: ClassRecord,
    demo_class_uri: String,
}

async fn school(w: &World, c: &Cast) -> School {
    let admin = &c.admin;
    let s = w.store();
    let today = d(2026, 11, 23);
    let org = s.account(admin.id).await.unwrap().unwrap().organization_id;
    let years = s.years(org).await.unwrap();
    let demo_year = years
        .iter()
        .find(|y| y.start_date <= today && today <= y.end_date)
        .unwrap()
        .clone();
    let demo_class = s.classes(demo_year.id).await.unwrap()[0].clone();
    let demo_class_uri = format!("/school/classes/{}", demo_class.id);
    School {
        org,
        demo_year,
        demo_class,
        demo_class_uri,
    }
}

/// The first subject of the school that is not the one the tests add (used by groups).
async fn used_subject(s: &dyn Store, org: i64) -> sgo_store::SubjectRecord {
    let subjects = s.subjects(org).await.unwrap();
    subjects
        .iter()
        .find(|x| x.name != "Астрономия")
        .unwrap()
        .clone()
}

/// Subjects: a new one is renamed, then removed; a used one stays with the count of groups.
async fn correct_subjects(w: &World, c: &Cast, sc: &School) {
    let (admin, s, org) = (&c.admin, w.store(), sc.org);
    let (status, _, _) = w
        .post(
            &admin.cookie,
            "/school/subjects",
            &[("subject_name", "Астрономия"), ("short_name", "Астр.")],
        )
        .await
        .status_location_text();
    assert_eq!(status, StatusCode::SEE_OTHER);
    let subjects = s.subjects(org).await.unwrap();
    let astro = subjects.iter().find(|x| x.name == "Астрономия").unwrap().id;
    let used = subjects.iter().find(|x| x.id != astro).unwrap().clone();
    let (status, body) = w.get(&admin.cookie, "/school/subjects").await.status_text();
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(&format!("id=\"edit-subject-{astro}\"")));
    let astro_uri = format!("/school/subjects/{astro}");
    let (status, body) = w.get(&admin.cookie, &astro_uri).await.status_text();
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("id=\"subject-edit-name\"") && body.contains("id=\"delete-subject\""));
    let taken = used.name.to_lowercase();
    let (status, _, body) = w
        .post(
            &admin.cookie,
            &astro_uri,
            &[("subject_name", &taken), ("short_name", "")],
        )
        .await
        .status_location_text();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("id=\"subject-name-error\">Такой предмет в школе уже есть"),
        "{body}"
    );
    let (status, location, _) = w
        .post(
            &admin.cookie,
            &astro_uri,
            &[
                ("subject_name", "Астрономия и космос"),
                ("short_name", "Астр"),
            ],
        )
        .await
        .status_location_text();
    assert_eq!(
        (status, location.as_str()),
        (
            StatusCode::SEE_OTHER,
            &*format!("/school/subjects/{astro}?saved=subject_updated")
        )
    );
    let (_, body) = w.get(&admin.cookie, "/school/subjects").await.status_text();
    assert!(body.contains("<td>Астрономия и космос</td><td>Астр</td>"));
    let groups_of_used = s.subject_groups_of_subject(used.id).await.unwrap().len();
    assert!(groups_of_used > 0);
    let (status, _, body) = w
        .post(
            &admin.cookie,
            &format!("/school/subjects/{}/delete", used.id),
            &[],
        )
        .await
        .status_location_text();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains(&format!(
            "id=\"delete-error\">Предмет используется в группах учебного плана: {groups_of_used}."
        )),
        "{body}"
    );
    let (status, location, _) = w
        .post(
            &admin.cookie,
            &format!("/school/subjects/{astro}/delete"),
            &[],
        )
        .await
        .status_location_text();
    assert_eq!(
        (status, location.as_str()),
        (
            StatusCode::SEE_OTHER,
            "/school/subjects?saved=subject_deleted"
        )
    );
    assert!(s.subject(astro).await.unwrap().is_none());
}

/// A group's teachers: a group of the demo class with lessons before and after today, given by
/// its main teacher. One future lesson is a substitution. Answers the group's address.
async fn change_group_teachers(w: &World, c: &Cast, sc: &School) -> String {
    let (admin, s, org) = (&c.admin, w.store(), sc.org);
    let (demo_class, demo_class_uri) = (sc.demo_class.clone(), sc.demo_class_uri.clone());
    let today = d(2026, 11, 23);
    let lessons = s
        .class_lessons(
            demo_class.id,
            today - Duration::days(21),
            today + Duration::days(21),
        )
        .await
        .unwrap();
    let group_teachers = s.group_teachers(demo_class.id).await.unwrap();
    let main_of = |g: i64| {
        group_teachers
            .iter()
            .filter(|t| t.subject_group_id == g)
            .map(|t| t.teacher_account_id)
            .min()
    };
    let group = lessons
        .iter()
        .map(|l| l.subject_group_id)
        .find(|&g| {
            let of_g = || lessons.iter().filter(move |l| l.subject_group_id == g);
            of_g().filter(|l| l.date >= today).count() >= 2
                && of_g().any(|l| l.date < today)
                && of_g().all(|l| l.teacher_account_id == main_of(g))
        })
        .unwrap();
    let old_main = main_of(group).unwrap();
    let school_teachers = s.school_teachers(org).await.unwrap();
    let others: Vec<i64> = school_teachers
        .iter()
        .map(|t| t.id)
        .filter(|&id| id != old_main)
        .collect();
    let (new_teacher, substitute) = (others[0], others[1]);
    let future: Vec<i64> = lessons
        .iter()
        .filter(|l| l.subject_group_id == group && l.date >= today)
        .map(|l| l.id)
        .collect();
    let substituted = future[0];
    let sub_lesson = s.setup_lesson(substituted).await.unwrap().unwrap();
    let (status, _, _) = w
        .post(
            &admin.cookie,
            &format!("/school/lessons/{substituted}"),
            &[
                ("date", &sub_lesson.date.to_string()),
                ("number", &sub_lesson.number.to_string()),
                ("room", &sub_lesson.room),
                ("teacher", &substitute.to_string()),
            ],
        )
        .await
        .status_location_text();
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, body) = w.get(&admin.cookie, &demo_class_uri).await.status_text();
    assert!(body.contains(&format!("id=\"edit-group-{group}\"")));
    let group_uri = format!("/school/groups/{group}");
    let (status, body) = w.get(&admin.cookie, &group_uri).await.status_text();
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(&format!("<option value=\"{old_main}\" selected>")));
    let hours = s
        .subject_group(group)
        .await
        .unwrap()
        .unwrap()
        .hours_per_week;
    let (status, _, body) = w
        .post(&admin.cookie, &group_uri, &[("hours", "2")])
        .await
        .status_location_text();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("id=\"teachers-error\">Выберите хотя бы одного учителя"));
    let new_s = new_teacher.to_string();
    let (status, _, body) = w
        .post(
            &admin.cookie,
            &group_uri,
            &[("teachers", &new_s), ("hours", "0")],
        )
        .await
        .status_location_text();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("id=\"hours-error\">Часов в неделю — число от 1 до 40"));
    let new_hours = (hours % 40 + 1).to_string();
    let (status, location, _) = w
        .post(
            &admin.cookie,
            &group_uri,
            &[("teachers", &new_s), ("hours", &new_hours)],
        )
        .await
        .status_location_text();
    assert_eq!(
        (status, location.as_str()),
        (
            StatusCode::SEE_OTHER,
            &*format!("{demo_class_uri}?saved=group_updated")
        )
    );
    let after = s
        .class_lessons(
            demo_class.id,
            today - Duration::days(21),
            today + Duration::days(21),
        )
        .await
        .unwrap();
    for l in after.iter().filter(|l| l.subject_group_id == group) {
        let expected = if l.date < today {
            old_main
        } else if l.id == substituted {
            substitute
        } else {
            new_teacher
        };
        assert_eq!(l.teacher_account_id, Some(expected), "{l:?}");
    }
    let (_, body) = w.get(&admin.cookie, &group_uri).await.status_text();
    assert!(
        body.contains(&format!("<option value=\"{new_teacher}\" selected>"))
            && !body.contains(&format!("<option value=\"{old_main}\" selected>"))
            && body.contains(&format!("value=\"{new_hours}\""))
    );

    group_uri
}

/// A subgroup: made, renamed with other students, kept while a group uses it, removed. Answers
/// the class's subgroups as they were after it was made.
async fn correct_subgroup(w: &World, c: &Cast, sc: &School) -> Vec<sgo_store::SubgroupRecord> {
    let (admin, s, org) = (&c.admin, w.store(), sc.org);
    let (demo_class, demo_class_uri) = (sc.demo_class.clone(), sc.demo_class_uri.clone());
    let today = d(2026, 11, 23);
    let used = used_subject(s, org).await;
    let new_s = s.school_teachers(org).await.unwrap()[0].id.to_string();
    let members = s.class_members(demo_class.id, today).await.unwrap();
    assert!(members.len() >= 2);
    let (a, b) = (members[0].id.to_string(), members[1].id.to_string());
    let (status, _, _) = w
        .post(
            &admin.cookie,
            &format!("{demo_class_uri}/subgroups"),
            &[("subgroup_name", "Проектная"), ("students", &a)],
        )
        .await
        .status_location_text();
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, body) = w.get(&admin.cookie, &demo_class_uri).await.status_text();
    let subgroups = s.subgroups(demo_class.id).await.unwrap();
    let sub = subgroups.iter().find(|g| g.name == "Проектная").unwrap().id;
    assert!(body.contains(&format!("id=\"edit-subgroup-{sub}\"")));
    let sub_uri = format!("/school/subgroups/{sub}");
    let (status, body) = w.get(&admin.cookie, &sub_uri).await.status_text();
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(&format!(
        "id=\"subgroup-edit-student-{a}\" name=\"students\" value=\"{a}\" checked"
    )));
    if let Some(other) = subgroups.iter().find(|g| g.id != sub) {
        let (status, _, body) = w
            .post(
                &admin.cookie,
                &sub_uri,
                &[
                    ("subgroup_name", &other.name.to_uppercase()),
                    ("students", &a),
                ],
            )
            .await
            .status_location_text();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("id=\"subgroup-name-error\">Такая подгруппа в классе уже есть"));
    }
    let (status, _, body) = w
        .post(
            &admin.cookie,
            &sub_uri,
            &[("subgroup_name", "Проект"), ("students", "999999999")],
        )
        .await
        .status_location_text();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("id=\"students-error\">Можно выбрать только учеников этого класса"));
    let (status, location, _) = w
        .post(
            &admin.cookie,
            &sub_uri,
            &[("subgroup_name", "Проект"), ("students", &b)],
        )
        .await
        .status_location_text();
    assert_eq!(
        (status, location.as_str()),
        (
            StatusCode::SEE_OTHER,
            &*format!("{demo_class_uri}?saved=subgroup_updated")
        )
    );
    assert_eq!(s.subgroup_students(sub).await.unwrap(), [members[1].id]);
    let (_, body) = w.get(&admin.cookie, &demo_class_uri).await.status_text();
    assert!(body.contains("<td>Проект</td><td>1</td>"));
    let (status, _, _) = w
        .post(
            &admin.cookie,
            &format!("{demo_class_uri}/groups"),
            &[
                ("subject", &used.id.to_string()),
                ("subgroup", &sub.to_string()),
                ("teachers", &new_s),
                ("hours", "1"),
            ],
        )
        .await
        .status_location_text();
    assert_eq!(status, StatusCode::SEE_OTHER);
    let sub_group = s.subject_groups_of_subgroup(sub).await.unwrap()[0].clone();
    assert!(sub_group.name.ends_with("/Проект"), "{}", sub_group.name);
    let (status, _, body) = w
        .post(&admin.cookie, &format!("{sub_uri}/delete"), &[])
        .await
        .status_location_text();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("id=\"delete-error\">Подгруппа используется в группах учебного плана: 1.")
    );
    let (status, _, _) = w
        .post(
            &admin.cookie,
            &format!("/school/groups/{}/delete", sub_group.id),
            &[],
        )
        .await
        .status_location_text();
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, location, _) = w
        .post(&admin.cookie, &format!("{sub_uri}/delete"), &[])
        .await
        .status_location_text();
    assert_eq!(
        (status, location.as_str()),
        (
            StatusCode::SEE_OTHER,
            &*format!("{demo_class_uri}?saved=subgroup_deleted")
        )
    );
    assert!(s.subgroup(sub).await.unwrap().is_none());

    subgroups
}

/// Years: the demo year cannot shrink past its lessons; a new year cannot overlap it. Answers
/// the new year.
async fn correct_years(w: &World, c: &Cast, sc: &School) -> i64 {
    let (admin, s, demo_year) = (&c.admin, w.store(), &sc.demo_year);
    let demo_year_uri = format!("/school/years/{}", demo_year.id);
    let (status, body) = w.get(&admin.cookie, &demo_year_uri).await.status_text();
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("id=\"year-edit-start\"") && body.contains("id=\"save-year\""));
    let later_start = (demo_year.start_date + Duration::days(30)).to_string();
    let (status, _, body) = w
        .post(
            &admin.cookie,
            &demo_year_uri,
            &[
                ("year_name", &demo_year.name),
                ("year_start", &later_start),
                ("year_end", &demo_year.end_date.to_string()),
            ],
        )
        .await
        .status_location_text();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("id=\"year-start-error\">Вне новых дат окажутся")
            && body.contains("уроков: "),
        "{body}"
    );
    let (status, location, _) = w
        .post(
            &admin.cookie,
            &demo_year_uri,
            &[
                ("year_name", "Текущий год"),
                ("year_start", &demo_year.start_date.to_string()),
                ("year_end", &demo_year.end_date.to_string()),
            ],
        )
        .await
        .status_location_text();
    assert_eq!(
        (status, location.as_str()),
        (
            StatusCode::SEE_OTHER,
            &*format!("{demo_year_uri}?saved=year_updated")
        )
    );
    let (_, body) = w.get(&admin.cookie, &demo_year_uri).await.status_text();
    assert!(body.contains("<h1>Учебный год Текущий год</h1>"));
    let (status, location, _) = w
        .post(
            &admin.cookie,
            "/school/years",
            &[("start", "2027-09-01"), ("end", "2028-05-31"), ("name", "")],
        )
        .await
        .status_location_text();
    assert_eq!(status, StatusCode::SEE_OTHER);
    let new_year = id_after(&location, "/school/years/");
    let new_year_uri = format!("/school/years/{new_year}");
    let (status, _, body) = w
        .post(
            &admin.cookie,
            &new_year_uri,
            &[
                ("year_name", ""),
                ("year_start", &demo_year.end_date.to_string()),
                ("year_end", "2028-05-31"),
            ],
        )
        .await
        .status_location_text();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("id=\"year-start-error\">Пересекается с учебным годом Текущий год"));
    let (status, _, body) = w
        .post(
            &admin.cookie,
            &new_year_uri,
            &[
                ("year_name", ""),
                ("year_start", "2027-09-01"),
                ("year_end", "2027-08-01"),
            ],
        )
        .await
        .status_location_text();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("id=\"year-end-error\">Конец года должен быть позже начала"));
    let (status, _, _) = w
        .post(
            &admin.cookie,
            &new_year_uri,
            &[
                ("year_name", ""),
                ("year_start", "2027-09-01"),
                ("year_end", "2028-06-30"),
            ],
        )
        .await
        .status_location_text();
    assert_eq!(status, StatusCode::SEE_OTHER);
    let y = s.year(new_year).await.unwrap().unwrap();
    assert_eq!((y.name.as_str(), y.end_date), ("2027/2028", d(2028, 6, 30)));

    new_year
}

/// Classes: the shift of a class with a running timetable stays; an empty class changes shift
/// and is removed; a class with students and lessons stays.
async fn correct_classes(w: &World, c: &Cast, sc: &School, new_year: i64) {
    let (admin, s) = (&c.admin, w.store());
    let (demo_class, demo_class_uri) = (sc.demo_class.clone(), sc.demo_class_uri.clone());
    let class_form = |shift: &str, class: &sgo_store::ClassRecord| {
        vec![
            ("grade", class.grade.to_string()),
            ("letter", class.letter.clone()),
            ("profile", class.profile.clone()),
            ("room", class.room.clone()),
            ("shift", shift.to_owned()),
            ("teacher", String::new()),
        ]
    };
    let other_shift = if demo_class.shift == 1 { "2" } else { "1" };
    let fields = class_form(other_shift, &demo_class);
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, _, body) = w
        .post(&admin.cookie, &demo_class_uri, &refs)
        .await
        .status_location_text();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains(
            "id=\"shift-error\">Смену нельзя изменить, пока у класса есть расписание с 23.11.2026"
        ),
        "{body}"
    );
    assert_eq!(
        s.class(demo_class.id).await.unwrap().unwrap().shift,
        demo_class.shift
    );
    let (status, _, body) = w
        .post(&admin.cookie, &format!("{demo_class_uri}/delete"), &[])
        .await
        .status_location_text();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("id=\"delete-error\">Класс нельзя удалить: в нём были ученики"));

    // A renamed class takes its subject groups' names along («5А/…» → «5Ы/…»).
    let mut renamed = demo_class.clone();
    renamed.letter = "Ы".into();
    let fields = class_form(&demo_class.shift.to_string(), &renamed);
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, _, body) = w
        .post(&admin.cookie, &demo_class_uri, &refs)
        .await
        .status_location_text();
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let groups = s.subject_groups(demo_class.id).await.unwrap();
    assert!(!groups.is_empty());
    let prefix = format!("{}Ы/", demo_class.grade);
    assert!(
        groups.iter().all(|g| g.name.starts_with(&prefix)),
        "{:?}",
        groups.iter().map(|g| &g.name).collect::<Vec<_>>()
    );
    let ys = new_year.to_string();
    let (status, location, _) = w
        .post(
            &admin.cookie,
            "/school/classes",
            &[
                ("year", &ys),
                ("grade", "7"),
                ("letter", "Ю"),
                ("room", ""),
                ("shift", "1"),
            ],
        )
        .await
        .status_location_text();
    assert_eq!(status, StatusCode::SEE_OTHER);
    let empty = id_after(&location, "/school/classes/");
    let empty_class = s.class(empty).await.unwrap().unwrap();
    let fields = class_form("2", &empty_class);
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, _, _) = w
        .post(&admin.cookie, &format!("/school/classes/{empty}"), &refs)
        .await
        .status_location_text();
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(s.class(empty).await.unwrap().unwrap().shift, 2);
    let (_, body) = w
        .get(&admin.cookie, &format!("/school/classes/{empty}"))
        .await
        .status_text();
    assert!(body.contains("id=\"delete-class\""));
    let (status, location, _) = w
        .post(
            &admin.cookie,
            &format!("/school/classes/{empty}/delete"),
            &[],
        )
        .await
        .status_location_text();
    assert_eq!(
        (status, location.as_str()),
        (
            StatusCode::SEE_OTHER,
            &*format!("/school/classes?year={new_year}&saved=class_deleted")
        )
    );
    let (_, body) = w.get(&admin.cookie, &location).await.status_text();
    assert!(body.contains("Класс удалён.") && !body.contains(&format!("id=\"class-{empty}\"")));
}

/// Every correction is in the audit log.
async fn corrections_are_audited(w: &World) {
    let s = w.store();
    let log = s.recent_audit_log(100).await.unwrap();
    for a in [
        "subject.update",
        "subject.delete",
        "subject_group.update",
        "subgroup.update",
        "subgroup.delete",
        "year.update",
        "class.update",
        "class.delete",
    ] {
        assert!(log.iter().any(|e| e.action == a), "{a} missing");
    }
    let group_change = log
        .iter()
        .find(|e| e.action == "subject_group.update")
        .unwrap();
    assert!(
        group_change.details.contains("учителя:") && group_change.details.contains(" → "),
        "{}",
        group_change.details
    );
}

/// A teacher is refused every correction; so is a form without the CSRF token.
async fn corrections_are_refused(
    w: &World,
    c: &Cast,
    sc: &School,
    group_uri: &str,
    subgroups: &[sgo_store::SubgroupRecord],
) {
    let (admin, teacher, s) = (&c.admin, &c.teacher, w.store());
    let used = used_subject(s, sc.org).await;
    let (demo_class_uri, group_uri) = (sc.demo_class_uri.clone(), group_uri.to_owned());
    let demo_year_uri = format!("/school/years/{}", sc.demo_year.id);
    let posts = [
        format!("/school/subjects/{}", used.id),
        format!("/school/subjects/{}/delete", used.id),
        group_uri.clone(),
        format!("/school/subgroups/{}", subgroups[0].id),
        format!("/school/subgroups/{}/delete", subgroups[0].id),
        demo_year_uri.clone(),
        format!("{demo_class_uri}/delete"),
    ];
    for uri in &posts {
        let (status, _, _) = w
            .post(
                &teacher.cookie,
                uri,
                &[("subject_name", "X"), ("hours", "1")],
            )
            .await
            .status_location_text();
        assert_eq!(status, StatusCode::FORBIDDEN, "teacher on {uri}");
        let req = Request::post(uri.as_str())
            .header(header::COOKIE, &admin.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("subject_name=X&hours=1"))
            .unwrap();
        assert_eq!(
            w.send(req).await.status,
            StatusCode::FORBIDDEN,
            "no CSRF on {uri}"
        );
    }
    for uri in [&posts[0], &posts[2], &posts[3]] {
        assert_eq!(
            w.get(&teacher.cookie, uri).await.status_text().0,
            StatusCode::FORBIDDEN
        );
    }
    assert_eq!(
        s.subject(used.id).await.unwrap().unwrap().name,
        used.name,
        "refused forms change nothing"
    );
}

/// Every correction in order: (group address, subgroups).
async fn all_corrections(
    w: &World,
    c: &Cast,
    sc: &School,
) -> (String, Vec<sgo_store::SubgroupRecord>) {
    correct_subjects(w, c, sc).await;
    let group_uri = change_group_teachers(w, c, sc).await;
    let subgroups = correct_subgroup(w, c, sc).await;
    let new_year = correct_years(w, c, sc).await;
    correct_classes(w, c, sc, new_year).await;
    (group_uri, subgroups)
}

async fn a_subject_in_use_is_not_removed(engine: Engine) {
    let (w, c) = setup(engine).await;
    let sc = school(&w, &c).await;
    correct_subjects(&w, &c, &sc).await;
}

async fn new_group_teachers_take_only_future_lessons(engine: Engine) {
    let (w, c) = setup(engine).await;
    let sc = school(&w, &c).await;
    change_group_teachers(&w, &c, &sc).await;
}

async fn a_subgroup_in_use_is_not_removed(engine: Engine) {
    let (w, c) = setup(engine).await;
    let sc = school(&w, &c).await;
    correct_subgroup(&w, &c, &sc).await;
}

async fn a_year_keeps_its_lessons_and_does_not_overlap(engine: Engine) {
    let (w, c) = setup(engine).await;
    let sc = school(&w, &c).await;
    correct_years(&w, &c, &sc).await;
}

async fn a_class_keeps_its_shift_while_its_timetable_runs(engine: Engine) {
    let (w, c) = setup(engine).await;
    let sc = school(&w, &c).await;
    let new_year = correct_years(&w, &c, &sc).await;
    correct_classes(&w, &c, &sc, new_year).await;
}

async fn every_correction_is_audited(engine: Engine) {
    let (w, c) = setup(engine).await;
    let sc = school(&w, &c).await;
    all_corrections(&w, &c, &sc).await;
    corrections_are_audited(&w).await;
}

async fn corrections_are_refused_to_teachers_and_forged_forms(engine: Engine) {
    let (w, c) = setup(engine).await;
    let sc = school(&w, &c).await;
    let (group_uri, subgroups) = all_corrections(&w, &c, &sc).await;
    corrections_are_refused(&w, &c, &sc, &group_uri, &subgroups).await;
}

both_engines!(
    a_year_takes_its_name_from_its_dates,
    periods_follow_the_scheme_and_do_not_overlap,
    holidays_lie_inside_the_year,
    a_class_is_unique_in_its_year,
    a_subject_group_needs_a_teacher,
    bells_of_a_shift_do_not_overlap,
    a_timetable_makes_the_lessons_of_the_year,
    new_lessons_reach_the_students_diary,
    a_cancelled_lesson_leaves_the_diary,
    every_set_up_change_is_audited,
    set_up_is_refused_to_others_and_forged_forms,
    a_subject_in_use_is_not_removed,
    new_group_teachers_take_only_future_lessons,
    a_subgroup_in_use_is_not_removed,
    a_year_keeps_its_lessons_and_does_not_overlap,
    a_class_keeps_its_shift_while_its_timetable_runs,
    every_correction_is_audited,
    corrections_are_refused_to_teachers_and_forged_forms,
);
