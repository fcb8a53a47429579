//! One school: its card, staff, classes, students and families, curriculum, teachers and the
//! weekly timetable. The journal (lessons, marks, attendance) is filled in by `journal`.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use sgo_core::{OrganizationKind, Role};
use sgo_store::Value;

use super::curriculum::{self, Dept, Subj};
use super::names::{self, FullName, Gender, Logins};
use super::region::{self, Card, DOMAIN, Place, REGION_NAME};
use super::rng::Rng;
use super::rows::*;
use super::year::Year;

/// The most hours a week one subject teacher takes (a rate and a half).
const MAX_LOAD: i32 = 27;

/// Lesson times of the first shift.
pub(crate) const BELLS_SHIFT_1: [((u32, u32), (u32, u32)); 7] = [
    ((8, 30), (9, 15)),
    ((9, 25), (10, 10)),
    ((10, 30), (11, 15)),
    ((11, 35), (12, 20)),
    ((12, 30), (13, 15)),
    ((13, 25), (14, 10)),
    ((14, 20), (15, 5)),
];

/// A time of day from hours and minutes known to be valid.
pub(crate) fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN)
}

/// A moment on a date, in UTC.
pub(crate) fn at(day: NaiveDate, h: u32) -> DateTime<Utc> {
    day.and_time(hm(h, 0)).and_utc()
}

/// What one school needs from the region and the options.
pub(crate) struct SchoolInput<'a> {
    pub(crate) index: u32,
    pub(crate) place: &'a Place,
    pub(crate) year: &'a Year,
    pub(crate) today: NaiveDate,
    pub(crate) students_per_class: u32,
    pub(crate) seed: u64,
}

/// An account with its person.
pub(crate) struct Acc {
    pub(crate) id: i64,
    pub(crate) person_id: i64,
    pub(crate) name: FullName,
    pub(crate) birth: NaiveDate,
    pub(crate) login: String,
    pub(crate) login_norm: String,
    pub(crate) display: String,
    pub(crate) roles: &'static [Role],
    pub(crate) password: Option<String>,
    pub(crate) phone: String,
}

/// A teacher and the hours they already teach.
pub(crate) struct Teacher {
    pub(crate) acc: usize,
    pub(crate) dept: Dept,
    pub(crate) load: i32,
    pub(crate) room: String,
}

/// A subject of a class and the groups that learn it (two for a subject split into subgroups).
pub(crate) struct ClassSubject {
    pub(crate) subject: Subj,
    pub(crate) hours: i32,
    pub(crate) groups: Vec<usize>,
}

/// A class of the year.
pub(crate) struct Class {
    pub(crate) id: i64,
    pub(crate) grade: i32,
    pub(crate) letter: &'static str,
    pub(crate) students: Vec<u32>,
    pub(crate) subgroup_ids: Option<[i64; 2]>,
    pub(crate) teacher: usize,
    pub(crate) room: String,
    pub(crate) subjects: Vec<ClassSubject>,
    /// Per weekday (Monday first), the class's subjects in lesson order.
    pub(crate) week: [Vec<usize>; 5],
}

impl Class {
    /// «9А».
    pub(crate) fn name(&self) -> String {
        format!("{}{}", self.grade, self.letter)
    }
}

/// A subject group: a class or subgroup learning one subject with one teacher.
pub(crate) struct Group {
    pub(crate) id: i64,
    pub(crate) class: usize,
    pub(crate) subgroup: Option<usize>,
    pub(crate) subject: Subj,
    pub(crate) teacher: usize,
    pub(crate) hours: i32,
    pub(crate) name: String,
    pub(crate) members: Vec<u32>,
    pub(crate) room: String,
}

/// A student of the school.
pub(crate) struct Student {
    pub(crate) acc: usize,
    pub(crate) class: usize,
    pub(crate) subgroup: usize,
    /// 0 strong, 1 average, 2 weak: shifts the marks they get.
    pub(crate) ability: usize,
    pub(crate) password: bool,
}

/// A family: children in this school and their parents' accounts.
pub(crate) struct Family {
    pub(crate) children: Vec<u32>,
    pub(crate) parents: Vec<usize>,
}

