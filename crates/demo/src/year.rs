//! The school year of the demo: its periods, holidays and school days.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    // Only called with real calendar dates (the 1st–31st of fixed months), which always exist.
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

fn monday_on_or_after(day: NaiveDate) -> NaiveDate {
    let ahead = (7 - day.weekday().num_days_from_monday()) % 7;
    day + Duration::days(i64::from(ahead))
}

/// One academic year with its holidays and periods.
#[derive(Debug, Clone)]
pub(crate) struct Year {
    pub(crate) name: String,
    pub(crate) start: NaiveDate,
    pub(crate) end: NaiveDate,
    /// Каникулы: name, first and last day.
    pub(crate) holidays: Vec<(&'static str, NaiveDate, NaiveDate)>,
    /// Periods: kind, number, name, grades, first and last day.
    pub(crate) periods: Vec<Period>,
}

/// A quarter or half-year for a range of grades.
#[derive(Debug, Clone)]
pub(crate) struct Period {
    pub(crate) kind: &'static str,
    pub(crate) number: i32,
    pub(crate) name: String,
    pub(crate) grade_from: i32,
    pub(crate) grade_to: i32,
    pub(crate) start: NaiveDate,
    pub(crate) end: NaiveDate,
}

impl Year {
    /// The year that contains `today` (turning in August), as Russian schools usually lay it out.
    pub(crate) fn containing(today: NaiveDate) -> Year {
        let start = sgo_core::calendar::academic_year_start(today);
        let y = start.year();
        let end = date(y + 1, 5, 31);
        let autumn = monday_on_or_after(date(y, 10, 24));
        let autumn_end = autumn + Duration::days(8);
        let winter = date(y, 12, 29);
        let winter_end = date(y + 1, 1, 11);
        let spring = monday_on_or_after(date(y + 1, 3, 21));
        let spring_end = spring + Duration::days(8);
        let holidays = vec![
            ("Осенние каникулы", autumn, autumn_end),
            ("Зимние каникулы", winter, winter_end),
            ("Весенние каникулы", spring, spring_end),
        ];
        let day = Duration::days(1);
        let quarters = [
            (start, autumn - day),
            (autumn_end + day, winter - day),
            (winter_end + day, spring - day),
            (spring_end + day, end),
        ];
        let mut periods = Vec::new();
        for (i, (from, to)) in quarters.into_iter().enumerate() {
            let number = i as i32 + 1;
            periods.push(Period {
                kind: "quarter",
                number,
                name: format!("{number} четверть"),
                grade_from: 1,
                grade_to: 9,
                start: from,
                end: to,
            });
        }
        for (i, (from, to)) in [(start, winter - day), (winter_end + day, end)]
            .into_iter()
            .enumerate()
        {
            let number = i as i32 + 1;
            periods.push(Period {
                kind: "half_year",
                number,
                name: format!("{number} полугодие"),
                grade_from: 10,
                grade_to: 11,
                start: from,
                end: to,
            });
        }
        Year {
            name: sgo_core::calendar::academic_year_name(start),
            start,
            end,
            holidays,
            periods,
        }
    }

    /// Whether lessons are held on the day: a weekday inside the year, not in holidays and not a
    /// public holiday.
    pub(crate) fn is_school_day(&self, day: NaiveDate) -> bool {
        if day < self.start
            || day > self.end
            || matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
        {
            return false;
        }
        if self
            .holidays
            .iter()
            .any(|&(_, from, to)| from <= day && day <= to)
        {
            return false;
        }
        // Нерабочие праздничные дни that fall inside the school year.
        !matches!(
            (day.month(), day.day()),
            (11, 4) | (2, 23) | (3, 8) | (5, 1) | (5, 9)
        )
    }

    /// School days from the start of the year up to and including `last`.
    pub(crate) fn school_days(&self, last: NaiveDate) -> Vec<NaiveDate> {
        let mut days = Vec::new();
        let mut day = self.start;
        while day <= last && day <= self.end {
            if self.is_school_day(day) {
                days.push(day);
            }
            day += Duration::days(1);
        }
        days
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_2026_has_the_usual_shape() {
        let y = Year::containing(date(2026, 11, 23));
        assert_eq!(y.name, "2026/2027");
        assert_eq!(y.start, date(2026, 9, 1));
        assert_eq!(y.end, date(2027, 5, 31));
        assert_eq!(y.holidays[0].1, date(2026, 10, 26));
        assert_eq!(y.holidays[0].2, date(2026, 11, 3));
        assert_eq!(y.holidays[2].1, date(2027, 3, 22));
        assert_eq!(y.periods.len(), 6);
        assert_eq!(y.periods[0].end, date(2026, 10, 25));
        assert_eq!(y.periods[1].start, date(2026, 11, 4));
        assert_eq!(y.periods[3].end, date(2027, 5, 31));
        assert!(!y.is_school_day(date(2026, 11, 4)));
        assert!(y.is_school_day(date(2026, 11, 5)));
        assert!(!y.is_school_day(date(2026, 12, 30)));
        assert!(!y.is_school_day(date(2026, 11, 22)));
        assert!(y.is_school_day(date(2026, 11, 23)));
        let days = y.school_days(date(2026, 9, 7));
        assert_eq!(
            days,
            vec![
                date(2026, 9, 1),
                date(2026, 9, 2),
                date(2026, 9, 3),
                date(2026, 9, 4),
                date(2026, 9, 7)
            ]
        );
    }
}
