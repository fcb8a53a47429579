//! The student switch of the diary and progress pages: a parent with several children, or staff
//! who may read several students, choose whose page they see.

use sgo_app::diary::DiaryStudent;
use sgo_core::StudentId;

/// A student in the switch.
pub(crate) struct StudentOption {
    pub id: StudentId,
    pub name: String,
    pub selected: bool,
}

/// The switch's options, «Name (9А)», with `selected` chosen.
pub(crate) fn student_options(
    students: &[DiaryStudent],
    selected: StudentId,
) -> Vec<StudentOption> {
    students
        .iter()
        .map(|s| StudentOption {
            id: s.account_id,
            name: match &s.class_name {
                Some(c) => format!("{} ({c})", s.display_name),
                None => s.display_name.clone(),
            },
            selected: s.account_id == selected,
        })
        .collect()
}

/// Whose page this is, under the title: «Name, 9А класс».
pub(crate) fn student_line(display_name: &str, class_name: Option<&str>) -> String {
    match class_name {
        Some(c) => format!("{display_name}, {c} класс"),
        None => display_name.to_owned(),
    }
}
