//! Educational resources and courses published for subject groups and classes.

use crate::{AccountId, OrganizationId};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use crate::StoreResult;

/// A resource with where it is published and who wrote it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct ResourceRecord {
    pub id: i64,
    pub organization_id: i64,
    pub author_account_id: i64,
    pub author_name: String,
    /// Set when published for a subject group.
    pub subject_group_id: Option<i64>,
    /// The subject of that group.
    pub subject_name: Option<String>,
    /// The class it concerns: its own target, or the class of its subject group.
    pub class_id: i64,
    pub grade: i32,
    pub letter: String,
    pub title: String,
    pub description: String,
    pub link: String,
    pub posted_at: DateTime<Utc>,
}

/// A resource to save, already checked.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub struct NewResource {
    pub organization_id: OrganizationId,
    pub author_account_id: AccountId,
    /// Exactly one of the group and the class is set.
    pub subject_group_id: Option<i64>,
    pub class_id: Option<i64>,
    pub title: String,
    pub description: String,
    pub link: String,
    pub posted_at: DateTime<Utc>,
}

/// A subject group to publish for, with its class and whether the asking teacher teaches it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct GroupChoiceRecord {
    pub id: i64,
    pub class_id: i64,
    pub grade: i32,
    pub letter: String,
    pub subject_name: String,
    pub group_name: String,
}

/// Educational resources and courses published for subject groups and classes. — storage operations.
#[async_trait]
pub trait ResourceStore: Send + Sync {
    /// Saves a resource; returns its id.
    async fn insert_resource(&self, r: &NewResource) -> StoreResult<i64>;
    /// Removes a resource (its files are the caller's to remove).
    async fn delete_resource(&self, id: i64) -> StoreResult<bool>;
    /// One resource.
    async fn resource(&self, id: i64) -> StoreResult<Option<ResourceRecord>>;
    /// The school's resources, newest first.
    async fn resources(&self, organization: OrganizationId) -> StoreResult<Vec<ResourceRecord>>;
    /// Subject groups of the school's year containing `on`; only those `teacher` teaches when given.
    async fn group_choices(
        &self,
        organization: OrganizationId,
        on: NaiveDate,
        teacher: Option<AccountId>,
    ) -> StoreResult<Vec<GroupChoiceRecord>>;
    /// The subject group's organization and class.
    async fn group_class(&self, group: i64) -> StoreResult<Option<(i64, i64)>>;
    /// The class's organization.
    async fn class_organization(&self, class: i64) -> StoreResult<Option<i64>>;
}
