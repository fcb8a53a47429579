//! Personal settings of an account, password changes, and reading the change log.

use async_trait::async_trait;

/// Personal settings of an account, password changes, and reading the change log. — storage operations.
#[async_trait]
pub trait SettingsStore: Send + Sync {}
