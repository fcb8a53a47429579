//! The person form, shared by the new-person page and the card, and the new-person page itself.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sgo_app::people::{ASSIGNABLE_ROLES, FieldErrors, PersonInput};
use sgo_core::AccountId;
use sgo_core::policy::SchoolAdministrator;

use super::super::{Header, PageError, UiSession, render};
use super::{Choice, choice};
use crate::AppState;
use crate::form::Submitted;
use crate::form::outcome::{INVALID, Outcome, see_other, settle};
use crate::ui::request::SchoolAdminRequest;

/// The person form as sent, shown again with the errors; the use case checks every field.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(super) struct PersonForm {
    pub last_name: String,
    pub first_name: String,
    pub middle_name: String,
    pub birth_date: String,
    pub gender: String,
    pub snils: String,
    pub login: String,
    pub display_name: String,
    pub roles: Vec<String>,
    pub class_id: String,
    pub class_from: String,
    pub children: Vec<i64>,
    pub active: bool,
}

impl PersonForm {
    pub fn input(&self) -> PersonInput {
        PersonInput {
            last_name: self.last_name.clone(),
            first_name: self.first_name.clone(),
            middle_name: self.middle_name.clone(),
            birth_date: self.birth_date.clone(),
            gender: self.gender.clone(),
            snils: self.snils.clone(),
            login: self.login.clone(),
            display_name: self.display_name.clone(),
            roles: self.roles.clone(),
            class_id: self.class_id.clone(),
            class_from: self.class_from.clone(),
            children: self.children.iter().copied().map(AccountId::new).collect(),
            active: self.active,
        }
    }

    pub fn role_choices(&self) -> Vec<Choice> {
        ASSIGNABLE_ROLES
            .iter()
            .map(|r| {
                choice(
                    r.code(),
                    r.title(),
                    self.roles.iter().any(|c| c == r.code()),
                )
            })
            .collect()
    }

    pub fn gender_choices(&self) -> Vec<Choice> {
        sgo_core::person::Gender::ALL
            .iter()
            .map(|g| choice(g.code(), g.title(), self.gender == g.code()))
            .collect()
    }
}

#[derive(Template)]
#[template(path = "people/new.html")]
struct NewPage<'a> {
    portal_name: &'a str,
    header: Header,
    form: PersonForm,
    errors: FieldErrors,
    role_choices: Vec<Choice>,
    genders: Vec<Choice>,
    classes: Vec<Choice>,
    students: Vec<Choice>,
}

async fn new_form(
    state: &AppState,
    session: &UiSession,
    admin: &SchoolAdministrator,
    form: PersonForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Response {
    let options = match state.app.person_form_options(admin).await {
        Ok(o) => o,
        Err(e) => return PageError(state.clone(), e).into_response(),
    };
    let header = match Header::load(state, session).await {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    let classes = options
        .classes
        .iter()
        .map(|c| choice(c.id, c.name.clone(), form.class_id == c.id.to_string()))
        .collect();
    let students = options
        .students
        .iter()
        .map(|s| {
            choice(
                s.account_id,
                s.name.clone(),
                form.children.contains(&s.account_id.get()),
            )
        })
        .collect();
    let page = NewPage {
        portal_name: &state.options.portal_name,
        header,
        role_choices: form.role_choices(),
        genders: form.gender_choices(),
        form,
        errors,
        classes,
        students,
    };
    (status, render(&page)).into_response()
}

/// `GET /people/new`.
pub(super) async fn new_page(req: SchoolAdminRequest) -> Response {
    let form = PersonForm {
        active: true,
        ..PersonForm::default()
    };
    new_form(
        &req.state,
        &req.session,
        &req.admin,
        form,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// `POST /people/new`.
pub(super) async fn create(
    req: SchoolAdminRequest,
    Submitted(form): Submitted<PersonForm>,
) -> Response {
    let created = req
        .app()
        .create_person(&req.admin, &req.origin, &form.input())
        .await;
    match settle(&req.state, created) {
        Ok(Outcome::Done(id)) => see_other(&format!("/people/{id}?done=created")),
        Ok(Outcome::Invalid(errors)) => {
            new_form(&req.state, &req.session, &req.admin, form, errors, INVALID).await
        }
        Err(page) => page,
    }
}