/// Everything of one school before it is written.
pub(crate) struct School {
    pub(crate) org_id: i64,
    pub(crate) short_name: String,
    pub(crate) year_id: i64,
    pub(crate) accounts: Vec<Acc>,
    pub(crate) admin: usize,
    pub(crate) deputy: usize,
    pub(crate) teachers: Vec<Teacher>,
    pub(crate) classes: Vec<Class>,
    pub(crate) groups: Vec<Group>,
    pub(crate) students: Vec<Student>,
    pub(crate) families: Vec<Family>,
    pub(crate) type_ids: [i64; 8],
    pub(crate) created_at: DateTime<Utc>,
    logins: Logins,
}

fn random_day(rng: &mut Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days().max(0);
    from + Duration::days(rng.range(0, span))
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

fn mobile(rng: &mut Rng) -> String {
    format!(
        "+7 9{:02} {:03}-{:02}-{:02}",
        rng.range(0, 99),
        rng.range(100, 999),
        rng.range(0, 99),
        rng.range(0, 99)
    )
}

impl School {
    fn add_account(
        &mut self,
        ids: &mut Ids,
        name: FullName,
        birth: NaiveDate,
        roles: &'static [Role],
        phone: String,
    ) -> usize {
        let student = roles.contains(&Role::Student);
        let base = if student {
            name.student_login()
        } else {
            name.adult_login()
        };
        let (login, login_norm) = self.logins.claim(&base);
        let display = if student { name.short() } else { name.full() };
        self.accounts.push(Acc {
            id: ids.next(&ACCOUNTS),
            person_id: ids.next(&PERSONS),
            name,
            birth,
            login,
            login_norm,
            display,
            roles,
            password: None,
            phone,
        });
        self.accounts.len() - 1
    }

    fn add_adult(
        &mut self,
        ids: &mut Ids,
        rng: &mut Rng,
        gender: Gender,
        roles: &'static [Role],
        year: i32,
    ) -> usize {
        let name = FullName::adult(rng, gender);
        let birth = random_day(rng, ymd(year - 64, 1, 1), ymd(year - 24, 12, 31));
        let phone = mobile(rng);
        self.add_account(ids, name, birth, roles, phone)
    }

    /// A teacher of a department with room for `hours` more, other than `except`; hires one if none.
    fn teacher_for(
        &mut self,
        ids: &mut Ids,
        rng: &mut Rng,
        dept: Dept,
        hours: i32,
        except: Option<usize>,
        year: i32,
    ) -> usize {
        if let Some(t) = (0..self.teachers.len()).find(|&t| {
            let teacher = &self.teachers[t];
            teacher.dept == dept && teacher.load + hours <= MAX_LOAD && Some(t) != except
        }) {
            return t;
        }
        let gender = if rng.chance(0.82) {
            Gender::Female
        } else {
            Gender::Male
        };
        let acc = self.add_adult(ids, rng, gender, &[Role::Teacher], year);
        let room = match dept {
            Dept::Pe => "Спортзал".to_owned(),
            _ => format!(
                "{}",
                201 + self
                    .teachers
                    .iter()
                    .filter(|t| t.dept != Dept::Pe && t.dept != Dept::Primary)
                    .count()
            ),
        };
        self.teachers.push(Teacher {
            acc,
            dept,
            load: 0,
            room,
        });
        self.teachers.len() - 1
    }
}

/// Builds one school in memory.
pub(crate) fn build(input: &SchoolInput<'_>, ids: &mut Ids) -> School {
    let mut rng = Rng::stream(input.seed, u64::from(input.index), "school");
    let year = input.year;
    let calendar_year = year.start.year();
    let number = input.index + 1;
    let mut type_ids = [0i64; 8];
    for id in &mut type_ids {
        *id = ids.next(&ASSIGNMENT_TYPES);
    }
    let mut school = School {
        org_id: ids.next(&ORGANIZATIONS),
        short_name: format!("МБОУ СОШ №{number}"),
        year_id: ids.next(&ACADEMIC_YEARS),
        accounts: Vec::new(),
        admin: 0,
        deputy: 0,
        teachers: Vec::new(),
        classes: Vec::new(),
        groups: Vec::new(),
        students: Vec::new(),
        families: Vec::new(),
        type_ids,
        created_at: at(year.start - Duration::days(7), 6),
        logins: Logins::default(),
    };

    let gender = if rng.chance(0.6) {
        Gender::Female
    } else {
        Gender::Male
    };
    school.admin = school.add_adult(ids, &mut rng, gender, &[Role::Administrator], calendar_year);
    school.deputy = school.add_adult(
        ids,
        &mut rng,
        Gender::Female,
        &[Role::DeputyHead],
        calendar_year,
    );

    // Classes: А and Б in every grade; every fourth school is big enough for a В up to grade 9.
    let big = input.index % 4 == 3;
    for grade in 1..=11 {
        let letters: &[&'static str] = if big && grade <= 9 {
            &["А", "Б", "В"]
        } else {
            &["А", "Б"]
        };
        for &letter in letters {
            school.classes.push(Class {
                id: ids.next(&CLASSES),
                grade,
                letter,
                students: Vec::new(),
                subgroup_ids: None,
                teacher: 0,
                room: String::new(),
                subjects: Vec::new(),
                week: Default::default(),
            });
        }
    }

    assign_teachers(&mut school, ids, &mut rng, calendar_year);
    add_students(&mut school, ids, &mut rng, input, calendar_year);
    form_groups(&mut school, ids);
    for c in 0..school.classes.len() {
        school.classes[c].week = weekly_slots(&mut rng, &school.classes[c].subjects);
    }
    school
}

/// Creates the curriculum of every class and gives each subject a teacher.
fn assign_teachers(school: &mut School, ids: &mut Ids, rng: &mut Rng, year: i32) {
    let mut primary_rooms = 101;
    for c in 0..school.classes.len() {
        let grade = school.classes[c].grade;
        let mut by_dept: HashMap<Dept, usize> = HashMap::new();
        let mut primary: Option<usize> = None;
        let mut subjects = Vec::new();
        for &(subject, hours) in curriculum::plan(grade) {
            let dept = curriculum::dept(subject, grade);
            let teachers: Vec<usize> = if subject == Subj::English {
                let first = school.teacher_for(ids, rng, dept, hours, None, year);
                school.teachers[first].load += hours;
                let second = school.teacher_for(ids, rng, dept, hours, Some(first), year);
                school.teachers[second].load += hours;
                vec![first, second]
            } else if dept == Dept::Primary {
                let t = match primary {
                    Some(t) => t,
                    None => {
                        let acc =
                            school.add_adult(ids, rng, Gender::Female, &[Role::Teacher], year);
                        school.teachers.push(Teacher {
                            acc,
                            dept,
                            load: 0,
                            room: primary_rooms.to_string(),
                        });
                        primary_rooms += 1;
                        primary = Some(school.teachers.len() - 1);
                        school.teachers.len() - 1
                    }
                };
                school.teachers[t].load += hours;
                vec![t]
            } else {
                let t = match by_dept.get(&dept) {
                    Some(&t) => t,
                    None => {
                        let need: i32 = curriculum::plan(grade)
                            .iter()
                            .filter(|(s, _)| curriculum::dept(*s, grade) == dept)
                            .map(|(_, h)| h)
                            .sum();
                        let t = school.teacher_for(ids, rng, dept, need, None, year);
                        by_dept.insert(dept, t);
                        t
                    }
                };
                school.teachers[t].load += hours;
                vec![t]
            };
            // Group indices are filled in by `form_groups`; keep the teachers until then.
            subjects.push(ClassSubject {
                subject,
                hours,
                groups: teachers,
            });
        }
        // The class teacher: the primary teacher, or the subject teacher with most hours here
        // who leads no class yet (not the PE teacher, whose room is the gym).
        let class_teacher = primary.unwrap_or_else(|| {
            let mut candidates: Vec<(i32, usize)> = Vec::new();
            for cs in &subjects {
                for &t in &cs.groups {
                    if school.teachers[t].dept == Dept::Pe {
                        continue;
                    }
                    match candidates.iter_mut().find(|(_, x)| *x == t) {
                        Some(entry) => entry.0 += cs.hours,
                        None => candidates.push((cs.hours, t)),
                    }
                }
            }
            candidates.sort_by_key(|c| std::cmp::Reverse(c.0));
            let leading: Vec<usize> = school.classes[..c].iter().map(|k| k.teacher).collect();
            candidates
                .iter()
                .map(|&(_, t)| t)
                .find(|t| !leading.contains(t))
                .or_else(|| candidates.first().map(|&(_, t)| t))
                .unwrap_or(0)
        });
        let class = &mut school.classes[c];
        class.teacher = class_teacher;
        class.room = school.teachers[class_teacher].room.clone();
        class.subjects = subjects;
    }
}

/// Creates students and their families; about one family in ten has two children here.
fn add_students(
    school: &mut School,
    ids: &mut Ids,
    rng: &mut Rng,
    input: &SchoolInput<'_>,
    year: i32,
) {
    let per_class = input.students_per_class as usize;
    let classes = school.classes.len();
    // family_of[c][p]: which family the p-th student of class c belongs to.
    let mut family_of: Vec<Vec<Option<usize>>> = vec![vec![None; per_class]; classes];
    let mut family_count = 0usize;
    let mut pair =
        |family_of: &mut Vec<Vec<Option<usize>>>, a: (usize, usize), b: (usize, usize)| {
            family_of[a.0][a.1] = Some(family_count);
            family_of[b.0][b.1] = Some(family_count);
            family_count += 1;
        };
    if per_class > 0 && classes > 1 {
        // The first two-child family has its children first in their classes, so that its
        // parents receive passwords and lead the parents of the credential sheet.
        let other = school
            .classes
            .iter()
            .position(|c| c.grade == 4)
            .unwrap_or(1);
        pair(&mut family_of, (0, 0), (other, 0));
        let wanted = (classes * per_class) / 11;
        let mut tries = 0;
        let mut made = 1;
        while made < wanted && tries < wanted * 20 {
            tries += 1;
            let a = rng.index(classes);
            let b = rng.index(classes);
            let (ga, gb) = (school.classes[a].grade, school.classes[b].grade);
            if ga == gb || (ga - gb).abs() > 6 {
                continue;
            }
            let (pa, pb) = (rng.index(per_class), rng.index(per_class));
            if family_of[a][pa].is_some() || family_of[b][pb].is_some() {
                continue;
            }
            pair(&mut family_of, (a, pa), (b, pb));
            made += 1;
        }
    }
    for row in &mut family_of {
        for slot in row.iter_mut() {
            if slot.is_none() {
                *slot = Some(family_count);
                family_count += 1;
            }
        }
    }

    struct Kin {
        surname: &'static str,
        stem: &'static str,
        father: Option<&'static str>,
        mother: bool,
    }
    let kin: Vec<Kin> = (0..family_count)
        .map(|_| {
            let (father_first, stem) = names::father(rng);
            let mother = rng.chance(0.93);
            let father = (!mother || rng.chance(0.72)).then_some(father_first);
            Kin {
                surname: names::family_surname(rng),
                stem,
                father,
                mother,
            }
        })
        .collect();
    school.families = (0..family_count)
        .map(|_| Family {
            children: Vec::new(),
            parents: Vec::new(),
        })
        .collect();

    for (c, row) in family_of.iter().enumerate() {
        let grade = school.classes[c].grade;
        // Children start school at six and a half to seven and a half.
        let born_from = ymd(year - 7 - grade, 11, 1);
        let born_to = ymd(year - 6 - grade, 10, 31);
        for (p, family) in row.iter().enumerate() {
            let f = family.unwrap_or(0);
            let k = &kin[f];
            let gender = if rng.chance(0.5) {
                Gender::Male
            } else {
                Gender::Female
            };
            let name = FullName {
                last: names::surname_for(k.surname, gender),
                first: names::child(rng, gender).to_owned(),
                middle: names::patronymic(k.stem, gender),
                gender,
            };
            let birth = random_day(rng, born_from, born_to);
            let acc = school.add_account(ids, name, birth, &[Role::Student], String::new());
            let index = school.students.len() as u32;
            let ability = rng.weighted(&[1, 2, 1]);
            school.students.push(Student {
                acc,
                class: c,
                subgroup: 0,
                ability,
                password: p < 2,
            });
            school.classes[c].students.push(index);
            school.families[f].children.push(index);
        }
    }

    for (f, k) in kin.iter().enumerate() {
        let Some(&eldest) = school.families[f]
            .children
            .iter()
            .min_by_key(|&&s| school.accounts[school.students[s as usize].acc].birth)
        else {
            continue;
        };
        let eldest_birth = school.accounts[school.students[eldest as usize].acc].birth;
        let mut parents = Vec::new();
        for (gender, first) in [
            (Gender::Female, k.mother.then(|| names::woman(rng))),
            (Gender::Male, k.father),
        ] {
            let Some(first) = first else { continue };
            let name = FullName {
                last: names::surname_for(k.surname, gender),
                first: first.to_owned(),
                middle: names::patronymic(names::father(rng).1, gender),
                gender,
            };
            let age_days = rng.range(22 * 365, 38 * 365);
            let birth = eldest_birth - Duration::days(age_days);
            let phone = mobile(rng);
            parents.push(school.add_account(ids, name, birth, &[Role::Parent], phone));
        }
        school.families[f].parents = parents;
    }
}

/// Creates subgroups and subject groups from the curriculum chosen in `assign_teachers`.
fn form_groups(school: &mut School, ids: &mut Ids) {
    for c in 0..school.classes.len() {
        let needs_subgroups = school.classes[c]
            .subjects
            .iter()
            .any(|s| s.groups.len() == 2);
        if needs_subgroups {
            school.classes[c].subgroup_ids = Some([ids.next(&SUBGROUPS), ids.next(&SUBGROUPS)]);
            let members = school.classes[c].students.clone();
            let half = members.len().div_ceil(2);
            for (i, s) in members.iter().enumerate() {
                school.students[*s as usize].subgroup = usize::from(i >= half);
            }
        }
        let class_name = school.classes[c].name();
        let subjects = std::mem::take(&mut school.classes[c].subjects);
        let mut formed = Vec::with_capacity(subjects.len());
        for cs in subjects {
            let split = cs.groups.len() == 2;
            let mut groups = Vec::new();
            for (i, &teacher) in cs.groups.iter().enumerate() {
                let subgroup = split.then_some(i);
                let name = match subgroup {
                    Some(i) => format!("{class_name}/{}/{} подгруппа", cs.subject.name(), i + 1),
                    None => format!("{class_name}/{}", cs.subject.name()),
                };
                let members = school.classes[c]
                    .students
                    .iter()
                    .copied()
                    .filter(|&s| subgroup.is_none_or(|g| school.students[s as usize].subgroup == g))
                    .collect();
                let room = school.teachers[teacher].room.clone();
                school.groups.push(Group {
                    id: ids.next(&SUBJECT_GROUPS),
                    class: c,
                    subgroup,
                    subject: cs.subject,
                    teacher,
                    hours: cs.hours,
                    name,
                    members,
                    room,
                });
                groups.push(school.groups.len() - 1);
            }
            formed.push(ClassSubject {
                subject: cs.subject,
                hours: cs.hours,
                groups,
            });
        }
        school.classes[c].subjects = formed;
    }
}

/// Spreads a class's weekly hours over five days, a subject at most once a day where possible.
fn weekly_slots(rng: &mut Rng, subjects: &[ClassSubject]) -> [Vec<usize>; 5] {
    let total: i32 = subjects.iter().map(|s| s.hours).sum();
    let mut caps = [(total / 5) as usize; 5];
    let mut days: Vec<usize> = (0..5).collect();
    rng.shuffle(&mut days);
    for &d in days.iter().take((total % 5) as usize) {
        caps[d] += 1;
    }
    let mut order: Vec<usize> = (0..subjects.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(subjects[i].hours));
    let mut week: [Vec<usize>; 5] = Default::default();
    for pos in order {
        for _ in 0..subjects[pos].hours {
            let start = rng.index(5);
            let mut best: Option<(i64, usize)> = None;
            for offset in 0..5 {
                let d = (start + offset) % 5;
                let free = caps[d] as i64 - week[d].len() as i64;
                if free <= 0 {
                    continue;
                }
                let repeats = week[d].iter().filter(|&&p| p == pos).count() as i64;
                let score = repeats * 100 - free;
                if best.is_none_or(|(s, _)| score < s) {
                    best = Some((score, d));
                }
            }
            if let Some((_, d)) = best {
                week[d].push(pos);
            }
        }
    }
    for day in &mut week {
        rng.shuffle(day);
    }
    week
}

/// Queues the rows of the school's frame: card, people, year, classes, curriculum, bells and
/// the weekly timetable. Accounts are queued separately, once passwords are hashed.
pub(crate) fn push_frame(
    school: &School,
    input: &SchoolInput<'_>,
    ids: &mut Ids,
    batch: &mut Batch,
) {
    let mut rng = Rng::stream(input.seed, u64::from(input.index), "card");
    let number = input.index + 1;
    let place = input.place;
    let year = input.year;
    let students = school.students.len();
    let founded_year = rng.range(1936, 2012) as i32;
    let about = format!(
        "Школа открыта в {founded_year} году. {} классов, {students} обучающихся. Кружки робототехники и \
         краеведения, спортивный клуб «Заречье», школьный театр.",
        school.classes.len()
    );
    let address = format!(
        "{}, {REGION_NAME}, {}, {}, д. {}",
        place.postcode_base + number % 20,
        place.settlement,
        region::street(&mut rng),
        rng.range(1, 60)
    );
    let code = &place.phone_code;
    let card = Card {
        id: school.org_id,
        settlement_id: place.settlement_id,
        kind: OrganizationKind::General,
        short_name: school.short_name.clone(),
        full_name: format!(
            "Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа №{number}»"
        ),
        authority_id: Some(place.authority_id),
        inn: region::inn(&mut rng),
        ogrn: region::ogrn(&mut rng, 102),
        address,
        phones: format!(
            "+7 ({code}) 2-{:02}-{:02}, 2-{:02}-{:02}",
            rng.range(10, 99),
            rng.range(10, 99),
            rng.range(10, 99),
            rng.range(10, 99)
        ),
        fax: format!(
            "+7 ({code}) 2-{:02}-{:02}",
            rng.range(10, 99),
            rng.range(10, 99)
        ),
        email: format!("sosh{number}@{DOMAIN}"),
        web: format!("https://sosh{number}.{DOMAIN}"),
        director: school.accounts[school.admin].name.full(),
        principal_uvr: school.accounts[school.deputy].name.full(),
        principal_ahc: FullName::adult(&mut rng, Gender::Male).full(),
        principal_it: FullName::adult(&mut rng, Gender::Male).full(),
        about,
        founding_date: NaiveDate::from_ymd_opt(founded_year, 9, 1),
    };
    card.push(batch);

    batch.push(
        &ACADEMIC_YEARS,
        vec![
            school.year_id.into(),
            school.org_id.into(),
            year.name.clone().into(),
            year.start.into(),
            year.end.into(),
        ],
    );
    for p in &year.periods {
        batch.push(
            &PERIODS,
            vec![
                ids.next(&PERIODS).into(),
                school.year_id.into(),
                p.kind.into(),
                p.number.into(),
                p.name.clone().into(),
                p.grade_from.into(),
                p.grade_to.into(),
                p.start.into(),
                p.end.into(),
            ],
        );
    }
    for &(name, from, to) in &year.holidays {
        batch.push(
            &HOLIDAYS,
            vec![
                ids.next(&HOLIDAYS).into(),
                school.year_id.into(),
                name.into(),
                from.into(),
                to.into(),
            ],
        );
    }

    for class in &school.classes {
        batch.push(
            &CLASSES,
            vec![
                class.id.into(),
                school.org_id.into(),
                school.year_id.into(),
                class.grade.into(),
                class.letter.into(),
                "".into(),
                class.room.clone().into(),
                1i64.into(),
            ],
        );
        batch.push(
            &CLASS_TEACHERS,
            vec![
                class.id.into(),
                school.accounts[school.teachers[class.teacher].acc]
                    .id
                    .into(),
            ],
        );
        for &s in &class.students {
            let acc = school.accounts[school.students[s as usize].acc].id;
            batch.push(
                &CLASS_STUDENTS,
                vec![
                    ids.next(&CLASS_STUDENTS).into(),
                    class.id.into(),
                    acc.into(),
                    year.start.into(),
                    Value::Date(None),
                ],
            );
        }
        if let Some(subgroups) = class.subgroup_ids {
            for (i, id) in subgroups.iter().enumerate() {
                batch.push(
                    &SUBGROUPS,
                    vec![
                        (*id).into(),
                        class.id.into(),
                        format!("{} подгруппа", i + 1).into(),
                    ],
                );
            }
            for &s in &class.students {
                let student = &school.students[s as usize];
                batch.push(
                    &SUBGROUP_STUDENTS,
                    vec![
                        subgroups[student.subgroup].into(),
                        school.accounts[student.acc].id.into(),
                    ],
                );
            }
        }
    }

    let subject_base = ids.block(&SUBJECTS, curriculum::SUBJECTS.len());
    for (i, (_, name, short)) in curriculum::SUBJECTS.iter().enumerate() {
        batch.push(
            &SUBJECTS,
            vec![
                (subject_base + i as i64).into(),
                school.org_id.into(),
                (*name).into(),
                (*short).into(),
            ],
        );
    }
    for group in &school.groups {
        let class = &school.classes[group.class];
        let subgroup = group
            .subgroup
            .and_then(|i| class.subgroup_ids.map(|ids| ids[i]));
        batch.push(
            &SUBJECT_GROUPS,
            vec![
                group.id.into(),
                school.org_id.into(),
                school.year_id.into(),
                class.id.into(),
                subgroup.into(),
                (subject_base + group.subject.index() as i64).into(),
                group.name.clone().into(),
                group.hours.into(),
            ],
        );
        batch.push(
            &SUBJECT_GROUP_TEACHERS,
            vec![
                group.id.into(),
                school.accounts[school.teachers[group.teacher].acc]
                    .id
                    .into(),
            ],
        );
    }

    let schedule = ids.next(&BELL_SCHEDULES);
    batch.push(
        &BELL_SCHEDULES,
        vec![
            schedule.into(),
            school.org_id.into(),
            "Основное расписание".into(),
        ],
    );
    for (i, ((sh, sm), (eh, em))) in BELLS_SHIFT_1.iter().enumerate() {
        batch.push(
            &BELLS,
            vec![
                ids.next(&BELLS).into(),
                schedule.into(),
                1i64.into(),
                (i as i64 + 1).into(),
                hm(*sh, *sm).into(),
                hm(*eh, *em).into(),
            ],
        );
    }
    for class in &school.classes {
        for (d, day) in class.week.iter().enumerate() {
            for (n, &pos) in day.iter().enumerate() {
                for &g in &class.subjects[pos].groups {
                    batch.push(
                        &TIMETABLE_ENTRIES,
                        vec![
                            ids.next(&TIMETABLE_ENTRIES).into(),
                            school.groups[g].id.into(),
                            (d as i64 + 1).into(),
                            1i64.into(),
                            (n as i64 + 1).into(),
                            school.groups[g].room.clone().into(),
                            year.start.into(),
                            Value::Date(None),
                        ],
                    );
                }
            }
        }
    }

    for (i, (name, abbr, weight)) in curriculum::ASSIGNMENT_TYPES.iter().enumerate() {
        batch.push(
            &ASSIGNMENT_TYPES,
            vec![
                school.type_ids[i].into(),
                school.org_id.into(),
                (*name).into(),
                (*abbr).into(),
                (*weight).into(),
                (i as i64 + 1).into(),
                Value::Bool(true),
            ],
        );
    }
}

/// Per account index, the password hash and the sealed NetSchool verifier.
pub(crate) type Secrets = HashMap<usize, (String, Option<Vec<u8>>)>;

/// Queues persons, accounts, roles and parent links; `secrets` holds, per account that has a
/// password, its hash and sealed verifier.
pub(crate) fn push_people(school: &School, secrets: &Secrets, batch: &mut Batch) {
    for (i, acc) in school.accounts.iter().enumerate() {
        batch.push(
            &PERSONS,
            vec![
                acc.person_id.into(),
                acc.name.last.clone().into(),
                acc.name.first.clone().into(),
                acc.name.middle.clone().into(),
                acc.birth.into(),
                acc.name.gender.code().into(),
                school.created_at.into(),
            ],
        );
        let (hash, verifier) = match secrets.get(&i) {
            Some((h, v)) => (Some(h.clone()), v.clone()),
            None => (None, None),
        };
        batch.push(
            &ACCOUNTS,
            vec![
                acc.id.into(),
                acc.person_id.into(),
                school.org_id.into(),
                acc.login.clone().into(),
                acc.login_norm.clone().into(),
                acc.display.clone().into(),
                hash.into(),
                verifier.into(),
                Value::Bool(false),
                Value::Bool(true),
                "".into(),
                acc.phone.clone().into(),
                "system".into(),
                school.created_at.into(),
            ],
        );
        for role in acc.roles {
            batch.push(&ACCOUNT_ROLES, vec![acc.id.into(), role.code().into()]);
        }
    }
    for family in &school.families {
        for &p in &family.parents {
            for &s in &family.children {
                let student = school.accounts[school.students[s as usize].acc].id;
                batch.push(
                    &PARENT_STUDENTS,
                    vec![school.accounts[p].id.into(), student.into()],
                );
            }
        }
    }
}
