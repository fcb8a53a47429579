//! The educational resources pages: publishing and reading materials and links.

use sgo_core::ResourceId;
use std::collections::HashMap;

use crate::routes::Routes;
use askama::Template;
use axum::extract::{DefaultBodyLimit, Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use sgo_app::form::FieldErrors;
use sgo_app::resources::{ResourceInput, ResourceView};
use sgo_app::settings::FormError;

use super::{Header, PageError, UiSession, render};
use crate::AppState;
use crate::form::{AssignmentFiles, Fields, Submitted, Uploaded};
use crate::ui::request::{SignedInRequest, UiRequest};
use crate::upload::UPLOAD_BODY_LIMIT;

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route("/resources", get(page).post(create))
        .route("/resources/{id}/delete", post(delete))
        .layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT))
}

/// An option of the «where» select.
struct Target {
    value: String,
    label: String,
    selected: bool,
}

/// The resource form as sent, and shown again after a refusal.
#[derive(Default, serde::Deserialize)]
#[serde(default)]
struct Values {
    target: String,
    title: String,
    description: String,
    link: String,
}

#[derive(Template)]
#[template(path = "resources/index.html")]
struct ResourcesPage<'a> {
    portal_name: &'a str,
    header: Header,
    items: Vec<ResourceView>,
    may_publish: bool,
    targets: Vec<Target>,
    values: Values,
    errors: FieldErrors,
    notice: Option<&'static str>,
}

async fn render_page(
    state: &AppState,
    session: &UiSession,
    values: Values,
    errors: FieldErrors,
    notice: Option<&'static str>,
    status: StatusCode,
) -> Response {
    let header = match Header::load(state, session).await {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    let data = match state.app.resources_page(&session.who.actor).await {
        Ok(d) => d,
        Err(e) => return PageError(state.clone(), e).into_response(),
    };
    let mut targets: Vec<Target> = data
        .groups
        .iter()
        .map(|g| {
            let class = sgo_app::announcements::class_label(g.grade, &g.letter);
            let label = if g.group_name.is_empty() || g.group_name == g.subject_name {
                format!("{}, {class}", g.subject_name)
            } else {
                format!("{}, {class} ({})", g.subject_name, g.group_name)
            };
            (format!("group:{}", g.id), label)
        })
        .chain(data.classes.iter().map(|c| {
            (
                format!("class:{}", c.id),
                format!(
                    "Класс {}",
                    sgo_app::announcements::class_label(c.grade, &c.letter)
                ),
            )
        }))
        .map(|(value, label)| Target {
            selected: value == values.target,
            value,
            label,
        })
        .collect();
    targets.dedup_by(|a, b| a.value == b.value);
    let page = ResourcesPage {
        portal_name: &state.options.portal_name,
        header,
        items: data.items,
        may_publish: data.may_publish,
        targets,
        values,
        errors,
        notice,
    };
    (status, render(&page)).into_response()
}

/// `GET /resources`.
async fn page(req: UiRequest, Query(q): Query<HashMap<String, String>>) -> Response {
    let notice = match q.get("done").map(String::as_str) {
        Some("created") => Some("Ресурс опубликован"),
        Some("deleted") => Some("Ресурс удалён"),
        _ => None,
    };
    render_page(
        &req.state,
        &req.session,
        Values::default(),
        FieldErrors::default(),
        notice,
        StatusCode::OK,
    )
    .await
}

/// `POST /resources` (multipart).
async fn create(req: UiRequest, form: Uploaded<Values, AssignmentFiles>) -> Response {
    let values = form.form;
    let input = ResourceInput {
        target: values.target.clone(),
        title: values.title.clone(),
        description: values.description.clone(),
        link: values.link.clone(),
        files: form.files.into_iter().map(|(_, u)| u).collect(),
    };
    match req
        .app()
        .create_resource(&req.session.who.actor, &req.origin, input)
        .await
    {
        Ok(_) => Redirect::to("/resources?done=created").into_response(),
        Err(FormError::Invalid(errors)) => {
            render_page(
                &req.state,
                &req.session,
                values,
                errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(FormError::Refused(e)) => PageError(req.state, e).into_response(),
    }
}

/// `POST /resources/{id}/delete`.
async fn delete(req: UiRequest, Path(id): Path<ResourceId>, _: Submitted<Fields>) -> Response {
    let actor = &req.session.who.actor;
    let deleted = req.app().delete_resource(actor, &req.origin, id).await;
    req.done_or_fail(deleted, "/resources?done=deleted")
}
