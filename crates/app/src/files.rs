//! Attached files: uploading within the limits, attaching to what they belong to, and
//! downloading only for those who may read that thing. Contents stream both ways: an upload
//! arrives spooled ([`Spool`]) and is streamed into the file store, a download is streamed out
//! of it ([`Contents`]).

mod migrate;
mod spool;

use sgo_auth::token::{new_file_key, new_guid};
use sgo_core::files::{FileOwner, UploadLimits, content_type, safe_file_name};
use sgo_core::{Actor, FileId};
use sgo_store::{FileRecord, NewFile, StoreError};

use crate::{App, AppError, AppResult, Origin};

pub use migrate::{FileMigration, migrate_local_files};
pub use spool::Spool;

/// What an upload is for; the limits differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadPurpose {
    /// A mail attachment.
    Mail,
    /// Homework, an announcement or a resource.
    Assignment,
}

/// A file as it arrived.
#[derive(Debug)]
pub struct Upload {
    /// The name the person's computer gave it (sanitised here).
    pub name: String,
    /// The bytes.
    pub content: Spool,
    /// An optional description.
    pub description: String,
}

impl Upload {
    /// A file whose bytes are already in memory, without a description.
    pub fn from_bytes(name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Upload {
        Upload {
            name: name.into(),
            content: Spool::from_bytes(bytes),
            description: String::new(),
        }
    }
}

/// A file to show in a list: its id, name and size.
#[derive(Debug, Clone, PartialEq)]
pub struct FileLink {
    /// The file's id (downloads are `/files/{id}` and `webapi/attachments/{id}`).
    pub id: FileId,
    /// Its name.
    pub name: String,
    /// Its size in bytes.
    pub size: i64,
    /// Its description.
    pub description: String,
}

impl From<&FileRecord> for FileLink {
    fn from(f: &FileRecord) -> Self {
        FileLink {
            id: FileId::new(f.id),
            name: f.name.clone(),
            size: f.size,
            description: f.description.clone(),
        }
    }
}

/// A stored file as use cases hand it out: what a download or a NetSchool answer needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    /// The file.
    pub id: FileId,
    /// The id NetSchool clients name it by.
    pub guid: String,
    /// Its name.
    pub name: String,
    /// Its media type.
    pub content_type: String,
    /// Its size in bytes.
    pub size: i64,
    /// Its description.
    pub description: String,
    /// When it was uploaded.
    pub uploaded_at: chrono::DateTime<chrono::Utc>,
}

impl From<FileRecord> for StoredFile {
    fn from(f: FileRecord) -> StoredFile {
        StoredFile {
            id: FileId::new(f.id),
            guid: f.guid,
            name: f.name,
            content_type: f.content_type,
            size: f.size,
            description: f.description,
            uploaded_at: f.uploaded_at,
        }
    }
}

impl App {
    /// The limits for a purpose.
    pub fn upload_limits(&self, purpose: UploadPurpose) -> &UploadLimits {
        match purpose {
            UploadPurpose::Mail => &self.settings.uploads.mail,
            UploadPurpose::Assignment => &self.settings.uploads.assignment,
        }
    }

