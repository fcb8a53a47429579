//! Folders and reading: listing a folder with search and paging, reading a message (which marks
//! it read), read state, moving to Удалённые, restoring, and deleting for good.

use sgo_core::MessageId;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sgo_core::Actor;
use sgo_core::files::FileOwner;
use sgo_core::mail::Folder;
use sgo_store::{MailOrder, MailQuery, MailRecipientRecord, MailSearchField};

use crate::authors::{Author, unknown};
use crate::files::FileLink;
use crate::{App, AppError, AppResult, Origin};

/// A person named on a message.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    /// Their account.
    pub id: i64,
    /// Their full name from the school's records (never the self-chosen one).
    pub name: String,
}

impl From<&Author> for Person {
    fn from(a: &Author) -> Person {
        Person {
            id: a.id.get(),
            name: a.full_name(),
        }
    }
}

/// A row of a folder.
#[derive(Debug, Clone, PartialEq)]
pub struct MailRow {
    /// The message.
    pub id: i64,
    /// Subject.
    pub subject: String,
    /// Who wrote it, by the school's records.
    pub author: Author,
    /// When sent (drafts: saved).
    pub sent: DateTime<Utc>,
    /// Recipients' names, comma separated (blind copies only for the author).
    pub to_names: String,
    /// Whether the actor has read it.
    pub read: bool,
}

/// A page of a folder.
#[derive(Debug, Clone, PartialEq)]
pub struct MailPage {
    /// The rows.
    pub rows: Vec<MailRow>,
    /// How many rows the folder (and search) has in all.
    pub total: i64,
    /// The page number, from 1.
    pub page: i64,
    /// Rows per page.
    pub page_size: i64,
}

/// A message as its reader sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageView {
    /// The message.
    pub id: i64,
    /// Subject.
    pub subject: String,
    /// The body: sanitised HTML when `is_html` (sanitised again as it is read, so a body stored
    /// under an older sanitiser is held to today's), else plain text.
    pub body: String,
    /// Whether the body is HTML.
    pub is_html: bool,
    /// Who wrote it, by the school's records.
    pub author: Author,
    /// When sent (drafts: saved).
    pub sent: DateTime<Utc>,
    /// Whether it is a draft.
    pub draft: bool,
    /// To.
    pub to: Vec<Person>,
    /// Copy.
    pub cc: Vec<Person>,
    /// Blind copy (only the author sees them).
    pub bcc: Vec<Person>,
    /// The reader's folder for it.
    pub folder: Folder,
    /// Read state before this reading.
    pub was_read: bool,
    /// Attached files.
    pub files: Vec<FileLink>,
    /// Whether the reader wrote it.
    pub mine: bool,
}

impl MessageView {
    /// The body as plain text (HTML bodies flattened).
    pub fn text(&self) -> String {
        if self.is_html {
            crate::html::to_text(&self.body)
        } else {
            self.body.clone()
        }
    }

    /// The body as HTML that carries nothing active: sanitised HTML as it is, plain text escaped
    /// with its line breaks as `<br>`. NetSchool clients render `text` as HTML.
    pub fn html(&self) -> String {
        if self.is_html {
            self.body.clone()
        } else {
            crate::html::plain_to_html(&self.body)
        }
    }

    /// The recipients' names shown on the message (to and copy).
    pub fn to_names(&self) -> String {
        names(self.to.iter().chain(self.cc.iter()))
    }
}

fn names<'a>(people: impl Iterator<Item = &'a Person>) -> String {
    people
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn person(r: &MailRecipientRecord) -> Person {
    Person {
        id: r.account_id,
        name: records_name(&r.full_name),
    }
}

/// A name from the records; an empty one is said so rather than replaced by a chosen one.
fn records_name(full_name: &str) -> String {
    if full_name.trim().is_empty() {
        unknown(0).full_name()
    } else {
        full_name.trim().to_owned()
    }
}

/// The largest page a client may ask for.
const MAX_PAGE_SIZE: i64 = 200;

/// Where a list of the actor's messages goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailMove {
    /// To Удалённые.
    ToDeleted,
    /// Back from Удалённые to the folders they came from.
    Restore,
    /// Gone for good; only messages already in Удалённые go.
    Purge,
}

