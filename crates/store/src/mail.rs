//! Internal mail: messages, each person's folders and read state, and delivery by e-mail or on paper.

use crate::{AccountId, OrganizationId};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use crate::StoreResult;

/// A message to store, already checked by the app.
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub struct NewMessage {
    pub organization_id: OrganizationId,
    pub author: AccountId,
    pub subject: String,
    pub body: String,
    pub is_html: bool,
    pub at: DateTime<Utc>,
    /// A draft has only the author's entry (folder Draft) and no deliveries.
    pub draft: bool,
    pub reply_to: Option<i64>,
    /// Recipients with their kind: `to`, `cc` or `bcc`.
    pub recipients: Vec<(AccountId, String)>,
    pub subject_norm: String,
    pub author_norm: String,
    pub to_norm: String,
    pub deliveries: Vec<NewDelivery>,
}

/// An e-mail or paper delivery to queue with a message.
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub struct NewDelivery {
    pub account_id: AccountId,
    /// `email` or `paper`.
    pub channel: String,
    pub address: String,
    pub class_id: Option<i64>,
}

/// A person the directory may offer.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct MailPersonRecord {
    pub account_id: i64,
    pub display_name: String,
    pub full_name: String,
    pub preferred_channel: String,
    pub email: String,
}

/// A message with its author's name.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct MessageRecord {
    pub id: i64,
    pub organization_id: i64,
    pub author_account_id: i64,
    pub author_name: String,
    pub subject: String,
    pub body: String,
    pub is_html: bool,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub reply_to_id: Option<i64>,
}

/// One person's entry for a message.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct MailEntryRecord {
    pub message_id: i64,
    pub account_id: i64,
    pub folder: String,
    pub home_folder: String,
    pub is_read: bool,
}

/// A row of a folder listing.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct MailRowRecord {
    pub id: i64,
    pub subject: String,
    pub author_account_id: i64,
    pub author_name: String,
    /// When sent (drafts: when saved).
    pub sent_at: DateTime<Utc>,
    pub is_read: bool,
}

/// A recipient of a message with their name.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct MailRecipientRecord {
    pub message_id: i64,
    pub account_id: i64,
    pub kind: String,
    pub display_name: String,
    /// Surname, name and patronymic from the school's records.
    pub full_name: String,
}

/// An author as the school's records name them, one row per role (`role` is `None` for an
/// account without roles).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct AuthorRecord {
    pub account_id: i64,
    pub last_name: String,
    pub first_name: String,
    pub middle_name: String,
    pub display_name: String,
    pub organization_name: String,
    pub role: Option<String>,
}

pub use sgo_core::mail::{MailOrder, MailSearchField};

/// A folder listing request.
#[derive(Debug, Clone)]
pub struct MailQuery {
    /// Whose mailbox.
    pub account: AccountId,
    /// Folder code (`Inbox`, …).
    pub folder: String,
    /// A normalised (lower-case) piece to look for, and where.
    pub search: Option<(MailSearchField, String)>,
    /// Order.
    pub order: MailOrder,
    /// Ascending or not.
    pub ascending: bool,
    /// Rows to skip.
    pub offset: i64,
    /// Rows to return.
    pub limit: i64,
}

/// An e-mail waiting to be sent, with what the letter says.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct EmailDeliveryRecord {
    pub id: i64,
    pub message_id: i64,
    pub address: String,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub subject: String,
    pub body: String,
    pub is_html: bool,
    pub author_name: String,
    pub recipient_name: String,
    pub organization_name: String,
}

/// A letter of the paper print queue.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct PaperLetterRecord {
    pub id: i64,
    pub message_id: i64,
    pub class_id: Option<i64>,
    pub recipient_name: String,
    pub author_name: String,
    pub subject: String,
    pub body: String,
    pub is_html: bool,
    pub sent_at: DateTime<Utc>,
    pub status: String,
    pub organization_name: String,
}

/// A delivery's state, for checks and the sender's view.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
#[allow(missing_docs)]
pub struct DeliveryRecord {
    pub id: i64,
    pub message_id: i64,
    pub account_id: i64,
    pub channel: String,
    pub status: String,
    pub attempts: i32,
    pub last_error: String,
}

