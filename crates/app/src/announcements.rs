//! Announcements: written by the administration and teachers for the whole school, chosen roles or chosen classes; the body is sanitised HTML.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sgo_core::communication::{AUDIENCE_ROLES, Audience, is_current};
use sgo_core::files::FileOwner;
use sgo_core::policy::{
    Reader, addressed_to, may_manage, may_publish_announcement, sees_all_announcements,
};
use sgo_core::{AccountId, Actor, AnnouncementId, ClassId, FileId, OrganizationId, Role};
use sgo_store::{AnnouncementRecord, ClassChoiceRecord, FileRecord, NewAnnouncement};

use crate::authors::{Author, unknown};
use crate::files::{FileLink, Upload, UploadPurpose};
use crate::form::FieldErrors;
use crate::settings::FormError;
use crate::{App, AppError, AppResult, Origin};

/// The longest title kept.
const TITLE_MAX: usize = 200;
/// The longest body kept (before sanitising).
const BODY_MAX: usize = 100_000;

/// What the announcement form sends.
#[derive(Debug, Default)]
pub struct AnnouncementInput {
    /// Title.
    pub title: String,
    /// Body as HTML (sanitised here).
    pub body: String,
    /// `all`, `roles` or `classes`.
    pub audience: String,
    /// Chosen role codes.
    pub roles: Vec<String>,
    /// Chosen class ids.
    pub class_ids: Vec<ClassId>,
    /// Last day shown, `YYYY-MM-DD`, or empty.
    pub expires_on: String,
    /// Files to attach.
    pub files: Vec<Upload>,
    /// Attached files to remove (when editing).
    pub remove_files: Vec<FileId>,
}

/// A stored announcement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Announcement {
    /// The announcement.
    pub id: AnnouncementId,
    /// Its school.
    pub organization_id: OrganizationId,
    /// Who wrote it.
    pub author_account_id: AccountId,
    /// The name the author chose to show.
    pub author_name: String,
    /// Title.
    pub title: String,
    /// Sanitised HTML.
    pub body: String,
    /// `all`, `roles` or `classes`.
    pub audience: String,
    /// The last day it is shown.
    pub expires_on: Option<NaiveDate>,
    /// When it was published.
    pub posted_at: DateTime<Utc>,
    /// When it was last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<AnnouncementRecord> for Announcement {
    fn from(r: AnnouncementRecord) -> Announcement {
        Announcement {
            id: AnnouncementId::new(r.id),
            organization_id: OrganizationId::new(r.organization_id),
            author_account_id: AccountId::new(r.author_account_id),
            author_name: r.author_name,
            title: r.title,
            body: r.body,
            audience: r.audience,
            expires_on: r.expires_on,
            posted_at: r.posted_at,
            updated_at: r.updated_at,
        }
    }
}

/// A class to choose in a form: «5А».
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassChoice {
    /// The class.
    pub id: ClassId,
    /// Its grade.
    pub grade: i32,
    /// Its letter.
    pub letter: String,
}

impl From<ClassChoiceRecord> for ClassChoice {
    fn from(r: ClassChoiceRecord) -> ClassChoice {
        ClassChoice {
            id: ClassId::new(r.id),
            grade: r.grade,
            letter: r.letter,
        }
    }
}

/// An announcement as a reader sees it.
#[derive(Debug, Clone)]
pub struct AnnouncementView {
    /// The stored announcement; its body sanitised again as it is read, so a body stored under
    /// an older sanitiser is held to today's.
    pub record: Announcement,
    /// Who wrote it, by the school's records (`record.author_name` is only the chosen name).
    pub author: Author,
    /// «Всем», «Ролям: …», «Классам: …».
    pub audience_text: String,
    /// Chosen role codes (for the edit form).
    pub roles: Vec<String>,
    /// Chosen classes (for the edit form).
    pub class_ids: Vec<ClassId>,
    /// Attached files.
    pub files: Vec<FileLink>,
    /// Whether the reader may edit or delete it.
    pub may_manage: bool,
    /// Whether its last day has passed (only its author and the administration still see it).
    pub expired: bool,
}

