//! A person's own data as the school keeps it: gender and the SNILS insurance number.

use crate::UnknownCode;

/// Пол.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gender {
    /// Мужской.
    Male,
    /// Женский.
    Female,
}

impl Gender {
    /// Both genders, in form order.
    pub const ALL: [Gender; 2] = [Gender::Male, Gender::Female];

    /// The code stored in `persons.gender`.
    pub fn code(self) -> &'static str {
        match self {
            Gender::Male => "male",
            Gender::Female => "female",
        }
    }

    /// The Russian word shown in forms.
    pub fn title(self) -> &'static str {
        match self {
            Gender::Male => "мужской",
            Gender::Female => "женский",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Result<Gender, UnknownCode> {
        Gender::ALL
            .into_iter()
            .find(|g| g.code() == code)
            .ok_or_else(|| UnknownCode {
                what: "gender",
                value: code.to_owned(),
            })
    }
}

/// Why a SNILS was refused; the message is for the person who typed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SnilsError {
    /// Not eleven digits.
    #[error("СНИЛС состоит из 11 цифр: 123-456-789 01")]
    Format,
    /// The last two digits do not match the first nine.
    #[error("Неверная контрольная сумма СНИЛС — проверьте цифры")]
    Checksum,
}

/// The check number of the first nine digits of a SNILS (weights 9…1, modulo 101, 100 → 00).
fn snils_check(digits: &[u32; 9]) -> u32 {
    let sum: u32 = digits.iter().zip((1..=9).rev()).map(|(d, w)| d * w).sum();
    match sum % 101 {
        100 => 0,
        n => n,
    }
}

/// Checks a SNILS typed with or without spaces and dashes and returns it written the usual
/// way, «123-456-789 01». Numbers up to 001-001-998 were issued before the check number existed
/// and are accepted as they are.
pub fn parse_snils(text: &str) -> Result<String, SnilsError> {
    let mut digits = Vec::with_capacity(11);
    for c in text.chars() {
        match c {
            '0'..='9' => digits.push(c.to_digit(10).unwrap_or(0)),
            ' ' | '-' | '\u{a0}' => {}
            _ => return Err(SnilsError::Format),
        }
    }
    if digits.len() != 11 {
        return Err(SnilsError::Format);
    }
    let mut body = [0u32; 9];
    body.copy_from_slice(&digits[..9]);
    let number = body.iter().fold(0u32, |n, d| n * 10 + d);
    let given = digits[9] * 10 + digits[10];
    if number > 1_001_998 && snils_check(&body) != given {
        return Err(SnilsError::Checksum);
    }
    let s: String = digits
        .iter()
        .filter_map(|d| char::from_digit(*d, 10))
        .collect();
    Ok(format!("{}-{}-{} {}", &s[..3], &s[3..6], &s[6..9], &s[9..]))
}

/// The full name as lists show adults: «Петрова Анна Сергеевна» (no patronymic, no trailing space).
pub fn full_name(last: &str, first: &str, middle: &str) -> String {
    [last.trim(), first.trim(), middle.trim()]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_snils_is_written_the_usual_way() {
        // 1·9+1·8+2·7+2·6+3·5+3·4+4·3+4·2+5·1 = 95.
        assert_eq!(parse_snils("11223344595").unwrap(), "112-233-445 95");
        assert_eq!(parse_snils(" 112 233 445-95 ").unwrap(), "112-233-445 95");
        assert_eq!(parse_snils("112-233-445 28"), Err(SnilsError::Checksum));
    }

    #[test]
    fn check_numbers_of_100_and_101_become_zero() {
        // 9·9+2·8+4·1 = 101.
        assert_eq!(parse_snils("920000004 00").unwrap(), "920-000-004 00");
        // 9·9+2·8+3·1 = 100.
        assert_eq!(parse_snils("92000000300").unwrap(), "920-000-003 00");
        assert_eq!(parse_snils("92000000301"), Err(SnilsError::Checksum));
        // Above 101 the remainder is taken: 9·9+9·8+9·7 = 216 → 14.
        assert_eq!(parse_snils("99900000014").unwrap(), "999-000-000 14");
    }

    #[test]
    fn malformed_numbers_are_refused() {
        assert_eq!(parse_snils(""), Err(SnilsError::Format));
        assert_eq!(parse_snils("112-233-445"), Err(SnilsError::Format));
        assert_eq!(parse_snils("112-233-445 2a"), Err(SnilsError::Format));
        assert_eq!(parse_snils("112-233-445 280"), Err(SnilsError::Format));
    }

    #[test]
    fn early_numbers_have_no_check() {
        assert_eq!(parse_snils("001-001-998 77").unwrap(), "001-001-998 77");
        assert_eq!(parse_snils("001-001-999 77"), Err(SnilsError::Checksum));
    }

    #[test]
    fn genders_round_trip_and_names_join() {
        for g in Gender::ALL {
            assert_eq!(Gender::from_code(g.code()).unwrap(), g);
        }
        assert!(Gender::from_code("x").is_err());
        assert_eq!(full_name(" Петрова", "Анна", ""), "Петрова Анна");
        assert_eq!(
            full_name("Петрова", "Анна", "Сергеевна"),
            "Петрова Анна Сергеевна"
        );
    }
}