/// Internal mail: messages, each person's folders and read state, and delivery by e-mail or on paper. — storage operations.
#[async_trait]
pub trait MailStore: Send + Sync {
    /// Stores a message with its recipients, every mailbox entry and its deliveries, together.
    async fn create_message(&self, message: &NewMessage) -> StoreResult<i64>;
    /// Removes a draft of the author (the message and its entry); false when it is not one.
    async fn delete_draft(&self, author: AccountId, id: i64) -> StoreResult<bool>;
    /// A message.
    async fn message(&self, id: i64) -> StoreResult<Option<MessageRecord>>;
    /// The account's entry for a message, if they still have it.
    async fn mail_entry(&self, id: i64, account: AccountId)
    -> StoreResult<Option<MailEntryRecord>>;
    /// The recipients of several messages, by message then name.
    async fn message_recipients(&self, ids: &[i64]) -> StoreResult<Vec<MailRecipientRecord>>;
    /// A page of a folder.
    async fn mailbox(&self, query: &MailQuery) -> StoreResult<Vec<MailRowRecord>>;
    /// How many rows the folder query matches (paging ignored).
    async fn mailbox_count(&self, query: &MailQuery) -> StoreResult<i64>;
    /// The unread messages of the account's inbox, newest first.
    async fn unread_messages(&self, account: AccountId) -> StoreResult<Vec<i64>>;
    /// Marks the account's entries read or unread; returns how many changed.
    async fn set_read(&self, account: AccountId, ids: &[i64], read: bool) -> StoreResult<u64>;
    /// Moves the account's entries to Deleted.
    async fn move_to_deleted(&self, account: AccountId, ids: &[i64]) -> StoreResult<u64>;
    /// Returns the account's deleted entries to their folders.
    async fn restore_deleted(&self, account: AccountId, ids: &[i64]) -> StoreResult<u64>;
    /// Forgets the account's entries that are in Deleted (only there).
    async fn purge_deleted(&self, account: AccountId, ids: &[i64]) -> StoreResult<u64>;

    /// The names, roles and organizations of authors (of mail, announcements, answers), by
    /// account and role; unknown ids are left out.
    async fn authors(&self, ids: &[AccountId]) -> StoreResult<Vec<AuthorRecord>>;

    /// The active accounts of a school with the names and channels the directory needs.
    async fn mail_people(
        &self,
        organization_id: OrganizationId,
    ) -> StoreResult<Vec<MailPersonRecord>>;
    /// Teachers of the subject groups a student is in on a date.
    async fn teachers_of_student(
        &self,
        student: AccountId,
        on: NaiveDate,
    ) -> StoreResult<Vec<AccountId>>;
    /// Class teachers of a student's class on a date.
    async fn class_teachers_of_student(
        &self,
        student: AccountId,
        on: NaiveDate,
    ) -> StoreResult<Vec<AccountId>>;
    /// Students (and their parents) of the classes a teacher teaches or leads on a date.
    async fn families_taught_by(
        &self,
        teacher: AccountId,
        on: NaiveDate,
    ) -> StoreResult<Vec<AccountId>>;
    /// The other students of a student's class on a date.
    async fn classmates_of(&self, student: AccountId, on: NaiveDate)
    -> StoreResult<Vec<AccountId>>;
    /// The class a letter to this person goes through: their own class (a student) or their
    /// first child's class (a parent).
    async fn letter_class_of(&self, account: AccountId, on: NaiveDate) -> StoreResult<Option<i64>>;
    /// The classes a teacher leads on a date (any year running then).
    async fn classes_led_on(&self, teacher: AccountId, on: NaiveDate) -> StoreResult<Vec<i64>>;
    /// Whether the school lets students write to classmates.
    async fn students_write_classmates(&self, organization_id: OrganizationId)
    -> StoreResult<bool>;
    /// Sets whether the school lets students write to classmates.
    async fn set_students_write_classmates(
        &self,
        organization_id: OrganizationId,
        allowed: bool,
    ) -> StoreResult<()>;

    /// E-mails due at `now`, oldest first, at most `limit`.
    async fn due_email_deliveries(
        &self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<EmailDeliveryRecord>>;
    /// Takes a due delivery for one worker by pushing its next attempt to `lease_until`; false
    /// when another worker took it first.
    async fn claim_delivery(
        &self,
        id: i64,
        seen_next: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Records a delivery as done.
    async fn delivery_done(&self, id: i64, status: &str, at: DateTime<Utc>) -> StoreResult<()>;
    /// Records a failed attempt: its error, the attempt count, and when to try again (or
    /// `status = failed` when given up).
    async fn delivery_failed(
        &self,
        id: i64,
        attempts: i32,
        next_at: DateTime<Utc>,
        status: &str,
        error: &str,
    ) -> StoreResult<()>;
    /// The deliveries of a message.
    async fn deliveries_of(&self, message_id: i64) -> StoreResult<Vec<DeliveryRecord>>;
    /// Paper letters of a school with a status, optionally only those of some classes.
    async fn paper_letters(
        &self,
        organization_id: OrganizationId,
        status: &str,
        classes: Option<&[i64]>,
    ) -> StoreResult<Vec<PaperLetterRecord>>;
    /// Marks pending paper letters of the school printed; returns how many.
    async fn mark_letters_printed(
        &self,
        organization_id: OrganizationId,
        ids: &[i64],
        at: DateTime<Utc>,
    ) -> StoreResult<u64>;
}
