//! Two nodes on one database, each with its own connections, caches and outbox follower: what one
//! node has answered, the very next request on the other sees, although that node had just
//! cached the session or the week. No waiting: coherence by construction. Both engines.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use chrono::Duration;
use sgo_app::diary::DiaryWeek;
use sgo_app::settings::PasswordInput;
use sgo_app::{Actor, App, AppError, Origin, Role};
use sgo_core::{AssignmentId, OrganizationId, StudentId};
use sgo_store::Engine;
use sgo_testkit::{World, both_engines, today};

async fn world(engine: Engine) -> World {
    World::build(engine)
        .students_per_class(2)
        .seed(7)
        .start()
        .await
}

/// A teacher's fresh session token on node `app`.
async fn signed_in(w: &World, app: &App, role: Role) -> String {
    let a = w.any(role);
    app.sign_in(
        OrganizationId::new(a.organization_id),
        &a.login,
        &a.password,
        &Origin::default(),
    )
    .await
    .unwrap()
    .token
}

async fn a_sign_out_on_one_node_refuses_the_next_request_on_the_other(engine: Engine) {
    let w = world(engine).await;
    let b = w.another_node().await;
    let token = signed_in(&w, &w.app, Role::Teacher).await;
    // Node B checks the session twice: the second time from its cache.
    b.authenticate_token(&token).await.unwrap();
    b.authenticate_token(&token).await.unwrap();
    let who = w.app.authenticate_token(&token).await.unwrap();
    w.app.sign_out(&who, &Origin::default()).await.unwrap();
    assert!(matches!(
        b.authenticate_token(&token).await,
        Err(AppError::Unauthenticated)
    ));
}

async fn a_password_change_on_one_node_ends_the_sessions_on_the_other(engine: Engine) {
    let w = world(engine).await;
    let b = w.another_node().await;
    let a = w.any(Role::Teacher);
    let here = signed_in(&w, &w.app, Role::Teacher).await;
    let there = signed_in(&w, &b, Role::Teacher).await;
    b.authenticate_token(&there).await.unwrap();
    b.authenticate_token(&here).await.unwrap();
    let who = w.app.authenticate_token(&here).await.unwrap();
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
    assert!(b.authenticate_token(&there).await.is_err());
    assert!(b.authenticate_token(&here).await.is_err());
    assert!(b.authenticate_token(&fresh).await.is_ok());
}

/// The school administration (node A) gives the account the roles `roles`, keeping the rest.
async fn set_roles(w: &World, account: sgo_core::AccountId, roles: Vec<Role>) {
    let card = w.store().person_card(account.get()).await.unwrap().unwrap();
    let input = sgo_app::people::PersonInput {
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
        active: true,
    };
    w.app
        .update_person(
            &w.school_admin(0).await,
            &Origin::default(),
            account,
            &input,
        )
        .await
        .unwrap();
}

async fn role_changes_reach_the_next_request_on_the_other_node(engine: Engine) {
    let w = world(engine).await;
    let b = w.another_node().await;
    let token = signed_in(&w, &b, Role::Teacher).await;
    let who = b.authenticate_token(&token).await.unwrap();
    let account = who.actor.account_id;
    let roles = w.store().account_roles(account.get()).await.unwrap();
    // A role given: the session lives on, and node B's cached session carries the new role.
    let mut more = roles.clone();
    more.push(Role::Staff);
    set_roles(&w, account, more.clone()).await;
    let now = Actor::new(account, who.actor.organization_id, more);
    assert_ne!(now, who.actor);
    assert_eq!(b.authenticate_token(&token).await.unwrap().actor, now);
    // A role taken away ends the sessions: node B refuses the next request.
    set_roles(&w, account, vec![Role::Staff]).await;
    assert!(matches!(
        b.authenticate_token(&token).await,
        Err(AppError::Unauthenticated)
    ));
}

/// The student's week of `today()` on node `app`.
async fn week(app: &App, student: &Actor) -> DiaryWeek {
    app.diary_week(
        student,
        student.account_id.as_student(),
        today(),
        today() + Duration::days(6),
        &Origin::default(),
    )
    .await
    .unwrap()
}

async fn a_mark_set_on_one_node_is_in_the_next_diary_read_on_the_other(engine: Engine) {
    let w = world(engine).await;
    let b = w.another_node().await;
    let token = signed_in(&w, &b, Role::Student).await;
    let student = b.authenticate_token(&token).await.unwrap().actor;
    let before = week(&b, &student).await;
    let (teacher, assignment) = w
        .give_homework(&before, "Самостоятельная работа", vec![])
        .await;
    // Node B caches the week with the new work and no mark.
    let unmarked = week(&b, &student).await;
    // The request on B authenticates first, as every request does; that is where B follows
    // the outbox.
    b.authenticate_token(&token).await.unwrap();
    assert_eq!(mark_of(&unmarked, assignment), None);
    w.app
        .set_mark(
            &teacher,
            &Origin::default(),
            assignment,
            StudentId::new(student.account_id.get()),
            "5",
            None,
        )
        .await
        .unwrap();
    b.authenticate_token(&token).await.unwrap();
    assert_eq!(mark_of(&week(&b, &student).await, assignment), Some(5));
}

/// Requests that arrive together share one session check on PostgreSQL (`session_checks`): each
/// still gets the answer for its own session, also when half of them were just signed out on
/// the other node.
async fn requests_checked_together_each_get_their_own_answer(engine: Engine) {
    let w = world(engine).await;
    let b = w.another_node().await;
    let student = w.any(Role::Student);
    let mut tokens = Vec::new();
    for a in w.all(Role::Student, student.organization_id).iter().take(6) {
        tokens.push(w.sign_in_as(a).await.token);
    }
    let all_at_once = |tokens: Vec<String>| {
        let b = b.clone();
        async move {
            let mut set = tokio::task::JoinSet::new();
            for (i, token) in tokens.into_iter().enumerate().cycle().take(36) {
                let b = b.clone();
                set.spawn(async move { (i, b.authenticate_token(&token).await.is_ok()) });
            }
            let mut answers = set.join_all().await;
            answers.sort();
            answers.dedup();
            answers
        }
    };
    let alive = |signed_out: &[usize]| -> Vec<(usize, bool)> {
        (0..6).map(|i| (i, !signed_out.contains(&i))).collect()
    };
    assert_eq!(all_at_once(tokens.clone()).await, alive(&[]));
    for i in [1, 3, 4] {
        let who = w.app.authenticate_token(&tokens[i]).await.unwrap();
        w.app.sign_out(&who, &Origin::default()).await.unwrap();
    }
    assert_eq!(all_at_once(tokens).await, alive(&[1, 3, 4]));
}

fn mark_of(week: &DiaryWeek, assignment: AssignmentId) -> Option<i32> {
    week.days
        .iter()
        .flat_map(|d| &d.lessons)
        .flat_map(|l| &l.assignments)
        .find(|a| a.assignment_id == assignment)
        .and_then(|a| a.mark_value)
}

both_engines!(
    a_sign_out_on_one_node_refuses_the_next_request_on_the_other,
    a_password_change_on_one_node_ends_the_sessions_on_the_other,
    role_changes_reach_the_next_request_on_the_other_node,
    a_mark_set_on_one_node_is_in_the_next_diary_read_on_the_other,
    requests_checked_together_each_get_their_own_answer
);
