//! The territory and organizations that store tests stand on, written with `bulk_insert` as the
//! demo generator does, and the small school several store tests share.
//!
//! Most tests use [`Territory::standard`]: region 1 «Край» (code 99), municipality 2 «Округ»,
//! settlement 3 «Город»; the builder adds regions and organizations where a test needs more.

use std::ops::RangeInclusive;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use sgo_store::{NewSession, Store, Value};

/// Inserts rows into a table (a failed insert fails the test).
pub async fn rows(
    s: &dyn Store,
    table: &'static str,
    columns: &'static [&'static str],
    rows: Vec<Vec<Value>>,
) {
    s.bulk_insert(table, columns, rows)
        .await
        .unwrap_or_else(|e| panic!("insert into {table}: {e}"));
}

/// An organization row.
#[derive(Debug, Clone)]
pub struct Organization {
    /// Its id.
    pub id: i64,
    /// Its settlement.
    pub settlement_id: i64,
    /// Its kind code (`general`, `municipal_authority`, ...).
    pub kind: String,
    /// Its short name.
    pub short_name: String,
    /// Its full name.
    pub full_name: String,
    /// The normalised name the search reads.
    pub name_norm: String,
    /// The director, when the test needs the column.
    pub director: Option<String>,
}

impl Organization {
    /// A general school in settlement 3 with its short name as full name and the short name in
    /// lower case as the search name.
    pub fn school(id: i64, name: &str) -> Organization {
        Organization::new(id, "general", name, name, &name.to_lowercase())
    }

    /// An organization in settlement 3.
    pub fn new(id: i64, kind: &str, short: &str, full: &str, norm: &str) -> Organization {
        Organization {
            id,
            settlement_id: 3,
            kind: kind.into(),
            short_name: short.into(),
            full_name: full.into(),
            name_norm: norm.into(),
            director: None,
        }
    }

    /// The same organization in another settlement.
    pub fn in_settlement(mut self, settlement_id: i64) -> Organization {
        self.settlement_id = settlement_id;
        self
    }

    /// The same organization with a director.
    pub fn director(mut self, director: &str) -> Organization {
        self.director = Some(director.into());
        self
    }
}

/// Regions, municipalities, settlements and organizations to insert.
#[derive(Debug, Clone, Default)]
pub struct Territory {
    regions: Vec<(i64, String, String)>,
    municipalities: Vec<(i64, i64, String)>,
    settlements: Vec<(i64, i64, String)>,
    organizations: Vec<Organization>,
}

impl Territory {
    /// Region 1 «Край» (code 99), municipality 2 «Округ», settlement 3 «Город».
    pub fn standard() -> Territory {
        Territory::named("Край", "Округ", "Город")
    }

    /// Region 1 (code 99), municipality 2 and settlement 3 with these names.
    pub fn named(region: &str, municipality: &str, settlement: &str) -> Territory {
        Territory::default()
            .region(1, "99", region)
            .municipality(2, 1, municipality)
            .settlement(3, 2, settlement)
    }

    /// Adds a region.
    pub fn region(mut self, id: i64, code: &str, name: &str) -> Territory {
        self.regions.push((id, code.into(), name.into()));
        self
    }

    /// Adds a municipality of a region.
    pub fn municipality(mut self, id: i64, region_id: i64, name: &str) -> Territory {
        self.municipalities.push((id, region_id, name.into()));
        self
    }

    /// Adds a settlement of a municipality.
    pub fn settlement(mut self, id: i64, municipality_id: i64, name: &str) -> Territory {
        self.settlements.push((id, municipality_id, name.into()));
        self
    }

    /// Adds an organization.
    pub fn organization(mut self, organization: Organization) -> Territory {
        self.organizations.push(organization);
        self
    }

    /// Adds a general school in settlement 3 ([`Organization::school`]).
    pub fn school(self, id: i64, name: &str) -> Territory {
        self.organization(Organization::school(id, name))
    }

