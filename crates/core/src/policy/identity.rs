//! The regional confirmed-account rule of ESIA sign-in: who must use a confirmed account.

use chrono::NaiveDate;

use crate::Role;
use crate::identity::{CONFIRMED_ACCOUNT_AGE, age_on};

/// Whether an account must sign in with a confirmed ESIA account on `today`: the region has the
/// rule and it has started, the account is a parent's or a student's, and the person is 14 or
/// older. A parent without a recorded birth date is an adult; a student without one is not
/// held to the rule, since their age cannot be known.
pub fn confirmed_account_required(
    required_from: Option<NaiveDate>,
    roles: &[Role],
    birth_date: Option<NaiveDate>,
    today: NaiveDate,
) -> bool {
    let Some(from) = required_from else {
        return false;
    };
    if today < from {
        return false;
    }
    let parent = roles.contains(&Role::Parent);
    let student = roles.contains(&Role::Student);
    match birth_date {
        Some(b) if parent || student => age_on(b, today) >= CONFIRMED_ACCOUNT_AGE,
        None => parent,
        Some(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    const FROM: Option<NaiveDate> = NaiveDate::from_ymd_opt(2018, 3, 1);

    #[test]
    fn students_of_fourteen_and_parents_need_a_confirmed_account() {
        let today = d(2026, 11, 23);
        let fourteen = Some(d(2012, 11, 23));
        let thirteen = Some(d(2012, 11, 24));
        assert!(confirmed_account_required(
            FROM,
            &[Role::Student],
            fourteen,
            today
        ));
        assert!(!confirmed_account_required(
            FROM,
            &[Role::Student],
            thirteen,
            today
        ));
        assert!(confirmed_account_required(
            FROM,
            &[Role::Parent],
            Some(d(1980, 1, 1)),
            today
        ));
        assert!(confirmed_account_required(
            FROM,
            &[Role::Parent],
            None,
            today
        ));
        assert!(!confirmed_account_required(
            FROM,
            &[Role::Student],
            None,
            today
        ));
    }

    #[test]
    fn staff_and_regions_without_the_rule_are_free() {
        let today = d(2026, 11, 23);
        let adult = Some(d(1980, 1, 1));
        assert!(!confirmed_account_required(
            FROM,
            &[Role::Teacher],
            adult,
            today
        ));
        assert!(!confirmed_account_required(
            None,
            &[Role::Parent],
            adult,
            today
        ));
        // A teacher who is also a parent is a parent.
        assert!(confirmed_account_required(
            FROM,
            &[Role::Teacher, Role::Parent],
            adult,
            today
        ));
    }

    #[test]
    fn the_rule_starts_on_its_date() {
        let adult = Some(d(1980, 1, 1));
        assert!(!confirmed_account_required(
            FROM,
            &[Role::Parent],
            adult,
            d(2018, 2, 28)
        ));
        assert!(confirmed_account_required(
            FROM,
            &[Role::Parent],
            adult,
            d(2018, 3, 1)
        ));
    }
}
