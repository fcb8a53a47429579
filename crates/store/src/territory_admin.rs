//! Region administration: municipalities, settlements and organizations of every kind.

use async_trait::async_trait;

/// Region administration — storage operations.
#[async_trait]
pub trait TerritoryAdminStore: Send + Sync {}
