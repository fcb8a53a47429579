//! Whose schools a report across schools may cover: a school's administration sees its own
//! school, a municipal education authority the schools it oversees, the regional authority and
//! the region administrator the whole region. Everyone else sees no school summaries.

use crate::{Actor, OrganizationId, OrganizationKind, Role};

/// The schools a report across schools covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportTerritory {
    /// One school, for its own administration.
    School(OrganizationId),
    /// The schools a municipal authority oversees (the authority's id).
    Municipal(OrganizationId),
    /// Every school of the region (the region's id).
    Regional(i64),
}

/// The territory the actor's organization answers for, if the actor may report on it.
/// `kind` and `region_id` are those of the actor's organization.
pub fn report_territory(
    actor: &Actor,
    kind: OrganizationKind,
    region_id: i64,
) -> Option<ReportTerritory> {
    let org = actor.organization_id;
    match kind {
        OrganizationKind::General
            if actor.has(Role::Administrator) || actor.has(Role::DeputyHead) =>
        {
            Some(ReportTerritory::School(org))
        }
        OrganizationKind::MunicipalAuthority
            if actor.has(Role::AuthorityOfficer) || actor.has(Role::Administrator) =>
        {
            Some(ReportTerritory::Municipal(org))
        }
        OrganizationKind::RegionalAuthority
            if actor.has(Role::AuthorityOfficer)
                || actor.has(Role::Administrator)
                || actor.has(Role::RegionAdministrator) =>
        {
            Some(ReportTerritory::Regional(region_id))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(org: OrganizationId, roles: &[Role]) -> Actor {
        Actor {
            account_id: 1,
            organization_id: org,
            roles: roles.to_vec(),
        }
    }

    #[test]
    fn each_organization_reports_on_its_own_reach() {
        use OrganizationKind::*;
        let school_admin = actor(10, &[Role::Administrator]);
        assert_eq!(
            report_territory(&school_admin, General, 1),
            Some(ReportTerritory::School(10))
        );
        let deputy = actor(10, &[Role::Teacher, Role::DeputyHead]);
        assert_eq!(
            report_territory(&deputy, General, 1),
            Some(ReportTerritory::School(10))
        );
        let officer = actor(20, &[Role::AuthorityOfficer]);
        assert_eq!(
            report_territory(&officer, MunicipalAuthority, 1),
            Some(ReportTerritory::Municipal(20))
        );
        assert_eq!(
            report_territory(&officer, RegionalAuthority, 7),
            Some(ReportTerritory::Regional(7))
        );
        let region_admin = actor(30, &[Role::RegionAdministrator]);
        assert_eq!(
            report_territory(&region_admin, RegionalAuthority, 7),
            Some(ReportTerritory::Regional(7))
        );
    }

    #[test]
    fn people_without_a_reach_get_none() {
        use OrganizationKind::*;
        for roles in [
            &[Role::Teacher][..],
            &[Role::Parent],
            &[Role::Student],
            &[Role::Staff],
        ] {
            assert_eq!(report_territory(&actor(10, roles), General, 1), None);
        }
        // An officer's role means nothing in a school, nor a school role in an authority.
        assert_eq!(
            report_territory(&actor(10, &[Role::AuthorityOfficer]), General, 1),
            None
        );
        assert_eq!(
            report_territory(&actor(20, &[Role::Teacher]), MunicipalAuthority, 1),
            None
        );
        assert_eq!(
            report_territory(
                &actor(30, &[Role::RegionAdministrator]),
                MunicipalAuthority,
                1
            ),
            None
        );
    }
}