/// The choices of the announcement form.
#[derive(Debug, Clone)]
pub struct AnnouncementChoices {
    /// Roles one may address: `(code, title)`.
    pub roles: Vec<(&'static str, &'static str)>,
    /// Classes of the current year.
    pub classes: Vec<ClassChoice>,
}

/// «5А».
pub fn class_label(grade: i32, letter: &str) -> String {
    format!("{grade}{letter}")
}

impl App {
    /// What concerns a reader: their roles and their classes (own, children's, taught or led).
    pub(crate) async fn reader_of(&self, actor: &Actor) -> AppResult<Reader> {
        let today = self.today();
        let mut class_ids = Vec::new();
        if sgo_core::policy::student_self(actor).is_some()
            && let Some(s) = self.store.student(actor.account_id.get(), today).await?
        {
            class_ids.extend(s.class_id);
        }
        if sgo_core::policy::guardian(actor).is_some() {
            for child in self.store.children(actor.account_id.get(), today).await? {
                class_ids.extend(child.class_id);
            }
        }
        if sgo_core::policy::teacher(actor).is_some() {
            class_ids.extend(self.store.teacher_class_ids(actor.account_id.get()).await?);
        }
        class_ids.sort_unstable();
        class_ids.dedup();
        let class_ids = class_ids.into_iter().map(ClassId::new).collect();
        Ok(sgo_core::policy::reader(actor, class_ids))
    }

    /// The audiences of the school's announcements, by announcement.
    async fn audiences(&self, org: i64) -> AppResult<HashMap<i64, (Vec<Role>, Vec<ClassId>)>> {
        let mut out: HashMap<i64, (Vec<Role>, Vec<ClassId>)> = HashMap::new();
        for (id, code) in self.store.announcement_roles(org).await? {
            if let Ok(role) = Role::from_code(&code) {
                out.entry(id).or_default().0.push(role);
            }
        }
        for (id, class) in self.store.announcement_classes(org).await? {
            out.entry(id).or_default().1.push(ClassId::new(class));
        }
        Ok(out)
    }

    /// The announcements the actor may read, newest first; `limit` keeps only the newest few.
    pub async fn announcements_for(
        &self,
        actor: &Actor,
        limit: Option<usize>,
    ) -> AppResult<Vec<AnnouncementView>> {
        let org = actor.organization_id.get();
        let today = self.today();
        let reader = self.reader_of(actor).await?;
        let audiences = self.audiences(org).await?;
        let classes = self.store.school_classes(org, today).await?;
        let mut visible = Vec::new();
        for record in self.store.announcements(org, None).await? {
            let (roles, class_ids) = audiences.get(&record.id).cloned().unwrap_or_default();
            let current = is_current(record.expires_on, today);
            let manage = may_manage(
                actor,
                AccountId::new(record.author_account_id),
                OrganizationId::new(record.organization_id),
            );
            let Some(audience) = Audience::from_parts(&record.audience, roles, class_ids) else {
                continue;
            };
            let shown = sees_all_announcements(actor)
                || record.author_account_id == actor.account_id.get()
                || (current && addressed_to(&audience, &reader));
            if shown {
                visible.push((record, audience, current, manage));
            }
            if limit.is_some_and(|n| visible.len() >= n) {
                break;
            }
        }
        let ids: Vec<i64> = visible.iter().map(|(r, ..)| r.id).collect();
        let mut files = files_by_owner(self.files_of("announcement", &ids).await?);
        let writers: Vec<i64> = visible.iter().map(|(r, ..)| r.author_account_id).collect();
        let authors = self.authors(&writers).await?;
        Ok(visible
            .into_iter()
            .map(|(mut record, audience, current, manage)| {
                record.body = crate::html::sanitize(&record.body);
                let (roles, class_ids) = match &audience {
                    Audience::Roles(r) => (r.iter().map(|r| r.code().to_owned()).collect(), vec![]),
                    Audience::Classes(c) => (vec![], c.clone()),
                    Audience::All => (vec![], vec![]),
                };
                AnnouncementView {
                    audience_text: audience_text(&audience, &classes),
                    files: files.remove(&record.id).unwrap_or_default(),
                    author: authors
                        .get(&record.author_account_id)
                        .cloned()
                        .unwrap_or_else(|| unknown(record.author_account_id)),
                    record: record.into(),
                    roles,
                    class_ids,
                    may_manage: manage,
                    expired: !current,
                }
            })
            .collect())
    }

