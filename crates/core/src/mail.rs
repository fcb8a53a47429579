//! Internal mail: who may write to whom (SGO's rules), the recipient groups of the NetSchool
//! directory, folders, and delivery channels. Pure rules; the app gathers the facts.

use crate::Role;

/// A group of the recipient directory; the numbers are NetSchool's `group` parameter (§3.29).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecipientGroup {
    /// Администрация (directors, administrators).
    Administration,
    /// Завучи.
    DeputyHeads,
    /// Классные руководители of the writer's (or their children's) classes.
    ClassTeachers,
    /// Учителя: the writer's own teachers, or colleagues for staff.
    Teachers,
    /// Ученики of the classes a teacher teaches (or the whole school for administration).
    Students,
    /// Родители of those students.
    Parents,
    /// Одноклассники of a student, when the school allows it.
    Classmates,
}

impl RecipientGroup {
    /// Every group in directory order.
    pub const ALL: [RecipientGroup; 7] = [
        RecipientGroup::Administration,
        RecipientGroup::DeputyHeads,
        RecipientGroup::ClassTeachers,
        RecipientGroup::Teachers,
        RecipientGroup::Students,
        RecipientGroup::Parents,
        RecipientGroup::Classmates,
    ];

    /// NetSchool's group number.
    pub fn number(self) -> i32 {
        match self {
            RecipientGroup::Administration => 1,
            RecipientGroup::DeputyHeads => 2,
            RecipientGroup::ClassTeachers => 3,
            RecipientGroup::Teachers => 4,
            RecipientGroup::Students => 5,
            RecipientGroup::Parents => 6,
            RecipientGroup::Classmates => 7,
        }
    }

    /// The group with a NetSchool number.
    pub fn from_number(n: i32) -> Option<RecipientGroup> {
        RecipientGroup::ALL.into_iter().find(|g| g.number() == n)
    }

    /// The Russian heading of the group.
    pub fn title(self) -> &'static str {
        match self {
            RecipientGroup::Administration => "Администрация",
            RecipientGroup::DeputyHeads => "Завучи",
            RecipientGroup::ClassTeachers => "Классные руководители",
            RecipientGroup::Teachers => "Учителя",
            RecipientGroup::Students => "Ученики",
            RecipientGroup::Parents => "Родители",
            RecipientGroup::Classmates => "Одноклассники",
        }
    }
}

/// Which column a folder search looks in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailSearchField {
    /// Subject.
    Subject,
    /// Author's name.
    Author,
    /// Recipients' names.
    Recipients,
    /// Any of them.
    Any,
}

/// How a folder listing is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailOrder {
    /// By date.
    Sent,
    /// By subject.
    Subject,
    /// By author.
    Author,
}

/// What is known about a possible recipient as seen from the writer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Relation {
    /// The recipient's roles in the same school.
    pub roles: Vec<Role>,
    /// The recipient teaches the writer (a student) or the writer's children (a parent).
    pub teaches_writer: bool,
    /// The recipient is class teacher of the writer's (or their children's) class.
    pub class_teacher_of_writer: bool,
    /// The recipient is a student of, or a parent of a student of, a class the writer teaches or leads.
    pub family_of_writers_class: bool,
    /// The recipient is a student of the writer's own class (the writer being a student).
    pub classmate: bool,
}

/// A mailbox folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Folder {
    /// Входящие.
    Inbox,
    /// Отправленные.
    Sent,
    /// Черновики.
    Draft,
    /// Удалённые.
    Deleted,
}

impl Folder {
    /// Every folder in menu order.
    pub const ALL: [Folder; 4] = [Folder::Inbox, Folder::Sent, Folder::Draft, Folder::Deleted];

    /// The stored code, which is also NetSchool's `MailBox` value.
    pub fn code(self) -> &'static str {
        match self {
            Folder::Inbox => "Inbox",
            Folder::Sent => "Sent",
            Folder::Draft => "Draft",
            Folder::Deleted => "Deleted",
        }
    }

    /// The Russian name.
    pub fn title(self) -> &'static str {
        match self {
            Folder::Inbox => "Входящие",
            Folder::Sent => "Отправленные",
            Folder::Draft => "Черновики",
            Folder::Deleted => "Удалённые",
        }
    }

    /// Parses a code, case-insensitively (clients vary).
    pub fn parse(code: &str) -> Option<Folder> {
        Folder::ALL
            .into_iter()
            .find(|f| f.code().eq_ignore_ascii_case(code.trim()))
    }
}

/// The subject of a reply: one «Re: » however often a thread is replied to.
pub fn reply_subject(subject: &str) -> String {
    prefixed("Re: ", subject)
}

/// The subject of a forward.
pub fn forward_subject(subject: &str) -> String {
    prefixed("Fwd: ", subject)
}

fn prefixed(prefix: &str, subject: &str) -> String {
    let s = subject.trim();
    if s.to_lowercase().starts_with(&prefix.to_lowercase()) {
        s.to_owned()
    } else {
        format!("{prefix}{s}")
    }
}

/// Seconds to wait before delivery attempt `attempt + 1` after `attempt` failures: one minute
/// doubling up to six hours, so a mail server that is down for a while is not hammered.
pub fn retry_delay_secs(attempts: u32) -> i64 {
    let base: i64 = 60;
    base.saturating_mul(1_i64 << attempts.min(12)).min(6 * 3600)
}

/// After this many failed attempts an e-mail delivery is given up and kept as failed.
pub const MAX_EMAIL_ATTEMPTS: u32 = 8;

/// The quoted text placed under a reply or forward.
pub fn quote(author: &str, sent: &str, text: &str) -> String {
    let mut out = format!("\n\n----- {sent}, {author} пишет: -----\n");
    for line in text.lines() {
        out.push_str("> ");
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_round_trip_and_subjects_do_not_stack() {
        for g in RecipientGroup::ALL {
            assert_eq!(RecipientGroup::from_number(g.number()), Some(g));
        }
        assert_eq!(RecipientGroup::from_number(42), None);
        assert_eq!(reply_subject("Итоги"), "Re: Итоги");
        assert_eq!(reply_subject("RE: Итоги"), "RE: Итоги");
        assert_eq!(forward_subject("Итоги"), "Fwd: Итоги");
        assert_eq!(Folder::parse("inbox"), Some(Folder::Inbox));
        assert_eq!(Folder::parse("Spam"), None);
    }

    #[test]
    fn retries_back_off_and_stop_growing() {
        assert_eq!(retry_delay_secs(0), 60);
        assert_eq!(retry_delay_secs(1), 120);
        assert!(retry_delay_secs(3) > retry_delay_secs(2));
        assert_eq!(retry_delay_secs(40), 6 * 3600);
    }
}
