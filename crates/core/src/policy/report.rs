//! Reports: on a class, on a student, and across the schools of a territory.

use super::Actor;
use crate::report::StudentTies;
use crate::report_territory::ReportTerritory;
use crate::{OrganizationId, OrganizationKind, RegionId, Role};

/// Who may build a report on a whole class: the administration of its school and its class
/// teacher. Subject teachers see their groups in the journal, not the other subjects' marks.
pub fn may_report_on_class(
    actor: &Actor,
    class_organization: OrganizationId,
    leads_class: bool,
) -> bool {
    actor.organization_id == class_organization
        && (actor.has(Role::Administrator)
            || actor.has(Role::DeputyHead)
            || (actor.has(Role::Teacher) && leads_class))
}

/// Who may build a report on one student: the student, their parents, a teacher of the groups
/// the report covers or of the student's class, and the administration of the student's school.
/// Ties count only together with the role they belong to, so a parent who also teaches gains
/// nothing from a student account's ties and the other way round.
pub fn may_report_on_student(
    actor: &Actor,
    student_organization: OrganizationId,
    ties: StudentTies,
) -> bool {
    let own_school = actor.organization_id == student_organization;
    (actor.has(Role::Student) && ties.is_self)
        || (actor.has(Role::Parent) && ties.is_parent)
        || (own_school
            && (actor.has(Role::Administrator)
                || actor.has(Role::DeputyHead)
                || (actor.has(Role::Teacher) && (ties.teaches || ties.leads_class))))
}

/// The territory the actor's organization answers for, if the actor may report on it.
/// `kind` and `region_id` are those of the actor's organization.
pub fn report_territory(
    actor: &Actor,
    kind: OrganizationKind,
    region_id: RegionId,
) -> Option<ReportTerritory> {
    let org = actor.organization_id;
    match kind {
        OrganizationKind::General if actor.is_administration() => {
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

    fn actor(roles: &[Role], organization_id: i64) -> Actor {
        super::super::actor(7, organization_id, roles)
    }

    fn tactor(org: i64, roles: &[Role]) -> Actor {
        super::super::actor(1, org, roles)
    }

    #[test]
    fn class_reports_are_for_the_administration_and_the_class_teacher() {
        assert!(may_report_on_class(
            &actor(&[Role::Administrator], 1),
            OrganizationId::new(1),
            false
        ));
        assert!(may_report_on_class(
            &actor(&[Role::DeputyHead], 1),
            OrganizationId::new(1),
            false
        ));
        assert!(!may_report_on_class(
            &actor(&[Role::Administrator], 2),
            OrganizationId::new(1),
            false
        ));
        assert!(may_report_on_class(
            &actor(&[Role::Teacher], 1),
            OrganizationId::new(1),
            true
        ));
        assert!(!may_report_on_class(
            &actor(&[Role::Teacher], 1),
            OrganizationId::new(1),
            false
        ));
        assert!(!may_report_on_class(
            &actor(&[Role::Teacher], 2),
            OrganizationId::new(1),
            true
        ));
        // Leading a class is a teacher's tie: a parent's or student's account gains nothing from it.
        assert!(!may_report_on_class(
            &actor(&[Role::Parent, Role::Student], 1),
            OrganizationId::new(1),
            true
        ));
    }

    #[test]
    fn student_reports_follow_the_ties_to_the_student() {
        let none = StudentTies::default();
        let me = StudentTies {
            is_self: true,
            ..none
        };
        let child = StudentTies {
            is_parent: true,
            ..none
        };
        let taught = StudentTies {
            teaches: true,
            ..none
        };
        let led = StudentTies {
            leads_class: true,
            ..none
        };
        assert!(may_report_on_student(
            &actor(&[Role::Student], 1),
            OrganizationId::new(1),
            me
        ));
        assert!(!may_report_on_student(
            &actor(&[Role::Student], 1),
            OrganizationId::new(1),
            none
        ));
        assert!(may_report_on_student(
            &actor(&[Role::Parent], 2),
            OrganizationId::new(1),
            child
        ));
        assert!(!may_report_on_student(
            &actor(&[Role::Parent], 1),
            OrganizationId::new(1),
            none
        ));
        assert!(may_report_on_student(
            &actor(&[Role::Teacher], 1),
            OrganizationId::new(1),
            taught
        ));
        assert!(may_report_on_student(
            &actor(&[Role::Teacher], 1),
            OrganizationId::new(1),
            led
        ));
        assert!(!may_report_on_student(
            &actor(&[Role::Teacher], 1),
            OrganizationId::new(1),
            none
        ));
        assert!(!may_report_on_student(
            &actor(&[Role::Teacher], 2),
            OrganizationId::new(1),
            taught
        ));
        assert!(may_report_on_student(
            &actor(&[Role::Administrator], 1),
            OrganizationId::new(1),
            none
        ));
        assert!(may_report_on_student(
            &actor(&[Role::DeputyHead], 1),
            OrganizationId::new(1),
            none
        ));
        assert!(!may_report_on_student(
            &actor(&[Role::Administrator], 2),
            OrganizationId::new(1),
            none
        ));
        // A tie counts only with its role.
        assert!(!may_report_on_student(
            &actor(&[Role::Parent], 1),
            OrganizationId::new(1),
            me
        ));
        assert!(!may_report_on_student(
            &actor(&[Role::Student], 1),
            OrganizationId::new(1),
            child
        ));
        assert!(!may_report_on_student(
            &actor(&[Role::Parent], 1),
            OrganizationId::new(1),
            taught
        ));
        assert!(!may_report_on_student(
            &actor(&[Role::Staff], 1),
            OrganizationId::new(1),
            led
        ));
    }

    #[test]
    fn each_organization_reports_on_its_own_reach() {
        use OrganizationKind::*;
        let school_admin = tactor(10, &[Role::Administrator]);
        assert_eq!(
            report_territory(&school_admin, General, RegionId::new(1)),
            Some(ReportTerritory::School(OrganizationId::new(10)))
        );
        let deputy = tactor(10, &[Role::Teacher, Role::DeputyHead]);
        assert_eq!(
            report_territory(&deputy, General, RegionId::new(1)),
            Some(ReportTerritory::School(OrganizationId::new(10)))
        );
        let officer = tactor(20, &[Role::AuthorityOfficer]);
        assert_eq!(
            report_territory(&officer, MunicipalAuthority, RegionId::new(1)),
            Some(ReportTerritory::Municipal(OrganizationId::new(20)))
        );
        assert_eq!(
            report_territory(&officer, RegionalAuthority, RegionId::new(7)),
            Some(ReportTerritory::Regional(RegionId::new(7)))
        );
        let region_admin = tactor(30, &[Role::RegionAdministrator]);
        assert_eq!(
            report_territory(&region_admin, RegionalAuthority, RegionId::new(7)),
            Some(ReportTerritory::Regional(RegionId::new(7)))
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
            assert_eq!(
                report_territory(&tactor(10, roles), General, RegionId::new(1)),
                None
            );
        }
        // An officer's role means nothing in a school, nor a school role in an authority.
        assert_eq!(
            report_territory(
                &tactor(10, &[Role::AuthorityOfficer]),
                General,
                RegionId::new(1)
            ),
            None
        );
        assert_eq!(
            report_territory(
                &tactor(20, &[Role::Teacher]),
                MunicipalAuthority,
                RegionId::new(1)
            ),
            None
        );
        assert_eq!(
            report_territory(
                &tactor(30, &[Role::RegionAdministrator]),
                MunicipalAuthority,
                RegionId::new(1)
            ),
            None
        );
    }
}
