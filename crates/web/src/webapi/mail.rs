//! Mail over the NetSchool API: `mail/registry`, `mail/messages/…`, `mail/recipients` (§3.27–3.30).

use sgo_core::{MessageId, OrganizationId};
use std::collections::HashMap;

use crate::routes::Routes;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde_json::{Value, json};
use sgo_app::Origin;
use sgo_app::mail::{Compose, Contact, MailMove, RecipientGroup, ReplyKind};
use sgo_app::session::Authenticated;

use super::dates::timestamp;
use super::input::{self, recipient_key};
use super::{ApiError, ApiSession};
use crate::AppState;
use crate::extract::ClientOrigin;

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route("/mail/registry", post(registry))
        .route("/mail/messages/unread", get(unread))
        .route("/mail/messages/{id}/read", get(read))
        .route("/mail/messages/{id}/edit", get(edit))
        .route("/mail/recipients", get(recipients))
        .route("/mail/messages", post(send))
        .route("/mail/messages/mark-as", post(mark_as))
        .route("/mail/messages/moving", post(moving))
        .route("/mail/messages/delete", post(delete))
        .route("/mail/messages/restore", post(restore))
}

fn bad(message: sgo_app::Message) -> ApiError {
    ApiError(StatusCode::BAD_REQUEST, message)
}

fn parse_id(text: &str) -> Result<i64, ApiError> {
    Ok(input::path_id(text, msg!("api-message-number-invalid"))?)
}

/// `POST mail/registry`: one page of a folder.
async fn registry(
    State(state): State<AppState>,
    ApiSession(who): ApiSession,
    Json(body): Json<Value>,
) -> Result<Json<Value>, ApiError> {
    let r = input::mailbox_request(&body)?;
    let p = state
        .app
        .mailbox(
            &who.actor,
            r.folder,
            r.search,
            r.order,
            r.ascending,
            r.page,
            r.page_size,
        )
        .await?;
    let rows: Vec<Value> = p
        .rows
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "subject": r.subject,
                "author": r.author.full_name(),
                "sent": timestamp(r.sent),
                "toNames": r.to_names,
                "read": r.read,
            })
        })
        .collect();
    Ok(Json(
        json!({ "rows": rows, "page": p.page, "totalItems": p.total }),
    ))
}

/// `GET mail/messages/unread`: ids of unread inbox messages.
async fn unread(
    State(state): State<AppState>,
    ApiSession(who): ApiSession,
) -> Result<Json<Vec<i64>>, ApiError> {
    Ok(Json(state.app.unread_mail(&who.actor).await?))
}

/// `GET mail/messages/{id}/read`: the message (now read).
async fn read(
    State(state): State<AppState>,
    ApiSession(who): ApiSession,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let m = state
        .app
        .read_message(&who.actor, MessageId::new(parse_id(&id)?))
        .await?;
    let files: Vec<Value> = m
        .files
        .iter()
        .map(|f| json!({ "id": f.id, "name": f.name, "originalFileName": f.name, "description": f.description }))
        .collect();
    Ok(Json(json!({
        "id": m.id,
        "subject": m.subject,
        "text": m.html(),
        "sent": timestamp(m.sent),
        "author": { "id": m.author.id, "name": m.author.full_name() },
        "toNames": m.to_names(),
        "read": true,
        "mailBox": m.folder.code(),
        "canReplyAll": !m.to.is_empty() || !m.cc.is_empty(),
        "noReply": m.mine,
        "canForward": true,
        "fileAttachments": files,
    })))
}

fn recipient_json(id: i64, name: &str, organization: &str) -> Value {
    json!({ "id": recipient_key(id), "name": name, "organizationName": organization })
}

async fn school_name(state: &AppState, org: i64) -> String {
    state
        .app
        .organization_card(OrganizationId::new(org))
        .await
        .map(|o| o.short_name)
        .unwrap_or_default()
}

