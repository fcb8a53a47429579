//! The class journal: who keeps or reads a subject group's journal, who reads an assignment,
//! who configures the school's assignment types.

use super::Actor;
use crate::journal::{GroupTies, JournalAccess, journal_access};
use crate::{GroupId, OrganizationId, Role};

/// What the store found linking an account to a subject group (before roles are considered).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GroupRows {
    /// A row names the account one of the group's teachers.
    pub teaches: bool,
    /// A row names the account a substitute on one of its lessons (or the lesson asked about).
    pub substitutes: bool,
    /// A row names the account class teacher of the group's class.
    pub class_teacher: bool,
    /// A row names the account a student of the group.
    pub is_student: bool,
    /// A row names the account a parent of a student of the group.
    pub is_parent: bool,
}

/// The ties that count: rows count only together with the role they belong to, so that a
/// parent's account gains nothing from a teacher's rows and the other way round.
fn ties(actor: &Actor, organization: OrganizationId, rows: GroupRows) -> GroupTies {
    let in_school = actor.organization_id == organization;
    let teacher = actor.has(Role::Teacher) && in_school;
    GroupTies {
        school_admin: in_school && actor.is_administration(),
        teaches: teacher && rows.teaches,
        substitutes: teacher && rows.substitutes,
        class_teacher: teacher && rows.class_teacher,
    }
}

/// Proof of how far the actor may go in one group's journal (never `None` access).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupJournal {
    group: GroupId,
    access: JournalAccess,
}

impl GroupJournal {
    /// The subject group.
    pub fn group(&self) -> GroupId {
        self.group
    }
    /// Read or write.
    pub fn access(&self) -> JournalAccess {
        self.access
    }
    /// Whether the actor keeps the journal (marks, topics, attendance).
    pub fn writable(&self) -> bool {
        self.access == JournalAccess::Write
    }
}

/// The journal of a group is kept by its teachers and substitutes; the class teacher and the
/// school's administration may read it.
pub fn group_journal(
    actor: &Actor,
    group: GroupId,
    organization: OrganizationId,
    rows: GroupRows,
) -> Option<GroupJournal> {
    let access = journal_access(ties(actor, organization, rows));
    (access != JournalAccess::None).then_some(GroupJournal { group, access })
}

/// Whether the actor may read an assignment (and its files): anyone with access to the group's
/// journal, a student of the group, or a parent of such a student.
pub fn may_read_assignment(actor: &Actor, organization: OrganizationId, rows: GroupRows) -> bool {
    let is_student =
        actor.organization_id == organization && actor.has(Role::Student) && rows.is_student;
    let is_parent = actor.has(Role::Parent) && rows.is_parent;
    crate::journal::may_read_assignment(ties(actor, organization, rows), is_student, is_parent)
}

/// Whether the actor may set up the school's assignment types: the administration.
pub fn may_configure_assignment_types(actor: &Actor) -> bool {
    actor.is_administration()
}

/// Whether the actor may open any group's journal of their school from the journal's front page.
pub fn sees_every_journal(actor: &Actor) -> bool {
    actor.is_administration()
}

#[cfg(test)]
mod tests {
    use super::super::actor;
    use super::*;

    #[test]
    fn rows_count_only_with_their_role() {
        let rows = GroupRows {
            teaches: true,
            ..GroupRows::default()
        };
        let parent = actor(1, 5, &[Role::Parent]);
        assert!(group_journal(&parent, GroupId::new(9), OrganizationId::new(5), rows).is_none());
        let teacher = actor(1, 5, &[Role::Teacher]);
        assert!(
            group_journal(&teacher, GroupId::new(9), OrganizationId::new(5), rows)
                .unwrap()
                .writable()
        );
        let elsewhere = actor(1, 6, &[Role::Teacher]);
        assert!(group_journal(&elsewhere, GroupId::new(9), OrganizationId::new(5), rows).is_none());
        let admin = actor(2, 5, &[Role::DeputyHead]);
        let read = group_journal(
            &admin,
            GroupId::new(9),
            OrganizationId::new(5),
            GroupRows::default(),
        )
        .unwrap();
        assert_eq!(read.access(), JournalAccess::Read);
    }

    #[test]
    fn students_and_parents_read_assignments_of_their_groups() {
        let rows = GroupRows {
            is_student: true,
            is_parent: true,
            ..GroupRows::default()
        };
        assert!(may_read_assignment(
            &actor(1, 5, &[Role::Student]),
            OrganizationId::new(5),
            rows
        ));
        assert!(!may_read_assignment(
            &actor(1, 6, &[Role::Student]),
            OrganizationId::new(5),
            rows
        ));
        assert!(may_read_assignment(
            &actor(1, 6, &[Role::Parent]),
            OrganizationId::new(5),
            rows
        ));
        assert!(!may_read_assignment(
            &actor(1, 5, &[Role::Teacher]),
            OrganizationId::new(5),
            rows
        ));
    }
}