    /// Keeps an uploaded file as pending (only its uploader sees it) until it is attached.
    pub async fn upload_file(
        &self,
        actor: &Actor,
        purpose: UploadPurpose,
        upload: Upload,
    ) -> AppResult<StoredFile> {
        self.check_rate(actor, crate::rate::RateAction::Upload)
            .await?;
        let name = safe_file_name(&upload.name);
        let size = upload.content.len();
        let limits = self.upload_limits(purpose);
        limits.check(&name, size).map_err(AppError::BadRequest)?;
        // Checked before the bytes are written, and again by the insert itself (a race).
        let rules = self.settings.uploads.pending;
        let since = self.pending_since();
        let pending = self
            .store
            .pending_upload_bytes(actor.account_id.get(), since)
            .await?;
        rules
            .check_quota(u64::try_from(pending).unwrap_or(0), size)
            .map_err(AppError::TooLarge)?;
        let key = new_file_key();
        let description: String = upload.description.trim().chars().take(500).collect();
        let body = upload
            .content
            .into_stream()
            .await
            .map_err(|e| StoreError::Files(format!("reading the spooled upload: {e}")))?;
        // The store counts the bytes again as they pass: the limit holds whatever the spool said.
        let written = match self.files.write(&key, body, limits.max_bytes).await {
            Ok(n) => n,
            Err(StoreError::TooLarge { .. }) => {
                return Err(AppError::BadRequest(limits.too_large()));
            }
            Err(e) => return Err(e.into()),
        };
        let record = NewFile {
            organization_id: actor.organization_id.get(),
            storage_key: key,
            guid: new_guid(),
            content_type: content_type(&name).to_owned(),
            name,
            size: i64::try_from(written).unwrap_or(i64::MAX),
            description,
            owner: FileOwner::Pending,
            uploaded_by: actor.account_id.get(),
            uploaded_at: self.clock.now(),
        };
        let quota = i64::try_from(rules.quota_bytes).unwrap_or(i64::MAX);
        let refused = match self.store.insert_pending_file(&record, since, quota).await {
            Ok(Some(f)) => return Ok(f.into()),
            Ok(None) => AppError::TooLarge(rules.over_quota()),
            Err(e) => e.into(),
        };
        // The bytes would otherwise stay stored with nothing pointing at them.
        let _ = self.files.delete(&record.storage_key).await;
        Err(refused)
    }

    /// Forgets pending uploads that expired without being attached, with their bytes; run
    /// periodically with the session sweep. Returns how many files' bytes were removed.
    pub async fn sweep_pending_uploads(&self) -> AppResult<u64> {
        const BATCH: i64 = 500;
        let before = self.pending_since();
        let mut removed = 0;
        loop {
            let keys = self.store.delete_stale_pending_files(before, BATCH).await?;
            for key in &keys {
                match self.files.delete(key).await {
                    Ok(()) => removed += 1,
                    // The record is gone, so nobody can reach the bytes; only disk space is lost.
                    Err(e) => {
                        tracing::warn!(error = %e, "could not remove an expired upload's bytes")
                    }
                }
            }
            // A short batch is the last one (or held keys shared with copies: the next sweep
            // takes what is left).
            if (keys.len() as i64) < BATCH {
                return Ok(removed);
            }
        }
    }

