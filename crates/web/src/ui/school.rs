//! School set-up pages: years and periods, classes, subjects and curriculum, bells, timetable.
//!
//! Pages about the whole school take `?org=<id>` so that the region administrator can act for
//! a school; everything else is reached by the id of the thing, whose school the use case checks.

// Handlers leave early with a ready response (an error page) through `?`; the size of a
// `Response` in an `Err` costs nothing next to the request it answers.
#![allow(clippy::result_large_err)]

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{Duration, NaiveDate};
use serde::Deserialize;
use sgo_app::records::{AcademicYearRecord, PeriodRecord};
use sgo_app::school_setup::{
    BellRecord, CellInput, ClassInput, FieldErrors, GroupInput, HolidayInput, HolidayRecord,
    LessonInput, SchemeInput, SetupClassRecord, SetupLessonRecord, SetupNamedRecord,
    SubgroupRecord, SubjectRecord, YearInput, class_name, monday_of, parse_date, weekday_short,
};
use sgo_app::{Actor, AppError};
use sgo_core::schedule::{PeriodKind, suggest_periods};

use super::{Header, PageError, UiSession, csrf, render};
use crate::AppState;
use crate::extract::ClientOrigin;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/school", get(|| async { Redirect::to("/school/years") }))
        .route("/school/years", get(years_page).post(create_year))
        .route("/school/years/{id}", get(year_page))
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
        .route("/school/classes/{id}/subgroups", post(create_subgroup))
        .route("/school/classes/{id}/groups", post(create_group))
        .route("/school/groups/{id}/delete", post(delete_group))
        .route(
            "/school/classes/{id}/timetable",
            get(timetable_page).post(save_timetable),
        )
        .route("/school/classes/{id}/lessons", get(lessons_page))
        .route("/school/lessons/{id}", get(lesson_page).post(change_lesson))
        .route("/school/subjects", get(subjects_page).post(create_subject))
        .route("/school/bells", get(bells_page).post(save_bells))
}

type Page = Result<Response, Response>;

fn fail(state: &AppState) -> impl Fn(AppError) -> Response + '_ {
    move |e| PageError(state.clone(), e).into_response()
}

/// A submitted form: every name with every value, in order.
struct FormData(Vec<(String, String)>);

impl FormData {
    fn parse(state: &AppState, body: &[u8]) -> Result<FormData, Response> {
        serde_urlencoded::from_bytes(body)
            .map(FormData)
            .map_err(|_| fail(state)(AppError::BadRequest("Неверный формат формы".into())))
    }

    fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Checks the CSRF token; a stale or forged form gets 403.
    fn check(&self, state: &AppState, headers: &HeaderMap) -> Result<(), Response> {
        if csrf::check(headers, Some(self.get("csrf"))) {
            Ok(())
        } else {
            Err((
                StatusCode::FORBIDDEN,
                PageError(
                    state.clone(),
                    AppError::BadRequest("Срок действия формы истёк. Обновите страницу.".into()),
                ),
            )
                .into_response())
        }
    }
}

/// What every set-up page shows besides the header: the school and the section menu.
struct Common {
    school: String,
    /// `?org=N` for the region administrator acting for another school, else empty.
    org_q: String,
    /// `&org=N` likewise, for links that already have a query.
    org_amp: String,
    org: i64,
    section: &'static str,
}

async fn common(
    state: &AppState,
    session: &UiSession,
    org: i64,
    section: &'static str,
) -> Result<(String, Header, Common), Response> {
    let actor = &session.who.actor;
    let school = state
        .app
        .setup_school_name(actor, org)
        .await
        .map_err(fail(state))?;
    let header = Header::load(state, session)
        .await
        .map_err(IntoResponse::into_response)?;
    let own = org == actor.organization_id;
    let portal_name = state.options.portal_name.clone();
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
            org_amp: if own {
                String::new()
            } else {
                format!("&org={org}")
            },
            org,
            section,
        },
    ))
}

#[derive(Deserialize, Default)]
struct OrgQuery {
    org: Option<i64>,
    saved: Option<String>,
    year: Option<i64>,
}

fn org_of(actor: &Actor, q: Option<i64>) -> i64 {
    q.unwrap_or(actor.organization_id)
}

fn org_of_form(actor: &Actor, form: &FormData) -> i64 {
    form.get("org")
        .trim()
        .parse()
        .unwrap_or(actor.organization_id)
}

fn see(to: String) -> Response {
    Redirect::to(&to).into_response()
}

fn with_status(status: StatusCode, page: &impl Template) -> Response {
    (status, render(page)).into_response()
}

const INVALID: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

fn notice(saved: Option<&str>) -> Option<&'static str> {
    match saved? {
        "year" => Some("Учебный год создан."),
        "periods" => Some("Периоды сохранены."),
        "periods_deleted" => Some("Периоды удалены."),
        "holiday" => Some("Каникулы добавлены."),
        "holiday_deleted" => Some("Каникулы удалены."),
        "class" => Some("Класс сохранён."),
        "subgroup" => Some("Подгруппа создана."),
        "group" => Some("Группа добавлена в учебный план."),
        "group_deleted" => Some("Группа удалена."),
        "subject" => Some("Предмет добавлен."),
        "bells" => Some("Звонки сохранены."),
        "lesson" => Some("Урок изменён."),
        _ => None,
    }
}

