//! Rows waiting to be written, table by table, flushed in an order the foreign keys accept.

use std::collections::HashMap;

use sgo_store::{Store, StoreResult, Value};

/// A table and the columns the generator fills.
pub(crate) struct Table {
    pub(crate) name: &'static str,
    pub(crate) columns: &'static [&'static str],
}

macro_rules! table {
    ($const:ident, $name:literal, [$($col:literal),+ $(,)?]) => {
        pub(crate) const $const: Table = Table { name: $name, columns: &[$($col),+] };
    };
}

table!(REGIONS, "regions", ["id", "code", "name", "portal_name"]);
table!(
    MUNICIPALITIES,
    "municipalities",
    ["id", "region_id", "name"]
);
table!(
    SETTLEMENTS,
    "settlements",
    ["id", "municipality_id", "name"]
);
table!(
    ORGANIZATIONS,
    "organizations",
    [
        "id",
        "settlement_id",
        "kind",
        "short_name",
        "full_name",
        "name_norm",
        "authority_id",
        "inn",
        "ogrn",
        "post_address",
        "juridical_address",
        "phones",
        "fax",
        "email",
        "web",
        "director",
        "principal_uvr",
        "principal_ahc",
        "principal_it",
        "about",
        "founding_date",
        "active",
    ]
);
table!(
    PERSONS,
    "persons",
    [
        "id",
        "last_name",
        "first_name",
        "middle_name",
        "birth_date",
        "gender",
        "created_at"
    ]
);
table!(
    ACCOUNTS,
    "accounts",
    [
        "id",
        "person_id",
        "organization_id",
        "login",
        "login_norm",
        "display_name",
        "password_hash",
        "legacy_verifier",
        "must_change_password",
        "active",
        "email",
        "phone",
        "preferred_channel",
        "created_at",
    ]
);
table!(ACCOUNT_ROLES, "account_roles", ["account_id", "role"]);
table!(
    PARENT_STUDENTS,
    "parent_students",
    ["parent_account_id", "student_account_id"]
);
table!(
    ACADEMIC_YEARS,
    "academic_years",
    ["id", "organization_id", "name", "start_date", "end_date"]
);
table!(
    PERIODS,
    "periods",
    [
        "id",
        "academic_year_id",
        "kind",
        "number",
        "name",
        "grade_from",
        "grade_to",
        "start_date",
        "end_date",
    ]
);
table!(
    HOLIDAYS,
    "holidays",
    ["id", "academic_year_id", "name", "start_date", "end_date"]
);
table!(
    CLASSES,
    "classes",
    [
        "id",
        "organization_id",
        "academic_year_id",
        "grade",
        "letter",
        "profile",
        "room",
        "shift"
    ]
);
table!(
    CLASS_TEACHERS,
    "class_teachers",
    ["class_id", "teacher_account_id"]
);
table!(
    CLASS_STUDENTS,
    "class_students",
    [
        "id",
        "class_id",
        "student_account_id",
        "from_date",
        "to_date"
    ]
);
table!(SUBGROUPS, "subgroups", ["id", "class_id", "name"]);
table!(
    SUBGROUP_STUDENTS,
    "subgroup_students",
    ["subgroup_id", "student_account_id"]
);
table!(
    SUBJECTS,
    "subjects",
    ["id", "organization_id", "name", "short_name"]
);
table!(
    SUBJECT_GROUPS,
    "subject_groups",
    [
        "id",
        "organization_id",
        "academic_year_id",
        "class_id",
        "subgroup_id",
        "subject_id",
        "name",
        "hours_per_week",
    ]
);
table!(
    SUBJECT_GROUP_TEACHERS,
    "subject_group_teachers",
    ["subject_group_id", "teacher_account_id"]
);
table!(
    BELL_SCHEDULES,
    "bell_schedules",
    ["id", "organization_id", "name"]
);
table!(
    BELLS,
    "bells",
    [
        "id",
        "bell_schedule_id",
        "shift",
        "number",
        "start_time",
        "end_time"
    ]
);
table!(
    TIMETABLE_ENTRIES,
    "timetable_entries",
    [
        "id",
        "subject_group_id",
        "weekday",
        "shift",
        "number",
        "room",
        "valid_from",
        "valid_to",
    ]
);
table!(
    LESSONS,
    "lessons",
    [
        "id",
        "subject_group_id",
        "date",
        "shift",
        "number",
        "start_time",
        "end_time",
        "room",
        "topic",
        "teacher_account_id",
    ]
);
table!(
    ASSIGNMENT_TYPES,
    "assignment_types",
    [
        "id",
        "organization_id",
        "name",
        "abbr",
        "default_weight",
        "sort_order",
        "active"
    ]
);
table!(
    ASSIGNMENTS,
    "assignments",
    [
        "id",
        "lesson_id",
        "type_id",
        "title",
        "description",
        "weight",
        "due_date",
        "mandatory",
        "created_by",
        "created_at",
    ]
);
table!(
    MARKS,
    "marks",
    [
        "id",
        "assignment_id",
        "student_account_id",
        "value",
        "code",
        "duty",
        "comment",
        "set_at",
        "set_by"
    ]
);
table!(
    ATTENDANCE,
    "attendance",
    [
        "lesson_id",
        "student_account_id",
        "code",
        "set_at",
        "set_by"
    ]
);

