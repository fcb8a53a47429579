-- Protection of sign-in. Failed sign-ins and recovery requests are counted per scope (a login in
-- an organization, a client address, ...) in the database, so that every server process sees
-- the same counts. A login's counter exists whether or not the login does: a lockout must not
-- reveal which logins exist.
CREATE TABLE login_throttles (
    scope TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    window_start TIMESTAMPTZ NOT NULL,
    lockouts BIGINT NOT NULL DEFAULT 0,
    locked_until TIMESTAMPTZ,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_throttles_updated ON login_throttles(updated_at);

-- Password recovery links sent by e-mail. Only the SHA-256 of the token is kept; a token is
-- spent once and expires.
CREATE TABLE password_reset_tokens (
    id INTEGER PRIMARY KEY,
    token_hash BYTEA NOT NULL,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at TIMESTAMPTZ,
    ip TEXT NOT NULL DEFAULT '',
    CONSTRAINT password_reset_tokens_hash_unique UNIQUE (token_hash)
);
CREATE INDEX password_reset_tokens_account ON password_reset_tokens(account_id);
