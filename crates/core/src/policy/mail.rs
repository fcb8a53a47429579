//! Internal mail: whom a writer may write to, and who handles the paper letters.

use super::Actor;
use crate::Role;
use crate::mail::{RecipientGroup, Relation};

/// Whether the actor is school administration (they may write to everyone).
pub fn is_administration(actor: &Actor) -> bool {
    actor.is_administration()
}

/// The directory group in which the writer sees the recipient, or `None` when the writer may
/// not write to them. Students and parents write to their teachers, class teachers and the
/// administration (students to classmates only when the school allows it); teachers write to
/// the families of their classes, colleagues and the administration; the administration
/// writes to everyone in the school.
pub fn recipient_group(
    writer: &Actor,
    recipient: &Relation,
    classmates_allowed: bool,
) -> Option<RecipientGroup> {
    let r = &recipient.roles;
    let has = |role: Role| r.contains(&role);
    let staff_group = || {
        if has(Role::Administrator) {
            Some(RecipientGroup::Administration)
        } else if has(Role::DeputyHead) {
            Some(RecipientGroup::DeputyHeads)
        } else {
            None
        }
    };
    if let Some(group) = staff_group() {
        // Everyone in the school may write to the administration.
        return Some(group);
    }
    let writer_is = |role: Role| writer.has(role);
    let writer_admin = writer.is_administration();
    let writer_teacher = writer_is(Role::Teacher) || writer_is(Role::Staff);
    if writer_admin || writer_teacher {
        if has(Role::Teacher) || has(Role::Staff) {
            return Some(if recipient.class_teacher_of_writer {
                RecipientGroup::ClassTeachers
            } else {
                RecipientGroup::Teachers
            });
        }
        let family = writer_admin || recipient.family_of_writers_class;
        if family && has(Role::Student) {
            return Some(RecipientGroup::Students);
        }
        if family && has(Role::Parent) {
            return Some(RecipientGroup::Parents);
        }
    }
    if writer_is(Role::Student) || writer_is(Role::Parent) {
        if recipient.class_teacher_of_writer {
            return Some(RecipientGroup::ClassTeachers);
        }
        if recipient.teaches_writer {
            return Some(RecipientGroup::Teachers);
        }
        if writer_is(Role::Student)
            && classmates_allowed
            && recipient.classmate
            && has(Role::Student)
        {
            return Some(RecipientGroup::Classmates);
        }
    }
    None
}

/// Whether the actor may write to anyone of their school's staff and families alike: the
/// administration, or a teacher or other staff member (for their classes' families).
pub fn mail_staff_writer(actor: &Actor) -> bool {
    actor.has_any(&[Role::Teacher, Role::Staff])
}

/// Whether the actor may change whether students write to classmates: the administration.
pub fn may_set_mail_rules(actor: &Actor) -> bool {
    actor.is_administration()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(role: Role) -> Actor {
        super::super::actor(1, 1, &[role])
    }

    fn rel(roles: &[Role]) -> Relation {
        Relation {
            roles: roles.to_vec(),
            ..Relation::default()
        }
    }

    #[test]
    fn everyone_may_write_to_administration() {
        for writer in [Role::Student, Role::Parent, Role::Teacher] {
            assert_eq!(
                recipient_group(&w(writer), &rel(&[Role::Administrator]), false),
                Some(RecipientGroup::Administration)
            );
            assert_eq!(
                recipient_group(&w(writer), &rel(&[Role::DeputyHead, Role::Teacher]), false),
                Some(RecipientGroup::DeputyHeads)
            );
        }
    }

    #[test]
    fn parents_write_only_to_their_teachers() {
        let stranger = rel(&[Role::Teacher]);
        assert_eq!(recipient_group(&w(Role::Parent), &stranger, false), None);
        let mine = Relation {
            teaches_writer: true,
            ..rel(&[Role::Teacher])
        };
        assert_eq!(
            recipient_group(&w(Role::Parent), &mine, false),
            Some(RecipientGroup::Teachers)
        );
        let class_teacher = Relation {
            class_teacher_of_writer: true,
            ..rel(&[Role::Teacher])
        };
        assert_eq!(
            recipient_group(&w(Role::Student), &class_teacher, false),
            Some(RecipientGroup::ClassTeachers)
        );
        // Another family, even of the same class, is not reachable for a parent.
        let family = Relation {
            family_of_writers_class: true,
            classmate: true,
            ..rel(&[Role::Parent])
        };
        assert_eq!(recipient_group(&w(Role::Parent), &family, true), None);
    }

    #[test]
    fn classmates_only_when_the_school_allows() {
        let mate = Relation {
            classmate: true,
            ..rel(&[Role::Student])
        };
        assert_eq!(recipient_group(&w(Role::Student), &mate, false), None);
        assert_eq!(
            recipient_group(&w(Role::Student), &mate, true),
            Some(RecipientGroup::Classmates)
        );
        assert_eq!(
            recipient_group(&w(Role::Student), &rel(&[Role::Student]), true),
            None
        );
    }

    #[test]
    fn teachers_write_to_their_families_and_colleagues() {
        let family = Relation {
            family_of_writers_class: true,
            ..rel(&[Role::Parent])
        };
        assert_eq!(
            recipient_group(&w(Role::Teacher), &family, false),
            Some(RecipientGroup::Parents)
        );
        assert_eq!(
            recipient_group(&w(Role::Teacher), &rel(&[Role::Parent]), false),
            None
        );
        assert_eq!(
            recipient_group(&w(Role::Teacher), &rel(&[Role::Student]), false),
            None
        );
        assert_eq!(
            recipient_group(&w(Role::Teacher), &rel(&[Role::Teacher]), false),
            Some(RecipientGroup::Teachers)
        );
    }

    #[test]
    fn administration_writes_to_everyone() {
        for roles in [[Role::Student], [Role::Parent], [Role::Teacher]] {
            assert!(recipient_group(&w(Role::Administrator), &rel(&roles), false).is_some());
        }
    }
}
