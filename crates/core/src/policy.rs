//! Who may do what: pure decisions, asked by the use cases in `sgo-app`.

use crate::{AccountId, Actor, OrganizationId, Role};

/// Whether the actor may read the diary (lessons, homework, marks, attendance) of a student.
///
/// A student reads their own; a parent reads the children linked to them. Staff access to
/// diaries comes with the journal (a later capability) and is refused here.
pub fn may_read_diary(actor: &Actor, student: AccountId, children: &[AccountId]) -> bool {
    (actor.has(Role::Student) && actor.account_id == student)
        || (actor.has(Role::Parent) && children.contains(&student))
}

/// Whether the actor keeps the territory and the list of organizations of the portal.
pub fn may_administer_region(actor: &Actor) -> bool {
    actor.has(Role::RegionAdministrator)
}

/// Whether the actor may set up and run a school: its year, classes, curriculum, timetable and people.
///
/// The school's own administrator or deputy head may; the region administrator may act for any
/// organization of the portal (as in SGO, where the region sets up schools that cannot yet).
pub fn may_administer_school(actor: &Actor, organization: OrganizationId) -> bool {
    may_administer_region(actor)
        || ((actor.has(Role::Administrator) || actor.has(Role::DeputyHead))
            && actor.organization_id == organization)
}

/// Whether the actor may issue new one-time passwords to all of `targets`.
///
/// School administration may for anyone of its school; a class teacher only for the students of
/// their own classes and those students' parents (`in_own_classes` says whether every target is).
pub fn may_reset_passwords(
    actor: &Actor,
    organization: OrganizationId,
    in_own_classes: bool,
) -> bool {
    may_administer_school(actor, organization)
        || (actor.has(Role::Teacher) && actor.organization_id == organization && in_own_classes)
}

/// Whether the actor may read the change log of an organization.
pub fn may_read_change_log(actor: &Actor, organization: OrganizationId) -> bool {
    may_administer_school(actor, organization)
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

    fn in_org(org: OrganizationId, roles: &[Role]) -> Actor {
        Actor {
            account_id: 1,
            organization_id: org,
            roles: roles.to_vec(),
        }
    }

    #[test]
    fn school_administration_stays_in_its_school() {
        let admin = in_org(5, &[Role::Administrator]);
        assert!(may_administer_school(&admin, 5));
        assert!(!may_administer_school(&admin, 6));
        assert!(!may_administer_region(&admin));
        let deputy = in_org(5, &[Role::DeputyHead]);
        assert!(may_administer_school(&deputy, 5));
    }

    #[test]
    fn teachers_students_and_parents_do_not_administer() {
        for role in [Role::Teacher, Role::Student, Role::Parent, Role::Staff] {
            let a = in_org(5, &[role]);
            assert!(!may_administer_school(&a, 5), "{role:?}");
            assert!(!may_read_change_log(&a, 5), "{role:?}");
        }
    }

    #[test]
    fn the_region_administrator_acts_for_any_organization() {
        let r = in_org(1, &[Role::RegionAdministrator]);
        assert!(may_administer_region(&r));
        assert!(may_administer_school(&r, 77));
    }

    #[test]
    fn class_teachers_reset_passwords_only_in_their_classes() {
        let t = in_org(5, &[Role::Teacher]);
        assert!(may_reset_passwords(&t, 5, true));
        assert!(!may_reset_passwords(&t, 5, false));
        assert!(!may_reset_passwords(&t, 6, true));
        let admin = in_org(5, &[Role::Administrator]);
        assert!(may_reset_passwords(&admin, 5, false));
        let parent = in_org(5, &[Role::Parent]);
        assert!(!may_reset_passwords(&parent, 5, true));
    }

    #[test]
    fn a_linked_child_does_not_open_diaries_to_a_teacher_role() {
        let t = actor(30, &[Role::Teacher]);
        assert!(!may_read_diary(&t, 10, &[10]));
    }
}
