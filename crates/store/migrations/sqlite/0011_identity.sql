-- ESIA (Госуслуги) identities linked to accounts, the login states of ESIA sign-ins, and the
-- region's rules for them. The PostgreSQL twin of this file differs only in its id column.

-- One ESIA subject (oid) may be linked to several accounts (a parent in two schools).
CREATE TABLE esia_links (
    id INTEGER PRIMARY KEY,
    subject TEXT NOT NULL,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    -- The account holder who linked it from personal settings; NULL when linked automatically.
    linked_by_account_id BIGINT REFERENCES accounts(id) ON DELETE SET NULL,
    -- `settings` or `auto`.
    how TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT esia_links_unique UNIQUE (subject, account_id)
);
CREATE INDEX esia_links_account ON esia_links(account_id);

-- One ESIA round trip: created when the person is sent to the provider (or by a NetSchool
-- client's auth/login-state), authenticated by the callback, used once by the sign-in.
CREATE TABLE esia_login_states (
    id TEXT PRIMARY KEY,
    -- `signin` (web), `link` (personal settings) or `webapi` (NetSchool clients).
    purpose TEXT NOT NULL,
    -- For `link`: the signed-in account that asked.
    account_id BIGINT REFERENCES accounts(id) ON DELETE CASCADE,
    oauth_state TEXT,
    nonce TEXT NOT NULL DEFAULT '',
    pkce_verifier TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    subject TEXT,
    -- JSON of the names, birth date and trust level the provider reported (never SNILS).
    identity TEXT,
    authenticated_at TIMESTAMPTZ,
    used_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX esia_login_states_oauth ON esia_login_states(oauth_state);
CREATE INDEX esia_login_states_expiry ON esia_login_states(expires_at);

-- From this day parents and students aged 14 or more must use a confirmed ESIA account
-- (NULL: no such rule); and whether a first ESIA sign-in may link a matching person itself.
ALTER TABLE regions ADD COLUMN esia_confirmed_from DATE;
ALTER TABLE regions ADD COLUMN esia_auto_link BOOLEAN NOT NULL DEFAULT FALSE;