    /// One announcement the actor may manage, for the edit form.
    pub async fn announcement_to_edit(
        &self,
        actor: &Actor,
        id: AnnouncementId,
    ) -> AppResult<AnnouncementView> {
        let id = id.get();
        let record = self.managed_announcement(actor, id).await?;
        let today = self.today();
        let audiences = self.audiences(record.organization_id).await?;
        let classes = self
            .store
            .school_classes(record.organization_id, today)
            .await?;
        let (roles, class_ids) = audiences.get(&id).cloned().unwrap_or_default();
        let audience = Audience::from_parts(&record.audience, roles.clone(), class_ids.clone())
            .unwrap_or(Audience::All);
        let files = self
            .files_of("announcement", &[id])
            .await?
            .iter()
            .map(FileLink::from)
            .collect();
        Ok(AnnouncementView {
            author: self.author(record.author_account_id).await?,
            audience_text: audience_text(&audience, &classes),
            roles: roles.iter().map(|r| r.code().to_owned()).collect(),
            class_ids,
            files,
            expired: !is_current(record.expires_on, today),
            record: record.into(),
            may_manage: true,
        })
    }

    /// The roles and classes the form offers.
    pub async fn announcement_choices(&self, actor: &Actor) -> AppResult<AnnouncementChoices> {
        if !may_publish_announcement(actor) {
            return Err(AppError::Forbidden);
        }
        Ok(AnnouncementChoices {
            roles: AUDIENCE_ROLES
                .iter()
                .map(|r| (r.code(), r.title()))
                .collect(),
            classes: crate::view::views(
                self.store
                    .school_classes(actor.organization_id.get(), self.today())
                    .await?,
            ),
        })
    }

    /// Publishes an announcement with its files.
    pub async fn create_announcement(
        &self,
        actor: &Actor,
        origin: &Origin,
        input: AnnouncementInput,
    ) -> Result<AnnouncementId, FormError> {
        if !may_publish_announcement(actor) {
            return Err(AppError::Forbidden.into());
        }
        let new = self.check_announcement(actor, &input).await?;
        let uploaded = self.upload_all(actor, input.files).await?;
        let id = self.store.insert_announcement(&new).await?;
        self.attach_uploads(actor, &uploaded, FileOwner::Announcement(id))
            .await?;
        self.audit_change(
            actor,
            actor.organization_id,
            origin,
            "announcement.create",
            format!("announcement:{id}"),
            new.title.clone(),
        )
        .await;
        Ok(AnnouncementId::new(id))
    }

    /// Changes an announcement (author or administration): text, audience, expiry, files.
    pub async fn update_announcement(
        &self,
        actor: &Actor,
        origin: &Origin,
        id: AnnouncementId,
        input: AnnouncementInput,
    ) -> Result<(), FormError> {
        let id = id.get();
        let record = self.managed_announcement(actor, id).await?;
        let mut new = self.check_announcement(actor, &input).await?;
        new.organization_id = record.organization_id;
        new.author_account_id = record.author_account_id;
        let uploaded = self.upload_all(actor, input.files).await?;
        self.store.update_announcement(id, &new).await?;
        let attached = self.files_of("announcement", &[id]).await?;
        for file in attached
            .iter()
            .filter(|f| input.remove_files.contains(&FileId::new(f.id)))
        {
            self.remove_file(file.id).await?;
        }
        self.attach_uploads(actor, &uploaded, FileOwner::Announcement(id))
            .await?;
        self.audit_change(
            actor,
            OrganizationId::new(record.organization_id),
            origin,
            "announcement.update",
            format!("announcement:{id}"),
            new.title.clone(),
        )
        .await;
        Ok(())
    }

