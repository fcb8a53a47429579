//! Imports of students, parents and staff: staged files and their all-or-nothing application.

use async_trait::async_trait;

/// Imports of students, parents and staff — storage operations.
#[async_trait]
pub trait ImportStore: Send + Sync {}
