//! Changes made from a card besides its form: parent links and a student's move between classes.

use axum::extract::Path;
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;
use sgo_app::AppError;
use sgo_core::AccountId;
use sgo_core::ClassId;

use super::card::card_problem;
use crate::form::Submitted;
use crate::form::outcome::see_other;
use crate::ui::request::SchoolAdminRequest;

/// A link form on a card: the other end is a student (on a parent's card) or a parent.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct LinkForm {
    student: String,
    parent: String,
}

impl LinkForm {
    /// The parent and the student, `id` being the card's person.
    fn ends(&self, id: i64) -> Option<(i64, i64)> {
        if let Ok(student) = self.student.trim().parse::<i64>() {
            Some((id, student))
        } else if let Ok(parent) = self.parent.trim().parse::<i64>() {
            Some((parent, id))
        } else {
            None
        }
    }
}

async fn change_link(request: SchoolAdminRequest, id: i64, form: LinkForm, add: bool) -> Response {
    let SchoolAdminRequest {
        state,
        origin,
        session,
        admin,
    } = request;
    let Some((parent, student)) = form.ends(id) else {
        let e = AppError::BadRequest(msg!("people-link-choice-required"));
        return card_problem(&state, &session, id, e).await;
    };
    let done = if add {
        state
            .app
            .link_parent(
                &admin,
                &origin,
                AccountId::new(parent),
                AccountId::new(student),
            )
            .await
    } else {
        state
            .app
            .unlink_parent(
                &admin,
                &origin,
                AccountId::new(parent),
                AccountId::new(student),
            )
            .await
    };
    match done {
        Ok(()) => see_other(&format!("/people/{id}?done=linked")),
        Err(e) => card_problem(&state, &session, id, e).await,
    }
}

/// `POST /people/{id}/link`.
pub(super) async fn link(
    request: SchoolAdminRequest,
    Path(id): Path<i64>,
    Submitted(form): Submitted<LinkForm>,
) -> Response {
    change_link(request, id, form, true).await
}

/// `POST /people/{id}/unlink`.
pub(super) async fn unlink(
    request: SchoolAdminRequest,
    Path(id): Path<i64>,
    Submitted(form): Submitted<LinkForm>,
) -> Response {
    change_link(request, id, form, false).await
}

/// The move form: the new class (empty: out of the school) and the day.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct MoveForm {
    class: String,
    date: String,
}

/// `POST /people/{id}/move`: to another class, or out of the school with an empty class.
pub(super) async fn move_student(
    req: SchoolAdminRequest,
    Path(id): Path<AccountId>,
    Submitted(form): Submitted<MoveForm>,
) -> Response {
    let class = match form.class.trim() {
        "" => None,
        v => match v.parse::<i64>() {
            Ok(c) => Some(c),
            Err(_) => {
                let e = AppError::BadRequest(msg!("class-not-in-list"));
                return card_problem(&req.state, &req.session, id.get(), e).await;
            }
        },
    };
    let Ok(date) = NaiveDate::parse_from_str(form.date.trim(), "%Y-%m-%d") else {
        let e = AppError::BadRequest(msg!("people-transfer-date-required"));
        return card_problem(&req.state, &req.session, id.get(), e).await;
    };
    match req
        .app()
        .move_student(
            &req.admin,
            &req.origin,
            AccountId::new(id.get()),
            class.map(ClassId::new),
            date,
        )
        .await
    {
        Ok(()) => see_other(&format!("/people/{id}?done=moved")),
        Err(e) => card_problem(&req.state, &req.session, id.get(), e).await,
    }
}
