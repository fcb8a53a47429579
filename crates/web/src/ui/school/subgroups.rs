//! One subgroup of a class and the students in it.

#![allow(clippy::result_large_err)] // see the note in mod.rs

use sgo_core::SubgroupId;

use super::*;
use crate::ui::request::SchoolAdminRequest;

#[derive(Template)]
#[template(path = "school/subgroup.html")]
pub(super) struct SubgroupPage {
    portal_name: String,
    header: Header,
    c: Common,
    notice: Option<&'static str>,
    subgroup: SubgroupRecord,
    class: SetupClassRecord,
    class_title: String,
    students: Vec<TeacherChoice>,
    groups: Vec<SubjectGroupRecord>,
    name: String,
    errors: FieldErrors,
}

pub(super) async fn subgroup_view(
    req: &SchoolAdminRequest,
    id: i64,
    entered: Option<(String, Vec<String>)>,
    errors: FieldErrors,
) -> Result<SubgroupPage, Response> {
    let setup = or_fail(
        req,
        req.app().subgroup_setup(&req.admin, SubgroupId::new(id)),
    )
    .await?;
    let (portal_name, header, c) = class_common(req, &setup.class).await?;
    let (name, chosen) = entered.unwrap_or_else(|| {
        (
            setup.subgroup.name.clone(),
            setup.chosen.iter().map(i64::to_string).collect(),
        )
    });
    Ok(SubgroupPage {
        portal_name,
        header,
        c,
        notice: None,
        students: setup
            .members
            .iter()
            .map(|m| TeacherChoice {
                id: m.id,
                name: m.name.clone(),
                chosen: chosen.iter().any(|c| c.trim() == m.id.to_string()),
            })
            .collect(),
        class_title: class_name(&setup.class),
        class: setup.class,
        subgroup: setup.subgroup,
        groups: setup.groups,
        name,
        errors,
    })
}

pub(super) async fn subgroup_page(req: SchoolAdminRequest, Path(id): Path<i64>) -> Page {
    Ok(render(
        &subgroup_view(&req, id, None, FieldErrors::default()).await?,
    ))
}

pub(super) async fn update_subgroup(
    req: SchoolAdminRequest,
    Path(id): Path<SubgroupId>,
    Submitted(form): Submitted<SubgroupForm>,
) -> Page {
    let (name, students) = (form.subgroup_name, form.students);
    let answer = req
        .app()
        .update_subgroup(&req.admin, &req.origin, id, &name, &students)
        .await;
    respond(
        &req.state,
        answer,
        |class| format!("/school/classes/{class}?saved=subgroup_updated"),
        |errors| subgroup_view(&req, id.get(), Some((name, students)), errors),
    )
    .await
}

pub(super) async fn delete_subgroup(
    req: SchoolAdminRequest,
    Path(id): Path<SubgroupId>,
    _: Submitted<Fields>,
) -> Page {
    let answer = req.app().delete_subgroup(&req.admin, &req.origin, id).await;
    respond(
        &req.state,
        answer,
        |class| format!("/school/classes/{class}?saved=subgroup_deleted"),
        |errors| subgroup_view(&req, id.get(), None, errors),
    )
    .await
}
