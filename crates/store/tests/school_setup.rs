//! The school set-up operations of the store, run against both engines: a year is laid out,
//! a class with a subgroup and curriculum is made, bells and a timetable are stored, lessons are
//! generated, kept and changed, and a student of the class sees them in the diary queries.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use chrono::{DateTime, NaiveDate, Utc};
use sgo_store::testing::TestStore;
use sgo_store::{
    ClassFields, Engine, GroupChange, LessonChange, NewBell, NewLesson, NewPeriod, NewSubjectGroup,
    NewTimetableEntry, Store, StoreError, TimetablePlan, YearOutside,
};
use sgo_testkit::both_engines;
use sgo_testkit::fixtures::{
    Member, Organization, Territory, class_students, date as d, members, noon_on as ts, time as t,
};

/// School 10 with teachers 300 and 301 (301 deactivated), a student 100 and 101, an administrator 400.
async fn fixture(s: &dyn Store) {
    let now = ts(d(2026, 9, 1));
    Territory::standard()
        .organization(Organization::new(
            10,
            "general",
            "СОШ №1",
            "Средняя школа №1",
            "сош №1",
        ))
        .insert(s)
        .await;
    let member = |id: i64, role: &'static str| {
        Member::new(id, 10, &format!("Фамилия{id}"), "Имя")
            .login(&format!("u{id}"))
            .display(&format!("Человек {id}"))
            .active(id != 301)
            .role(role)
    };
    let people = [
        member(100, "student"),
        member(101, "student"),
        member(300, "teacher"),
        member(301, "teacher"),
        member(400, "administrator"),
    ];
    members(s, now, &people).await;
}

/// The fixture's school with the year 2027/2028 made through the store; the year's id.
async fn school_with_year(s: &dyn Store) -> i64 {
    fixture(s).await;
    s.create_year(10, "2027/2028", d(2027, 9, 1), d(2028, 5, 31))
        .await
        .unwrap()
}

