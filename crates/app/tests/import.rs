//! Imports through the use cases on both engines, with rows built here (the file reader is
//! tested in `sgo-reports`; the HTTP tests send real files).

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use chrono::{Duration, NaiveDate};
use sgo_app::import::{ImportKind, ImportStatus};
use sgo_app::{AppError, Origin, Role};
use sgo_core::policy;
use sgo_store::{Engine, NewImportBatch, Value};
use sgo_testkit::{World, both_engines, today};

/// The kit's world: two schools, two students per class.
async fn world(engine: Engine) -> World {
    sgo_testkit::World::build(engine)
        .schools(2)
        .students_per_class(2)
        .start()
        .await
}

fn strings(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|s| (*s).to_owned()).collect()
}

fn headers(kind: ImportKind) -> Vec<String> {
    kind.columns().iter().map(|c| c.title.to_owned()).collect()
}

fn student_row(student: &[&str], parent1: &[&str]) -> Vec<String> {
    let mut row = strings(student);
    row.resize(7, String::new());
    row.extend(strings(parent1));
    row.resize(19, String::new());
    row
}

async fn students_with_a_shared_parent(engine: Engine) {
    let w = world(engine).await;
    let admin = w.school_admin(0).await;
    let classes = w.class_names(admin.home().get()).await;
    let (c1, c2) = (&classes[0], &classes[classes.len() - 1]);
    let rows = vec![
        student_row(
            &[
                "Импортов",
                "Илья",
                "Олегович",
                "01.09.2015",
                "м",
                c1,
                "imp_ilya",
            ],
            &[
                "Импортова",
                "Ольга",
                "Петровна",
                "imp_mama",
                "mama@example.ru",
                "+7 900 000-00-01",
            ],
        ),
        student_row(
            &["Импортова", "Ирина", "Олеговна", "02.03.2012", "ж", c2, ""],
            &["Импортова", "Ольга", "Петровна", "IMP_MAMA", "", ""],
        ),
    ];
    let kind = ImportKind::Students;
    let check = w
        .app
        .import_check_rows(&admin, kind, "дети.csv", &headers(kind), &rows)
        .await
        .unwrap();
    assert!(check.errors.is_empty(), "{:?}", check.errors);
    let id = check.batch_id.unwrap();
    assert_eq!(
        (check.batch.students.len(), check.batch.parents.len()),
        (2, 1)
    );
    // Nothing is written before confirmation.
    assert!(
        w.account_id_by_login(admin.home().get(), "imp_ilya")
            .await
            .is_none()
    );
    let view = w.app.import_batch(&admin, id).await.unwrap();
    assert_eq!(view.status, ImportStatus::Staged);
    assert_eq!(view.batch.unwrap().students[1].person.login, "ImportovaIO");

    let job = w
        .app
        .confirm_import(&admin, &Origin::default(), id)
        .await
        .unwrap();
    assert_eq!(job.batch_id(), id);
    assert_eq!(job.run().await, ImportStatus::Applied);
    let progress = w.app.import_progress(&admin, id).await.unwrap();
    assert_eq!(
        (progress.status, progress.done, progress.total),
        (ImportStatus::Applied, 3, 3)
    );

    let mama = w
        .account_id_by_login(admin.home().get(), "imp_mama")
        .await
        .unwrap();
    let children = w.store().children(mama, today()).await.unwrap();
    assert_eq!(
        children.len(),
        2,
        "one parent, linked to both children once"
    );
    let mut got: Vec<String> = children
        .iter()
        .map(|c| format!("{}{}", c.grade.unwrap(), c.letter.clone().unwrap()))
        .collect();
    got.sort();
    let mut want = vec![c1.clone(), c2.clone()];
    want.sort();
    assert_eq!(got, want);
    assert_eq!(
        w.store().account_roles(mama).await.unwrap(),
        vec![Role::Parent]
    );
    let ilya = w
        .account_id_by_login(admin.home().get(), "imp_ilya")
        .await
        .unwrap();
    let ilya = w.store().account(ilya).await.unwrap().unwrap();
    assert_eq!(ilya.display_name, "Импортов Илья");
    assert_eq!(ilya.birth_date, NaiveDate::from_ymd_opt(2015, 9, 1));

    let log = w.store().recent_audit_log(5).await.unwrap();
    let entry = log.iter().find(|e| e.action == "import.apply").unwrap();
    assert_eq!(entry.target, format!("import:{id}"));
    assert_eq!(entry.organization_id, Some(admin.home().get()));
    assert!(
        entry.details.contains("учеников 2, родителей 1"),
        "{}",
        entry.details
    );

    // Applied once only.
    let again = w.app.confirm_import(&admin, &Origin::default(), id).await;
    assert!(matches!(again, Err(AppError::BadRequest(ref m)) if m.contains("уже подтверждён")));
    // The logins now count as taken for the next file.
    let check = w
        .app
        .import_check_rows(&admin, kind, "ещё.csv", &headers(kind), &rows[..1])
        .await
        .unwrap();
    assert_eq!(
        check.errors[0].reasons[0],
        "логин «imp_ilya» уже занят в школе"
    );
    assert_eq!(check.batch_id, None);
}

