//! The figures of the school reports: a student's result in a subject for a period,
//! «успеваемость» and «качество знаний», mark distributions and missed lessons.
//!
//! The definitions follow the usual Russian school practice:
//! * a student's **result** in a subject for a period is the period mark the teacher set; when
//!   none is set yet, the mark the weighted average suggests (the journal's hint); without any
//!   mark the student is «не аттестован» in that subject;
//! * **успеваемость** is the share of the class's students whose every result is 3 or above;
//! * **качество знаний** is the share whose every result is 4 or 5;
//! * a student not attested in some subject counts in neither share, but in the class total.

use crate::journal::period_mark_hint;
use crate::marks::{AttendanceCode, MARK_RANGE, WeightedSum};

/// What the asking account has to do with the student a report is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StudentTies {
    /// The account is the student.
    pub is_self: bool,
    /// The account is linked to the student as a parent.
    pub is_parent: bool,
    /// The account teaches a subject group the report covers that the student studies.
    pub teaches: bool,
    /// The account is the class teacher of the student's class.
    pub leads_class: bool,
}

/// A student's result in one subject for a period (see the module notes); `None` is «не аттестован».
/// The current marks come as their running weighted sum.
pub fn result_mark(period_mark: Option<i32>, marks: WeightedSum) -> Option<i32> {
    period_mark
        .filter(|m| MARK_RANGE.contains(m))
        .or_else(|| period_mark_hint(marks.average()))
}

/// How one student did over all subjects of a period, from their results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StudentStanding {
    /// Every subject has a result and none is below 3.
    pub successful: bool,
    /// Every subject has a result of 4 or 5.
    pub quality: bool,
    /// Some result is 2 or below.
    pub failing: bool,
    /// Some subject has no result.
    pub not_attested: bool,
}

/// The standing of a student from their results in every subject they study (`None` = no result).
pub fn standing(results: &[Option<i32>]) -> StudentStanding {
    let not_attested = results.iter().any(Option::is_none);
    let failing = results.iter().flatten().any(|&m| m <= 2);
    let all_at_least = |floor: i32| results.iter().all(|r| r.is_some_and(|m| m >= floor));
    StudentStanding {
        successful: !results.is_empty() && all_at_least(3),
        quality: !results.is_empty() && all_at_least(4),
        failing,
        not_attested,
    }
}

/// Totals of a group of students (a class, a school, a territory) for a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ProgressTotals {
    /// Students counted.
    pub students: u32,
    /// Of them, «успевающие».
    pub successful: u32,
    /// Of them, studying at 4 and 5.
    pub quality: u32,
    /// Of them, with a result of 2 or below.
    pub failing: u32,
    /// Of them, not attested in some subject.
    pub not_attested: u32,
    /// Current marks of the period by value: index 0 is «1», index 4 is «5».
    pub distribution: [u32; 5],
}

impl ProgressTotals {
    /// Counts one student.
    pub fn add_student(&mut self, s: StudentStanding) {
        self.students += 1;
        self.successful += u32::from(s.successful);
        self.quality += u32::from(s.quality);
        self.failing += u32::from(s.failing);
        self.not_attested += u32::from(s.not_attested);
    }

    /// Counts one current mark; values outside 1..5 are not marks and are ignored.
    pub fn add_mark(&mut self, value: i32) {
        if MARK_RANGE.contains(&value) {
            self.distribution[(value - 1) as usize] += 1;
        }
    }

    /// Counts current marks already counted by value (index 0 is «1»).
    pub fn add_marks(&mut self, counts: [u32; 5]) {
        for (mine, more) in self.distribution.iter_mut().zip(counts) {
            *mine += more;
        }
    }

    /// Adds another group's totals (a class into its school, a school into its territory).
    pub fn merge(&mut self, other: &ProgressTotals) {
        self.students += other.students;
        self.successful += other.successful;
        self.quality += other.quality;
        self.failing += other.failing;
        self.not_attested += other.not_attested;
        for (mine, theirs) in self.distribution.iter_mut().zip(other.distribution) {
            *mine += theirs;
        }
    }

    /// «Успеваемость», per cent of the students; `None` without students.
    pub fn success_percent(&self) -> Option<f64> {
        percent(self.successful, self.students)
    }

    /// «Качество знаний», per cent of the students; `None` without students.
    pub fn quality_percent(&self) -> Option<f64> {
        percent(self.quality, self.students)
    }

    /// How many current marks were counted.
    pub fn marks(&self) -> u32 {
        self.distribution.iter().sum()
    }
}

/// `part` of `whole` in per cent, `None` when the whole is zero.
pub fn percent(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| f64::from(part) * 100.0 / f64::from(whole))
}

/// A percentage as reports print it: one decimal with a comma («85,7»), «—» for none.
pub fn format_percent(value: Option<f64>) -> String {
    match value {
        Some(v) => format!("{v:.1}").replace('.', ","),
        None => "—".into(),
    }
}

/// Whether a code in the attendance journal means the lesson was missed: late and exempt do not.
pub fn is_missed(code: AttendanceCode) -> bool {
    matches!(
        code,
        AttendanceCode::Absent
            | AttendanceCode::Ill
            | AttendanceCode::Excused
            | AttendanceCode::Unexcused
    )
}