/// `GET mail/messages/{id}/edit?action=reply|replyAll|forward`: a prepared draft.
async fn edit(
    State(state): State<AppState>,
    ApiSession(who): ApiSession,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let action = q.get("action").map(String::as_str).unwrap_or("reply");
    let kind = ReplyKind::parse(action).ok_or_else(|| bad(msg!("mail-action-unknown")))?;
    let d = state
        .app
        .prepare_reply(&who.actor, MessageId::new(parse_id(&id)?), kind)
        .await?;
    let org = school_name(&state, who.actor.organization_id.get()).await;
    let people = |list: &[sgo_app::mail::Person]| -> Vec<Value> {
        list.iter()
            .map(|p| recipient_json(p.id, &p.name, &org))
            .collect()
    };
    let files: Vec<Value> = d
        .files
        .iter()
        .map(|f| json!({ "id": f.id, "name": f.name, "originalFileName": f.name, "description": f.description }))
        .collect();
    Ok(Json(json!({
        "subject": d.subject,
        "text": d.html(),
        "to": people(&d.to),
        "cc": people(&d.cc),
        "fileAttachments": files,
    })))
}

/// `GET mail/recipients?group=n`: the actor's directory, one group.
async fn recipients(
    State(state): State<AppState>,
    ApiSession(who): ApiSession,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Vec<Value>>, ApiError> {
    let group = match q.get("group") {
        Some(g) => Some(
            g.trim()
                .parse()
                .ok()
                .and_then(RecipientGroup::from_number)
                .ok_or_else(|| bad(msg!("api-recipient-group-unknown")))?,
        ),
        None => None,
    };
    let org = school_name(&state, who.actor.organization_id.get()).await;
    let list: Vec<Contact> = state.app.mail_directory(&who.actor).await?;
    Ok(Json(
        list.iter()
            .filter(|c| group.is_none_or(|g| c.group == g))
            .map(|c| recipient_json(c.account_id, &c.full_name, &org))
            .collect(),
    ))
}

/// `POST mail/messages`: send (or save a draft) with attachments uploaded by `POST attachments`.
async fn send(
    State(state): State<AppState>,
    ApiSession(who): ApiSession,
    ClientOrigin(origin): ClientOrigin,
    Json(body): Json<Value>,
) -> Result<Json<Value>, ApiError> {
    let r = input::send_request(&body)?;
    let uploads = state
        .app
        .mail_uploads_by_guids(&who.actor, &r.guids)
        .await?;
    let compose = Compose {
        to: r.to,
        cc: r.cc,
        bcc: r.bcc,
        subject: r.subject,
        text: r.text,
        is_html: r.is_html,
        uploads,
        draft: r.draft,
        ..Compose::default()
    };
    let id = state.app.send_message(&who.actor, compose, &origin).await?;
    Ok(Json(json!({ "messageId": id })))
}

/// `POST mail/messages/mark-as`.
async fn mark_as(
    State(state): State<AppState>,
    ApiSession(who): ApiSession,
    Json(body): Json<Value>,
) -> Result<Json<Value>, ApiError> {
    let ids = input::message_ids(&body)?;
    let read = input::mark_as_read(&body);
    state.app.mark_mail(&who.actor, &ids, read).await?;
    Ok(Json(json!({})))
}

/// Moves the messages named in the body; answers `{}` as SGO does.
async fn move_messages(
    state: &AppState,
    who: &Authenticated,
    origin: &Origin,
    body: &Value,
    to: MailMove,
) -> Result<Json<Value>, ApiError> {
    let (app, actor, ids) = (&state.app, &who.actor, input::message_ids(body)?);
    app.move_mail(actor, &ids, to, origin).await?;
    Ok(Json(json!({})))
}

/// `POST mail/messages/moving`: to Удалённые.
async fn moving(
    State(state): State<AppState>,
    ApiSession(who): ApiSession,
    ClientOrigin(origin): ClientOrigin,
    Json(body): Json<Value>,
) -> Result<Json<Value>, ApiError> {
    move_messages(&state, &who, &origin, &body, MailMove::ToDeleted).await
}

/// `POST mail/messages/delete`: for good, from Удалённые only.
async fn delete(
    State(state): State<AppState>,
    ApiSession(who): ApiSession,
    ClientOrigin(origin): ClientOrigin,
    Json(body): Json<Value>,
) -> Result<Json<Value>, ApiError> {
    move_messages(&state, &who, &origin, &body, MailMove::Purge).await
}

/// `POST mail/messages/restore`.
async fn restore(
    State(state): State<AppState>,
    ApiSession(who): ApiSession,
    ClientOrigin(origin): ClientOrigin,
    Json(body): Json<Value>,
) -> Result<Json<Value>, ApiError> {
    move_messages(&state, &who, &origin, &body, MailMove::Restore).await
}
