//! Reading a student's diary: lessons, homework, marks and attendance.

use super::Actor;
use crate::{AccountId, Role, StudentId};

/// Why the actor may read a diary (the audit wants the reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadReason {
    /// The student reads their own.
    OwnDiary,
    /// A parent reads their child's.
    Guardian,
}

/// Proof that the actor may read one student's diary. A reader for student 17 cannot read 18.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiaryReader {
    student: StudentId,
    by: AccountId,
    reason: ReadReason,
}

impl DiaryReader {
    /// The student whose diary may be read.
    pub fn student(&self) -> StudentId {
        self.student
    }
    /// Who reads.
    pub fn by(&self) -> AccountId {
        self.by
    }
    /// Why.
    pub fn reason(&self) -> ReadReason {
        self.reason
    }
}

/// A student reads their own diary; a parent reads the children linked to them. Staff access to
/// diaries comes with the journal and is refused here.
pub fn diary_reader(
    actor: &Actor,
    student: StudentId,
    children: &[StudentId],
) -> Option<DiaryReader> {
    let reason = if actor.has(Role::Student) && actor.account_id == student.account() {
        ReadReason::OwnDiary
    } else if actor.has(Role::Parent) && children.contains(&student) {
        ReadReason::Guardian
    } else {
        return None;
    };
    Some(DiaryReader {
        student,
        by: actor.account_id,
        reason,
    })
}

/// Whether the actor may read the diary of a student (see [`diary_reader`]).
pub fn may_read_diary(actor: &Actor, student: StudentId, children: &[StudentId]) -> bool {
    diary_reader(actor, student, children).is_some()
}

#[cfg(test)]
mod tests {
    use super::super::actor;
    use super::*;

    fn st(ids: &[i64]) -> Vec<StudentId> {
        ids.iter().map(|i| StudentId::new(*i)).collect()
    }

    #[test]
    fn students_read_only_their_own_diary() {
        let s = actor(10, 1, &[Role::Student]);
        assert_eq!(
            diary_reader(&s, StudentId::new(10), &st(&[])).map(|r| r.reason()),
            Some(ReadReason::OwnDiary)
        );
        assert!(!may_read_diary(&s, StudentId::new(11), &st(&[])));
    }

    #[test]
    fn parents_read_only_their_children() {
        let p = actor(20, 1, &[Role::Parent]);
        assert_eq!(
            diary_reader(&p, StudentId::new(10), &st(&[10, 12])).map(|r| r.student()),
            Some(StudentId::new(10))
        );
        assert!(!may_read_diary(&p, StudentId::new(11), &st(&[10, 12])));
        assert!(!may_read_diary(&p, StudentId::new(20), &st(&[10, 12])));
    }

    #[test]
    fn a_linked_child_does_not_open_diaries_to_a_teacher_role() {
        let t = actor(30, 1, &[Role::Teacher]);
        assert!(!may_read_diary(&t, StudentId::new(10), &st(&[10])));
    }
}
