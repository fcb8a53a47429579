//! Administration of the region and of a school, credential sheets and the audit log.

use super::Actor;
use crate::{AccountId, OrganizationId, Role};

/// Proof that the actor keeps the territory and the organizations of the portal. It holds the
/// actor because the region's use cases write the audit log in their name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionAdministration {
    actor: Actor,
}

impl RegionAdministration {
    /// Who acts, as the audit log records them.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }
    /// Who acts.
    pub fn by(&self) -> AccountId {
        self.actor.account_id
    }
    /// The administrator's own organization (the regional ministry).
    pub fn organization(&self) -> OrganizationId {
        self.actor.organization_id
    }
}

/// The actor as region administrator, when they are one.
pub fn region_administration(actor: &Actor) -> Option<RegionAdministration> {
    actor
        .has(Role::RegionAdministrator)
        .then(|| RegionAdministration {
            actor: actor.clone(),
        })
}

/// Proof that the actor may set up and run school `organization`: its year, classes,
/// curriculum, timetable and people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchoolAdministration {
    organization: OrganizationId,
    by: AccountId,
    region: bool,
}

impl SchoolAdministration {
    /// The school administered.
    pub fn organization(&self) -> OrganizationId {
        self.organization
    }
    /// Who acts.
    pub fn by(&self) -> AccountId {
        self.by
    }
    /// Whether the right comes from the region (acting for a school), not from the school itself.
    pub fn from_region(&self) -> bool {
        self.region
    }
}

/// The school's own administrator or deputy head may; the region administrator may act for any
/// organization of the portal (as in SGO, where the region sets up schools that cannot yet).
pub fn school_administration(
    actor: &Actor,
    organization: OrganizationId,
) -> Option<SchoolAdministration> {
    let own = actor.is_administration() && actor.organization_id == organization;
    let region = actor.has(Role::RegionAdministrator);
    (own || region).then_some(SchoolAdministration {
        organization,
        by: actor.account_id,
        region: !own,
    })
}

/// Proof that the actor administers at least one school: their own (administrator, deputy
/// head) or, for the region administrator, any school of the portal. Set-up use cases take it
/// and ask it for the one school they touch ([`SchoolAdministrator::school`]), which is known
/// only once the class, year or person is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchoolAdministrator {
    actor: Actor,
}

impl SchoolAdministrator {
    /// Who acts.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }
    /// The right over one school, when this administrator has it.
    pub fn school(&self, organization: OrganizationId) -> Option<SchoolAdministration> {
        school_administration(&self.actor, organization)
    }
    /// The school the actor belongs to (the one a page shows unless another is chosen).
    pub fn home(&self) -> OrganizationId {
        self.actor.organization_id
    }
}

/// The actor as an administrator of some school, when they are one.
pub fn school_administrator(actor: &Actor) -> Option<SchoolAdministrator> {
    (actor.is_administration() || actor.has(Role::RegionAdministrator)).then(|| {
        SchoolAdministrator {
            actor: actor.clone(),
        }
    })
}

/// Whether the actor keeps the territory and the list of organizations of the portal.
pub fn may_administer_region(actor: &Actor) -> bool {
    region_administration(actor).is_some()
}

/// Whether the actor may set up and run a school (see [`school_administration`]).
pub fn may_administer_school(actor: &Actor, organization: OrganizationId) -> bool {
    school_administration(actor, organization).is_some()
}

/// Whether the actor may read the audit log of an organization.
pub fn may_read_audit_log(actor: &Actor, organization: OrganizationId) -> bool {
    may_administer_school(actor, organization)
}

/// What the policy must know of an account whose credentials someone wants to issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialTarget {
    /// The account.
    pub account: AccountId,
    /// Its organization.
    pub organization: OrganizationId,
    /// Every role the account holds.
    pub roles: Vec<Role>,
    /// It is a student of a class the actor leads, or a parent of such a student.
    pub in_own_classes: bool,
}

