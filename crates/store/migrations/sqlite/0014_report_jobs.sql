-- Reports built in the background. A job keeps who asked, what (the request as JSON, so any
-- server process can build it), how far it got and, once done, the finished document as JSON
-- until it expires. The queue key is the secret the NetSchool clients present to wait for it.
-- The node is the host whose process builds the job: a restarting node fails only its own
-- unfinished jobs, not those other nodes sharing the database are building.
CREATE TABLE report_jobs (
    id INTEGER PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    queue_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    request TEXT NOT NULL,
    node TEXT NOT NULL,
    state TEXT NOT NULL,
    progress INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    document TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX report_jobs_account ON report_jobs(account_id, id);
CREATE INDEX report_jobs_expiry ON report_jobs(expires_at);
CREATE INDEX report_jobs_state ON report_jobs(state);