    /// Deletes an announcement and its files (author or administration).
    pub async fn delete_announcement(
        &self,
        actor: &Actor,
        origin: &Origin,
        id: AnnouncementId,
    ) -> AppResult<()> {
        let id = id.get();
        let record = self.managed_announcement(actor, id).await?;
        for file in self.files_of("announcement", &[id]).await? {
            self.remove_file(file.id).await?;
        }
        self.store.delete_announcement(id).await?;
        self.audit_change(
            actor,
            OrganizationId::new(record.organization_id),
            origin,
            "announcement.delete",
            format!("announcement:{id}"),
            record.title,
        )
        .await;
        Ok(())
    }

    /// Whether the actor may read an announcement (and so download its files).
    pub(crate) async fn may_read_announcement(&self, actor: &Actor, id: i64) -> AppResult<bool> {
        let Some(record) = self.store.announcement(id).await? else {
            return Ok(false);
        };
        if record.organization_id != actor.organization_id.get() {
            return Ok(false);
        }
        if sees_all_announcements(actor) || record.author_account_id == actor.account_id.get() {
            return Ok(true);
        }
        if !is_current(record.expires_on, self.today()) {
            return Ok(false);
        }
        let (roles, classes) = self
            .audiences(record.organization_id)
            .await?
            .remove(&id)
            .unwrap_or_default();
        let Some(audience) = Audience::from_parts(&record.audience, roles, classes) else {
            return Ok(false);
        };
        Ok(addressed_to(&audience, &self.reader_of(actor).await?))
    }

    /// The announcement if the actor may change it; "not found" for one they may not even read.
    async fn managed_announcement(&self, actor: &Actor, id: i64) -> AppResult<AnnouncementRecord> {
        let missing = || AppError::NotFound(msg!("announcement-not-found"));
        let record = self.store.announcement(id).await?.ok_or_else(missing)?;
        if may_manage(
            actor,
            AccountId::new(record.author_account_id),
            OrganizationId::new(record.organization_id),
        ) {
            Ok(record)
        } else if self.may_read_announcement(actor, id).await? {
            Err(AppError::Forbidden)
        } else {
            Err(missing())
        }
    }