/// Proof that the actor may issue new one-time passwords to exactly these accounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialIssuer {
    by: AccountId,
    organization: OrganizationId,
    accounts: Vec<AccountId>,
}

impl CredentialIssuer {
    /// Who issues.
    pub fn by(&self) -> AccountId {
        self.by
    }
    /// The organization of the accounts.
    pub fn organization(&self) -> OrganizationId {
        self.organization
    }
    /// The accounts the proof covers.
    pub fn accounts(&self) -> &[AccountId] {
        &self.accounts
    }
}

/// The staff of schools and authorities, as opposed to students and parents.
pub(super) const STAFF_ROLES: [Role; 6] = [
    Role::Administrator,
    Role::DeputyHead,
    Role::Teacher,
    Role::Staff,
    Role::AuthorityOfficer,
    Role::RegionAdministrator,
];

/// Whether the actor may issue a credential sheet for one account. Decided by all of the
/// target's roles, so that a parent who is also the school's administrator cannot be taken
/// over by their child's class teacher:
/// * the region administrator may for anyone but themself;
/// * the school's administration for anyone of the school, except that an administrator's
///   credentials are issued only by another administrator (not a deputy head);
/// * a class teacher only for accounts that are nothing but students or parents of their classes.
fn may_issue_for(actor: &Actor, target: &CredentialTarget) -> bool {
    if target.account == actor.account_id {
        return false;
    }
    let target_has = |r: Role| target.roles.contains(&r);
    if actor.has(Role::RegionAdministrator) {
        return true;
    }
    // A region administrator's account is only the region's to reset.
    if target_has(Role::RegionAdministrator) {
        return false;
    }
    if actor.organization_id != target.organization {
        return false;
    }
    if actor.is_administration() {
        return !target_has(Role::Administrator) || actor.has(Role::Administrator);
    }
    let family_only = !target.roles.is_empty()
        && target
            .roles
            .iter()
            .all(|r| matches!(r, Role::Student | Role::Parent));
    actor.has(Role::Teacher)
        && family_only
        && target.in_own_classes
        && !STAFF_ROLES.iter().any(|r| target_has(*r))
}

