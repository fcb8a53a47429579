//! Reading the cells people fill in: gender, birth date, class, roles, e-mail and phone.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::Role;
use crate::text::normalise;

/// Gender as stored (`male`, `female`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Gender {
    /// Мужской.
    Male,
    /// Женский.
    Female,
}

impl Gender {
    /// The code stored in `persons.gender`.
    pub fn code(self) -> &'static str {
        match self {
            Gender::Male => "male",
            Gender::Female => "female",
        }
    }
}

/// Reads «м»/«ж» (or the words); empty is no answer, anything else is an error.
pub fn parse_gender(text: &str) -> Result<Option<Gender>, String> {
    match normalise(text).trim_end_matches('.') {
        "" => Ok(None),
        "м" | "муж" | "мужской" => Ok(Some(Gender::Male)),
        "ж" | "жен" | "женский" => Ok(Some(Gender::Female)),
        _ => Err(format!("пол «{text}» — укажите «м» или «ж»")),
    }
}

/// Reads a date written `ДД.ММ.ГГГГ` that is not after `today`; empty is no date.
pub fn parse_birth_date(text: &str, today: NaiveDate) -> Result<Option<NaiveDate>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    let parts: Vec<&str> = text.split('.').collect();
    let numeric = |s: &str, max_len: usize| {
        (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let (Some(day), Some(month), Some(year)) = (
        parts.first().and_then(|s| numeric(s, 2)),
        parts.get(1).and_then(|s| numeric(s, 2)),
        parts
            .get(2)
            .filter(|s| s.len() == 4)
            .and_then(|s| numeric(s, 4)),
    ) else {
        return Err(format!("дата рождения «{text}» — нужен формат ДД.ММ.ГГГГ"));
    };
    if parts.len() != 3 {
        return Err(format!("дата рождения «{text}» — нужен формат ДД.ММ.ГГГГ"));
    }
    let Some(date) = i32::try_from(year)
        .ok()
        .and_then(|y| NaiveDate::from_ymd_opt(y, month, day))
    else {
        return Err(format!("дата рождения «{text}» — такой даты нет"));
    };
    if date > today {
        return Err(format!("дата рождения «{text}» — в будущем"));
    }
    if year < 1900 {
        return Err(format!("дата рождения «{text}» — слишком давно"));
    }
    Ok(Some(date))
}

/// The key a class is looked up by: grade and upper-case letter, «5А».
pub fn class_key(grade: i32, letter: &str) -> String {
    format!("{grade}{}", normalise(letter).to_uppercase())
}

/// Reads a class as people write it («5А», «5 а», «5-А») into its [`class_key`].
pub fn parse_class(text: &str) -> Option<String> {
    let t = text.trim();
    let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
    let grade: i32 = digits.parse().ok()?;
    let rest = t[digits.len()..].trim_start_matches([' ', '-', '–']);
    Some(class_key(grade, rest))
}

/// Reads a role title in Russian.
pub fn parse_role(text: &str) -> Option<Role> {
    match normalise(text).as_str() {
        "учитель" | "педагог" => Some(Role::Teacher),
        "администратор" | "директор" => Some(Role::Administrator),
        "завуч" | "заместитель директора" => Some(Role::DeputyHead),
        "сотрудник" | "персонал" => Some(Role::Staff),
        _ => None,
    }
}

/// Whether an address looks like e-mail: one `@`, something before, a dotted domain, no spaces.
pub fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !text.chars().any(char::is_whitespace)
        && domain.split('.').count() >= 2
        && domain.split('.').all(|p| !p.is_empty())
}

/// Whether a phone is written with digits and the usual separators, with enough digits.
pub fn is_phone(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_ascii_digit() || " +-()".contains(c))
        && text.chars().filter(char::is_ascii_digit).count() >= 5
}

/// Only the digits of a phone, so that «+7 (900) 1» and «+79001» compare equal.
pub(super) fn phone_digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

