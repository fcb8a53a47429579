//! Credentials and identity: password hashes, the legacy NetSchool challenge, sealed secrets,
//! tokens, and the OpenID Connect / ESIA relying party.

pub mod legacy;
pub mod oidc;
pub mod passkey;
pub mod password;
pub mod seal;
pub mod token;

pub use seal::ServerKey;

/// What can go wrong in this crate.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// The password hash could not be computed or parsed.
    #[error("password hashing failed: {0}")]
    Hash(String),
    /// The server key could not be read, written or parsed.
    #[error("server key: {0}")]
    Key(String),
    /// A passkey ceremony failed on our side (configuration, stored state).
    #[error("passkey: {0}")]
    Passkey(#[from] passkey::PasskeyError),
}
