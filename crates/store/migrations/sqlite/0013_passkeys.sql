-- Passkeys (WebAuthn), shown to people as «Мобильный ID»: a device that signs in without a password.
-- The credential is webauthn-rs's serialised passkey (public key, counter); the user handle is the
-- opaque id the authenticator returns on a discoverable sign-in and must match the account's.
CREATE TABLE passkeys (
    id INTEGER PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    credential_id BYTEA NOT NULL,
    user_handle BYTEA NOT NULL,
    credential TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    CONSTRAINT passkeys_credential_unique UNIQUE (credential_id)
);
CREATE INDEX passkeys_account ON passkeys(account_id);

-- A registration or sign-in ceremony between its two requests. Kept here rather than in memory
-- so that any server process can finish what another started; taken (deleted) on first use.
CREATE TABLE passkey_ceremonies (
    id_hash BYTEA PRIMARY KEY,
    kind TEXT NOT NULL,
    account_id BIGINT REFERENCES accounts(id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX passkey_ceremonies_expiry ON passkey_ceremonies(expires_at);
