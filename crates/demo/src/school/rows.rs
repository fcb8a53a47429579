//! One school's rows for the store: its frame (card, year, classes, timetable) and its people.

use std::collections::HashMap;

use chrono::NaiveDate;
use sgo_core::OrganizationKind;
use sgo_store::Value;

use super::super::curriculum::{self};
use super::super::names::{FullName, Gender};
use super::super::region::{self, Card, DOMAIN, REGION_NAME};
use super::super::rng::Rng;
use super::*;

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