    /// Inserts everything.
    pub async fn insert(self, s: &dyn Store) {
        rows(
            s,
            "regions",
            &["id", "code", "name"],
            self.regions
                .into_iter()
                .map(|(id, code, name)| vec![id.into(), code.into(), name.into()])
                .collect(),
        )
        .await;
        rows(
            s,
            "municipalities",
            &["id", "region_id", "name"],
            self.municipalities
                .into_iter()
                .map(|(id, region, name)| vec![id.into(), region.into(), name.into()])
                .collect(),
        )
        .await;
        rows(
            s,
            "settlements",
            &["id", "municipality_id", "name"],
            self.settlements
                .into_iter()
                .map(|(id, municipality, name)| vec![id.into(), municipality.into(), name.into()])
                .collect(),
        )
        .await;
        let with_director = self.organizations.iter().any(|o| o.director.is_some());
        const COLUMNS: [&str; 7] = [
            "id",
            "settlement_id",
            "kind",
            "short_name",
            "full_name",
            "name_norm",
            "director",
        ];
        let columns: &'static [&'static str] = if with_director {
            &COLUMNS
        } else {
            &COLUMNS[..6]
        };
        let organizations = self
            .organizations
            .into_iter()
            .map(|o| {
                let mut row: Vec<Value> = vec![
                    o.id.into(),
                    o.settlement_id.into(),
                    o.kind.into(),
                    o.short_name.into(),
                    o.full_name.into(),
                    o.name_norm.into(),
                ];
                if with_director {
                    row.push(o.director.unwrap_or_default().into());
                }
                row
            })
            .collect();
        rows(s, "organizations", columns, organizations).await;
    }
}

/// Noon (UTC) of a day of November 2026.
pub fn noon(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, 12, 0, 0).unwrap()
}

/// A calendar day.
pub fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

/// A time of day.
pub fn time(hour: u32, minute: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(hour, minute, 0).unwrap()
}

/// Noon (UTC) of a day.
pub fn noon_on(day: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(12, 0, 0).unwrap())
}

/// A `web` session of an account begun at `now`, its token 32 bytes of `token`, with no cookie,
/// address or browser.
pub fn session(account: i64, token: u8, now: DateTime<Utc>) -> NewSession {
    NewSession {
        token_hash: vec![token; 32],
        cookie_hash: None,
        account_id: account,
        channel: "web".into(),
        now,
        ip: String::new(),
        user_agent: String::new(),
    }
}

/// A person with an account of the same id, as [`members`] inserts them. What a test does not
/// set keeps the schema's default.
#[derive(Debug, Clone)]
pub struct Member {
    id: i64,
    organization_id: i64,
    last_name: String,
    first_name: String,
    middle_name: String,
    login: String,
    display_name: String,
    password_hash: Option<String>,
    legacy_verifier: Option<Vec<u8>>,
    must_change_password: bool,
    active: bool,
    email: String,
    roles: Vec<&'static str>,
    children: Vec<i64>,
}

impl Member {
    /// Person and account `id` of an organization, with the login «LastFirst» and the display
    /// name «Last First».
    pub fn new(id: i64, organization_id: i64, last: &str, first: &str) -> Member {
        Member {
            id,
            organization_id,
            last_name: last.into(),
            first_name: first.into(),
            middle_name: String::new(),
            login: format!("{last}{first}"),
            display_name: format!("{last} {first}"),
            password_hash: None,
            legacy_verifier: None,
            must_change_password: false,
            active: true,
            email: String::new(),
            roles: Vec::new(),
            children: Vec::new(),
        }
    }

    /// With a middle name.
    pub fn middle(mut self, middle: &str) -> Member {
        self.middle_name = middle.into();
        self
    }

    /// With another login (its normalised form follows).
    pub fn login(mut self, login: &str) -> Member {
        self.login = login.into();
        self
    }

    /// With another display name.
    pub fn display(mut self, name: &str) -> Member {
        self.display_name = name.into();
        self
    }

    /// With a password hash and a sealed NetSchool verifier.
    pub fn password(mut self, hash: Option<&str>, verifier: Option<Vec<u8>>) -> Member {
        self.password_hash = hash.map(Into::into);
        self.legacy_verifier = verifier;
        self
    }

    /// Whether a one-time password must be changed.
    pub fn must_change_password(mut self, must: bool) -> Member {
        self.must_change_password = must;
        self
    }

    /// Whether the account may sign in.
    pub fn active(mut self, active: bool) -> Member {
        self.active = active;
        self
    }

    /// With an e-mail address.
    pub fn email(mut self, email: &str) -> Member {
        self.email = email.into();
        self
    }

    /// With a role (`student`, `parent`, `teacher`, ...).
    pub fn role(mut self, role: &'static str) -> Member {
        self.roles.push(role);
        self
    }

    /// As the parent of a student.
    pub fn parent_of(mut self, student: i64) -> Member {
        self.children.push(student);
        self
    }
}

