//! Rules of the class journal: what a teacher may type into a mark cell, how a mark is shown,
//! the period-mark hint, and who may keep or read a subject group's journal.

use crate::marks::MARK_RANGE;
use crate::message::Message;

/// Special mark codes a teacher may type instead of a number (they do not count in averages).
pub const MARK_CODES: [(&str, &str); 2] = [("ЗЧ", "зачёт"), ("НЗ", "незачёт")];

/// A mark as typed into the journal, already checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkEntry {
    /// 1..5, or `None` for a code or a bare duty flag.
    pub value: Option<i32>,
    /// One of [`MARK_CODES`].
    pub code: Option<String>,
    /// «Точка»: the work is owed.
    pub duty: bool,
}

/// Parses what was typed into a mark cell. `Ok(None)` clears the mark.
///
/// Accepted: `5`…`1`; a code from [`MARK_CODES`]; `.`, `точка` or `долг` for a duty flag alone;
/// a value followed by `.` or ` долг` for a mark that still owes work. Attendance («Н», «ОТ» …)
/// is refused here because it belongs to the lesson's attendance, not to a mark.
pub fn parse_mark(typed: &str) -> Result<Option<MarkEntry>, Message> {
    let text = typed.trim().to_lowercase();
    if text.is_empty() {
        return Ok(None);
    }
    if matches!(text.as_str(), "." | "точка" | "долг") {
        return Ok(Some(MarkEntry {
            value: None,
            code: None,
            duty: true,
        }));
    }
    let (body, duty) = if let Some(rest) = text.strip_suffix("долг") {
        (rest.trim(), true)
    } else if let Some(rest) = text.strip_suffix('.') {
        (rest.trim(), true)
    } else {
        (text.as_str(), false)
    };
    if let Ok(value) = body.parse::<i32>() {
        return if MARK_RANGE.contains(&value) {
            Ok(Some(MarkEntry {
                value: Some(value),
                code: None,
                duty,
            }))
        } else {
            Err(crate::msg!("mark-value-out-of-range"))
        };
    }
    if let Some((code, _)) = MARK_CODES.iter().find(|(c, _)| c.to_lowercase() == body) {
        return Ok(Some(MarkEntry {
            value: None,
            code: Some((*code).to_owned()),
            duty,
        }));
    }
    if matches!(body, "н" | "нн" | "от" | "б" | "уп" | "нп" | "оп" | "осв") {
        return Err(crate::msg!("mark-is-attendance"));
    }
    Err(crate::msg!("mark-value-invalid"))
}

/// How a mark is shown in the journal cell and in its history («5», «ЗЧ», «.», «4.»; «» for none).
pub fn format_mark(value: Option<i32>, code: Option<&str>, duty: bool) -> String {
    let body = match (value, code) {
        (Some(v), _) => v.to_string(),
        (None, Some(c)) => c.to_owned(),
        (None, None) => String::new(),
    };
    if duty { format!("{body}.") } else { body }
}

/// The period mark suggested by a weighted average: rounded half up (4,5 → 5), within 1..5.
pub fn period_mark_hint(average: Option<f64>) -> Option<i32> {
    let avg = average?;
    let rounded = (avg + 0.5 + 1e-9).floor() as i32;
    Some(rounded.clamp(*MARK_RANGE.start(), *MARK_RANGE.end()))
}

/// A period or year mark: a value 1..5, or a code.
pub type FinalMark = (Option<i32>, Option<String>);

/// Parses a period or year mark: empty clears it, else 1..5 or a code.
pub fn parse_final_mark(typed: &str) -> Result<Option<FinalMark>, Message> {
    match parse_mark(typed)? {
        None => Ok(None),
        Some(MarkEntry { duty: true, .. }) => Err(crate::msg!("mark-final-is-duty")),
        Some(m) => Ok(Some((m.value, m.code))),
    }
}

/// What an account has to do with a subject group, as found in the database.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GroupTies {
    /// Administrator or deputy head of the group's school.
    pub school_admin: bool,
    /// One of the group's teachers.
    pub teaches: bool,
    /// Stands in for the group's teacher on at least one lesson (or on the lesson in question).
    pub substitutes: bool,
    /// Class teacher of the group's class.
    pub class_teacher: bool,
}

