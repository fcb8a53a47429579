//! Rules of a school's calendar and timetable: period schemes, bells, class letters, and the
//! generation of dated lessons from a weekly timetable.

use std::collections::HashSet;

use chrono::{Datelike, Duration, NaiveDate, NaiveTime};

use crate::message::Message;

/// How a year is divided for a range of grades.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodKind {
    /// Четверти: four periods.
    Quarter,
    /// Триместры: three periods.
    Trimester,
    /// Полугодия: two periods.
    HalfYear,
}

impl PeriodKind {
    /// Every kind, in the order the form offers them.
    pub const ALL: [PeriodKind; 3] = [
        PeriodKind::Quarter,
        PeriodKind::Trimester,
        PeriodKind::HalfYear,
    ];

    /// The code stored in `periods.kind`.
    pub fn code(self) -> &'static str {
        match self {
            PeriodKind::Quarter => "quarter",
            PeriodKind::Trimester => "trimester",
            PeriodKind::HalfYear => "half_year",
        }
    }

    /// Parses a stored or submitted code.
    pub fn from_code(code: &str) -> Option<PeriodKind> {
        PeriodKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// How many periods the year has.
    pub fn count(self) -> usize {
        match self {
            PeriodKind::Quarter => 4,
            PeriodKind::Trimester => 3,
            PeriodKind::HalfYear => 2,
        }
    }

    /// The Russian name of the scheme: «Четверти».
    pub fn title(self) -> &'static str {
        match self {
            PeriodKind::Quarter => "Четверти",
            PeriodKind::Trimester => "Триместры",
            PeriodKind::HalfYear => "Полугодия",
        }
    }

    /// The name of the `number`-th period: «2 четверть».
    pub fn period_name(self, number: usize) -> String {
        let word = match self {
            PeriodKind::Quarter => "четверть",
            PeriodKind::Trimester => "триместр",
            PeriodKind::HalfYear => "полугодие",
        };
        format!("{number} {word}")
    }
}

/// The usual name of a year from its dates: «2027/2028».
pub fn year_name(start: NaiveDate, end: NaiveDate) -> String {
    if start.year() == end.year() {
        start.year().to_string()
    } else {
        format!("{}/{}", start.year(), end.year())
    }
}

/// Suggested dates of the periods of a year: equal spans of days, back to back, covering the year.
pub fn suggest_periods(
    kind: PeriodKind,
    start: NaiveDate,
    end: NaiveDate,
) -> Vec<(NaiveDate, NaiveDate)> {
    let n = kind.count() as i64;
    let days = (end - start).num_days() + 1;
    if days < n {
        return Vec::new();
    }
    (0..n)
        .map(|i| {
            let from = start + Duration::days(days * i / n);
            let to = start + Duration::days(days * (i + 1) / n - 1);
            (from, to)
        })
        .collect()
}

/// A span of days, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateSpan {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
}

impl DateSpan {
    /// Whether the day falls inside.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }

    /// Whether two spans share a day.
    pub fn overlaps(&self, other: &DateSpan) -> bool {
        self.from <= other.to && other.from <= self.to
    }
}

/// The lowest and highest grade of a general school.
pub const GRADES: std::ops::RangeInclusive<i32> = 1..=11;

/// What is wrong with a period scheme, by which part of the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemeProblem {
    /// The grade range (field `grades`).
    Grades(Message),
    /// The period with this 0-based index.
    Period(usize, Message),
}