async fn set_up_a_school(engine: Engine) {
    let db = TestStore::new(engine).await;
    let s = db.store.as_ref();
    let year = school_with_year(s).await;

    // Year, periods, holidays.
    let y = s.year(year).await.unwrap().unwrap();
    assert_eq!(
        (y.organization_id, y.name.as_str(), y.end_date),
        (10, "2027/2028", d(2028, 5, 31))
    );
    assert!(s.year(year + 100).await.unwrap().is_none());
    assert_eq!(s.years(10).await.unwrap().len(), 1);
    let period = |n: i32, from: i32, to: i32, a: NaiveDate, b: NaiveDate| NewPeriod {
        kind: "half_year".into(),
        number: n,
        name: format!("{n} полугодие"),
        grade_from: from,
        grade_to: to,
        start_date: a,
        end_date: b,
    };
    s.add_periods(
        year,
        &[
            period(1, 1, 9, d(2027, 9, 1), d(2027, 12, 31)),
            period(2, 1, 9, d(2028, 1, 1), d(2028, 5, 31)),
            period(1, 10, 11, d(2027, 9, 1), d(2028, 5, 31)),
        ],
    )
    .await
    .unwrap();
    let periods = s.year_periods(year).await.unwrap();
    assert_eq!(
        periods
            .iter()
            .map(|p| (p.grade_from, p.number))
            .collect::<Vec<_>>(),
        [(1, 1), (1, 2), (10, 1)]
    );
    assert_eq!(
        s.periods(year, 5).await.unwrap().len(),
        2,
        "the diary's per-grade query sees them"
    );
    assert_eq!(s.delete_periods(year, 10, 11).await.unwrap(), 1);
    assert_eq!(s.year_periods(year).await.unwrap().len(), 2);
    let autumn = s
        .add_holiday(year, "Осенние каникулы", d(2027, 9, 8), d(2027, 9, 8))
        .await
        .unwrap();
    let other = s
        .add_holiday(year, "Лишние", d(2027, 10, 1), d(2027, 10, 2))
        .await
        .unwrap();
    assert!(s.delete_holiday(year, other).await.unwrap());
    assert!(
        !s.delete_holiday(year + 1, autumn).await.unwrap(),
        "only a holiday of that year"
    );
    let holidays = s.holidays(year).await.unwrap();
    assert_eq!(holidays.len(), 1);
    assert_eq!(holidays[0].name, "Осенние каникулы");

    // Teachers and classes.
    let teachers = s.school_teachers(10).await.unwrap();
    assert_eq!(
        teachers.iter().map(|t| t.id).collect::<Vec<_>>(),
        [300],
        "active teachers only"
    );
    let fields = ClassFields {
        grade: 5,
        letter: "А".into(),
        profile: "".into(),
        room: "12".into(),
        shift: 1,
        teacher_account_id: Some(300),
    };
    let class = s.create_class(10, year, &fields).await.unwrap();
    let dup = s.create_class(10, year, &fields).await;
    assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");
    let c = s.class(class).await.unwrap().unwrap();
    assert_eq!(
        (c.grade, c.letter.as_str(), c.teacher_account_id),
        (5, "А", Some(300))
    );
    assert_eq!(c.teacher_name.as_deref(), Some("Человек 300"));
    s.update_class(
        class,
        &ClassFields {
            room: "14".into(),
            teacher_account_id: None,
            ..fields.clone()
        },
    )
    .await
    .unwrap();
    let c = s.class(class).await.unwrap().unwrap();
    assert_eq!((c.room.as_str(), c.teacher_account_id), ("14", None));
    s.update_class(class, &fields).await.unwrap();
    assert_eq!(
        s.classes(year).await.unwrap()[0].teacher_account_id,
        Some(300)
    );

    // Members: 100 now, 101 left before the day asked about.
    class_students(
        s,
        &[
            (1, class, 100, d(2027, 9, 1), None),
            (2, class, 101, d(2027, 9, 1), Some(d(2027, 9, 5))),
        ],
    )
    .await;
    let members = s.class_members(class, d(2027, 9, 6)).await.unwrap();
    assert_eq!(members.iter().map(|m| m.id).collect::<Vec<_>>(), [100]);
    let sub = s
        .create_subgroup(class, "1 подгруппа", &[100])
        .await
        .unwrap();
    let subs = s.subgroups(class).await.unwrap();
    assert_eq!((subs[0].id, subs[0].students), (sub, 1));

    // Subjects and curriculum.
    let math = s.create_subject(10, "Математика", "Матем.").await.unwrap();
    let english = s
        .create_subject(10, "Английский язык", "Англ.")
        .await
        .unwrap();
    assert_eq!(s.subjects(10).await.unwrap().len(), 2);
    let group = |subject: i64, subgroup: Option<i64>, name: &str| NewSubjectGroup {
        organization_id: 10,
        academic_year_id: year,
        class_id: class,
        subgroup_id: subgroup,
        subject_id: subject,
        name: name.into(),
        hours_per_week: 2,
        teachers: vec![300],
    };
    let g_math = s
        .create_subject_group(&group(math, None, "5А/Математика"))
        .await
        .unwrap();
    let g_eng = s
        .create_subject_group(&group(english, Some(sub), "5А/Английский язык/1 подгруппа"))
        .await
        .unwrap();
    let spare = s
        .create_subject_group(&group(english, None, "5А/Английский язык"))
        .await
        .unwrap();
    let groups = s.subject_groups(class).await.unwrap();
    assert_eq!(groups.len(), 3);
    let eng = s.subject_group(g_eng).await.unwrap().unwrap();
    assert_eq!(
        (eng.subgroup_name.as_deref(), eng.subject_name.as_str()),
        (Some("1 подгруппа"), "Английский язык")
    );
    assert_eq!(s.group_teachers(class).await.unwrap().len(), 3);
    assert!(s.delete_subject_group(spare).await.unwrap());

    // Bells.
    assert!(s.bell_schedule(10).await.unwrap().is_none());
    let schedule = s
        .create_bell_schedule(10, "Основное расписание")
        .await
        .unwrap();
    assert_eq!(s.bell_schedule(10).await.unwrap().unwrap().id, schedule);
    let bells = [
        NewBell {
            number: 1,
            start_time: t(8, 30),
            end_time: t(9, 15),
        },
        NewBell {
            number: 2,
            start_time: t(9, 25),
            end_time: t(10, 10),
        },
    ];
    s.replace_bells(schedule, 1, &bells).await.unwrap();
    s.replace_bells(schedule, 2, &bells[..1]).await.unwrap();
    s.replace_bells(schedule, 1, &bells).await.unwrap();
    assert_eq!(s.bells(schedule).await.unwrap().len(), 3);

    // A timetable from Monday 2027-09-06: maths 1st on Monday and Tuesday, English 2nd on Monday.
    let lesson = |g: i64, date: NaiveDate, n: i32| NewLesson {
        subject_group_id: g,
        date,
        number: n,
        start_time: bells[(n - 1) as usize].start_time,
        end_time: bells[(n - 1) as usize].end_time,
        room: "12".into(),
        teacher_account_id: Some(300),
    };
    let entry = |g: i64, weekday: i32, number: i32| NewTimetableEntry {
        subject_group_id: g,
        weekday,
        number,
        room: "12".into(),
    };
    let plan = TimetablePlan {
        class_id: class,
        shift: 1,
        valid_from: d(2027, 9, 6),
        entries: vec![entry(g_math, 1, 1), entry(g_math, 2, 1), entry(g_eng, 1, 2)],
        lessons: vec![
            lesson(g_math, d(2027, 9, 6), 1),
            lesson(g_eng, d(2027, 9, 6), 2),
            lesson(g_math, d(2027, 9, 7), 1),
            lesson(g_math, d(2027, 9, 13), 1),
        ],
    };
    let out = s.save_timetable(&plan).await.unwrap();
    assert_eq!((out.deleted, out.kept, out.created), (0, 0, 4));
    assert_eq!(s.timetable(class, d(2027, 9, 6)).await.unwrap().len(), 3);
    assert!(s.timetable(class, d(2027, 9, 5)).await.unwrap().is_empty());

    // The diary of student 100 (in the subgroup) shows all; an attendance mark keeps a lesson.
    let diary = s
        .diary_lessons(100, d(2027, 9, 6), d(2027, 9, 12))
        .await
        .unwrap();
    assert_eq!(diary.len(), 3);
    assert_eq!(
        diary[1].subject_group_name,
        "5А/Английский язык/1 подгруппа"
    );
    let kept_id = diary[0].lesson_id;
    s.bulk_insert(
        "attendance",
        &["lesson_id", "student_account_id", "code", "set_at"],
        vec![vec![
            kept_id.into(),
            100i64.into(),
            "Б".into(),
            now_ts().into(),
        ]],
    )
    .await
    .unwrap();

    // A new timetable from the same day: only maths on Monday. The marked lesson stays and is not doubled.
    let plan2 = TimetablePlan {
        entries: vec![entry(g_math, 1, 1)],
        lessons: vec![
            lesson(g_math, d(2027, 9, 6), 1),
            lesson(g_math, d(2027, 9, 13), 1),
        ],
        ..plan.clone()
    };
    let out = s.save_timetable(&plan2).await.unwrap();
    assert_eq!((out.deleted, out.kept, out.created), (3, 1, 1));
    let lessons = s
        .class_lessons(class, d(2027, 9, 6), d(2027, 9, 19))
        .await
        .unwrap();
    assert_eq!(
        lessons
            .iter()
            .map(|l| (l.date, l.number))
            .collect::<Vec<_>>(),
        [(d(2027, 9, 6), 1), (d(2027, 9, 13), 1)]
    );
    assert_eq!(lessons[0].id, kept_id);
    assert_eq!(
        s.timetable(class, d(2027, 9, 6)).await.unwrap().len(),
        1,
        "lines from the same day are replaced"
    );

    // From a later date: the earlier lines are closed the day before.
    let plan3 = TimetablePlan {
        valid_from: d(2027, 9, 13),
        entries: vec![entry(g_math, 3, 2)],
        lessons: vec![],
        ..plan.clone()
    };
    s.save_timetable(&plan3).await.unwrap();
    let old = s.timetable(class, d(2027, 9, 12)).await.unwrap();
    assert_eq!(old.len(), 1);
    assert_eq!(old[0].valid_to, Some(d(2027, 9, 12)));
    assert_eq!(
        s.timetable(class, d(2027, 9, 13)).await.unwrap()[0].weekday,
        3
    );
    assert!(
        s.subject_groups(class)
            .await
            .unwrap()
            .iter()
            .any(|g| g.id == g_math)
    );
    assert!(
        !s.delete_subject_group(g_math).await.unwrap(),
        "a group with lessons stays"
    );

    // One-off changes: move, substitute, cancel.
    let l = s.setup_lesson(kept_id).await.unwrap().unwrap();
    assert_eq!(
        (l.class_id, l.organization_id, l.status.as_str()),
        (class, 10, "scheduled")
    );
    let change = LessonChange {
        date: d(2027, 9, 7),
        number: 2,
        start_time: t(9, 25),
        end_time: t(10, 10),
        room: "20".into(),
        teacher_account_id: Some(400),
        status: "scheduled".into(),
    };
    s.change_lesson(kept_id, &change).await.unwrap();
    let l = s.setup_lesson(kept_id).await.unwrap().unwrap();
    assert_eq!(
        (l.date, l.number, l.room.as_str(), l.teacher_account_id),
        (d(2027, 9, 7), 2, "20", Some(400))
    );
    assert_eq!(
        s.diary_lessons(100, d(2027, 9, 7), d(2027, 9, 7))
            .await
            .unwrap()
            .len(),
        1
    );
    s.change_lesson(
        kept_id,
        &LessonChange {
            status: "cancelled".into(),
            ..change
        },
    )
    .await
    .unwrap();
    assert!(
        s.diary_lessons(100, d(2027, 9, 7), d(2027, 9, 7))
            .await
            .unwrap()
            .is_empty()
    );
}

