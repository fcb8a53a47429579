//! The journal of one school: dated lessons from the weekly timetable, attendance, assignments
//! and marks, with the guarantees the demo promises for students who have passwords.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Duration, NaiveDate};
use sgo_core::calendar::week_start;
use sgo_core::marks::AttendanceCode;
use sgo_store::Value;

use super::curriculum::{self, ASSIGNMENT_TYPES, Subj, kind};
use super::rng::Rng;
use super::rows::{ASSIGNMENTS, ATTENDANCE, Batch, Ids, LESSONS, MARKS};
use super::school::{BELLS_SHIFT_1, School, SchoolInput, at, hm};

/// One dated lesson.
pub(crate) struct Lesson {
    pub(crate) group: u32,
    pub(crate) date: NaiveDate,
    pub(crate) number: u8,
    pub(crate) topic: String,
}

/// One assignment on a lesson.
pub(crate) struct Assignment {
    pub(crate) lesson: u32,
    pub(crate) kind: usize,
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) due: NaiveDate,
    pub(crate) mandatory: bool,
}

/// One student's mark for an assignment.
pub(crate) struct Mark {
    pub(crate) assignment: u32,
    pub(crate) student: u32,
    pub(crate) value: Option<i32>,
    pub(crate) duty: bool,
    pub(crate) comment: &'static str,
}

/// The journal of a school.
#[derive(Default)]
pub(crate) struct Journal {
    pub(crate) lessons: Vec<Lesson>,
    pub(crate) group_lessons: Vec<Vec<u32>>,
    pub(crate) attendance: HashMap<(u32, u32), &'static str>,
    pub(crate) assignments: Vec<Assignment>,
    pub(crate) marks: Vec<Mark>,
    oral: Vec<Option<u32>>,
    control: Vec<Option<u32>>,
}

/// Mark distributions (5, 4, 3, 2) for strong, average and weak students; together about
/// 30 / 40 / 23 / 7 per cent.
const MARK_WEIGHTS: [[u32; 4]; 3] = [[50, 38, 10, 2], [28, 44, 22, 6], [14, 34, 38, 14]];

fn mark_value(rng: &mut Rng, ability: usize) -> i32 {
    5 - rng.weighted(&MARK_WEIGHTS[ability.min(2)]) as i32
}

fn comment(rng: &mut Rng, value: i32) -> &'static str {
    if !rng.chance(0.06) {
        return "";
    }
    match value {
        5 => rng.pick::<&str>(&["Молодец!", "Отличная работа", "Умница!"]),
        4 => rng.pick::<&str>(&["Хорошо, но есть недочёты", "Неаккуратное оформление"]),
        3 => rng.pick::<&str>(&["Есть ошибки, повтори правило", "Не решена задача 3"]),
        _ => rng.pick::<&str>(&["Не решена задача 3", "Много ошибок", "Не выучено правило"]),
    }
}

fn is_absent(code: Option<&&str>) -> bool {
    code.is_some_and(|c| *c != AttendanceCode::Late.abbr() && *c != AttendanceCode::Exempt.abbr())
}

