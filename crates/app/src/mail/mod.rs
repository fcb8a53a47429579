//! Internal mail: the recipient directory by SGO's rules, folders, read state, reply and forward, attachments, search, and delivery by each person's preferred channel.

use sgo_core::Actor;

use crate::{App, AppResult};

impl App {
    /// Whether the actor may read a mail message (and so download its files).
    pub(crate) async fn may_read_message(&self, actor: &Actor, id: i64) -> AppResult<bool> {
        // Denies until the area is built; replaced by the area's real rule.
        let _ = (actor, id);
        Ok(false)
    }
}
