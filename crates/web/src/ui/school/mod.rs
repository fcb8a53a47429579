//! School set-up pages: years and periods, classes, subjects and curriculum, bells, timetable.
//!
//! Pages about the whole school take `?org=<id>` so that the region administrator can act for
//! a school; everything else is reached by the id of the thing, whose school the use case checks.

// Handlers leave early with a ready response (an error page) through `?`; the size of a
// `Response` in an `Err` costs nothing next to the request it answers.
#![allow(clippy::result_large_err)]

use sgo_core::OrganizationId;

mod bells;
mod classes;
mod forms;
mod groups;
mod lessons;
mod subgroups;
mod subjects;
mod timetable;
mod years;

use crate::routes::Routes;
use crate::ui::request::{SchoolAdminRequest, SignedInRequest};
use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{Duration, NaiveDate};
use serde::Deserialize;
use sgo_app::AppError;
use sgo_app::calendar::{AcademicYear, Period};
use sgo_app::school_setup::{
    BellRecord, CellInput, ClassInput, FieldErrors, GroupEdit, GroupInput, HolidayInput,
    HolidayRecord, LessonInput, SchemeInput, SetupClassRecord, SetupLessonRecord, SetupNamedRecord,
    SubgroupRecord, SubjectGroupRecord, SubjectRecord, YearInput, class_name, parse_date,
    weekday_short,
};
use sgo_core::calendar::week_start;
use sgo_core::policy::SchoolAdministrator;
use sgo_core::schedule::{PeriodKind, suggest_periods};

use super::{Header, PageError, render};
use crate::AppState;
use crate::form::outcome::respond;
use crate::form::{Fields, Submitted};
use forms::*;

use self::bells::*;
use self::classes::*;
use self::groups::*;
use self::lessons::*;
use self::subgroups::*;
use self::subjects::*;
use self::timetable::*;
use self::years::*;

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route("/school", get(|| async { Redirect::to("/school/years") }))
        .route("/school/years", get(years_page).post(create_year))
        .route("/school/years/{id}", get(year_page).post(update_year))
        .route(
            "/school/years/{id}/scheme",
            get(scheme_page).post(save_scheme),
        )
        .route("/school/years/{id}/scheme/delete", post(delete_scheme))
        .route("/school/years/{id}/holidays", post(add_holiday))
        .route(
            "/school/years/{id}/holidays/{holiday}/delete",
            post(delete_holiday),
        )
        .route("/school/classes", get(classes_page).post(create_class))
        .route("/school/classes/{id}", get(class_page).post(update_class))
        .route("/school/classes/{id}/delete", post(delete_class))
        .route("/school/classes/{id}/subgroups", post(create_subgroup))
        .route(
            "/school/subgroups/{id}",
            get(subgroup_page).post(update_subgroup),
        )
        .route("/school/subgroups/{id}/delete", post(delete_subgroup))
        .route("/school/classes/{id}/groups", post(create_group))
        .route("/school/groups/{id}", get(group_page).post(update_group))
        .route("/school/groups/{id}/delete", post(delete_group))
        .route(
            "/school/classes/{id}/timetable",
            get(timetable_page).post(save_timetable),
        )
        .route("/school/classes/{id}/lessons", get(lessons_page))
        .route("/school/lessons/{id}", get(lesson_page).post(change_lesson))
        .route("/school/subjects", get(subjects_page).post(create_subject))
        .route(
            "/school/subjects/{id}",
            get(subject_page).post(update_subject),
        )
        .route("/school/subjects/{id}/delete", post(delete_subject))
        .route("/school/bells", get(bells_page).post(save_bells))
}

type Page = Result<Response, Response>;

fn fail(state: &AppState) -> impl Fn(AppError) -> Response + '_ {
    move |e| PageError(state.clone(), e).into_response()
}

/// A use case's answer, or the error page.
async fn or_fail<T>(
    req: &SchoolAdminRequest,
    answer: impl Future<Output = sgo_app::AppResult<T>>,
) -> Result<T, Response> {
    answer.await.map_err(fail(&req.state))
}

/// The common part of a page about a class or something in it, under the classes section.
async fn class_common(
    req: &SchoolAdminRequest,
    class: &SetupClassRecord,
) -> Result<(String, Header, Common), Response> {
    common(req, OrganizationId::new(class.organization_id), "classes").await
}

/// What every set-up page shows besides the header: the school and the section menu.
struct Common {
    school: String,
    /// `?org=N` for the region administrator acting for another school, else empty.
    org_q: String,
    /// `&org=N` likewise, for links that already have a query.
    org_amp: String,
    org: OrganizationId,
    section: &'static str,
}

async fn common(
    req: &SchoolAdminRequest,
    org: OrganizationId,
    section: &'static str,
) -> Result<(String, Header, Common), Response> {
    let admin = &req.admin;
    let school = or_fail(req, req.app().setup_school_name(admin, org)).await?;
    let header = req.header().await?;
    let own = org == admin.home();
    let portal_name = req.state.options.portal_name.clone();
    Ok((
        portal_name,
        header,
        Common {
            school,
            org_q: if own {
                String::new()
            } else {
                format!("?org={org}")
            },
            org_amp: org_amp(admin, org),
            org,
            section,
        },
    ))
}

#[derive(Deserialize, Default)]
struct OrgQuery {
    org: Option<OrganizationId>,
    saved: Option<String>,
    year: Option<i64>,
}

fn org_of(admin: &SchoolAdministrator, q: Option<i64>) -> i64 {
    q.unwrap_or(admin.home().get())
}

fn org_of_form(admin: &SchoolAdministrator, form: &Fields) -> i64 {
    org_of(admin, org_field(form.get("org")))
}

/// The `org` field of a form: the school a region administrator acts for.
fn org_field(value: &str) -> Option<i64> {
    value.trim().parse().ok()
}

/// `&org=N` for a redirect when acting for another school, else nothing.
fn org_amp(admin: &SchoolAdministrator, org: OrganizationId) -> String {
    if org == admin.home() {
        String::new()
    } else {
        format!("&org={org}")
    }
}

fn see(to: String) -> Response {
    Redirect::to(&to).into_response()
}

fn notice(saved: Option<&str>) -> Option<&'static str> {
    match saved? {
        "year" => Some("Учебный год создан."),
        "year_updated" => Some("Учебный год сохранён."),
        "periods" => Some("Периоды сохранены."),
        "periods_deleted" => Some("Периоды удалены."),
        "holiday" => Some("Каникулы добавлены."),
        "holiday_deleted" => Some("Каникулы удалены."),
        "class" => Some("Класс сохранён."),
        "subgroup" => Some("Подгруппа создана."),
        "subgroup_updated" => Some("Подгруппа сохранена."),
        "subgroup_deleted" => Some("Подгруппа удалена."),
        "class_deleted" => Some("Класс удалён."),
        "group" => Some("Группа добавлена в учебный план."),
        "group_deleted" => Some("Группа удалена."),
        "group_updated" => Some("Группа сохранена."),
        "subject" => Some("Предмет добавлен."),
        "subject_updated" => Some("Предмет сохранён."),
        "subject_deleted" => Some("Предмет удалён."),
        "bells" => Some("Звонки сохранены."),
        "lesson" => Some("Урок изменён."),
        _ => None,
    }
}
