//! What NetSchool clients send, read into plain values: URL-encoded forms, query parameters
//! and JSON bodies (those the `Json` extractor already parsed come in as a `Value`, so that a
//! wrong content type keeps its 415). Nothing here knows axum or the application, so that the fuzz target
//! `netschool` compiles this very file (with `dates.rs`) and throws arbitrary bytes at it;
//! a handler turns a [`Refused`] into a 400 with its Russian message.

use std::collections::HashMap;

use sgo_core::{AssignmentId, ClassId, GroupId, MessageId, PeriodId, StudentId};

use chrono::{Duration, NaiveDate};
use serde_json::Value;
use sgo_core::calendar;
use sgo_core::mail::{Folder, MailOrder, MailSearchField};

use super::dates;

/// Input the clients got wrong, with the message for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refused(pub sgo_app::Message);

fn bad(message: sgo_app::Message) -> Refused {
    Refused(message)
}

/// A URL-encoded body with names folded to lower case: NetSchool clients send `loginType`,
/// `LoginType` or `LOGINTYPE` for the same field, as ASP.NET binding never cared. The first
/// occurrence of a name wins.
pub(crate) fn case_insensitive_form(body: &[u8]) -> Result<HashMap<String, String>, Refused> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_bytes(body).map_err(|_| bad(msg!("form-malformed")))?;
    let mut map = HashMap::new();
    for (k, v) in pairs {
        map.entry(k.to_lowercase()).or_insert(v);
    }
    Ok(map)
}

/// Query keys folded to lower case, as the clients vary in case.
pub(crate) fn lower_keys(q: HashMap<String, String>) -> HashMap<String, String> {
    q.into_iter().map(|(k, v)| (k.to_lowercase(), v)).collect()
}

/// A required integer query parameter, its name matched case-insensitively.
pub(crate) fn int_param(q: HashMap<String, String>, name: &str) -> Result<i64, Refused> {
    let q = lower_keys(q);
    let value = q
        .get(&name.to_lowercase())
        .ok_or_else(|| bad(msg!("api-parameter-missing", name = name)))?;
    value
        .trim()
        .parse()
        .map_err(|_| bad(msg!("api-parameter-invalid", name = name)))
}

/// A number in a path (`mail/messages/{id}/read`), refused with `message`.
pub(crate) fn path_id(text: &str, message: sgo_app::Message) -> Result<i64, Refused> {
    text.trim().parse().map_err(|_| bad(message))
}

/// The week a diary call asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DiaryQuery {
    /// `studentId`.
    pub student: StudentId,
    /// `weekStart`, or this week's Monday.
    pub from: NaiveDate,
    /// `weekEnd`, or six days after the start.
    pub to: NaiveDate,
}

/// `studentId`, `weekStart`, `weekEnd` of the diary calls; `today` fills a missing start.
pub(crate) fn diary_query(
    q: HashMap<String, String>,
    today: NaiveDate,
) -> Result<DiaryQuery, Refused> {
    let q = lower_keys(q);
    let student = q
        .get("studentid")
        .ok_or_else(|| bad(msg!("api-parameter-missing", name = "studentId")))?
        .trim()
        .parse()
        .map_err(|_| bad(msg!("api-parameter-invalid", name = "studentId")))?;
    let from = match q.get("weekstart") {
        Some(s) => dates::parse_query_date(s)
            .ok_or_else(|| bad(msg!("api-date-invalid", name = "weekStart")))?,
        None => calendar::week_start(today),
    };
    let to = match q.get("weekend") {
        Some(s) => dates::parse_query_date(s)
            .ok_or_else(|| bad(msg!("api-date-invalid", name = "weekEnd")))?,
        None => from
            .checked_add_signed(Duration::days(6))
            .ok_or_else(|| bad(msg!("api-date-invalid", name = "weekStart")))?,
    };
    Ok(DiaryQuery { student, from, to })
}

fn json(body: &[u8]) -> Result<Value, Refused> {
    serde_json::from_slice(body).map_err(|_| bad(msg!("api-body-not-json")))
}