// --- years ---

#[derive(Template)]
#[template(path = "school/years.html")]
struct YearsPage {
    portal_name: String,
    header: Header,
    c: Common,
    notice: Option<&'static str>,
    years: Vec<AcademicYearRecord>,
    form: YearInput,
    errors: FieldErrors,
}

async fn years_view(
    state: &AppState,
    session: &UiSession,
    org: i64,
    form: YearInput,
    errors: FieldErrors,
    notice: Option<&'static str>,
) -> Result<YearsPage, Response> {
    let (portal_name, header, c) = common(state, session, org, "years").await?;
    let years = state
        .app
        .setup_years(&session.who.actor, org)
        .await
        .map_err(fail(state))?;
    Ok(YearsPage {
        portal_name,
        header,
        c,
        notice,
        years,
        form,
        errors,
    })
}

async fn years_page(
    State(state): State<AppState>,
    session: UiSession,
    Query(q): Query<OrgQuery>,
) -> Page {
    let org = org_of(&session.who.actor, q.org);
    let page = years_view(
        &state,
        &session,
        org,
        YearInput::default(),
        FieldErrors::default(),
        notice(q.saved.as_deref()),
    )
    .await?;
    Ok(render(&page))
}

async fn create_year(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    session: UiSession,
    headers: HeaderMap,
    body: Bytes,
) -> Page {
    let form = FormData::parse(&state, &body)?;
    form.check(&state, &headers)?;
    let actor = &session.who.actor;
    let org = org_of_form(actor, &form);
    let input = YearInput {
        name: form.get("name").into(),
        start: form.get("start").into(),
        end: form.get("end").into(),
    };
    match state
        .app
        .create_year(actor, &origin, org, &input)
        .await
        .map_err(fail(&state))?
    {
        Ok(id) => Ok(see(format!("/school/years/{id}?saved=year"))),
        Err(errors) => {
            let page = years_view(&state, &session, org, input, errors, None).await?;
            Ok(with_status(INVALID, &page))
        }
    }
}

/// A period scheme of a year: the grade range and its periods.
struct SchemeView {
    grade_from: i32,
    grade_to: i32,
    title: String,
    periods: Vec<PeriodRecord>,
}

#[derive(Template)]
#[template(path = "school/year.html")]
struct YearPage {
    portal_name: String,
    header: Header,
    c: Common,
    notice: Option<&'static str>,
    year: AcademicYearRecord,
    schemes: Vec<SchemeView>,
    holidays: Vec<HolidayRecord>,
    kinds: Vec<(&'static str, &'static str)>,
    holiday: HolidayInput,
    errors: FieldErrors,
}

fn kinds() -> Vec<(&'static str, &'static str)> {
    PeriodKind::ALL
        .iter()
        .map(|k| (k.code(), k.title()))
        .collect()
}

async fn year_view(
    state: &AppState,
    session: &UiSession,
    year_id: i64,
    holiday: HolidayInput,
    errors: FieldErrors,
    notice: Option<&'static str>,
) -> Result<YearPage, Response> {
    let setup = state
        .app
        .year_setup(&session.who.actor, year_id)
        .await
        .map_err(fail(state))?;
    let (portal_name, header, c) =
        common(state, session, setup.year.organization_id, "years").await?;
    let mut schemes: Vec<SchemeView> = Vec::new();
    for p in setup.periods {
        match schemes.last_mut() {
            Some(s) if s.grade_from == p.grade_from && s.grade_to == p.grade_to => {
                s.periods.push(p)
            }
            _ => schemes.push(SchemeView {
                grade_from: p.grade_from,
                grade_to: p.grade_to,
                title: PeriodKind::from_code(&p.kind)
                    .map_or_else(|| p.kind.clone(), |k| k.title().to_owned()),
                periods: vec![p],
            }),
        }
    }
    Ok(YearPage {
        portal_name,
        header,
        c,
        notice,
        year: setup.year,
        schemes,
        holidays: setup.holidays,
        kinds: kinds(),
        holiday,
        errors,
    })
}

async fn year_page(
    State(state): State<AppState>,
    session: UiSession,
    Path(id): Path<i64>,
    Query(q): Query<OrgQuery>,
) -> Page {
    let page = year_view(
        &state,
        &session,
        id,
        HolidayInput::default(),
        FieldErrors::default(),
        notice(q.saved.as_deref()),
    )
    .await?;
    Ok(render(&page))
}

/// One period row of the scheme form.
struct PeriodRow {
    number: usize,
    name: String,
    start: String,
    end: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "school/scheme.html")]
struct SchemePage {
    portal_name: String,
    header: Header,
    c: Common,
    notice: Option<&'static str>,
    year: AcademicYearRecord,
    grade_from: String,
    grade_to: String,
    kind: String,
    kind_title: &'static str,
    rows: Vec<PeriodRow>,
    errors: FieldErrors,
}

#[derive(Deserialize)]
struct SchemeQuery {
    grade_from: Option<String>,
    grade_to: Option<String>,
    kind: Option<String>,
}