impl Journal {
    fn code(&self, lesson: u32, student: u32) -> Option<&&'static str> {
        self.attendance.get(&(lesson, student))
    }

    /// Present and not exempt: can be marked on this lesson.
    fn can_mark(&self, lesson: u32, student: u32) -> bool {
        self.code(lesson, student)
            .is_none_or(|c| *c == AttendanceCode::Late.abbr())
    }

    fn add_assignment(&mut self, a: Assignment) -> u32 {
        self.assignments.push(a);
        (self.assignments.len() - 1) as u32
    }

    /// A control work on a lesson, marked for everyone present; absent students get nothing or
    /// a duty mark, and `owes` (if given) gets a duty mark whatever happened.
    fn add_control(
        &mut self,
        school: &School,
        rng: &mut Rng,
        lesson: u32,
        number: usize,
        past: bool,
        owes: Option<u32>,
    ) -> u32 {
        let l = &self.lessons[lesson as usize];
        let group = &school.groups[l.group as usize];
        let subject = group.subject;
        let kind = curriculum::control_kind(subject).unwrap_or(kind::CONTROL);
        let description = match l.topic.split(". ").next() {
            Some(theme) if !theme.is_empty() && !theme.starts_with("Обобщение") => {
                format!("По теме «{theme}»")
            }
            _ => String::new(),
        };
        let a = self.add_assignment(Assignment {
            lesson,
            kind,
            title: curriculum::control_title(subject, number),
            description,
            due: l.date,
            mandatory: true,
        });
        self.control[lesson as usize] = Some(a);
        if past {
            for &s in &group.members {
                if Some(s) == owes {
                    self.marks.push(Mark {
                        assignment: a,
                        student: s,
                        value: None,
                        duty: true,
                        comment: "Работа не сдана",
                    });
                } else if self.can_mark(lesson, s) {
                    let value = mark_value(rng, school.students[s as usize].ability);
                    let comment = comment(rng, value);
                    self.marks.push(Mark {
                        assignment: a,
                        student: s,
                        value: Some(value),
                        duty: false,
                        comment,
                    });
                } else if is_absent(self.code(lesson, s)) && rng.chance(0.5) {
                    self.marks.push(Mark {
                        assignment: a,
                        student: s,
                        value: None,
                        duty: true,
                        comment: "",
                    });
                }
            }
        }
        a
    }

    fn add_oral(&mut self, lesson: u32) -> u32 {
        let l = &self.lessons[lesson as usize];
        let title = if l.topic.is_empty() {
            "Работа на уроке".to_owned()
        } else {
            l.topic.clone()
        };
        let a = self.add_assignment(Assignment {
            lesson,
            kind: kind::ORAL,
            title,
            description: String::new(),
            due: l.date,
            mandatory: false,
        });
        self.oral[lesson as usize] = Some(a);
        a
    }
}

/// Builds the journal of a school from the start of the year to the Sunday of next week.
pub(crate) fn build(school: &School, input: &SchoolInput<'_>) -> Journal {
    let today = input.today;
    let year = input.year;
    let mut rng = Rng::stream(input.seed, u64::from(input.index), "journal");
    let mut j = Journal {
        group_lessons: vec![Vec::new(); school.groups.len()],
        ..Journal::default()
    };
    let last = week_start(today) + Duration::days(13);

    // Illness lasts several days, so it is tracked per student across days.
    let mut ill_left = vec![0u32; school.students.len()];
    let mut day_code: Vec<Option<&'static str>> = vec![None; school.students.len()];
    for day in year.school_days(last) {
        let weekday = day.weekday().num_days_from_monday() as usize;
        let past = day <= today;
        for class in &school.classes {
            if past {
                for &s in &class.students {
                    let s = s as usize;
                    day_code[s] = if ill_left[s] > 0 {
                        ill_left[s] -= 1;
                        Some(AttendanceCode::Ill.abbr())
                    } else if rng.chance(0.006) {
                        ill_left[s] = rng.range(2, 6) as u32;
                        Some(AttendanceCode::Ill.abbr())
                    } else if rng.chance(0.004) {
                        Some(AttendanceCode::Excused.abbr())
                    } else {
                        None
                    };
                }
            }
            for (n, &pos) in class.week[weekday].iter().enumerate() {
                let cs = &class.subjects[pos];
                for &g in &cs.groups {
                    let k = j.group_lessons[g].len();
                    let topic = if past {
                        curriculum::topic(cs.subject, class.grade, cs.hours, k)
                    } else {
                        String::new()
                    };
                    let lesson = j.lessons.len() as u32;
                    j.lessons.push(Lesson {
                        group: g as u32,
                        date: day,
                        number: n as u8 + 1,
                        topic,
                    });
                    j.group_lessons[g].push(lesson);
                    if !past {
                        continue;
                    }
                    for &s in &school.groups[g].members {
                        let code = day_code[s as usize].or_else(|| {
                            let x = rng.unit();
                            if x < 0.004 {
                                Some(AttendanceCode::Absent.abbr())
                            } else if x < 0.006 {
                                Some(AttendanceCode::Unexcused.abbr())
                            } else if x < 0.014 {
                                Some(AttendanceCode::Late.abbr())
                            } else if cs.subject == Subj::Pe && x < 0.03 {
                                Some(AttendanceCode::Exempt.abbr())
                            } else {
                                None
                            }
                        });
                        if let Some(code) = code {
                            j.attendance.insert((lesson, s), code);
                        }
                    }
                }
            }
        }
    }
    j.oral = vec![None; j.lessons.len()];
    j.control = vec![None; j.lessons.len()];

    let mut rng = Rng::stream(input.seed, u64::from(input.index), "marks");
    for (g, group) in school.groups.iter().enumerate() {
        let grade = school.classes[group.class].grade;
        let has_control = curriculum::control_kind(group.subject).is_some();
        let mut next_control = rng.range(4, 8) as usize;
        let mut controls = 0;
        let lessons = j.group_lessons[g].clone();
        for (k, &l) in lessons.iter().enumerate() {
            let date = j.lessons[l as usize].date;
            let past = date <= today;
            if has_control && k == next_control {
                controls += 1;
                j.add_control(school, &mut rng, l, controls, past, None);
                next_control = k + rng.range(6, 8) as usize;
            } else if past {
                let a = j.add_oral(l);
                let mut present: Vec<u32> = group
                    .members
                    .iter()
                    .copied()
                    .filter(|&s| j.can_mark(l, s))
                    .collect();
                rng.shuffle(&mut present);
                let count = rng.range(3, 6) as usize;
                for &s in present.iter().take(count) {
                    let value = mark_value(&mut rng, school.students[s as usize].ability);
                    let comment = comment(&mut rng, value);
                    j.marks.push(Mark {
                        assignment: a,
                        student: s,
                        value: Some(value),
                        duty: false,
                        comment,
                    });
                }
            }
            if rng.chance(0.85)
                && let Some(text) = curriculum::homework(group.subject, grade, k, &mut rng)
            {
                let due = lessons
                    .get(k + 1)
                    .map_or(date + Duration::days(7), |&n| j.lessons[n as usize].date);
                j.add_assignment(Assignment {
                    lesson: l,
                    kind: kind::HOMEWORK,
                    title: text,
                    description: String::new(),
                    due,
                    mandatory: false,
                });
            }
        }
    }

    keep_promises(&mut j, school, input, &mut rng);
    j
}