/// Checks a scheme for grades `grades` with `periods` against the year and against the grade
/// ranges that already have periods in it.
pub fn check_scheme(
    year: DateSpan,
    grades: (i32, i32),
    periods: &[DateSpan],
    taken_grades: &[(i32, i32)],
) -> Vec<SchemeProblem> {
    let mut problems = Vec::new();
    let (from, to) = grades;
    if !GRADES.contains(&from) || !GRADES.contains(&to) {
        problems.push(SchemeProblem::Grades(crate::msg!(
            "periods-grades-out-of-range"
        )));
    } else if from > to {
        problems.push(SchemeProblem::Grades(crate::msg!(
            "periods-grades-reversed"
        )));
    } else if let Some((a, b)) = taken_grades.iter().find(|(a, b)| from <= *b && *a <= to) {
        problems.push(SchemeProblem::Grades(crate::msg!(
            "periods-grades-taken",
            from = *a,
            to = *b
        )));
    }
    for (i, p) in periods.iter().enumerate() {
        if p.from > p.to {
            problems.push(SchemeProblem::Period(
                i,
                crate::msg!("date-end-before-start"),
            ));
        } else if !year.contains(p.from) || !year.contains(p.to) {
            problems.push(SchemeProblem::Period(i, crate::msg!("period-outside-year")));
        } else if i > 0 && periods[i - 1].from <= periods[i - 1].to && p.from <= periods[i - 1].to {
            problems.push(SchemeProblem::Period(
                i,
                crate::msg!("period-overlaps-previous"),
            ));
        }
    }
    problems
}

/// A class letter as stored: one to three Cyrillic letters in upper case; `None` if it is not one.
pub fn class_letter(input: &str) -> Option<String> {
    let letter: String = input.trim().chars().flat_map(char::to_uppercase).collect();
    let count = letter.chars().count();
    let cyrillic = |c: char| ('А'..='Я').contains(&c) || c == 'Ё';
    ((1..=3).contains(&count) && letter.chars().all(cyrillic)).then_some(letter)
}

/// One lesson time of a shift.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bell {
    /// Lesson number in the day.
    pub number: i32,
    /// Start.
    pub start: NaiveTime,
    /// End.
    pub end: NaiveTime,
}

/// Checks the bells of one shift; returns the problem and the number of the bell it concerns.
pub fn check_bells(bells: &[Bell]) -> Vec<(i32, Message)> {
    let mut problems = Vec::new();
    let mut sorted: Vec<&Bell> = bells.iter().collect();
    sorted.sort_by_key(|b| b.number);
    for (i, b) in sorted.iter().enumerate() {
        if b.end <= b.start {
            problems.push((b.number, crate::msg!("bell-end-before-start")));
        } else if let Some(other) = sorted
            .iter()
            .take(i)
            .find(|o| o.end > o.start && b.start < o.end && o.start < b.end)
        {
            problems.push((b.number, crate::msg!("bell-overlaps", other = other.number)));
        } else if i > 0 && sorted[i - 1].end <= sorted[i - 1].start {
            // The previous bell is already reported; an order check against it would only repeat that.
        } else if i > 0 && b.start < sorted[i - 1].start {
            problems.push((b.number, crate::msg!("bell-out-of-order")));
        }
    }
    problems
}

/// One cell of a weekly timetable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeeklySlot {
    /// The subject group taught.
    pub subject_group_id: i64,
    /// 1 = Monday … 7 = Sunday.
    pub weekday: u32,
    /// Lesson number (bell) in the day.
    pub number: i32,
    /// Room.
    pub room: String,
}

/// A lesson on a date, generated from a weekly timetable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatedLesson {
    /// The subject group taught.
    pub subject_group_id: i64,
    /// The date.
    pub date: NaiveDate,
    /// Lesson number.
    pub number: i32,
    /// Start time, from the bells.
    pub start: NaiveTime,
    /// End time, from the bells.
    pub end: NaiveTime,
    /// Room.
    pub room: String,
}

/// The dated lessons of a weekly timetable between two dates (inclusive): on days inside one of
/// `periods` and outside every holiday, with times from `bells` (slots without a bell are skipped).
pub fn generate_lessons(
    slots: &[WeeklySlot],
    bells: &[Bell],
    from: NaiveDate,
    to: NaiveDate,
    holidays: &[DateSpan],
    periods: &[DateSpan],
) -> Vec<DatedLesson> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut day = from;
    while day <= to {
        let school_day =
            periods.iter().any(|p| p.contains(day)) && !holidays.iter().any(|h| h.contains(day));
        if school_day {
            let weekday = day.weekday().number_from_monday();
            let mut today: Vec<&WeeklySlot> =
                slots.iter().filter(|s| s.weekday == weekday).collect();
            today.sort_by_key(|s| (s.number, s.subject_group_id));
            for slot in today {
                let Some(bell) = bells.iter().find(|b| b.number == slot.number) else {
                    continue;
                };
                if !seen.insert((slot.subject_group_id, day, slot.number)) {
                    continue;
                }
                out.push(DatedLesson {
                    subject_group_id: slot.subject_group_id,
                    date: day,
                    number: slot.number,
                    start: bell.start,
                    end: bell.end,
                    room: slot.room.clone(),
                });
            }
        }
        day += Duration::days(1);
    }
    out
}

