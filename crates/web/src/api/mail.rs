//! Mail through the open API: folders and their pages, a message (`mail:read`); the directory,
//! attachments and sending (`mail:send`).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Path, RawQuery, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sgo_app::files::UploadPurpose;
use sgo_app::mail::{Compose, Folder, MailOrder};
use sgo_core::MessageId;
use sgo_core::api_scope::ApiScope;

use super::caller::TokenCaller;
use super::dto::{self, AttachmentDto, Page, PageQuery, PersonRef};
use super::problem::Problem;
use crate::AppState;
use crate::extract::ClientOrigin;
use crate::form::{Fields, OpenApiMailFiles, Uploaded};

/// A folder's name in paths: `inbox`, `sent`, `draft`, `deleted`.
#[derive(Serialize, Deserialize, utoipa::ToSchema, Clone, Copy)]
#[serde(rename_all = "lowercase")]
#[schema(as = MailFolderCode)]
pub(crate) enum FolderCode {
    Inbox,
    Sent,
    Draft,
    Deleted,
}

impl FolderCode {
    fn folder(self) -> Folder {
        match self {
            FolderCode::Inbox => Folder::Inbox,
            FolderCode::Sent => Folder::Sent,
            FolderCode::Draft => Folder::Draft,
            FolderCode::Deleted => Folder::Deleted,
        }
    }

    fn of(folder: Folder) -> FolderCode {
        match folder {
            Folder::Inbox => FolderCode::Inbox,
            Folder::Sent => FolderCode::Sent,
            Folder::Draft => FolderCode::Draft,
            Folder::Deleted => FolderCode::Deleted,
        }
    }

    fn parse(text: &str) -> Result<FolderCode, Problem> {
        Folder::parse(text)
            .map(FolderCode::of)
            .ok_or_else(|| Problem::new(StatusCode::NOT_FOUND, msg!("api-folder-unknown")))
    }
}

/// A folder with its counts.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = MailFolder)]
pub(crate) struct FolderDto {
    folder: FolderCode,
    /// «Входящие».
    name: &'static str,
    total: u64,
    /// Unread messages; counted for the inbox only, 0 elsewhere.
    unread: u64,
}

/// A line of a folder.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = MailRow)]
pub(crate) struct RowDto {
    id: i64,
    subject: String,
    author: PersonRef,
    /// When sent (a draft: saved).
    sent_at: DateTime<Utc>,
    /// Recipients' names, comma separated.
    to_names: String,
    read: bool,
}

/// A message.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = MailMessage)]
pub(crate) struct MessageDto {
    id: i64,
    subject: String,
    /// The body as plain text.
    text: String,
    /// The body as HTML that carries nothing active.
    html: String,
    author: PersonRef,
    sent_at: DateTime<Utc>,
    to: Vec<PersonRef>,
    cc: Vec<PersonRef>,
    /// Blind copies: only their author sees them.
    bcc: Vec<PersonRef>,
    folder: FolderCode,
    draft: bool,
    attachments: Vec<AttachmentDto>,
}

/// Someone the person may write to.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = MailRecipient)]
pub(crate) struct RecipientDto {
    id: i64,
    name: String,
    /// The directory's group: «Учителя», «Классные руководители»…
    group: &'static str,
}

/// A message to send.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewMailMessage)]
struct NewMessageDto {
    /// Recipients' ids (see `/api/v1/mail/recipients`).
    to: Vec<i64>,
    #[serde(default)]
    cc: Vec<i64>,
    #[serde(default)]
    bcc: Vec<i64>,
    /// 1 to 200 characters.
    subject: String,
    /// Plain text.
    text: String,
    /// Ids of files uploaded by `POST /api/v1/mail/attachments`.
    #[serde(default)]
    attachments: Vec<i64>,
}

/// The message just sent.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = SentMailMessage)]
struct SentDto {
    id: i64,
}

fn require(caller: &sgo_app::api_tokens::ApiCaller, scope: ApiScope) -> Result<(), Problem> {
    caller
        .grant(scope)
        .map(|_| ())
        .ok_or_else(|| Problem::scope_missing(scope))
}

