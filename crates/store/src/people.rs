//! People: persons, accounts, roles, parent links, class membership, class teachers, one-time passwords.

use async_trait::async_trait;

/// People — storage operations.
#[async_trait]
pub trait PeopleStore: Send + Sync {}
