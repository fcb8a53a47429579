//! AES-256-GCM sealing with the server key, for secrets that must be recoverable (not hashed).

use std::path::Path;

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

use crate::AuthError;

const NONCE_LEN: usize = 12;

/// The server's secret key. Every node of one deployment must share it.
#[derive(Clone)]
pub struct ServerKey {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerKey(..)")
    }
}

impl ServerKey {
    /// A fresh random key.
    pub fn generate() -> Result<Self, AuthError> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| AuthError::Key(e.to_string()))?;
        Ok(Self::from_bytes(&bytes))
    }

    fn from_bytes(bytes: &[u8; 32]) -> Self {
        let key = aes_gcm::Key::<Aes256Gcm>::from(*bytes);
        ServerKey {
            cipher: Aes256Gcm::new(&key),
        }
    }

    /// Parses a key given as base64 of 32 bytes (configuration or key file).
    pub fn from_base64(text: &str) -> Result<Self, AuthError> {
        let bytes = B64
            .decode(text.trim())
            .map_err(|_| AuthError::Key("the key is not valid base64".into()))?;
        let bytes: [u8; 32] = bytes
            .try_into()
            .map_err(|_| AuthError::Key("the key must be 32 bytes".into()))?;
        Ok(Self::from_bytes(&bytes))
    }

    /// Reads the key file, or creates it (readable by the owner only) when absent.
    pub fn load_or_create(path: &Path) -> Result<Self, AuthError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::from_base64(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut bytes = [0u8; 32];
                getrandom::fill(&mut bytes).map_err(|e| AuthError::Key(e.to_string()))?;
                write_private(path, &B64.encode(bytes))?;
                Ok(Self::from_bytes(&bytes))
            }
            Err(e) => Err(AuthError::Key(format!("{}: {e}", path.display()))),
        }
    }

    /// Encrypts with a random nonce; the result is `nonce || ciphertext`.
    pub fn seal(&self, plaintext: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        // A failing OS random source is not recoverable; sealing with a fixed nonce would be worse.
        getrandom::fill(&mut nonce).expect("the operating system's random source failed");
        let sealed = self
            .cipher
            .encrypt(&Nonce::from(nonce), plaintext)
            .expect("AES-GCM encryption of a short buffer cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        out
    }

    /// [`seal`](Self::seal) of a text, as base64 text for a text column.
    pub fn seal_text(&self, plaintext: &str) -> String {
        B64.encode(self.seal(plaintext.as_bytes()))
    }

    /// The text [`seal_text`](Self::seal_text) sealed; `None` when tampered with or sealed by
    /// another key.
    pub fn open_text(&self, sealed: &str) -> Option<String> {
        let bytes = B64.decode(sealed).ok()?;
        String::from_utf8(self.open(&bytes)?).ok()
    }

    /// Decrypts what [`seal`](Self::seal) produced; `None` when tampered with or sealed by another key.
    pub fn open(&self, sealed: &[u8]) -> Option<Vec<u8>> {
        if sealed.len() < NONCE_LEN {
            return None;
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().ok()?;
        self.cipher.decrypt(&Nonce::from(nonce), body).ok()
    }
}

fn write_private(path: &Path, text: &str) -> Result<(), AuthError> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|e| AuthError::Key(format!("{}: {e}", path.display())))?;
    file.write_all(text.as_bytes())
        .map_err(|e| AuthError::Key(format!("{}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_and_open_round_trip_and_detect_tampering() {
        let key = ServerKey::generate().unwrap();
        let mut sealed = key.seal(b"secret");
        assert_eq!(key.open(&sealed).unwrap(), b"secret");
        let last = sealed.len() - 1;
        sealed[last] ^= 1;
        assert!(key.open(&sealed).is_none());
        assert!(key.open(b"short").is_none());
    }

    #[test]
    fn key_file_is_created_once_and_read_back() {
        let dir = std::env::temp_dir().join(format!("sgo-key-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("server.key");
        let _ = std::fs::remove_file(&path);
        let a = ServerKey::load_or_create(&path).unwrap();
        let b = ServerKey::load_or_create(&path).unwrap();
        assert_eq!(b.open(&a.seal(b"x")).unwrap(), b"x");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
