//! Who may do what: pure decisions, asked by the use cases in `sgo-app`.

use crate::{AccountId, Actor, Role};

/// Whether the actor may read the diary (lessons, homework, marks, attendance) of a student.
///
/// A student reads their own; a parent reads the children linked to them. Staff access to
/// diaries comes with the journal (a later capability) and is refused here.
pub fn may_read_diary(actor: &Actor, student: AccountId, children: &[AccountId]) -> bool {
    (actor.has(Role::Student) && actor.account_id == student)
        || (actor.has(Role::Parent) && children.contains(&student))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(id: AccountId, roles: &[Role]) -> Actor {
        Actor {
            account_id: id,
            organization_id: 1,
            roles: roles.to_vec(),
        }
    }

    #[test]
    fn students_read_only_their_own_diary() {
        let s = actor(10, &[Role::Student]);
        assert!(may_read_diary(&s, 10, &[]));
        assert!(!may_read_diary(&s, 11, &[]));
    }

    #[test]
    fn parents_read_only_their_children() {
        let p = actor(20, &[Role::Parent]);
        assert!(may_read_diary(&p, 10, &[10, 12]));
        assert!(!may_read_diary(&p, 11, &[10, 12]));
        assert!(!may_read_diary(&p, 20, &[10, 12]));
    }

    #[test]
    fn a_linked_child_does_not_open_diaries_to_a_teacher_role() {
        let t = actor(30, &[Role::Teacher]);
        assert!(!may_read_diary(&t, 10, &[10]));
    }
}
