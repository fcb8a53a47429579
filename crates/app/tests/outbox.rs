//! Writes reach this process's caches through the outbox before they answer: the first diary or
//! session read after a write shows it, though the read before it filled the cache. Both engines.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use chrono::Duration;
use sgo_app::diary::DiaryWeek;
use sgo_app::files::Upload;
use sgo_app::import::{ImportKind, ImportStatus};
use sgo_app::people::PersonInput;
use sgo_app::settings::PasswordInput;
use sgo_app::{Actor, AppError, Origin, Role};
use sgo_core::changes::{ChangeKind, ChangeSubject, Changed};
use sgo_core::{AccountId, AssignmentId, ClassId, OrganizationId, StudentId};
use sgo_store::{ClassRecord, Engine};
use sgo_testkit::{World, both_engines, today};

/// The kit's world: one school, two students per class, seed 7.
async fn world(engine: Engine) -> World {
    sgo_testkit::World::build(engine)
        .students_per_class(2)
        .seed(7)
        .start()
        .await
}

/// The student's diary for the week of `today()`, read as the student.
async fn week(w: &World, student: &Actor) -> DiaryWeek {
    let from = today();
    w.app
        .diary_week(
            student,
            student.account_id.as_student(),
            from,
            from + Duration::days(6),
            &Origin::default(),
        )
        .await
        .unwrap()
}

async fn a_file_given_to_homework_is_in_the_next_diary_read(engine: Engine) {
    let w = world(engine).await;
    let student = w.first_actor(Role::Student).await;
    let before = week(&w, &student).await;
    let file = Upload::from_bytes("задача.txt", b"2 + 2".to_vec());
    let (_, id) = w
        .give_homework(&before, "Задача с файлом", vec![file])
        .await;
    let id = id.get();
    let after = week(&w, &student).await;
    let shown = after
        .days
        .iter()
        .flat_map(|d| &d.lessons)
        .find(|l| l.assignments.iter().any(|a| a.assignment_id.get() == id))
        .expect("the new homework is in the diary");
    assert_eq!(
        shown.files.get(&AssignmentId::new(id)).map(Vec::len),
        Some(1)
    );
}

/// A class of the student's school this year other than the student's own.
async fn another_class(w: &World, student: &Actor) -> ClassRecord {
    let record = w
        .store()
        .student(student.account_id.get(), today())
        .await
        .unwrap()
        .unwrap();
    let year = w
        .store()
        .current_year(student.organization_id.get(), today())
        .await
        .unwrap()
        .unwrap();
    w.store()
        .classes(year.id)
        .await
        .unwrap()
        .into_iter()
        .find(|c| Some(c.id) != record.class_id)
        .unwrap()
}

async fn a_student_moved_to_another_class_sees_it_at_once(engine: Engine) {
    let w = world(engine).await;
    let student = w.first_actor(Role::Student).await;
    let before = week(&w, &student).await;
    let other = another_class(&w, &student).await;
    w.app
        .move_student(
            &w.school_admin(0).await,
            &Origin::default(),
            student.account_id,
            Some(ClassId::new(other.id)),
            today(),
        )
        .await
        .unwrap();
    let after = week(&w, &student).await;
    let expected = format!("{}{}", other.grade, other.letter);
    assert_ne!(before.student.class_name, after.student.class_name);
    assert_eq!(after.student.class_name, Some(expected));
}

async fn a_renamed_student_is_renamed_in_the_next_diary_read(engine: Engine) {
    let w = world(engine).await;
    let student = w.first_actor(Role::Student).await;
    let before = week(&w, &student).await;
    let card = w
        .store()
        .person_card(student.account_id.get())
        .await
        .unwrap()
        .unwrap();
    let input = PersonInput {
        last_name: card.last_name,
        first_name: card.first_name,
        middle_name: card.middle_name,
        birth_date: card.birth_date.map(|d| d.to_string()).unwrap_or_default(),
        gender: card.gender.unwrap_or_default(),
        snils: card.snils.unwrap_or_default(),
        login: card.login,
        display_name: "Новое Имя".into(),
        roles: vec![Role::Student.code().into()],
        class_id: String::new(),
        class_from: String::new(),
        children: vec![],
        active: true,
    };
    w.app
        .update_person(
            &w.school_admin(0).await,
            &Origin::default(),
            student.account_id,
            &input,
        )
        .await
        .unwrap();
    let after = week(&w, &student).await;
    assert_ne!(before.student.display_name, "Новое Имя");
    assert_eq!(after.student.display_name, "Новое Имя");
}

