//! Argon2id password hashes in PHC string form.

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, PasswordHash, Version};

use crate::AuthError;

/// Argon2id cost parameters; the PHC string records them, so hashes of any cost verify.
#[derive(Debug, Clone, Copy)]
pub struct PasswordCost {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes over memory.
    pub iterations: u32,
}

impl PasswordCost {
    /// The cost for real accounts (the OWASP minimum for Argon2id).
    pub const STANDARD: PasswordCost = PasswordCost {
        memory_kib: 19 * 1024,
        iterations: 2,
    };
    /// A light cost for demo accounts, whose passwords are printed in clear anyway; it keeps
    /// generating a 500-school demo region to minutes instead of hours.
    pub const DEMO: PasswordCost = PasswordCost {
        memory_kib: 1024,
        iterations: 1,
    };

    fn hasher(self) -> Result<Argon2<'static>, AuthError> {
        let params = Params::new(self.memory_kib, self.iterations, 1, None)
            .map_err(|e| AuthError::Hash(e.to_string()))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

/// Hashes a password with the given cost into a PHC string.
pub fn hash_password(password: &str, cost: PasswordCost) -> Result<String, AuthError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| AuthError::Hash(e.to_string()))?;
    cost.hasher()?
        .hash_password_with_salt(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AuthError::Hash(e.to_string()))
}

/// True when the password matches the PHC string; a malformed string never matches.
pub fn verify_password(phc: &str, password: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_verifies_and_rejects_other_passwords() {
        let phc = hash_password("Пароль123", PasswordCost::DEMO).unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify_password(&phc, "Пароль123"));
        assert!(!verify_password(&phc, "пароль123"));
        assert!(!verify_password("not a hash", "Пароль123"));
    }

    #[test]
    fn two_hashes_of_one_password_differ_by_salt() {
        let a = hash_password("x", PasswordCost::DEMO).unwrap();
        let b = hash_password("x", PasswordCost::DEMO).unwrap();
        assert_ne!(a, b);
    }
}
