//! Academic years, their period schemes and holidays.

#![allow(clippy::result_large_err)] // see the note in mod.rs

use sgo_core::OrganizationId;
use sgo_core::{HolidayId, YearId};

use super::*;
use crate::ui::request::SchoolAdminRequest;

#[derive(Template)]
#[template(path = "school/years.html")]
pub(super) struct YearsPage {
    portal_name: String,
    header: Header,
    c: Common,
    notice: Option<&'static str>,
    years: Vec<AcademicYear>,
    form: YearInput,
    errors: FieldErrors,
}

pub(super) async fn years_view(
    req: &SchoolAdminRequest,
    org: OrganizationId,
    form: YearInput,
    errors: FieldErrors,
    notice: Option<&'static str>,
) -> Result<YearsPage, Response> {
    let (portal_name, header, c) = common(req, org, "years").await?;
    let years = or_fail(req, req.app().setup_years(&req.admin, org)).await?;
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

pub(super) async fn years_page(req: SchoolAdminRequest, Query(q): Query<OrgQuery>) -> Page {
    let org = org_of(&req.admin, q.org.map(OrganizationId::get));
    let notice = notice(q.saved.as_deref());
    let page = years_view(
        &req,
        OrganizationId::new(org),
        YearInput::default(),
        FieldErrors::default(),
        notice,
    )
    .await?;
    Ok(render(&page))
}

pub(super) async fn create_year(
    req: SchoolAdminRequest,
    Submitted(form): Submitted<NewYearForm>,
) -> Page {
    let org = org_of(&req.admin, org_field(&form.org));
    let input = form.input();
    let answer = req
        .app()
        .create_year(&req.admin, &req.origin, OrganizationId::new(org), &input)
        .await;
    respond(
        &req.state,
        answer,
        |id| format!("/school/years/{id}?saved=year"),
        |errors| years_view(&req, OrganizationId::new(org), input, errors, None),
    )
    .await
}

/// A period scheme of a year: the grade range and its periods.
pub(super) struct SchemeView {
    grade_from: i32,
    grade_to: i32,
    title: String,
    periods: Vec<Period>,
}

#[derive(Template)]
#[template(path = "school/year.html")]
pub(super) struct YearPage {
    portal_name: String,
    header: Header,
    c: Common,
    notice: Option<&'static str>,
    year: AcademicYear,
    schemes: Vec<SchemeView>,
    holidays: Vec<HolidayRecord>,
    kinds: Vec<(&'static str, &'static str)>,
    holiday: HolidayInput,
    edit: YearInput,
    errors: FieldErrors,
}

pub(super) fn kinds() -> Vec<(&'static str, &'static str)> {
    PeriodKind::ALL
        .iter()
        .map(|k| (k.code(), k.title()))
        .collect()
}

pub(super) async fn year_view(
    req: &SchoolAdminRequest,
    year_id: i64,
    (holiday, edit): (HolidayInput, Option<YearInput>),
    errors: FieldErrors,
    notice: Option<&'static str>,
) -> Result<YearPage, Response> {
    let setup = or_fail(req, req.app().year_setup(&req.admin, YearId::new(year_id))).await?;
    let (portal_name, header, c) = common(
        req,
        OrganizationId::new(setup.year.organization_id.get()),
        "years",
    )
    .await?;
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
    let edit = edit.unwrap_or_else(|| YearInput {
        name: setup.year.name.clone(),
        start: setup.year.start_date.to_string(),
        end: setup.year.end_date.to_string(),
    });
    Ok(YearPage {
        portal_name,
        header,
        c,
        notice,
        edit,
        year: setup.year,
        schemes,
        holidays: setup.holidays,
        kinds: kinds(),
        holiday,
        errors,
    })
}

pub(super) async fn year_page(
    req: SchoolAdminRequest,
    Path(id): Path<i64>,
    Query(q): Query<OrgQuery>,
) -> Page {
    let notice = notice(q.saved.as_deref());
    let page = year_view(
        &req,
        id,
        (HolidayInput::default(), None),
        FieldErrors::default(),
        notice,
    )
    .await?;
    Ok(render(&page))
}

/// One period row of the scheme form.
pub(super) struct PeriodRow {
    number: usize,
    name: String,
    start: String,
    end: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "school/scheme.html")]