/// The assignment ids of a get-attachments body: `{"assignId": [1, 2]}` (a single number is
/// accepted too).
pub(crate) fn assign_ids(body: &[u8]) -> Result<Vec<AssignmentId>, Refused> {
    let value = json(body)?;
    let field = value
        .as_object()
        .and_then(|o| o.iter().find(|(k, _)| k.eq_ignore_ascii_case("assignId")))
        .map(|(_, v)| v)
        .ok_or_else(|| bad(msg!("api-parameter-missing", name = "assignId")))?;
    let as_id = |v: &Value| {
        v.as_i64()
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
            .map(AssignmentId::new)
            .ok_or_else(|| bad(msg!("api-parameter-invalid", name = "assignId")))
    };
    match field {
        Value::Array(items) => items.iter().map(as_id).collect(),
        single => Ok(vec![as_id(single)?]),
    }
}

// --- mail --------------------------------------------------------------------------------

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// A directory id as NetSchool spells it: a base64 string (of the account number here).
pub(crate) fn recipient_key(account: i64) -> String {
    let bytes = account.to_string().into_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Reads a recipient as clients send it: our base64 key, or a plain account number.
pub(crate) fn parse_recipient(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => {
            let s = s.trim();
            if let Ok(n) = s.parse::<i64>() {
                return Some(n);
            }
            let mut bits: u32 = 0;
            let mut count = 0;
            let mut out = Vec::new();
            for c in s.bytes().filter(|c| *c != b'=') {
                let v = B64.iter().position(|x| *x == c)? as u32;
                bits = (bits << 6) | v;
                count += 6;
                if count >= 8 {
                    count -= 8;
                    out.push((bits >> count) as u8);
                    bits &= (1 << count) - 1;
                }
            }
            String::from_utf8(out).ok()?.parse().ok()
        }
        _ => None,
    }
}

fn recipients_of(body: &Value, key: &str) -> Result<Vec<i64>, Refused> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| parse_recipient(v).ok_or_else(|| bad(msg!("api-recipient-unknown"))))
            .collect(),
        Some(_) => Err(bad(msg!("api-recipients-not-a-list"))),
    }
}

/// `messageId` as a list (or a single id) of numbers or numeric strings.
pub(crate) fn message_ids(body: &Value) -> Result<Vec<MessageId>, Refused> {
    let one = |v: &Value| match v {
        Value::Number(n) => n.as_i64().map(MessageId::new),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    };
    match body.get("messageId").or_else(|| body.get("messageIds")) {
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| one(v).ok_or_else(|| bad(msg!("api-message-number-invalid"))))
            .collect(),
        Some(v) => one(v)
            .map(|id| vec![id])
            .ok_or_else(|| bad(msg!("api-message-number-invalid"))),
        None => Err(bad(msg!("api-messages-missing"))),
    }
}

/// `read` of `mail/messages/mark-as` (true when absent).
pub(crate) fn mark_as_read(body: &Value) -> bool {
    body.get("read").and_then(Value::as_bool).unwrap_or(true)
}

/// One page of a folder, as `mail/registry` asks for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MailboxRequest {
    /// The `MailBox` filter, Входящие when absent.
    pub folder: Folder,
    /// `page`, from 1.
    pub page: i64,
    /// `pageSize`.
    pub page_size: i64,
    /// `search`: where and what.
    pub search: Option<(MailSearchField, String)>,
    /// `order.fieldId`.
    pub order: MailOrder,
    /// `order.ascending`.
    pub ascending: bool,
}

