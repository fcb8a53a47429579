//! One school: its card, staff, classes, students and families, curriculum, teachers and the
//! weekly timetable. The journal (lessons, marks, attendance) is filled in by `journal`.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use sgo_core::Role;

use super::curriculum::{Dept, Subj};
use super::names::{FullName, Gender, Logins};
use super::region::Place;
use super::rng::Rng;
use super::rows::*;
use super::year::Year;

mod rows;
mod staff;

pub(crate) use rows::{Secrets, push_frame, push_people};
use staff::{add_students, assign_teachers, form_groups, weekly_slots};

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
