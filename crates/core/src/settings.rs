//! Rules for what a person changes about themself: how they are shown and reached, and their
//! password. Each check returns the cleaned value or a Russian message for the form.

use crate::message::Message;
use crate::text;

/// Longest name shown on screen.
pub const MAX_DISPLAY_NAME: usize = 100;
/// Longest e-mail address (RFC 5321 path limit).
const MAX_EMAIL: usize = 254;
/// Longest address of a signature certificate.
const MAX_URL: usize = 500;

/// How a person prefers to receive messages from the school.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// Messages inside the system.
    System,
    /// E-mail.
    Email,
    /// Paper post.
    Paper,
}

impl Channel {
    /// Every channel, in the order the form lists them.
    pub const ALL: [Channel; 3] = [Channel::System, Channel::Email, Channel::Paper];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Channel::System => "system",
            Channel::Email => "email",
            Channel::Paper => "paper",
        }
    }

    /// The Russian title.
    pub fn title(self) -> &'static str {
        match self {
            Channel::System => "Системные сообщения",
            Channel::Email => "Электронная почта",
            Channel::Paper => "Почтовые отправления",
        }
    }

    /// The channel with this code, if any.
    pub fn from_code(code: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// The name shown on screen: required, at most [`MAX_DISPLAY_NAME`] characters, cleaned by the
/// rule for every person's name ([`crate::person::clean_person_name`]).
pub fn check_display_name(input: &str) -> Result<String, Message> {
    let name = crate::person::clean_person_name(input)
        .map_err(|_| crate::msg!("display-name-formula-prefix"))?;
    if name.is_empty() {
        return Err(crate::msg!("display-name-required"));
    }
    if name.chars().count() > MAX_DISPLAY_NAME {
        return Err(crate::msg!("display-name-too-long"));
    }
    Ok(name)
}

/// An e-mail address (empty is allowed and means "none"); the domain is lower-cased.
pub fn check_email(input: &str) -> Result<String, Message> {
    const BAD: Message = crate::msg!("email-invalid");
    let email = input.trim();
    if email.is_empty() {
        return Ok(String::new());
    }
    if email.len() > MAX_EMAIL {
        return Err(BAD);
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Err(BAD);
    };
    let local_ok = !local.is_empty()
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    if local_ok && domain_ok {
        Ok(format!("{local}@{}", domain.to_lowercase()))
    } else {
        Err(BAD)
    }
}

/// A telephone number (empty is allowed): digits, `+`, spaces, brackets and dashes. Russian
/// numbers (`8…` or `+7…`, 11 digits) are written `+7 (XXX) XXX-XX-XX`, others `+digits` or digits.
pub fn normalise_phone(input: &str) -> Result<String, Message> {
    const BAD: Message = crate::msg!("phone-characters-invalid");
    let phone = input.trim();
    if phone.is_empty() {
        return Ok(String::new());
    }
    if !phone
        .chars()
        .all(|c| c.is_ascii_digit() || " +()-".contains(c))
    {
        return Err(BAD);
    }
    let plus = phone.starts_with('+');
    if phone.chars().skip(1).any(|c| c == '+') {
        return Err(crate::msg!("phone-plus-not-first"));
    }
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 5 || digits.len() > 15 {
        return Err(crate::msg!("phone-digit-count"));
    }
    let russian = digits.len() == 11
        && ((plus && digits.starts_with('7')) || (!plus && digits.starts_with('8')));
    Ok(if russian {
        let d = &digits[1..];
        format!("+7 ({}) {}-{}-{}", &d[0..3], &d[3..6], &d[6..8], &d[8..10])
    } else if plus {
        format!("+{digits}")
    } else {
        digits
    })
}

/// The address of an electronic-signature certificate: empty, or an `https://` address.
pub fn check_certificate_url(input: &str) -> Result<String, Message> {
    let url = input.trim();
    if url.is_empty() {
        return Ok(String::new());
    }
    let Some(rest) = url
        .get(..8)
        .filter(|scheme| scheme.eq_ignore_ascii_case("https://"))
        .map(|_| &url[8..])
    else {
        return Err(crate::msg!("certificate-url-not-https"));
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_ok = !host.is_empty()
        && !host.contains('@')
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || ".-:[]".contains(c));
    if url.len() > MAX_URL || !host_ok || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(crate::msg!("certificate-url-invalid"));
    }
    Ok(format!("https://{rest}"))
}

