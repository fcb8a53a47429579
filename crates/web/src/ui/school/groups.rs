//! One subject group of a class (its subject, teachers and hours).

#![allow(clippy::result_large_err)] // see the note in mod.rs

use sgo_core::GroupId;

use super::*;
use crate::ui::request::SchoolAdminRequest;

/// A teacher with whether the group form has them chosen.
pub(super) struct TeacherChoice {
    pub(super) id: i64,
    pub(super) name: String,
    pub(super) chosen: bool,
}

#[derive(Template)]
#[template(path = "school/group.html")]
pub(super) struct GroupPage {
    portal_name: String,
    header: Header,
    c: Common,
    notice: Option<&'static str>,
    group: SubjectGroupRecord,
    class_title: String,
    teachers: Vec<TeacherChoice>,
    hours: String,
    errors: FieldErrors,
}

pub(super) async fn group_view(
    req: &SchoolAdminRequest,
    id: i64,
    entered: Option<GroupEdit>,
    errors: FieldErrors,
) -> Result<GroupPage, Response> {
    let setup = or_fail(req, req.app().group_setup(&req.admin, GroupId::new(id))).await?;
    let (portal_name, header, c) = common(
        req,
        OrganizationId::new(setup.group.organization_id),
        "classes",
    )
    .await?;
    let chosen: Vec<String> = match &entered {
        Some(e) => e.teachers.iter().map(|t| t.trim().to_owned()).collect(),
        None => setup
            .teachers
            .iter()
            .map(|t| t.teacher_account_id.to_string())
            .collect(),
    };
    // A current teacher who no longer has the teacher role is still shown, so that saving the
    // form unchanged keeps them.
    let mut teachers: Vec<TeacherChoice> = setup
        .school_teachers
        .iter()
        .map(|t| TeacherChoice {
            id: t.id,
            name: t.name.clone(),
            chosen: chosen.contains(&t.id.to_string()),
        })
        .collect();
    for t in &setup.teachers {
        if !teachers.iter().any(|c| c.id == t.teacher_account_id) {
            teachers.push(TeacherChoice {
                id: t.teacher_account_id,
                name: t.display_name.clone(),
                chosen: chosen.contains(&t.teacher_account_id.to_string()),
            });
        }
    }
    let hours = entered.map_or_else(|| setup.group.hours_per_week.to_string(), |e| e.hours);
    Ok(GroupPage {
        portal_name,
        header,
        c,
        notice: None,
        class_title: class_name(&setup.class),
        group: setup.group,
        teachers,
        hours,
        errors,
    })
}

pub(super) async fn group_page(req: SchoolAdminRequest, Path(id): Path<i64>) -> Page {
    Ok(render(
        &group_view(&req, id, None, FieldErrors::default()).await?,
    ))
}

pub(super) async fn update_group(
    req: SchoolAdminRequest,
    Path(id): Path<GroupId>,
    Submitted(form): Submitted<GroupEditForm>,
) -> Page {
    let input = GroupEdit::from(form);
    let answer = req
        .app()
        .update_subject_group(&req.admin, &req.origin, id, &input)
        .await;
    respond(
        &req.state,
        answer,
        |(class, _)| format!("/school/classes/{class}?saved=group_updated"),
        |errors| group_view(&req, id.get(), Some(input), errors),
    )
    .await
}
