-- The journal beyond single marks: every change to a mark is kept (who, when, old → new), and
-- period and year marks («итоговые отметки») per subject group and student.

CREATE TABLE mark_history (
    id INTEGER PRIMARY KEY,
    assignment_id BIGINT NOT NULL REFERENCES assignments(id) ON DELETE CASCADE,
    student_account_id BIGINT NOT NULL REFERENCES accounts(id),
    -- The mark as shown («5», «Н», «5 (долг)», «» for none), before and after.
    old_value TEXT NOT NULL DEFAULT '',
    new_value TEXT NOT NULL DEFAULT '',
    old_comment TEXT NOT NULL DEFAULT '',
    new_comment TEXT NOT NULL DEFAULT '',
    changed_at TIMESTAMPTZ NOT NULL,
    changed_by BIGINT REFERENCES accounts(id)
);
CREATE INDEX mark_history_mark ON mark_history(assignment_id, student_account_id);

-- period_id NULL is the year mark.
CREATE TABLE final_marks (
    id INTEGER PRIMARY KEY,
    subject_group_id BIGINT NOT NULL REFERENCES subject_groups(id) ON DELETE CASCADE,
    student_account_id BIGINT NOT NULL REFERENCES accounts(id),
    period_id BIGINT REFERENCES periods(id) ON DELETE CASCADE,
    value INTEGER,
    code TEXT,
    set_at TIMESTAMPTZ NOT NULL,
    set_by BIGINT REFERENCES accounts(id)
);
CREATE UNIQUE INDEX final_marks_unique ON final_marks(subject_group_id, student_account_id, COALESCE(period_id, 0));
CREATE INDEX final_marks_student ON final_marks(student_account_id);
