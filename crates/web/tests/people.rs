//! The people pages through the real router on both engines: creating, editing and moving
//! people, parent links, credential sheets, the export, and who may do what.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use axum::http::{StatusCode, header};
use chrono::NaiveDate;
use sgo_app::{Engine, Origin, Role};
use sgo_demo::DemoAccount;
use sgo_testkit::{World, both_engines, today, world};

/// Classes of the organization's current year: (id, «5А»).
async fn classes(w: &World, org: i64) -> Vec<(i64, String)> {
    let year = w.store().current_year(org, today()).await.unwrap().unwrap();
    w.store()
        .people_classes(year.id)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.id, format!("{}{}", c.grade, c.letter)))
        .collect()
}

fn id_from_location(location: &str) -> i64 {
    location
        .trim_start_matches("/people/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// The first school's administrator signed in, and two classes of the current year.
struct Admin {
    w: World,
    admin: DemoAccount,
    org: i64,
    cookie: String,
    c1: i64,
    c1_name: String,
    c2_name: String,
    c1s: String,
    c2s: String,
}

async fn admin_of_one_school(engine: Engine) -> Admin {
    let w = world(engine, 1).await;
    let admin = w.admin();
    let org = admin.organization_id;
    let cookie = w.cookie(&admin).await;
    let classes = classes(&w, org).await;
    let (c1, c1_name) = classes[0].clone();
    let (c2, c2_name) = classes[1].clone();
    let (c1s, c2s) = (c1.to_string(), c2.to_string());
    Admin {
        w,
        admin,
        org,
        cookie,
        c1,
        c1_name,
        c2_name,
        c1s,
        c2s,
    }
}

/// The form of a new student in the class `c1s`.
fn student_form(c1s: &str) -> [(&'static str, &str); 8] {
    [
        ("last_name", "Петров"),
        ("first_name", "Пётр"),
        ("middle_name", "Ильич"),
        ("birth_date", "2015-03-08"),
        ("gender", "male"),
        ("snils", "112-233-445 95"),
        ("roles", "student"),
        ("class_id", c1s),
    ]
}

// The administration journey, step by step; each test runs the steps its own needs.

/// The list and the form of a new person.
async fn person_pages(a: &Admin) {
    let Admin { w, admin, .. } = a;
    let cookie = a.cookie.clone();
    let page = w.get(&cookie, "/people").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains(&admin.display_name));
    let page = w.get(&cookie, "/people/new").await;
    assert_eq!(page.status, StatusCode::OK);
    for id in [
        "person-last-name",
        "role-student",
        "person-class",
        "person-children",
        "person-save",
    ] {
        assert!(page.text().contains(&format!("id=\"{id}\"")), "{id}");
    }
}

/// A student in a class, with the login made from the name. Answers the student's id.
async fn create_student(a: &Admin) -> i64 {
    let Admin { w, c1, .. } = a;
    let cookie = a.cookie.clone();
    let c1 = *c1;
    let student = student_form(&a.c1s);
    let res = w
        .post_maybe_csrf(&cookie, "/people/new", &student, true)
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let student_id = id_from_location(&res.location());
    let card = w.store().person_card(student_id).await.unwrap().unwrap();
    assert_eq!(card.login, "PetrovPI");
    assert_eq!(card.display_name, "Петров Пётр");
    assert_eq!(card.snils.as_deref(), Some("112-233-445 95"));
    let in_class = w.store().students_of_class(c1, today()).await.unwrap();
    assert!(in_class.contains(&student_id));

    student_id
}

/// The same name again gets the next free login.
async fn create_twin(a: &Admin) {
    let Admin { w, .. } = a;
    let cookie = a.cookie.clone();
    let student = student_form(&a.c1s);
    let res = w
        .post_maybe_csrf(&cookie, "/people/new", &student, true)
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let twin = id_from_location(&res.location());
    assert_eq!(
        w.store().person_card(twin).await.unwrap().unwrap().login,
        "PetrovPI2"
    );
}

/// A student who arrived earlier this term is in the class from that day; the day must lie in
/// the class's school year and not ahead of today.
async fn create_arrived(a: &Admin) {
    let Admin { w, org, .. } = a;
    let cookie = a.cookie.clone();
    let org = *org;
    let student = student_form(&a.c1s);
    let year = w.store().current_year(org, today()).await.unwrap().unwrap();
    let mut arrived = student.to_vec();
    arrived[0] = ("last_name", "Прибывшев");
    arrived[5] = ("snils", "");
    arrived.push(("class_from", "02.11.2026"));
    let res = w
        .post_maybe_csrf(&cookie, "/people/new", &arrived, true)
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let history = w
        .store()
        .class_history(id_from_location(&res.location()))
        .await
        .unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(
        history[0].from_date,
        NaiveDate::from_ymd_opt(2026, 11, 2).unwrap()
    );
    for (day, words) in [
        ("2026-11-24", "позже сегодняшнего дня".to_owned()),
        (
            "2020-01-01",
            format!(
                "начала учебного года класса ({})",
                year.start_date.format("%d.%m.%Y")
            ),
        ),
        ("вчера", "ДД.ММ.ГГГГ".to_owned()),
    ] {
        let mut wrong = arrived.clone();
        wrong.pop();
        wrong.push(("class_from", day));
        let res = w
            .post_maybe_csrf(&cookie, "/people/new", &wrong, true)
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{day}");
        assert!(res.text().contains(&words), "{day}: {}", res.text());
        assert!(
            res.text().contains(&format!("value=\"{day}\"")),
            "{day} is kept"
        );
    }
}

/// A parent linked to the student. Answers the parent's id.
async fn create_parent(a: &Admin, student_id: i64) -> i64 {
    let Admin { w, org, .. } = a;
    let cookie = a.cookie.clone();
    let org = *org;
    let sid = student_id.to_string();
    let parent = [
        ("last_name", "Петрова"),
        ("first_name", "Анна"),
        ("middle_name", "Сергеевна"),
        ("roles", "parent"),
        ("children", sid.as_str()),
    ];
    let res = w
        .post_maybe_csrf(&cookie, "/people/new", &parent, true)
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let parent_id = id_from_location(&res.location());
    let links = w.store().people_parent_links(org).await.unwrap();
    assert!(
        links
            .iter()
            .any(|l| l.parent_account_id == parent_id && l.student_account_id == student_id)
    );
    let page = w.get(&cookie, &format!("/people/{student_id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("Петрова Анна Сергеевна"));
    parent_id
}

/// Form mistakes come back next to the fields; without the CSRF field nothing is created.
async fn form_mistakes(a: &Admin) {
    let Admin { w, .. } = a;
    let cookie = a.cookie.clone();
    let student = student_form(&a.c1s);
    let mut duplicate = student.to_vec();
    duplicate.push(("login", "petrovpi"));
    let res = w
        .post_maybe_csrf(&cookie, "/people/new", &duplicate, true)
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().contains("уже занято"));
    assert!(res.text().contains("field-error"));
    let mut bad = student.to_vec();
    bad[5] = ("snils", "112-233-445 28");
    bad[7] = ("class_id", "");
    bad[3] = ("birth_date", "31.02.2015");
    let res = w.post_maybe_csrf(&cookie, "/people/new", &bad, true).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = res.text();
    assert!(text.contains("контрольная сумма"), "{text}");
    assert!(text.contains("Для ученика выберите класс"));
    assert!(text.contains("ДД.ММ.ГГГГ"));
    assert!(text.contains("value=\"Петров\""), "entered values are kept");
    let res = w
        .post_maybe_csrf(
            &cookie,
            "/people/new",
            &[("last_name", "Х"), ("roles", "region_administrator")],
            true,
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Without the CSRF field nothing is created.
    let res = w
        .post_maybe_csrf(&cookie, "/people/new", &student, false)
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

/// Editing: new surname and login.
async fn edit_student(a: &Admin, student_id: i64) {
    let Admin { w, admin, .. } = a;
    let cookie = a.cookie.clone();
    let edit = [
        ("last_name", "Петровский"),
        ("first_name", "Пётр"),
        ("middle_name", "Ильич"),
        ("birth_date", "2015-03-08"),
        ("gender", "male"),
        ("snils", ""),
        ("login", "PetrovskiiP"),
        ("display_name", ""),
        ("roles", "student"),
        ("active", "1"),
    ];
    let res = w
        .post_maybe_csrf(&cookie, &format!("/people/{student_id}"), &edit, true)
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let card = w.store().person_card(student_id).await.unwrap().unwrap();
    assert_eq!(
        (card.last_name.as_str(), card.login.as_str(), card.snils),
        ("Петровский", "PetrovskiiP", None)
    );
    assert_eq!(card.display_name, "Петровский Пётр");
    let mut taken = edit.to_vec();
    taken[6] = ("login", &admin.login);
    let res = w
        .post_maybe_csrf(&cookie, &format!("/people/{student_id}"), &taken, true)
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().contains("уже занято"));
}

/// Moving to another class a week later keeps both classes in the history.
async fn move_student(a: &Admin, student_id: i64) {
    let Admin {
        w,
        c1_name,
        c2_name,
        ..
    } = a;
    let cookie = a.cookie.clone();
    let c1s = a.c1s.clone();
    let c2s = a.c2s.clone();
    let res = w
        .post_maybe_csrf(
            &cookie,
            &format!("/people/{student_id}/move"),
            &[("class", &c2s), ("date", "2026-11-30")],
            true,
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let history = w.store().class_history(student_id).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[1].to_date, NaiveDate::from_ymd_opt(2026, 11, 29));
    let page = w.get(&cookie, &format!("/people/{student_id}")).await;
    let text = page.text();
    assert!(
        text.contains(&format!("<td>{c1_name}</td>"))
            && text.contains(&format!("<td>{c2_name}</td>")),
        "{text}"
    );
    let res = w
        .post_maybe_csrf(
            &cookie,
            &format!("/people/{student_id}/move"),
            &[("class", &c1s), ("date", "2026-11-23")],
            true,
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.text().contains("Дата должна быть позже"));
}

/// Unlinking and linking again.
async fn relink(a: &Admin, student_id: i64, parent_id: i64) {
    let Admin { w, org, .. } = a;
    let cookie = a.cookie.clone();
    let org = *org;
    let sid = student_id.to_string();
    let pid = parent_id.to_string();
    let res = w
        .post_maybe_csrf(
            &cookie,
            &format!("/people/{student_id}/unlink"),
            &[("parent", &pid)],
            true,
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        !w.store()
            .people_parent_links(org)
            .await
            .unwrap()
            .iter()
            .any(|l| l.parent_account_id == parent_id)
    );
    let res = w
        .post_maybe_csrf(
            &cookie,
            &format!("/people/{parent_id}/link"),
            &[("student", &sid)],
            true,
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        w.store()
            .people_parent_links(org)
            .await
            .unwrap()
            .iter()
            .any(|l| l.parent_account_id == parent_id)
    );
}

/// A demo student of the school and their class.
async fn demo_student_and_class(a: &Admin) -> (DemoAccount, i64) {
    let Admin { w, org, .. } = a;
    let org = *org;
    let demo_student = w.first(Role::Student, org);
    let demo_student_id = w.id_of(&demo_student).await;
    let class = w
        .store()
        .student(demo_student_id, today())
        .await
        .unwrap()
        .unwrap()
        .class_id
        .unwrap();
    (demo_student, class)
}

/// Credential sheet for a class with the parents: a PDF, and the old passwords stop working.
async fn issue_class_sheet(a: &Admin) -> (DemoAccount, i64) {
    let Admin { w, org, .. } = a;
    let cookie = a.cookie.clone();
    let org = *org;
    let (demo_student, class) = demo_student_and_class(a).await;
    let demo_student_id = w.id_of(&demo_student).await;
    let class_s = class.to_string();
    let res = w
        .post_maybe_csrf(
            &cookie,
            "/people/credentials",
            &[("class", &class_s), ("parents", "1")],
            true,
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::BAD_REQUEST,
        "confirmation is required"
    );
    let res = w
        .post_maybe_csrf(
            &cookie,
            "/people/credentials",
            &[("class", &class_s), ("parents", "1"), ("confirm", "1")],
            true,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!(res.headers[header::CONTENT_TYPE], "application/pdf");
    assert_eq!(res.headers[header::CACHE_CONTROL], "no-store");
    let disposition = res.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"credentials-")
            && disposition.ends_with(".pdf\""),
        "{disposition}"
    );
    assert!(disposition.is_ascii());
    assert!(res.body.starts_with(b"%PDF"));
    let norm = sgo_core::text::normalise(&demo_student.login);
    assert!(
        w.store()
            .credentials(org, &norm)
            .await
            .unwrap()
            .unwrap()
            .must_change_password
    );
    assert!(
        w.app
            .sign_in(
                sgo_core::OrganizationId::new(org),
                &demo_student.login,
                &demo_student.password,
                &Origin::default()
            )
            .await
            .is_err()
    );
    let parents: Vec<i64> = w
        .store()
        .people_parent_links(org)
        .await
        .unwrap()
        .into_iter()
        .filter(|l| l.student_account_id == demo_student_id)
        .map(|l| l.parent_account_id)
        .collect();
    assert!(!parents.is_empty());
    for p in &parents {
        let login = w.store().person_card(*p).await.unwrap().unwrap().login;
        let creds = w
            .store()
            .credentials(org, &sgo_core::text::normalise(&login))
            .await
            .unwrap()
            .unwrap();
        assert!(creds.must_change_password, "parent {p}");
    }
    (demo_student, class)
}

/// The audit log names every change and never a password.
async fn audit_log_names_the_changes(a: &Admin, demo_student: &DemoAccount, class: i64) {
    let Admin { w, org, .. } = a;
    let org = *org;
    let log = w.store().recent_audit_log(500).await.unwrap();
    for action in [
        "person.create",
        "person.update",
        "student.move",
        "person.link",
        "person.unlink",
        "credentials.issue",
    ] {
        assert!(
            log.iter()
                .any(|e| e.action == action && e.organization_id == Some(org)),
            "{action}"
        );
    }
    let students = w.store().students_of_class(class, today()).await.unwrap();
    let mut family_parents: Vec<i64> = w
        .store()
        .people_parent_links(org)
        .await
        .unwrap()
        .into_iter()
        .filter(|l| students.contains(&l.student_account_id))
        .map(|l| l.parent_account_id)
        .collect();
    family_parents.sort_unstable();
    family_parents.dedup();
    let issued = log
        .iter()
        .filter(|e| e.action == "credentials.issue")
        .count();
    assert_eq!(issued, students.len() + family_parents.len());
    assert!(
        log.iter()
            .all(|e| !e.details.contains(&demo_student.password))
    );
}

/// The export of the filtered list; filters narrow the list.
async fn export_and_filters(a: &Admin, class: i64) {
    let Admin { w, admin, c1, .. } = a;
    let cookie = a.cookie.clone();
    let res = w
        .get(&cookie, &format!("/people/export.xlsx?class={class}"))
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(
        res.headers[header::CONTENT_TYPE],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );

    // Filters narrow the list.
    // The move takes effect next week: today the student is still in the first class.
    let page = w
        .get(&cookie, &format!("/people?class={c1}&role=student"))
        .await;
    let text = page.text();
    assert!(text.contains("Петровский Пётр Ильич"));
    assert!(!text.contains(&format!("<td>{}</td>", admin.login)));
    let page = w
        .get(
            &cookie,
            "/people?q=%D0%BF%D0%B5%D1%82%D1%80%D0%BE%D0%B2%D1%81%D0%BA",
        )
        .await;
    assert!(page.text().contains("PetrovskiiP"));
    assert!(!page.text().contains("PetrovPI2"));
}

async fn the_people_pages_offer_the_person_form(engine: Engine) {
    let a = admin_of_one_school(engine).await;
    person_pages(&a).await;
}

async fn a_new_student_gets_a_login_from_the_name(engine: Engine) {
    let a = admin_of_one_school(engine).await;
    create_student(&a).await;
    create_twin(&a).await;
}

async fn an_arriving_student_is_in_the_class_from_that_day(engine: Engine) {
    let a = admin_of_one_school(engine).await;
    create_arrived(&a).await;
}

async fn a_new_parent_is_linked_to_the_student(engine: Engine) {
    let a = admin_of_one_school(engine).await;
    let student_id = create_student(&a).await;
    create_parent(&a, student_id).await;
}

async fn form_mistakes_come_back_next_to_the_fields(engine: Engine) {
    let a = admin_of_one_school(engine).await;
    create_student(&a).await;
    form_mistakes(&a).await;
}

async fn an_edit_keeps_logins_unique(engine: Engine) {
    let a = admin_of_one_school(engine).await;
    let student_id = create_student(&a).await;
    edit_student(&a, student_id).await;
}

async fn a_move_keeps_both_classes_in_the_history(engine: Engine) {
    let a = admin_of_one_school(engine).await;
    let student_id = create_student(&a).await;
    move_student(&a, student_id).await;
}

async fn a_parent_is_unlinked_and_linked_again(engine: Engine) {
    let a = admin_of_one_school(engine).await;
    let student_id = create_student(&a).await;
    let parent_id = create_parent(&a, student_id).await;
    relink(&a, student_id, parent_id).await;
}

async fn a_class_sheet_resets_the_passwords_of_students_and_parents(engine: Engine) {
    let a = admin_of_one_school(engine).await;
    issue_class_sheet(&a).await;
}

async fn the_audit_log_names_every_change_and_never_a_password(engine: Engine) {
    let a = admin_of_one_school(engine).await;
    person_pages(&a).await;
    let student_id = create_student(&a).await;
    create_twin(&a).await;
    create_arrived(&a).await;
    let parent_id = create_parent(&a, student_id).await;
    form_mistakes(&a).await;
    edit_student(&a, student_id).await;
    move_student(&a, student_id).await;
    relink(&a, student_id, parent_id).await;
    let (demo_student, class) = issue_class_sheet(&a).await;
    audit_log_names_the_changes(&a, &demo_student, class).await;
}

async fn the_export_and_the_filters_follow_the_list(engine: Engine) {
    let a = admin_of_one_school(engine).await;
    let student_id = create_student(&a).await;
    create_twin(&a).await;
    edit_student(&a, student_id).await;
    move_student(&a, student_id).await;
    let (_, class) = demo_student_and_class(&a).await;
    export_and_filters(&a, class).await;
}

/// Two teachers who each lead a class, with those classes.
async fn class_teachers(w: &World, org: i64) -> Vec<(DemoAccount, i64)> {
    let year = w.store().current_year(org, today()).await.unwrap().unwrap();
    let mut out = Vec::new();
    for t in w
        .accounts
        .iter()
        .filter(|a| a.role == Role::Teacher && a.organization_id == org)
    {
        let id = w.id_of(t).await;
        if let Some(class) = w.store().classes_led_by(id, year.id).await.unwrap().first() {
            out.push((t.clone(), *class));
        }
    }
    out
}

async fn teacher_rules(engine: Engine) {
    let w = world(engine, 1).await;
    let org = w.admin().organization_id;
    let teachers = class_teachers(&w, org).await;
    let (teacher, own) = teachers[0].clone();
    let other = teachers.iter().find(|(_, c)| *c != own).unwrap().1;
    // Students and parents have no people pages at all.
    for role in [Role::Student, Role::Parent] {
        let cookie = w.cookie(&w.first(role, org)).await;
        assert_eq!(
            w.get(&cookie, "/people").await.status,
            StatusCode::FORBIDDEN
        );
        let res = w
            .post_maybe_csrf(&cookie, "/people/credentials", &[("confirm", "1")], true)
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
    }

    let cookie = w.cookie(&teacher).await;
    assert_eq!(
        w.get(&cookie, "/people/new").await.status,
        StatusCode::FORBIDDEN
    );
    let res = w
        .post_maybe_csrf(
            &cookie,
            "/people/new",
            &[
                ("last_name", "Новиков"),
                ("first_name", "Ян"),
                ("roles", "teacher"),
            ],
            true,
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);

    // The list shows the own class only; another class's student is not reachable.
    let own_students = w.store().students_of_class(own, today()).await.unwrap();
    let other_students = w.store().students_of_class(other, today()).await.unwrap();
    let page = w.get(&cookie, "/people").await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    assert!(text.contains(&format!("/people/{}\"", own_students[0])));
    assert!(!text.contains(&format!("/people/{}\"", other_students[0])));
    assert_eq!(
        w.get(&cookie, &format!("/people/{}", own_students[0]))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        w.get(&cookie, &format!("/people/{}", other_students[0]))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let edit = [
        ("last_name", "Х"),
        ("first_name", "Y"),
        ("roles", "student"),
        ("login", "x"),
        ("active", "1"),
    ];
    let res = w
        .post_maybe_csrf(
            &cookie,
            &format!("/people/{}", own_students[0]),
            &edit,
            true,
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);

    // Credential sheets: the own class yes, another class no.
    let (own_s, other_s) = (own.to_string(), other.to_string());
    let res = w
        .post_maybe_csrf(
            &cookie,
            "/people/credentials",
            &[("class", &own_s), ("parents", "1"), ("confirm", "1")],
            true,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!(res.headers[header::CONTENT_TYPE], "application/pdf");
    let res = w
        .post_maybe_csrf(
            &cookie,
            "/people/credentials",
            &[("class", &other_s), ("confirm", "1")],
            true,
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let one = other_students[0].to_string();
    let res = w
        .post_maybe_csrf(
            &cookie,
            "/people/credentials",
            &[("account", &one), ("confirm", "1")],
            true,
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let card = w
        .store()
        .person_card(other_students[0])
        .await
        .unwrap()
        .unwrap();
    assert!(
        !card.must_change_password,
        "a refused sheet changes nothing"
    );
    let card = w
        .store()
        .person_card(own_students[0])
        .await
        .unwrap()
        .unwrap();
    assert!(card.must_change_password);
}

async fn other_school(engine: Engine) {
    let w = world(engine, 2).await;
    let admin = w.admin();
    let org = admin.organization_id;
    let stranger = w
        .accounts
        .iter()
        .find(|a| a.organization_id != org && a.role == Role::Student)
        .unwrap()
        .clone();
    let stranger_id = w.id_of(&stranger).await;
    let cookie = w.cookie(&admin).await;
    assert_eq!(
        w.get(&cookie, &format!("/people/{stranger_id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let edit = [
        ("last_name", "Х"),
        ("first_name", "Y"),
        ("roles", "student"),
        ("login", "x"),
        ("active", "1"),
    ];
    let res = w
        .post_maybe_csrf(&cookie, &format!("/people/{stranger_id}"), &edit, true)
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let sid = stranger_id.to_string();
    let res = w
        .post_maybe_csrf(
            &cookie,
            "/people/credentials",
            &[("account", &sid), ("confirm", "1")],
            true,
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = w
        .post_maybe_csrf(
            &cookie,
            &format!("/people/{stranger_id}/move"),
            &[("class", ""), ("date", "2026-12-01")],
            true,
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    // Nor can a parent of this school be linked to that student.
    let own_parent = w.id_of(&w.first(Role::Parent, org)).await;
    let res = w
        .post_maybe_csrf(
            &cookie,
            &format!("/people/{own_parent}/link"),
            &[("student", &sid)],
            true,
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(
        !w.get(&cookie, "/people")
            .await
            .text()
            .contains(&stranger.login)
    );
    let card = w.store().person_card(stranger_id).await.unwrap().unwrap();
    assert!(!card.must_change_password);
}

both_engines!(
    the_people_pages_offer_the_person_form,
    a_new_student_gets_a_login_from_the_name,
    an_arriving_student_is_in_the_class_from_that_day,
    a_new_parent_is_linked_to_the_student,
    form_mistakes_come_back_next_to_the_fields,
    an_edit_keeps_logins_unique,
    a_move_keeps_both_classes_in_the_history,
    a_parent_is_unlinked_and_linked_again,
    a_class_sheet_resets_the_passwords_of_students_and_parents,
    the_audit_log_names_every_change_and_never_a_password,
    the_export_and_the_filters_follow_the_list,
    teacher_rules,
    other_school,
);
