-- What each write changed, appended in the write's own transaction: the truth that caches, other
-- nodes and event deliveries follow by id. The subject is whose data (student, group, class,
-- organization, account), the kind what sort of write. AUTOINCREMENT so that an id is never
-- reused, even after old rows are pruned.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TIMESTAMPTZ NOT NULL,
    subject_kind TEXT NOT NULL,
    subject_id BIGINT NOT NULL,
    kind TEXT NOT NULL
);
