//! Import pages through the real router on both engines: upload, report, confirmation, progress.
//!
//! The tests named `*_csv_*` send real CSV files and need `sgo_sheet::read_table`;
//! the others stage batches through the use case or never reach the reader.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::Value as Json;
use sgo_app::import::ImportKind;
use sgo_app::{Engine, Role};
use sgo_core::policy;
use sgo_core::text::normalise;
use sgo_testkit::{Response, both_engines, today};

/// The kit's world (two schools, two students per class, seed 11) with this file's helpers.
struct World(sgo_testkit::World);

impl std::ops::Deref for World {
    type Target = sgo_testkit::World;
    fn deref(&self) -> &sgo_testkit::World {
        &self.0
    }
}

async fn world(engine: Engine) -> World {
    World(
        sgo_testkit::World::build(engine)
            .schools(2)
            .students_per_class(2)
            .seed(11)
            .start()
            .await,
    )
}

/// An answer with its body as text.
struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

trait IntoReply {
    fn reply(self) -> Reply;
}

impl IntoReply for Response {
    fn reply(self) -> Reply {
        let body = self.text();
        Reply {
            status: self.status,
            headers: self.headers,
            body,
        }
    }
}

impl World {
    async fn account_id(&self, organization: i64, login: &str) -> Option<i64> {
        self.store()
            .credentials(organization, &normalise(login))
            .await
            .unwrap()
            .map(|c| c.account_id)
    }

    async fn classes(&self, organization: i64) -> Vec<String> {
        let year = self
            .store()
            .current_year(organization, today())
            .await
            .unwrap()
            .unwrap();
        self.store()
            .year_classes(year.id)
            .await
            .unwrap()
            .into_iter()
            .map(|c| format!("{}{}", c.grade, c.letter))
            .collect()
    }

    async fn upload(&self, cookie: &str, csrf: bool, kind: &str, name: &str, file: &[u8]) -> Reply {
        let boundary = "XyZzyImportBoundary";
        let mut body = Vec::new();
        let mut text = |name: &str, value: &str| {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        };
        if csrf {
            text("csrf", &sgo_testkit::csrf_for(cookie));
        }
        text("kind", kind);
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
                 Content-Type: text/csv\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(file);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        self.send(
            Request::post("/people/import")
                .header(header::COOKIE, cookie)
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(Body::from(body))
                .unwrap(),
        )
        .await
        .reply()
    }

    async fn apply(&self, cookie: &str, id: i64, csrf: bool) -> Reply {
        let token = if csrf {
            sgo_testkit::csrf_for(cookie)
        } else {
            String::new()
        };
        self.apply_with(cookie, id, &token).await
    }