    /// Checks the form and builds what is saved; the body is sanitised here.
    async fn check_announcement(
        &self,
        actor: &Actor,
        input: &AnnouncementInput,
    ) -> Result<NewAnnouncement, FormError> {
        let mut errors = FieldErrors::default();
        let title = input.title.trim().to_owned();
        if title.is_empty() {
            errors.add("title", msg!("announcement-title-required"));
        } else if title.chars().count() > TITLE_MAX {
            errors.add(
                "title",
                msg!("announcement-title-too-long", max = TITLE_MAX),
            );
        }
        let body = if input.body.len() > BODY_MAX {
            errors.add("body", msg!("announcement-body-too-long"));
            String::new()
        } else {
            crate::html::sanitize(input.body.trim())
        };
        if crate::html::to_text(&body).trim().is_empty() && input.files.is_empty() {
            errors.add("body", msg!("announcement-body-required"));
        }
        let mut roles = Vec::new();
        let mut class_ids = Vec::new();
        match input.audience.as_str() {
            "all" => {}
            "roles" => {
                for code in &input.roles {
                    match Role::from_code(code) {
                        Ok(r) if AUDIENCE_ROLES.contains(&r) => roles.push(r.code().to_owned()),
                        _ => errors.add("roles", msg!("announcement-role-unknown")),
                    }
                }
                roles.sort();
                roles.dedup();
                if roles.is_empty() {
                    errors.add("roles", msg!("roles-required"));
                }
            }
            "classes" => {
                let school = self
                    .store
                    .school_classes(actor.organization_id.get(), self.today())
                    .await?;
                for id in &input.class_ids {
                    if school.iter().any(|c| c.id == id.get()) {
                        class_ids.push(id.get());
                    } else {
                        errors.add("classes", msg!("class-not-found"));
                    }
                }
                class_ids.sort_unstable();
                class_ids.dedup();
                if class_ids.is_empty() {
                    errors.add("classes", msg!("announcement-classes-required"));
                }
            }
            _ => errors.add("audience", msg!("announcement-audience-required")),
        }
        let expires = input.expires_on.trim();
        let expires_on = if expires.is_empty() {
            None
        } else {
            match NaiveDate::parse_from_str(expires, "%Y-%m-%d") {
                Ok(d) if d < self.today() => {
                    errors.add("expires_on", msg!("announcement-expiry-past"));
                    None
                }
                Ok(d) => Some(d),
                Err(_) => {
                    errors.add("expires_on", msg!("date-invalid"));
                    None
                }
            }
        };
        errors.checked()?;
        Ok(NewAnnouncement {
            organization_id: actor.organization_id.get(),
            author_account_id: actor.account_id.get(),
            title,
            body,
            audience: input.audience.clone(),
            roles,
            class_ids,
            expires_on,
            at: self.clock.now(),
        })
    }

    /// Uploads every file of a form; a refused file becomes a message next to the file field.
    pub(crate) async fn upload_all(
        &self,
        actor: &Actor,
        uploads: Vec<Upload>,
    ) -> Result<Vec<i64>, FormError> {
        let mut ids = Vec::with_capacity(uploads.len());
        for upload in uploads {
            let refused = match self
                .upload_file(actor, UploadPurpose::Assignment, upload)
                .await
            {
                Ok(f) => {
                    ids.push(f.id);
                    continue;
                }
                Err(AppError::BadRequest(m)) => {
                    let mut errors = FieldErrors::default();
                    errors.add("files", m);
                    FormError::Invalid(errors)
                }
                Err(e) => e.into(),
            };
            // The form comes back without its files: the ones taken so far must not stay
            // pending and count against the quota when it is sent again.
            self.discard_uploads(actor, &ids).await?;
            return Err(refused);
        }
        Ok(ids.into_iter().map(FileId::get).collect())
    }

    /// Removes an attached file's record and its bytes.
    pub(crate) async fn remove_file(&self, id: i64) -> AppResult<()> {
        if let Some(key) = self.store.delete_file(id).await?
            && let Err(e) = self.files.delete(&key).await
        {
            // The record is gone, so nobody can reach the bytes; only disk space is lost.
            tracing::warn!(file = id, error = %e, "could not remove a deleted file's bytes");
        }
        Ok(())
    }
}

/// Files grouped by the id of what they are attached to.
pub(crate) fn files_by_owner(files: Vec<FileRecord>) -> HashMap<i64, Vec<FileLink>> {
    let mut out: HashMap<i64, Vec<FileLink>> = HashMap::new();
    for f in &files {
        if let Some(owner) = f.owner_id {
            out.entry(owner).or_default().push(FileLink::from(f));
        }
    }
    out
}

/// How the audience reads in a list.
fn audience_text(audience: &Audience, classes: &[ClassChoiceRecord]) -> String {
    match audience {
        Audience::All => "Всем".to_owned(),
        Audience::Roles(roles) => {
            let names: Vec<&str> = roles.iter().map(|r| r.title()).collect();
            format!("Ролям: {}", names.join(", "))
        }
        Audience::Classes(ids) => {
            let names: Vec<String> = classes
                .iter()
                .filter(|c| ids.contains(&ClassId::new(c.id)))
                .map(|c| class_label(c.grade, &c.letter))
                .collect();
            format!("Классам: {}", names.join(", "))
        }
    }
}
