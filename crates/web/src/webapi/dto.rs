//! The JSON shapes of the NetSchool web API. Field names are the wire's, exactly.

use serde::Serialize;

/// `GET logindata`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LoginData {
    pub product_name: String,
    pub version: &'static str,
    pub school_login: bool,
    pub em_login: bool,
    pub esia_login: bool,
    pub esia_login_page: &'static str,
    pub esia_main_auth: bool,
    pub esia_button: bool,
    pub signature_login: bool,
    pub cache_ver: &'static str,
    pub windows_auth: bool,
    pub enable_sms: bool,
    pub esa_login: bool,
    pub esa_login_page: &'static str,
}

/// `POST auth/getdata`: exactly these three keys, as clients echo every key but `salt`.
#[derive(Serialize)]
pub(crate) struct GetData {
    pub lt: String,
    pub ver: String,
    pub salt: String,
}

/// `{id, name}` pairs used in several places.
#[derive(Serialize)]
pub(crate) struct IdName {
    pub id: i64,
    pub name: String,
}

/// The account part of a login response.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AccountInfo {
    pub active_token: Option<String>,
    pub secure_active_token: Option<String>,
    pub current_organization: IdName,
    pub user: IdName,
    pub user_roles: Vec<IdName>,
    pub organizations: Vec<IdName>,
    pub login_time: String,
    pub active: bool,
    pub can_login: bool,
    pub store_tokens: bool,
    pub access_token: String,
}

/// `POST login` success.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LoginResponse {
    pub at: String,
    pub code: Option<String>,
    pub time_out: u64,
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub account_info: AccountInfo,
    pub token_type: &'static str,
    pub entry_point: &'static str,
    pub request_data: serde_json::Value,
    pub error_message: Option<String>,
}

/// An item of `schools/search`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SchoolItem {
    pub id: i64,
    pub name: String,
    pub short_name: String,
    pub address_string: String,
    pub city_id: i64,
    pub province_id: i64,
    pub state_id: i64,
    pub func_type: i32,
    pub inn: String,
    pub ogrn: String,
}

/// `schools/{id}/card`. Strings are never null: the clients merge and read them.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SchoolCard {
    pub common_info: CommonInfo,
    pub contact_info: ContactInfo,
    pub management_info: ManagementInfo,
    pub bank_details: Option<()>,
    pub other_info: Option<()>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CommonInfo {
    pub school_name: String,
    pub full_school_name: String,
    pub about: String,
    pub founding_date: Option<String>,
    pub status: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ContactInfo {
    pub post_address: String,
    pub juridical_address: String,
    pub phones: String,
    pub fax: String,
    pub email: String,
    pub web: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ManagementInfo {
    pub director: String,
    #[serde(rename = "principalUVR")]
    pub principal_uvr: String,
    #[serde(rename = "principalAHC")]
    pub principal_ahc: String,
    #[serde(rename = "principalIT")]
    pub principal_it: String,
}

/// `context`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Context {
    pub user_id: i64,
    pub school_id: i64,
    pub organization_name: String,
    pub date_format: &'static str,
    pub time_format: &'static str,
    pub current_year_id: Option<i64>,
}

/// A year of `years` and `years/current`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Year {
    pub id: i64,
    pub name: String,
    pub school_id: i64,
    pub start_date: String,
    pub end_date: String,
    pub global_year: GlobalYear,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GlobalYear {
    pub id: i64,
    pub name: String,
    pub start_date: String,
    pub end_date: String,
}

/// An item of `grade/assignment/types`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AssignmentType {
    pub id: i64,
    pub name: String,
    pub abbr: String,
    pub order: i32,
    pub is_active: bool,
}

/// `student/diary/init`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DiaryInit {
    pub students: Vec<InitStudent>,
    /// An index into `students`, not an id: netschoolapi indexes with it.
    pub current_student_id: usize,
    pub week_start: String,
    pub ya_class: bool,
    pub ya_class_auth_url: Option<String>,
    pub new_disk_token: &'static str,
    pub new_disk_was_request: bool,
    pub ttsu_rl: String,
    pub external_url: String,
    pub weight: bool,
    pub max_mark: i32,
    pub with_la_assigns: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct InitStudent {
    pub student_id: i64,
    pub nick_name: String,
    pub class_name: String,
    pub class_id: i64,
    pub iup_grade: i32,
}

