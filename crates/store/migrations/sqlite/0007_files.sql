-- Attached files: the name people gave them, what they belong to, and the opaque key of their
-- bytes in the file store. A file is uploaded first (owner 'pending', visible to its uploader
-- only) and then attached to one assignment, announcement, resource or mail message.
CREATE TABLE files (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    storage_key TEXT NOT NULL,
    guid TEXT NOT NULL,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    owner_kind TEXT NOT NULL,
    owner_id BIGINT,
    uploaded_by BIGINT NOT NULL REFERENCES accounts(id),
    uploaded_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT files_guid_unique UNIQUE (guid)
);
CREATE INDEX files_owner ON files(owner_kind, owner_id);
CREATE INDEX files_storage_key ON files(storage_key);
CREATE INDEX files_uploader ON files(uploaded_by, owner_kind);
