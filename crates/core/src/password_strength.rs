//! Passwords nobody should choose: the common ones, and ones built from the person's own login
//! or name, which anyone who knows them tries first.
//!
//! The list (`data/common-passwords.txt`, 22,000 entries) is Django's 20,000 common passwords
//! (Royce Williams' list, BSD licence) with common Russian words, names and keyboard walks added
//! in Cyrillic and as typed on a Latin layout; `data/README.md` says exactly how it was made.

use std::collections::HashSet;
use std::sync::OnceLock;

use crate::message::Message;
use crate::{login, text};

/// One password a line, lower-cased, «ё» folded to «е».
const COMMON: &str = include_str!("../data/common-passwords.txt");

/// Names and logins shorter than this are not searched for inside a password: «Ли» or «Ян»
/// would refuse too much.
const MIN_PART: usize = 3;

fn common() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| COMMON.lines().filter(|l| !l.is_empty()).collect())
}

/// How many passwords the shipped list holds.
pub fn common_count() -> usize {
    common().len()
}

/// Whether the password is one of the shipped common passwords (case and «ё» ignored).
pub fn is_common(password: &str) -> bool {
    let folded: String = password
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ё' { 'е' } else { c })
        .collect();
    common().contains(folded.as_str())
}

/// The forms a login or name takes inside a password: as written and transliterated.
fn forms(part: &str) -> Vec<String> {
    let norm = text::normalise(part);
    let mut out = Vec::new();
    if norm.chars().count() >= MIN_PART {
        let latin = text::normalise(&login::transliterate(&norm));
        if latin != norm && latin.chars().count() >= MIN_PART {
            out.push(latin);
        }
        out.push(norm);
    }
    out
}

/// What is wrong with `password` as the password of an account with this login and the
/// person's last and first names, or `None`. Case and «ё» are ignored everywhere.
pub fn weakness(password: &str, login: &str, names: &[&str]) -> Option<Message> {
    if is_common(password) {
        return Some(crate::msg!("password-common"));
    }
    let folded = text::normalise(password);
    if forms(login).iter().any(|f| folded.contains(f.as_str())) {
        return Some(crate::msg!("password-contains-login"));
    }
    let named = names
        .iter()
        .flat_map(|n| n.split_whitespace())
        .flat_map(forms)
        .any(|f| folded.contains(f.as_str()));
    if named {
        return Some(crate::msg!("password-contains-name"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_long_enough_and_well_formed() {
        assert!(common_count() >= 10_000, "{}", common_count());
        for line in COMMON.lines() {
            assert_eq!(line, text::normalise(line).as_str(), "{line:?}");
        }
    }

    #[test]
    fn common_passwords_are_refused_whatever_their_case() {
        for p in [
            "12345678",
            "password",
            "PassWord1",
            "qwertyuiop",
            "gfhjkm123",
            "ПАРОЛЬ123",
        ] {
            assert!(weakness(p, "ivanovi", &["Иванов", "Иван"]).is_some(), "{p}");
        }
        assert!(is_common("йцукенгшщз"));
        assert!(!is_common("Ласточка-над-Волгой-7"));
    }

    #[test]
    fn login_and_names_are_refused_inside_the_password() {
        let names = ["Ёлкина", "Алёна"];
        assert_eq!(
            weakness("xx-ElkinaA-2024", "ElkinaA", &names)
                .map(|m| m.to_string())
                .as_deref(),
            Some("Пароль не должен содержать имя пользователя")
        );
        assert_eq!(
            weakness("моя-елкина-фамилия", "ElkinaA", &names)
                .map(|m| m.to_string())
                .as_deref(),
            Some("Пароль не должен содержать вашу фамилию или имя")
        );
        assert_eq!(
            weakness("ALENA!!2011x", "ElkinaA", &names)
                .map(|m| m.to_string())
                .as_deref(),
            Some("Пароль не должен содержать вашу фамилию или имя")
        );
        assert_eq!(weakness("Ласточка-над-Волгой-7", "ElkinaA", &names), None);
        // Two-letter names are not searched for.
        assert_eq!(weakness("Ласточка-над-Волгой-7", "Li", &["Ли", "Ян"]), None);
    }
}