async fn a_deactivated_account_is_refused_at_the_next_request(engine: Engine) {
    let w = world(engine).await;
    let a = w
        .accounts
        .iter()
        .find(|a| a.role == Role::Teacher)
        .unwrap()
        .clone();
    let token = w
        .app
        .sign_in(
            sgo_core::OrganizationId::new(a.organization_id),
            &a.login,
            &a.password,
            &Origin::default(),
        )
        .await
        .unwrap()
        .token;
    let who = w.app.authenticate_token(&token).await.unwrap();
    // A second check is served from the session cache.
    w.app.authenticate_token(&token).await.unwrap();
    let card = w
        .store()
        .person_card(who.actor.account_id.get())
        .await
        .unwrap()
        .unwrap();
    let roles = w
        .store()
        .account_roles(who.actor.account_id.get())
        .await
        .unwrap();
    let input = PersonInput {
        last_name: card.last_name,
        first_name: card.first_name,
        middle_name: card.middle_name,
        birth_date: card.birth_date.map(|d| d.to_string()).unwrap_or_default(),
        gender: card.gender.unwrap_or_default(),
        snils: card.snils.unwrap_or_default(),
        login: card.login,
        display_name: card.display_name,
        roles: roles.iter().map(|r| r.code().to_owned()).collect(),
        class_id: String::new(),
        class_from: String::new(),
        children: vec![],
        active: false,
    };
    w.app
        .update_person(
            &w.school_admin(0).await,
            &Origin::default(),
            who.actor.account_id,
            &input,
        )
        .await
        .unwrap();
    assert!(w.app.authenticate_token(&token).await.is_err());
}

async fn an_import_is_followed_before_it_answers(engine: Engine) {
    let w = world(engine).await;
    let student = w.first_actor(Role::Student).await;
    let admin = w.school_admin(0).await;
    let before = week(&w, &student).await;
    // Another process's write: in the outbox, not yet followed here, so the cached week is stale.
    let other = another_class(&w, &student).await;
    w.store()
        .move_student(student.account_id.get(), Some(other.id), today())
        .await
        .unwrap();
    assert_eq!(
        week(&w, &student).await.student.class_name,
        before.student.class_name
    );
    let class = format!("{}{}", other.grade, other.letter);
    let kind = ImportKind::Students;
    let headers: Vec<String> = kind.columns().iter().map(|c| c.title.to_owned()).collect();
    let mut row: Vec<String> = [
        "Импортов",
        "Илья",
        "Олегович",
        "01.09.2015",
        "м",
        &class,
        "imp_ilya",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    row.resize(19, String::new());
    let check = w
        .app
        .import_check_rows(&admin, kind, "дети.csv", &headers, &[row])
        .await
        .unwrap();
    assert!(check.errors.is_empty(), "{:?}", check.errors);
    let start = w.store().outbox_last_id().await.unwrap();
    let job = w
        .app
        .confirm_import(&admin, &Origin::default(), check.batch_id.unwrap())
        .await
        .unwrap();
    assert_eq!(job.run().await, ImportStatus::Applied);
    let rows = w.store().outbox_after(start, 10).await.unwrap();
    assert!(rows.iter().any(|r| r.changed
        == Some(Changed::new(
            ChangeSubject::Organization(student.organization_id.get()),
            ChangeKind::Import
        ))));
    // The import caught this process up: the other process's move shows too.
    assert_eq!(week(&w, &student).await.student.class_name, Some(class));
}

async fn an_unlinked_parent_is_refused_the_childs_next_diary(engine: Engine) {
    let w = world(engine).await;
    let admin = w.school_admin(0).await;
    let organization = w.first_actor(Role::Administrator).await.organization_id;
    let links = w
        .store()
        .people_parent_links(organization.get())
        .await
        .unwrap();
    let link = links[0].clone();
    let parent = w.actor_of(link.parent_account_id).await;
    let from = today();
    let origin = Origin::default();
    let read = || {
        w.app.diary_week(
            &parent,
            StudentId::new(link.student_account_id),
            from,
            from + Duration::days(6),
            &origin,
        )
    };
    // The read before the unlink fills whatever the diary keeps for this child.
    read().await.unwrap();
    w.app
        .unlink_parent(
            &admin,
            &Origin::default(),
            AccountId::new(link.parent_account_id),
            AccountId::new(link.student_account_id),
        )
        .await
        .unwrap();
    assert!(matches!(read().await, Err(AppError::Forbidden)));
}

async fn a_password_change_ends_the_other_sessions_at_their_next_request(engine: Engine) {
    let w = world(engine).await;
    let a = w.any(Role::Teacher);
    let origin = Origin::default();
    let organization = OrganizationId::new(a.organization_id);
    let sign_in = || w.app.sign_in(organization, &a.login, &a.password, &origin);
    let here = sign_in().await.unwrap().token;
    let elsewhere = sign_in().await.unwrap().token;
    // Both sessions are checked once, so both sit in the session cache.
    let who = w.app.authenticate_token(&here).await.unwrap();
    w.app.authenticate_token(&elsewhere).await.unwrap();
    let input = PasswordInput {
        current: a.password.clone(),
        new: "Осенний-Клён-2026!".into(),
        repeat: "Осенний-Клён-2026!".into(),
    };
    let fresh = w
        .app
        .change_password(&who, &Origin::default(), &input)
        .await
        .unwrap();
    assert!(w.app.authenticate_token(&elsewhere).await.is_err());
    assert!(w.app.authenticate_token(&here).await.is_err());
    assert!(w.app.authenticate_token(&fresh).await.is_ok());
}

both_engines!(
    a_file_given_to_homework_is_in_the_next_diary_read,
    a_student_moved_to_another_class_sees_it_at_once,
    a_renamed_student_is_renamed_in_the_next_diary_read,
    a_deactivated_account_is_refused_at_the_next_request,
    an_import_is_followed_before_it_answers,
    an_unlinked_parent_is_refused_the_childs_next_diary,
    a_password_change_ends_the_other_sessions_at_their_next_request
);
