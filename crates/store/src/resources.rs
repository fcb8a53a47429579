//! Educational resources and courses published for subject groups and classes.

use async_trait::async_trait;

/// Educational resources and courses published for subject groups and classes. — storage operations.
#[async_trait]
pub trait ResourceStore: Send + Sync {}
