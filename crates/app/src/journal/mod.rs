//! The class journal: a teacher's lessons, the grid of marks and attendance, topics, homework with files, assignment types, period and year marks, and the history of every mark.

mod grid;
mod lessons;
mod types;

use sgo_core::journal::{GroupTies, JournalAccess, journal_access};
use sgo_core::{Actor, Role};
use sgo_store::{GroupTiesRecord, JournalGroupRecord};

use crate::{App, AppError, AppResult};

pub use grid::{Grid, GridRow, MarkSaved};
pub use lessons::{AssignmentInput, JournalHome, LessonView};
pub use sgo_core::journal::JournalAccess as Access;
pub use sgo_core::journal::MARK_CODES;
pub use sgo_store::{
    AssignmentTypeFields, FinalMarkRecord, JournalAssignmentRecord, JournalAttendanceRecord,
    JournalGroupRecord as JournalGroup, JournalLessonRecord, JournalMarkRecord, MarkHistoryRecord,
    NamedRecord,
};
pub use types::AssignmentTypeInput;

/// Administration of the actor's own school (they may read any group's journal there).
fn school_admin(actor: &Actor, organization: i64) -> bool {
    actor.organization_id == organization
        && (actor.has(Role::Administrator) || actor.has(Role::DeputyHead))
}

fn ties(actor: &Actor, group: &JournalGroupRecord, found: GroupTiesRecord) -> GroupTies {
    // Only a teacher's account may act as a teacher, whatever rows link it to the group.
    let teacher = actor.has(Role::Teacher) && actor.organization_id == group.organization_id;
    GroupTies {
        school_admin: school_admin(actor, group.organization_id),
        teaches: teacher && found.teaches == 1,
        substitutes: teacher && found.substitutes == 1,
        class_teacher: teacher && found.class_teacher == 1,
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
        let missing = || AppError::NotFound("Класс/группа не найдены".into());
        let group = self
            .store
            .journal_group(group_id)
            .await?
            .ok_or_else(missing)?;
        let found = self
            .store
            .group_ties(group_id, actor.account_id, lesson)
            .await?;
        let access = journal_access(ties(actor, &group, found));
        if access == JournalAccess::None {
            return Err(missing());
        }
        Ok((group, access))
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

    /// Whether the actor may read an assignment (and so download its files): the group's
    /// teachers and the substitute of its lesson, the class teacher, the school's administration,
    /// the students of the group (subgroup respected) and their parents.
    pub(crate) async fn may_read_assignment(&self, actor: &Actor, id: i64) -> AppResult<bool> {
        let Some((group, _lesson, found)) =
            self.store.assignment_ties(id, actor.account_id).await?
        else {
            return Ok(false);
        };
        let in_school = actor.organization_id == group.organization_id;
        let is_student = in_school && actor.has(Role::Student) && found.is_student == 1;
        let is_parent = actor.has(Role::Parent) && found.is_parent == 1;
        Ok(sgo_core::journal::may_read_assignment(
            ties(actor, &group, found),
            is_student,
            is_parent,
        ))
    }
}
