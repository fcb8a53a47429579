//! Writing: sending (or saving a draft) to people of the directory with attachments, and the
//! prepared drafts of a reply, reply to all and forward.

use sgo_core::MessageId;
use std::collections::HashSet;

use sgo_auth::token::new_guid;
use sgo_core::Actor;
use sgo_core::files::FileOwner;
use sgo_core::mail::{forward_subject, quote, reply_subject};
use sgo_core::settings::Channel;
use sgo_store::{NewDelivery, NewMessage};

use crate::files::FileLink;
use crate::mail::folders::Person;
use crate::{App, AppError, AppResult, Origin};

/// The longest subject kept.
const MAX_SUBJECT: usize = 200;
/// The longest body kept, in characters.
const MAX_BODY: usize = 100_000;
/// The most recipients one message may have.
const MAX_RECIPIENTS: usize = 2_000;

/// A message as written.
#[derive(Debug, Clone, Default)]
pub struct Compose {
    /// To.
    pub to: Vec<i64>,
    /// Copy.
    pub cc: Vec<i64>,
    /// Blind copy.
    pub bcc: Vec<i64>,
    /// Subject.
    pub subject: String,
    /// Text, or HTML when `is_html` (sanitised here).
    pub text: String,
    /// Whether `text` is HTML.
    pub is_html: bool,
    /// The writer's pending uploads to attach.
    pub uploads: Vec<i64>,
    /// Files of messages the writer has (a forward, or a draft being sent) to attach again.
    pub keep_files: Vec<i64>,
    /// Save as a draft instead of sending.
    pub draft: bool,
    /// The message this one answers.
    pub reply_to: Option<i64>,
    /// A draft of the writer that this message replaces (removed once it is stored).
    pub replaces_draft: Option<i64>,
}

/// Which prepared draft to build from a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyKind {
    /// To the author.
    Reply,
    /// To the author and every other visible recipient.
    ReplyAll,
    /// To nobody yet, with the files.
    Forward,
}

impl ReplyKind {
    /// Parses NetSchool's `action` (`reply`, `replyAll`, `forward`).
    pub fn parse(action: &str) -> Option<ReplyKind> {
        match action.trim().to_ascii_lowercase().as_str() {
            "reply" => Some(ReplyKind::Reply),
            "replyall" | "reply_all" | "reply-all" => Some(ReplyKind::ReplyAll),
            "forward" => Some(ReplyKind::Forward),
            _ => None,
        }
    }
}

/// A prepared reply or forward: what the compose form starts with.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftReply {
    /// Subject with «Re: » or «Fwd: ».
    pub subject: String,
    /// The quoted text.
    pub text: String,
    /// To (only people of the directory).
    pub to: Vec<Person>,
    /// Copy (only people of the directory).
    pub cc: Vec<Person>,
    /// Files carried over (forward).
    pub files: Vec<FileLink>,
    /// The message answered.
    pub reply_to: i64,
}

impl DraftReply {
    /// The quoted text as HTML with nothing active in it: the quote holds the answered body
    /// flattened to text (entities decoded), and NetSchool clients render `text` as HTML.
    pub fn html(&self) -> String {
        crate::html::plain_to_html(&self.text)
    }
}

impl App {
    /// The actor's pending mail uploads named by NetSchool GUIDs (from `POST attachments`).
    pub async fn mail_uploads_by_guids(
        &self,
        actor: &Actor,
        guids: &[String],
    ) -> AppResult<Vec<i64>> {
        self.pending_by_guids(actor, guids).await
    }

