//! What must happen for every route and every kind of actor. Ids in paths and queries are
//! those of [`Ids`]: the student, their class, group, lesson and school, things made by the
//! school's administrator or the student's parent, or ids that belong to nobody among the actors.

use axum::http::Method;

use crate::actors::{Ids, Kind};
use Kind::*;

/// What an answer meant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// A page, a file, JSON: the actor got in.
    Allowed,
    /// A redirect elsewhere than the sign-in page (after a form, or to the actor's own start).
    Redirect,
    /// 400, 409, 415 or 422: the input was refused (after the right was checked, unless the
    /// route is marked `input_first`).
    Invalid,
    /// 403 or 404: no way in, and nothing said about what is there.
    Denied,
    /// A redirect to the sign-in page.
    SignIn,
    /// 401 (the NetSchool API's answer without a session).
    Unauthorized,
    /// A 5xx: never expected.
    ServerError,
}

impl Seen {
    /// One letter for the printed table.
    pub fn letter(self) -> &'static str {
        match self {
            Seen::Allowed => "+",
            Seen::Redirect => ">",
            Seen::Invalid => "?",
            Seen::Denied => "-",
            Seen::SignIn => "L",
            Seen::Unauthorized => "U",
            Seen::ServerError => "!",
        }
    }
}

/// Who gets in.
#[derive(Debug, Clone, Copy)]
enum Who {
    /// Anyone, signed in or not.
    Open,
    /// Anyone signed in.
    Signed,
    /// Only these; other signed-in actors are refused.
    Only(&'static [Kind]),
}

/// How the others are refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    /// 403 or 404.
    Denied,
    /// Sent to their own start page (a page that is not theirs, such as the diary for staff).
    Home,
    /// The route checks its input before the right, so a refused actor may see 400 instead.
    InputFirst,
}

/// The expectation for one route and method.
#[derive(Debug, Clone, Copy)]
pub struct Want {
    who: Who,
    refusal: Refusal,
    /// The route deletes its object (see the matrix loop).
    pub destroys: bool,
}

impl Want {
    /// Whether what an actor saw is what must happen (`api`: a NetSchool route, which answers
    /// 401 where the pages send to sign-in).
    pub fn accepts(&self, kind: Kind, api: bool, seen: Seen) -> bool {
        let inside = matches!(seen, Seen::Allowed | Seen::Redirect | Seen::Invalid);
        let refused = match self.refusal {
            Refusal::Denied => seen == Seen::Denied,
            Refusal::Home => matches!(seen, Seen::Denied | Seen::Redirect),
            Refusal::InputFirst => matches!(seen, Seen::Denied | Seen::Invalid),
        };
        match (self.who, kind) {
            (Who::Open, _) => seen != Seen::ServerError,
            (_, Anonymous) if api => seen == Seen::Unauthorized,
            (_, Anonymous) => seen == Seen::SignIn,
            (Who::Signed, _) => inside,
            (Who::Only(list), k) if list.contains(&k) => inside,
            (Who::Only(_), _) => refused,
        }
    }
}

const STUDENT_AND_PARENT: &[Kind] = &[Student, Parent];
const SCHOOL: &[Kind] = &[
    Student,
    Classmate,
    Parent,
    OtherParent,
    SubjectTeacher,
    OtherTeacher,
    ClassTeacher,
    Administrator,
    DeputyHead,
];
const ADMINISTRATION: &[Kind] = &[Administrator, DeputyHead, RegionAdministrator];
const ANY_ADMINISTRATION: &[Kind] = &[
    Administrator,
    DeputyHead,
    OtherAdministrator,
    RegionAdministrator,
];
const REGION: &[Kind] = &[RegionAdministrator];
const NOBODY: &[Kind] = &[];

fn want(who: Who, refusal: Refusal, destroys: bool) -> Want {
    Want {
        who,
        refusal,
        destroys,
    }
}
fn open() -> Want {
    want(Who::Open, Refusal::Denied, false)
}
fn signed() -> Want {
    want(Who::Signed, Refusal::Denied, false)
}
fn only(list: &'static [Kind]) -> Want {
    want(Who::Only(list), Refusal::Denied, false)
}
fn deletes(list: &'static [Kind]) -> Want {
    want(Who::Only(list), Refusal::Denied, true)
}
fn home_for_others(list: &'static [Kind]) -> Want {
    want(Who::Only(list), Refusal::Home, false)
}
fn input_first(list: &'static [Kind]) -> Want {
    want(Who::Only(list), Refusal::InputFirst, false)
}

