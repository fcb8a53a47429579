//! People of a school: who sees the list, who edits whom, and what a person does for themself.

use super::Actor;
use crate::{AccountId, OrganizationId, Role};

/// How far the actor sees the people of a school.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeopleView {
    /// The administration (or the region for the school): everyone, with editing.
    Administration,
    /// A teacher of the school: the classes they lead.
    ClassTeacher,
}

/// What the actor may see of the people of `organization`, if anything.
pub fn people_view(actor: &Actor, organization: OrganizationId) -> Option<PeopleView> {
    if super::may_administer_school(actor, organization) {
        Some(PeopleView::Administration)
    } else if actor.has(Role::Teacher) && actor.organization_id == organization {
        Some(PeopleView::ClassTeacher)
    } else {
        None
    }
}

/// Whether an edit of one's own roles would take away one's own administration: refused, so that
/// a school never loses its last way in by a slip of the hand.
pub fn drops_own_administration(old_roles: &[Role], new_roles: &[Role]) -> bool {
    let admin = |rs: &[Role]| rs.contains(&Role::Administrator) || rs.contains(&Role::DeputyHead);
    admin(old_roles) && !admin(new_roles)
}

/// Whether a change of an account's roles must end its open sessions: it does when any role is
/// taken away (a session must not keep a right the account no longer has).
pub fn role_change_ends_sessions(old: &[Role], new: &[Role]) -> bool {
    old.iter().any(|r| !new.contains(r))
}

/// Whether the actor may change the personal settings and password of `account`: only their own
/// (the school changes names and logins; resetting someone's password is a separate permission).
pub fn may_edit_own_settings(actor: &Actor, account: AccountId) -> bool {
    actor.account_id == account
}

/// Whether `actor` may see and end a session owned by `owner`: only their own.
pub fn may_end_session(actor: &Actor, owner: AccountId) -> bool {
    actor.account_id == owner
}

/// Whether the actor may see another account's photo: people of the same school see each other
/// (classmates, teachers, parents), nobody sees into another school.
pub fn may_see_user(actor: &Actor, user_organization: OrganizationId) -> bool {
    actor.organization_id == user_organization
}

#[cfg(test)]
mod tests {
    use super::super::actor;
    use super::*;

    #[test]
    fn the_list_is_for_administration_and_teachers_of_the_school() {
        let admin = actor(1, 5, &[Role::Administrator]);
        assert_eq!(
            people_view(&admin, OrganizationId::new(5)),
            Some(PeopleView::Administration)
        );
        let teacher = actor(2, 5, &[Role::Teacher]);
        assert_eq!(
            people_view(&teacher, OrganizationId::new(5)),
            Some(PeopleView::ClassTeacher)
        );
        assert_eq!(people_view(&teacher, OrganizationId::new(6)), None);
        assert_eq!(
            people_view(&actor(3, 5, &[Role::Parent]), OrganizationId::new(5)),
            None
        );
    }

    #[test]
    fn nobody_demotes_themself_out_of_administration() {
        let admin = [Role::Administrator];
        assert!(drops_own_administration(&admin, &[Role::Teacher]));
        assert!(!drops_own_administration(&admin, &[Role::DeputyHead]));
        assert!(!drops_own_administration(&[Role::Teacher], &[]));
    }

    #[test]
    fn a_removed_role_ends_sessions_an_added_one_does_not() {
        assert!(role_change_ends_sessions(
            &[Role::Teacher, Role::Parent],
            &[Role::Parent]
        ));
        assert!(!role_change_ends_sessions(
            &[Role::Parent],
            &[Role::Parent, Role::Teacher]
        ));
    }

    #[test]
    fn own_settings_and_sessions_only() {
        let me = actor(5, 1, &[Role::Teacher]);
        assert!(may_edit_own_settings(&me, AccountId::new(5)));
        assert!(!may_edit_own_settings(&me, AccountId::new(6)));
        assert!(may_end_session(&me, AccountId::new(5)));
        assert!(!may_end_session(&me, AccountId::new(6)));
        assert!(may_see_user(&me, OrganizationId::new(1)));
        assert!(!may_see_user(&me, OrganizationId::new(2)));
    }
}
