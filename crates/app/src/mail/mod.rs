//! Internal mail: the recipient directory by SGO's rules, folders, read state, reply and forward, attachments, search, and delivery by each person's preferred channel.

mod compose;
mod delivery;
mod directory;
mod folders;
mod print_queue;

pub use compose::{Compose, DraftReply, ReplyKind};
pub use delivery::DeliveryWorker;
pub(crate) use delivery::transport;
pub use directory::Contact;
pub use folders::{MailMove, MailPage, MailRow, MessageView, Person};
pub use sgo_core::mail::{Folder, RecipientGroup};
pub use sgo_core::mail::{MailOrder, MailSearchField};
pub use sgo_store::PaperLetterRecord;

use sgo_core::Actor;

use crate::{App, AppResult};

impl App {
    /// Whether the actor may read a mail message (and so download its files): its author or a
    /// recipient who still has it in a folder.
    pub(crate) async fn may_read_message(&self, actor: &Actor, id: i64) -> AppResult<bool> {
        Ok(self
            .store
            .mail_entry(id, actor.account_id.get())
            .await?
            .is_some())
    }
}
