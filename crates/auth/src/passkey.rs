//! Passkeys (WebAuthn): the relying party's side of registering a device and of signing in with
//! it. Options and answers travel as JSON; the state between a ceremony's two requests is
//! serialised so that it can wait in the database and any server process can finish it.

use serde_json::Value;
use webauthn_rs::prelude::{
    AuthenticationResult, CredentialID, DiscoverableAuthentication, Passkey, PasskeyRegistration,
    PublicKeyCredential, RegisterPublicKeyCredential, Url, Uuid, Webauthn, WebauthnBuilder,
};

/// Why a passkey ceremony could not go on.
#[derive(Debug, thiserror::Error)]
pub enum PasskeyError {
    /// The portal address is missing or is not one a browser accepts for WebAuthn.
    #[error("passkeys need public_url with a domain name: {0}")]
    Config(String),
    /// The browser's answer is malformed or does not verify.
    #[error("passkey answer refused: {0}")]
    Refused(String),
    /// The stored state or credential could not be read back.
    #[error("passkey state unreadable: {0}")]
    Corrupt(String),
}

/// A started ceremony: options for the browser and the state to keep until its answer.
#[derive(Debug, Clone)]
pub struct Started {
    /// `PublicKeyCredentialCreationOptions` or `…RequestOptions`, under `publicKey`.
    pub options: Value,
    /// The server-side state, serialised.
    pub state: String,
}

/// A device just registered.
#[derive(Debug, Clone)]
pub struct Registered {
    /// The user handle the registration was started for.
    pub user_handle: Vec<u8>,
    /// The credential id the authenticator chose.
    pub credential_id: Vec<u8>,
    /// The serialised passkey to store.
    pub credential: String,
}

/// Who an authenticator says is signing in, before the signature is checked.
#[derive(Debug, Clone)]
pub struct Claimed {
    /// The credential used.
    pub credential_id: Vec<u8>,
    /// The user handle stored on the authenticator.
    pub user_handle: Vec<u8>,
}

/// What a registration keeps between its two requests.
#[derive(serde::Serialize, serde::Deserialize)]
struct RegistrationState {
    user_handle: Vec<u8>,
    registration: PasskeyRegistration,
}

/// The portal as a WebAuthn relying party.
pub struct RelyingParty {
    webauthn: Webauthn,
}

impl std::fmt::Debug for RelyingParty {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelyingParty").finish_non_exhaustive()
    }
}

fn refused(e: impl std::fmt::Display) -> PasskeyError {
    PasskeyError::Refused(e.to_string())
}

fn corrupt(e: impl std::fmt::Display) -> PasskeyError {
    PasskeyError::Corrupt(e.to_string())
}

/// A new random user handle: the authenticator keeps it, so it must not reveal who the person is.
pub fn new_user_handle() -> Vec<u8> {
    Uuid::new_v4().as_bytes().to_vec()
}

impl RelyingParty {
    /// The relying party of the portal at `public_url` (its host is the RP id, its origin the
    /// only origin accepted); `name` is what authenticators show.
    pub fn new(public_url: &str, name: &str) -> Result<RelyingParty, PasskeyError> {
        let url = Url::parse(public_url).map_err(|e| PasskeyError::Config(e.to_string()))?;
        let host = url
            .domain()
            .ok_or_else(|| PasskeyError::Config(format!("{public_url} has no domain name")))?
            .to_owned();
        let webauthn = WebauthnBuilder::new(&host, &url)
            .and_then(|b| b.rp_name(name).build())
            .map_err(|e| PasskeyError::Config(e.to_string()))?;
        Ok(RelyingParty { webauthn })
    }

    /// Starts registering a device for a user; `exclude` are the user's credentials already
    /// registered, so that the same authenticator is not added twice.
    pub fn start_registration(
        &self,
        user_handle: &[u8],
        login: &str,
        display_name: &str,
        exclude: Vec<Vec<u8>>,
    ) -> Result<Started, PasskeyError> {
        let user = Uuid::from_slice(user_handle).map_err(corrupt)?;
        let exclude: Vec<CredentialID> = exclude;
        let exclude = (!exclude.is_empty()).then_some(exclude);
        let (ccr, state) = self
            .webauthn
            .start_passkey_registration(user, login, display_name, exclude)
            .map_err(refused)?;
        // Signing in without a login needs the credential kept on the device (discoverable):
        // webauthn-rs only discourages it, so the request asks for it outright.
        let mut options = serde_json::to_value(&ccr).map_err(corrupt)?;
        if let Some(selection) = options["publicKey"]["authenticatorSelection"].as_object_mut() {
            selection.insert("residentKey".into(), "required".into());
            selection.insert("requireResidentKey".into(), true.into());
        }
        Ok(Started {
            options,
            state: serde_json::to_string(&RegistrationState {
                user_handle: user_handle.to_vec(),
                registration: state,
            })
            .map_err(corrupt)?,
        })
    }

