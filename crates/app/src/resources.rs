//! Educational resources and courses: materials and links a teacher publishes for subject groups and classes.

use sgo_core::Actor;

use crate::{App, AppResult};

impl App {
    /// Whether the actor may read a resource (and so download its files).
    pub(crate) async fn may_read_resource(&self, actor: &Actor, id: i64) -> AppResult<bool> {
        // Denies until the area is built; replaced by the area's real rule.
        let _ = (actor, id);
        Ok(false)
    }
}