/// The order the routes run in: ordinary ones, then those that delete or end sessions of others,
/// then ending all of one's own sessions, then signing out (open to anyone, whatever is left).
pub fn order(path: &str) -> u8 {
    if path.ends_with("logout") {
        4
    } else if path.ends_with("end-all") {
        3
    } else if path.ends_with("end-others") {
        2
    } else if destructive(path) {
        1
    } else {
        0
    }
}

/// Whether a route ends sessions or deletes: those run last (false sorts first).
pub fn destructive(path: &str) -> bool {
    ["delete", "logout", "end", "remove", "unlink", "active"]
        .iter()
        .any(|w| path.ends_with(w) || path.ends_with(&format!("{w}-others")))
}

/// The path with its ids filled in and the query a route reads ids from.
pub fn fill(path: &str, ids: &Ids) -> String {
    let id = |prefix: &str| path.starts_with(prefix);
    let main = if id("/announcements/") {
        ids.announcement
    } else if id("/files/") || id("/webapi/attachments/") || id("/api/v1/files/") {
        ids.file
    } else if id("/journal/group/") {
        ids.group
    } else if id("/journal/lesson/") || id("/school/lessons/") {
        ids.lesson
    } else if id("/journal/types/") {
        ids.assignment_type
    } else if id("/mail/") || id("/webapi/mail/messages/") || id("/api/v1/mail/messages/") {
        ids.message
    } else if id("/people/") || id("/api/v1/students/") {
        ids.student
    } else if id("/progress/assignment/") || id("/webapi/student/diary/assigns/") {
        ids.assignment
    } else if id("/region/municipalities/") {
        ids.municipality
    } else if id("/region/settlements/") {
        ids.settlement
    } else if path.ends_with("/active") {
        ids.third_school
    } else if id("/region/organizations/") || id("/webapi/schools/") {
        ids.school
    } else if path.ends_with("/delete") && id("/school/classes/") {
        ids.other_class
    } else if id("/school/classes/") {
        ids.class
    } else if path.ends_with("/delete") && id("/school/groups/") {
        ids.other_group
    } else if id("/school/groups/") {
        ids.group
    } else if id("/school/subgroups/") {
        ids.subgroup
    } else if id("/school/subjects/") {
        ids.subject
    } else if id("/school/years/") {
        ids.year
    } else if id("/settings/sessions/") {
        ids.session
    } else {
        999_999
    };
    let mut uri = path
        .replace("{id}", &main.to_string())
        .replace("{assignment}", &ids.assignment.to_string())
        .replace("{holiday}", "999999")
        .replace("{folder}", "inbox")
        .replace("{*file}", "swagger-ui.css")
        .replace("{token}", "not-a-token")
        .replace("{file}", "students.csv");
    if path.starts_with("/webapi/reports/") {
        uri = uri.replace("999999", "studenttotalmarks");
    }
    let (s, y) = (ids.student, ids.year);
    let query = match path {
        "/diary" | "/progress" | "/progress/assignment/{id}" => format!("?student={s}"),
        "/webapi/student/diary" | "/webapi/student/diary/pastMandatory" => {
            format!("?studentId={s}&yearId={y}&weekStart=2026-11-23&weekEnd=2026-11-29")
        }
        "/webapi/student/diary/assigns/{id}" => format!("?studentId={s}"),
        "/webapi/users/photo" => format!("?userId={s}"),
        "/webapi/schools/search" => "?name=a".to_owned(),
        _ => String::new(),
    };
    uri + &query
}