    /// Forgets the actor's own pending uploads (those of a form that was refused), so that
    /// a form sent again does not count its files twice against the quota.
    pub async fn discard_uploads(&self, actor: &Actor, file_ids: &[FileId]) -> AppResult<()> {
        for id in file_ids {
            match self.store.file(id.get()).await? {
                Some(f) if f.uploaded_by == actor.account_id.get() && f.owner_kind == "pending" => {
                    self.remove_file(f.id).await?;
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Attaches the actor's pending uploads to an owner the caller has already authorised.
    /// Ids that are not the actor's pending uploads are refused, so nobody can take over
    /// another person's file.
    pub(crate) async fn attach_uploads(
        &self,
        actor: &Actor,
        file_ids: &[i64],
        owner: FileOwner,
    ) -> AppResult<()> {
        if file_ids.is_empty() {
            return Ok(());
        }
        let since = self.pending_since();
        let attached = self
            .store
            .attach_files(file_ids, actor.account_id.get(), owner, since)
            .await?;
        // Homework files are in the diary: its cached weeks follow before the caller answers.
        self.catch_up().await;
        if attached as usize != file_ids.len() {
            return Err(AppError::BadRequest(msg!(
                "upload-not-found-or-expired",
                hours = self.settings.uploads.pending.lifetime_hours
            )));
        }
        Ok(())
    }

    /// The ids of the actor's pending uploads named by NetSchool GUIDs.
    pub(crate) async fn pending_by_guids(
        &self,
        actor: &Actor,
        guids: &[String],
    ) -> AppResult<Vec<i64>> {
        let since = self.pending_since();
        let mut ids = Vec::with_capacity(guids.len());
        for guid in guids {
            match self.store.file_by_guid(guid.trim()).await? {
                Some(f) if f.uploaded_by == actor.account_id.get() && f.owner_kind == "pending" => {
                    if f.uploaded_at < since {
                        return Err(AppError::BadRequest(msg!(
                            "attachment-expired",
                            guid = guid,
                            hours = self.settings.uploads.pending.lifetime_hours
                        )));
                    }
                    ids.push(f.id)
                }
                _ => {
                    return Err(AppError::BadRequest(msg!(
                        "attachment-guid-not-found",
                        guid = guid
                    )));
                }
            }
        }
        Ok(ids)
    }

    /// Pending uploads made before this moment have expired.
    fn pending_since(&self) -> chrono::DateTime<chrono::Utc> {
        self.settings
            .uploads
            .pending
            .expired_before(self.clock.now())
    }

    /// Files attached to several owners of one kind, for lists.
    pub(crate) async fn files_of(
        &self,
        owner_kind: &str,
        owner_ids: &[i64],
    ) -> AppResult<Vec<FileRecord>> {
        if owner_ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(self.store.files_of(owner_kind, owner_ids).await?)
    }

    /// A file and its contents as a stream, when the actor may read what it belongs to.
    /// Refusals are audited; a file the actor may not see is "not found" to them, so ids
    /// cannot be probed.
    pub async fn download_file(
        &self,
        actor: &Actor,
        id: FileId,
        origin: &Origin,
    ) -> AppResult<(StoredFile, Contents)> {
        self.download_file_of(actor, id, origin, |_| true).await
    }

    /// [`App::download_file`] for a caller that may reach only some owners' files (a token's
    /// scopes): a file of another owner is "not found" to it, as one it may not see.
    pub async fn download_file_of(
        &self,
        actor: &Actor,
        id: FileId,
        origin: &Origin,
        reach: impl Fn(FileOwner) -> bool + Send,
    ) -> AppResult<(StoredFile, Contents)> {
        let missing = || AppError::NotFound(msg!("file-not-found"));
        let file = self.store.file(id.get()).await?.ok_or_else(missing)?;
        if !file.owner().is_some_and(&reach) {
            return Err(missing());
        }
        let allowed = match file.owner() {
            Some(FileOwner::Pending) => file.uploaded_by == actor.account_id.get(),
            Some(FileOwner::Assignment(a)) => self.may_read_assignment(actor, a).await?,
            Some(FileOwner::Announcement(a)) => self.may_read_announcement(actor, a).await?,
            Some(FileOwner::Resource(r)) => self.may_read_resource(actor, r).await?,
            Some(FileOwner::Message(m)) => self.may_read_message(actor, m).await?,
            None => false,
        };
        if !allowed {
            self.audit(
                Some(actor.account_id),
                "file.download",
                format!("file:{id}"),
                origin,
                "denied",
                String::new(),
            )
            .await;
            return Err(missing());
        }
        let body = self.files.read(&file.storage_key).await?.ok_or_else(|| {
            tracing::error!(
                file = id.get(),
                engine = ?self.store.engine(),
                "file record without bytes in the file store (files uploaded before PostgreSQL \
                 kept them are moved there by `sgo files migrate`)"
            );
            missing()
        })?;
        Ok((
            file.into(),
            Contents {
                size: body.size,
                stream: body.stream,
            },
        ))
    }
}

/// Pieces of a file's contents in order, as they are read.
pub type ContentStream =
    std::pin::Pin<Box<dyn futures_util::Stream<Item = std::io::Result<bytes::Bytes>> + Send>>;

/// A stored file's contents on their way out: the size, known before the first byte (a
/// download's `Content-Length`), and the bytes as they are read (never whole in memory).
pub struct Contents {
    /// The number of bytes the stream yields.
    pub size: u64,
    /// The bytes.
    pub stream: ContentStream,
}
