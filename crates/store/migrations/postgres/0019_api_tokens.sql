-- Personal access tokens of the open API (/api/v1). A token is a session of the channel 'api'
-- (so that signing out everywhere, deactivation and the per-request session check end it as they
-- end any session) with what only a token has: its name, its scopes and its expiry.
CREATE TABLE api_tokens (
    session_id BIGINT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    scopes TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