/// For each student with a password: an overdue mandatory assignment in each of the three
/// weeks before this one, then a mark with a value in every week with past lessons.
fn keep_promises(j: &mut Journal, school: &School, input: &SchoolInput<'_>, rng: &mut Rng) {
    let today = input.today;
    let current = week_start(today);
    let first_week = week_start(input.year.start);
    let mut index: HashMap<(u32, u32), u32> = HashMap::new();
    for (m, mark) in j.marks.iter().enumerate() {
        if school.students[mark.student as usize].password {
            index.insert((mark.assignment, mark.student), m as u32);
        }
    }

    for (s, student) in school.students.iter().enumerate() {
        if !student.password {
            continue;
        }
        let s = s as u32;
        let class = &school.classes[student.class];
        let mut weeks: BTreeMap<NaiveDate, Vec<u32>> = BTreeMap::new();
        for cs in &class.subjects {
            for &g in &cs.groups {
                if school.groups[g]
                    .subgroup
                    .is_some_and(|sg| sg != student.subgroup)
                {
                    continue;
                }
                for &l in &j.group_lessons[g] {
                    let date = j.lessons[l as usize].date;
                    if date <= today {
                        weeks.entry(week_start(date)).or_default().push(l);
                    }
                }
            }
        }

        for back in [3i64, 2, 1] {
            let week = current - Duration::days(7 * back);
            if week < first_week {
                continue;
            }
            let Some(lessons) = weeks.get(&week) else {
                continue;
            };
            let owes = lessons.iter().any(|&l| {
                j.control[l as usize]
                    .is_some_and(|a| index.get(&(a, s)).is_none_or(|&m| j.marks[m as usize].duty))
            });
            if owes {
                continue;
            }
            if let Some(a) = lessons.iter().find_map(|&l| j.control[l as usize]) {
                if let Some(&m) = index.get(&(a, s)) {
                    let mark = &mut j.marks[m as usize];
                    mark.value = None;
                    mark.duty = true;
                    mark.comment = "Работа не сдана";
                }
                continue;
            }
            let lesson = lessons
                .iter()
                .copied()
                .find(|&l| {
                    curriculum::control_kind(
                        school.groups[j.lessons[l as usize].group as usize].subject,
                    )
                    .is_some()
                })
                .unwrap_or(lessons[0]);
            let before = j.marks.len();
            j.add_control(school, rng, lesson, 1, true, Some(s));
            for m in before..j.marks.len() {
                let mark = &j.marks[m];
                if school.students[mark.student as usize].password {
                    index.insert((mark.assignment, mark.student), m as u32);
                }
            }
        }

        for lessons in weeks.values() {
            let marked = lessons.iter().any(|&l| {
                [j.oral[l as usize], j.control[l as usize]]
                    .into_iter()
                    .flatten()
                    .any(|a| {
                        index
                            .get(&(a, s))
                            .is_some_and(|&m| j.marks[m as usize].value.is_some())
                    })
            });
            if marked {
                continue;
            }
            let lesson = lessons
                .iter()
                .rev()
                .copied()
                .find(|&l| j.can_mark(l, s) && j.oral[l as usize].is_some())
                .or_else(|| lessons.iter().rev().copied().find(|&l| j.can_mark(l, s)))
                .unwrap_or_else(|| {
                    // Away all week: the last lesson of the week is where they turned up after all.
                    let l = lessons[lessons.len() - 1];
                    j.attendance.remove(&(l, s));
                    l
                });
            let a = match j.oral[lesson as usize] {
                Some(a) => a,
                None => j.add_oral(lesson),
            };
            let value = mark_value(rng, student.ability);
            let comment = comment(rng, value);
            j.marks.push(Mark {
                assignment: a,
                student: s,
                value: Some(value),
                duty: false,
                comment,
            });
            index.insert((a, s), (j.marks.len() - 1) as u32);
        }
    }
}

