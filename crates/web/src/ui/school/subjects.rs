//! The subjects of the school.

#![allow(clippy::result_large_err)] // see the note in mod.rs

use sgo_core::OrganizationId;
use sgo_core::SubjectId;

use super::*;
use crate::ui::request::SchoolAdminRequest;

#[derive(Template)]
#[template(path = "school/subjects.html")]
pub(super) struct SubjectsPage {
    portal_name: String,
    header: Header,
    c: Common,
    notice: Option<&'static str>,
    subjects: Vec<SubjectRecord>,
    name: String,
    short_name: String,
    errors: FieldErrors,
}

pub(super) async fn subjects_view(
    req: &SchoolAdminRequest,
    org: OrganizationId,
    (name, short_name): (String, String),
    errors: FieldErrors,
    notice: Option<&'static str>,
) -> Result<SubjectsPage, Response> {
    let (portal_name, header, c) = common(req, org, "subjects").await?;
    let subjects = or_fail(req, req.app().setup_subjects(&req.admin, org)).await?;
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

pub(super) async fn subjects_page(req: SchoolAdminRequest, Query(q): Query<OrgQuery>) -> Page {
    let org = org_of(&req.admin, q.org.map(OrganizationId::get));
    let notice = notice(q.saved.as_deref());
    let page = subjects_view(
        &req,
        OrganizationId::new(org),
        Default::default(),
        FieldErrors::default(),
        notice,
    )
    .await?;
    Ok(render(&page))
}

/// The subject form of the list and of a subject's page.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct SubjectForm {
    org: String,
    subject_name: String,
    short_name: String,
}

pub(super) async fn create_subject(
    req: SchoolAdminRequest,
    Submitted(form): Submitted<SubjectForm>,
) -> Page {
    let org = org_of(&req.admin, org_field(&form.org));
    let answer = req
        .app()
        .create_subject(
            &req.admin,
            &req.origin,
            OrganizationId::new(org),
            &form.subject_name,
            &form.short_name,
        )
        .await;
    let entered = (form.subject_name, form.short_name);
    respond(
        &req.state,
        answer,
        |_| {
            format!(
                "/school/subjects?saved=subject{}",
                org_amp(&req.admin, OrganizationId::new(org))
            )
        },
        |errors| subjects_view(&req, OrganizationId::new(org), entered, errors, None),
    )
    .await
}

#[derive(Template)]
#[template(path = "school/subject.html")]
pub(super) struct SubjectPage {
    portal_name: String,
    header: Header,
    c: Common,
    notice: Option<&'static str>,
    subject: SubjectRecord,
    groups: Vec<SubjectGroupRecord>,
    name: String,
    short_name: String,
    errors: FieldErrors,
}

pub(super) async fn subject_view(
    req: &SchoolAdminRequest,
    id: i64,
    entered: Option<(String, String)>,
    errors: FieldErrors,
    notice: Option<&'static str>,
) -> Result<SubjectPage, Response> {
    let setup = or_fail(req, req.app().subject_setup(&req.admin, SubjectId::new(id))).await?;
    let (portal_name, header, c) = common(
        req,
        OrganizationId::new(setup.subject.organization_id),
        "subjects",
    )
    .await?;
    let (name, short_name) =
        entered.unwrap_or_else(|| (setup.subject.name.clone(), setup.subject.short_name.clone()));
    Ok(SubjectPage {
        portal_name,
        header,
        c,
        notice,
        subject: setup.subject,
        groups: setup.groups,
        name,
        short_name,
        errors,
    })
}

pub(super) async fn subject_page(
    req: SchoolAdminRequest,
    Path(id): Path<i64>,
    Query(q): Query<OrgQuery>,
) -> Page {
    let notice = notice(q.saved.as_deref());
    let page = subject_view(&req, id, None, FieldErrors::default(), notice).await?;
    Ok(render(&page))
}

pub(super) async fn update_subject(
    req: SchoolAdminRequest,
    Path(id): Path<SubjectId>,
    Submitted(form): Submitted<SubjectForm>,
) -> Page {
    let answer = req
        .app()
        .update_subject(
            &req.admin,
            &req.origin,
            id,
            &form.subject_name,
            &form.short_name,
        )
        .await;
    let entered = Some((form.subject_name, form.short_name));
    respond(
        &req.state,
        answer,
        |()| format!("/school/subjects/{id}?saved=subject_updated"),
        |errors| subject_view(&req, id.get(), entered, errors, None),
    )
    .await
}

pub(super) async fn delete_subject(
    req: SchoolAdminRequest,
    Path(id): Path<SubjectId>,
    _: Submitted<Fields>,
) -> Page {
    let answer = req.app().delete_subject(&req.admin, &req.origin, id).await;
    respond(
        &req.state,
        answer,
        |org| {
            format!(
                "/school/subjects?saved=subject_deleted{}",
                org_amp(&req.admin, OrganizationId::new(org.get()))
            )
        },
        |errors| subject_view(&req, id.get(), None, errors, None),
    )
    .await
}