/// Whether a missed lesson is excused: illness or a reason the school accepted. A plain «ОТ»
/// carries no reason yet and counts as not excused until the teacher gives one.
pub fn is_excused(code: AttendanceCode) -> bool {
    matches!(code, AttendanceCode::Ill | AttendanceCode::Excused)
}

/// Missed lessons of a student or a group, by code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AbsenceTotals {
    /// Lessons marked with each code, in [`AttendanceCode::ALL`] order.
    pub by_code: [u32; 6],
}

impl AbsenceTotals {
    /// Counts one attendance entry.
    pub fn add(&mut self, code: AttendanceCode) {
        self.add_lessons(code, 1);
    }

    /// Counts `lessons` attendance entries with one code.
    pub fn add_lessons(&mut self, code: AttendanceCode, lessons: u32) {
        if let Some(i) = AttendanceCode::ALL.iter().position(|c| *c == code) {
            self.by_code[i] += lessons;
        }
    }

    /// Adds another group's counts.
    pub fn merge(&mut self, other: &AbsenceTotals) {
        for (mine, theirs) in self.by_code.iter_mut().zip(other.by_code) {
            *mine += theirs;
        }
    }

    /// Entries with this code.
    pub fn count(&self, code: AttendanceCode) -> u32 {
        AttendanceCode::ALL
            .iter()
            .position(|c| *c == code)
            .map_or(0, |i| self.by_code[i])
    }

    /// Lessons missed, whatever the reason.
    pub fn missed(&self) -> u32 {
        self.sum(is_missed)
    }

    /// Lessons missed for an excused reason.
    pub fn excused(&self) -> u32 {
        self.sum(|c| is_missed(c) && is_excused(c))
    }

    /// Lessons missed without an excused reason.
    pub fn unexcused(&self) -> u32 {
        self.sum(|c| is_missed(c) && !is_excused(c))
    }

    fn sum(&self, keep: impl Fn(AttendanceCode) -> bool) -> u32 {
        AttendanceCode::ALL
            .iter()
            .zip(self.by_code)
            .filter(|(c, _)| keep(**c))
            .map(|(_, n)| n)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sum(marks: &[(i32, i32)]) -> WeightedSum {
        let mut s = WeightedSum::default();
        for &(value, weight) in marks {
            s.add(value, weight);
        }
        s
    }

    #[test]
    fn the_teachers_period_mark_wins_over_the_average() {
        assert_eq!(result_mark(Some(3), sum(&[(5, 10), (5, 20)])), Some(3));
        assert_eq!(result_mark(None, sum(&[(5, 10), (4, 10)])), Some(5));
        assert_eq!(result_mark(None, sum(&[(4, 20), (5, 10)])), Some(4));
        assert_eq!(result_mark(None, sum(&[])), None);
        // A stored value outside the scale is not a mark: the average decides.
        assert_eq!(result_mark(Some(0), sum(&[(2, 10)])), Some(2));
    }

    #[test]
    fn standing_of_a_student() {
        let s = standing(&[Some(5), Some(4), Some(4)]);
        assert!(s.successful && s.quality && !s.failing && !s.not_attested);
        let s = standing(&[Some(5), Some(3)]);
        assert!(s.successful && !s.quality);
        let s = standing(&[Some(5), Some(2)]);
        assert!(!s.successful && !s.quality && s.failing);
        let s = standing(&[Some(5), None]);
        assert!(!s.successful && !s.quality && !s.failing && s.not_attested);
        let s = standing(&[]);
        assert!(!s.successful && !s.quality);
    }

    #[test]
    fn totals_and_percentages() {
        let mut class = ProgressTotals::default();
        class.add_student(standing(&[Some(5), Some(5)]));
        class.add_student(standing(&[Some(4), Some(3)]));
        class.add_student(standing(&[Some(2), Some(4)]));
        for m in [5, 5, 4, 3, 2, 0, 6] {
            class.add_mark(m);
        }
        assert_eq!(class.students, 3);
        assert_eq!(class.successful, 2);
        assert_eq!(class.quality, 1);
        assert_eq!(class.failing, 1);
        assert_eq!(class.distribution, [0, 1, 1, 1, 2]);
        assert_eq!(class.marks(), 5);
        assert_eq!(format_percent(class.success_percent()), "66,7");
        assert_eq!(format_percent(class.quality_percent()), "33,3");
        let mut school = ProgressTotals::default();
        school.merge(&class);
        school.merge(&class);
        assert_eq!(school.students, 6);
        assert_eq!(school.distribution, [0, 2, 2, 2, 4]);
        assert_eq!(
            format_percent(ProgressTotals::default().success_percent()),
            "—"
        );
    }

    #[test]
    fn missed_lessons_by_reason() {
        let mut a = AbsenceTotals::default();
        for code in ["Б", "Б", "УП", "НП", "ОТ", "ОП", "ОСВ"] {
            a.add(AttendanceCode::from_abbr(code).unwrap());
        }
        assert_eq!(a.missed(), 5);
        assert_eq!(a.excused(), 3);
        assert_eq!(a.unexcused(), 2);
        assert_eq!(a.count(AttendanceCode::Ill), 2);
        assert_eq!(a.count(AttendanceCode::Late), 1);
        let mut b = AbsenceTotals::default();
        b.merge(&a);
        b.merge(&a);
        assert_eq!(b.missed(), 10);
    }
}