async fn scheme_view(
    state: &AppState,
    session: &UiSession,
    year_id: i64,
    input: &SchemeInput,
    errors: FieldErrors,
) -> Result<SchemePage, Response> {
    let setup = state
        .app
        .year_setup(&session.who.actor, year_id)
        .await
        .map_err(fail(state))?;
    let Some(kind) = PeriodKind::from_code(&input.kind) else {
        return Err(fail(state)(AppError::BadRequest(
            "Выберите вид периодов: четверти, триместры или полугодия".into(),
        )));
    };
    let (portal_name, header, c) =
        common(state, session, setup.year.organization_id, "years").await?;
    let suggested = suggest_periods(kind, setup.year.start_date, setup.year.end_date);
    let rows = (0..kind.count())
        .map(|i| {
            let entered = input.dates.get(i);
            let (start, end) = match (entered, suggested.get(i)) {
                (Some((a, b)), _) => (a.clone(), b.clone()),
                (None, Some((a, b))) => (a.to_string(), b.to_string()),
                (None, None) => (String::new(), String::new()),
            };
            let error = errors
                .get(&format!("start_{}", i + 1))
                .or_else(|| errors.get(&format!("end_{}", i + 1)))
                .map(str::to_owned);
            PeriodRow {
                number: i + 1,
                name: kind.period_name(i + 1),
                start,
                end,
                error,
            }
        })
        .collect();
    Ok(SchemePage {
        portal_name,
        header,
        c,
        notice: None,
        year: setup.year,
        grade_from: input.grade_from.clone(),
        grade_to: input.grade_to.clone(),
        kind: kind.code().into(),
        kind_title: kind.title(),
        rows,
        errors,
    })
}

async fn scheme_page(
    State(state): State<AppState>,
    session: UiSession,
    Path(id): Path<i64>,
    Query(q): Query<SchemeQuery>,
) -> Page {
    let input = SchemeInput {
        grade_from: q.grade_from.unwrap_or_default(),
        grade_to: q.grade_to.unwrap_or_default(),
        kind: q.kind.unwrap_or_default(),
        dates: Vec::new(),
    };
    let page = scheme_view(&state, &session, id, &input, FieldErrors::default()).await?;
    Ok(render(&page))
}

