//! Shapes several operations of the open API share: assignments with their marks and files,
//! pages of a list, and the reading of query strings.

use chrono::{Datelike, NaiveDate};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sgo_app::diary::{AssignmentWithMark, DiaryStudent};
use sgo_app::files::FileLink;
use sgo_core::author::Author;

use super::problem::Problem;

/// Whose diary or marks these are.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = DiaryStudent)]
pub(crate) struct StudentRef {
    id: i64,
    name: String,
    /// The class on today's date («9А»).
    class: Option<String>,
}

impl From<&DiaryStudent> for StudentRef {
    fn from(s: &DiaryStudent) -> StudentRef {
        StudentRef {
            id: s.account_id.get(),
            name: s.display_name.clone(),
            class: s.class_name.clone(),
        }
    }
}

/// A person as the school's records name them.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Person)]
pub(crate) struct PersonRef {
    id: i64,
    /// Surname, name and patronymic.
    name: String,
}

impl PersonRef {
    /// A person by id and full name.
    pub(crate) fn new(id: i64, name: String) -> PersonRef {
        PersonRef { id, name }
    }
}

impl From<&Author> for PersonRef {
    fn from(a: &Author) -> PersonRef {
        PersonRef::new(a.id.get(), a.full_name())
    }
}

/// An assignment (homework, a test…) with the student's mark and the files attached to it.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Assignment)]
pub(crate) struct AssignmentDto {
    id: i64,
    lesson_id: i64,
    lesson_date: NaiveDate,
    subject: String,
    kind: String,
    kind_abbr: String,
    title: String,
    description: String,
    weight: i32,
    due_date: NaiveDate,
    mandatory: bool,
    /// The student's mark; always null for a token without `marks:read`.
    mark: Option<MarkDto>,
    attachments: Vec<AttachmentDto>,
}

/// A student's mark for an assignment.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Mark)]
pub(crate) struct MarkDto {
    /// 1 to 5, or null for a code or a duty mark.
    value: Option<i32>,
    /// A code in place of a value («зч», «н/а»).
    code: Option<String>,
    /// The work is still owed («точка»).
    duty: bool,
    comment: String,
    set_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A file; its bytes are at `/api/v1/files/{id}`.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Attachment)]
pub(crate) struct AttachmentDto {
    id: i64,
    name: String,
    size: i64,
    description: String,
}

impl From<&FileLink> for AttachmentDto {
    fn from(f: &FileLink) -> AttachmentDto {
        AttachmentDto {
            id: f.id.get(),
            name: f.name.clone(),
            size: f.size,
            description: f.description.clone(),
        }
    }
}

/// The student's mark on `a`, if there is one.
fn mark(a: &AssignmentWithMark) -> Option<MarkDto> {
    a.mark_id?;
    Some(MarkDto {
        value: a.mark_value,
        code: a.mark_code.clone(),
        duty: a.mark_duty.unwrap_or(false),
        comment: a.mark_comment.clone().unwrap_or_default(),
        set_at: a.mark_set_at,
    })
}

/// `a` as the API shows it; the mark only `with_marks`.
pub(crate) fn assignment<'f>(
    a: &AssignmentWithMark,
    files: impl IntoIterator<Item = &'f FileLink>,
    with_marks: bool,
) -> AssignmentDto {
    AssignmentDto {
        id: a.assignment_id.get(),
        lesson_id: a.lesson_id.get(),
        lesson_date: a.lesson_date,
        subject: a.subject_name.clone(),
        kind: a.type_name.clone(),
        kind_abbr: a.type_abbr.clone(),
        title: a.title.clone(),
        description: a.description.clone(),
        weight: a.weight,
        due_date: a.due_date,
        mandatory: a.mandatory,
        mark: if with_marks { mark(a) } else { None },
        attachments: files.into_iter().map(AttachmentDto::from).collect(),
    }
}

/// The largest page a list gives.
pub(crate) const MAX_PER_PAGE: u32 = 100;
/// The page size when none is asked for.
const DEFAULT_PER_PAGE: u32 = 20;

/// One page of a list.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Page<T> {
    items: Vec<T>,
    /// The page number, from 1.
    page: u32,
    per_page: u32,
    /// How many items the whole list has.
    total: u64,
}

/// Which page of a list to answer.
#[derive(Deserialize, utoipa::IntoParams, Clone, Copy)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct PageQuery {
    /// The page number, from 1; 1 when absent.
    #[param(minimum = 1)]
    page: Option<u32>,
    /// Items per page, 1 to 100; 20 when absent.
    #[param(minimum = 1, maximum = 100)]
    per_page: Option<u32>,
}

impl PageQuery {
    /// The page number and size, refused outside their ranges.
    pub(crate) fn checked(self) -> Result<(u32, u32), Problem> {
        let page = self.page.unwrap_or(1);
        let per_page = self.per_page.unwrap_or(DEFAULT_PER_PAGE);
        if page == 0 {
            return Err(Problem::bad_request(msg!(
                "api-parameter-invalid",
                name = "page"
            )));
        }
        if per_page == 0 || per_page > MAX_PER_PAGE {
            return Err(Problem::bad_request(msg!(
                "api-per-page-invalid",
                max = MAX_PER_PAGE
            )));
        }
        Ok((page, per_page))
    }

    /// The page of a whole list held in memory.
    pub(crate) fn slice<T>(self, all: Vec<T>) -> Result<Page<T>, Problem> {
        let (page, per_page) = self.checked()?;
        let total = all.len() as u64;
        let skip = (u64::from(page) - 1) * u64::from(per_page);
        let items = all
            .into_iter()
            .skip(usize::try_from(skip).unwrap_or(usize::MAX))
            .take(per_page as usize)
            .collect();
        Ok(Page {
            items,
            page,
            per_page,
            total,
        })
    }
}

impl<T> Page<T> {
    /// A page the store cut already.
    pub(crate) fn of(items: Vec<T>, page: u32, per_page: u32, total: u64) -> Page<T> {
        Page {
            items,
            page,
            per_page,
            total,
        }
    }
}

/// The query string read into `T`; unknown or malformed parameters are a 400.
pub(crate) fn query<T: DeserializeOwned>(raw: Option<&str>) -> Result<T, Problem> {
    serde_urlencoded::from_str(raw.unwrap_or_default())
        .map_err(|e| Problem::bad_request(msg!("api-query-invalid", reason = e.to_string())))
}

/// A `YYYY-MM-DD` parameter of years 1 to 9999, so that a few days either side stay dates.
pub(crate) fn date(text: &str, name: &'static str) -> Result<NaiveDate, Problem> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|d| (1..=9999).contains(&d.year()))
        .ok_or_else(|| Problem::bad_request(msg!("api-date-invalid", name = name)))
}
