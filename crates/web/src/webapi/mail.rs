//! Mail over the NetSchool API: `mail/registry`, `mail/messages/…`, `mail/recipients` (§3.27–3.30).

use std::collections::HashMap;

use crate::routes::Routes;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde_json::{Value, json};
use sgo_app::mail::{
    Compose, Contact, Folder, MailOrder, MailSearchField, RecipientGroup, ReplyKind,
};

use super::dates::timestamp;
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

fn bad(message: &str) -> ApiError {
    ApiError(StatusCode::BAD_REQUEST, message.to_owned())
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// A directory id as NetSchool spells it: a base64 string (of the account number here).
fn recipient_key(account: i64) -> String {
    let bytes = account.to_string().into_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Reads a recipient as clients send it: our base64 key, or a plain account number.
fn parse_recipient(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => {
            let s = s.trim();
            if let Ok(n) = s.parse::<i64>() {
                return Some(n);
            }
            let mut bits: u32 = 0;
            let mut count = 0;
            let mut out = Vec::new();
            for c in s.bytes().filter(|c| *c != b'=') {
                let v = B64.iter().position(|x| *x == c)? as u32;
                bits = (bits << 6) | v;
                count += 6;
                if count >= 8 {
                    count -= 8;
                    out.push((bits >> count) as u8);
                    bits &= (1 << count) - 1;
                }
            }
            String::from_utf8(out).ok()?.parse().ok()
        }
        _ => None,
    }
}

fn recipients_of(body: &Value, key: &str) -> Result<Vec<i64>, ApiError> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| parse_recipient(v).ok_or_else(|| bad("Неизвестный получатель")))
            .collect(),
        Some(_) => Err(bad("Получатели передаются списком")),
    }
}

/// `messageId` as a list (or a single id) of numbers or numeric strings.
fn message_ids(body: &Value) -> Result<Vec<i64>, ApiError> {
    let one = |v: &Value| match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    };
    match body.get("messageId").or_else(|| body.get("messageIds")) {
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| one(v).ok_or_else(|| bad("Неверный номер письма")))
            .collect(),
        Some(v) => one(v)
            .map(|id| vec![id])
            .ok_or_else(|| bad("Неверный номер письма")),
        None => Err(bad("Не указаны письма (messageId)")),
    }
}

fn parse_id(text: &str) -> Result<i64, ApiError> {
    text.trim()
        .parse()
        .map_err(|_| bad("Неверный номер письма"))
}

/// `POST mail/registry`: one page of a folder.
async fn registry(
    State(state): State<AppState>,
    ApiSession(who): ApiSession,
    Json(body): Json<Value>,
) -> Result<Json<Value>, ApiError> {
    let mut folder = Folder::Inbox;
    if let Some(Value::Array(items)) = body.pointer("/filterContext/selectedData") {
        for item in items {
            if item.get("filterId").and_then(Value::as_str) == Some("MailBox") {
                let value = item
                    .get("filterValue")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                folder = Folder::parse(value).ok_or_else(|| bad("Неизвестная папка"))?;
            }
        }
    }
    let page = body.get("page").and_then(Value::as_i64).unwrap_or(1);
    let page_size = body.get("pageSize").and_then(Value::as_i64).unwrap_or(20);
    let search = match body.get("search") {
        Some(s) if s.is_object() => {
            let field = match s.get("fieldId").and_then(Value::as_str).unwrap_or("") {
                "subject" => MailSearchField::Subject,
                "author" => MailSearchField::Author,
                "toNames" => MailSearchField::Recipients,
                _ => MailSearchField::Any,
            };
            let text = s
                .get("text")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            Some((field, text))
        }
        _ => None,
    };
    let order = body.get("order");
    let order_field = match order.and_then(|o| o.get("fieldId")).and_then(Value::as_str) {
        Some("subject") => MailOrder::Subject,
        Some("author") => MailOrder::Author,
        _ => MailOrder::Sent,
    };
    let ascending = order
        .and_then(|o| o.get("ascending"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let p = state
        .app
        .mailbox(
            &who.actor,
            folder,
            search,
            order_field,
            ascending,
            page,
            page_size,
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
    let m = state.app.read_message(&who.actor, parse_id(&id)?).await?;
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
        .organization_card(org)
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
    let kind = ReplyKind::parse(action).ok_or_else(|| bad("Неизвестное действие"))?;
    let d = state
        .app
        .prepare_reply(&who.actor, parse_id(&id)?, kind)
        .await?;
    let org = school_name(&state, who.actor.organization_id).await;
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
                .ok_or_else(|| bad("Неизвестная группа адресатов"))?,
        ),
        None => None,
    };
    let org = school_name(&state, who.actor.organization_id).await;
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
    let text = |key: &str| {
        body.get(key)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    let guids: Vec<String> = match body.get("fileAttachmentGuids") {
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| bad("Неверный GUID вложения"))
            })
            .collect::<Result<_, _>>()?,
        _ => Vec::new(),
    };
    let uploads = state.app.mail_uploads_by_guids(&who.actor, &guids).await?;
    let raw = text("text");
    // Clients send HTML from a rich editor or plain text; a tag means HTML, sanitised on save.
    let is_html = raw.contains('<') && raw.contains('>');
    let compose = Compose {
        to: recipients_of(&body, "to")?,
        cc: recipients_of(&body, "cc")?,
        bcc: recipients_of(&body, "bcc")?,
        subject: text("subject"),
        text: raw,
        is_html,
        uploads,
        draft: body.get("draft").and_then(Value::as_bool).unwrap_or(false),
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
    let ids = message_ids(&body)?;
    let read = body.get("read").and_then(Value::as_bool).unwrap_or(true);
    state.app.mark_mail(&who.actor, &ids, read).await?;
    Ok(Json(json!({})))
}

/// `POST mail/messages/moving`: to Удалённые.
async fn moving(
    State(state): State<AppState>,
    ApiSession(who): ApiSession,
    ClientOrigin(origin): ClientOrigin,
    Json(body): Json<Value>,
) -> Result<Json<Value>, ApiError> {
    state
        .app
        .delete_mail(&who.actor, &message_ids(&body)?, &origin)
        .await?;
    Ok(Json(json!({})))
}

/// `POST mail/messages/delete`: for good, from Удалённые only.
async fn delete(
    State(state): State<AppState>,
    ApiSession(who): ApiSession,
    ClientOrigin(origin): ClientOrigin,
    Json(body): Json<Value>,
) -> Result<Json<Value>, ApiError> {
    state
        .app
        .purge_mail(&who.actor, &message_ids(&body)?, &origin)
        .await?;
    Ok(Json(json!({})))
}

/// `POST mail/messages/restore`.
async fn restore(
    State(state): State<AppState>,
    ApiSession(who): ApiSession,
    ClientOrigin(origin): ClientOrigin,
    Json(body): Json<Value>,
) -> Result<Json<Value>, ApiError> {
    state
        .app
        .restore_mail(&who.actor, &message_ids(&body)?, &origin)
        .await?;
    Ok(Json(json!({})))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipient_keys_round_trip() {
        for id in [1, 12, 123, 1234, 98765] {
            let key = recipient_key(id);
            assert_eq!(parse_recipient(&Value::String(key)), Some(id));
        }
        assert_eq!(recipient_key(12), "MTI=");
        assert_eq!(parse_recipient(&json!(7)), Some(7));
        assert_eq!(parse_recipient(&json!("%%%")), None);
    }
}
