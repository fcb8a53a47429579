//! The class journal: teachers' lessons, marks with their history, attendance, topics, homework, assignment types, period and year marks.

use async_trait::async_trait;

/// The class journal: teachers' lessons, marks with their history, attendance, topics, homework, assignment types, period and year marks. — storage operations.
#[async_trait]
pub trait JournalStore: Send + Sync {}
