//! Rules for the organization card the region administrator fills: requisites and contacts.

use crate::OrganizationKind;

/// ИНН of an organization: 10 digits (legal entity) or 12 (individual entrepreneur).
pub fn inn_shape_ok(inn: &str) -> bool {
    all_digits(inn) && matches!(inn.len(), 10 | 12)
}

/// ОГРН: 13 digits (legal entity) or 15 (ОГРНИП of an individual entrepreneur).
pub fn ogrn_shape_ok(ogrn: &str) -> bool {
    all_digits(ogrn) && matches!(ogrn.len(), 13 | 15)
}

/// An e-mail address of the usual shape `name@domain.zone`: one `@`, no spaces, a dot in the
/// domain that is neither its first nor its last character.
pub fn email_shape_ok(email: &str) -> bool {
    if email.chars().any(|c| c.is_whitespace() || c.is_control()) || email.len() > 254 {
        return false;
    }
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
}

/// A login a person can type: letters (Latin or Cyrillic), digits, `.`, `_`, `-`; 1 to 64 characters.
pub fn login_shape_ok(login: &str) -> bool {
    let n = login.chars().count();
    (1..=64).contains(&n)
        && login
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Which organizations of a region to list; `None` means any.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrganizationFilter {
    /// Only this municipality.
    pub municipality_id: Option<i64>,
    /// Only this kind.
    pub kind: Option<OrganizationKind>,
    /// Normalised text the normalised name must contain.
    pub name_norm: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inn_has_ten_or_twelve_digits() {
        assert!(inn_shape_ok("9912345678"));
        assert!(inn_shape_ok("991234567890"));
        assert!(!inn_shape_ok("99123456789"));
        assert!(!inn_shape_ok("99123456a8"));
        assert!(!inn_shape_ok(""));
    }

    #[test]
    fn ogrn_has_thirteen_or_fifteen_digits() {
        assert!(ogrn_shape_ok("1029912345678"));
        assert!(ogrn_shape_ok("302991234567890"));
        assert!(!ogrn_shape_ok("10299123456789"));
        assert!(!ogrn_shape_ok("１０２９９１２３４５６７８")); // full-width digits are not digits here
    }

    #[test]
    fn email_needs_one_at_and_a_dotted_domain() {
        assert!(email_shape_ok("school1@edu-zarechny.ru"));
        assert!(email_shape_ok("директор@школа.рф"));
        for bad in [
            "", "a@b", "@b.ru", "a@.ru", "a@b.", "a b@c.ru", "a@b@c.ru", "a@b..ru",
        ] {
            assert!(!email_shape_ok(bad), "{bad}");
        }
    }

    #[test]
    fn logins_are_letters_digits_and_a_few_marks() {
        assert!(login_shape_ok("IvanovIP"));
        assert!(login_shape_ok("ИвановИП2"));
        assert!(login_shape_ok("i.ivanov_2-a"));
        assert!(!login_shape_ok(""));
        assert!(!login_shape_ok("ivan ivanov"));
        assert!(!login_shape_ok("a<b"));
        assert!(!login_shape_ok(&"a".repeat(65)));
    }
}