/// Queues lessons, assignments, marks and attendance.
pub(crate) fn push(
    j: &Journal,
    school: &School,
    today: NaiveDate,
    ids: &mut Ids,
    batch: &mut Batch,
) {
    let teacher =
        |g: u32| school.accounts[school.teachers[school.groups[g as usize].teacher].acc].id;
    let lesson_base = ids.block(&LESSONS, j.lessons.len());
    for (i, l) in j.lessons.iter().enumerate() {
        let group = &school.groups[l.group as usize];
        let ((sh, sm), (eh, em)) =
            BELLS_SHIFT_1[usize::from(l.number - 1).min(BELLS_SHIFT_1.len() - 1)];
        batch.push(
            &LESSONS,
            vec![
                (lesson_base + i as i64).into(),
                group.id.into(),
                l.date.into(),
                1i64.into(),
                i64::from(l.number).into(),
                hm(sh, sm).into(),
                hm(eh, em).into(),
                group.room.clone().into(),
                l.topic.clone().into(),
                Some(teacher(l.group)).into(),
            ],
        );
    }
    let assignment_base = ids.block(&ASSIGNMENTS, j.assignments.len());
    for (i, a) in j.assignments.iter().enumerate() {
        let l = &j.lessons[a.lesson as usize];
        // Work on future lessons is set up today, not on its future date.
        let created = at(l.date.min(today), 15);
        batch.push(
            &ASSIGNMENTS,
            vec![
                (assignment_base + i as i64).into(),
                (lesson_base + i64::from(a.lesson)).into(),
                school.type_ids[a.kind].into(),
                a.title.clone().into(),
                a.description.clone().into(),
                ASSIGNMENT_TYPES[a.kind].2.into(),
                a.due.into(),
                Value::Bool(a.mandatory),
                Some(teacher(l.group)).into(),
                created.into(),
            ],
        );
    }
    let mark_base = ids.block(&MARKS, j.marks.len());
    for (i, m) in j.marks.iter().enumerate() {
        let a = &j.assignments[m.assignment as usize];
        let l = &j.lessons[a.lesson as usize];
        batch.push(
            &MARKS,
            vec![
                (mark_base + i as i64).into(),
                (assignment_base + i64::from(m.assignment)).into(),
                school.accounts[school.students[m.student as usize].acc]
                    .id
                    .into(),
                Value::Int(m.value.map(i64::from)),
                Value::Text(None),
                Value::Bool(m.duty),
                m.comment.into(),
                at(l.date, 15).into(),
                Some(teacher(l.group)).into(),
            ],
        );
    }
    // Sorted so that the same seed writes the same rows in the same order.
    let mut attendance: Vec<(&(u32, u32), &&str)> = j.attendance.iter().collect();
    attendance.sort_unstable_by_key(|(k, _)| **k);
    for (&(lesson, student), code) in attendance {
        let l = &j.lessons[lesson as usize];
        batch.push(
            &ATTENDANCE,
            vec![
                (lesson_base + i64::from(lesson)).into(),
                school.accounts[school.students[student as usize].acc]
                    .id
                    .into(),
                (*code).into(),
                at(l.date, 15).into(),
                Some(teacher(l.group)).into(),
            ],
        );
    }
}
