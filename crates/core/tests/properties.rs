#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

//! Properties of the core rules, checked on generated inputs: the weighted average, period
//! boundaries, the lockout schedule and the mapping of import columns.

use chrono::{Duration, NaiveDate};
use proptest::prelude::*;
use sgo_core::import::{ImportKind, SchoolFacts, validate};
use sgo_core::marks::{WeightedSum, weighted_average};
use sgo_core::protection::LockoutRules;
use sgo_core::schedule::{DateSpan, PeriodKind, check_scheme, suggest_periods};

fn day(offset: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + Duration::days(offset)
}

proptest! {
    #[test]
    fn the_average_lies_between_the_counted_marks(
        marks in prop::collection::vec((-2i32..8, -3i32..10), 0..40),
    ) {
        let counted: Vec<(i32, i32)> =
            marks.iter().copied().filter(|(v, w)| (1..=5).contains(v) && *w > 0).collect();
        match weighted_average(marks.iter().copied()) {
            None => prop_assert!(counted.is_empty()),
            Some(avg) => {
                let lo = counted.iter().map(|m| m.0).min().unwrap();
                let hi = counted.iter().map(|m| m.0).max().unwrap();
                prop_assert!(f64::from(lo) - 1e-9 <= avg && avg <= f64::from(hi) + 1e-9);
            }
        }
    }

    #[test]
    fn equal_weights_give_the_plain_mean(
        values in prop::collection::vec(1i32..=5, 1..30),
        w in 1i32..10,
    ) {
        let avg = weighted_average(values.iter().map(|v| (*v, w))).unwrap();
        let mean = values.iter().map(|v| f64::from(*v)).sum::<f64>() / values.len() as f64;
        prop_assert!((avg - mean).abs() < 1e-9);
    }

    #[test]
    fn averages_merge_like_one_list(
        marks in prop::collection::vec((1i32..=5, 1i32..10), 0..40),
        split in 0usize..40,
        k in 1i32..5,
    ) {
        let split = split.min(marks.len());
        let (a, b) = marks.split_at(split);
        let mut left = WeightedSum::default();
        a.iter().for_each(|(v, w)| left.add(*v, *w));
        let mut right = WeightedSum::default();
        b.iter().for_each(|(v, w)| right.add(*v, *w));
        left.merge(right);
        prop_assert_eq!(left.average(), weighted_average(marks.iter().copied()));
        // Scaling every weight changes nothing.
        let scaled = weighted_average(marks.iter().map(|(v, w)| (*v, w * k)));
        match (scaled, weighted_average(marks.iter().copied())) {
            (Some(x), Some(y)) => prop_assert!((x - y).abs() < 1e-9),
            (x, y) => prop_assert_eq!(x, y),
        }
    }

    #[test]
    fn suggested_periods_tile_the_year(
        start in 0i64..3000,
        length in 0i64..400,
        kind in prop::sample::select(vec![PeriodKind::Quarter, PeriodKind::Trimester, PeriodKind::HalfYear]),
    ) {
        let (from, to) = (day(start), day(start + length));
        let periods = suggest_periods(kind, from, to);
        if length + 1 < kind.count() as i64 {
            prop_assert!(periods.is_empty());
            return Ok(());
        }
        prop_assert_eq!(periods.len(), kind.count());
        prop_assert_eq!(periods[0].0, from);
        prop_assert_eq!(periods[periods.len() - 1].1, to);
        for pair in periods.windows(2) {
            prop_assert_eq!(pair[0].1 + Duration::days(1), pair[1].0, "back to back");
        }
        let lengths: Vec<i64> = periods.iter().map(|(a, b)| (*b - *a).num_days() + 1).collect();
        prop_assert!(lengths.iter().all(|l| *l >= 1));
        prop_assert!(lengths.iter().max().unwrap() - lengths.iter().min().unwrap() <= 1);
        let spans: Vec<DateSpan> =
            periods.iter().map(|(a, b)| DateSpan { from: *a, to: *b }).collect();
        let problems = check_scheme(DateSpan { from, to }, (1, 11), &spans, &[]);
        prop_assert!(problems.is_empty(), "{:?}", problems);
    }

    #[test]
    fn spans_overlap_exactly_when_they_share_a_day(
        a in 0i64..60, la in 0i64..20, b in 0i64..60, lb in 0i64..20,
    ) {
        let x = DateSpan { from: day(a), to: day(a + la) };
        let y = DateSpan { from: day(b), to: day(b + lb) };
        let shared = (0..100).map(day).any(|d| x.contains(d) && y.contains(d));
        prop_assert_eq!(x.overlaps(&y), shared);
        prop_assert_eq!(x.overlaps(&y), y.overlaps(&x));
    }

    #[test]
    fn lockout_pauses_start_at_the_limit_grow_and_stay_capped(
        failures in 0u32..10,
        pause_s in 1i64..600,
        max_s in 1i64..7200,
        n in 0u32..50,
        earlier in 0u32..64,
    ) {
        let rules = LockoutRules {
            failures,
            pause: Duration::seconds(pause_s),
            max_pause: Duration::seconds(max_s),
            ..LockoutRules::default()
        };
        let now = rules.pause_after(n, earlier);
        if failures == 0 || n < failures {
            prop_assert_eq!(now, None);
        } else {
            let now = now.unwrap();
            prop_assert!(now <= rules.max_pause && now > Duration::zero());
            let next = rules.pause_after(n, earlier + 1).unwrap();
            prop_assert!(next >= now, "a further lockout never shortens the pause");
            prop_assert_eq!(rules.pause_after(n, 0).unwrap(), rules.pause.min(rules.max_pause));
        }
    }

    #[test]
    fn import_columns_are_found_in_any_order_and_spelling(
        order in Just((0..8usize).collect::<Vec<_>>()).prop_shuffle(),
        upper in any::<bool>(),
        star in any::<bool>(),
    ) {
        let kind = ImportKind::Staff;
        let titles: Vec<&str> = kind.columns().iter().map(|c| c.title).collect();
        let values = [
            "Ёлкина", "Анна", "Петровна", "12.04.1985", "учитель", "yolkina", "a@b.ru",
            "+7 900 123-45-67",
        ];
        let headers: Vec<String> = order
            .iter()
            .map(|&i| {
                let mut t = format!("  {} ", titles[i]);
                if upper {
                    t = t.to_uppercase();
                }
                if star && kind.columns()[i].required {
                    t.push('*');
                }
                t
            })
            .collect();
        let row: Vec<String> = order.iter().map(|&i| values[i].to_owned()).collect();
        let facts = SchoolFacts { today: day(2500), ..SchoolFacts::default() };
        let checked = validate(kind, &headers, &[row], &facts).unwrap();
        prop_assert!(checked.errors.is_empty(), "{:?}", checked.errors);
        let person = &checked.batch.staff[0].person;
        prop_assert_eq!(&person.last_name, "Ёлкина");
        prop_assert_eq!(&person.first_name, "Анна");
        prop_assert_eq!(&person.middle_name, "Петровна");
        prop_assert_eq!(&person.login, "yolkina");
        prop_assert_eq!(&checked.batch.staff[0].roles, &vec!["teacher".to_owned()]);
    }

    #[test]
    fn a_missing_required_column_is_named(drop in 0usize..3) {
        let kind = ImportKind::Staff;
        let required: Vec<&str> =
            kind.columns().iter().filter(|c| c.required).map(|c| c.title).collect();
        let headers: Vec<String> = kind
            .columns()
            .iter()
            .map(|c| c.title.to_owned())
            .filter(|t| t != required[drop])
            .collect();
        let row: Vec<String> = headers.iter().map(|_| "х".to_owned()).collect();
        let error = validate(kind, &headers, &[row], &SchoolFacts::default()).unwrap_err();
        prop_assert!(error.contains(&format!("«{}»", required[drop])), "{}", error);
    }
}
