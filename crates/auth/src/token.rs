//! Opaque random tokens: the session token (`at`), the NSSESSIONID cookie, challenge values.

use sha2::{Digest, Sha256};

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    bytes
}

/// A new session token: 32 random bytes as 64 lower-case hex characters.
pub fn new_session_token() -> String {
    hex::encode(random_bytes::<32>())
}

/// A new NSSESSIONID value: 32 hex characters, the shape NetSchool clients recognise.
pub fn new_cookie_id() -> String {
    hex::encode(random_bytes::<16>())
}

/// A random decimal string of the given length, for `lt`, `ver` and `salt`.
pub fn random_digits(len: usize) -> String {
    let mut out = String::with_capacity(len);
    while out.len() < len {
        // Bytes of 250 and above are dropped so that every digit is equally likely.
        for b in random_bytes::<32>() {
            if b < 250 && out.len() < len {
                out.push(char::from(b'0' + b % 10));
            }
        }
    }
    out
}

/// A one-time password for a credential sheet: 8 characters from lower-case Latin letters and
/// digits without the look-alikes (0/o, 1/l/i), so that it can be read off paper and typed.
pub fn one_time_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    // 256 is not a multiple of the alphabet size: bytes at or above the largest multiple are
    // dropped so that every character is equally likely.
    let limit = (256 / ALPHABET.len() * ALPHABET.len()) as u8;
    let mut out = String::with_capacity(8);
    while out.len() < 8 {
        for b in random_bytes::<16>() {
            if b < limit && out.len() < 8 {
                out.push(char::from(ALPHABET[usize::from(b) % ALPHABET.len()]));
            }
        }
    }
    out
}

/// A new key for the file store: 32 lower-case hex characters.
pub fn new_file_key() -> String {
    hex::encode(random_bytes::<16>())
}

/// A random (version 4) GUID in its usual text form, the handle NetSchool clients get for an
/// uploaded attachment.
pub fn new_guid() -> String {
    let mut b = random_bytes::<16>();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// The stored form of a token: its SHA-256.
pub fn hash_token(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    #[test]
    fn guids_have_the_usual_shape() {
        let g = super::new_guid();
        assert_eq!(g.len(), 36);
        assert_eq!(g.as_bytes()[14], b'4');
        assert!(matches!(g.as_bytes()[19], b'8' | b'9' | b'a' | b'b'));
        assert_ne!(g, super::new_guid());
        assert_eq!(super::new_file_key().len(), 32);
    }

    #[test]
    fn one_time_passwords_are_readable_and_differ() {
        let a = super::one_time_password();
        let b = super::one_time_password();
        assert_eq!(a.len(), 8);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() && !"01ilo".contains(c))
        );
        assert_ne!(a, b);
    }

    use super::*;

    #[test]
    fn tokens_have_the_expected_shapes_and_differ() {
        let a = new_session_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, new_session_token());
        let c = new_cookie_id();
        assert_eq!(c.len(), 32);
        assert!(c.chars().all(|ch| ch.is_ascii_hexdigit()));
        let d = random_digits(10);
        assert_eq!(d.len(), 10);
        assert_eq!(random_digits(100).len(), 100);
        assert!(d.chars().all(|ch| ch.is_ascii_digit()));
        assert_eq!(hash_token("x"), hash_token("x"));
        assert_ne!(hash_token("x"), hash_token("y"));
    }
}
