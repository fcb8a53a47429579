//! The class journal: a teacher's lessons, the grid of marks and attendance, topics, homework with files, assignment types, period and year marks, and the history of every mark.

mod grid;
mod lessons;
mod types;
mod views;

use sgo_core::journal::JournalAccess;
use sgo_core::policy::{self, GroupRows};
use sgo_core::{Actor, GroupId, OrganizationId};
use sgo_store::{GroupTiesRecord, JournalGroupRecord};

use crate::{App, AppError, AppResult, Origin};

pub use grid::{Grid, GridRow, MarkSaved};
pub use lessons::{AssignmentInput, JournalHome, LessonView};
pub use sgo_core::journal::JournalAccess as Access;
pub use sgo_core::journal::MARK_CODES;
pub use types::{AssignmentType, AssignmentTypeInput};
pub use views::{
    FinalMark, JournalAssignment, JournalAttendance, JournalGroup, JournalLesson, JournalMark,
    MarkChange,
};

/// What the store found, as the policy reads it.
fn rows(found: GroupTiesRecord) -> GroupRows {
    GroupRows {
        teaches: found.teaches == 1,
        substitutes: found.substitutes == 1,
        class_teacher: found.class_teacher == 1,
        is_student: found.is_student == 1,
        is_parent: found.is_parent == 1,
    }
}

impl App {
    /// A group and how far the actor may go in its journal; "not found" when not at all.
    /// `lesson` narrows a substitute's rights to that lesson.
    pub(crate) async fn journal_group_access(
        &self,
        actor: &Actor,
        group_id: i64,
        lesson: Option<i64>,
    ) -> AppResult<(JournalGroupRecord, JournalAccess)> {
        let missing = || AppError::NotFound(msg!("journal-group-not-found"));
        let group = self
            .store
            .journal_group(group_id)
            .await?
            .ok_or_else(missing)?;
        let found = self
            .store
            .group_ties(group_id, actor.account_id.get(), lesson)
            .await?;
        let journal = policy::group_journal(
            actor,
            GroupId::new(group.id),
            OrganizationId::new(group.organization_id),
            rows(found),
        )
        .ok_or_else(missing)?;
        Ok((group, journal.access()))
    }

    /// Like [`Self::journal_group_access`], but refuses anything short of keeping the journal.
    pub(crate) async fn journal_group_writable(
        &self,
        actor: &Actor,
        group_id: i64,
        lesson: Option<i64>,
    ) -> AppResult<JournalGroupRecord> {
        let (group, access) = self.journal_group_access(actor, group_id, lesson).await?;
        if access != JournalAccess::Write {
            return Err(AppError::Forbidden);
        }
        Ok(group)
    }

    /// The group and lesson of an assignment; not found when there is no such assignment.
    async fn assignment_place(&self, actor: &Actor, assignment: i64) -> AppResult<(i64, i64)> {
        let (group, lesson_id, _) = self
            .store
            .assignment_ties(assignment, actor.account_id.get())
            .await?
            .ok_or_else(|| AppError::NotFound(msg!("assignment-not-found")))?;
        Ok((group.id, lesson_id))
    }

    /// After a write to a group's journal: the caches follow the outbox, then the audit log.
    async fn journal_changed(
        &self,
        actor: &Actor,
        group: &JournalGroupRecord,
        origin: &Origin,
        action: &str,
        target: String,
        details: String,
    ) {
        self.catch_up().await;
        self.audit_change(
            actor,
            OrganizationId::new(group.organization_id),
            origin,
            action,
            target,
            details,
        )
        .await;
    }

    /// Whether the actor may read an assignment (and so download its files): the group's
    /// teachers and the substitute of its lesson, the class teacher, the school's administration,
    /// the students of the group (subgroup respected) and their parents.
    pub(crate) async fn may_read_assignment(&self, actor: &Actor, id: i64) -> AppResult<bool> {
        let Some((group, _lesson, found)) = self
            .store
            .assignment_ties(id, actor.account_id.get())
            .await?
        else {
            return Ok(false);
        };
        Ok(policy::may_read_assignment(
            actor,
            OrganizationId::new(group.organization_id),
            rows(found),
        ))
    }
}