fn now_ts() -> DateTime<Utc> {
    ts(d(2027, 9, 6))
}

/// Corrections: a year's dates, a subject, a subgroup, a group's teachers, a class removed.
async fn correct_mistakes(engine: Engine) {
    let db = TestStore::new(engine).await;
    let s = db.store.as_ref();
    let year = school_with_year(s).await;
    let other = s
        .create_year(10, "2028/2029", d(2028, 9, 1), d(2029, 5, 31))
        .await
        .unwrap();
    s.add_periods(
        year,
        &[NewPeriod {
            kind: "half_year".into(),
            number: 1,
            name: "1 полугодие".into(),
            grade_from: 1,
            grade_to: 11,
            start_date: d(2027, 9, 1),
            end_date: d(2027, 12, 31),
        }],
    )
    .await
    .unwrap();
    s.add_holiday(year, "Зимние", d(2028, 1, 1), d(2028, 1, 8))
        .await
        .unwrap();
    let fields = |letter: &str| ClassFields {
        grade: 5,
        letter: letter.into(),
        profile: "".into(),
        room: "12".into(),
        shift: 1,
        teacher_account_id: Some(300),
    };
    let class = s.create_class(10, year, &fields("А")).await.unwrap();
    class_students(s, &[(1, class, 100, d(2027, 9, 1), None)]).await;
    let sub = s
        .create_subgroup(class, "1 подгруппа", &[100])
        .await
        .unwrap();
    let math = s.create_subject(10, "Матем", "М").await.unwrap();
    let new_group = |subgroup: Option<i64>, name: &str| NewSubjectGroup {
        organization_id: 10,
        academic_year_id: year,
        class_id: class,
        subgroup_id: subgroup,
        subject_id: math,
        name: name.into(),
        hours_per_week: 2,
        teachers: vec![300],
    };
    let g = s
        .create_subject_group(&new_group(None, "5А/Матем"))
        .await
        .unwrap();
    let g_sub = s
        .create_subject_group(&new_group(Some(sub), "5А/Матем/1 подгруппа"))
        .await
        .unwrap();
    let lesson = |date: NaiveDate| NewLesson {
        subject_group_id: g,
        date,
        number: 1,
        start_time: t(8, 30),
        end_time: t(9, 15),
        room: "12".into(),
        teacher_account_id: Some(300),
    };
    let plan = TimetablePlan {
        class_id: class,
        shift: 1,
        valid_from: d(2027, 9, 6),
        entries: vec![NewTimetableEntry {
            subject_group_id: g,
            weekday: 1,
            number: 1,
            room: "12".into(),
        }],
        lessons: [6, 13, 20, 27].map(|n| lesson(d(2027, 9, n))).to_vec(),
    };
    s.save_timetable(&plan).await.unwrap();

    // The year: nothing outside its own dates; a shorter span leaves things out.
    assert!(
        s.year_outside(year, d(2027, 9, 1), d(2028, 5, 31))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        s.year_outside(year, d(2027, 9, 10), d(2027, 12, 30))
            .await
            .unwrap(),
        YearOutside {
            periods: 1,
            holidays: 1,
            lessons: 1,
            timetable_entries: 1,
        }
    );
    assert!(
        s.year_outside(other, d(2028, 9, 2), d(2028, 9, 3))
            .await
            .unwrap()
            .is_empty(),
        "only the year's own things count"
    );
    s.update_year(year, "2027-2028", d(2027, 8, 30), d(2028, 6, 15))
        .await
        .unwrap();
    let y = s.year(year).await.unwrap().unwrap();
    assert_eq!(
        (y.name.as_str(), y.start_date, y.end_date),
        ("2027-2028", d(2027, 8, 30), d(2028, 6, 15))
    );

    // The subject: renamed with its groups; kept while groups use it.
    assert_eq!(s.subject(math).await.unwrap().unwrap().name, "Матем");
    assert!(s.subject(math + 100).await.unwrap().is_none());
    let used = s.subject_groups_of_subject(math).await.unwrap();
    assert_eq!(used.len(), 2);
    s.update_subject(
        math,
        "Математика",
        "Матем.",
        &[
            (g, "5А/Математика".into()),
            (g_sub, "5А/Математика/1 подгруппа".into()),
        ],
    )
    .await
    .unwrap();
    let m = s.subject(math).await.unwrap().unwrap();
    assert_eq!(
        (m.name.as_str(), m.short_name.as_str()),
        ("Математика", "Матем.")
    );
    assert_eq!(
        s.subject_group(g).await.unwrap().unwrap().name,
        "5А/Математика"
    );
    assert!(!s.delete_subject(math).await.unwrap(), "groups use it");
    let spare = s.create_subject(10, "Черчение", "Черч.").await.unwrap();
    assert!(s.delete_subject(spare).await.unwrap());
    assert!(s.subject(spare).await.unwrap().is_none());

    // The subgroup: renamed with its group, members replaced; kept while a group uses it.
    let sg = s.subgroup(sub).await.unwrap().unwrap();
    assert_eq!((sg.class_id, sg.students), (class, 1));
    assert_eq!(s.subgroup_students(sub).await.unwrap(), [100]);
    assert_eq!(
        s.subject_groups_of_subgroup(sub).await.unwrap()[0].id,
        g_sub
    );
    s.update_subgroup(
        sub,
        "Первая",
        &[100, 101],
        &[(g_sub, "5А/Математика/Первая".into())],
    )
    .await
    .unwrap();
    assert_eq!(s.subgroup_students(sub).await.unwrap(), [100, 101]);
    assert_eq!(s.subgroup(sub).await.unwrap().unwrap().name, "Первая");
    assert_eq!(
        s.subject_group(g_sub).await.unwrap().unwrap().name,
        "5А/Математика/Первая"
    );
    assert!(!s.delete_subgroup(sub).await.unwrap(), "a group uses it");
    assert!(s.delete_subject_group(g_sub).await.unwrap());
    assert!(s.delete_subgroup(sub).await.unwrap());
    assert!(s.subgroup(sub).await.unwrap().is_none());

    // The group's teachers: from 13 September the scheduled lessons of 300 go to 400; a
    // substitution (101 on the 20th) and a cancelled lesson (27th) stay, as does the 6th.
    let lessons = s
        .class_lessons(class, d(2027, 9, 1), d(2027, 9, 30))
        .await
        .unwrap();
    let ids: Vec<i64> = lessons.iter().map(|l| l.id).collect();
    let change = |l: &sgo_store::SetupLessonRecord, teacher: i64, status: &str| LessonChange {
        date: l.date,
        number: l.number,
        start_time: l.start_time,
        end_time: l.end_time,
        room: l.room.clone(),
        teacher_account_id: Some(teacher),
        status: status.into(),
    };
    s.change_lesson(ids[2], &change(&lessons[2], 101, "scheduled"))
        .await
        .unwrap();
    s.change_lesson(ids[3], &change(&lessons[3], 300, "cancelled"))
        .await
        .unwrap();
    let moved = s
        .update_subject_group(
            g,
            &GroupChange {
                hours_per_week: 3,
                teachers: vec![400, 300],
                lessons_from: d(2027, 9, 13),
                old_teacher: Some(300),
                new_teacher: Some(400),
            },
        )
        .await
        .unwrap();
    assert_eq!(moved, 1);
    let teachers: Vec<Option<i64>> = s
        .class_lessons(class, d(2027, 9, 1), d(2027, 9, 30))
        .await
        .unwrap()
        .iter()
        .map(|l| l.teacher_account_id)
        .collect();
    assert_eq!(teachers, [Some(300), Some(400), Some(101), Some(300)]);
    assert_eq!(s.subject_group(g).await.unwrap().unwrap().hours_per_week, 3);
    let mut now: Vec<i64> = s
        .group_teachers(class)
        .await
        .unwrap()
        .iter()
        .map(|t| t.teacher_account_id)
        .collect();
    now.sort_unstable();
    assert_eq!(now, [300, 400]);
    let unchanged = GroupChange {
        hours_per_week: 3,
        teachers: vec![400],
        lessons_from: d(2027, 9, 13),
        old_teacher: Some(400),
        new_teacher: Some(400),
    };
    assert_eq!(s.update_subject_group(g, &unchanged).await.unwrap(), 0);

    // Classes: the timetable runs on; one with a student or lessons stays, an empty one goes.
    assert_eq!(
        s.class_timetable_from(class, d(2027, 11, 1)).await.unwrap(),
        1
    );
    assert_eq!(s.class_usage(class).await.unwrap(), (1, 4));
    assert!(!s.delete_class(class).await.unwrap());
    let empty = s.create_class(10, year, &fields("Б")).await.unwrap();
    let sub_b = s.create_subgroup(empty, "1", &[]).await.unwrap();
    let g_b = s
        .create_subject_group(&NewSubjectGroup {
            class_id: empty,
            subgroup_id: Some(sub_b),
            name: "5Б/Математика/1".into(),
            ..new_group(None, "")
        })
        .await
        .unwrap();
    s.save_timetable(&TimetablePlan {
        class_id: empty,
        entries: vec![NewTimetableEntry {
            subject_group_id: g_b,
            weekday: 2,
            number: 1,
            room: "".into(),
        }],
        lessons: vec![],
        ..plan.clone()
    })
    .await
    .unwrap();
    s.save_timetable(&TimetablePlan {
        class_id: empty,
        valid_from: d(2027, 10, 1),
        entries: vec![],
        lessons: vec![],
        ..plan.clone()
    })
    .await
    .unwrap();
    assert_eq!(
        s.class_timetable_from(empty, d(2027, 10, 1)).await.unwrap(),
        0,
        "an emptied timetable ends the day before"
    );
    assert_eq!(s.class_usage(empty).await.unwrap(), (0, 0));
    assert!(s.delete_class(empty).await.unwrap());
    assert!(s.class(empty).await.unwrap().is_none());
    assert!(s.subject_group(g_b).await.unwrap().is_none());
    assert!(!s.delete_class(empty).await.unwrap(), "already gone");
}

both_engines!(set_up_a_school, correct_mistakes);
