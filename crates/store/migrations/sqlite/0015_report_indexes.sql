-- The period results walk every mark of a school's period: classes → subject groups → lessons →
-- assignments → marks. With these indexes each step reads only the index, never the table row
-- (the lesson's status, the assignment's weight and the mark's value are in the index), which
-- is most of the cost of a region's report.
DROP INDEX lessons_group_date;
CREATE INDEX lessons_group_date ON lessons(subject_group_id, date, status);
DROP INDEX assignments_lesson;
CREATE INDEX assignments_lesson ON assignments(lesson_id, weight);
CREATE INDEX marks_assignment_value ON marks(assignment_id, value, student_account_id);
