//! Who may do what: the only module that looks at an account's roles.
//!
//! An [`Actor`]'s roles are private to this module tree, so a role comparison anywhere else does
//! not compile. The rest of the house asks the functions here, and where a use case needs a right
//! it takes a capability value (e.g. [`SchoolAdministration`]) that only these functions create:
//! a use case without its check cannot be called.

mod api;
mod communication;
mod diary;
mod identity;
mod journal;
mod mail;
mod menu;
mod people;
mod report;
mod school;

pub use api::*;
pub use communication::*;
pub use diary::*;
pub use identity::*;
pub use journal::*;
pub use mail::*;
pub use menu::*;
pub use people::*;
pub use report::*;
pub use school::*;

use crate::{AccountId, OrganizationId, Role};

/// The subject of every use case: the signed-in account, its organization and roles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The signed-in account.
    pub account_id: AccountId,
    /// The organization the account belongs to.
    pub organization_id: OrganizationId,
    /// The account's roles in that organization: read only by this module.
    roles: Vec<Role>,
}

impl Actor {
    /// An actor as the session layer knows it.
    pub fn new(account_id: AccountId, organization_id: OrganizationId, roles: Vec<Role>) -> Actor {
        Actor {
            account_id,
            organization_id,
            roles,
        }
    }

    /// True when the actor holds the role. Private to the policy: nobody else compares roles.
    fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    fn has_any(&self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.has(*r))
    }

    /// Administrator or deputy head (of the actor's own organization).
    fn is_administration(&self) -> bool {
        self.has_any(&[Role::Administrator, Role::DeputyHead])
    }
}

/// Proof that the actor is a student, acting on their own behalf.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StudentSelf {
    account: AccountId,
    organization: OrganizationId,
}

impl StudentSelf {
    /// The student's account.
    pub fn account(&self) -> AccountId {
        self.account
    }
    /// The student's school.
    pub fn organization(&self) -> OrganizationId {
        self.organization
    }
}

/// The actor as a student, when they are one.
pub fn student_self(actor: &Actor) -> Option<StudentSelf> {
    actor.has(Role::Student).then_some(StudentSelf {
        account: actor.account_id,
        organization: actor.organization_id,
    })
}

/// Proof that the actor is a parent (their children come from the store's links).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Guardian {
    account: AccountId,
}

impl Guardian {
    /// The parent's account.
    pub fn account(&self) -> AccountId {
        self.account
    }
}

/// The actor as a parent, when they are one.
pub fn guardian(actor: &Actor) -> Option<Guardian> {
    actor.has(Role::Parent).then_some(Guardian {
        account: actor.account_id,
    })
}

/// Proof that the actor is a teacher of their school (their groups and classes come from the store).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TeacherIn {
    account: AccountId,
    organization: OrganizationId,
}

impl TeacherIn {
    /// The teacher's account.
    pub fn account(&self) -> AccountId {
        self.account
    }
    /// The teacher's school.
    pub fn organization(&self) -> OrganizationId {
        self.organization
    }
}

/// The actor as a teacher, when they are one.
pub fn teacher(actor: &Actor) -> Option<TeacherIn> {
    actor.has(Role::Teacher).then_some(TeacherIn {
        account: actor.account_id,
        organization: actor.organization_id,
    })
}

/// Where a person lands after signing in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Landing {
    /// Staff: the home page.
    Home,
    /// Students and parents: the diary.
    Diary,
}

impl Landing {
    /// The address of the landing page.
    pub fn path(self) -> &'static str {
        match self {
            Landing::Home => "/home",
            Landing::Diary => "/diary",
        }
    }
}

/// The landing page of the actor: administration and teaching staff start at home.
pub fn landing(actor: &Actor) -> Landing {
    if actor.has_any(&school::STAFF_ROLES) {
        Landing::Home
    } else {
        Landing::Diary
    }
}

/// The actor's roles as titles, for showing who is signed in.
pub fn role_titles(actor: &Actor) -> Vec<&'static str> {
    actor.roles.iter().map(|r| r.title()).collect()
}

/// The role names NetSchool's `mysettings` reports for the actor.
pub fn netschool_role_names(actor: &Actor) -> Vec<&'static str> {
    actor
        .roles
        .iter()
        .map(|r| crate::progress::netschool_role_name(*r))
        .collect()
}

#[cfg(test)]
pub(crate) fn actor(id: i64, org: i64, roles: &[Role]) -> Actor {
    Actor::new(AccountId::new(id), OrganizationId::new(org), roles.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facets_follow_roles() {
        let s = actor(1, 5, &[Role::Student]);
        assert_eq!(
            student_self(&s).map(|x| x.account()),
            Some(AccountId::new(1))
        );
        assert!(guardian(&s).is_none() && teacher(&s).is_none());
        let p = actor(2, 5, &[Role::Parent, Role::Teacher]);
        assert!(guardian(&p).is_some() && teacher(&p).is_some());
        assert_eq!(landing(&p), Landing::Home);
        assert_eq!(landing(&s), Landing::Diary);
    }
}