/// The body of `mail/registry`.
pub(crate) fn mailbox_request(body: &Value) -> Result<MailboxRequest, Refused> {
    let mut folder = Folder::Inbox;
    if let Some(Value::Array(items)) = body.pointer("/filterContext/selectedData") {
        for item in items {
            if item.get("filterId").and_then(Value::as_str) == Some("MailBox") {
                let value = item
                    .get("filterValue")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                folder = Folder::parse(value).ok_or_else(|| bad(msg!("api-folder-unknown")))?;
            }
        }
    }
    let page = body.get("page").and_then(Value::as_i64).unwrap_or(1);
    let page_size = body.get("pageSize").and_then(Value::as_i64).unwrap_or(20);
    let search = match body.get("search") {
        Some(s) if s.is_object() => {
            let field = match s.get("fieldId").and_then(Value::as_str).unwrap_or("") {
                "subject" => MailSearchField::Subject,
                "author" => MailSearchField::Author,
                "toNames" => MailSearchField::Recipients,
                _ => MailSearchField::Any,
            };
            let text = s
                .get("text")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            Some((field, text))
        }
        _ => None,
    };
    let order = body.get("order");
    let order_field = match order.and_then(|o| o.get("fieldId")).and_then(Value::as_str) {
        Some("subject") => MailOrder::Subject,
        Some("author") => MailOrder::Author,
        _ => MailOrder::Sent,
    };
    let ascending = order
        .and_then(|o| o.get("ascending"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    Ok(MailboxRequest {
        folder,
        page,
        page_size,
        search,
        order: order_field,
        ascending,
    })
}

/// A message to send or keep as a draft, as `POST mail/messages` carries it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SendRequest {
    /// `to`, `cc`, `bcc`: account numbers.
    pub to: Vec<i64>,
    /// Copies.
    pub cc: Vec<i64>,
    /// Hidden copies.
    pub bcc: Vec<i64>,
    /// `subject`.
    pub subject: String,
    /// `text`.
    pub text: String,
    /// Whether `text` is HTML (sanitised on save).
    pub is_html: bool,
    /// `fileAttachmentGuids` of files uploaded before.
    pub guids: Vec<String>,
    /// `draft`.
    pub draft: bool,
}

/// The body of `POST mail/messages`.
pub(crate) fn send_request(body: &Value) -> Result<SendRequest, Refused> {
    let text = |key: &str| {
        body.get(key)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    let guids: Vec<String> = match body.get("fileAttachmentGuids") {
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| bad(msg!("api-attachment-guid-invalid")))
            })
            .collect::<Result<_, _>>()?,
        _ => Vec::new(),
    };
    let raw = text("text");
    // Clients send HTML from a rich editor or plain text; a tag means HTML, sanitised on save.
    let is_html = raw.contains('<') && raw.contains('>');
    Ok(SendRequest {
        to: recipients_of(body, "to")?,
        cc: recipients_of(body, "cc")?,
        bcc: recipients_of(body, "bcc")?,
        subject: text("subject"),
        text: raw,
        is_html,
        guids,
        draft: body.get("draft").and_then(Value::as_bool).unwrap_or(false),
    })
}

// --- reports -----------------------------------------------------------------------------

/// The reports on one student the API builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StudentReport {
    /// «Отчёт об успеваемости и посещаемости ученика» (netschoolpy `total_marks()`).
    TotalMarks,
    /// «Успеваемость ученика по предмету» (netschoolpy `assigned_marks()`).
    Grades,
}

impl StudentReport {
    /// The report behind an id of the catalogue or one of its aliases, in any case.
    pub(crate) fn from_id(id: &str) -> Option<StudentReport> {
        match id.trim().to_ascii_lowercase().as_str() {
            "studenttotalmarks" | "studenttotal" | "studentaveragemark" => {
                Some(StudentReport::TotalMarks)
            }
            "studentgrades" => Some(StudentReport::Grades),
            _ => None,
        }
    }
}

/// What a queue request asks for, read from its selected filters.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Selection {
    /// The year's marks of a student in a class.
    TotalMarks {
        student_id: StudentId,
        class_id: ClassId,
    },
    /// A student's marks in one subject group between two days.
    Grades {
        student_id: StudentId,
        subject_group_id: GroupId,
        span: Span,
    },
}

