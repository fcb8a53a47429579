-- File contents are kept in the data directory on SQLite; these tables hold them only on
-- PostgreSQL (see the PostgreSQL migration of the same number). They exist here, empty, so that
-- both engines keep one schema.
CREATE TABLE file_blobs (
    id INTEGER PRIMARY KEY,
    sha256 BLOB,
    size BIGINT NOT NULL,
    chunk_count INTEGER NOT NULL,
    refs BIGINT NOT NULL,
    CONSTRAINT file_blobs_sha256_unique UNIQUE (sha256)
);
CREATE TABLE file_chunks (
    blob_id BIGINT NOT NULL REFERENCES file_blobs(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (blob_id, seq)
);
CREATE TABLE file_keys (
    storage_key TEXT PRIMARY KEY,
    blob_id BIGINT NOT NULL REFERENCES file_blobs(id)
);
CREATE INDEX file_keys_blob ON file_keys(blob_id);
