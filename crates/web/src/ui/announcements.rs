//! The announcements pages: the list, writing and editing.

use sgo_core::AnnouncementId;
use sgo_core::ClassId;
use std::collections::HashMap;

use crate::routes::Routes;
use askama::Template;
use axum::extract::{DefaultBodyLimit, Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use sgo_app::announcements::{AnnouncementChoices, AnnouncementInput, AnnouncementView};
use sgo_app::files::FileLink;
use sgo_app::form::FieldErrors;
use sgo_app::settings::FormError;

use super::{Header, PageError, UiSession, render};
use crate::AppState;
use crate::form::{AssignmentFiles, Fields, Submitted, Uploaded, ids};
use crate::ui::request::{SignedInRequest, UiRequest};
use crate::upload::UPLOAD_BODY_LIMIT;

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route("/announcements", get(list).post(create))
        .route("/announcements/new", get(new_form))
        .route("/announcements/{id}/edit", get(edit_form))
        .route("/announcements/{id}", post(update))
        .route("/announcements/{id}/delete", post(delete))
        .layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT))
}

#[derive(Template)]
#[template(path = "announcements/list.html")]
struct ListPage<'a> {
    portal_name: &'a str,
    header: Header,
    items: Vec<AnnouncementView>,
    may_publish: bool,
    notice: Option<&'static str>,
}

impl ListPage<'_> {
    /// When it was posted, in the server's time zone.
    fn posted(&self, a: &AnnouncementView) -> String {
        a.record
            .posted_at
            .with_timezone(&chrono::Local)
            .format("%d.%m.%Y %H:%M")
            .to_string()
    }
}

/// A checkbox of the form.
struct Choice {
    value: String,
    label: String,
    checked: bool,
}

/// What the form shows: stored values, or the values just submitted.
#[derive(Default)]
struct FormValues {
    title: String,
    body: String,
    audience: String,
    roles: Vec<String>,
    class_ids: Vec<ClassId>,
    expires_on: String,
}

#[derive(Template)]
#[template(path = "announcements/form.html")]
struct FormPage<'a> {
    portal_name: &'a str,
    header: Header,
    heading: &'static str,
    action: String,
    values: FormValues,
    roles: Vec<Choice>,
    classes: Vec<Choice>,
    files: Vec<FileLink>,
    errors: FieldErrors,
}

impl FormPage<'_> {
    fn audience_is(&self, code: &str) -> bool {
        self.values.audience == code
    }
}