/// The days of a grades report: an explicit interval, or a period to look up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Span {
    /// From the `period` interval filter.
    Days(NaiveDate, NaiveDate),
    /// From `TERMID`.
    Period(PeriodId),
}

/// An interval filter value as SGO writes it.
pub(crate) fn range_value(from: NaiveDate, to: NaiveDate) -> String {
    format!(
        "{}T00:00:00.0000000 - {}T00:00:00.0000000",
        from.format("%Y-%m-%d"),
        to.format("%Y-%m-%d")
    )
}

/// Reads an interval filter value: `YYYY-MM-DD[T…] - YYYY-MM-DD[T…]`.
pub(crate) fn parse_range(value: &str) -> Option<(NaiveDate, NaiveDate)> {
    let (from, to) = value.split_once(" - ")?;
    Some((
        dates::parse_query_date(from.trim())?,
        dates::parse_query_date(to.trim())?,
    ))
}

/// The selected filter values by id (matched case-insensitively).
fn selected(body: &[u8]) -> Result<HashMap<String, String>, Refused> {
    let value = json(body)?;
    let list = value
        .as_object()
        .and_then(|o| {
            o.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("selectedData"))
        })
        .and_then(|(_, v)| v.as_array())
        .ok_or_else(|| bad(msg!("api-filters-missing")))?;
    let field = |item: &Value, name: &str| -> Option<String> {
        let v = item
            .as_object()?
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))?
            .1;
        match v {
            Value::String(s) => Some(s.trim().to_owned()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    let mut out = HashMap::new();
    for item in list {
        let id = field(item, "filterId").ok_or_else(|| bad(msg!("api-filter-id-missing")))?;
        let value = field(item, "filterValue").unwrap_or_default();
        out.insert(id.to_ascii_lowercase(), value);
    }
    Ok(out)
}

fn id_filter<T: std::str::FromStr>(
    values: &HashMap<String, String>,
    id: &str,
) -> Result<T, Refused> {
    let raw = values
        .get(&id.to_ascii_lowercase())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| bad(msg!("api-filter-not-chosen", id = id)))?;
    raw.parse()
        .map_err(|_| bad(msg!("api-filter-value-invalid", id = id, value = raw)))
}

