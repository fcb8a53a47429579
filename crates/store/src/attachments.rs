//! Attached files: their names, owners and storage keys (the bytes are in a [`crate::FileStore`]).

use crate::AccountId;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sgo_core::files::FileOwner;

use crate::StoreResult;

/// A file to record after its bytes were stored.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub struct NewFile {
    pub organization_id: i64,
    pub storage_key: String,
    pub guid: String,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub description: String,
    pub owner: FileOwner,
    pub uploaded_by: AccountId,
    pub uploaded_at: DateTime<Utc>,
}

impl NewFile {
    /// Its record once stored under `id`, belonging to `owner`.
    pub(crate) fn recorded(&self, id: i64, owner: FileOwner) -> FileRecord {
        FileRecord {
            id,
            organization_id: self.organization_id,
            storage_key: self.storage_key.clone(),
            guid: self.guid.clone(),
            name: self.name.clone(),
            content_type: self.content_type.clone(),
            size: self.size,
            description: self.description.clone(),
            owner_kind: owner.kind().to_owned(),
            owner_id: owner.id(),
            uploaded_by: self.uploaded_by,
            uploaded_at: self.uploaded_at,
        }
    }
}

/// A recorded file.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct FileRecord {
    pub id: i64,
    pub organization_id: i64,
    pub storage_key: String,
    pub guid: String,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub description: String,
    pub owner_kind: String,
    pub owner_id: Option<i64>,
    pub uploaded_by: i64,
    pub uploaded_at: DateTime<Utc>,
}

impl FileRecord {
    /// What the file belongs to; `None` for a kind this program does not know.
    pub fn owner(&self) -> Option<FileOwner> {
        FileOwner::parse(&self.owner_kind, self.owner_id)
    }
}

/// Attached files — storage operations.
#[async_trait]
pub trait AttachmentStore: Send + Sync {
    /// Records a file; returns it with its id.
    async fn insert_file(&self, file: &NewFile) -> StoreResult<FileRecord>;
    /// A file by id.
    async fn file(&self, id: i64) -> StoreResult<Option<FileRecord>>;
    /// A file by the GUID a NetSchool client got when uploading it.
    async fn file_by_guid(&self, guid: &str) -> StoreResult<Option<FileRecord>>;
    /// The files of several owners of one kind, by owner then name.
    async fn files_of(&self, owner_kind: &str, owner_ids: &[i64]) -> StoreResult<Vec<FileRecord>>;
    /// Attaches pending files the account uploaded at or after `uploaded_since` (older ones
    /// have expired) to an owner; others are left alone. Returns how many were attached.
    async fn attach_files(
        &self,
        file_ids: &[i64],
        uploaded_by: AccountId,
        owner: FileOwner,
        uploaded_since: DateTime<Utc>,
    ) -> StoreResult<u64>;
    /// Bytes of the account's pending files uploaded at or after `since`.
    async fn pending_upload_bytes(
        &self,
        uploaded_by: AccountId,
        since: DateTime<Utc>,
    ) -> StoreResult<i64>;
    /// Records a pending file unless it would bring the uploader's pending bytes uploaded at or
    /// after `since` over `quota_bytes`; `None` when refused. One statement, so two uploads
    /// racing each other cannot both slip under the quota on SQLite.
    async fn insert_pending_file(
        &self,
        file: &NewFile,
        since: DateTime<Utc>,
        quota_bytes: i64,
    ) -> StoreResult<Option<FileRecord>>;
    /// Forgets up to `limit` pending files uploaded before `before` (expired, never attached);
    /// returns the storage keys no other file uses any more, so the caller removes the bytes.
    async fn delete_stale_pending_files(
        &self,
        before: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<String>>;
    /// Records another owner for the same bytes under a new GUID (a forwarded message keeps its
    /// attachments).
    async fn copy_file(
        &self,
        id: i64,
        owner: FileOwner,
        guid: &str,
        by: AccountId,
        at: DateTime<Utc>,
    ) -> StoreResult<Option<FileRecord>>;
    /// Forgets a file; returns its storage key when no other file uses the same bytes, so the
    /// caller removes them.
    async fn delete_file(&self, id: i64) -> StoreResult<Option<String>>;
    /// Pending files uploaded before `cutoff` (abandoned uploads, to clean up).
    async fn stale_pending_files(&self, cutoff: DateTime<Utc>) -> StoreResult<Vec<FileRecord>>;
    /// Whether any file record names these bytes: a stored key nobody names is an orphan.
    async fn storage_key_in_use(&self, key: &str) -> StoreResult<bool>;
}