async fn save_scheme(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    session: UiSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> Page {
    let form = FormData::parse(&state, &body)?;
    form.check(&state, &headers)?;
    let count = PeriodKind::from_code(form.get("kind")).map_or(0, PeriodKind::count);
    let input = SchemeInput {
        grade_from: form.get("grade_from").into(),
        grade_to: form.get("grade_to").into(),
        kind: form.get("kind").into(),
        dates: (1..=count)
            .map(|i| {
                (
                    form.get(&format!("start_{i}")).to_owned(),
                    form.get(&format!("end_{i}")).to_owned(),
                )
            })
            .collect(),
    };
    match state
        .app
        .add_period_scheme(&session.who.actor, &origin, id, &input)
        .await
        .map_err(fail(&state))?
    {
        Ok(()) => Ok(see(format!("/school/years/{id}?saved=periods"))),
        Err(errors) => {
            let page = scheme_view(&state, &session, id, &input, errors).await?;
            Ok(with_status(INVALID, &page))
        }
    }
}

async fn delete_scheme(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    session: UiSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> Page {
    let form = FormData::parse(&state, &body)?;
    form.check(&state, &headers)?;
    let grade = |name| {
        form.get(name)
            .trim()
            .parse::<i32>()
            .map_err(|_| fail(&state)(AppError::BadRequest("Неверные параллели".into())))
    };
    let (from, to) = (grade("grade_from")?, grade("grade_to")?);
    state
        .app
        .delete_period_scheme(&session.who.actor, &origin, id, from, to)
        .await
        .map_err(fail(&state))?;
    Ok(see(format!("/school/years/{id}?saved=periods_deleted")))
}

async fn add_holiday(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    session: UiSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> Page {
    let form = FormData::parse(&state, &body)?;
    form.check(&state, &headers)?;
    let input = HolidayInput {
        name: form.get("holiday_name").into(),
        start: form.get("holiday_start").into(),
        end: form.get("holiday_end").into(),
    };
    match state
        .app
        .add_holiday(&session.who.actor, &origin, id, &input)
        .await
        .map_err(fail(&state))?
    {
        Ok(_) => Ok(see(format!("/school/years/{id}?saved=holiday"))),
        Err(errors) => {
            let page = year_view(&state, &session, id, input, errors, None).await?;
            Ok(with_status(INVALID, &page))
        }
    }
}

async fn delete_holiday(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    session: UiSession,
    headers: HeaderMap,
    Path((id, holiday)): Path<(i64, i64)>,
    body: Bytes,
) -> Page {
    let form = FormData::parse(&state, &body)?;
    form.check(&state, &headers)?;
    state
        .app
        .delete_holiday(&session.who.actor, &origin, id, holiday)
        .await
        .map_err(fail(&state))?;
    Ok(see(format!("/school/years/{id}?saved=holiday_deleted")))
}

// --- classes ---

#[derive(Template)]
#[template(path = "school/classes.html")]
struct ClassesPage {
    portal_name: String,
    header: Header,
    c: Common,
    notice: Option<&'static str>,
    years: Vec<AcademicYearRecord>,
    year: Option<AcademicYearRecord>,
    classes: Vec<SetupClassRecord>,
    teachers: Vec<SetupNamedRecord>,
    form: ClassInput,
    errors: FieldErrors,
}

async fn classes_view(
    state: &AppState,
    session: &UiSession,
    org: i64,
    year_id: Option<i64>,
    form: ClassInput,
    errors: FieldErrors,
    notice: Option<&'static str>,
) -> Result<ClassesPage, Response> {
    let actor = &session.who.actor;
    let (portal_name, header, c) = common(state, session, org, "classes").await?;
    let years = state
        .app
        .setup_years(actor, org)
        .await
        .map_err(fail(state))?;
    let today = state.app.today();
    let year =
        match year_id {
            Some(id) => {
                Some(years.iter().find(|y| y.id == id).cloned().ok_or_else(|| {
                    fail(state)(AppError::NotFound("Учебный год не найден".into()))
                })?)
            }
            None => years
                .iter()
                .find(|y| y.start_date <= today && today <= y.end_date)
                .or_else(|| years.first())
                .cloned(),
        };
    let classes = match &year {
        Some(y) => state
            .app
            .setup_classes(actor, y.id)
            .await
            .map_err(fail(state))?,
        None => Vec::new(),
    };
    let teachers = state
        .app
        .setup_teachers(actor, org)
        .await
        .map_err(fail(state))?;
    Ok(ClassesPage {
        portal_name,
        header,
        c,
        notice,
        years,
        year,
        classes,
        teachers,
        form,
        errors,
    })
}

fn class_input(form: &FormData) -> ClassInput {
    ClassInput {
        grade: form.get("grade").into(),
        letter: form.get("letter").into(),
        profile: form.get("profile").into(),
        room: form.get("room").into(),
        shift: form.get("shift").into(),
        teacher: form.get("teacher").into(),
    }
}

async fn classes_page(
    State(state): State<AppState>,
    session: UiSession,
    Query(q): Query<OrgQuery>,
) -> Page {
    let org = org_of(&session.who.actor, q.org);
    let form = ClassInput {
        shift: "1".into(),
        ..ClassInput::default()
    };
    let page = classes_view(
        &state,
        &session,
        org,
        q.year,
        form,
        FieldErrors::default(),
        notice(q.saved.as_deref()),
    )
    .await?;
    Ok(render(&page))
}

async fn create_class(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    session: UiSession,
    headers: HeaderMap,
    body: Bytes,
) -> Page {
    let form = FormData::parse(&state, &body)?;
    form.check(&state, &headers)?;
    let actor = &session.who.actor;
    let Ok(year_id) = form.get("year").trim().parse::<i64>() else {
        return Err(fail(&state)(AppError::BadRequest(
            "Выберите учебный год".into(),
        )));
    };
    let input = class_input(&form);
    match state
        .app
        .create_class(actor, &origin, year_id, &input)
        .await
        .map_err(fail(&state))?
    {
        Ok(id) => Ok(see(format!("/school/classes/{id}?saved=class"))),
        Err(errors) => {
            let org = org_of_form(actor, &form);
            let page =
                classes_view(&state, &session, org, Some(year_id), input, errors, None).await?;
            Ok(with_status(INVALID, &page))
        }
    }
}

/// A subject group with its teachers' names joined.
struct GroupRow {
    id: i64,
    name: String,
    subject: String,
    subgroup: String,
    hours: i32,
    teachers: String,
}

/// A student with whether the subgroup form has them ticked.
struct StudentBox {
    id: i64,
    name: String,
}

#[derive(Template)]
#[template(path = "school/class.html")]
struct ClassPage {
    portal_name: String,
    header: Header,
    c: Common,
    notice: Option<&'static str>,
    class: SetupClassRecord,
    title: String,
    year: AcademicYearRecord,
    teachers: Vec<SetupNamedRecord>,
    members: Vec<StudentBox>,
    subgroups: Vec<SubgroupRecord>,
    groups: Vec<GroupRow>,
    subjects: Vec<SubjectRecord>,
    form: ClassInput,
    group_form: GroupInput,
    subgroup_name: String,
    errors: FieldErrors,
    week: String,
}

#[derive(Default)]
struct ClassForms {
    class: Option<ClassInput>,
    group: GroupInput,
    subgroup_name: String,
    errors: FieldErrors,
}

async fn class_view(
    state: &AppState,
    session: &UiSession,
    id: i64,
    forms: ClassForms,
    notice: Option<&'static str>,
) -> Result<ClassPage, Response> {
    let setup = state
        .app
        .class_setup(&session.who.actor, id)
        .await
        .map_err(fail(state))?;
    let (portal_name, header, c) =
        common(state, session, setup.class.organization_id, "classes").await?;
    let class = setup.class;
    let form = forms.class.unwrap_or_else(|| ClassInput {
        grade: class.grade.to_string(),
        letter: class.letter.clone(),
        profile: class.profile.clone(),
        room: class.room.clone(),
        shift: class.shift.to_string(),
        teacher: class
            .teacher_account_id
            .map(|t| t.to_string())
            .unwrap_or_default(),
    });
    let group_form = GroupInput {
        hours: if forms.group.hours.is_empty() {
            "1".into()
        } else {
            forms.group.hours.clone()
        },
        ..forms.group
    };
    let today = state.app.today();
    let week = monday_of(today.clamp(setup.year.start_date, setup.year.end_date)).to_string();
    Ok(ClassPage {
        portal_name,
        header,
        c,
        notice,
        title: class_name(&class),
        class,
        year: setup.year,
        teachers: setup.teachers,
        members: setup
            .members
            .into_iter()
            .map(|m| StudentBox {
                id: m.id,
                name: m.name,
            })
            .collect(),
        subgroups: setup.subgroups,
        groups: setup
            .groups
            .into_iter()
            .map(|g| GroupRow {
                id: g.group.id,
                name: g.group.name,
                subject: g.group.subject_name,
                subgroup: g.group.subgroup_name.unwrap_or_default(),
                hours: g.group.hours_per_week,
                teachers: g
                    .teachers
                    .iter()
                    .map(|t| t.display_name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
            .collect(),
        subjects: setup.subjects,
        form,
        group_form,
        subgroup_name: forms.subgroup_name,
        errors: forms.errors,
        week,
    })
}

async fn class_page(
    State(state): State<AppState>,
    session: UiSession,
    Path(id): Path<i64>,
    Query(q): Query<OrgQuery>,
) -> Page {
    let page = class_view(
        &state,
        &session,
        id,
        ClassForms::default(),
        notice(q.saved.as_deref()),
    )
    .await?;
    Ok(render(&page))
}

async fn update_class(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    session: UiSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> Page {
    let form = FormData::parse(&state, &body)?;
    form.check(&state, &headers)?;
    let input = class_input(&form);
    match state
        .app
        .update_class(&session.who.actor, &origin, id, &input)
        .await
        .map_err(fail(&state))?
    {
        Ok(()) => Ok(see(format!("/school/classes/{id}?saved=class"))),
        Err(errors) => {
            let forms = ClassForms {
                class: Some(input),
                errors,
                ..ClassForms::default()
            };
            let page = class_view(&state, &session, id, forms, None).await?;
            Ok(with_status(INVALID, &page))
        }
    }
}

async fn create_subgroup(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    session: UiSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> Page {
    let form = FormData::parse(&state, &body)?;
    form.check(&state, &headers)?;
    let name = form.get("subgroup_name").to_owned();
    match state
        .app
        .create_subgroup(
            &session.who.actor,
            &origin,
            id,
            &name,
            &form.all("students"),
        )
        .await
        .map_err(fail(&state))?
    {
        Ok(_) => Ok(see(format!("/school/classes/{id}?saved=subgroup"))),
        Err(errors) => {
            let forms = ClassForms {
                subgroup_name: name,
                errors,
                ..ClassForms::default()
            };
            let page = class_view(&state, &session, id, forms, None).await?;
            Ok(with_status(INVALID, &page))
        }
    }
}

async fn create_group(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    session: UiSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> Page {
    let form = FormData::parse(&state, &body)?;
    form.check(&state, &headers)?;
    let input = GroupInput {
        subject: form.get("subject").into(),
        subgroup: form.get("subgroup").into(),
        teachers: form.all("teachers"),
        hours: form.get("hours").into(),
    };
    match state
        .app
        .create_subject_group(&session.who.actor, &origin, id, &input)
        .await
        .map_err(fail(&state))?
    {
        Ok(_) => Ok(see(format!("/school/classes/{id}?saved=group"))),
        Err(errors) => {
            let forms = ClassForms {
                group: input,
                errors,
                ..ClassForms::default()
            };
            let page = class_view(&state, &session, id, forms, None).await?;
            Ok(with_status(INVALID, &page))
        }
    }
}

async fn delete_group(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    session: UiSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> Page {
    let form = FormData::parse(&state, &body)?;
    form.check(&state, &headers)?;
    let class = state
        .app
        .delete_subject_group(&session.who.actor, &origin, id)
        .await
        .map_err(fail(&state))?;
    Ok(see(format!("/school/classes/{class}?saved=group_deleted")))
}

// --- subjects ---

#[derive(Template)]
#[template(path = "school/subjects.html")]
struct SubjectsPage {
    portal_name: String,
    header: Header,
    c: Common,
    notice: Option<&'static str>,
    subjects: Vec<SubjectRecord>,
    name: String,
    short_name: String,
    errors: FieldErrors,
}

async fn subjects_view(
    state: &AppState,
    session: &UiSession,
    org: i64,
    (name, short_name): (String, String),
    errors: FieldErrors,
    notice: Option<&'static str>,
) -> Result<SubjectsPage, Response> {
    let (portal_name, header, c) = common(state, session, org, "subjects").await?;
    let subjects = state
        .app
        .setup_subjects(&session.who.actor, org)
        .await
        .map_err(fail(state))?;
    Ok(SubjectsPage {
        portal_name,
        header,
        c,
        notice,
        subjects,
        name,
        short_name,
        errors,
    })
}

async fn subjects_page(
    State(state): State<AppState>,
    session: UiSession,
    Query(q): Query<OrgQuery>,
) -> Page {
    let org = org_of(&session.who.actor, q.org);
    let page = subjects_view(
        &state,
        &session,
        org,
        Default::default(),
        FieldErrors::default(),
        notice(q.saved.as_deref()),
    )
    .await?;
    Ok(render(&page))
}

async fn create_subject(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    session: UiSession,
    headers: HeaderMap,
    body: Bytes,
) -> Page {
    let form = FormData::parse(&state, &body)?;
    form.check(&state, &headers)?;
    let actor = &session.who.actor;
    let org = org_of_form(actor, &form);
    let (name, short) = (form.get("subject_name"), form.get("short_name"));
    match state
        .app
        .create_subject(actor, &origin, org, name, short)
        .await
        .map_err(fail(&state))?
    {
        Ok(_) => {
            let q = if org == actor.organization_id {
                String::new()
            } else {
                format!("&org={org}")
            };
            Ok(see(format!("/school/subjects?saved=subject{q}")))
        }
        Err(errors) => {
            let entered = (name.to_owned(), short.to_owned());
            let page = subjects_view(&state, &session, org, entered, errors, None).await?;
            Ok(with_status(INVALID, &page))
        }
    }
}

// --- bells ---

/// One row of a shift's bell form.
struct BellRow {
    number: i32,
    start: String,
    end: String,
    error: Option<String>,
}

/// A shift's bell form.
struct ShiftBells {
    shift: i32,
    rows: Vec<BellRow>,
}

#[derive(Template)]
#[template(path = "school/bells.html")]
struct BellsPage {
    portal_name: String,
    header: Header,
    c: Common,
    notice: Option<&'static str>,
    shifts: Vec<ShiftBells>,
    shift_error: Option<String>,
}

/// Bell rows as entered: number, start, end.
type BellRows = Vec<(i32, String, String)>;

/// Rows offered per shift: SGO schools rarely have more than eight lessons a day.
const BELL_ROWS: i32 = 8;

async fn bells_view(
    state: &AppState,
    session: &UiSession,
    org: i64,
    entered: Option<(i32, BellRows)>,
    errors: FieldErrors,
    notice: Option<&'static str>,
) -> Result<BellsPage, Response> {
    let (portal_name, header, c) = common(state, session, org, "bells").await?;
    let bells: Vec<BellRecord> = state
        .app
        .setup_bells(&session.who.actor, org)
        .await
        .map_err(fail(state))?;
    let shifts = [1, 2]
        .into_iter()
        .map(|shift| ShiftBells {
            shift,
            rows: (1..=BELL_ROWS)
                .map(|number| {
                    let (start, end) = match &entered {
                        Some((s, rows)) if *s == shift => rows
                            .iter()
                            .find(|r| r.0 == number)
                            .map(|r| (r.1.clone(), r.2.clone()))
                            .unwrap_or_default(),
                        _ => bells
                            .iter()
                            .find(|b| b.shift == shift && b.number == number)
                            .map(|b| {
                                (
                                    b.start_time.format("%H:%M").to_string(),
                                    b.end_time.format("%H:%M").to_string(),
                                )
                            })
                            .unwrap_or_default(),
                    };
                    BellRow {
                        number,
                        start,
                        end,
                        error: errors
                            .get(&format!("bell_{shift}_{number}"))
                            .map(str::to_owned),
                    }
                })
                .collect(),
        })
        .collect();
    Ok(BellsPage {
        portal_name,
        header,
        c,
        notice,
        shifts,
        shift_error: errors.get("shift").map(str::to_owned),
    })
}

async fn bells_page(
    State(state): State<AppState>,
    session: UiSession,
    Query(q): Query<OrgQuery>,
) -> Page {
    let org = org_of(&session.who.actor, q.org);
    let page = bells_view(
        &state,
        &session,
        org,
        None,
        FieldErrors::default(),
        notice(q.saved.as_deref()),
    )
    .await?;
    Ok(render(&page))
}

async fn save_bells(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    session: UiSession,
    headers: HeaderMap,
    body: Bytes,
) -> Page {
    let form = FormData::parse(&state, &body)?;
    form.check(&state, &headers)?;
    let actor = &session.who.actor;
    let org = org_of_form(actor, &form);
    let shift = form.get("shift");
    let rows: Vec<(i32, String, String)> = (1..=BELL_ROWS)
        .map(|n| {
            (
                n,
                form.get(&format!("start_{n}")).to_owned(),
                form.get(&format!("end_{n}")).to_owned(),
            )
        })
        .collect();
    match state
        .app
        .save_bells(actor, &origin, org, shift, &rows)
        .await
        .map_err(fail(&state))?
    {
        Ok(()) => {
            let q = if org == actor.organization_id {
                String::new()
            } else {
                format!("&org={org}")
            };
            Ok(see(format!("/school/bells?saved=bells{q}")))
        }
        Err(errors) => {
            let entered = shift.trim().parse::<i32>().ok().map(|s| (s, rows));
            let page = bells_view(&state, &session, org, entered, errors, None).await?;
            Ok(with_status(INVALID, &page))
        }
    }
}

// --- timetable ---

/// An option of a timetable cell.
struct GroupOption {
    id: i64,
    name: String,
}

/// A cell of the grid.
struct Cell {
    weekday: u32,
    number: i32,
    group: String,
    room: String,
    error: Option<String>,
}

/// A row of the grid: one bell, six weekdays.
struct GridRow {
    number: i32,
    time: String,
    cells: Vec<Cell>,
}

#[derive(Template)]
#[template(path = "school/timetable.html")]
struct TimetablePage {
    portal_name: String,
    header: Header,
    c: Common,
    notice: Option<String>,
    class: SetupClassRecord,
    title: String,
    year: AcademicYearRecord,
    weekdays: Vec<&'static str>,
    groups: Vec<GroupOption>,
    rows: Vec<GridRow>,
    valid_from: String,
    errors: FieldErrors,
    week: String,
}

#[derive(Deserialize)]
struct TimetableQuery {
    on: Option<String>,
    created: Option<u64>,
    deleted: Option<u64>,
    kept: Option<u64>,
}

async fn timetable_view(
    state: &AppState,
    session: &UiSession,
    id: i64,
    on: Option<NaiveDate>,
    entered: Option<(String, Vec<CellInput>)>,
    errors: FieldErrors,
    notice: Option<String>,
) -> Result<TimetablePage, Response> {
    let setup = state
        .app
        .timetable_setup(&session.who.actor, id, on)
        .await
        .map_err(fail(state))?;
    let (portal_name, header, c) =
        common(state, session, setup.class.organization_id, "classes").await?;
    let rows = setup
        .bells
        .iter()
        .map(|b| GridRow {
            number: b.number,
            time: format!(
                "{}–{}",
                b.start_time.format("%H:%M"),
                b.end_time.format("%H:%M")
            ),
            cells: (1..=6u32)
                .map(|weekday| {
                    let (group, room) = match &entered {
                        Some((_, cells)) => cells
                            .iter()
                            .find(|c| c.weekday == weekday as i32 && c.number == b.number)
                            .map(|c| (c.group.clone(), c.room.clone()))
                            .unwrap_or_default(),
                        None => setup
                            .entries
                            .iter()
                            .find(|e| e.weekday == weekday as i32 && e.number == b.number)
                            .map(|e| (e.subject_group_id.to_string(), e.room.clone()))
                            .unwrap_or_default(),
                    };
                    Cell {
                        weekday,
                        number: b.number,
                        group,
                        room,
                        error: errors
                            .get(&format!("cell_{weekday}_{}", b.number))
                            .or_else(|| errors.get(&format!("room_{weekday}_{}", b.number)))
                            .map(str::to_owned),
                    }
                })
                .collect(),
        })
        .collect();
    let valid_from = match &entered {
        Some((v, _)) => v.clone(),
        None => setup.on.to_string(),
    };
    Ok(TimetablePage {
        portal_name,
        header,
        c,
        notice,
        title: class_name(&setup.class),
        week: monday_of(setup.on).to_string(),
        class: setup.class,
        year: setup.year,
        weekdays: (1..=6).map(weekday_short).collect(),
        groups: setup
            .groups
            .into_iter()
            .map(|g| GroupOption {
                id: g.id,
                name: g.name,
            })
            .collect(),
        rows,
        valid_from,
        errors,
    })
}

async fn timetable_page(
    State(state): State<AppState>,
    session: UiSession,
    Path(id): Path<i64>,
    Query(q): Query<TimetableQuery>,
) -> Page {
    let on = q.on.as_deref().and_then(parse_date);
    let notice = q.created.map(|created| {
        let mut text = format!(
            "Расписание сохранено. Уроков создано: {created}, удалено: {}.",
            q.deleted.unwrap_or(0)
        );
        if let Some(kept) = q.kept.filter(|k| *k > 0) {
            text.push_str(&format!(
                " Сохранено уроков с заданиями или посещаемостью: {kept} — проверьте их вручную."
            ));
        }
        text
    });
    let page = timetable_view(
        &state,
        &session,
        id,
        on,
        None,
        FieldErrors::default(),
        notice,
    )
    .await?;
    Ok(render(&page))
}

async fn save_timetable(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    session: UiSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> Page {
    let form = FormData::parse(&state, &body)?;
    form.check(&state, &headers)?;
    let mut cells = Vec::new();
    for (name, value) in &form.0 {
        let Some(rest) = name.strip_prefix("cell_") else {
            continue;
        };
        let Some((weekday, number)) = rest.split_once('_') else {
            continue;
        };
        let (Ok(weekday), Ok(number)) = (weekday.parse::<i32>(), number.parse::<i32>()) else {
            continue;
        };
        cells.push(CellInput {
            weekday,
            number,
            group: value.clone(),
            room: form.get(&format!("room_{weekday}_{number}")).to_owned(),
        });
    }
    let valid_from = form.get("valid_from").to_owned();
    match state
        .app
        .save_timetable(&session.who.actor, &origin, id, &valid_from, &cells)
        .await
        .map_err(fail(&state))?
    {
        Ok(out) => Ok(see(format!(
            "/school/classes/{id}/timetable?on={valid_from}&created={}&deleted={}&kept={}",
            out.created, out.deleted, out.kept
        ))),
        Err(errors) => {
            let on = parse_date(&valid_from);
            let page = timetable_view(
                &state,
                &session,
                id,
                on,
                Some((valid_from, cells)),
                errors,
                None,
            )
            .await?;
            Ok(with_status(INVALID, &page))
        }
    }
}

// --- dated lessons ---

/// A lesson row of the week list.
struct LessonRow {
    id: i64,
    day: String,
    number: i32,
    time: String,
    group: String,
    room: String,
    teacher: String,
    cancelled: bool,
}

#[derive(Template)]
#[template(path = "school/lessons.html")]
struct LessonsPage {
    portal_name: String,
    header: Header,
    c: Common,
    notice: Option<&'static str>,
    class_id: i64,
    title: String,
    range: String,
    prev: String,
    next: String,
    lessons: Vec<LessonRow>,
}

#[derive(Deserialize)]
struct WeekQuery {
    week: Option<String>,
}

fn lesson_row(l: &SetupLessonRecord) -> LessonRow {
    LessonRow {
        id: l.id,
        day: format!(
            "{} {}",
            weekday_short(chrono::Datelike::weekday(&l.date).number_from_monday()),
            l.date.format("%d.%m.%Y")
        ),
        number: l.number,
        time: format!(
            "{}–{}",
            l.start_time.format("%H:%M"),
            l.end_time.format("%H:%M")
        ),
        group: l.group_name.clone(),
        room: l.room.clone(),
        teacher: l.teacher_name.clone().unwrap_or_default(),
        cancelled: l.status == "cancelled",
    }
}

async fn lessons_page(
    State(state): State<AppState>,
    session: UiSession,
    Path(id): Path<i64>,
    Query(q): Query<WeekQuery>,
) -> Page {
    let monday = monday_of(
        q.week
            .as_deref()
            .and_then(parse_date)
            .unwrap_or_else(|| state.app.today()),
    );
    let (class, lessons) = state
        .app
        .class_week_lessons(&session.who.actor, id, monday)
        .await
        .map_err(fail(&state))?;
    let (portal_name, header, c) =
        common(&state, &session, class.organization_id, "classes").await?;
    let sunday = monday + Duration::days(6);
    Ok(render(&LessonsPage {
        portal_name,
        header,
        c,
        notice: None,
        class_id: id,
        title: class_name(&class),
        range: format!(
            "{} — {}",
            monday.format("%d.%m.%Y"),
            sunday.format("%d.%m.%Y")
        ),
        prev: (monday - Duration::days(7)).to_string(),
        next: (monday + Duration::days(7)).to_string(),
        lessons: lessons.iter().map(lesson_row).collect(),
    }))
}

/// A bell option of the change form.
struct BellOption {
    number: i32,
    time: String,
}

#[derive(Template)]
#[template(path = "school/lesson.html")]
struct LessonPage {
    portal_name: String,
    header: Header,
    c: Common,
    notice: Option<&'static str>,
    lesson: LessonRow,
    class_id: i64,
    week: String,
    bells: Vec<BellOption>,
    teachers: Vec<SetupNamedRecord>,
    form: LessonInput,
    errors: FieldErrors,
}

async fn lesson_view(
    state: &AppState,
    session: &UiSession,
    id: i64,
    form: Option<LessonInput>,
    errors: FieldErrors,
    notice: Option<&'static str>,
) -> Result<LessonPage, Response> {
    let setup = state
        .app
        .lesson_setup(&session.who.actor, id)
        .await
        .map_err(fail(state))?;
    let (portal_name, header, c) =
        common(state, session, setup.class.organization_id, "classes").await?;
    let l = &setup.lesson;
    let form = form.unwrap_or_else(|| LessonInput {
        date: l.date.to_string(),
        number: l.number.to_string(),
        room: l.room.clone(),
        teacher: l
            .teacher_account_id
            .map(|t| t.to_string())
            .unwrap_or_default(),
        cancelled: l.status == "cancelled",
    });
    Ok(LessonPage {
        portal_name,
        header,
        c,
        notice,
        lesson: lesson_row(l),
        class_id: setup.class.id,
        week: monday_of(l.date).to_string(),
        bells: setup
            .bells
            .iter()
            .map(|b| BellOption {
                number: b.number,
                time: format!(
                    "{}–{}",
                    b.start_time.format("%H:%M"),
                    b.end_time.format("%H:%M")
                ),
            })
            .collect(),
        teachers: setup.teachers,
        form,
        errors,
    })
}

async fn lesson_page(
    State(state): State<AppState>,
    session: UiSession,
    Path(id): Path<i64>,
    Query(q): Query<OrgQuery>,
) -> Page {
    let page = lesson_view(
        &state,
        &session,
        id,
        None,
        FieldErrors::default(),
        notice(q.saved.as_deref()),
    )
    .await?;
    Ok(render(&page))
}

async fn change_lesson(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    session: UiSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> Page {
    let form = FormData::parse(&state, &body)?;
    form.check(&state, &headers)?;
    let input = LessonInput {
        date: form.get("date").into(),
        number: form.get("number").into(),
        room: form.get("room").into(),
        teacher: form.get("teacher").into(),
        cancelled: !form.get("cancelled").is_empty(),
    };
    match state
        .app
        .change_lesson(&session.who.actor, &origin, id, &input)
        .await
        .map_err(fail(&state))?
    {
        Ok(_) => Ok(see(format!("/school/lessons/{id}?saved=lesson"))),
        Err(errors) => {
            let page = lesson_view(&state, &session, id, Some(input), errors, None).await?;
            Ok(with_status(INVALID, &page))
        }
    }
}