/// Inserts the persons, their accounts (created at `now`), their roles and their children.
pub async fn members(s: &dyn Store, now: DateTime<Utc>, members: &[Member]) {
    rows(
        s,
        "persons",
        &["id", "last_name", "first_name", "middle_name", "created_at"],
        members
            .iter()
            .map(|m| {
                let names = [&m.last_name, &m.first_name, &m.middle_name];
                let mut row: Vec<Value> = vec![m.id.into()];
                row.extend(names.map(|n| Value::from(n.as_str())));
                row.push(now.into());
                row
            })
            .collect(),
    )
    .await;
    rows(
        s,
        "accounts",
        &[
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
            "created_at",
        ],
        members
            .iter()
            .map(|m| {
                vec![
                    m.id.into(),
                    m.id.into(),
                    m.organization_id.into(),
                    m.login.as_str().into(),
                    sgo_core::text::normalise(&m.login).into(),
                    m.display_name.as_str().into(),
                    m.password_hash.clone().into(),
                    m.legacy_verifier.clone().into(),
                    m.must_change_password.into(),
                    m.active.into(),
                    m.email.as_str().into(),
                    now.into(),
                ]
            })
            .collect(),
    )
    .await;
    let roles: Vec<Vec<Value>> = members
        .iter()
        .flat_map(|m| m.roles.iter().map(|r| vec![m.id.into(), (*r).into()]))
        .collect();
    if !roles.is_empty() {
        rows(s, "account_roles", &["account_id", "role"], roles).await;
    }
    let links: Vec<Vec<Value>> = members
        .iter()
        .flat_map(|m| m.children.iter().map(|c| vec![m.id.into(), (*c).into()]))
        .collect();
    if !links.is_empty() {
        let columns = &["parent_account_id", "student_account_id"];
        rows(s, "parent_students", columns, links).await;
    }
}

/// The academic year `first/first+1` of an organization, 1 September to 31 May.
pub async fn school_year(s: &dyn Store, id: i64, organization_id: i64, first: i32) {
    rows(
        s,
        "academic_years",
        &["id", "organization_id", "name", "start_date", "end_date"],
        vec![vec![
            id.into(),
            organization_id.into(),
            format!("{first}/{}", first + 1).into(),
            date(first, 9, 1).into(),
            date(first + 1, 5, 31).into(),
        ]],
    )
    .await;
}

/// Classes `(id, grade, letter)` of an organization's year.
pub async fn classes(
    s: &dyn Store,
    organization_id: i64,
    year_id: i64,
    classes: &[(i64, i32, &str)],
) {
    rows(
        s,
        "classes",
        &[
            "id",
            "organization_id",
            "academic_year_id",
            "grade",
            "letter",
        ],
        classes
            .iter()
            .map(|&(id, grade, letter)| {
                vec![
                    id.into(),
                    organization_id.into(),
                    year_id.into(),
                    grade.into(),
                    letter.into(),
                ]
            })
            .collect(),
    )
    .await;
}

/// Places in classes `(id, class, student, from, to)`; `to` is `None` while the student stays.
pub async fn class_students(
    s: &dyn Store,
    places: &[(i64, i64, i64, NaiveDate, Option<NaiveDate>)],
) {
    rows(
        s,
        "class_students",
        &[
            "id",
            "class_id",
            "student_account_id",
            "from_date",
            "to_date",
        ],
        places
            .iter()
            .map(|&(id, class, student, from, to)| {
                vec![
                    id.into(),
                    class.into(),
                    student.into(),
                    from.into(),
                    to.into(),
                ]
            })
            .collect(),
    )
    .await;
}

/// Periods `(id, kind, number, name, grades, start, end)` of a year.
pub async fn periods(s: &dyn Store, year_id: i64, periods: &[Period<'_>]) {
    rows(
        s,
        "periods",
        &[
            "id",
            "academic_year_id",
            "kind",
            "number",
            "name",
            "grade_from",
            "grade_to",
            "start_date",
            "end_date",
        ],
        periods
            .iter()
            .map(|(id, kind, number, name, grades, start, end)| {
                vec![
                    (*id).into(),
                    year_id.into(),
                    (*kind).into(),
                    (*number).into(),
                    (*name).into(),
                    (*grades.start()).into(),
                    (*grades.end()).into(),
                    (*start).into(),
                    (*end).into(),
                ]
            })
            .collect(),
    )
    .await;
}

/// A lesson for [`lessons`]: id, subject group, day, number, start and end, room, teacher.
pub type Lesson<'a> = (
    i64,
    i64,
    NaiveDate,
    i32,
    (NaiveTime, NaiveTime),
    &'a str,
    i64,
);

/// Lessons of the first shift.
pub async fn lessons(s: &dyn Store, lessons: &[Lesson<'_>]) {
    rows(
        s,
        "lessons",
        &[
            "id",
            "subject_group_id",
            "date",
            "shift",
            "number",
            "start_time",
            "end_time",
            "room",
            "teacher_account_id",
        ],
        lessons
            .iter()
            .map(|&(id, group, day, number, (start, end), room, teacher)| {
                vec![
                    id.into(),
                    group.into(),
                    day.into(),
                    1i32.into(),
                    number.into(),
                    start.into(),
                    end.into(),
                    room.into(),
                    teacher.into(),
                ]
            })
            .collect(),
    )
    .await;
}

/// An assignment for [`assignments`]: id, lesson, description, weight, due date, mandatory.
pub type Assignment<'a> = (i64, i64, &'a str, i32, NaiveDate, bool);

