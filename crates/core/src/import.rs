//! Import files of students with parents and of staff: the columns, and the rules a row must
//! pass before anything is written. Pure: the caller supplies the school's classes, the logins
//! already taken and today's date.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::Role;
use crate::login::suggest_login;
use crate::person::clean_person_name;
use crate::text::normalise;

/// The most data rows one file may hold; larger schools split the file.
pub const MAX_ROWS: usize = 10_000;

/// Which file is being imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportKind {
    /// «Ученики и родители»: one row per student, up to two parents.
    Students,
    /// «Сотрудники»: one row per employee with their roles.
    Staff,
}

impl ImportKind {
    /// The code used in URLs, forms and the staging table.
    pub fn code(self) -> &'static str {
        match self {
            ImportKind::Students => "students",
            ImportKind::Staff => "staff",
        }
    }

    /// Parses a code.
    pub fn from_code(code: &str) -> Option<ImportKind> {
        match code {
            "students" => Some(ImportKind::Students),
            "staff" => Some(ImportKind::Staff),
            _ => None,
        }
    }

    /// The Russian name shown to people.
    pub fn title(self) -> &'static str {
        match self {
            ImportKind::Students => "Ученики и родители",
            ImportKind::Staff => "Сотрудники",
        }
    }

    /// The columns of this kind of file, in template order.
    pub fn columns(self) -> &'static [Column] {
        match self {
            ImportKind::Students => STUDENT_COLUMNS,
            ImportKind::Staff => STAFF_COLUMNS,
        }
    }

    /// The downloadable template: UTF-8 with a byte-order mark (so Excel reads the Cyrillic),
    /// `;`-separated (Excel's separator in Russian locales), the header and one example row.
    pub fn template_csv(self) -> String {
        let example: &[&str] = match self {
            ImportKind::Students => &[
                "Петров",
                "Иван",
                "Сергеевич",
                "01.09.2015",
                "м",
                "5А",
                "",
                "Петрова",
                "Анна",
                "Ивановна",
                "",
                "petrova@example.ru",
                "+7 900 123-45-67",
                "Петров",
                "Сергей",
                "Олегович",
                "",
                "",
                "",
            ],
            ImportKind::Staff => &[
                "Сидорова",
                "Мария",
                "Петровна",
                "12.04.1985",
                "учитель, завуч",
                "",
                "sidorova@example.ru",
                "+7 900 765-43-21",
            ],
        };
        format!(
            "\u{feff}{}\r\n{}\r\n",
            self.template_header(),
            example.join(";")
        )
    }

    /// The header line of the downloadable template, `;`-separated.
    pub fn template_header(self) -> String {
        self.columns()
            .iter()
            .map(|c| c.title)
            .collect::<Vec<_>>()
            .join(";")
    }
}

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// Фамилия.
    LastName,
    /// Имя.
    FirstName,
    /// Отчество.
    MiddleName,
    /// Дата рождения.
    BirthDate,
    /// Пол.
    Gender,
    /// Класс.
    Class,
    /// Логин.
    Login,
    /// E-mail.
    Email,
    /// Телефон.
    Phone,
    /// Роли.
    Roles,
    /// A field of parent 1 or 2.
    Parent(u8, ParentField),
}

/// The fields given for a parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParentField {
    /// Фамилия.
    LastName,
    /// Имя.
    FirstName,
    /// Отчество.
    MiddleName,
    /// Логин.
    Login,
    /// E-mail.
    Email,
    /// Телефон.
    Phone,
}

/// A column of an import file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The title in the template's header row.
    pub title: &'static str,
    /// What it holds.
    pub field: Field,
    /// Whether a file without this column is refused.
    pub required: bool,
}

const fn col(title: &'static str, field: Field, required: bool) -> Column {
    Column {
        title,
        field,
        required,
    }
}

const fn parent(n: u8, title: &'static str, field: ParentField) -> Column {
    col(title, Field::Parent(n, field), false)
}

const STUDENT_COLUMNS: &[Column] = &[
    col("Фамилия", Field::LastName, true),
    col("Имя", Field::FirstName, true),
    col("Отчество", Field::MiddleName, false),
    col("Дата рождения", Field::BirthDate, false),
    col("Пол", Field::Gender, false),
    col("Класс", Field::Class, true),
    col("Логин", Field::Login, false),
    parent(1, "Родитель 1: Фамилия", ParentField::LastName),
    parent(1, "Родитель 1: Имя", ParentField::FirstName),
    parent(1, "Родитель 1: Отчество", ParentField::MiddleName),
    parent(1, "Родитель 1: Логин", ParentField::Login),
    parent(1, "Родитель 1: E-mail", ParentField::Email),
    parent(1, "Родитель 1: Телефон", ParentField::Phone),
    parent(2, "Родитель 2: Фамилия", ParentField::LastName),
    parent(2, "Родитель 2: Имя", ParentField::FirstName),
    parent(2, "Родитель 2: Отчество", ParentField::MiddleName),
    parent(2, "Родитель 2: Логин", ParentField::Login),
    parent(2, "Родитель 2: E-mail", ParentField::Email),
    parent(2, "Родитель 2: Телефон", ParentField::Phone),
];

