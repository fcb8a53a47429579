//! Writing a message: the form with the recipient directory (grouped), reply / reply all /
//! forward / draft prefills, attachments; sending or saving a draft.

use sgo_core::MessageId;
use std::collections::HashMap;

use crate::routes::Routes;
use askama::Template;
use axum::extract::{DefaultBodyLimit, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use sgo_app::AppError;
use sgo_app::files::{FileLink, UploadPurpose};
use sgo_app::mail::{Compose, Contact, RecipientGroup, ReplyKind};

use crate::AppState;
use crate::form::{Fields, MailFiles, Uploaded};
use crate::ui::request::UiRequest;
use crate::ui::{Header, PageError, UiSession, render, with_retry_after};
use crate::upload::UPLOAD_BODY_LIMIT;

pub(super) fn routes() -> Routes {
    Routes::new().route(
        "/mail/compose",
        get(page)
            .post(submit)
            .layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
    )
}

/// A group of the directory with its people.
struct Group {
    title: &'static str,
    people: Vec<Contact>,
}

/// What the form shows.
#[derive(Default)]
struct Values {
    to: Vec<i64>,
    cc: Vec<i64>,
    subject: String,
    text: String,
    files: Vec<FileLink>,
    reply_to: Option<i64>,
    draft: Option<i64>,
}

#[derive(Template)]
#[template(path = "mail/compose.html")]
struct ComposePage<'a> {
    portal_name: &'a str,
    header: Header,
    groups: Vec<Group>,
    v: Values,
    error: Option<String>,
}

impl ComposePage<'_> {
    fn is_to(&self, id: &i64) -> bool {
        self.v.to.contains(id)
    }
    fn is_cc(&self, id: &i64) -> bool {
        self.v.cc.contains(id)
    }
}

async fn show(
    state: &AppState,
    session: &UiSession,
    v: Values,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let header = match Header::load(state, session).await {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    let directory = match state.app.mail_directory(&session.who.actor).await {
        Ok(d) => d,
        Err(e) => return PageError(state.clone(), e).into_response(),
    };
    let groups = RecipientGroup::ALL
        .into_iter()
        .map(|g| Group {
            title: g.title(),
            people: directory.iter().filter(|c| c.group == g).cloned().collect(),
        })
        .filter(|g| !g.people.is_empty())
        .collect();
    let page = ComposePage {
        portal_name: &state.options.portal_name,
        header,
        groups,
        v,
        error,
    };
    (status, render(&page)).into_response()
}

/// `GET /mail/compose[?to=|reply=|replyAll=|forward=|draft=]`.
async fn page(req: UiRequest, Query(q): Query<HashMap<String, String>>) -> Response {
    let actor = &req.session.who.actor;
    let id_of = |key: &str| q.get(key).and_then(|v| v.trim().parse::<i64>().ok());
    let mut v = Values::default();
    let prepared = [
        ("reply", ReplyKind::Reply),
        ("replyAll", ReplyKind::ReplyAll),
        ("forward", ReplyKind::Forward),
    ]
    .into_iter()
    .find_map(|(key, kind)| id_of(key).map(|id| (id, kind)));
    if let Some((id, kind)) = prepared {
        match req
            .app()
            .prepare_reply(actor, MessageId::new(id), kind)
            .await
        {
            Ok(d) => {
                v.to = d.to.iter().map(|p| p.id).collect();
                v.cc = d.cc.iter().map(|p| p.id).collect();
                v.subject = d.subject;
                v.text = d.text;
                v.files = d.files;
                v.reply_to = (kind != ReplyKind::Forward).then_some(d.reply_to);
            }
            Err(e) => return PageError(req.state, e).into_response(),
        }
    } else if let Some(id) = id_of("draft") {
        match req.app().read_message(actor, MessageId::new(id)).await {
            Ok(m) if m.draft && m.mine => {
                v.to = m.to.iter().map(|p| p.id).collect();
                v.cc = m.cc.iter().map(|p| p.id).collect();
                v.text = m.text();
                v.subject = m.subject;
                v.files = m.files;
                v.draft = Some(id);
            }
            Ok(_) => {
                return PageError(req.state, AppError::NotFound(msg!("mail-draft-not-found")))
                    .into_response();
            }
            Err(e) => return PageError(req.state, e).into_response(),
        }
    } else if let Some(id) = id_of("to") {
        v.to = vec![id];
    }
    show(&req.state, &req.session, v, None, StatusCode::OK).await
}

/// `POST /mail/compose`: multipart (with files) or a plain form.
async fn submit(
    req: UiRequest,
    Uploaded {
        form,
        files: uploads,
        ..
    }: Uploaded<Fields, MailFiles>,
) -> Response {
    let actor = &req.session.who.actor;
    let draft = !form.get("save_draft").is_empty();
    let reply_to = form.get("reply_to").trim().parse().ok();
    let replaces_draft = form.get("draft").trim().parse().ok();
    let keep_files = form.ids("keep_file");
    let values = Values {
        to: form.ids("to"),
        cc: form.ids("cc"),
        subject: form.get("subject").to_owned(),
        text: form.get("text").to_owned(),
        files: Vec::new(),
        reply_to,
        draft: replaces_draft,
    };
    let mut ids = Vec::new();
    let result = async {
        for (_, upload) in uploads.into_iter().filter(|(name, _)| name == "files") {
            ids.push(
                req.app()
                    .upload_file(actor, UploadPurpose::Mail, upload)
                    .await?
                    .id,
            );
        }
        let text = values.text.clone();
        let compose = Compose {
            to: values.to.clone(),
            cc: values.cc.clone(),
            bcc: form.ids("bcc"),
            subject: values.subject.clone(),
            // HTML only when asked for; it is sanitised on save.
            is_html: !form.get("is_html").is_empty(),
            text,
            uploads: ids.iter().map(|f| f.get()).collect(),
            keep_files,
            draft,
            reply_to,
            replaces_draft,
        };
        req.app().send_message(actor, compose, &req.origin).await
    }
    .await;
    if result.is_err() {
        // The form is shown again without its files; their uploads must not hold the quota.
        if let Err(e) = req.app().discard_uploads(actor, &ids).await {
            tracing::warn!(error = %e, "could not discard the uploads of a refused message");
        }
    }
    match result {
        Ok(_) if draft => Redirect::to("/mail?folder=Draft&done=draft").into_response(),
        Ok(_) => Redirect::to("/mail?folder=Sent&done=sent").into_response(),
        Err(AppError::BadRequest(message)) => {
            show(
                &req.state,
                &req.session,
                values,
                Some(message.to_string()),
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        // The text typed stays in the form; the person sends it again after the wait.
        Err(AppError::TooManyRequests {
            message,
            retry_after,
        }) => {
            let message = Some(message.to_string());
            let status = StatusCode::TOO_MANY_REQUESTS;
            let page = show(&req.state, &req.session, values, message, status).await;
            with_retry_after(page, retry_after)
        }
        Err(e) => PageError(req.state, e).into_response(),
    }
}
