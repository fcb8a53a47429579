//! Weeks and academic years.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// The Monday of the week that contains `date`.
pub fn week_start(date: NaiveDate) -> NaiveDate {
    date - Duration::days(i64::from(date.weekday().num_days_from_monday()))
}

/// The first day of the academic year that contains `date`: 1 September, the year turning in August.
pub fn academic_year_start(date: NaiveDate) -> NaiveDate {
    let year = if date.month() >= 8 {
        date.year()
    } else {
        date.year() - 1
    };
    NaiveDate::from_ymd_opt(year, 9, 1).expect("1 September exists every year")
}

/// The name of an academic year as SGO writes it: «2026/2027».
pub fn academic_year_name(start: NaiveDate) -> String {
    format!("{}/{}", start.year(), start.year() + 1)
}

/// NetSchool's weekday number: 1 = Sunday, 2 = Monday … 7 = Saturday.
pub fn netschool_weekday(weekday: Weekday) -> i32 {
    weekday.num_days_from_sunday() as i32 + 1
}

/// Russian name of a weekday, as the diary shows it.
pub fn weekday_title(weekday: Weekday) -> &'static str {
    match weekday {
        Weekday::Mon => "Понедельник",
        Weekday::Tue => "Вторник",
        Weekday::Wed => "Среда",
        Weekday::Thu => "Четверг",
        Weekday::Fri => "Пятница",
        Weekday::Sat => "Суббота",
        Weekday::Sun => "Воскресенье",
    }
}

/// Russian month name in the genitive, for dates like «23 ноября».
pub fn month_genitive(month: u32) -> &'static str {
    const NAMES: [&str; 12] = [
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ];
    NAMES[(month.clamp(1, 12) - 1) as usize]
}

/// The longest span of days one diary request may cover; larger requests are refused.
pub const MAX_DIARY_SPAN_DAYS: i64 = 62;

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn week_starts_on_monday() {
        assert_eq!(week_start(d(2026, 11, 23)), d(2026, 11, 23));
        assert_eq!(week_start(d(2026, 11, 29)), d(2026, 11, 23));
        assert_eq!(week_start(d(2026, 11, 22)), d(2026, 11, 16));
    }

    #[test]
    fn academic_year_turns_in_august() {
        assert_eq!(academic_year_start(d(2026, 11, 23)), d(2026, 9, 1));
        assert_eq!(academic_year_start(d(2027, 5, 20)), d(2026, 9, 1));
        assert_eq!(academic_year_start(d(2027, 8, 20)), d(2027, 9, 1));
        assert_eq!(academic_year_name(d(2026, 9, 1)), "2026/2027");
    }

    #[test]
    fn netschool_weekdays_start_on_sunday() {
        assert_eq!(netschool_weekday(Weekday::Sun), 1);
        assert_eq!(netschool_weekday(Weekday::Mon), 2);
        assert_eq!(netschool_weekday(Weekday::Sat), 7);
    }
}
