//! The columns of each kind of file and matching a header row against them.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::text::normalise;

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
    pub fn new(kind: ImportKind, headers: &[String]) -> Result<ColumnMap, crate::message::Message> {
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
            Err(crate::msg!(
                "import-columns-missing",
                columns = missing.join(", "),
                template = kind.title()
            ))
        }
    }

    pub(super) fn get<'r>(&self, row: &'r [String], field: Field) -> &'r str {
        self.positions
            .get(&field)
            .and_then(|&i| row.get(i))
            .map(|s| s.trim())
            .unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::testing::{facts, strings};
    use crate::import::validate;

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
}