/// The matrix itself; `None` for a route nobody has looked at yet.
///
/// `input_first` marks handlers that read their form or query before the use case checks the
/// right, so a refused actor may see «400» instead of «403»; nothing of the target is revealed
/// either way. The form pipeline of the house issue moves the check first and tightens them.
pub fn expected(method: &Method, path: &str) -> Option<Want> {
    let post = *method == Method::POST;
    let w = match path {
        // Open doors: the load balancer's probes, signing in, recovery, the region directory,
        // static files. ESIA is not configured in the matrix's region, so its doors answer 404
        // to everyone.
        "/healthz"
        | "/readyz"
        | "/login"
        | "/login/options"
        | "/logout"
        | "/recover"
        | "/recover/{token}"
        | "/regions"
        | "/school"
        | "/static/app.css"
        | "/static/app.js"
        | "/static/login.js"
        | "/static/journal.js"
        | "/static/passkeys.js"
        | "/static/import.js"
        | "/esia/login"
        | "/esia/callback"
        | "/esia/choose"
        | "/authorize/login"
        | "/login/passkey/start"
        | "/login/passkey/finish" => open(),
        "/webapi/logindata"
        | "/webapi/auth/getdata"
        | "/webapi/login"
        | "/webapi/auth/login"
        | "/webapi/auth/login-state"
        | "/webapi/sso/esia/crosslogin"
        | "/webapi/sso/esia/account-info"
        | "/webapi/schools/search"
        | "/webapi/context/expired"
        | "/webapi/auth/logout"
        | "/webapi/earlyaccess"
        | "/webapi/signalr/queueHub"
        | "/api/v1/openapi.json"
        | "/api/docs"
        | "/api/docs/"
        | "/api/docs/{*file}"
        // A feed by its secret address; the matrix's address is nobody's: not found.
        | "/calendar/{file}" => open(),
        // Teachers and the administration publish; everyone reads (previous arm).
        "/announcements" | "/resources" if post => only(&[
            SubjectTeacher,
            OtherTeacher,
            ClassTeacher,
            Administrator,
            DeputyHead,
            OtherAdministrator,
        ]),
        // Everyone signed in, about themself or their own school.
        "/"
        | "/home"
        | "/settings"
        | "/settings/password"
        | "/settings/sessions"
        | "/settings/tokens"
        | "/settings/calendar"
        | "/settings/calendar/revoke"
        | "/settings/sessions/end-others"
        | "/settings/sessions/end-all"
        | "/settings/passkeys"
        | "/settings/passkeys/register/start"
        | "/settings/passkeys/register/finish"
        | "/settings/esia"
        | "/mail"
        | "/mail/compose"
        | "/mail/action"
        | "/reports"
        | "/reports/jobs"
        | "/journal"
        | "/announcements"
        | "/resources"
        | "/people/import/template/{file}" => signed(),
        "/webapi/schools/{id}/card"
        | "/webapi/context"
        | "/webapi/years"
        | "/webapi/mysettings"
        | "/webapi/grade/assignment/types"
        | "/webapi/student/diary/init"
        | "/webapi/attachments/uploadLimits"
        | "/webapi/attachments"
        | "/webapi/student/diary/get-attachments"
        | "/webapi/schedule/times"
        | "/webapi/announcements"
        | "/webapi/mail/registry"
        | "/webapi/mail/messages/unread"
        | "/webapi/mail/recipients"
        | "/webapi/mail/messages"
        | "/webapi/mail/messages/mark-as"
        | "/webapi/mail/messages/moving"
        | "/webapi/mail/messages/delete"
        | "/webapi/mail/messages/restore"
        | "/webapi/reports"
        | "/webapi/reports/{id}"
        | "/webapi/reports/{id}/queue" => signed(),
        // A year belongs to a school: authorities and the region have none of their own.
        "/webapi/years/current" => only(&[
            Student,
            Classmate,
            Parent,
            OtherParent,
            SubjectTeacher,
            OtherTeacher,
            ClassTeacher,
            Administrator,
            DeputyHead,
            OtherAdministrator,
        ]),
        // The open API: every signed-in person, with their token (`/me`) or as themself
        // (making and listing tokens); `{}` is an invalid new token.
        "/api/v1/me"
        | "/api/v1/calendar"
        | "/api/v1/tokens"
        | "/api/v1/announcements"
        | "/api/v1/mail/folders"
        | "/api/v1/mail/folders/{folder}/messages"
        | "/api/v1/mail/recipients"
        | "/api/v1/mail/messages"
        | "/api/v1/mail/attachments" => signed(),
        // Ids of nobody among the actors (another person's session, passkey, report job, ESIA
        // link, import, resource, API token; ESIA linking is off): refused to all.
        "/api/v1/tokens/{id}"
        | "/settings/tokens/{id}/revoke"
        | "/settings/sessions/{id}/end"
        | "/settings/passkeys/{id}/rename"
        | "/settings/passkeys/{id}/remove"
        | "/settings/esia/{id}/unlink"
        | "/settings/esia/link"
        | "/reports/jobs/{id}"
        | "/resources/{id}/delete"
        | "/webapi/files/{id}"
        | "/people/import/{id}"
        | "/people/import/{id}/apply"
        | "/people/import/{id}/progress"
        | "/school/years/{id}/holidays/{holiday}/delete" => only(NOBODY),
        "/reports/jobs/{id}/file" => input_first(NOBODY),
        // The student's own data: the student and their parent. Staff are sent to their start.
        "/diary" | "/progress" => home_for_others(STUDENT_AND_PARENT),
        "/progress/assignment/{id}"
        | "/api/v1/students/{id}/diary"
        | "/api/v1/students/{id}/timetable"
        | "/api/v1/students/{id}/marks"
        | "/api/v1/students/{id}/overdue"
        | "/api/v1/students/{id}/assignments/{assignment}"
        | "/webapi/student/diary"
        | "/webapi/student/diary/pastMandatory"
        | "/webapi/student/diary/assigns/{id}" => only(STUDENT_AND_PARENT),
        "/webapi/users/photo"
        | "/files/{id}"
        | "/webapi/attachments/{id}"
        | "/api/v1/files/{id}" => only(SCHOOL),
        // The administrator's announcement and the parent's message to the class teacher.
        "/announcements/new" => only(&[
            SubjectTeacher,
            OtherTeacher,
            ClassTeacher,
            Administrator,
            DeputyHead,
            OtherAdministrator,
        ]),
        "/announcements/{id}" | "/announcements/{id}/edit" => only(&[Administrator, DeputyHead]),
        "/announcements/{id}/delete" => deletes(&[Administrator, DeputyHead]),
        "/mail/{id}"
        | "/webapi/mail/messages/{id}/read"
        | "/webapi/mail/messages/{id}/edit"
        | "/api/v1/mail/messages/{id}" => only(&[Parent, ClassTeacher]),
        // Class teachers (the subject teacher leads another class) and the administration.
        "/mail/print-queue" | "/mail/print-queue/pdf" | "/mail/print-queue/printed" => only(&[
            SubjectTeacher,
            ClassTeacher,
            Administrator,
            DeputyHead,
            OtherAdministrator,
        ]),
        // The journal of the student's group: its teacher keeps it, the class teacher and the
        // administration read it.
        "/journal/group/{id}" | "/journal/lesson/{id}" => {
            only(&[SubjectTeacher, ClassTeacher, Administrator, DeputyHead])
        }
        "/journal/lesson/{id}/topic"
        | "/journal/lesson/{id}/attendance"
        | "/journal/lesson/{id}/assignments" => only(&[SubjectTeacher]),
        "/journal/lesson/{id}/assignments/{assignment}/delete" => deletes(&[SubjectTeacher]),
        "/journal/mark" | "/journal/final-mark" | "/journal/mark-history" => {
            input_first(&[SubjectTeacher])
        }
        "/journal/types" | "/journal/types/{id}" => {
            only(&[Administrator, DeputyHead, OtherAdministrator])
        }
        // School setup: the school's administration and the region; without an id, each
        // administration its own school.
        // Another school's administrator holds the capability, so the form is read before the
        // use case finds the year is not theirs: they may see «400».
        "/school/years/{id}/scheme/delete" => {
            want(Who::Only(ADMINISTRATION), Refusal::InputFirst, true)
        }
        "/school/years" | "/school/classes" | "/school/subjects" | "/school/bells" | "/changes"
        | "/people/new" | "/people/import" => only(ANY_ADMINISTRATION),
        p if p.starts_with("/school/") && p.ends_with("/delete") => deletes(ADMINISTRATION),
        p if p.starts_with("/school/") => only(ADMINISTRATION),
        // People: the administration, and teachers for the classes they lead.
        "/people" | "/people/credentials" | "/people/export.xlsx" => only(&[
            SubjectTeacher,
            OtherTeacher,
            ClassTeacher,
            Administrator,
            DeputyHead,
            OtherAdministrator,
            RegionAdministrator,
        ]),
        "/people/{id}" if post => only(ADMINISTRATION),
        "/people/{id}" => only(&[ClassTeacher, Administrator, DeputyHead, RegionAdministrator]),
        "/people/{id}/link" | "/people/{id}/move" => only(ADMINISTRATION),
        "/people/{id}/unlink" => deletes(ADMINISTRATION),
        // The region (another school's active flag, so the student's school stays open).
        p if p.starts_with("/region") => only(REGION),
        _ => return None,
    };
    Some(w)
}
