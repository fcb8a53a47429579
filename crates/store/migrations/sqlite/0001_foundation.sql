-- The foundation schema: territory, organizations, people and accounts, the school year,
-- classes and curriculum, timetable and lessons, assignments, marks, attendance, sessions, audit.
-- The PostgreSQL twin of this file differs only in id columns and the blob type.

CREATE TABLE regions (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    portal_name TEXT NOT NULL DEFAULT ''
);

CREATE TABLE municipalities (
    id INTEGER PRIMARY KEY,
    region_id BIGINT NOT NULL REFERENCES regions(id),
    name TEXT NOT NULL
);
CREATE INDEX municipalities_region ON municipalities(region_id);

CREATE TABLE settlements (
    id INTEGER PRIMARY KEY,
    municipality_id BIGINT NOT NULL REFERENCES municipalities(id),
    name TEXT NOT NULL
);
CREATE INDEX settlements_municipality ON settlements(municipality_id);

CREATE TABLE organizations (
    id INTEGER PRIMARY KEY,
    settlement_id BIGINT NOT NULL REFERENCES settlements(id),
    kind TEXT NOT NULL,
    short_name TEXT NOT NULL,
    full_name TEXT NOT NULL,
    name_norm TEXT NOT NULL,
    authority_id BIGINT REFERENCES organizations(id),
    inn TEXT NOT NULL DEFAULT '',
    ogrn TEXT NOT NULL DEFAULT '',
    post_address TEXT NOT NULL DEFAULT '',
    juridical_address TEXT NOT NULL DEFAULT '',
    phones TEXT NOT NULL DEFAULT '',
    fax TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    web TEXT NOT NULL DEFAULT '',
    director TEXT NOT NULL DEFAULT '',
    principal_uvr TEXT NOT NULL DEFAULT '',
    principal_ahc TEXT NOT NULL DEFAULT '',
    principal_it TEXT NOT NULL DEFAULT '',
    about TEXT NOT NULL DEFAULT '',
    founding_date DATE,
    active BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE INDEX organizations_settlement ON organizations(settlement_id, kind);

CREATE TABLE persons (
    id INTEGER PRIMARY KEY,
    last_name TEXT NOT NULL,
    first_name TEXT NOT NULL,
    middle_name TEXT NOT NULL DEFAULT '',
    birth_date DATE,
    gender TEXT,
    snils TEXT,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES persons(id),
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    login TEXT NOT NULL,
    login_norm TEXT NOT NULL,
    display_name TEXT NOT NULL,
    password_hash TEXT,
    legacy_verifier BYTEA,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    preferred_channel TEXT NOT NULL DEFAULT 'system',
    signature_cert_url TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT accounts_login_unique UNIQUE (organization_id, login_norm)
);
CREATE INDEX accounts_person ON accounts(person_id);

CREATE TABLE account_roles (
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    PRIMARY KEY (account_id, role)
);

CREATE TABLE parent_students (
    parent_account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    student_account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    PRIMARY KEY (parent_account_id, student_account_id)
);
CREATE INDEX parent_students_student ON parent_students(student_account_id);

CREATE TABLE academic_years (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    name TEXT NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE NOT NULL
);
CREATE INDEX academic_years_organization ON academic_years(organization_id, start_date);

CREATE TABLE periods (
    id INTEGER PRIMARY KEY,
    academic_year_id BIGINT NOT NULL REFERENCES academic_years(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    number INTEGER NOT NULL,
    name TEXT NOT NULL,
    grade_from INTEGER NOT NULL,
    grade_to INTEGER NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE NOT NULL
);
CREATE INDEX periods_year ON periods(academic_year_id);

CREATE TABLE holidays (
    id INTEGER PRIMARY KEY,
    academic_year_id BIGINT NOT NULL REFERENCES academic_years(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE NOT NULL
);
CREATE INDEX holidays_year ON holidays(academic_year_id);

CREATE TABLE classes (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    academic_year_id BIGINT NOT NULL REFERENCES academic_years(id),
    grade INTEGER NOT NULL,
    letter TEXT NOT NULL,
    profile TEXT NOT NULL DEFAULT '',
    room TEXT NOT NULL DEFAULT '',
    shift INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT classes_unique UNIQUE (academic_year_id, grade, letter)
);
CREATE INDEX classes_organization ON classes(organization_id);

CREATE TABLE class_teachers (
    class_id BIGINT NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
    teacher_account_id BIGINT NOT NULL REFERENCES accounts(id),
    PRIMARY KEY (class_id, teacher_account_id)
);
CREATE INDEX class_teachers_teacher ON class_teachers(teacher_account_id);

-- Membership is dated so that moving a student keeps the history of where they were.
CREATE TABLE class_students (
    id INTEGER PRIMARY KEY,
    class_id BIGINT NOT NULL REFERENCES classes(id),
    student_account_id BIGINT NOT NULL REFERENCES accounts(id),
    from_date DATE NOT NULL,
    to_date DATE
);
CREATE INDEX class_students_student ON class_students(student_account_id);
CREATE INDEX class_students_class ON class_students(class_id);

CREATE TABLE subgroups (
    id INTEGER PRIMARY KEY,
    class_id BIGINT NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
    name TEXT NOT NULL
);
CREATE INDEX subgroups_class ON subgroups(class_id);

CREATE TABLE subgroup_students (
    subgroup_id BIGINT NOT NULL REFERENCES subgroups(id) ON DELETE CASCADE,
    student_account_id BIGINT NOT NULL REFERENCES accounts(id),
    PRIMARY KEY (subgroup_id, student_account_id)
);
CREATE INDEX subgroup_students_student ON subgroup_students(student_account_id);

CREATE TABLE subjects (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    name TEXT NOT NULL,
    short_name TEXT NOT NULL DEFAULT ''
);
CREATE INDEX subjects_organization ON subjects(organization_id);

CREATE TABLE subject_groups (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    academic_year_id BIGINT NOT NULL REFERENCES academic_years(id),
    class_id BIGINT NOT NULL REFERENCES classes(id),
    subgroup_id BIGINT REFERENCES subgroups(id),
    subject_id BIGINT NOT NULL REFERENCES subjects(id),
    name TEXT NOT NULL,
    hours_per_week INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX subject_groups_class ON subject_groups(class_id);

CREATE TABLE subject_group_teachers (
    subject_group_id BIGINT NOT NULL REFERENCES subject_groups(id) ON DELETE CASCADE,
    teacher_account_id BIGINT NOT NULL REFERENCES accounts(id),
    PRIMARY KEY (subject_group_id, teacher_account_id)
);
CREATE INDEX subject_group_teachers_teacher ON subject_group_teachers(teacher_account_id);

CREATE TABLE bell_schedules (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    name TEXT NOT NULL
);

CREATE TABLE bells (
    id INTEGER PRIMARY KEY,
    bell_schedule_id BIGINT NOT NULL REFERENCES bell_schedules(id) ON DELETE CASCADE,
    shift INTEGER NOT NULL,
    number INTEGER NOT NULL,
    start_time TIME NOT NULL,
    end_time TIME NOT NULL,
    CONSTRAINT bells_unique UNIQUE (bell_schedule_id, shift, number)
);

-- The weekly template; dated lessons are generated from it and then changed one by one.
CREATE TABLE timetable_entries (
    id INTEGER PRIMARY KEY,
    subject_group_id BIGINT NOT NULL REFERENCES subject_groups(id) ON DELETE CASCADE,
    weekday INTEGER NOT NULL,
    shift INTEGER NOT NULL,
    number INTEGER NOT NULL,
    room TEXT NOT NULL DEFAULT '',
    valid_from DATE NOT NULL,
    valid_to DATE
);
CREATE INDEX timetable_entries_group ON timetable_entries(subject_group_id);

CREATE TABLE lessons (
    id INTEGER PRIMARY KEY,
    subject_group_id BIGINT NOT NULL REFERENCES subject_groups(id),
    date DATE NOT NULL,
    shift INTEGER NOT NULL,
    number INTEGER NOT NULL,
    start_time TIME NOT NULL,
    end_time TIME NOT NULL,
    room TEXT NOT NULL DEFAULT '',
    topic TEXT NOT NULL DEFAULT '',
    teacher_account_id BIGINT REFERENCES accounts(id),
    status TEXT NOT NULL DEFAULT 'scheduled'
);
CREATE INDEX lessons_group_date ON lessons(subject_group_id, date);

CREATE TABLE assignment_types (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    name TEXT NOT NULL,
    abbr TEXT NOT NULL,
    default_weight INTEGER NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0,
    active BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE INDEX assignment_types_organization ON assignment_types(organization_id);

CREATE TABLE assignments (
    id INTEGER PRIMARY KEY,
    lesson_id BIGINT NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
    type_id BIGINT NOT NULL REFERENCES assignment_types(id),
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    weight INTEGER NOT NULL,
    due_date DATE NOT NULL,
    mandatory BOOLEAN NOT NULL DEFAULT FALSE,
    created_by BIGINT REFERENCES accounts(id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX assignments_lesson ON assignments(lesson_id);

-- A mark is a value 1..5, or a special code, or only a duty flag (a «точка»: work owed).
CREATE TABLE marks (
    id INTEGER PRIMARY KEY,
    assignment_id BIGINT NOT NULL REFERENCES assignments(id) ON DELETE CASCADE,
    student_account_id BIGINT NOT NULL REFERENCES accounts(id),
    value INTEGER,
    code TEXT,
    duty BOOLEAN NOT NULL DEFAULT FALSE,
    comment TEXT NOT NULL DEFAULT '',
    set_at TIMESTAMPTZ NOT NULL,
    set_by BIGINT REFERENCES accounts(id),
    CONSTRAINT marks_unique UNIQUE (assignment_id, student_account_id)
);
CREATE INDEX marks_student ON marks(student_account_id, assignment_id);

CREATE TABLE attendance (
    lesson_id BIGINT NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
    student_account_id BIGINT NOT NULL REFERENCES accounts(id),
    code TEXT NOT NULL,
    set_at TIMESTAMPTZ NOT NULL,
    set_by BIGINT REFERENCES accounts(id),
    PRIMARY KEY (lesson_id, student_account_id)
);
CREATE INDEX attendance_student ON attendance(student_account_id, lesson_id);

-- Tokens are stored only as hashes: a copy of the database does not let anyone sign in.
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    token_hash BYTEA NOT NULL,
    cookie_hash BYTEA,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    ip TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '',
    CONSTRAINT sessions_token_unique UNIQUE (token_hash)
);
CREATE INDEX sessions_cookie ON sessions(cookie_hash);
CREATE INDEX sessions_account ON sessions(account_id);

-- The NetSchool challenge (lt, ver, salt), bound to the pre-login NSSESSIONID and used once.
CREATE TABLE login_tickets (
    id INTEGER PRIMARY KEY,
    cookie_hash BYTEA NOT NULL,
    lt TEXT NOT NULL,
    ver TEXT NOT NULL,
    salt TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_tickets_cookie ON login_tickets(cookie_hash);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    actor_account_id BIGINT,
    action TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT '',
    ip TEXT NOT NULL DEFAULT '',
    result TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_actor ON audit_log(actor_account_id);