    /// Applies with the given form token ("" for none).
    async fn apply_with(&self, cookie: &str, id: i64, csrf: &str) -> Reply {
        let body = if csrf.is_empty() {
            String::new()
        } else {
            format!("csrf={csrf}")
        };
        self.send(
            Request::post(format!("/people/import/{id}/apply"))
                .header(header::COOKIE, cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
        .reply()
    }

    /// Polls the progress endpoint until the job has finished; returns the last answer.
    async fn wait(&self, cookie: &str, id: i64) -> Json {
        for _ in 0..400 {
            let r = self
                .get(cookie, &format!("/people/import/{id}/progress"))
                .await
                .reply();
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            let p: Json = serde_json::from_str(&r.body).unwrap();
            if p["status"] != "applying" {
                return p;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the import did not finish");
    }

    /// Stages a staff batch through the use case (no file reader involved).
    async fn staged_staff_batch(&self, login: &str) -> i64 {
        let admin = policy::school_administrator(
            &self.actor(&self.in_school(Role::Administrator, 0)).await,
        )
        .unwrap();
        let kind = ImportKind::Staff;
        let headers: Vec<String> = kind.columns().iter().map(|c| c.title.to_owned()).collect();
        let rows = vec![vec![
            "Штатов".into(),
            "Олег".into(),
            "".into(),
            "".into(),
            "учитель".into(),
            login.into(),
        ]];
        self.app
            .import_check_rows(&admin, kind, "staff.csv", &headers, &rows)
            .await
            .unwrap()
            .batch_id
            .unwrap()
    }
}

fn location(r: &Reply) -> String {
    r.headers[header::LOCATION].to_str().unwrap().to_owned()
}

fn students_csv(classes: &[String]) -> String {
    let (a, b) = (&classes[0], &classes[classes.len() - 1]);
    format!(
        "\u{feff}{}\r\n\
         Файлов;Фёдор;Ильич;01.09.2015;м;{a};csv_fedor;Файлова;Нина;Петровна;csv_nina;nina@example.ru;+7 900 100-00-01;;;;;;\r\n\
         Файлова;Вера;Ильинична;12.12.2012;ж;{b};;Файлова;Нина;Петровна;CSV_NINA;;;Файлов;Илья;;;;+7 900 100-00-02\r\n",
        ImportKind::Students.template_header()
    )
}

async fn good_csv_imports_everything(engine: Engine) {
    let w = world(engine).await;
    let cookie = w.sign_in(Role::Administrator, 0).await.cookie;
    let school = w.in_school(Role::Administrator, 0).organization_id;
    let classes = w.classes(school).await;

    let r = w
        .upload(
            &cookie,
            true,
            "students",
            "дети.csv",
            students_csv(&classes).as_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = location(&r);
    let id: i64 = page.rsplit('/').next().unwrap().parse().unwrap();
    let r = w.get(&cookie, &page).await.reply();
    assert_eq!(r.status, StatusCode::OK);
    for needle in [
        "id=\"import-confirm\"",
        "id=\"import-preview\"",
        "учеников: 2, родителей: 2",
        "csv_fedor",
        "(предложен)",
    ] {
        assert!(r.body.contains(needle), "missing {needle}");
    }
    assert!(
        w.account_id(school, "csv_fedor").await.is_none(),
        "nothing before confirmation"
    );

    let r = w.apply(&cookie, id, true).await;
    assert_eq!(
        (r.status, location(&r)),
        (StatusCode::SEE_OTHER, page.clone())
    );
    let p = w.wait(&cookie, id).await;
    assert_eq!(
        (
            p["status"].as_str(),
            p["done"].as_i64(),
            p["total"].as_i64()
        ),
        (Some("applied"), Some(4), Some(4))
    );
    let nina = w.account_id(school, "csv_nina").await.unwrap();
    let children = w.store().children(nina, today()).await.unwrap();
    assert_eq!(
        children.len(),
        2,
        "the mother of both is linked to each once"
    );
    assert!(children.iter().all(|c| c.class_id.is_some()));
    let fedor = w.account_id(school, "csv_fedor").await.unwrap();
    let fedor_class = w.store().student(fedor, today()).await.unwrap().unwrap();
    assert_eq!(
        format!(
            "{}{}",
            fedor_class.grade.unwrap(),
            fedor_class.letter.unwrap()
        ),
        classes[0]
    );
    let r = w.get(&cookie, &page).await.reply();
    assert!(r.body.contains("data-status=\"applied\""));
    assert!(!r.body.contains("id=\"import-confirm\""));

    // Staff with roles.
    let staff = format!(
        "{}\nКадрова;Анна;Петровна;01.02.1980;Учитель, завуч;csv_kadrova;a@example.ru;\n",
        ImportKind::Staff.template_header()
    );
    let r = w
        .upload(&cookie, true, "staff", "staff.csv", staff.as_bytes())
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id: i64 = location(&r).rsplit('/').next().unwrap().parse().unwrap();
    assert_eq!(
        w.apply(&cookie, id, true).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(w.wait(&cookie, id).await["status"], "applied");
    let anna = w.account_id(school, "csv_kadrova").await.unwrap();
    let mut roles = w.store().account_roles(anna).await.unwrap();
    roles.sort();
    assert_eq!(roles, vec![Role::DeputyHead, Role::Teacher]);

    let log = w.store().recent_audit_log(10).await.unwrap();
    assert_eq!(log.iter().filter(|e| e.action == "import.apply").count(), 2);
}

async fn a_csv_with_one_bad_row_imports_nothing(engine: Engine) {
    let w = world(engine).await;
    let cookie = w.sign_in(Role::Administrator, 0).await.cookie;
    let school = w.in_school(Role::Administrator, 0).organization_id;
    let classes = w.classes(school).await;
    let csv = students_csv(&classes).replace("12.12.2012", "31.02.2012");
    let r = w
        .upload(&cookie, true, "students", "дети.csv", csv.as_bytes())
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"import-errors\""));
    assert!(
        r.body.contains("data-row=\"3\""),
        "the third line of the file is named"
    );
    assert!(
        r.body
            .contains("дата рождения «31.02.2012» — такой даты нет")
    );
    assert!(!r.body.contains("data-row=\"2\""));
    assert!(w.account_id(school, "csv_fedor").await.is_none());
    assert!(
        w.app
            .import_history(
                &policy::school_administrator(&w.actor(&w.in_school(Role::Administrator, 0)).await)
                    .unwrap()
            )
            .await
            .unwrap()
            .is_empty()
    );

    // A file without the required columns is one message next to the file field.
    let r = w
        .upload(
            &cookie,
            true,
            "students",
            "x.csv",
            "Фамилия;Имя\nА;Б\n".as_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("id=\"import-file-error\"") && r.body.contains("«Класс»"),
        "{}",
        r.body
    );
}

async fn confirming_is_guarded(engine: Engine) {
    let w = world(engine).await;
    let admin = w.sign_in(Role::Administrator, 0).await.cookie;
    let other_admin = w.sign_in(Role::Administrator, 1).await.cookie;
    let teacher = w.sign_in(Role::Teacher, 0).await.cookie;
    let id = w.staged_staff_batch("guarded_login").await;
    let page = format!("/people/import/{id}");

    // The page of the upload form and of the batch.
    let r = w.get(&admin, "/people/import").await.reply();
    assert_eq!(r.status, StatusCode::OK);
    for needle in [
        "id=\"import-kind\"",
        "id=\"import-file\"",
        "id=\"import-upload\"",
        "id=\"template-students\"",
        "id=\"import-history\"",
    ] {
        assert!(r.body.contains(needle), "missing {needle}");
    }
    assert!(
        w.get(&admin, &page)
            .await
            .reply()
            .body
            .contains("id=\"import-confirm\"")
    );

    // A teacher is refused; another school sees no such batch.
    assert_eq!(
        w.get(&teacher, "/people/import").await.reply().status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        w.get(&teacher, &page).await.reply().status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        w.apply(&teacher, id, true).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        w.get(&other_admin, &page).await.reply().status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.get(&other_admin, &format!("{page}/progress"))
            .await
            .reply()
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.apply(&other_admin, id, true).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.get(&admin, "/people/import/nonsense")
            .await
            .reply()
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.get(&admin, "/people/import/999999").await.reply().status,
        StatusCode::NOT_FOUND
    );

    // Without the CSRF token nothing happens.
    assert_eq!(
        w.apply(&admin, id, false).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        w.apply_with(&admin, id, "ffffffffffffffffffffffffffffffff")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // The cookie's own value is no token once signed in.
    assert_eq!(
        w.apply_with(&admin, id, sgo_testkit::CSRF).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        w.upload(&admin, false, "staff", "s.csv", b"x").await.status,
        StatusCode::FORBIDDEN
    );
    let school = w.in_school(Role::Administrator, 0).organization_id;
    assert!(w.account_id(school, "guarded_login").await.is_none());

    // Applied once; the second confirmation is refused.
    assert_eq!(
        w.apply(&admin, id, true).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(w.wait(&admin, id).await["status"], "applied");
    assert!(w.account_id(school, "guarded_login").await.is_some());
    let r = w.apply(&admin, id, true).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("уже подтверждён"));
}

async fn uploads_are_limited(engine: Engine) {
    let w = world(engine).await;
    let admin = w.sign_in(Role::Administrator, 0).await.cookie;
    let big = vec![b'a'; 6 * 1024 * 1024];
    let r = w.upload(&admin, true, "students", "big.csv", &big).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.body.contains("Файл слишком большой"), "{}", r.body);
    // Forms elsewhere keep the small global limit; this route takes more than 64 KiB.
    let medium = vec![b'a'; 200 * 1024];
    let r = w.upload(&admin, true, "weird", "m.csv", &medium).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Выберите, что загружаете"));
    let r = w.upload(&admin, true, "students", "empty.csv", b"").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Выберите файл"));
}

async fn templates_and_script_are_served(engine: Engine) {
    let w = world(engine).await;
    let admin = w.sign_in(Role::Administrator, 0).await.cookie;
    let r = w
        .get(&admin, "/people/import/template/students.csv")
        .await
        .reply();
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        r.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    assert!(r.body.starts_with(
        "\u{feff}Фамилия;Имя;Отчество;Дата рождения;Пол;Класс;Логин;Родитель 1: Фамилия"
    ));
    let r = w
        .get(&admin, "/people/import/template/staff.csv")
        .await
        .reply();
    assert!(r.body.contains("Роли;Логин;E-mail;Телефон"));
    assert_eq!(
        w.get(&admin, "/people/import/template/other.csv")
            .await
            .reply()
            .status,
        StatusCode::NOT_FOUND
    );
    let r = w.get("", "/static/import.js").await.reply();
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("import-progress"));
}

both_engines!(
    good_csv_imports_everything,
    a_csv_with_one_bad_row_imports_nothing,
    confirming_is_guarded,
    uploads_are_limited,
    templates_and_script_are_served,
);
