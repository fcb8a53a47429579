//! A person's card: what the school knows of them, and the edit of person and account.

use sgo_core::AccountId;
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use sgo_app::people::{FieldErrors, LinkedPerson};
use sgo_app::{AppError, Role};

use super::super::{Header, PageError, UiSession, render};
use super::person::PersonForm;
use super::{Choice, choice};
use crate::AppState;
use crate::form::Submitted;
use crate::form::outcome::{INVALID, Outcome, see_other, settle};
use crate::ui::request::{SchoolAdminRequest, UiRequest};

/// A stay in a class as the card lists it.
struct Stay {
    class: String,
    year: String,
    from: String,
    to: String,
}

fn date_text(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

#[derive(Template)]
#[template(path = "people/card.html")]
struct CardPage<'a> {
    portal_name: &'a str,
    header: Header,
    id: i64,
    title: String,
    login: String,
    roles: String,
    class: String,
    active: bool,
    must_change: bool,
    may_edit: bool,
    is_student: bool,
    is_parent: bool,
    children: Vec<LinkedPerson>,
    parents: Vec<LinkedPerson>,
    history: Vec<Stay>,
    form: PersonForm,
    errors: FieldErrors,
    role_choices: Vec<Choice>,
    genders: Vec<Choice>,
    move_classes: Vec<Choice>,
    link_students: Vec<Choice>,
    link_parents: Vec<Choice>,
    today: String,
    notice: Option<&'static str>,
    problem: Option<String>,
}

struct CardState {
    form: Option<PersonForm>,
    errors: FieldErrors,
    notice: Option<&'static str>,
    problem: Option<String>,
    status: StatusCode,
}

async fn card_page(state: &AppState, session: &UiSession, id: i64, with: CardState) -> Response {
    let card = match state
        .app
        .person_card(&session.who.actor, AccountId::new(id))
        .await
    {
        Ok(c) => c,
        Err(e) => return PageError(state.clone(), e).into_response(),
    };
    let header = match Header::load(state, session).await {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    let r = &card.record;
    let form = with.form.unwrap_or_else(|| PersonForm {
        last_name: r.last_name.clone(),
        first_name: r.first_name.clone(),
        middle_name: r.middle_name.clone(),
        birth_date: r.birth_date.map(|d| d.to_string()).unwrap_or_default(),
        gender: r.gender.clone().unwrap_or_default(),
        snils: r.snils.clone().unwrap_or_default(),
        login: r.login.clone(),
        display_name: r.display_name.clone(),
        roles: card.row.roles.iter().map(|r| r.code().to_owned()).collect(),
        class_id: String::new(),
        class_from: String::new(),
        children: Vec::new(),
        active: r.active,
    });
    let current = card.row.class.as_ref().map(|c| c.id);
    let page = CardPage {
        portal_name: &state.options.portal_name,
        header,
        id,
        title: card.row.full_name.clone(),
        login: r.login.clone(),
        roles: card.row.roles_text(),
        class: card
            .row
            .class
            .as_ref()
            .map(|c| c.name.clone())
            .unwrap_or_default(),
        active: r.active,
        must_change: r.must_change_password,
        may_edit: card.may_edit,
        is_student: card.row.roles.contains(&Role::Student),
        is_parent: card.row.roles.contains(&Role::Parent),
        children: card.row.children.clone(),
        parents: card.row.parents.clone(),
        history: card
            .history
            .iter()
            .map(|h| Stay {
                class: format!("{}{}", h.grade, h.letter),
                year: h.year_name.clone(),
                from: date_text(h.from_date),
                to: h.to_date.map(date_text).unwrap_or_default(),
            })
            .collect(),
        role_choices: form.role_choices(),
        genders: form.gender_choices(),
        form,
        errors: with.errors,
        move_classes: card
            .classes
            .iter()
            .filter(|c| Some(c.id) != current)
            .map(|c| choice(c.id, c.name.clone(), false))
            .collect(),
        link_students: card
            .link_students
            .iter()
            .map(|s| choice(s.account_id, s.name.clone(), false))
            .collect(),
        link_parents: card
            .link_parents
            .iter()
            .map(|s| choice(s.account_id, s.name.clone(), false))
            .collect(),
        today: state.app.today().to_string(),
        notice: with.notice,
        problem: with.problem,
    };
    (with.status, render(&page)).into_response()
}

/// `GET /people/{id}`.
pub(super) async fn card(
    req: UiRequest,
    Path(id): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let notice = match q.get("done").map(String::as_str) {
        Some("created") => Some("Пользователь создан."),
        Some("saved") => Some("Изменения сохранены."),
        Some("linked") => Some("Связь родителя и ученика обновлена."),
        Some("moved") => Some("Перевод ученика записан."),
        _ => None,
    };
    let with = CardState {
        form: None,
        errors: FieldErrors::default(),
        notice,
        problem: None,
        status: StatusCode::OK,
    };
    card_page(&req.state, &req.session, id, with).await
}

/// `POST /people/{id}`: edit the person and the account.
pub(super) async fn update(
    req: SchoolAdminRequest,
    Path(id): Path<AccountId>,
    Submitted(form): Submitted<PersonForm>,
) -> Response {
    let saved = req
        .app()
        .update_person(&req.admin, &req.origin, id, &form.input())
        .await;
    match settle(&req.state, saved) {
        Ok(Outcome::Done(())) => see_other(&format!("/people/{id}?done=saved")),
        Ok(Outcome::Invalid(errors)) => {
            let with = CardState {
                form: Some(form),
                errors,
                notice: None,
                problem: None,
                status: INVALID,
            };
            card_page(&req.state, &req.session, id.get(), with).await
        }
        Err(page) => page,
    }
}

/// A refusal on the card shown above it (bad date, wrong choice) rather than on an error page.
pub(super) async fn card_problem(
    state: &AppState,
    session: &UiSession,
    id: i64,
    e: AppError,
) -> Response {
    match e {
        AppError::BadRequest(message) => {
            let with = CardState {
                form: None,
                errors: FieldErrors::default(),
                notice: None,
                problem: Some(message.to_string()),
                status: StatusCode::BAD_REQUEST,
            };
            card_page(state, session, id, with).await
        }
        e => PageError(state.clone(), e).into_response(),
    }
}