const STAFF_COLUMNS: &[Column] = &[
    col("Фамилия", Field::LastName, true),
    col("Имя", Field::FirstName, true),
    col("Отчество", Field::MiddleName, false),
    col("Дата рождения", Field::BirthDate, false),
    col("Роли", Field::Roles, true),
    col("Логин", Field::Login, false),
    col("E-mail", Field::Email, false),
    col("Телефон", Field::Phone, false),
];

/// A header cell reduced to what matching compares: case, «ё», spacing, a trailing
/// explanation in brackets («Пол (м/ж)»), a required-mark `*`, and the spelling of «e-mail».
fn header_key(text: &str) -> String {
    let mut t = normalise(text.trim_start_matches('\u{feff}'));
    if let Some(open) = t.find('(')
        && t.ends_with(')')
    {
        t.truncate(open);
    }
    let t = t.trim().trim_end_matches('*').trim().to_owned();
    let t = t
        .replace("электронная почта", "e-mail")
        .replace("email", "e-mail")
        .replace("е-mail", "e-mail");
    // «Родитель 1 : Фамилия», «Родитель 1 - фамилия» and «Родитель 1: Фамилия» are one column.
    t.replace(" :", ":")
        .replace(": ", ":")
        .replace(" - ", ":")
        .replace(':', ": ")
}

/// Where each known column sits in a file.
#[derive(Debug, Clone, Default)]
pub struct ColumnMap {
    positions: HashMap<Field, usize>,
}

impl ColumnMap {
    /// Matches a header row against the kind's columns; lists the missing required ones.
    pub fn new(kind: ImportKind, headers: &[String]) -> Result<ColumnMap, String> {
        let keys: Vec<String> = headers.iter().map(|h| header_key(h)).collect();
        let mut positions = HashMap::new();
        let mut missing = Vec::new();
        for column in kind.columns() {
            let key = header_key(column.title);
            match keys.iter().position(|k| *k == key) {
                Some(i) => {
                    positions.insert(column.field, i);
                }
                None if column.required => missing.push(format!("«{}»", column.title)),
                None => {}
            }
        }
        if missing.is_empty() {
            Ok(ColumnMap { positions })
        } else {
            Err(format!(
                "В файле нет обязательных столбцов: {}. Первая строка файла должна содержать \
                 заголовки, как в шаблоне «{}».",
                missing.join(", "),
                kind.title()
            ))
        }
    }

    fn get<'r>(&self, row: &'r [String], field: Field) -> &'r str {
        self.positions
            .get(&field)
            .and_then(|&i| row.get(i))
            .map(|s| s.trim())
            .unwrap_or("")
    }
}

/// Gender as stored (`male`, `female`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Gender {
    /// Мужской.
    Male,
    /// Женский.
    Female,
}

impl Gender {
    /// The code stored in `persons.gender`.
    pub fn code(self) -> &'static str {
        match self {
            Gender::Male => "male",
            Gender::Female => "female",
        }
    }
}

/// Reads «м»/«ж» (or the words); empty is no answer, anything else is an error.
pub fn parse_gender(text: &str) -> Result<Option<Gender>, String> {
    match normalise(text).trim_end_matches('.') {
        "" => Ok(None),
        "м" | "муж" | "мужской" => Ok(Some(Gender::Male)),
        "ж" | "жен" | "женский" => Ok(Some(Gender::Female)),
        _ => Err(format!("пол «{text}» — укажите «м» или «ж»")),
    }
}

/// Reads a date written `ДД.ММ.ГГГГ` that is not after `today`; empty is no date.
pub fn parse_birth_date(text: &str, today: NaiveDate) -> Result<Option<NaiveDate>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    let parts: Vec<&str> = text.split('.').collect();
    let numeric = |s: &str, max_len: usize| {
        (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let (Some(day), Some(month), Some(year)) = (
        parts.first().and_then(|s| numeric(s, 2)),
        parts.get(1).and_then(|s| numeric(s, 2)),
        parts
            .get(2)
            .filter(|s| s.len() == 4)
            .and_then(|s| numeric(s, 4)),
    ) else {
        return Err(format!("дата рождения «{text}» — нужен формат ДД.ММ.ГГГГ"));
    };
    if parts.len() != 3 {
        return Err(format!("дата рождения «{text}» — нужен формат ДД.ММ.ГГГГ"));
    }
    let Some(date) = i32::try_from(year)
        .ok()
        .and_then(|y| NaiveDate::from_ymd_opt(y, month, day))
    else {
        return Err(format!("дата рождения «{text}» — такой даты нет"));
    };
    if date > today {
        return Err(format!("дата рождения «{text}» — в будущем"));
    }
    if year < 1900 {
        return Err(format!("дата рождения «{text}» — слишком давно"));
    }
    Ok(Some(date))
}

/// The key a class is looked up by: grade and upper-case letter, «5А».
pub fn class_key(grade: i32, letter: &str) -> String {
    format!("{grade}{}", normalise(letter).to_uppercase())
}

/// Reads a class as people write it («5А», «5 а», «5-А») into its [`class_key`].
pub fn parse_class(text: &str) -> Option<String> {
    let t = text.trim();
    let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
    let grade: i32 = digits.parse().ok()?;
    let rest = t[digits.len()..].trim_start_matches([' ', '-', '–']);
    Some(class_key(grade, rest))
}

/// Reads a role title in Russian.
pub fn parse_role(text: &str) -> Option<Role> {
    match normalise(text).as_str() {
        "учитель" | "педагог" => Some(Role::Teacher),
        "администратор" | "директор" => Some(Role::Administrator),
        "завуч" | "заместитель директора" => Some(Role::DeputyHead),
        "сотрудник" | "персонал" => Some(Role::Staff),
        _ => None,
    }
}

/// Whether an address looks like e-mail: one `@`, something before, a dotted domain, no spaces.
pub fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !text.chars().any(char::is_whitespace)
        && domain.split('.').count() >= 2
        && domain.split('.').all(|p| !p.is_empty())
}

