//! A person's own data as the school keeps it: gender, the SNILS insurance number, and the rule
//! every name of a person passes before it is stored.

use crate::UnknownCode;
use crate::message::Message;

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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnilsError {
    /// Not eleven digits.
    Format,
    /// The last two digits do not match the first nine.
    Checksum,
}

impl SnilsError {
    /// What the person reads.
    pub fn message(self) -> Message {
        match self {
            SnilsError::Format => crate::msg!("snils-format"),
            SnilsError::Checksum => crate::msg!("snils-checksum"),
        }
    }
}

impl std::fmt::Display for SnilsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.message().fmt(f)
    }
}

impl std::error::Error for SnilsError {}

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

/// Why a name was refused; the message goes next to the field (or after the column's name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameError {
    /// Starts like a spreadsheet formula.
    FormulaPrefix,
}

impl NameError {
    /// The message as a sentence of its own, for the line next to a form field.
    pub fn sentence(self) -> Message {
        match self {
            NameError::FormulaPrefix => crate::msg!("name-formula-prefix"),
        }
    }

    /// The message as the end of a sentence that names the column first.
    pub fn message(self) -> Message {
        match self {
            NameError::FormulaPrefix => crate::msg!("name-formula-prefix-after-column"),
        }
    }
}

impl std::fmt::Display for NameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.message().fmt(f)
    }
}

impl std::error::Error for NameError {}

/// Characters that make a spreadsheet cell a formula (or a DDE call) when they come first; the
/// full-width forms count too, as some spreadsheets read them the same way.
const FORMULA_PREFIXES: [char; 8] = ['=', '+', '-', '@', '＝', '＋', '－', '＠'];

/// Invisible characters that change how the text around them is shown (direction overrides,
/// zero-width spaces, the byte-order mark, the soft hyphen): a name never needs them, and they
/// let one name look like another.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206f}' | '\u{feff}')
}

/// A person's last, first or middle name, or the name shown on screen, as it may be stored:
/// control characters (line breaks, tabs) become spaces, invisible formatting characters are
/// dropped, spaces are collapsed and trimmed. A name that then starts with `=`, `+`, `-` or `@`
/// is refused: a list of people exported to a spreadsheet would run it as a formula. An empty
/// result is returned as is (whether a name is required is the caller's rule).
pub fn clean_person_name(input: &str) -> Result<String, NameError> {
    let mut out = String::with_capacity(input.len());
    let mut space = false;
    for c in input.chars() {
        if c.is_control() || c.is_whitespace() {
            space = !out.is_empty();
        } else if !is_invisible(c) {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    if out.starts_with(FORMULA_PREFIXES) {
        return Err(NameError::FormulaPrefix);
    }
    Ok(out)
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
    #[test]
    fn names_lose_control_and_invisible_characters() {
        assert_eq!(
            clean_person_name(" Иванов\r\nПетров ").unwrap(),
            "Иванов Петров"
        );
        assert_eq!(clean_person_name("Ива\u{0}нов").unwrap(), "Ива нов");
        assert_eq!(
            clean_person_name("Ива\u{202e}нов\u{200b}").unwrap(),
            "Иванов"
        );
        assert_eq!(clean_person_name("\t\n").unwrap(), "");
        assert_eq!(
            clean_person_name("Салтыков-Щедрин").unwrap(),
            "Салтыков-Щедрин"
        );
        assert_eq!(clean_person_name("д'Артаньян").unwrap(), "д'Артаньян");
    }

    #[test]
    fn formula_looking_names_are_refused() {
        for bad in [
            "=1+2",
            "+79001234567",
            "-2+3",
            "@SUM(A1)",
            " =HYPERLINK(\"x\")",
            "\r\n=cmd|' /C calc'!A0",
            "\u{200b}=1",
            "＝1",
        ] {
            assert_eq!(
                clean_person_name(bad),
                Err(NameError::FormulaPrefix),
                "{bad:?}"
            );
        }
        assert!(clean_person_name("Анна=Мария").is_ok());
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn a_clean_name_is_safe_and_stable(input in "\\PC*|[\\s\\x00-\\x1f=+@а-яА-Я -]{0,40}") {
                if let Ok(name) = clean_person_name(&input) {
                    prop_assert!(!name.chars().any(|c| c.is_control() || is_invisible(c)));
                    prop_assert!(!name.starts_with(FORMULA_PREFIXES));
                    prop_assert_eq!(name.trim(), name.as_str());
                    prop_assert!(!name.contains("  "));
                    prop_assert_eq!(clean_person_name(&name), Ok(name.clone()));
                }
            }

            #[test]
            fn ordinary_names_pass_unchanged(name in "[А-ЯЁ][а-яё]{1,15}(-[А-ЯЁ][а-яё]{1,15})?( [А-ЯЁ][а-яё]{1,15})?") {
                prop_assert_eq!(clean_person_name(&name), Ok(name.clone()));
            }
        }
    }
}