/// How far an account may go in a subject group's journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum JournalAccess {
    /// Nothing.
    None,
    /// Sees the grid (class teacher of another teacher's subject, administration).
    Read,
    /// Marks, attendance, topics and homework.
    Write,
}

/// The journal of a group is kept by its teachers and substitutes; the class teacher and the
/// school's administration may read it. Administration does not mark for a teacher.
pub fn journal_access(t: GroupTies) -> JournalAccess {
    if t.teaches || t.substitutes {
        JournalAccess::Write
    } else if t.class_teacher || t.school_admin {
        JournalAccess::Read
    } else {
        JournalAccess::None
    }
}

/// Whether an account may read an assignment (and its files): anyone with access to the group's
/// journal, a student of the group (subgroup membership already respected by the caller), or a
/// parent of such a student.
pub fn may_read_assignment(t: GroupTies, is_student: bool, is_parent: bool) -> bool {
    journal_access(t) != JournalAccess::None || is_student || is_parent
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(value: Option<i32>, code: Option<&str>, duty: bool) -> Option<MarkEntry> {
        Some(MarkEntry {
            value,
            code: code.map(str::to_owned),
            duty,
        })
    }

    #[test]
    fn typed_marks_are_parsed() {
        assert_eq!(parse_mark(" 5 "), Ok(mark(Some(5), None, false)));
        assert_eq!(parse_mark("1"), Ok(mark(Some(1), None, false)));
        assert_eq!(parse_mark("."), Ok(mark(None, None, true)));
        assert_eq!(parse_mark("Долг"), Ok(mark(None, None, true)));
        assert_eq!(parse_mark("4."), Ok(mark(Some(4), None, true)));
        assert_eq!(parse_mark("3 долг"), Ok(mark(Some(3), None, true)));
        assert_eq!(parse_mark("зч"), Ok(mark(None, Some("ЗЧ"), false)));
        assert_eq!(parse_mark(""), Ok(None));
        assert!(parse_mark("6").is_err());
        assert!(parse_mark("0").is_err());
        assert!(parse_mark("abc").is_err());
        assert!(parse_mark("Н").unwrap_err().contains("посещаемости"));
    }

    #[test]
    fn marks_are_shown_as_typed() {
        assert_eq!(format_mark(Some(5), None, false), "5");
        assert_eq!(format_mark(Some(4), None, true), "4.");
        assert_eq!(format_mark(None, None, true), ".");
        assert_eq!(format_mark(None, Some("ЗЧ"), false), "ЗЧ");
        assert_eq!(format_mark(None, None, false), "");
        for typed in ["5", "4.", ".", "ЗЧ"] {
            let m = parse_mark(typed).unwrap().unwrap();
            assert_eq!(format_mark(m.value, m.code.as_deref(), m.duty), typed);
        }
    }

    #[test]
    fn hint_rounds_half_up() {
        assert_eq!(period_mark_hint(Some(4.5)), Some(5));
        assert_eq!(period_mark_hint(Some(4.49)), Some(4));
        assert_eq!(period_mark_hint(Some(2.5)), Some(3));
        assert_eq!(period_mark_hint(Some(1.2)), Some(1));
        assert_eq!(period_mark_hint(None), None);
    }

    #[test]
    fn final_marks_refuse_duty() {
        assert_eq!(parse_final_mark("5"), Ok(Some((Some(5), None))));
        assert_eq!(parse_final_mark(""), Ok(None));
        assert!(parse_final_mark(".").is_err());
    }

    #[test]
    fn journal_is_kept_by_teachers_and_read_by_class_teacher_and_admin() {
        let none = GroupTies::default();
        assert_eq!(journal_access(none), JournalAccess::None);
        let teacher = GroupTies {
            teaches: true,
            ..none
        };
        assert_eq!(journal_access(teacher), JournalAccess::Write);
        let sub = GroupTies {
            substitutes: true,
            ..none
        };
        assert_eq!(journal_access(sub), JournalAccess::Write);
        let ct = GroupTies {
            class_teacher: true,
            ..none
        };
        assert_eq!(journal_access(ct), JournalAccess::Read);
        let admin = GroupTies {
            school_admin: true,
            ..none
        };
        assert_eq!(journal_access(admin), JournalAccess::Read);
        assert!(may_read_assignment(ct, false, false));
        assert!(may_read_assignment(none, true, false));
        assert!(may_read_assignment(none, false, true));
        assert!(!may_read_assignment(none, false, false));
    }
}