/// Whether a phone is written with digits and the usual separators, with enough digits.
pub fn is_phone(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_ascii_digit() || " +-()".contains(c))
        && text.chars().filter(char::is_ascii_digit).count() >= 5
}

/// Only the digits of a phone, so that «+7 (900) 1» and «+79001» compare equal.
fn phone_digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

/// Why a login cannot be used as written.
fn login_problem(login: &str) -> Option<&'static str> {
    if login.chars().any(char::is_whitespace) {
        Some("не должен содержать пробелов")
    } else if login.chars().count() > 64 {
        Some("длиннее 64 знаков")
    } else {
        None
    }
}

/// One person of the batch as it will be written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonEntry {
    /// Фамилия.
    pub last_name: String,
    /// Имя.
    pub first_name: String,
    /// Отчество (may be empty).
    pub middle_name: String,
    /// Дата рождения.
    pub birth_date: Option<NaiveDate>,
    /// Пол.
    pub gender: Option<Gender>,
    /// The login, as written in the file or suggested.
    pub login: String,
    /// Whether the login was made up here because the file had none.
    pub login_suggested: bool,
    /// E-mail (may be empty).
    pub email: String,
    /// Телефон (may be empty).
    pub phone: String,
}

impl PersonEntry {
    /// «Фамилия Имя Отчество».
    pub fn full_name(&self) -> String {
        [&self.last_name, &self.first_name, &self.middle_name]
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// «Фамилия Имя», as students are shown.
    pub fn short_name(&self) -> String {
        format!("{} {}", self.last_name, self.first_name)
    }
}

/// A student row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StudentEntry {
    /// The row number in the file (the header is row 1).
    pub row: usize,
    /// The student.
    pub person: PersonEntry,
    /// The class id.
    pub class_id: i64,
    /// The class as written in the school («5А»).
    pub class_name: String,
    /// Indexes into [`Batch::parents`].
    pub parents: Vec<usize>,
}

/// A parent, once however many rows name them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParentEntry {
    /// The first row that names this parent.
    pub row: usize,
    /// The parent.
    pub person: PersonEntry,
}

/// An employee row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffEntry {
    /// The row number in the file.
    pub row: usize,
    /// The employee.
    pub person: PersonEntry,
    /// Role codes (`teacher`, …), see [`Role::code`].
    pub roles: Vec<String>,
}

/// Everything a valid file would create.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Batch {
    /// Students with their class and parents.
    pub students: Vec<StudentEntry>,
    /// Distinct parents.
    pub parents: Vec<ParentEntry>,
    /// Employees.
    pub staff: Vec<StaffEntry>,
}

impl Batch {
    /// How many accounts applying it creates.
    pub fn accounts(&self) -> usize {
        self.students.len() + self.parents.len() + self.staff.len()
    }
}

/// The reasons one row is refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowError {
    /// The row number in the file (the header is row 1).
    pub row: usize,
    /// Each reason, in Russian.
    pub reasons: Vec<String>,
}

/// What the school already has, for the checks that look outside the file.
#[derive(Debug, Clone, Default)]
pub struct SchoolFacts {
    /// The current year's classes by [`class_key`], with their ids.
    pub classes: HashMap<String, i64>,
    /// Normalised logins already taken in the school.
    pub taken_logins: HashSet<String>,
    /// Today, to refuse birth dates in the future.
    pub today: NaiveDate,
}

/// The outcome of checking a file: the batch, and the refused rows (empty when all are good).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Validation {
    /// What would be created.
    pub batch: Batch,
    /// Refused rows in file order.
    pub errors: Vec<RowError>,
}

/// Logins claimed so far: the school's and the file's, normalised.
struct LoginBook<'a> {
    school: &'a HashSet<String>,
    file: HashMap<String, usize>,
    next_number: HashMap<String, u32>,
}

impl LoginBook<'_> {
    /// Claims a login written in the file; the reason when it cannot be had.
    fn claim_written(&mut self, login: &str, row: usize, whose: &str) -> Result<(), String> {
        if let Some(problem) = login_problem(login) {
            return Err(format!("{whose}логин «{login}» {problem}"));
        }
        let norm = normalise(login);
        if self.school.contains(&norm) {
            return Err(format!("{whose}логин «{login}» уже занят в школе"));
        }
        match self.file.get(&norm) {
            Some(&first) if first != row => Err(format!(
                "{whose}логин «{login}» уже встречается в строке {first}"
            )),
            Some(_) => Err(format!("{whose}логин «{login}» указан в строке дважды")),
            None => {
                self.file.insert(norm, row);
                Ok(())
            }
        }
    }

    /// A free login built from the name, with a number when the plain one is taken.
    fn suggest(&mut self, person: &PersonEntry) -> String {
        let base = suggest_login(&person.last_name, &person.first_name, &person.middle_name);
        // Namesakes are common in a big file: continue from the last number given to this base.
        let next = self.next_number.entry(normalise(&base)).or_insert(1);
        let mut n = *next;
        loop {
            let login = if n == 1 {
                base.clone()
            } else {
                format!("{base}{n}")
            };
            let norm = normalise(&login);
            if !self.school.contains(&norm) && !self.file.contains_key(&norm) {
                self.file.insert(norm, 0);
                *next = n + 1;
                return login;
            }
            n += 1;
        }
    }
}