/// `GET /announcements`.
async fn list(req: UiRequest, Query(q): Query<HashMap<String, String>>) -> Response {
    let header = match Header::load(&req.state, &req.session).await {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    let actor = &req.session.who.actor;
    let items = match req.app().announcements_for(actor, None).await {
        Ok(i) => i,
        Err(e) => return PageError(req.state, e).into_response(),
    };
    let notice = match q.get("done").map(String::as_str) {
        Some("created") => Some("Объявление опубликовано"),
        Some("saved") => Some("Изменения сохранены"),
        Some("deleted") => Some("Объявление удалено"),
        _ => None,
    };
    render(&ListPage {
        portal_name: &req.state.options.portal_name,
        header,
        may_publish: sgo_core::policy::may_publish_announcement(actor),
        items,
        notice,
    })
}

#[allow(clippy::too_many_arguments)]
async fn render_form(
    state: &AppState,
    session: &UiSession,
    heading: &'static str,
    action: String,
    values: FormValues,
    files: Vec<FileLink>,
    errors: FieldErrors,
    status: StatusCode,
) -> Response {
    let header = match Header::load(state, session).await {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    let choices: AnnouncementChoices =
        match state.app.announcement_choices(&session.who.actor).await {
            Ok(c) => c,
            Err(e) => return PageError(state.clone(), e).into_response(),
        };
    let roles = choices
        .roles
        .iter()
        .map(|(code, title)| Choice {
            value: (*code).to_owned(),
            label: (*title).to_owned(),
            checked: values.roles.iter().any(|r| r == code),
        })
        .collect();
    let classes = choices
        .classes
        .iter()
        .map(|c| Choice {
            value: c.id.to_string(),
            label: sgo_app::announcements::class_label(c.grade, &c.letter),
            checked: values.class_ids.contains(&c.id),
        })
        .collect();
    let page = FormPage {
        portal_name: &state.options.portal_name,
        header,
        heading,
        action,
        values,
        roles,
        classes,
        files,
        errors,
    };
    (status, render(&page)).into_response()
}

/// `GET /announcements/new`.
async fn new_form(req: UiRequest) -> Response {
    let values = FormValues {
        audience: "all".to_owned(),
        ..FormValues::default()
    };
    render_form(
        &req.state,
        &req.session,
        "Новое объявление",
        "/announcements".to_owned(),
        values,
        Vec::new(),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// `GET /announcements/{id}/edit`.
async fn edit_form(req: UiRequest, Path(id): Path<AnnouncementId>) -> Response {
    let view = match req
        .app()
        .announcement_to_edit(&req.session.who.actor, id)
        .await
    {
        Ok(v) => v,
        Err(e) => return PageError(req.state, e).into_response(),
    };
    let values = FormValues {
        title: view.record.title,
        body: view.record.body,
        audience: view.record.audience,
        roles: view.roles,
        class_ids: view.class_ids,
        expires_on: view
            .record
            .expires_on
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
    };
    render_form(
        &req.state,
        &req.session,
        "Изменение объявления",
        format!("/announcements/{id}"),
        values,
        view.files,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// The announcement form; its files come beside it.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct AnnouncementForm {
    title: String,
    body: String,
    audience: String,
    roles: Vec<String>,
    classes: Vec<String>,
    expires_on: String,
    remove_files: Vec<String>,
}

fn input_of(submitted: Uploaded<AnnouncementForm, AssignmentFiles>) -> AnnouncementInput {
    let f = submitted.form;
    AnnouncementInput {
        title: f.title,
        body: f.body,
        audience: f.audience,
        roles: f.roles,
        class_ids: ids(&f.classes),
        expires_on: f.expires_on,
        remove_files: ids(&f.remove_files),
        files: submitted
            .files
            .into_iter()
            .map(|(_, upload)| upload)
            .collect(),
    }
}

fn values_of(input: &AnnouncementInput) -> FormValues {
    FormValues {
        title: input.title.clone(),
        body: input.body.clone(),
        audience: input.audience.clone(),
        roles: input.roles.clone(),
        class_ids: input.class_ids.clone(),
        expires_on: input.expires_on.clone(),
    }
}

/// `POST /announcements` (multipart).
async fn create(req: UiRequest, form: Uploaded<AnnouncementForm, AssignmentFiles>) -> Response {
    let input = input_of(form);
    let values = values_of(&input);
    match req
        .app()
        .create_announcement(&req.session.who.actor, &req.origin, input)
        .await
    {
        Ok(_) => Redirect::to("/announcements?done=created").into_response(),
        Err(FormError::Invalid(errors)) => {
            render_form(
                &req.state,
                &req.session,
                "Новое объявление",
                "/announcements".to_owned(),
                values,
                Vec::new(),
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(FormError::Refused(e)) => PageError(req.state, e).into_response(),
    }
}

/// `POST /announcements/{id}` (multipart).
async fn update(
    req: UiRequest,
    Path(id): Path<AnnouncementId>,
    form: Uploaded<AnnouncementForm, AssignmentFiles>,
) -> Response {
    let input = input_of(form);
    let values = values_of(&input);
    let actor = &req.session.who.actor;
    match req
        .app()
        .update_announcement(actor, &req.origin, id, input)
        .await
    {
        Ok(()) => Redirect::to("/announcements?done=saved").into_response(),
        Err(FormError::Invalid(errors)) => {
            let files = match req.app().announcement_to_edit(actor, id).await {
                Ok(v) => v.files,
                Err(e) => return PageError(req.state, e).into_response(),
            };
            render_form(
                &req.state,
                &req.session,
                "Изменение объявления",
                format!("/announcements/{id}"),
                values,
                files,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(FormError::Refused(e)) => PageError(req.state, e).into_response(),
    }
}

/// `POST /announcements/{id}/delete`.
async fn delete(req: UiRequest, Path(id): Path<AnnouncementId>, _: Submitted<Fields>) -> Response {
    let actor = &req.session.who.actor;
    let deleted = req.app().delete_announcement(actor, &req.origin, id).await;
    req.done_or_fail(deleted, "/announcements?done=deleted")
}
