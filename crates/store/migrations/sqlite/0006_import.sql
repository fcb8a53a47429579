-- Import batches: a checked file waits here until the administration confirms it; applying it
-- writes every person in one transaction. The payload is the checked batch as JSON and is
-- emptied once applied, leaving the counts and the outcome.
CREATE TABLE import_batches (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    created_by BIGINT NOT NULL REFERENCES accounts(id),
    created_at TIMESTAMPTZ NOT NULL,
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL DEFAULT '',
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    students INTEGER NOT NULL DEFAULT 0,
    parents INTEGER NOT NULL DEFAULT 0,
    staff INTEGER NOT NULL DEFAULT 0,
    rows_total INTEGER NOT NULL DEFAULT 0,
    rows_done INTEGER NOT NULL DEFAULT 0,
    message TEXT NOT NULL DEFAULT '',
    finished_at TIMESTAMPTZ
);
CREATE INDEX import_batches_organization ON import_batches(organization_id, created_at);
