//! A software passkey authenticator for the tests: one P-256 key and credential, attestation
//! «none», user verification always done. It answers the options the server sends exactly as a
//! browser would hand them on (JSON with base64url fields).

#![allow(dead_code, clippy::unwrap_used)]

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// Base64url without padding, as WebAuthn JSON uses.
pub fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A device with one passkey.
pub struct SoftAuthenticator {
    key: SigningKey,
    credential_id: Vec<u8>,
    user_handle: Option<String>,
    counter: u32,
}

/// CBOR head of a major type with a length or value.
fn cbor_head(major: u8, n: usize) -> Vec<u8> {
    let m = major << 5;
    match n {
        0..=23 => vec![m | n as u8],
        24..=255 => vec![m | 24, n as u8],
        _ => {
            let [hi, lo] = (n as u16).to_be_bytes();
            vec![m | 25, hi, lo]
        }
    }
}

fn cbor_bytes(b: &[u8]) -> Vec<u8> {
    let mut out = cbor_head(2, b.len());
    out.extend_from_slice(b);
    out
}

fn cbor_text(t: &str) -> Vec<u8> {
    let mut out = cbor_head(3, t.len());
    out.extend_from_slice(t.as_bytes());
    out
}

impl SoftAuthenticator {
    /// A new device with a fresh key.
    pub fn new() -> SoftAuthenticator {
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).unwrap();
        let mut credential_id = vec![0u8; 32];
        getrandom::fill(&mut credential_id).unwrap();
        SoftAuthenticator {
            key: SigningKey::from_slice(&secret).unwrap(),
            credential_id,
            user_handle: None,
            counter: 0,
        }
    }

    fn cose_key(&self) -> Vec<u8> {
        let point = self.key.verifying_key().to_sec1_point(false);
        let raw = point.as_bytes();
        let (x, y) = (&raw[1..33], &raw[33..65]);
        // {1: 2 (EC2), 3: -7 (ES256), -1: 1 (P-256), -2: x, -3: y}
        let mut out = vec![0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21];
        out.extend(cbor_bytes(x));
        out.push(0x22);
        out.extend(cbor_bytes(y));
        out
    }

    fn client_data(kind: &str, options: &Value, origin: &str) -> Vec<u8> {
        json!({
            "type": kind,
            "challenge": options["publicKey"]["challenge"],
            "origin": origin,
            "crossOrigin": false,
        })
        .to_string()
        .into_bytes()
    }

    /// `navigator.credentials.create` for the given creation options.
    pub fn create(&mut self, options: &Value, origin: &str) -> Value {
        let pk = &options["publicKey"];
        self.user_handle = Some(pk["user"]["id"].as_str().unwrap().to_owned());
        let rp_id = pk["rp"]["id"].as_str().unwrap();
        let mut auth_data = Sha256::digest(rp_id.as_bytes()).to_vec();
        auth_data.push(0x45); // user present, user verified, attested credential data
        auth_data.extend_from_slice(&0u32.to_be_bytes());
        auth_data.extend_from_slice(&[0u8; 16]); // AAGUID
        auth_data.extend_from_slice(&(self.credential_id.len() as u16).to_be_bytes());
        auth_data.extend_from_slice(&self.credential_id);
        auth_data.extend(self.cose_key());
        let mut attestation = vec![0xa3];
        attestation.extend(cbor_text("fmt"));
        attestation.extend(cbor_text("none"));
        attestation.extend(cbor_text("attStmt"));
        attestation.push(0xa0);
        attestation.extend(cbor_text("authData"));
        attestation.extend(cbor_bytes(&auth_data));
        self.credential(json!({
            "attestationObject": b64url(&attestation),
            "clientDataJSON": b64url(&Self::client_data("webauthn.create", options, origin)),
            "transports": ["internal"],
        }))
    }

    /// `navigator.credentials.get` for the given request options (a discoverable credential).
    pub fn get(&mut self, options: &Value, origin: &str) -> Value {
        let rp_id = options["publicKey"]["rpId"].as_str().unwrap();
        self.counter += 1;
        let mut auth_data = Sha256::digest(rp_id.as_bytes()).to_vec();
        auth_data.push(0x05); // user present, user verified
        auth_data.extend_from_slice(&self.counter.to_be_bytes());
        let client_data = Self::client_data("webauthn.get", options, origin);
        let mut signed = auth_data.clone();
        signed.extend_from_slice(&Sha256::digest(&client_data));
        let signature: Signature = self.key.sign(&signed);
        self.credential(json!({
            "authenticatorData": b64url(&auth_data),
            "clientDataJSON": b64url(&client_data),
            "signature": b64url(signature.to_der().as_bytes()),
            "userHandle": self.user_handle,
        }))
    }

    /// This authenticator's public-key credential with a ceremony's `response`.
    fn credential(&self, response: Value) -> Value {
        let id = b64url(&self.credential_id);
        json!({
            "id": id,
            "rawId": id,
            "type": "public-key",
            "response": response,
            "extensions": {},
        })
    }
}