/// Every table in an order where each row's references are already written.
const ORDER: [&Table; 27] = [
    &REGIONS,
    &MUNICIPALITIES,
    &SETTLEMENTS,
    &ORGANIZATIONS,
    &PERSONS,
    &ACCOUNTS,
    &ACCOUNT_ROLES,
    &PARENT_STUDENTS,
    &ACADEMIC_YEARS,
    &PERIODS,
    &HOLIDAYS,
    &CLASSES,
    &CLASS_TEACHERS,
    &CLASS_STUDENTS,
    &SUBGROUPS,
    &SUBGROUP_STUDENTS,
    &SUBJECTS,
    &SUBJECT_GROUPS,
    &SUBJECT_GROUP_TEACHERS,
    &BELL_SCHEDULES,
    &BELLS,
    &TIMETABLE_ENTRIES,
    &LESSONS,
    &ASSIGNMENT_TYPES,
    &ASSIGNMENTS,
    &MARKS,
    &ATTENDANCE,
];

/// Rows of one batch (the region's frame, or one school).
#[derive(Default)]
pub(crate) struct Batch {
    rows: HashMap<&'static str, Vec<Vec<Value>>>,
}

impl Batch {
    /// Queues one row; its width must match the table's columns.
    pub(crate) fn push(&mut self, table: &Table, row: Vec<Value>) {
        debug_assert_eq!(
            row.len(),
            table.columns.len(),
            "row width for {}",
            table.name
        );
        self.rows.entry(table.name).or_default().push(row);
    }

    /// Writes everything queued, table by table, and empties the batch.
    pub(crate) async fn flush(&mut self, store: &dyn Store) -> StoreResult<()> {
        for table in ORDER {
            if let Some(rows) = self.rows.remove(table.name)
                && !rows.is_empty()
            {
                store.bulk_insert(table.name, table.columns, rows).await?;
            }
        }
        Ok(())
    }
}

/// Ids handed out per table, continuing from school to school.
#[derive(Debug)]
pub(crate) struct Ids {
    next: HashMap<&'static str, i64>,
}

impl Ids {
    pub(crate) fn new() -> Ids {
        Ids {
            next: HashMap::new(),
        }
    }

    /// The next id of a table, starting at 1.
    pub(crate) fn next(&mut self, table: &Table) -> i64 {
        let slot = self.next.entry(table.name).or_insert(1);
        let id = *slot;
        *slot += 1;
        id
    }

    /// The first of `n` consecutive ids of a table.
    pub(crate) fn block(&mut self, table: &Table, n: usize) -> i64 {
        let slot = self.next.entry(table.name).or_insert(1);
        let id = *slot;
        *slot += n as i64;
        id
    }
}
