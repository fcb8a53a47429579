//! Checking the data rows of a file against the rules and the school, into a batch.

use std::collections::HashMap;

use super::fields::{parse_roles, phone_digits};
use super::logins::{LoginBook, Pending, claim_or_defer};
use super::*;
use crate::person::clean_person_name;
use crate::text::normalise;

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
) -> Result<Validation, crate::message::Message> {
    let map = ColumnMap::new(kind, headers)?;
    // Numbered as the spreadsheet shows them, skipping blank lines but keeping their numbers.
    let data: Vec<(usize, &Vec<String>)> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (i + 2, r))
        .filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty()))
        .collect();
    if data.is_empty() {
        return Err(crate::msg!("import-no-rows"));
    }
    if data.len() > MAX_ROWS {
        return Err(crate::msg!(
            "import-too-many-rows",
            rows = data.len(),
            max = MAX_ROWS
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::testing::{
        check_students, d, facts, reasons, strings, student, student_headers,
    };

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