    /// Sends a message (or saves a draft) to people of the actor's directory. Every recipient
    /// gets it in the system mailbox; those who chose e-mail or paper also get a delivery queued.
    pub async fn send_message(&self, actor: &Actor, c: Compose, origin: &Origin) -> AppResult<i64> {
        let subject: String = c.subject.trim().chars().collect();
        if subject.is_empty() {
            return Err(AppError::BadRequest(msg!("mail-subject-required")));
        }
        if subject.chars().count() > MAX_SUBJECT {
            return Err(AppError::BadRequest(msg!(
                "mail-subject-too-long",
                max = MAX_SUBJECT
            )));
        }
        if c.text.chars().count() > MAX_BODY {
            return Err(AppError::BadRequest(msg!("mail-body-too-long")));
        }
        let body = if c.is_html {
            crate::html::sanitize(&c.text)
        } else {
            c.text.trim_end().to_owned()
        };
        // One kind per person: «to» wins over «cc», «cc» over «bcc».
        let mut seen = HashSet::new();
        let mut recipients: Vec<(i64, String)> = Vec::new();
        for (ids, kind) in [(&c.to, "to"), (&c.cc, "cc"), (&c.bcc, "bcc")] {
            for id in ids {
                if seen.insert(*id) {
                    recipients.push((*id, kind.to_owned()));
                }
            }
        }
        if recipients.is_empty() && !c.draft {
            return Err(AppError::BadRequest(msg!("mail-recipient-required")));
        }
        if recipients.len() > MAX_RECIPIENTS {
            return Err(AppError::BadRequest(msg!("mail-too-many-recipients")));
        }
        let directory = self.mail_directory(actor).await?;
        let mut names = Vec::new();
        for (id, kind) in &recipients {
            match directory.iter().find(|p| p.account_id == *id) {
                Some(p) => {
                    if kind != "bcc" {
                        names.push(format!("{} {}", p.full_name, p.name).to_lowercase());
                    }
                }
                None => {
                    return Err(AppError::BadRequest(msg!(
                        "mail-recipient-unavailable",
                        id = *id
                    )));
                }
            }
        }
        // Files are checked before anything is stored, so a refusal leaves nothing behind.
        for id in &c.uploads {
            match self.store.file(*id).await? {
                Some(f) if f.uploaded_by == actor.account_id.get() && f.owner_kind == "pending" => {
                }
                _ => {
                    return Err(AppError::BadRequest(msg!("mail-file-not-found")));
                }
            }
        }
        for id in &c.keep_files {
            let readable = match self.store.file(*id).await? {
                Some(f) => match f.owner() {
                    Some(FileOwner::Message(m)) => self.may_read_message(actor, m).await?,
                    _ => false,
                },
                None => false,
            };
            if !readable {
                return Err(AppError::BadRequest(msg!("mail-attachment-not-found")));
            }
        }
        if let Some(reply_to) = c.reply_to
            && !self.may_read_message(actor, reply_to).await?
        {
            return Err(AppError::NotFound(msg!("mail-message-not-found")));
        }
        // Counted once the message is known to be sendable: a refused one stores nothing.
        self.check_rate(actor, crate::rate::RateAction::Mail)
            .await?;
        let author = self
            .store
            .account(actor.account_id.get())
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let today = self.today();
        let mut deliveries = Vec::new();
        if !c.draft {
            let people = self.store.mail_people(actor.organization_id.get()).await?;
            for (id, _) in &recipients {
                let Some(p) = people.iter().find(|p| p.account_id == *id) else {
                    continue;
                };
                // Unknown stored values mean the system only.
                match Channel::from_code(&p.preferred_channel).unwrap_or(Channel::System) {
                    Channel::Email if !p.email.trim().is_empty() => deliveries.push(NewDelivery {
                        account_id: *id,
                        channel: "email".into(),
                        address: p.email.trim().to_owned(),
                        class_id: None,
                    }),
                    Channel::Paper => deliveries.push(NewDelivery {
                        account_id: *id,
                        channel: "paper".into(),
                        address: String::new(),
                        class_id: self.store.letter_class_of(*id, today).await?,
                    }),
                    _ => {}
                }
            }
        }
        let new = NewMessage {
            organization_id: actor.organization_id.get(),
            author: actor.account_id.get(),
            subject_norm: subject.to_lowercase(),
            subject,
            body,
            is_html: c.is_html,
            at: self.clock.now(),
            draft: c.draft,
            reply_to: c.reply_to,
            recipients,
            // Searched and ordered by the records' name first; the chosen one still finds it.
            author_norm: format!(
                "{} {}",
                sgo_core::person::full_name(
                    &author.last_name,
                    &author.first_name,
                    &author.middle_name
                ),
                author.display_name
            )
            .to_lowercase(),
            to_norm: names.join(", "),
            deliveries,
        };
        let id = self.store.create_message(&new).await?;
        self.attach_uploads(actor, &c.uploads, FileOwner::Message(id))
            .await?;
        for file in &c.keep_files {
            self.store
                .copy_file(
                    *file,
                    FileOwner::Message(id),
                    &new_guid(),
                    actor.account_id.get(),
                    new.at,
                )
                .await?;
        }
        if let Some(draft) = c.replaces_draft {
            self.store
                .delete_draft(actor.account_id.get(), draft)
                .await?;
        }
        self.audit_change(
            actor,
            actor.organization_id,
            origin,
            if c.draft { "mail.draft" } else { "mail.send" },
            format!("message:{id}"),
            format!(
                "recipients={} deliveries={}",
                new.recipients.len(),
                new.deliveries.len()
            ),
        )
        .await;
        Ok(id)
    }

    /// The starting point of a reply, reply to all or forward of a message the actor has.
    /// People outside the actor's directory are left out of the addresses.
    pub async fn prepare_reply(
        &self,
        actor: &Actor,
        id: MessageId,
        kind: ReplyKind,
    ) -> AppResult<DraftReply> {
        let id = id.get();
        let m = self.message_view(actor, id).await?;
        let directory = self.mail_directory(actor).await?;
        let reachable = |p: &Person| directory.iter().any(|d| d.account_id == p.id);
        let sent = m
            .sent
            .with_timezone(&chrono::Local)
            .format("%d.%m.%Y %H:%M")
            .to_string();
        let text = quote(&m.author.full_name(), &sent, &m.text());
        let me = actor.account_id.get();
        let (subject, to, cc, files) = match kind {
            ReplyKind::Reply => {
                let to = if m.mine {
                    m.to.clone()
                } else {
                    vec![Person::from(&m.author)]
                };
                (reply_subject(&m.subject), to, Vec::new(), Vec::new())
            }
            ReplyKind::ReplyAll => {
                let mut to = Vec::new();
                if !m.mine {
                    to.push(Person::from(&m.author));
                }
                to.extend(m.to.iter().filter(|p| p.id != me).cloned());
                let cc = m.cc.iter().filter(|p| p.id != me).cloned().collect();
                (reply_subject(&m.subject), to, cc, Vec::new())
            }
            ReplyKind::Forward => (
                forward_subject(&m.subject),
                Vec::new(),
                Vec::new(),
                m.files.clone(),
            ),
        };
        Ok(DraftReply {
            subject,
            text,
            to: to.into_iter().filter(|p| reachable(p)).collect(),
            cc: cc.into_iter().filter(|p: &Person| reachable(p)).collect(),
            files,
            reply_to: id,
        })
    }
}
