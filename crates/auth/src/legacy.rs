//! The NetSchool challenge login: `pw2 = md5(salt + md5_hex(cp1251(password)))`.
//!
//! The server must keep `md5_hex(cp1251(password))` (the "verifier") to check a challenge. It is
//! password-equivalent for this protocol, so it is only ever stored sealed with the server key.

use md5::{Digest, Md5};

use crate::seal::ServerKey;

/// The verifier of a password, or `None` when the password has characters outside cp1251
/// (such a password cannot be sent by the NetSchool clients at all).
pub fn verifier(password: &str) -> Option<String> {
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1251.encode(password);
    if unmappable {
        return None;
    }
    Some(hex::encode(Md5::digest(&bytes)))
}

/// The verifier sealed with the server key, ready to store.
pub fn seal_verifier(key: &ServerKey, password: &str) -> Option<Vec<u8>> {
    verifier(password).map(|v| key.seal(v.as_bytes()))
}

/// The `pw2` a client computes from a verifier and the salt it was given.
pub fn expected_pw2(verifier: &str, salt: &str) -> String {
    let mut h = Md5::new();
    h.update(salt.as_bytes());
    h.update(verifier.as_bytes());
    hex::encode(h.finalize())
}

/// Checks a challenge answer against a sealed verifier. `pw` is the truncated legacy field,
/// optional because mobile logins omit it; when present it must be a prefix of `pw2`.
pub fn check_challenge(
    key: &ServerKey,
    sealed: &[u8],
    salt: &str,
    pw2: &str,
    pw: Option<&str>,
) -> bool {
    let Some(verifier) = key.open(sealed) else {
        return false;
    };
    let Ok(verifier) = String::from_utf8(verifier) else {
        return false;
    };
    let expected = expected_pw2(&verifier, salt);
    let pw2 = pw2.to_ascii_lowercase();
    if !constant_time_eq(expected.as_bytes(), pw2.as_bytes()) {
        return false;
    }
    match pw {
        Some(pw) if !pw.is_empty() => expected.starts_with(&pw.to_ascii_lowercase()),
        _ => true,
    }
}

/// Compares without an early exit, so timing does not reveal how many characters matched.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_worked_example_of_the_spec() {
        let v = verifier("Пароль123").unwrap();
        assert_eq!(v, "aa710476e0054592eefcae6ca2d9136e");
        assert_eq!(
            expected_pw2(&v, "1458933352"),
            "0fdad4a0ed8daba58877dbce8145d306"
        );
    }

    #[test]
    fn rejects_passwords_outside_cp1251() {
        assert!(verifier("пароль😀").is_none());
    }

    #[test]
    fn checks_a_sealed_challenge() {
        let key = ServerKey::generate().unwrap();
        let sealed = seal_verifier(&key, "Пароль123").unwrap();
        let pw2 = "0fdad4a0ed8daba58877dbce8145d306";
        assert!(check_challenge(
            &key,
            &sealed,
            "1458933352",
            pw2,
            Some("0fdad4a0e")
        ));
        assert!(check_challenge(&key, &sealed, "1458933352", pw2, None));
        assert!(!check_challenge(
            &key,
            &sealed,
            "1458933352",
            pw2,
            Some("ffff")
        ));
        assert!(!check_challenge(&key, &sealed, "1458933353", pw2, None));
        let other = ServerKey::generate().unwrap();
        assert!(!check_challenge(&other, &sealed, "1458933352", pw2, None));
    }
}