/// Cells of one data row, with the column map.
struct Row<'a> {
    map: &'a ColumnMap,
    cells: &'a [String],
}

impl Row<'_> {
    fn get(&self, field: Field) -> &str {
        self.map.get(self.cells, field)
    }
}

/// Checks every row of a file against the rules and the school, and builds the batch.
/// A header that lacks required columns is an `Err` with one message; row problems are listed
/// in [`Validation::errors`].
pub fn validate(
    kind: ImportKind,
    headers: &[String],
    rows: &[Vec<String>],
    school: &SchoolFacts,
) -> Result<Validation, String> {
    let map = ColumnMap::new(kind, headers)?;
    // Numbered as the spreadsheet shows them, skipping blank lines but keeping their numbers.
    let data: Vec<(usize, &Vec<String>)> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (i + 2, r))
        .filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty()))
        .collect();
    if data.is_empty() {
        return Err("В файле нет строк с данными: заполните строки под заголовками.".into());
    }
    if data.len() > MAX_ROWS {
        return Err(format!(
            "В файле {} строк; за один раз можно загрузить не больше {MAX_ROWS}. Разделите файл.",
            data.len()
        ));
    }
    let mut book = LoginBook {
        school: &school.taken_logins,
        file: HashMap::new(),
        next_number: HashMap::new(),
    };
    let mut v = Validation::default();
    let mut pending_logins: Vec<Pending> = Vec::new();
    let mut parent_by_login: HashMap<String, usize> = HashMap::new();
    let mut parent_by_name_phone: HashMap<(String, String), usize> = HashMap::new();

    for (number, cells) in data {
        let row = Row { map: &map, cells };
        let mut reasons = Vec::new();
        let person = read_person(
            &row,
            Field::LastName,
            Field::FirstName,
            Field::MiddleName,
            Field::Login,
            Field::Email,
            Field::Phone,
            "",
            &mut reasons,
        );
        let birth_date = parse_birth_date(row.get(Field::BirthDate), school.today)
            .map_err(|e| reasons.push(e))
            .unwrap_or(None);
        let mut person = PersonEntry {
            birth_date,
            ..person
        };
        match kind {
            ImportKind::Students => {
                person.gender = parse_gender(row.get(Field::Gender))
                    .map_err(|e| reasons.push(e))
                    .unwrap_or(None);
                let class_text = row.get(Field::Class);
                let class = if class_text.is_empty() {
                    reasons.push("не указан класс".into());
                    None
                } else {
                    match parse_class(class_text)
                        .and_then(|k| school.classes.get(&k).map(|id| (k, *id)))
                    {
                        Some(found) => Some(found),
                        None => {
                            reasons.push(format!(
                                "класс «{class_text}» не найден в текущем учебном году"
                            ));
                            None
                        }
                    }
                };
                let mut parents = Vec::new();
                let mut row_parents = Vec::new();
                for n in [1u8, 2] {
                    if let Some(p) = read_parent(&row, n, &mut reasons) {
                        row_parents.push((n, p));
                    }
                }
                let own_login = claim_or_defer(&mut book, &person, number, "", &mut reasons);
                for (n, p) in row_parents {
                    let whose = format!("родитель {n}: ");
                    let name_key = (normalise(&p.full_name()), phone_digits(&p.phone));
                    let existing = if p.login.is_empty() {
                        (!name_key.1.is_empty())
                            .then(|| parent_by_name_phone.get(&name_key).copied())
                            .flatten()
                    } else {
                        parent_by_login.get(&normalise(&p.login)).copied()
                    };
                    match existing {
                        Some(i) => {
                            let known = &v.batch.parents[i];
                            if normalise(&known.person.full_name()) != name_key.0 {
                                reasons.push(format!(
                                    "{whose}логин «{}» в строке {} указан для другого человека ({})",
                                    p.login,
                                    known.row,
                                    known.person.full_name()
                                ));
                            } else if !parents.contains(&i) {
                                parents.push(i);
                            }
                        }
                        None => {
                            let deferred =
                                claim_or_defer(&mut book, &p, number, &whose, &mut reasons);
                            let i = v.batch.parents.len();
                            if !p.login.is_empty() {
                                parent_by_login.insert(normalise(&p.login), i);
                            }
                            if !name_key.1.is_empty() {
                                parent_by_name_phone.insert(name_key, i);
                            }
                            if deferred {
                                pending_logins.push(Pending::Parent(i));
                            }
                            v.batch.parents.push(ParentEntry {
                                row: number,
                                person: p,
                            });
                            parents.push(i);
                        }
                    }
                }
                if let Some((key, class_id)) = class
                    && reasons.is_empty()
                {
                    if own_login {
                        pending_logins.push(Pending::Student(v.batch.students.len()));
                    }
                    v.batch.students.push(StudentEntry {
                        row: number,
                        person,
                        class_id,
                        class_name: key,
                        parents,
                    });
                }
            }
            ImportKind::Staff => {
                let roles = parse_roles(row.get(Field::Roles), &mut reasons);
                let deferred = claim_or_defer(&mut book, &person, number, "", &mut reasons);
                if reasons.is_empty() {
                    if deferred {
                        pending_logins.push(Pending::Staff(v.batch.staff.len()));
                    }
                    v.batch.staff.push(StaffEntry {
                        row: number,
                        person,
                        roles,
                    });
                }
            }
        }
        if !reasons.is_empty() {
            v.errors.push(RowError {
                row: number,
                reasons,
            });
        }
    }
    // Suggestions come last, so that a made-up login never takes one written further down.
    for pending in pending_logins {
        let person = match pending {
            Pending::Student(i) => &mut v.batch.students[i].person,
            Pending::Parent(i) => &mut v.batch.parents[i].person,
            Pending::Staff(i) => &mut v.batch.staff[i].person,
        };
        person.login = book.suggest(person);
        person.login_suggested = true;
    }
    Ok(v)
}