/// Reads a queue request's body for a report.
pub(crate) fn selection(report: StudentReport, body: &[u8]) -> Result<Selection, Refused> {
    let values = selected(body)?;
    let student_id = id_filter(&values, "SID")?;
    Ok(match report {
        StudentReport::TotalMarks => Selection::TotalMarks {
            student_id,
            class_id: id_filter(&values, "PCLID")?,
        },
        StudentReport::Grades => {
            // The interval is what the form finally shows; SGO fills it from the chosen period.
            let span = match values.get("period").filter(|v| !v.is_empty()) {
                Some(raw) => {
                    let (from, to) = parse_range(raw)
                        .ok_or_else(|| bad(msg!("api-date-range-invalid", value = raw)))?;
                    Span::Days(from, to)
                }
                None => Span::Period(id_filter(&values, "TERMID")?),
            };
            Selection::Grades {
                student_id,
                subject_group_id: id_filter(&values, "SGID")?,
                span,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn recipient_keys_round_trip() {
        for id in [1, 12, 123, 1234, 98765] {
            let key = recipient_key(id);
            assert_eq!(parse_recipient(&Value::String(key)), Some(id));
        }
        assert_eq!(recipient_key(12), "MTI=");
        assert_eq!(parse_recipient(&json!(7)), Some(7));
        assert_eq!(parse_recipient(&json!("%%%")), None);
    }

    #[test]
    fn report_ids_and_aliases_in_any_case() {
        for id in [
            "studenttotalmarks",
            "StudentTotalMarks",
            "StudentTotal",
            "studentAverageMark",
        ] {
            assert_eq!(
                StudentReport::from_id(id),
                Some(StudentReport::TotalMarks),
                "{id}"
            );
        }
        assert_eq!(
            StudentReport::from_id("StudentGrades"),
            Some(StudentReport::Grades)
        );
        assert_eq!(StudentReport::from_id("ClassJournal"), None);
    }

    #[test]
    fn selections_are_read_or_refused() {
        let body = br#"{"selectedData":[{"filterId":"SID","filterValue":"5","filterText":"x"},
            {"filterId":"PCLID","filterValue":7}],"params":[]}"#;
        assert_eq!(
            selection(StudentReport::TotalMarks, body),
            Ok(Selection::TotalMarks {
                student_id: StudentId::new(5),
                class_id: ClassId::new(7)
            })
        );
        let body = br#"{"selectedData":[{"filterId":"SID","filterValue":"5"},
            {"filterId":"TERMID","filterValue":"3"},{"filterId":"SGID","filterValue":"9"},
            {"filterId":"period","filterValue":"2026-09-01T00:00:00.0000000 - 2026-10-26T00:00:00.0000000"}]}"#;
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        assert_eq!(
            selection(StudentReport::Grades, body),
            Ok(Selection::Grades {
                student_id: StudentId::new(5),
                subject_group_id: GroupId::new(9),
                span: Span::Days(d(9, 1), d(10, 26))
            })
        );
        for bad_body in [
            &b"not json"[..],
            br#"{"params":[]}"#,
            br#"{"selectedData":[{"filterId":"SID","filterValue":"x"},{"filterId":"PCLID","filterValue":"1"}]}"#,
            br#"{"selectedData":[{"filterId":"SID","filterValue":"1"}]}"#,
            br#"{"selectedData":[{"filterValue":"1"}]}"#,
        ] {
            assert!(selection(StudentReport::TotalMarks, bad_body).is_err());
        }
        let no_span = br#"{"selectedData":[{"filterId":"SID","filterValue":"1"},{"filterId":"SGID","filterValue":"1"}]}"#;
        assert!(selection(StudentReport::Grades, no_span).is_err());
        let bad_span = r#"{"selectedData":[{"filterId":"SID","filterValue":"1"},{"filterId":"SGID","filterValue":"1"},{"filterId":"period","filterValue":"вчера - сегодня"}]}"#.as_bytes();
        assert!(selection(StudentReport::Grades, bad_span).is_err());
    }

    #[test]
    fn interval_values_round_trip() {
        let (f, t) = (
            NaiveDate::from_ymd_opt(2026, 11, 3).unwrap(),
            NaiveDate::from_ymd_opt(2026, 12, 28).unwrap(),
        );
        assert_eq!(parse_range(&range_value(f, t)), Some((f, t)));
    }

    #[test]
    fn a_week_is_read_with_defaults() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let q = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<HashMap<_, _>>()
        };
        let week = diary_query(q(&[("StudentID", " 7 ")]), today).unwrap();
        assert_eq!(week.student, StudentId::new(7));
        assert_eq!(week.from, NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
        assert_eq!(week.to, NaiveDate::from_ymd_opt(2026, 11, 29).unwrap());
        let last = diary_query(q(&[("studentId", "7"), ("weekStart", "9999-12-31")]), today);
        assert_eq!(
            last.unwrap().to,
            NaiveDate::from_ymd_opt(10000, 1, 6).unwrap()
        );
        for bad_query in [
            q(&[("weekStart", "2026-11-23")]),
            q(&[("studentId", "x")]),
            q(&[("studentId", "1"), ("weekEnd", "23.11.2026")]),
        ] {
            assert!(diary_query(bad_query, today).is_err());
        }
    }

    #[test]
    fn form_names_fold_and_the_first_wins() {
        let f = case_insensitive_form(b"LoginType=1&logintype=8&UN=a%20b").unwrap();
        assert_eq!(f.get("logintype").map(String::as_str), Some("1"));
        assert_eq!(f.get("un").map(String::as_str), Some("a b"));
        assert_eq!(
            case_insensitive_form(b"a=1&a").map(|f| f.len()),
            Ok(1),
            "a name without a value is an empty value"
        );
    }
}
