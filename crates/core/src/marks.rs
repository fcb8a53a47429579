//! Marks, attendance codes, the weighted average and the overdue rule.

use chrono::NaiveDate;

use crate::UnknownCode;

/// Lowest and highest mark of the five-point scale.
pub const MARK_RANGE: std::ops::RangeInclusive<i32> = 1..=5;

/// Средневзвешенный балл: sum(mark × weight) / sum(weight), over marks with a value and a
/// positive weight. `None` when there is nothing to average.
pub fn weighted_average(marks: impl IntoIterator<Item = (i32, i32)>) -> Option<f64> {
    let mut sum = WeightedSum::default();
    for (value, weight) in marks {
        sum.add(value, weight);
    }
    sum.average()
}

/// A running weighted average, so that the averages of classes can be combined into those of a
/// school and a territory without keeping their marks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WeightedSum {
    sum: i64,
    weights: i64,
}

impl WeightedSum {
    /// A sum already made elsewhere (by the database): Σ value × weight and Σ weight over marks
    /// 1..5 with a positive weight.
    pub fn from_parts(sum: i64, weights: i64) -> WeightedSum {
        WeightedSum { sum, weights }
    }

    /// Counts a mark; values outside 1..5 and weights below 1 are not counted.
    pub fn add(&mut self, value: i32, weight: i32) {
        if MARK_RANGE.contains(&value) && weight > 0 {
            self.sum += i64::from(value) * i64::from(weight);
            self.weights += i64::from(weight);
        }
    }

    /// Adds another running average.
    pub fn merge(&mut self, other: WeightedSum) {
        self.sum += other.sum;
        self.weights += other.weights;
    }

    /// The average so far; `None` when nothing was counted.
    pub fn average(&self) -> Option<f64> {
        (self.weights > 0).then(|| self.sum as f64 / self.weights as f64)
    }
}

/// Formats an average the way SGO shows it: two decimals with a comma.
pub fn format_average(average: f64) -> String {
    format!("{average:.2}").replace('.', ",")
}

/// Whether an assignment is overdue for a student on `today`: it is mandatory, its due date
/// has passed, and the student has no mark for it or only a duty mark («точка», work owed).
pub fn is_overdue(
    mandatory: bool,
    due: NaiveDate,
    today: NaiveDate,
    has_value: bool,
    duty: bool,
) -> bool {
    mandatory && due < today && (!has_value || duty)
}

/// Attendance codes of the journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttendanceCode {
    /// ОТ — отсутствовал.
    Absent,
    /// Б — болел.
    Ill,
    /// УП — уважительная причина.
    Excused,
    /// НП — неуважительная причина.
    Unexcused,
    /// ОП — опоздал.
    Late,
    /// ОСВ — освобождён.
    Exempt,
}

impl AttendanceCode {
    /// Every code, in journal order.
    pub const ALL: [AttendanceCode; 6] = [
        AttendanceCode::Absent,
        AttendanceCode::Ill,
        AttendanceCode::Excused,
        AttendanceCode::Unexcused,
        AttendanceCode::Late,
        AttendanceCode::Exempt,
    ];

    /// The abbreviation used in the journal, the database and on the wire.
    pub fn abbr(self) -> &'static str {
        match self {
            AttendanceCode::Absent => "ОТ",
            AttendanceCode::Ill => "Б",
            AttendanceCode::Excused => "УП",
            AttendanceCode::Unexcused => "НП",
            AttendanceCode::Late => "ОП",
            AttendanceCode::Exempt => "ОСВ",
        }
    }

    /// The full Russian name.
    pub fn title(self) -> &'static str {
        match self {
            AttendanceCode::Absent => "Отсутствовал",
            AttendanceCode::Ill => "Болел",
            AttendanceCode::Excused => "Пропуск по уважительной причине",
            AttendanceCode::Unexcused => "Пропуск по неуважительной причине",
            AttendanceCode::Late => "Опоздал",
            AttendanceCode::Exempt => "Освобождён",
        }
    }

    /// Parses an abbreviation.
    pub fn from_abbr(abbr: &str) -> Result<AttendanceCode, UnknownCode> {
        AttendanceCode::ALL
            .into_iter()
            .find(|c| c.abbr() == abbr)
            .ok_or_else(|| UnknownCode {
                what: "attendance code",
                value: abbr.to_owned(),
            })
    }
}

impl TryFrom<String> for AttendanceCode {
    type Error = UnknownCode;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        AttendanceCode::from_abbr(&value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_sums_average_like_all_marks_together() {
        let class_a = [(5, 2), (3, 1), (9, 1)];
        let class_b = [(4, 1), (2, 3), (5, 0)];
        let mut a = WeightedSum::default();
        class_a.iter().for_each(|&(v, w)| a.add(v, w));
        let mut b = WeightedSum::default();
        class_b.iter().for_each(|&(v, w)| b.add(v, w));
        a.merge(b);
        let all = weighted_average(class_a.iter().chain(&class_b).copied());
        assert_eq!(a.average(), all);
        // 5·2 + 3 + 4 + 2·3 = 23 over weights 2 + 1 + 1 + 3 = 7.
        assert_eq!(all, Some(23.0 / 7.0));
        assert_eq!(WeightedSum::default().average(), None);
    }

    #[test]
    fn weighted_average_weighs_and_ignores_what_is_not_a_mark() {
        assert_eq!(weighted_average([(5, 10), (3, 30)]), Some(3.5));
        assert_eq!(weighted_average([(5, 10), (0, 30), (4, 0)]), Some(5.0));
        assert_eq!(weighted_average([]), None);
        assert_eq!(format_average(3.456), "3,46");
    }

    #[test]
    fn overdue_needs_mandatory_past_and_no_real_mark() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let past = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        assert!(is_overdue(true, past, today, false, false));
        assert!(is_overdue(true, past, today, false, true));
        assert!(!is_overdue(true, past, today, true, false));
        assert!(!is_overdue(false, past, today, false, false));
        assert!(!is_overdue(true, today, today, false, false));
    }

    #[test]
    fn attendance_codes_round_trip() {
        for c in AttendanceCode::ALL {
            assert_eq!(AttendanceCode::from_abbr(c.abbr()).unwrap(), c);
        }
        assert!(AttendanceCode::from_abbr("Н").is_err());
    }
}