/// What saving a timetable did to the dated lessons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TimetableOutcome {
    /// Lessons removed (they had no assignments and no attendance).
    pub deleted: u64,
    /// Lessons kept because they have assignments or attendance.
    pub kept: u64,
    /// Lessons created.
    pub created: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn span(from: NaiveDate, to: NaiveDate) -> DateSpan {
        DateSpan { from, to }
    }

    #[test]
    fn kinds_round_trip_and_name_their_periods() {
        for k in PeriodKind::ALL {
            assert_eq!(PeriodKind::from_code(k.code()), Some(k));
        }
        assert_eq!(PeriodKind::from_code("semester"), None);
        assert_eq!(PeriodKind::Quarter.period_name(2), "2 четверть");
        assert_eq!(PeriodKind::HalfYear.period_name(1), "1 полугодие");
        assert_eq!(year_name(d(2027, 9, 1), d(2028, 5, 31)), "2027/2028");
    }

    #[test]
    fn suggested_periods_cover_the_year_back_to_back() {
        let (start, end) = (d(2027, 9, 1), d(2028, 5, 31));
        for kind in PeriodKind::ALL {
            let p = suggest_periods(kind, start, end);
            assert_eq!(p.len(), kind.count());
            assert_eq!(p[0].0, start);
            assert_eq!(p[p.len() - 1].1, end);
            for w in p.windows(2) {
                assert_eq!(w[0].1 + Duration::days(1), w[1].0);
            }
        }
        let halves = suggest_periods(PeriodKind::HalfYear, start, end);
        assert_eq!(halves[0].1, d(2028, 1, 15));
        assert!(suggest_periods(PeriodKind::Quarter, start, start + Duration::days(2)).is_empty());
    }

    #[test]
    fn schemes_must_fit_the_year_in_order_and_not_overlap_grades() {
        let year = span(d(2027, 9, 1), d(2028, 5, 31));
        let good: Vec<DateSpan> = suggest_periods(PeriodKind::Quarter, year.from, year.to)
            .into_iter()
            .map(|(a, b)| span(a, b))
            .collect();
        assert!(check_scheme(year, (1, 9), &good, &[(10, 11)]).is_empty());
        assert_eq!(
            check_scheme(year, (9, 11), &good, &[(1, 9)]),
            vec![SchemeProblem::Grades(crate::msg!(
                "periods-grades-taken",
                from = 1,
                to = 9
            ))]
        );
        assert!(matches!(
            check_scheme(year, (0, 12), &good, &[])[0],
            SchemeProblem::Grades(_)
        ));
        assert!(matches!(
            check_scheme(year, (5, 4), &good, &[])[0],
            SchemeProblem::Grades(_)
        ));
        let mut overlapping = good.clone();
        overlapping[1].from = overlapping[0].to;
        assert_eq!(
            check_scheme(year, (1, 9), &overlapping, &[]),
            vec![SchemeProblem::Period(
                1,
                crate::msg!("period-overlaps-previous")
            )]
        );
        let mut outside = good.clone();
        outside[3].to = d(2028, 6, 30);
        assert!(matches!(
            check_scheme(year, (1, 9), &outside, &[])[..],
            [SchemeProblem::Period(3, _)]
        ));
        let mut reversed = good;
        reversed[2] = span(reversed[2].to, reversed[2].from);
        assert!(matches!(
            check_scheme(year, (1, 9), &reversed, &[])[..],
            [SchemeProblem::Period(2, _)]
        ));
    }

    #[test]
    fn class_letters_are_cyrillic() {
        assert_eq!(class_letter(" а "), Some("А".into()));
        assert_eq!(class_letter("ё"), Some("Ё".into()));
        assert_eq!(class_letter("Мат"), Some("МАТ".into()));
        assert_eq!(class_letter("A"), None, "Latin A");
        assert_eq!(class_letter(""), None);
        assert_eq!(class_letter("АБВГ"), None);
        assert_eq!(class_letter("1"), None);
    }

    #[test]
    fn bells_must_end_after_they_start_and_not_overlap() {
        let ok = [bell(1, t(8, 30), t(9, 15)), bell(2, t(9, 25), t(10, 10))];
        assert!(check_bells(&ok).is_empty());
        let backwards = [bell(1, t(9, 0), t(8, 0))];
        assert_eq!(check_bells(&backwards)[0].0, 1);
        let overlapping = [bell(1, t(8, 30), t(9, 15)), bell(2, t(9, 10), t(9, 55))];
        assert_eq!(
            check_bells(&overlapping)
                .into_iter()
                .map(|(n, m)| (n, m.to_string()))
                .collect::<Vec<_>>(),
            vec![(2, "Урок пересекается с уроком №1".to_owned())]
        );
        let out_of_order = [bell(1, t(10, 30), t(11, 15)), bell(2, t(8, 30), t(9, 15))];
        assert_eq!(check_bells(&out_of_order)[0].0, 2);
    }

    fn bell(number: i32, start: NaiveTime, end: NaiveTime) -> Bell {
        Bell { number, start, end }
    }

    fn slot(group: i64, weekday: u32, number: i32) -> WeeklySlot {
        WeeklySlot {
            subject_group_id: group,
            weekday,
            number,
            room: "12".into(),
        }
    }

    #[test]
    fn lessons_follow_the_week_and_skip_holidays_and_days_outside_periods() {
        let bells = [bell(1, t(8, 30), t(9, 15)), bell(2, t(9, 25), t(10, 10))];
        // Monday 1st and 2nd lesson, Wednesday 1st, Saturday 2nd; a slot with no bell is dropped.
        let slots = [
            slot(7, 1, 1),
            slot(8, 1, 2),
            slot(7, 3, 1),
            slot(8, 6, 2),
            slot(9, 2, 5),
        ];
        // 2027-09-06 is a Monday. Two weeks; the second Wednesday is a holiday, and the period
        // ends on the second Friday, so the second Saturday is outside it.
        let periods = [span(d(2027, 9, 1), d(2027, 9, 17))];
        let holidays = [span(d(2027, 9, 15), d(2027, 9, 15))];
        let lessons = generate_lessons(
            &slots,
            &bells,
            d(2027, 9, 6),
            d(2027, 9, 19),
            &holidays,
            &periods,
        );
        let got: Vec<(NaiveDate, i64, i32)> = lessons
            .iter()
            .map(|l| (l.date, l.subject_group_id, l.number))
            .collect();
        assert_eq!(
            got,
            vec![
                (d(2027, 9, 6), 7, 1),
                (d(2027, 9, 6), 8, 2),
                (d(2027, 9, 8), 7, 1),
                (d(2027, 9, 11), 8, 2),
                (d(2027, 9, 13), 7, 1),
                (d(2027, 9, 13), 8, 2),
            ]
        );
        assert_eq!((lessons[1].start, lessons[1].end), (t(9, 25), t(10, 10)));
        assert_eq!(lessons[0].room, "12");
    }

    #[test]
    fn the_second_shift_uses_its_own_bells_and_no_period_means_no_lessons() {
        let second = [bell(1, t(14, 0), t(14, 45))];
        let periods = [span(d(2027, 9, 1), d(2027, 12, 31))];
        let lessons = generate_lessons(
            &[slot(1, 2, 1)],
            &second,
            d(2027, 9, 6),
            d(2027, 9, 12),
            &[],
            &periods,
        );
        assert_eq!(lessons.len(), 1);
        assert_eq!(lessons[0].date, d(2027, 9, 7));
        assert_eq!(lessons[0].start, t(14, 0));
        assert!(
            generate_lessons(
                &[slot(1, 2, 1)],
                &second,
                d(2027, 9, 6),
                d(2027, 9, 12),
                &[],
                &[]
            )
            .is_empty()
        );
    }
}
