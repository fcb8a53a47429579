//! The mail pages: folders, reading, writing with the recipient directory, the print queue of paper letters.

use sgo_core::MessageId;
mod compose;
mod print_queue;

use crate::routes::Routes;
use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use sgo_app::AppError;
use sgo_app::mail::{Folder, MailMove, MailOrder, MailPage, MailSearchField, MessageView};

use super::{Header, PageError, render};
use crate::form::{Fields, Submitted};
use crate::ui::request::UiRequest;

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route("/mail", get(folder_page))
        .route("/mail/{id}", get(read_page))
        .route("/mail/action", post(action))
        .merge(compose::routes())
        .merge(print_queue::routes())
}

/// Rows per page of a folder.
const PAGE_SIZE: i64 = 30;

/// A folder tab.
struct FolderTab {
    code: &'static str,
    title: &'static str,
    current: bool,
}

fn tabs(current: Folder) -> Vec<FolderTab> {
    Folder::ALL
        .into_iter()
        .map(|f| FolderTab {
            code: f.code(),
            title: f.title(),
            current: f == current,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "mail/folder.html")]
struct FolderPage<'a> {
    portal_name: &'a str,
    header: Header,
    tabs: Vec<FolderTab>,
    folder: &'static str,
    folder_title: &'static str,
    query: String,
    field: String,
    page: MailPage,
    pages: i64,
    has_print_queue: bool,
    notice: Option<&'static str>,
}

impl FolderPage<'_> {
    fn sent(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        at.with_timezone(&chrono::Local)
            .format("%d.%m.%Y %H:%M")
            .to_string()
    }
}

#[derive(Deserialize)]
struct FolderQuery {
    folder: Option<String>,
    q: Option<String>,
    field: Option<String>,
    page: Option<String>,
    done: Option<String>,
}

/// `GET /mail?folder=&q=&field=&page=`.
async fn folder_page(req: UiRequest, Query(q): Query<FolderQuery>) -> Response {
    let folder = q
        .folder
        .as_deref()
        .and_then(Folder::parse)
        .unwrap_or(Folder::Inbox);
    let text = q.q.unwrap_or_default();
    let field = q.field.unwrap_or_default();
    let search_field = match field.as_str() {
        "subject" => MailSearchField::Subject,
        "author" => MailSearchField::Author,
        "to" => MailSearchField::Recipients,
        _ => MailSearchField::Any,
    };
    let page_no = q.page.and_then(|p| p.parse().ok()).unwrap_or(1);
    let search = (!text.trim().is_empty()).then(|| (search_field, text.clone()));
    let actor = &req.session.who.actor;
    let result = async {
        let page = req
            .app()
            .mailbox(
                actor,
                folder,
                search,
                MailOrder::Sent,
                false,
                page_no,
                PAGE_SIZE,
            )
            .await?;
        let has_print_queue = req.app().has_print_queue(actor).await?;
        Ok::<_, AppError>((page, has_print_queue))
    }
    .await;
    let (page, has_print_queue) = match result {
        Ok(r) => r,
        Err(e) => return PageError(req.state, e).into_response(),
    };
    let header = match Header::load(&req.state, &req.session).await {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    let notice = match q.done.as_deref() {
        Some("sent") => Some("Письмо отправлено"),
        Some("draft") => Some("Черновик сохранён"),
        Some("deleted") => Some("Письмо перемещено в «Удалённые»"),
        Some("restored") => Some("Письмо восстановлено"),
        Some("purged") => Some("Письмо удалено навсегда"),
        _ => None,
    };
    let pages = ((page.total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    render(&FolderPage {
        portal_name: &req.state.options.portal_name,
        header,
        tabs: tabs(folder),
        folder: folder.code(),
        folder_title: folder.title(),
        query: text,
        field,
        page,
        pages,
        has_print_queue,
        notice,
    })
}

#[derive(Template)]
#[template(path = "mail/read.html")]
struct ReadPage<'a> {
    portal_name: &'a str,
    header: Header,
    m: MessageView,
    sent: String,
    in_deleted: bool,
}

/// `GET /mail/{id}`: the message, now read.
async fn read_page(req: UiRequest, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return PageError(
            req.state,
            AppError::NotFound(msg!("mail-message-not-found")),
        )
        .into_response();
    };
    let m = match req
        .app()
        .read_message(&req.session.who.actor, MessageId::new(id))
        .await
    {
        Ok(m) => m,
        Err(e) => return PageError(req.state, e).into_response(),
    };
    let header = match Header::load(&req.state, &req.session).await {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    render(&ReadPage {
        portal_name: &req.state.options.portal_name,
        header,
        sent: m
            .sent
            .with_timezone(&chrono::Local)
            .format("%d.%m.%Y %H:%M")
            .to_string(),
        in_deleted: m.folder == Folder::Deleted,
        m,
    })
}

/// `POST /mail/action`: `message` (one or more) and `action` = delete | restore | purge | unread.
async fn action(req: UiRequest, Submitted(form): Submitted<Fields>) -> Response {
    let ids = form.ids("message");
    let actor = &req.session.who.actor;
    // Which folder the list goes back to, and what the page then says was done.
    let moving = match form.get("action") {
        "delete" => Some((MailMove::ToDeleted, "Inbox", "deleted")),
        "restore" => Some((MailMove::Restore, "Deleted", "restored")),
        "purge" => Some((MailMove::Purge, "Deleted", "purged")),
        _ => None,
    };
    let result = match (moving, form.get("action")) {
        (Some((to, folder, done)), _) => req
            .app()
            .move_mail(actor, &ids, to, &req.origin)
            .await
            .map(|_| (folder, done)),
        (None, "unread") => req
            .app()
            .mark_mail(actor, &ids, false)
            .await
            .map(|_| ("Inbox", "")),
        _ => Err(AppError::BadRequest(msg!("mail-action-unknown"))),
    };
    match result {
        Ok((folder, done)) => {
            let back = match form.get("folder") {
                "" => folder,
                f => Folder::parse(f).map(Folder::code).unwrap_or(folder),
            };
            Redirect::to(&format!("/mail?folder={back}&done={done}")).into_response()
        }
        Err(e) => PageError(req.state, e).into_response(),
    }
}
