//! Classes of a year and one class's page with its subgroups and subject groups.

#![allow(clippy::result_large_err)] // see the note in mod.rs

use sgo_core::{ClassId, GroupId};
use sgo_core::{OrganizationId, YearId};

use super::*;
use crate::ui::request::SchoolAdminRequest;
use sgo_app::form::FormResult;

#[derive(Template)]
#[template(path = "school/classes.html")]
pub(super) struct ClassesPage {
    portal_name: String,
    header: Header,
    c: Common,
    notice: Option<&'static str>,
    years: Vec<AcademicYear>,
    year: Option<AcademicYear>,
    classes: Vec<SetupClassRecord>,
    teachers: Vec<SetupNamedRecord>,
    form: ClassInput,
    errors: FieldErrors,
}

pub(super) async fn classes_view(
    req: &SchoolAdminRequest,
    org: OrganizationId,
    year_id: Option<i64>,
    form: ClassInput,
    errors: FieldErrors,
    notice: Option<&'static str>,
) -> Result<ClassesPage, Response> {
    let (portal_name, header, c) = common(req, org, "classes").await?;
    let years = or_fail(req, req.app().setup_years(&req.admin, org)).await?;
    let today = req.app().today();
    let year = match year_id {
        Some(id) => Some(
            years
                .iter()
                .find(|y| y.id == YearId::new(id))
                .cloned()
                .ok_or_else(|| {
                    fail(&req.state)(AppError::NotFound(msg!("academic-year-not-found")))
                })?,
        ),
        None => years
            .iter()
            .find(|y| y.start_date <= today && today <= y.end_date)
            .or_else(|| years.first())
            .cloned(),
    };
    let classes = match &year {
        Some(y) => or_fail(req, req.app().setup_classes(&req.admin, y.id)).await?,
        None => Vec::new(),
    };
    let teachers = or_fail(req, req.app().setup_teachers(&req.admin, org)).await?;
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

pub(super) async fn classes_page(req: SchoolAdminRequest, Query(q): Query<OrgQuery>) -> Page {
    let org = org_of(&req.admin, q.org.map(OrganizationId::get));
    let form = ClassInput {
        shift: "1".into(),
        ..ClassInput::default()
    };
    let notice = notice(q.saved.as_deref());
    let page = classes_view(
        &req,
        OrganizationId::new(org),
        q.year,
        form,
        FieldErrors::default(),
        notice,
    )
    .await?;
    Ok(render(&page))
}

pub(super) async fn create_class(
    req: SchoolAdminRequest,
    Submitted(form): Submitted<ClassForm>,
) -> Page {
    let Ok(year_id) = form.year.trim().parse::<i64>() else {
        return Err(fail(&req.state)(AppError::BadRequest(msg!(
            "academic-year-required"
        ))));
    };
    let input = form.input();
    let answer = req
        .app()
        .create_class(&req.admin, &req.origin, YearId::new(year_id), &input)
        .await;
    let org = org_of(&req.admin, org_field(&form.org));
    respond(
        &req.state,
        answer,
        |id| format!("/school/classes/{id}?saved=class"),
        |errors| {
            classes_view(
                &req,
                OrganizationId::new(org),
                Some(year_id),
                input,
                errors,
                None,
            )
        },
    )
    .await
}

/// A subject group with its teachers' names joined.
pub(super) struct GroupRow {
    id: i64,
    name: String,
    subject: String,
    subgroup: String,
    hours: i32,
    teachers: String,
}

/// A student with whether the subgroup form has them ticked.
pub(super) struct StudentBox {
    id: i64,
    name: String,
}

#[derive(Template)]
#[template(path = "school/class.html")]
pub(super) struct ClassPage {
    portal_name: String,
    header: Header,
    c: Common,
    notice: Option<&'static str>,
    class: SetupClassRecord,
    title: String,
    year: AcademicYear,
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
pub(super) struct ClassForms {
    class: Option<ClassInput>,
    group: GroupInput,
    subgroup_name: String,
    errors: FieldErrors,
}

pub(super) async fn class_view(
    req: &SchoolAdminRequest,
    id: i64,
    forms: ClassForms,
    notice: Option<&'static str>,
) -> Result<ClassPage, Response> {
    let setup = or_fail(req, req.app().class_setup(&req.admin, ClassId::new(id))).await?;
    let (portal_name, header, c) = class_common(req, &setup.class).await?;
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
    let today = req.app().today();
    let week = week_start(today.clamp(setup.year.start_date, setup.year.end_date)).to_string();
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

pub(super) async fn class_page(
    req: SchoolAdminRequest,
    Path(id): Path<i64>,
    Query(q): Query<OrgQuery>,
) -> Page {
    Ok(render(
        &class_view(&req, id, ClassForms::default(), notice(q.saved.as_deref())).await?,
    ))
}

pub(super) async fn update_class(
    req: SchoolAdminRequest,
    Path(id): Path<ClassId>,
    Submitted(form): Submitted<ClassForm>,
) -> Page {
    let input = form.input();
    let answer = req
        .app()
        .update_class(&req.admin, &req.origin, id, &input)
        .await;
    let forms = ClassForms {
        class: Some(input),
        ..ClassForms::default()
    };
    class_answer(
        &req,
        id.get(),
        answer,
        |()| format!("/school/classes/{id}?saved=class"),
        forms,
    )
    .await
}

/// The answer to a form of the class page: on success to the address `done` makes, else the
/// class page again with what was typed (`forms`) and the messages.
async fn class_answer<T>(
    req: &SchoolAdminRequest,
    id: i64,
    answer: FormResult<T>,
    done: impl FnOnce(T) -> String,
    forms: ClassForms,
) -> Page {
    let again = |errors| class_view(req, id, ClassForms { errors, ..forms }, None);
    respond(&req.state, answer, done, again).await
}

pub(super) async fn create_subgroup(
    req: SchoolAdminRequest,
    Path(id): Path<ClassId>,
    Submitted(form): Submitted<SubgroupForm>,
) -> Page {
    let name = form.subgroup_name;
    let answer = req
        .app()
        .create_subgroup(&req.admin, &req.origin, id, &name, &form.students)
        .await;
    let forms = ClassForms {
        subgroup_name: name,
        ..ClassForms::default()
    };
    class_answer(
        &req,
        id.get(),
        answer,
        |_| format!("/school/classes/{id}?saved=subgroup"),
        forms,
    )
    .await
}

pub(super) async fn create_group(
    req: SchoolAdminRequest,
    Path(id): Path<ClassId>,
    Submitted(form): Submitted<GroupForm>,
) -> Page {
    let input = GroupInput::from(form);
    let answer = req
        .app()
        .create_subject_group(&req.admin, &req.origin, id, &input)
        .await;
    let forms = ClassForms {
        group: input,
        ..ClassForms::default()
    };
    class_answer(
        &req,
        id.get(),
        answer,
        |_| format!("/school/classes/{id}?saved=group"),
        forms,
    )
    .await
}

pub(super) async fn delete_group(
    req: SchoolAdminRequest,
    Path(id): Path<GroupId>,
    _: Submitted<Fields>,
) -> Page {
    let class = req
        .app()
        .delete_subject_group(&req.admin, &req.origin, id)
        .await
        .map_err(fail(&req.state))?;
    Ok(see(format!("/school/classes/{class}?saved=group_deleted")))
}

pub(super) async fn delete_class(
    req: SchoolAdminRequest,
    Path(id): Path<ClassId>,
    _: Submitted<Fields>,
) -> Page {
    let class = req
        .app()
        .class_setup(&req.admin, id)
        .await
        .map_err(fail(&req.state))?
        .class;
    let org_amp = if class.organization_id == req.admin.home().get() {
        String::new()
    } else {
        format!("&org={}", class.organization_id)
    };
    let answer = req.app().delete_class(&req.admin, &req.origin, id).await;
    let forms = ClassForms::default();
    class_answer(
        &req,
        id.get(),
        answer,
        |year| format!("/school/classes?year={year}&saved=class_deleted{org_amp}"),
        forms,
    )
    .await
}