/// The mail folders with their counts.
#[utoipa::path(get, path = "/api/v1/mail/folders", tag = "mail", security(("bearer" = ["mail:read"])),
    responses(
        (status = 200, description = "The four folders with their counts", body = Vec<FolderDto>),
        (status = 403, description = "No mail:read", body = super::problem::Body, content_type = "application/problem+json"),
    ))]
pub(crate) async fn folders(
    State(state): State<AppState>,
    TokenCaller(caller): TokenCaller,
) -> Result<Json<Vec<FolderDto>>, Problem> {
    require(&caller, ApiScope::MailRead)?;
    let actor = caller.actor();
    let unread = state.app.unread_mail(actor).await?.len() as u64;
    let mut out = Vec::with_capacity(Folder::ALL.len());
    for folder in Folder::ALL {
        let page = state
            .app
            .mailbox(actor, folder, None, MailOrder::Sent, false, 1, 1)
            .await?;
        out.push(FolderDto {
            folder: FolderCode::of(folder),
            name: folder.title(),
            total: u64::try_from(page.total).unwrap_or(0),
            unread: if folder == Folder::Inbox { unread } else { 0 },
        });
    }
    Ok(Json(out))
}

/// A page of a mail folder, newest first.
#[utoipa::path(get, path = "/api/v1/mail/folders/{folder}/messages", tag = "mail", security(("bearer" = ["mail:read"])),
    params(("folder" = FolderCode, Path, description = "The folder"), PageQuery),
    responses(
        (status = 200, description = "A page of the folder, newest first", body = Page<RowDto>),
        (status = 400, description = "Bad parameter", body = super::problem::Body, content_type = "application/problem+json"),
        (status = 403, description = "No mail:read", body = super::problem::Body, content_type = "application/problem+json"),
        (status = 404, description = "No such folder", body = super::problem::Body, content_type = "application/problem+json"),
    ))]
pub(crate) async fn folder(
    State(state): State<AppState>,
    TokenCaller(caller): TokenCaller,
    Path(folder): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Page<RowDto>>, Problem> {
    require(&caller, ApiScope::MailRead)?;
    let folder = FolderCode::parse(&folder)?.folder();
    let paging: PageQuery = dto::query(raw.as_deref())?;
    let (page, per_page) = paging.checked()?;
    let found = state
        .app
        .mailbox(
            caller.actor(),
            folder,
            None,
            MailOrder::Sent,
            false,
            i64::from(page),
            i64::from(per_page),
        )
        .await?;
    let rows = found
        .rows
        .iter()
        .map(|r| RowDto {
            id: r.id,
            subject: r.subject.clone(),
            author: PersonRef::from(&r.author),
            sent_at: r.sent,
            to_names: r.to_names.clone(),
            read: r.read,
        })
        .collect();
    let total = u64::try_from(found.total).unwrap_or(0);
    Ok(Json(Page::of(rows, page, per_page, total)))
}

/// A message, which is then marked read.
#[utoipa::path(get, path = "/api/v1/mail/messages/{id}", tag = "mail", security(("bearer" = ["mail:read"])),
    params(("id" = i64, Path, description = "The message")),
    responses(
        (status = 200, description = "The message; it is marked read", body = MessageDto),
        (status = 403, description = "No mail:read", body = super::problem::Body, content_type = "application/problem+json"),
        (status = 404, description = "No such message in the person's folders", body = super::problem::Body, content_type = "application/problem+json"),
    ))]
pub(crate) async fn message(
    State(state): State<AppState>,
    TokenCaller(caller): TokenCaller,
    Path(id): Path<i64>,
) -> Result<Json<MessageDto>, Problem> {
    require(&caller, ApiScope::MailRead)?;
    let m = state
        .app
        .read_message(caller.actor(), MessageId::new(id))
        .await?;
    let people = |list: &[sgo_app::mail::Person]| {
        list.iter()
            .map(|p| PersonRef::new(p.id, p.name.clone()))
            .collect()
    };
    Ok(Json(MessageDto {
        id: m.id,
        subject: m.subject.clone(),
        text: m.text(),
        html: m.html(),
        author: PersonRef::from(&m.author),
        sent_at: m.sent,
        to: people(&m.to),
        cc: people(&m.cc),
        bcc: people(&m.bcc),
        folder: FolderCode::of(m.folder),
        draft: m.draft,
        attachments: m.files.iter().map(AttachmentDto::from).collect(),
    }))
}