async fn one_bad_row_stages_nothing(engine: Engine) {
    let w = world(engine).await;
    let admin = w.school_admin(0).await;
    let classes = w.class_names(admin.home().get()).await;
    let kind = ImportKind::Students;
    let rows = vec![
        student_row(&["Хороший", "Ученик", "", "", "", &classes[0]], &[]),
        student_row(
            &["Плохой", "Ученик", "", "30.02.2015", "", &classes[0]],
            &[],
        ),
    ];
    let check = w
        .app
        .import_check_rows(&admin, kind, "f.csv", &headers(kind), &rows)
        .await
        .unwrap();
    assert_eq!(check.batch_id, None);
    assert_eq!(check.errors.len(), 1);
    assert_eq!(check.errors[0].row, 3);
    assert!(w.app.import_history(&admin).await.unwrap().is_empty());
    // A header without required columns is one message.
    let e = w
        .app
        .import_check_rows(&admin, kind, "f.csv", &strings(&["Фамилия"]), &rows)
        .await
        .unwrap_err();
    assert!(
        matches!(e, AppError::BadRequest(ref m) if m.contains("«Имя», «Класс»")),
        "{e:?}"
    );
}

async fn staff_get_their_roles(engine: Engine) {
    let w = world(engine).await;
    let admin = w.school_admin(0).await;
    let kind = ImportKind::Staff;
    let rows = vec![
        strings(&[
            "Новикова",
            "Вера",
            "Павловна",
            "12.04.1985",
            "учитель, завуч",
            "novikova",
            "v@example.ru",
            "",
        ]),
        strings(&["Новиков", "Пётр", "", "", "сотрудник", "", "", ""]),
    ];
    let check = w
        .app
        .import_check_rows(&admin, kind, "staff.csv", &headers(kind), &rows)
        .await
        .unwrap();
    let id = check.batch_id.unwrap();
    let job = w
        .app
        .confirm_import(&admin, &Origin::default(), id)
        .await
        .unwrap();
    assert_eq!(job.run().await, ImportStatus::Applied);
    let vera = w
        .account_id_by_login(admin.home().get(), "novikova")
        .await
        .unwrap();
    let mut roles = w.store().account_roles(vera).await.unwrap();
    roles.sort();
    assert_eq!(roles, vec![Role::DeputyHead, Role::Teacher]);
    let petr = w
        .account_id_by_login(admin.home().get(), "NovikovP")
        .await
        .unwrap();
    assert_eq!(
        w.store().account_roles(petr).await.unwrap(),
        vec![Role::Staff]
    );
    assert_eq!(
        w.store().account(vera).await.unwrap().unwrap().display_name,
        "Новикова Вера Павловна"
    );
}