/// Role titles separated by commas (or `;`), as codes without repeats.
pub(super) fn parse_roles(text: &str, reasons: &mut Vec<String>) -> Vec<String> {
    let mut roles: Vec<String> = Vec::new();
    for part in text
        .split([',', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        match parse_role(part) {
            Some(role) => {
                if !roles.iter().any(|r| r == role.code()) {
                    roles.push(role.code().to_owned());
                }
            }
            None => reasons.push(format!(
                "неизвестная роль «{part}» (допустимы: учитель, администратор, завуч, сотрудник)"
            )),
        }
    }
    if text.trim().is_empty() {
        reasons.push("не указаны роли".into());
    }
    roles
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::testing::{check_students, d, reasons, student};

    #[test]
    fn dates_must_be_real_past_and_dd_mm_yyyy() {
        let today = d(2026, 11, 23);
        assert_eq!(parse_birth_date("", today), Ok(None));
        assert_eq!(
            parse_birth_date("05.03.2016", today),
            Ok(Some(d(2016, 3, 5)))
        );
        assert_eq!(parse_birth_date("23.11.2026", today), Ok(Some(today)));
        for (text, why) in [
            ("2016-03-05", "формат"),
            ("05.03.16", "формат"),
            ("5/3/2016", "формат"),
            ("05.03.2016.1", "формат"),
            ("aa.03.2016", "формат"),
            ("31.02.2016", "такой даты нет"),
            ("00.01.2016", "такой даты нет"),
            ("24.11.2026", "в будущем"),
            ("01.01.1850", "слишком давно"),
        ] {
            let e = parse_birth_date(text, today).unwrap_err();
            assert!(e.contains(why), "{text}: {e}");
        }
        let v = check_students(&[student(&["А", "Б", "", "31.02.2015", "", "5А"], &[], &[])]);
        assert_eq!(
            reasons(&v),
            vec![(2, "дата рождения «31.02.2015» — такой даты нет".to_owned())]
        );
    }

    #[test]
    fn gender_is_m_or_zh() {
        assert_eq!(parse_gender("м"), Ok(Some(Gender::Male)));
        assert_eq!(parse_gender("Ж"), Ok(Some(Gender::Female)));
        assert_eq!(parse_gender("жен."), Ok(Some(Gender::Female)));
        assert_eq!(parse_gender(""), Ok(None));
        assert!(parse_gender("x").unwrap_err().contains("«м» или «ж»"));
        let v = check_students(&[student(&["А", "Б", "", "", "мальчик", "5А"], &[], &[])]);
        assert_eq!(
            v.errors[0].reasons,
            vec!["пол «мальчик» — укажите «м» или «ж»"]
        );
    }

    #[test]
    fn emails_and_phones() {
        assert!(is_email("a.b@school.ru"));
        for bad in [
            "", "ab", "a@b", "@b.ru", "a@@b.ru", "a b@c.ru", "a@b..ru", "a@b.ru.",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
        assert!(is_phone("+7 (900) 123-45-67"));
        assert!(!is_phone("позвонить"));
        assert!(!is_phone("12"));
        let v = check_students(&[student(
            &["А", "Б", "", "", "", "5А"],
            &["В", "Г", "", "", "not-an-email", "звонить"],
            &[],
        )]);
        assert_eq!(
            reasons(&v),
            vec![
                (2, "родитель 1: неверный e-mail «not-an-email»".to_owned()),
                (2, "родитель 1: неверный телефон «звонить»".to_owned()),
            ]
        );
    }

    #[test]
    fn classes_and_roles_parse() {
        assert_eq!(parse_class("5А").as_deref(), Some("5А"));
        assert_eq!(parse_class(" 11 б ").as_deref(), Some("11Б"));
        assert_eq!(parse_class("10-а").as_deref(), Some("10А"));
        assert_eq!(parse_class("А"), None);
        assert_eq!(class_key(7, "в"), "7В");
        assert_eq!(parse_role(" Завуч "), Some(Role::DeputyHead));
        assert_eq!(parse_role("ученик"), None);
    }
}
