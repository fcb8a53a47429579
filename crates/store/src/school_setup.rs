//! School set-up: years, periods, holidays, classes, subgroups, subjects, curriculum, bells, timetable, lesson changes.

use async_trait::async_trait;

/// School set-up — storage operations.
#[async_trait]
pub trait SchoolSetupStore: Send + Sync {}
