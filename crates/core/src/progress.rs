//! Rules of the progress pages and the diary side of the NetSchool API.

use crate::Role;

/// The role names NetSchool's `mysettings` reports.
pub fn netschool_role_name(role: Role) -> &'static str {
    match role {
        Role::Administrator => "Administrator",
        Role::DeputyHead => "DeputyHead",
        Role::Teacher => "Teacher",
        Role::Student => "Student",
        Role::Parent => "Parent",
        Role::Staff => "Staff",
        Role::AuthorityOfficer => "AuthorityOfficer",
        Role::RegionAdministrator => "RegionAdministrator",
    }
}

/// NetSchool weekday numbers (1 = Sunday … 7 = Saturday) for the bell times, from the weekdays
/// of a school's timetable (1 = Monday … 7 = Sunday). A school without a timetable yet is
/// taken to teach Monday to Friday.
pub fn bell_weekdays(timetable_weekdays: &[i32]) -> Vec<i32> {
    let mut days: Vec<i32> = timetable_weekdays
        .iter()
        .filter(|d| (1..=7).contains(*d))
        .map(|&d| d % 7 + 1)
        .collect();
    if days.is_empty() {
        days = (2..=6).collect();
    }
    days.sort_unstable();
    days.dedup();
    days
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekdays_are_counted_from_sunday() {
        // Monday → 2, Saturday → 7, Sunday → 1.
        assert_eq!(bell_weekdays(&[1, 2, 6]), vec![2, 3, 7]);
        assert_eq!(bell_weekdays(&[7, 1, 1]), vec![1, 2]);
        assert_eq!(bell_weekdays(&[]), vec![2, 3, 4, 5, 6]);
        assert_eq!(bell_weekdays(&[0, 9]), vec![2, 3, 4, 5, 6]);
    }

    #[test]
    fn role_names_are_netschools() {
        assert_eq!(netschool_role_name(Role::Parent), "Parent");
        assert_eq!(netschool_role_name(Role::Student), "Student");
    }
}
