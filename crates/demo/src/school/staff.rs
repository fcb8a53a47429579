//! Teachers, students and groups of one school in memory.

use std::collections::HashMap;

use chrono::Duration;
use sgo_core::Role;

use super::super::curriculum::{self, Dept, Subj};
use super::super::names::{self, FullName, Gender};
use super::super::rng::Rng;
use super::*;

/// Creates the curriculum of every class and gives each subject a teacher.
pub(super) fn assign_teachers(school: &mut School, ids: &mut Ids, rng: &mut Rng, year: i32) {
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
pub(super) fn add_students(
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
pub(super) fn form_groups(school: &mut School, ids: &mut Ids) {
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
pub(super) fn weekly_slots(rng: &mut Rng, subjects: &[ClassSubject]) -> [Vec<usize>; 5] {
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