/// Proof that the actor may issue new one-time passwords to all of `targets` (none refused).
pub fn credential_issuer(
    actor: &Actor,
    organization: OrganizationId,
    targets: &[CredentialTarget],
) -> Option<CredentialIssuer> {
    let all = !targets.is_empty()
        && targets
            .iter()
            .all(|t| t.organization == organization && may_issue_for(actor, t));
    all.then(|| CredentialIssuer {
        by: actor.account_id,
        organization,
        accounts: targets.iter().map(|t| t.account).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::super::actor;
    use super::*;

    #[test]
    fn school_administration_stays_in_its_school() {
        let admin = actor(1, 5, &[Role::Administrator]);
        assert!(may_administer_school(&admin, OrganizationId::new(5)));
        assert!(!may_administer_school(&admin, OrganizationId::new(6)));
        assert!(!may_administer_region(&admin));
        let deputy = actor(1, 5, &[Role::DeputyHead]);
        assert_eq!(
            school_administration(&deputy, OrganizationId::new(5)).map(|c| c.organization()),
            Some(OrganizationId::new(5))
        );
    }

    #[test]
    fn a_school_administrator_reaches_only_the_schools_of_their_right() {
        let admin = school_administrator(&actor(1, 5, &[Role::Administrator])).unwrap();
        assert_eq!(
            admin
                .school(OrganizationId::new(5))
                .map(|c| c.organization()),
            Some(OrganizationId::new(5))
        );
        assert_eq!(admin.school(OrganizationId::new(6)), None);
        assert_eq!(admin.home(), OrganizationId::new(5));
        let region = school_administrator(&actor(2, 1, &[Role::RegionAdministrator])).unwrap();
        assert!(region.school(OrganizationId::new(6)).unwrap().from_region());
        for role in [Role::Teacher, Role::Student, Role::Parent, Role::Staff] {
            assert_eq!(
                school_administrator(&actor(3, 5, &[role])),
                None,
                "{role:?}"
            );
        }
    }

    #[test]
    fn teachers_students_and_parents_do_not_administer() {
        for role in [Role::Teacher, Role::Student, Role::Parent, Role::Staff] {
            let a = actor(1, 5, &[role]);
            assert!(
                !may_administer_school(&a, OrganizationId::new(5)),
                "{role:?}"
            );
            assert!(!may_read_audit_log(&a, OrganizationId::new(5)), "{role:?}");
        }
    }

    #[test]
    fn the_region_administrator_acts_for_any_organization() {
        let r = actor(1, 1, &[Role::RegionAdministrator]);
        assert!(may_administer_region(&r));
        let cap = school_administration(&r, OrganizationId::new(77)).unwrap();
        assert!(cap.from_region());
    }

    fn target(account: i64, roles: &[Role], in_own_classes: bool) -> CredentialTarget {
        CredentialTarget {
            account: AccountId::new(account),
            organization: OrganizationId::new(5),
            roles: roles.to_vec(),
            in_own_classes,
        }
    }

    #[test]
    fn class_teachers_issue_only_for_families_of_their_classes() {
        let t = actor(1, 5, &[Role::Teacher]);
        let parent = target(10, &[Role::Parent], true);
        let student = target(11, &[Role::Student], true);
        assert!(
            credential_issuer(&t, OrganizationId::new(5), &[parent.clone(), student]).is_some()
        );
        assert!(
            credential_issuer(
                &t,
                OrganizationId::new(5),
                &[target(12, &[Role::Parent], false)]
            )
            .is_none()
        );
        assert!(
            credential_issuer(
                &actor(1, 6, &[Role::Teacher]),
                OrganizationId::new(5),
                &[parent]
            )
            .is_none()
        );
    }

    #[test]
    fn a_parent_with_a_staff_role_is_not_the_class_teachers_to_issue() {
        let t = actor(1, 5, &[Role::Teacher]);
        for staff in [
            Role::Administrator,
            Role::DeputyHead,
            Role::Teacher,
            Role::Staff,
        ] {
            let p = target(10, &[Role::Parent, staff], true);
            assert!(
                credential_issuer(&t, OrganizationId::new(5), &[p]).is_none(),
                "{staff:?}"
            );
        }
    }

    #[test]
    fn administrators_are_issued_only_by_administrators_or_the_region() {
        let admin = target(10, &[Role::Administrator, Role::Parent], false);
        let deputy = actor(2, 5, &[Role::DeputyHead]);
        assert!(
            credential_issuer(
                &deputy,
                OrganizationId::new(5),
                std::slice::from_ref(&admin)
            )
            .is_none()
        );
        let other_admin = actor(3, 5, &[Role::Administrator]);
        assert!(
            credential_issuer(
                &other_admin,
                OrganizationId::new(5),
                std::slice::from_ref(&admin)
            )
            .is_some()
        );
        let region = actor(4, 1, &[Role::RegionAdministrator]);
        assert!(
            credential_issuer(
                &region,
                OrganizationId::new(5),
                std::slice::from_ref(&admin)
            )
            .is_some()
        );
        let himself = actor(10, 5, &[Role::Administrator]);
        assert!(credential_issuer(&himself, OrganizationId::new(5), &[admin]).is_none());
        assert!(
            credential_issuer(
                &deputy,
                OrganizationId::new(5),
                &[target(11, &[Role::Teacher], false)]
            )
            .is_some()
        );
    }

    #[test]
    fn an_empty_or_mixed_list_is_refused_whole() {
        let t = actor(1, 5, &[Role::Teacher]);
        assert!(credential_issuer(&t, OrganizationId::new(5), &[]).is_none());
        let ok = target(10, &[Role::Parent], true);
        let bad = target(11, &[Role::Parent], false);
        assert!(credential_issuer(&t, OrganizationId::new(5), &[ok, bad]).is_none());
    }
}
