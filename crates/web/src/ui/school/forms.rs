//! The school set-up forms as the pages send them, and the use-case inputs they become. Field
//! names are the templates' `name` attributes; values stay text because the use cases check them
//! and answer with messages next to the fields.

use serde::Deserialize;
use sgo_app::school_setup::{
    ClassInput, GroupEdit, GroupInput, HolidayInput, LessonInput, YearInput,
};

/// A new year (the years page) — `org` when the region administrator acts for a school.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct NewYearForm {
    pub org: String,
    pub name: String,
    pub start: String,
    pub end: String,
}

impl NewYearForm {
    pub fn input(self) -> YearInput {
        YearInput {
            name: self.name,
            start: self.start,
            end: self.end,
        }
    }
}

/// A year's own fields on its page.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct YearForm {
    pub year_name: String,
    pub year_start: String,
    pub year_end: String,
}

impl From<YearForm> for YearInput {
    fn from(f: YearForm) -> Self {
        YearInput {
            name: f.year_name,
            start: f.year_start,
            end: f.year_end,
        }
    }
}

/// Holidays added on a year's page.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct HolidayForm {
    pub holiday_name: String,
    pub holiday_start: String,
    pub holiday_end: String,
}

impl From<HolidayForm> for HolidayInput {
    fn from(f: HolidayForm) -> Self {
        HolidayInput {
            name: f.holiday_name,
            start: f.holiday_start,
            end: f.holiday_end,
        }
    }
}

/// The grade range whose period scheme is deleted.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct GradeRangeForm {
    pub grade_from: String,
    pub grade_to: String,
}

/// A class: new (with its year) or edited.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ClassForm {
    pub org: String,
    pub year: String,
    pub grade: String,
    pub letter: String,
    pub profile: String,
    pub room: String,
    pub shift: String,
    pub teacher: String,
}

impl ClassForm {
    pub fn input(&self) -> ClassInput {
        ClassInput {
            grade: self.grade.clone(),
            letter: self.letter.clone(),
            profile: self.profile.clone(),
            room: self.room.clone(),
            shift: self.shift.clone(),
            teacher: self.teacher.clone(),
        }
    }
}

/// A subgroup's name and members.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct SubgroupForm {
    pub subgroup_name: String,
    pub students: Vec<String>,
}

/// A subject group added to a class's curriculum.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct GroupForm {
    pub subject: String,
    pub subgroup: String,
    pub teachers: Vec<String>,
    pub hours: String,
}

impl From<GroupForm> for GroupInput {
    fn from(f: GroupForm) -> Self {
        GroupInput {
            subject: f.subject,
            subgroup: f.subgroup,
            teachers: f.teachers,
            hours: f.hours,
        }
    }
}

/// A subject group's teachers and hours.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct GroupEditForm {
    pub teachers: Vec<String>,
    pub hours: String,
}

impl From<GroupEditForm> for GroupEdit {
    fn from(f: GroupEditForm) -> Self {
        GroupEdit {
            teachers: f.teachers,
            hours: f.hours,
        }
    }
}

/// One lesson moved, given another room or teacher, or cancelled.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct LessonForm {
    pub date: String,
    pub number: String,
    pub room: String,
    pub teacher: String,
    pub cancelled: String,
}

impl From<LessonForm> for LessonInput {
    fn from(f: LessonForm) -> Self {
        LessonInput {
            date: f.date,
            number: f.number,
            room: f.room,
            teacher: f.teacher,
            cancelled: !f.cancelled.is_empty(),
        }
    }
}