/// Why a new password cannot be accepted, checking what needs no stored hash: its length, that
/// it is not a common password and contains neither the login nor the person's `names` (last and
/// first), and that the repetition matches. `None` when it passes.
pub fn new_password_problem(
    login: &str,
    names: &[&str],
    new: &str,
    repeat: &str,
    min_len: usize,
) -> Option<(&'static str, Message)> {
    if new.chars().count() < min_len {
        return Some((
            "new_password",
            crate::msg!("password-too-short", min = min_len),
        ));
    }
    if new.chars().any(char::is_control) {
        return Some(("new_password", crate::msg!("password-characters-invalid")));
    }
    if text::normalise(new) == text::normalise(login) {
        return Some(("new_password", crate::msg!("password-equals-login")));
    }
    if let Some(weak) = crate::password_strength::weakness(new, login, names) {
        return Some(("new_password", weak));
    }
    if new != repeat {
        return Some(("repeat_password", crate::msg!("password-repeat-mismatch")));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_round_trip() {
        for c in Channel::ALL {
            assert_eq!(Channel::from_code(c.code()), Some(c));
        }
        assert_eq!(Channel::from_code("sms"), None);
    }

    #[test]
    fn display_names_are_required_and_bounded() {
        assert_eq!(
            check_display_name("  Иванова   Мария "),
            Ok("Иванова Мария".into())
        );
        assert!(check_display_name("   ").is_err());
        assert!(check_display_name(&"я".repeat(100)).is_ok());
        assert!(check_display_name(&"я".repeat(101)).is_err());
    }

    #[test]
    fn emails_are_checked() {
        assert_eq!(check_email(""), Ok(String::new()));
        assert_eq!(
            check_email(" Maria@Example.RU "),
            Ok("Maria@example.ru".into())
        );
        assert!(check_email("почта@школа.рф").is_ok());
        for bad in [
            "maria",
            "maria@",
            "@example.ru",
            "maria@example",
            "ma ria@example.ru",
            "a@@b.ru",
            "a..b@example.ru",
            "a@-x.ru",
        ] {
            assert!(check_email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn phones_are_normalised() {
        assert_eq!(
            normalise_phone("8 (912) 345-67-89"),
            Ok("+7 (912) 345-67-89".into())
        );
        assert_eq!(
            normalise_phone("+79123456789"),
            Ok("+7 (912) 345-67-89".into())
        );
        assert_eq!(
            normalise_phone("+44 20 7946 0958"),
            Ok("+442079460958".into())
        );
        assert_eq!(normalise_phone("22-33-44"), Ok("223344".into()));
        assert_eq!(normalise_phone(""), Ok(String::new()));
        assert!(normalise_phone("8 912 abc").is_err());
        assert!(normalise_phone("12+34567").is_err());
        assert!(normalise_phone("123").is_err());
    }

    #[test]
    fn certificate_addresses_must_be_https() {
        assert_eq!(check_certificate_url(""), Ok(String::new()));
        assert_eq!(
            check_certificate_url("HTTPS://ca.example.ru/c.cer"),
            Ok("https://ca.example.ru/c.cer".into())
        );
        for bad in [
            "http://ca.example.ru/c.cer",
            "https://",
            "https://a b.ru/",
            "ftp://x.ru",
            "https://user@x.ru/",
            "javascript:alert(1)",
        ] {
            assert!(check_certificate_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn new_passwords_follow_the_rules() {
        assert!(
            new_password_problem(
                "ИвановИ",
                &["Иванов", "Иван"],
                "долгий-пароль",
                "долгий-пароль",
                8
            )
            .is_none()
        );
        assert_eq!(
            new_password_problem("ИвановИ", &["Иванов", "Иван"], "short", "short", 8).map(|p| p.0),
            Some("new_password")
        );
        assert_eq!(
            new_password_problem("ИвановИван", &[], "ивановиван", "ивановиван", 8).map(|p| p.0),
            Some("new_password")
        );
        assert_eq!(
            new_password_problem(
                "ИвановИ",
                &["Иванов", "Иван"],
                "долгий-пароль",
                "другой-пароль",
                8
            )
            .map(|p| p.0),
            Some("repeat_password")
        );
        assert_eq!(
            new_password_problem("ИвановИ", &[], "12345678", "12345678", 8).map(|p| p.0),
            Some("new_password")
        );
        assert_eq!(
            new_password_problem(
                "PetrovP",
                &["Иванов", "Иван"],
                "ivanov-navsegda",
                "ivanov-navsegda",
                8
            )
            .map(|p| p.0),
            Some("new_password")
        );
    }
}