/// Everyone the person may write to.
#[utoipa::path(get, path = "/api/v1/mail/recipients", tag = "mail", security(("bearer" = ["mail:send"])),
    responses(
        (status = 200, description = "Everyone the person may write to, by group and name", body = Vec<RecipientDto>),
        (status = 403, description = "No mail:send", body = super::problem::Body, content_type = "application/problem+json"),
    ))]
pub(crate) async fn recipients(
    State(state): State<AppState>,
    TokenCaller(caller): TokenCaller,
) -> Result<Json<Vec<RecipientDto>>, Problem> {
    require(&caller, ApiScope::MailSend)?;
    let list = state.app.mail_directory(caller.actor()).await?;
    Ok(Json(
        list.into_iter()
            .map(|c| RecipientDto {
                id: c.account_id,
                name: c.full_name,
                group: c.group.title(),
            })
            .collect(),
    ))
}

/// Uploads a file to attach to a message sent within the next hours.
///
/// Multipart: `file`, and `description` if wanted.
#[utoipa::path(post, path = "/api/v1/mail/attachments", tag = "mail", security(("bearer" = ["mail:send"])),
    request_body(content_type = "multipart/form-data", description = "`file`: the file; `description`: optional text"),
    responses(
        (status = 201, description = "The file, waiting for its message", body = AttachmentDto),
        (status = 400, description = "No file", body = super::problem::Body, content_type = "application/problem+json"),
        (status = 403, description = "No mail:send", body = super::problem::Body, content_type = "application/problem+json"),
        (status = 413, description = "Over the mail file limit", body = super::problem::Body, content_type = "application/problem+json"),
    ))]
pub(crate) async fn upload(
    State(state): State<AppState>,
    TokenCaller(caller): TokenCaller,
    request: Request,
) -> Result<Response, Problem> {
    // The scope first: a token without it must not have its body read at all.
    require(&caller, ApiScope::MailSend)?;
    let form = match Uploaded::<Fields, OpenApiMailFiles>::from_request(request, &state).await {
        Ok(form) => form,
        Err(refused) => return Ok(refused),
    };
    let description = form.form.get("description").to_owned();
    let Some((_, mut upload)) = form.files.into_iter().find(|(name, _)| name == "file") else {
        return Err(Problem::bad_request(msg!("api-file-missing")));
    };
    upload.description = description;
    let file = state
        .app
        .upload_file(caller.actor(), UploadPurpose::Mail, upload)
        .await?;
    let body = AttachmentDto::from(&sgo_app::files::FileLink {
        id: file.id,
        name: file.name,
        size: file.size,
        description: file.description,
    });
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// Sends a message; 201 with its id.
#[utoipa::path(post, path = "/api/v1/mail/messages", tag = "mail", security(("bearer" = ["mail:send"])),
    request_body = NewMessageDto,
    responses(
        (status = 201, description = "Sent", body = SentDto),
        (status = 400, description = "Bad recipients, subject, text or files", body = super::problem::Body, content_type = "application/problem+json"),
        (status = 403, description = "No mail:send, or a recipient the person may not write to", body = super::problem::Body, content_type = "application/problem+json"),
    ))]
pub(crate) async fn send(
    State(state): State<AppState>,
    TokenCaller(caller): TokenCaller,
    ClientOrigin(origin): ClientOrigin,
    body: Bytes,
) -> Result<Response, Problem> {
    require(&caller, ApiScope::MailSend)?;
    let dto: NewMessageDto = serde_json::from_slice(&body)
        .map_err(|e| Problem::bad_request(msg!("api-body-invalid", reason = e.to_string())))?;
    let compose = Compose {
        to: dto.to,
        cc: dto.cc,
        bcc: dto.bcc,
        subject: dto.subject,
        text: dto.text,
        uploads: dto.attachments,
        ..Compose::default()
    };
    let id = state
        .app
        .send_message(caller.actor(), compose, &origin)
        .await?;
    Ok((StatusCode::CREATED, Json(SentDto { id })).into_response())
}
