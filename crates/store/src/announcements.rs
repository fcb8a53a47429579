//! Announcements to the school, to chosen roles or classes.

use crate::{AccountId, OrganizationId};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use crate::StoreResult;

/// An announcement with its author's names.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct AnnouncementRecord {
    pub id: i64,
    pub organization_id: i64,
    pub author_account_id: i64,
    pub author_name: String,
    pub author_last_name: String,
    pub author_first_name: String,
    pub author_middle_name: String,
    pub title: String,
    /// Sanitised HTML.
    pub body: String,
    /// `all`, `roles` or `classes`.
    pub audience: String,
    /// The last day it is shown.
    pub expires_on: Option<NaiveDate>,
    pub posted_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An announcement to save, already checked and sanitised.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub struct NewAnnouncement {
    pub organization_id: OrganizationId,
    pub author_account_id: AccountId,
    pub title: String,
    pub body: String,
    pub audience: String,
    /// Role codes when the audience is `roles`.
    pub roles: Vec<String>,
    /// Class ids when the audience is `classes`.
    pub class_ids: Vec<i64>,
    pub expires_on: Option<NaiveDate>,
    /// When it is saved (posting time for a new one, edit time for a change).
    pub at: DateTime<Utc>,
}

/// A class of the school to choose as an audience or a resource's target.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct ClassChoiceRecord {
    pub id: i64,
    pub grade: i32,
    pub letter: String,
}

/// Announcements to the school, to chosen roles or classes. — storage operations.
#[async_trait]
pub trait AnnouncementStore: Send + Sync {
    /// Saves a new announcement with its audience lists; returns its id.
    async fn insert_announcement(&self, a: &NewAnnouncement) -> StoreResult<i64>;
    /// Replaces an announcement's text, audience and expiry (author and posting time stay).
    async fn update_announcement(&self, id: i64, a: &NewAnnouncement) -> StoreResult<bool>;
    /// Removes an announcement and its audience lists (its files are the caller's to remove).
    async fn delete_announcement(&self, id: i64) -> StoreResult<bool>;
    /// One announcement.
    async fn announcement(&self, id: i64) -> StoreResult<Option<AnnouncementRecord>>;
    /// The school's announcements, newest first; with `current_on`, only those not expired that day.
    async fn announcements(
        &self,
        organization: OrganizationId,
        current_on: Option<NaiveDate>,
    ) -> StoreResult<Vec<AnnouncementRecord>>;
    /// `(announcement, role code)` for every role-addressed announcement of the school.
    async fn announcement_roles(
        &self,
        organization: OrganizationId,
    ) -> StoreResult<Vec<(i64, String)>>;
    /// `(announcement, class)` for every class-addressed announcement of the school.
    async fn announcement_classes(
        &self,
        organization: OrganizationId,
    ) -> StoreResult<Vec<(i64, i64)>>;
    /// Classes a teacher leads or teaches a subject group of (any year).
    async fn teacher_class_ids(&self, teacher: AccountId) -> StoreResult<Vec<i64>>;
    /// Classes of the school's academic year that contains `on`, by grade and letter.
    async fn school_classes(
        &self,
        organization: OrganizationId,
        on: NaiveDate,
    ) -> StoreResult<Vec<ClassChoiceRecord>>;
}
