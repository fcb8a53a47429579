-- Announcements to the whole school, to chosen roles or to chosen classes, with an optional
-- last day on which they are shown; the body is HTML already sanitised when saved.
CREATE TABLE announcements (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    author_account_id BIGINT NOT NULL REFERENCES accounts(id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    audience TEXT NOT NULL,
    expires_on DATE,
    posted_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX announcements_organization ON announcements(organization_id, posted_at);

CREATE TABLE announcement_roles (
    announcement_id BIGINT NOT NULL REFERENCES announcements(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    PRIMARY KEY (announcement_id, role)
);

CREATE TABLE announcement_classes (
    announcement_id BIGINT NOT NULL REFERENCES announcements(id) ON DELETE CASCADE,
    class_id BIGINT NOT NULL REFERENCES classes(id),
    PRIMARY KEY (announcement_id, class_id)
);

-- Educational resources and courses: materials (attached files) and a link, published for one
-- subject group or for one class (exactly one of the two is set).
CREATE TABLE resources (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    author_account_id BIGINT NOT NULL REFERENCES accounts(id),
    subject_group_id BIGINT REFERENCES subject_groups(id),
    class_id BIGINT REFERENCES classes(id),
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    link TEXT NOT NULL DEFAULT '',
    posted_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT resources_one_target CHECK ((subject_group_id IS NULL) <> (class_id IS NULL))
);
CREATE INDEX resources_group ON resources(subject_group_id);
CREATE INDEX resources_class ON resources(class_id);