/// Assignments of type 70, each titled «Работа id», created at `now`.
pub async fn assignments(s: &dyn Store, now: DateTime<Utc>, assignments: &[Assignment<'_>]) {
    rows(
        s,
        "assignments",
        &[
            "id",
            "lesson_id",
            "type_id",
            "title",
            "description",
            "weight",
            "due_date",
            "mandatory",
            "created_at",
        ],
        assignments
            .iter()
            .map(|&(id, lesson, description, weight, due, mandatory)| {
                vec![
                    id.into(),
                    lesson.into(),
                    70i64.into(),
                    format!("Работа {id}").into(),
                    description.into(),
                    weight.into(),
                    due.into(),
                    mandatory.into(),
                    now.into(),
                ]
            })
            .collect(),
    )
    .await;
}

/// A subject group for [`subject_groups`]: id, class, subgroup (`None` for the whole class),
/// subject, name.
pub type SubjectGroup<'a> = (i64, i64, Option<i64>, i64, &'a str);

/// Subject groups of an organization's year.
pub async fn subject_groups(
    s: &dyn Store,
    organization_id: i64,
    year_id: i64,
    groups: &[SubjectGroup<'_>],
) {
    rows(
        s,
        "subject_groups",
        &[
            "id",
            "organization_id",
            "academic_year_id",
            "class_id",
            "subgroup_id",
            "subject_id",
            "name",
        ],
        groups
            .iter()
            .map(|&(id, class, subgroup, subject, name)| {
                vec![
                    id.into(),
                    organization_id.into(),
                    year_id.into(),
                    class.into(),
                    subgroup.into(),
                    subject.into(),
                    name.into(),
                ]
            })
            .collect(),
    )
    .await;
}

/// A period for [`periods`]: id, kind, number, name, grades, first and last day.
pub type Period<'a> = (
    i64,
    &'a str,
    i32,
    &'a str,
    RangeInclusive<i32>,
    NaiveDate,
    NaiveDate,
);

/// Class 30 (9А) of year 20 of school 10: students 100 and 101 since 1 September 2026, in
/// subgroups 40 («1 подгруппа») and 41 («2 подгруппа»); subjects 50 Алгебра and 51 Английский
/// язык; subject groups 60 (9А/Алгебра, the whole class), 61 and 62 (Английский язык by subgroup).
pub async fn class_9a(s: &dyn Store) {
    let september = date(2026, 9, 1);
    classes(s, 10, 20, &[(30, 9, "А")]).await;
    class_students(
        s,
        &[
            (31, 30, 100, september, None),
            (32, 30, 101, september, None),
        ],
    )
    .await;
    rows(
        s,
        "subgroups",
        &["id", "class_id", "name"],
        vec![
            vec![40i64.into(), 30i64.into(), "1 подгруппа".into()],
            vec![41i64.into(), 30i64.into(), "2 подгруппа".into()],
        ],
    )
    .await;
    rows(
        s,
        "subgroup_students",
        &["subgroup_id", "student_account_id"],
        vec![
            vec![40i64.into(), 100i64.into()],
            vec![41i64.into(), 101i64.into()],
        ],
    )
    .await;
    rows(
        s,
        "subjects",
        &["id", "organization_id", "name"],
        vec![
            vec![50i64.into(), 10i64.into(), "Алгебра".into()],
            vec![51i64.into(), 10i64.into(), "Английский язык".into()],
        ],
    )
    .await;
    let groups = [
        (60, 30, None, 50, "9А/Алгебра"),
        (61, 30, Some(40), 51, "9А/Английский язык/1"),
        (62, 30, Some(41), 51, "9А/Английский язык/2"),
    ];
    subject_groups(s, 10, 20, &groups).await;
}

/// School 10 «Школа 10» on the standard territory with the teacher 100 (Петрова), the parents
/// 101 (Иванова) and 102 (Сидоров).
pub async fn small_school(s: &dyn Store) {
    Territory::standard()
        .organization(Organization::new(
            10,
            "general",
            "Школа 10",
            "МБОУ Школа 10",
            "школа 10",
        ))
        .insert(s)
        .await;
    let people = [
        Member::new(100, 10, "Петрова", "Анна"),
        Member::new(101, 10, "Иванова", "Мария"),
        Member::new(102, 10, "Сидоров", "Олег"),
    ];
    members(s, noon(1), &people).await;
}