pub(super) struct SchemePage {
    portal_name: String,
    header: Header,
    c: Common,
    notice: Option<&'static str>,
    year: AcademicYear,
    grade_from: String,
    grade_to: String,
    kind: String,
    kind_title: &'static str,
    rows: Vec<PeriodRow>,
    errors: FieldErrors,
}

#[derive(Deserialize)]
pub(super) struct SchemeQuery {
    grade_from: Option<String>,
    grade_to: Option<String>,
    kind: Option<String>,
}

pub(super) async fn scheme_view(
    req: &SchoolAdminRequest,
    year_id: i64,
    input: &SchemeInput,
    errors: FieldErrors,
) -> Result<SchemePage, Response> {
    let setup = or_fail(req, req.app().year_setup(&req.admin, YearId::new(year_id))).await?;
    let Some(kind) = PeriodKind::from_code(&input.kind) else {
        return Err(fail(&req.state)(AppError::BadRequest(msg!(
            "periods-kind-choice-required"
        ))));
    };
    let (portal_name, header, c) = common(
        req,
        OrganizationId::new(setup.year.organization_id.get()),
        "years",
    )
    .await?;
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
                .map(ToString::to_string);
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

pub(super) async fn scheme_page(
    req: SchoolAdminRequest,
    Path(id): Path<i64>,
    Query(q): Query<SchemeQuery>,
) -> Page {
    let input = SchemeInput {
        grade_from: q.grade_from.unwrap_or_default(),
        grade_to: q.grade_to.unwrap_or_default(),
        kind: q.kind.unwrap_or_default(),
        dates: Vec::new(),
    };
    Ok(render(
        &scheme_view(&req, id, &input, FieldErrors::default()).await?,
    ))
}

pub(super) async fn save_scheme(
    req: SchoolAdminRequest,
    Path(id): Path<YearId>,
    Submitted(form): Submitted<Fields>,
) -> Page {
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
    let answer = req
        .app()
        .add_period_scheme(&req.admin, &req.origin, id, &input)
        .await;
    respond(
        &req.state,
        answer,
        |()| format!("/school/years/{id}?saved=periods"),
        |errors| scheme_view(&req, id.get(), &input, errors),
    )
    .await
}

pub(super) async fn delete_scheme(
    req: SchoolAdminRequest,
    Path(id): Path<YearId>,
    Submitted(form): Submitted<GradeRangeForm>,
) -> Page {
    let grade = |value: &str| {
        value
            .trim()
            .parse::<i32>()
            .map_err(|_| fail(&req.state)(AppError::BadRequest(msg!("periods-grades-unreadable"))))
    };
    let (from, to) = (grade(&form.grade_from)?, grade(&form.grade_to)?);
    req.app()
        .delete_period_scheme(&req.admin, &req.origin, id, from, to)
        .await
        .map_err(fail(&req.state))?;
    Ok(see(format!("/school/years/{id}?saved=periods_deleted")))
}

pub(super) async fn add_holiday(
    req: SchoolAdminRequest,
    Path(id): Path<YearId>,
    Submitted(form): Submitted<HolidayForm>,
) -> Page {
    let input = HolidayInput::from(form);
    let answer = req
        .app()
        .add_holiday(&req.admin, &req.origin, id, &input)
        .await;
    respond(
        &req.state,
        answer,
        |_| format!("/school/years/{id}?saved=holiday"),
        |errors| year_view(&req, id.get(), (input, None), errors, None),
    )
    .await
}

pub(super) async fn delete_holiday(
    req: SchoolAdminRequest,
    Path((id, holiday)): Path<(YearId, HolidayId)>,
    _: Submitted<Fields>,
) -> Page {
    req.app()
        .delete_holiday(&req.admin, &req.origin, id, holiday)
        .await
        .map_err(fail(&req.state))?;
    Ok(see(format!("/school/years/{id}?saved=holiday_deleted")))
}

pub(super) async fn update_year(
    req: SchoolAdminRequest,
    Path(id): Path<YearId>,
    Submitted(form): Submitted<YearForm>,
) -> Page {
    let input = YearInput::from(form);
    let answer = req
        .app()
        .update_year(&req.admin, &req.origin, id, &input)
        .await;
    let forms = (HolidayInput::default(), Some(input));
    respond(
        &req.state,
        answer,
        |()| format!("/school/years/{id}?saved=year_updated"),
        |errors| year_view(&req, id.get(), forms, errors, None),
    )
    .await
}
