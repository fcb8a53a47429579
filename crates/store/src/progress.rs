//! What students and parents read beyond the week: marks by subject and period, period and year marks, the assignment card, bell times.

use async_trait::async_trait;

/// What students and parents read beyond the week: marks by subject and period, period and year marks, the assignment card, bell times. — storage operations.
#[async_trait]
pub trait ProgressStore: Send + Sync {}