    /// Checks the browser's answer to a registration against the kept state.
    pub fn finish_registration(
        &self,
        state: &str,
        answer: &Value,
    ) -> Result<Registered, PasskeyError> {
        let state: RegistrationState = serde_json::from_str(state).map_err(corrupt)?;
        let answer: RegisterPublicKeyCredential =
            serde_json::from_value(answer.clone()).map_err(refused)?;
        let passkey = self
            .webauthn
            .finish_passkey_registration(&answer, &state.registration)
            .map_err(refused)?;
        Ok(Registered {
            user_handle: state.user_handle,
            credential_id: passkey.cred_id().clone(),
            credential: serde_json::to_string(&passkey).map_err(corrupt)?,
        })
    }

    /// Starts a sign-in where the device offers its own credentials (no login typed).
    pub fn start_sign_in(&self) -> Result<Started, PasskeyError> {
        let (mut rcr, state) = self
            .webauthn
            .start_discoverable_authentication()
            .map_err(refused)?;
        // The library prepares autofill (conditional) mediation; the portal asks from a button.
        rcr.mediation = None;
        Ok(Started {
            options: serde_json::to_value(&rcr).map_err(corrupt)?,
            state: serde_json::to_string(&state).map_err(corrupt)?,
        })
    }

    /// Reads which credential and user handle a sign-in answer claims, to find the passkey.
    pub fn claimed(answer: &Value) -> Result<Claimed, PasskeyError> {
        let answer: PublicKeyCredential =
            serde_json::from_value(answer.clone()).map_err(refused)?;
        let user_handle = answer
            .get_user_unique_id()
            .ok_or_else(|| refused("no user handle"))?
            .to_vec();
        Ok(Claimed {
            credential_id: answer.get_credential_id().to_vec(),
            user_handle,
        })
    }

    /// Checks a sign-in answer against the kept state and the stored passkey; returns the
    /// passkey to store back (its signature counter moves with each use).
    pub fn finish_sign_in(
        &self,
        state: &str,
        answer: &Value,
        credential: &str,
    ) -> Result<String, PasskeyError> {
        let state: DiscoverableAuthentication = serde_json::from_str(state).map_err(corrupt)?;
        let mut passkey: Passkey = serde_json::from_str(credential).map_err(corrupt)?;
        let answer: PublicKeyCredential =
            serde_json::from_value(answer.clone()).map_err(refused)?;
        let result: AuthenticationResult = self
            .webauthn
            .finish_discoverable_authentication_v2(&answer, state, &passkey)
            .map_err(refused)?;
        passkey.update_credential(&result);
        serde_json::to_string(&passkey).map_err(corrupt)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn the_portal_address_must_have_a_domain() {
        assert!(RelyingParty::new("http://localhost:8080", "СГО").is_ok());
        assert!(RelyingParty::new("https://sgo.example.ru", "СГО").is_ok());
        assert!(matches!(
            RelyingParty::new("http://127.0.0.1:8080", "СГО"),
            Err(PasskeyError::Config(_))
        ));
        assert!(matches!(
            RelyingParty::new("", "СГО"),
            Err(PasskeyError::Config(_))
        ));
    }

    #[test]
    fn registration_asks_for_a_discoverable_credential() {
        let rp = RelyingParty::new("https://sgo.example.ru", "СГО").unwrap();
        let started = rp
            .start_registration(
                &new_user_handle(),
                "ivanov",
                "Иванов И.",
                vec![vec![1, 2, 3]],
            )
            .unwrap();
        let options = &started.options["publicKey"];
        assert_eq!(options["rp"]["id"], "sgo.example.ru");
        assert_eq!(options["authenticatorSelection"]["residentKey"], "required");
        assert_eq!(options["excludeCredentials"][0]["id"], "AQID");
        assert!(options["challenge"].as_str().is_some_and(|c| !c.is_empty()));
        assert!(!started.state.is_empty());
    }

    #[test]
    fn a_bogus_answer_is_refused() {
        let rp = RelyingParty::new("https://sgo.example.ru", "СГО").unwrap();
        let reg = rp
            .start_registration(&new_user_handle(), "ivanov", "Иванов И.", Vec::new())
            .unwrap();
        let bogus = serde_json::json!({ "id": "x", "rawId": "eA", "type": "public-key",
            "response": { "attestationObject": "AAAA", "clientDataJSON": "AAAA" } });
        assert!(matches!(
            rp.finish_registration(&reg.state, &bogus),
            Err(PasskeyError::Refused(_))
        ));
        let sign_in = rp.start_sign_in().unwrap();
        assert!(sign_in.options["mediation"].is_null());
        assert!(RelyingParty::claimed(&serde_json::json!({ "nonsense": true })).is_err());
    }
}
