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

/// An account that would get a new one-time password, as the policy needs to see it.
#[derive(Debug, Clone, Copy)]
pub struct CredentialTarget<'a> {
    /// The account.
    pub account: AccountId,
    /// Every role the account holds, not only the one it was chosen by.
    pub roles: &'a [Role],
    /// Whether the account is a student of one of the actor's classes or such a student's parent.
    pub in_own_classes: bool,
}

/// Whether the actor may issue new one-time passwords to all of `targets` in `organization`.
pub fn may_reset_passwords(
    actor: &Actor,
    organization: OrganizationId,
    targets: &[CredentialTarget<'_>],
) -> bool {
    targets
        .iter()
        .all(|t| may_reset_password(actor, organization, t))
}

/// Whether the actor may issue a new one-time password to one account, decided by all of that
/// account's roles: whoever gets the sheet can sign in as the account, so the issuer must already
/// hold at least every right the account has.
///
/// A class teacher may only for accounts that are nothing but students or parents of their
/// classes; any staff role makes it the school administration's decision; an administrator's by
/// another administrator of the school or the region; a region administrator's by another one.
pub fn may_reset_password(
    actor: &Actor,
    organization: OrganizationId,
    target: &CredentialTarget<'_>,
) -> bool {
    let holds = |role: Role| target.roles.contains(&role);
    if holds(Role::RegionAdministrator) {
        return may_administer_region(actor) && actor.account_id != target.account;
    }
    if holds(Role::Administrator) {
        return may_administer_region(actor)
            || (actor.has(Role::Administrator)
                && actor.organization_id == organization
                && actor.account_id != target.account);
    }
    if may_administer_school(actor, organization) {
        return true;
    }
    let family_only = !target.roles.is_empty()
        && target
            .roles
            .iter()
            .all(|r| matches!(r, Role::Student | Role::Parent));
    family_only
        && target.in_own_classes
        && actor.has(Role::Teacher)
        && actor.organization_id == organization
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

    fn target(account: AccountId, roles: &[Role], in_own_classes: bool) -> CredentialTarget<'_> {
        CredentialTarget {
            account,
            roles,
            in_own_classes,
        }
    }

    #[test]
    fn class_teachers_reset_passwords_only_in_their_classes() {
        let t = in_org(5, &[Role::Teacher]);
        let parent = [Role::Parent];
        let student = [Role::Student];
        assert!(may_reset_passwords(&t, 5, &[target(2, &parent, true)]));
        assert!(may_reset_passwords(&t, 5, &[target(3, &student, true)]));
        assert!(!may_reset_passwords(&t, 5, &[target(2, &parent, false)]));
        assert!(!may_reset_passwords(&t, 6, &[target(2, &parent, true)]));
        assert!(!may_reset_passwords(
            &t,
            5,
            &[target(3, &student, true), target(2, &parent, false)]
        ));
        let admin = in_org(5, &[Role::Administrator]);
        assert!(may_reset_passwords(&admin, 5, &[target(2, &parent, false)]));
        let p = in_org(5, &[Role::Parent]);
        assert!(!may_reset_passwords(&p, 5, &[target(2, &parent, true)]));
    }

    #[test]
    fn every_role_of_the_target_counts() {
        let t = in_org(5, &[Role::Teacher]);
        for staff in [
            Role::Administrator,
            Role::DeputyHead,
            Role::Teacher,
            Role::Staff,
            Role::AuthorityOfficer,
            Role::RegionAdministrator,
        ] {
            let roles = [Role::Parent, staff];
            assert!(
                !may_reset_passwords(&t, 5, &[target(2, &roles, true)]),
                "{staff:?}"
            );
        }
        // An account with no known role is not "only a parent".
        assert!(!may_reset_passwords(&t, 5, &[target(2, &[], true)]));
    }

    #[test]
    fn staff_passwords_are_the_administrations() {
        let deputy = in_org(5, &[Role::DeputyHead]);
        let teacher = [Role::Teacher];
        assert!(may_reset_passwords(
            &deputy,
            5,
            &[target(2, &teacher, false)]
        ));
        assert!(!may_reset_passwords(
            &deputy,
            6,
            &[target(2, &teacher, false)]
        ));
        let staff = [Role::Staff, Role::Parent];
        assert!(may_reset_passwords(&deputy, 5, &[target(2, &staff, false)]));
    }

    #[test]
    fn an_administrators_password_is_for_another_administrator_or_the_region() {
        let director = [Role::Administrator, Role::Parent];
        let deputy = in_org(5, &[Role::DeputyHead]);
        assert!(!may_reset_passwords(
            &deputy,
            5,
            &[target(2, &director, false)]
        ));
        let other_admin = Actor {
            account_id: 9,
            organization_id: 5,
            roles: vec![Role::Administrator],
        };
        assert!(may_reset_passwords(
            &other_admin,
            5,
            &[target(2, &director, false)]
        ));
        assert!(!may_reset_passwords(
            &other_admin,
            5,
            &[target(9, &director, false)]
        ));
        let elsewhere = in_org(6, &[Role::Administrator]);
        assert!(!may_reset_passwords(
            &elsewhere,
            5,
            &[target(2, &director, false)]
        ));
        let region = in_org(1, &[Role::RegionAdministrator]);
        assert!(may_reset_passwords(
            &region,
            5,
            &[target(2, &director, false)]
        ));
        let region_admin = [Role::RegionAdministrator];
        assert!(!may_reset_passwords(
            &other_admin,
            5,
            &[target(3, &region_admin, false)]
        ));
        assert!(may_reset_passwords(
            &region,
            5,
            &[target(3, &region_admin, false)]
        ));
    }

    #[test]
    fn a_linked_child_does_not_open_diaries_to_a_teacher_role() {
        let t = actor(30, &[Role::Teacher]);
        assert!(!may_read_diary(&t, 10, &[10]));
    }
}

/// Whether a change of an account's roles must end its open sessions: it does when any role is
/// taken away (a session must not keep a right the account no longer has).
pub fn role_change_ends_sessions(old: &[Role], new: &[Role]) -> bool {
    old.iter().any(|r| !new.contains(r))
}
