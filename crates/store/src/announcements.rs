//! Announcements to the school, to chosen roles or classes.

use async_trait::async_trait;

/// Announcements to the school, to chosen roles or classes. — storage operations.
#[async_trait]
pub trait AnnouncementStore: Send + Sync {}