/// Someone whose login is to be suggested once every written login is known.
#[derive(Debug, Clone, Copy)]
enum Pending {
    Student(usize),
    Parent(usize),
    Staff(usize),
}

/// Claims the written login, or reports (true) that one must be suggested.
fn claim_or_defer(
    book: &mut LoginBook<'_>,
    person: &PersonEntry,
    row: usize,
    whose: &str,
    reasons: &mut Vec<String>,
) -> bool {
    if person.login.is_empty() {
        return true;
    }
    if let Err(e) = book.claim_written(&person.login, row, whose) {
        reasons.push(e);
    }
    false
}

#[allow(clippy::too_many_arguments)]
fn read_person(
    row: &Row<'_>,
    last: Field,
    first: Field,
    middle: Field,
    login: Field,
    email: Field,
    phone: Field,
    whose: &str,
    reasons: &mut Vec<String>,
) -> PersonEntry {
    let last_name = name_cell(row.get(last), "фамилия", whose, reasons);
    let first_name = name_cell(row.get(first), "имя", whose, reasons);
    let middle_name = name_cell(row.get(middle), "отчество", whose, reasons);
    if last_name.as_deref() == Some("") {
        reasons.push(format!("{whose}не указана фамилия"));
    }
    if first_name.as_deref() == Some("") {
        reasons.push(format!("{whose}не указано имя"));
    }
    let person = PersonEntry {
        last_name: last_name.unwrap_or_default(),
        first_name: first_name.unwrap_or_default(),
        middle_name: middle_name.unwrap_or_default(),
        birth_date: None,
        gender: None,
        login: row.get(login).to_owned(),
        login_suggested: false,
        email: row.get(email).to_owned(),
        phone: row.get(phone).to_owned(),
    };
    if !person.email.is_empty() && !is_email(&person.email) {
        reasons.push(format!("{whose}неверный e-mail «{}»", person.email));
    }
    if !person.phone.is_empty() && !is_phone(&person.phone) {
        reasons.push(format!("{whose}неверный телефон «{}»", person.phone));
    }
    person
}

/// A name cell passed through the name rule; a refused one is reported and read as `None`.
fn name_cell(written: &str, what: &str, whose: &str, reasons: &mut Vec<String>) -> Option<String> {
    clean_person_name(written)
        .map_err(|e| reasons.push(format!("{whose}{what} «{written}» {e}")))
        .ok()
}

/// Parent `n` of a student row, if any of their cells is filled.
fn read_parent(row: &Row<'_>, n: u8, reasons: &mut Vec<String>) -> Option<PersonEntry> {
    use ParentField as P;
    let f = |p| Field::Parent(n, p);
    let all = [
        P::LastName,
        P::FirstName,
        P::MiddleName,
        P::Login,
        P::Email,
        P::Phone,
    ];
    if all.iter().all(|&p| row.get(f(p)).is_empty()) {
        return None;
    }
    Some(read_person(
        row,
        f(P::LastName),
        f(P::FirstName),
        f(P::MiddleName),
        f(P::Login),
        f(P::Email),
        f(P::Phone),
        &format!("родитель {n}: "),
        reasons,
    ))
}

