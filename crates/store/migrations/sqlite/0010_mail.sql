-- Internal mail. A message is written once; each person who has it (the author and every
-- recipient) has a mailbox entry with its folder and read state, so deleting is per person.
-- Deliveries are the outbox of e-mails and paper letters for people who chose those channels;
-- the worker picks them up from here, so nothing is lost across restarts.
CREATE TABLE mail_messages (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    author_account_id BIGINT NOT NULL REFERENCES accounts(id),
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    is_html BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL,
    sent_at TIMESTAMPTZ,
    reply_to_id BIGINT,
    -- Lower-cased copies for Cyrillic case-insensitive search (SQLite folds ASCII only).
    subject_norm TEXT NOT NULL,
    author_norm TEXT NOT NULL,
    to_norm TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mail_messages_author ON mail_messages(author_account_id);

CREATE TABLE mail_recipients (
    message_id BIGINT NOT NULL REFERENCES mail_messages(id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    kind TEXT NOT NULL,
    PRIMARY KEY (message_id, account_id)
);
CREATE INDEX mail_recipients_account ON mail_recipients(account_id);

CREATE TABLE mail_entries (
    id INTEGER PRIMARY KEY,
    message_id BIGINT NOT NULL REFERENCES mail_messages(id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    folder TEXT NOT NULL,
    -- The folder a deleted entry returns to on restore.
    home_folder TEXT NOT NULL,
    is_read BOOLEAN NOT NULL DEFAULT FALSE,
    CONSTRAINT mail_entries_unique UNIQUE (message_id, account_id)
);
CREATE INDEX mail_entries_account ON mail_entries(account_id, folder);

CREATE TABLE mail_deliveries (
    id INTEGER PRIMARY KEY,
    message_id BIGINT NOT NULL REFERENCES mail_messages(id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    channel TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    -- For paper letters: the class whose class teacher hands the letter over (NULL: administration).
    class_id BIGINT,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    done_at TIMESTAMPTZ
);
CREATE INDEX mail_deliveries_due ON mail_deliveries(channel, status, next_attempt_at);
CREATE INDEX mail_deliveries_org ON mail_deliveries(organization_id, channel, status);

-- Per-school mail options (absent row: defaults).
CREATE TABLE mail_school_settings (
    organization_id BIGINT PRIMARY KEY REFERENCES organizations(id),
    students_write_classmates BOOLEAN NOT NULL DEFAULT FALSE
);