impl App {
    /// A page of one of the actor's folders, newest first unless asked otherwise.
    #[allow(clippy::too_many_arguments)]
    pub async fn mailbox(
        &self,
        actor: &Actor,
        folder: Folder,
        search: Option<(MailSearchField, String)>,
        order: MailOrder,
        ascending: bool,
        page: i64,
        page_size: i64,
    ) -> AppResult<MailPage> {
        let page = page.max(1);
        let page_size = page_size.clamp(1, MAX_PAGE_SIZE);
        let search = search
            .map(|(field, text)| (field, text.trim().to_lowercase()))
            .filter(|(_, text)| !text.is_empty());
        let query = MailQuery {
            account: actor.account_id.get(),
            folder: folder.code().to_owned(),
            search,
            order,
            ascending,
            offset: (page - 1).saturating_mul(page_size),
            limit: page_size,
        };
        let records = self.store.mailbox(&query).await?;
        let total = self.store.mailbox_count(&query).await?;
        let ids: Vec<i64> = records.iter().map(|r| r.id).collect();
        let writers: Vec<i64> = records.iter().map(|r| r.author_account_id).collect();
        let authors = self.authors(&writers).await?;
        let mut recipients: HashMap<i64, Vec<MailRecipientRecord>> = HashMap::new();
        for r in self.store.message_recipients(&ids).await? {
            recipients.entry(r.message_id).or_default().push(r);
        }
        let rows = records
            .into_iter()
            .map(|r| {
                let mine = r.author_account_id == actor.account_id.get();
                let list = recipients.remove(&r.id).unwrap_or_default();
                let to_names = list
                    .iter()
                    .filter(|x| mine || x.kind != "bcc")
                    .map(|x| records_name(&x.full_name))
                    .collect::<Vec<_>>()
                    .join(", ");
                MailRow {
                    id: r.id,
                    subject: r.subject,
                    author: authors
                        .get(&r.author_account_id)
                        .cloned()
                        .unwrap_or_else(|| unknown(r.author_account_id)),
                    sent: r.sent_at,
                    to_names,
                    read: r.is_read,
                }
            })
            .collect();
        Ok(MailPage {
            rows,
            total,
            page,
            page_size,
        })
    }

    /// The ids of the unread messages in the actor's inbox, newest first.
    pub async fn unread_mail(&self, actor: &Actor) -> AppResult<Vec<i64>> {
        Ok(self.store.unread_messages(actor.account_id.get()).await?)
    }

    /// A message the actor has (as author or recipient); reading it marks it read.
    pub async fn read_message(&self, actor: &Actor, id: MessageId) -> AppResult<MessageView> {
        let id = id.get();
        let view = self.message_view(actor, id).await?;
        if !view.was_read {
            self.store
                .set_read(actor.account_id.get(), &[id], true)
                .await?;
        }
        Ok(view)
    }

    /// A message the actor has, without changing its read state.
    pub(crate) async fn message_view(&self, actor: &Actor, id: i64) -> AppResult<MessageView> {
        let missing = || AppError::NotFound(msg!("mail-message-not-found"));
        let entry = self
            .store
            .mail_entry(id, actor.account_id.get())
            .await?
            .ok_or_else(missing)?;
        let m = self.store.message(id).await?.ok_or_else(missing)?;
        let mine = m.author_account_id == actor.account_id.get();
        let (mut to, mut cc, mut bcc) = (Vec::new(), Vec::new(), Vec::new());
        for r in self.store.message_recipients(&[id]).await? {
            match r.kind.as_str() {
                "cc" => cc.push(person(&r)),
                "bcc" if mine => bcc.push(person(&r)),
                "bcc" => {}
                _ => to.push(person(&r)),
            }
        }
        let files = self
            .files_of(FileOwner::Message(0).kind(), &[id])
            .await?
            .iter()
            .map(FileLink::from)
            .collect();
        let body = if m.is_html {
            crate::html::sanitize(&m.body)
        } else {
            m.body
        };
        Ok(MessageView {
            id,
            subject: m.subject,
            body,
            is_html: m.is_html,
            author: self.author(m.author_account_id).await?,
            sent: m.sent_at.unwrap_or(m.created_at),
            draft: m.sent_at.is_none(),
            to,
            cc,
            bcc,
            folder: Folder::parse(&entry.folder).unwrap_or(Folder::Inbox),
            was_read: entry.is_read,
            files,
            mine,
        })
    }

    /// Marks the actor's messages read or unread.
    pub async fn mark_mail(&self, actor: &Actor, ids: &[MessageId], read: bool) -> AppResult<u64> {
        let ids = &MessageId::numbers(ids)[..];
        Ok(self
            .store
            .set_read(actor.account_id.get(), ids, read)
            .await?)
    }

    /// Moves the actor's messages: to Удалённые, back from there, or away for good.
    pub async fn move_mail(
        &self,
        actor: &Actor,
        ids: &[MessageId],
        to: MailMove,
        origin: &Origin,
    ) -> AppResult<u64> {
        let ids = &MessageId::numbers(ids)[..];
        let account = actor.account_id.get();
        let (done, action) = match to {
            MailMove::ToDeleted => (
                self.store.move_to_deleted(account, ids).await?,
                "mail.move_to_deleted",
            ),
            MailMove::Restore => (
                self.store.restore_deleted(account, ids).await?,
                "mail.restore",
            ),
            MailMove::Purge => (self.store.purge_deleted(account, ids).await?, "mail.purge"),
        };
        self.mail_changed(actor, origin, action, ids, done).await;
        Ok(done)
    }

    async fn mail_changed(
        &self,
        actor: &Actor,
        origin: &Origin,
        action: &str,
        ids: &[i64],
        done: u64,
    ) {
        if done == 0 {
            return;
        }
        let list: Vec<String> = ids.iter().map(i64::to_string).collect();
        self.audit_change(
            actor,
            actor.organization_id,
            origin,
            action,
            format!("message:{}", list.join(",")),
            format!("{done}"),
        )
        .await;
    }
}
