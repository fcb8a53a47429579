//! The school's assignment types (administration): name, abbreviation, default weight, order, active.

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect};
use sgo_app::form::FieldErrors;
use sgo_app::journal::AssignmentType;
use sgo_app::journal::AssignmentTypeInput;
use sgo_app::settings::FormError;
use sgo_core::AssignmentTypeId;

use super::{Header, Page, fail, form_status, render};
use crate::form::Submitted;
use crate::ui::request::{SignedInRequest, UiRequest};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "journal/types.html")]
struct TypesPage {
    portal_name: String,
    header: Header,
    types: Vec<AssignmentType>,
    /// Which form the errors belong to: "new" or a type id.
    errors_for: String,
    form: AssignmentTypeInput,
    errors: FieldErrors,
    notice: bool,
}

async fn view(
    req: &UiRequest,
    errors_for: String,
    form: AssignmentTypeInput,
    errors: FieldErrors,
    notice: bool,
) -> Page {
    let header = req.header().await?;
    let types = req
        .app()
        .school_assignment_types(&req.session.who.actor)
        .await
        .map_err(fail(&req.state))?;
    let status = form_status(&errors);
    Ok((
        status,
        render(&TypesPage {
            portal_name: req.state.options.portal_name.clone(),
            header,
            types,
            errors_for,
            form,
            errors,
            notice,
        }),
    )
        .into_response())
}

/// `GET /journal/types`.
pub(super) async fn page(
    req: UiRequest,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> Page {
    let form = AssignmentTypeInput {
        default_weight: "10".into(),
        active: true,
        ..AssignmentTypeInput::default()
    };
    view(
        &req,
        String::new(),
        form,
        FieldErrors::default(),
        q.contains_key("saved"),
    )
    .await
}

/// The assignment type form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct TypeForm {
    name: String,
    abbr: String,
    weight: String,
    order: String,
    active: String,
}

fn input(f: TypeForm) -> AssignmentTypeInput {
    AssignmentTypeInput {
        name: f.name,
        abbr: f.abbr,
        default_weight: f.weight,
        sort_order: f.order,
        active: !f.active.is_empty(),
    }
}

async fn save(req: UiRequest, id: Option<AssignmentTypeId>, form: TypeForm) -> Page {
    let input = input(form);
    let actor = &req.session.who.actor;
    match req
        .app()
        .save_assignment_type(actor, &req.origin, id, &input)
        .await
    {
        Ok(_) => Ok(Redirect::to("/journal/types?saved=1").into_response()),
        Err(FormError::Invalid(errors)) => {
            let errors_for = id.map_or_else(|| "new".to_owned(), |i| i.to_string());
            view(&req, errors_for, input, errors, false).await
        }
        Err(FormError::Refused(e)) => Err(fail(&req.state)(e)),
    }
}

/// `POST /journal/types`: a new type.
pub(super) async fn create(req: UiRequest, Submitted(form): Submitted<TypeForm>) -> Page {
    save(req, None, form).await
}

/// `POST /journal/types/{id}`: changes a type.
pub(super) async fn update(
    req: UiRequest,
    Path(id): Path<AssignmentTypeId>,
    Submitted(form): Submitted<TypeForm>,
) -> Page {
    save(req, Some(id), form).await
}