/// `student/diary`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Diary {
    pub week_start: String,
    pub week_end: String,
    pub week_days: Vec<WeekDay>,
    pub term_name: String,
    pub class_name: String,
}

#[derive(Serialize)]
pub(crate) struct WeekDay {
    pub date: String,
    pub lessons: Vec<Lesson>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Lesson {
    pub classmeeting_id: i64,
    pub day: String,
    pub number: i32,
    pub relay: i32,
    /// Present even when empty: sgoschoolapi requires the key.
    pub room: Option<String>,
    pub start_time: String,
    pub end_time: String,
    pub subject_name: String,
    pub is_ea_lesson: bool,
    pub is_distance_lesson: bool,
    pub extra_activity: bool,
    pub add_education: bool,
    pub assignments: Vec<Assignment>,
}

/// An assignment in the diary and in `pastMandatory`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Assignment {
    pub id: i64,
    pub type_id: i64,
    pub assignment_name: String,
    /// Always an integer: sgoschoolapi needs the key, netschoolpy rejects null.
    pub weight: i32,
    pub due_date: String,
    pub class_meeting_id: i64,
    pub exists_test_plan: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mark: Option<Mark>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mark_comment: Option<MarkComment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mark_date: Option<String>,
    /// Only when the assignment has files (netschoolpy reads them; the others ignore the key).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Vec<Attachment>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Mark {
    pub assignment_id: i64,
    pub student_id: i64,
    /// The numeric mark, or null for a special code (which goes to `abbr`).
    pub mark: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub abbr: Option<String>,
    pub result_score: Option<i32>,
    pub duty_mark: bool,
}

#[derive(Serialize)]
pub(crate) struct MarkComment {
    pub id: i64,
    pub name: String,
}

/// An attached file as the diary, the card and announcements list it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Attachment {
    pub id: i64,
    pub name: String,
    pub original_file_name: String,
    /// Present even when null: sgoschoolapi requires the key.
    pub description: Option<String>,
}

/// An item of `student/diary/get-attachments`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AssignmentAttachments {
    pub assignment_id: i64,
    pub attachments: Vec<Attachment>,
}

/// `student/diary/assigns/{id}`: the assignment card.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AssignCard {
    pub id: i64,
    pub assignment_name: String,
    pub activity_name: Option<String>,
    pub problem_name: Option<String>,
    pub subject_group: IdName,
    /// Sent besides `subjectGroup`, whose name may end in a subgroup rather than the subject.
    pub subject_name: String,
    pub teachers: Vec<IdName>,
    pub product_id: Option<i64>,
    pub is_deleted: bool,
    pub weight: i32,
    pub date: String,
    pub due_date: String,
    pub description: String,
    /// Sent together with `type`: sgoschoolapi fills `type` only when both are absent.
    pub type_id: i64,
    #[serde(rename = "type")]
    pub type_name: String,
    pub attachments: Vec<Attachment>,
    pub content_elements: Option<()>,
    pub code_content_elements: Option<()>,
}

/// An item of `schedule/times`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ScheduleTime {
    pub id: i64,
    /// 1 = Sunday, 2 = Monday … 7 = Saturday.
    pub week_day: i32,
    pub relay: i32,
    pub number: i32,
    /// A full datetime: netschoolpy parses it with `fromisoformat`.
    pub start_time: String,
    pub end_time: String,
    pub variant_id: i64,
    pub used: bool,
}

/// `mysettings`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MySettings {
    pub user_id: i64,
    pub first_name: String,
    pub last_name: String,
    pub middle_name: String,
    pub login_name: String,
    pub birth_date: Option<String>,
    pub roles: Vec<&'static str>,
    pub schoolyear_id: Option<i64>,
    pub windows_account: Option<String>,
    pub mobile_phone: String,
    pub prefered_com: String,
    pub email: String,
    pub exists_photo: bool,
    pub user_settings: UserSettings,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UserSettings {
    pub show_mobile_phone: bool,
    pub default_desktop: i32,
    pub language: &'static str,
    pub favorite_reports: Vec<String>,
    pub password_expired: i32,
    pub recovery_answer: String,
    pub recovery_question: String,
    pub theme: i32,
    pub user_id: i64,
    pub show_net_school_app: bool,
}