/// Role titles separated by commas (or `;`), as codes without repeats.
fn parse_roles(text: &str, reasons: &mut Vec<String>) -> Vec<String> {
    let mut roles: Vec<String> = Vec::new();
    for part in text
        .split([',', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        match parse_role(part) {
            Some(role) => {
                if !roles.iter().any(|r| r == role.code()) {
                    roles.push(role.code().to_owned());
                }
            }
            None => reasons.push(format!(
                "неизвестная роль «{part}» (допустимы: учитель, администратор, завуч, сотрудник)"
            )),
        }
    }
    if text.trim().is_empty() {
        reasons.push("не указаны роли".into());
    }
    roles
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
    }

    fn facts() -> SchoolFacts {
        SchoolFacts {
            classes: [
                ("5А".to_owned(), 51),
                ("5Б".to_owned(), 52),
                ("10А".to_owned(), 101),
            ]
            .into_iter()
            .collect(),
            taken_logins: ["ivanovpi".to_owned(), "занят".to_owned()]
                .into_iter()
                .collect(),
            today: d(2026, 11, 23),
        }
    }

    fn strings(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|s| (*s).to_owned()).collect()
    }

    fn student_headers() -> Vec<String> {
        ImportKind::Students
            .columns()
            .iter()
            .map(|c| c.title.to_owned())
            .collect()
    }

    /// A student row: the seven student cells, then parent 1's six, then parent 2's six.
    fn student(cells: &[&str], p1: &[&str], p2: &[&str]) -> Vec<String> {
        let mut row = strings(cells);
        row.resize(7, String::new());
        let mut a = strings(p1);
        a.resize(6, String::new());
        let mut b = strings(p2);
        b.resize(6, String::new());
        row.extend(a);
        row.extend(b);
        row
    }

    fn check_students(rows: &[Vec<String>]) -> Validation {
        validate(ImportKind::Students, &student_headers(), rows, &facts()).unwrap_or_default()
    }

    fn reasons(v: &Validation) -> Vec<(usize, String)> {
        v.errors
            .iter()
            .flat_map(|e| e.reasons.iter().map(move |r| (e.row, r.clone())))
            .collect()
    }

    #[test]
    fn a_good_student_file_becomes_a_batch() {
        let v = check_students(&[
            student(
                &[
                    "Петров",
                    "Иван",
                    "Сергеевич",
                    "01.09.2015",
                    "м",
                    "5А",
                    "petrov",
                ],
                &[
                    "Петрова",
                    "Анна",
                    "Ивановна",
                    "",
                    "anna@example.ru",
                    "+7 900 111-22-33",
                ],
                &[],
            ),
            student(
                &["Петрова", "Мария", "Сергеевна", "3.4.2017", "Ж", "5 б", ""],
                &["Петрова", "Анна", "Ивановна", "", "", "+79001112233"],
                &["Петров", "Сергей", "", "psergei"],
            ),
        ]);
        assert!(v.errors.is_empty(), "{:?}", v.errors);
        assert_eq!(v.batch.students.len(), 2);
        assert_eq!(v.batch.parents.len(), 2, "the mother of both is one parent");
        assert_eq!(v.batch.students[0].parents, vec![0]);
        assert_eq!(v.batch.students[1].parents, vec![0, 1]);
        assert_eq!(v.batch.students[1].class_id, 52);
        assert_eq!(v.batch.students[1].class_name, "5Б");
        assert_eq!(v.batch.students[0].person.birth_date, Some(d(2015, 9, 1)));
        assert_eq!(v.batch.students[1].person.gender, Some(Gender::Female));
        assert_eq!(v.batch.students[1].person.login, "PetrovaMS");
        assert!(v.batch.students[1].person.login_suggested);
        assert_eq!(v.batch.parents[0].person.login, "PetrovaAI");
        assert_eq!(v.batch.parents[1].person.login, "psergei");
        assert!(!v.batch.parents[1].person.login_suggested);
        assert_eq!(v.batch.accounts(), 4);
    }

    #[test]
    fn a_parent_with_the_same_login_is_one_parent() {
        let v = check_students(&[
            student(
                &["А", "Б", "", "", "", "5А"],
                &["Мамина", "Ольга", "", "mama"],
                &[],
            ),
            student(
                &["В", "Г", "", "", "", "5А"],
                &["мамина", "ольга", "", "MAMA"],
                &[],
            ),
        ]);
        assert!(v.errors.is_empty(), "{:?}", v.errors);
        assert_eq!(v.batch.parents.len(), 1);
        assert_eq!(v.batch.students[1].parents, vec![0]);
        // The same login on a different person is refused.
        let v = check_students(&[
            student(
                &["А", "Б", "", "", "", "5А"],
                &["Мамина", "Ольга", "", "mama"],
                &[],
            ),
            student(
                &["В", "Г", "", "", "", "5А"],
                &["Другая", "Ольга", "", "mama"],
                &[],
            ),
        ]);
        assert_eq!(v.errors.len(), 1);
        assert_eq!(v.errors[0].row, 3);
        assert!(v.errors[0].reasons[0].contains("указан для другого человека"));
    }

    #[test]
    fn parents_without_login_or_phone_are_not_merged() {
        let v = check_students(&[
            student(&["А", "Б", "", "", "", "5А"], &["Мамина", "Ольга"], &[]),
            student(&["В", "Г", "", "", "", "5А"], &["Мамина", "Ольга"], &[]),
        ]);
        assert!(v.errors.is_empty());
        assert_eq!(v.batch.parents.len(), 2);
        assert_ne!(
            v.batch.parents[0].person.login,
            v.batch.parents[1].person.login
        );
    }

    #[test]
    fn missing_names_are_reported_with_the_row_number() {
        let v = check_students(&[
            student(&["Петров", "Иван", "", "", "", "5А"], &[], &[]),
            vec![],
            student(&["", "", "", "", "", "5А"], &["", "Анна"], &[]),
        ]);
        assert_eq!(
            reasons(&v),
            vec![
                (4, "не указана фамилия".to_owned()),
                (4, "не указано имя".to_owned()),
                (4, "родитель 1: не указана фамилия".to_owned()),
            ]
        );
        assert_eq!(v.batch.students.len(), 1);
    }

    #[test]
    fn unknown_and_missing_classes_are_refused() {
        let v = check_students(&[
            student(&["А", "Б", "", "", "", "5Я"], &[], &[]),
            student(&["А", "Б", "", "", "", ""], &[], &[]),
            student(&["А", "Б", "", "", "", "10-а"], &[], &[]),
            student(&["А", "Б", "", "", "", "А5"], &[], &[]),
        ]);
        assert_eq!(
            reasons(&v),
            vec![
                (2, "класс «5Я» не найден в текущем учебном году".to_owned()),
                (3, "не указан класс".to_owned()),
                (5, "класс «А5» не найден в текущем учебном году".to_owned()),
            ]
        );
        assert_eq!(v.batch.students[0].class_id, 101);
    }

    #[test]
    fn duplicate_and_taken_logins_are_refused() {
        let v = check_students(&[
            student(&["А", "Б", "", "", "", "5А", "dup"], &[], &[]),
            student(&["В", "Г", "", "", "", "5А", "DUP"], &[], &[]),
            student(&["Д", "Е", "", "", "", "5А", "Занят"], &[], &[]),
            student(&["Ж", "З", "", "", "", "5А", "два слова"], &[], &[]),
            student(
                &["И", "К", "", "", "", "5А", "same"],
                &["Л", "М", "", "same"],
                &[],
            ),
        ]);
        assert_eq!(
            reasons(&v),
            vec![
                (3, "логин «DUP» уже встречается в строке 2".to_owned()),
                (4, "логин «Занят» уже занят в школе".to_owned()),
                (
                    5,
                    "логин «два слова» не должен содержать пробелов".to_owned()
                ),
                (
                    6,
                    "родитель 1: логин «same» указан в строке дважды".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn suggested_logins_avoid_the_school_and_the_file() {
        // ivanovpi is taken in the school; IvanovPI2 is written further down the file.
        let v = check_students(&[
            student(&["Иванов", "Пётр", "Игоревич", "", "", "5А"], &[], &[]),
            student(&["Иванов", "Павел", "Ильич", "", "", "5А"], &[], &[]),
            student(
                &["Другой", "Ученик", "", "", "", "5А", "IvanovPI2"],
                &[],
                &[],
            ),
        ]);
        assert!(v.errors.is_empty());
        let logins: Vec<&str> = v
            .batch
            .students
            .iter()
            .map(|s| s.person.login.as_str())
            .collect();
        assert_eq!(logins, vec!["IvanovPI3", "IvanovPI4", "IvanovPI2"]);
    }

    #[test]
    fn dates_must_be_real_past_and_dd_mm_yyyy() {
        let today = d(2026, 11, 23);
        assert_eq!(parse_birth_date("", today), Ok(None));
        assert_eq!(
            parse_birth_date("05.03.2016", today),
            Ok(Some(d(2016, 3, 5)))
        );
        assert_eq!(parse_birth_date("23.11.2026", today), Ok(Some(today)));
        for (text, why) in [
            ("2016-03-05", "формат"),
            ("05.03.16", "формат"),
            ("5/3/2016", "формат"),
            ("05.03.2016.1", "формат"),
            ("aa.03.2016", "формат"),
            ("31.02.2016", "такой даты нет"),
            ("00.01.2016", "такой даты нет"),
            ("24.11.2026", "в будущем"),
            ("01.01.1850", "слишком давно"),
        ] {
            let e = parse_birth_date(text, today).unwrap_err();
            assert!(e.contains(why), "{text}: {e}");
        }
        let v = check_students(&[student(&["А", "Б", "", "31.02.2015", "", "5А"], &[], &[])]);
        assert_eq!(
            reasons(&v),
            vec![(2, "дата рождения «31.02.2015» — такой даты нет".to_owned())]
        );
    }

    #[test]
    fn gender_is_m_or_zh() {
        assert_eq!(parse_gender("м"), Ok(Some(Gender::Male)));
        assert_eq!(parse_gender("Ж"), Ok(Some(Gender::Female)));
        assert_eq!(parse_gender("жен."), Ok(Some(Gender::Female)));
        assert_eq!(parse_gender(""), Ok(None));
        assert!(parse_gender("x").unwrap_err().contains("«м» или «ж»"));
        let v = check_students(&[student(&["А", "Б", "", "", "мальчик", "5А"], &[], &[])]);
        assert_eq!(
            v.errors[0].reasons,
            vec!["пол «мальчик» — укажите «м» или «ж»"]
        );
    }

    #[test]
    fn emails_and_phones() {
        assert!(is_email("a.b@school.ru"));
        for bad in [
            "", "ab", "a@b", "@b.ru", "a@@b.ru", "a b@c.ru", "a@b..ru", "a@b.ru.",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
        assert!(is_phone("+7 (900) 123-45-67"));
        assert!(!is_phone("позвонить"));
        assert!(!is_phone("12"));
        let v = check_students(&[student(
            &["А", "Б", "", "", "", "5А"],
            &["В", "Г", "", "", "not-an-email", "звонить"],
            &[],
        )]);
        assert_eq!(
            reasons(&v),
            vec![
                (2, "родитель 1: неверный e-mail «not-an-email»".to_owned()),
                (2, "родитель 1: неверный телефон «звонить»".to_owned()),
            ]
        );
    }

    #[test]
    fn headers_match_loosely_and_missing_required_ones_are_one_error() {
        let headers = strings(&[
            "\u{feff}ФАМИЛИЯ",
            "имя *",
            "Пол (м/ж)",
            "класс",
            "родитель 1 : фамилия",
        ]);
        let map = ColumnMap::new(ImportKind::Students, &headers).unwrap();
        let row = strings(&["Ёжиков", "Ёж", "м", "5А", "Ёжикова"]);
        assert_eq!(map.get(&row, Field::LastName), "Ёжиков");
        assert_eq!(map.get(&row, Field::Gender), "м");
        assert_eq!(
            map.get(&row, Field::Parent(1, ParentField::LastName)),
            "Ёжикова"
        );
        assert_eq!(map.get(&row, Field::Login), "");
        let e =
            ColumnMap::new(ImportKind::Students, &strings(&["Фамилия", "Отчество"])).unwrap_err();
        assert!(e.contains("«Имя», «Класс»"), "{e}");
        let staff = strings(&["Фамилия", "Имя", "Роли", "Email"]);
        let map = ColumnMap::new(ImportKind::Staff, &staff).unwrap();
        assert_eq!(
            map.get(&strings(&["", "", "", "x@y.ru"]), Field::Email),
            "x@y.ru"
        );
    }

    #[test]
    fn empty_and_oversized_files_are_refused() {
        let e = validate(
            ImportKind::Students,
            &student_headers(),
            &[vec![String::new()]],
            &facts(),
        )
        .unwrap_err();
        assert!(e.contains("нет строк"));
        let row = student(&["А", "Б", "", "", "", "5А"], &[], &[]);
        let rows = vec![row; MAX_ROWS + 1];
        let e = validate(ImportKind::Students, &student_headers(), &rows, &facts()).unwrap_err();
        assert!(e.contains("Разделите файл"));
    }

    #[test]
    fn staff_rows_need_known_roles() {
        let headers: Vec<String> = ImportKind::Staff
            .columns()
            .iter()
            .map(|c| c.title.to_owned())
            .collect();
        let rows = vec![
            strings(&[
                "Сидорова",
                "Анна",
                "Петровна",
                "01.02.1980",
                "Учитель, завуч",
                "",
                "a@b.ru",
                "+7 900 000-00-00",
            ]),
            strings(&["Кузнецов", "Олег", "", "", "учитель, волшебник", ""]),
            strings(&["Лебедев", "Иван", "", "", "", "", "плохой"]),
            strings(&[
                "Орлов",
                "Пётр",
                "",
                "",
                "сотрудник;администратор;учитель,учитель",
                "orlov",
            ]),
        ];
        let v = validate(ImportKind::Staff, &headers, &rows, &facts()).unwrap();
        assert_eq!(
            reasons(&v),
            vec![
                (3, "неизвестная роль «волшебник» (допустимы: учитель, администратор, завуч, сотрудник)".to_owned()),
                (4, "неверный e-mail «плохой»".to_owned()),
                (4, "не указаны роли".to_owned()),
            ]
        );
        assert_eq!(v.batch.staff.len(), 2);
        assert_eq!(v.batch.staff[0].roles, vec!["teacher", "deputy_head"]);
        assert_eq!(v.batch.staff[0].person.login, "SidorovaAP");
        assert_eq!(
            v.batch.staff[1].roles,
            vec!["staff", "administrator", "teacher"]
        );
    }

    #[test]
    fn classes_and_roles_parse() {
        assert_eq!(parse_class("5А").as_deref(), Some("5А"));
        assert_eq!(parse_class(" 11 б ").as_deref(), Some("11Б"));
        assert_eq!(parse_class("10-а").as_deref(), Some("10А"));
        assert_eq!(parse_class("А"), None);
        assert_eq!(class_key(7, "в"), "7В");
        assert_eq!(parse_role(" Завуч "), Some(Role::DeputyHead));
        assert_eq!(parse_role("ученик"), None);
    }

    #[test]
    fn templates_list_every_column() {
        assert!(
            ImportKind::Students.template_header().starts_with(
                "Фамилия;Имя;Отчество;Дата рождения;Пол;Класс;Логин;Родитель 1: Фамилия"
            )
        );
        assert_eq!(
            ImportKind::Staff.template_header(),
            "Фамилия;Имя;Отчество;Дата рождения;Роли;Логин;E-mail;Телефон"
        );
        assert_eq!(ImportKind::from_code("staff"), Some(ImportKind::Staff));
        // The template's own example rows pass the rules.
        for kind in [ImportKind::Students, ImportKind::Staff] {
            let csv = kind.template_csv();
            assert!(csv.starts_with('\u{feff}'));
            let lines: Vec<Vec<String>> = csv
                .trim_start_matches('\u{feff}')
                .lines()
                .map(|l| l.split(';').map(str::to_owned).collect())
                .collect();
            assert_eq!(lines[0].len(), kind.columns().len());
            assert_eq!(lines[1].len(), kind.columns().len());
            let v = validate(kind, &lines[0], &lines[1..], &facts()).unwrap();
            assert!(v.errors.is_empty(), "{kind:?}: {:?}", v.errors);
        }
        assert_eq!(ImportKind::from_code("x"), None);
    }

    #[test]
    fn two_thousand_rows_validate_quickly() {
        let rows: Vec<Vec<String>> = (0..2000)
            .map(|i| {
                student(
                    &["Иванов", "Пётр", "Игоревич", "01.09.2015", "м", "5А"],
                    &["Иванова", "Анна", "", "", "", &format!("+7900{i:07}")],
                    &[],
                )
            })
            .collect();
        let started = std::time::Instant::now();
        let v = check_students(&rows);
        assert!(v.errors.is_empty());
        assert_eq!(v.batch.parents.len(), 2000);
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }
}