async fn a_login_taken_meanwhile_rolls_back(engine: Engine) {
    let w = world(engine).await;
    let admin = w.school_admin(0).await;
    let kind = ImportKind::Staff;
    let rows = vec![
        strings(&["Первый", "Иван", "", "", "учитель", "first_one"]),
        strings(&["Второй", "Иван", "", "", "учитель", "second_one"]),
    ];
    let check = w
        .app
        .import_check_rows(&admin, kind, "staff.csv", &headers(kind), &rows)
        .await
        .unwrap();
    let id = check.batch_id.unwrap();
    // Someone takes the second login between the check and the confirmation.
    let now = chrono::Utc::now();
    w.store()
        .bulk_insert(
            "persons",
            &["id", "last_name", "first_name", "created_at"],
            vec![vec![
                900_000i64.into(),
                "Захватов".into(),
                "Захар".into(),
                now.into(),
            ]],
        )
        .await
        .unwrap();
    w.store()
        .bulk_insert(
            "accounts",
            &[
                "id",
                "person_id",
                "organization_id",
                "login",
                "login_norm",
                "display_name",
                "created_at",
            ],
            vec![vec![
                900_000i64.into(),
                900_000i64.into(),
                admin.home().get().into(),
                Value::Text(Some("Second_One".into())),
                "second_one".into(),
                "Захватов Захар".into(),
                now.into(),
            ]],
        )
        .await
        .unwrap();
    let job = w
        .app
        .confirm_import(&admin, &Origin::default(), id)
        .await
        .unwrap();
    assert_eq!(job.run().await, ImportStatus::Failed);
    assert!(
        w.account_id_by_login(admin.home().get(), "first_one")
            .await
            .is_none()
    );
    let view = w.app.import_batch(&admin, id).await.unwrap();
    assert_eq!(view.status, ImportStatus::Failed);
    assert!(view.message.contains("«second_one»"), "{}", view.message);
    assert!(
        w.app
            .confirm_import(&admin, &Origin::default(), id)
            .await
            .is_err()
    );
    assert!(
        !w.store()
            .recent_audit_log(5)
            .await
            .unwrap()
            .iter()
            .any(|e| e.action == "import.apply")
    );
}

async fn only_the_schools_administration(engine: Engine) {
    let w = world(engine).await;
    let admin = w.school_admin(0).await;
    let other_admin = w.school_admin(1).await;
    let teacher = w.actor(&w.in_school(Role::Teacher, 0)).await;
    assert_ne!(admin.home(), other_admin.home());
    let kind = ImportKind::Staff;
    let rows = vec![strings(&["Один", "Иван", "", "", "учитель"])];
    // A teacher gets no capability, so no import use case can be called for them at all.
    assert!(policy::school_administrator(&teacher).is_none());
    let id = w
        .app
        .import_check_rows(&admin, kind, "s.csv", &headers(kind), &rows)
        .await
        .unwrap()
        .batch_id
        .unwrap();
    assert!(matches!(
        w.app.import_batch(&other_admin, id).await,
        Err(AppError::NotFound(_))
    ));
    assert!(matches!(
        w.app
            .confirm_import(&other_admin, &Origin::default(), id)
            .await,
        Err(AppError::NotFound(_))
    ));
    assert!(matches!(
        w.app.import_progress(&other_admin, id).await,
        Err(AppError::NotFound(_))
    ));

    // A batch older than a day cannot be confirmed.
    let old = w
        .store()
        .create_import_batch(&NewImportBatch {
            organization_id: admin.home().get(),
            created_by: admin.actor().account_id.get(),
            created_at: chrono::Utc::now() - Duration::hours(25),
            kind: "staff".into(),
            file_name: "old.csv".into(),
            payload: "{\"students\":[],\"parents\":[],\"staff\":[]}".into(),
            students: 0,
            parents: 0,
            staff: 0,
            rows_total: 0,
        })
        .await
        .unwrap();
    assert_eq!(
        w.app.import_batch(&admin, old).await.unwrap().status,
        ImportStatus::Expired
    );
    let e = w.app.confirm_import(&admin, &Origin::default(), old).await;
    assert!(matches!(e, Err(AppError::BadRequest(ref m)) if m.contains("Срок")));
}

both_engines!(
    students_with_a_shared_parent,
    one_bad_row_stages_nothing,
    staff_get_their_roles,
    a_login_taken_meanwhile_rolls_back,
    only_the_schools_administration,
);
