//! Classes of a year and one class's page with its subgroups and subject groups.

#![allow(clippy::result_large_err)] // see the note in mod.rs

use super::*;

#[derive(Template)]
#[template(path = "school/classes.html")]
pub(super) struct ClassesPage {
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

pub(super) async fn classes_view(
    state: &AppState,
    session: &UiSession,
    org: i64,
    year_id: Option<i64>,
    form: ClassInput,
    errors: FieldErrors,
    notice: Option<&'static str>,
) -> Result<ClassesPage, Response> {
    let admin = &administrator(state, session)?;
    let (portal_name, header, c) = common(state, session, org, "classes").await?;
    let years = state
        .app
        .setup_years(admin, org)
        .await
        .map_err(fail(state))?;
    let today = state.app.today();
    let year =
        match year_id {
            Some(id) => {
                Some(years.iter().find(|y| y.id == id).cloned().ok_or_else(|| {
                    fail(state)(AppError::NotFound(msg!("academic-year-not-found")))
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
            .setup_classes(admin, y.id)
            .await
            .map_err(fail(state))?,
        None => Vec::new(),
    };
    let teachers = state
        .app
        .setup_teachers(admin, org)
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

pub(super) async fn classes_page(
    State(state): State<AppState>,
    session: UiSession,
    Query(q): Query<OrgQuery>,
) -> Page {
    let admin = &administrator(&state, &session)?;
    let org = org_of(admin, q.org);
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

pub(super) async fn create_class(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    session: UiSession,
    Submitted(form): Submitted<ClassForm>,
) -> Page {
    let admin = &administrator(&state, &session)?;
    let Ok(year_id) = form.year.trim().parse::<i64>() else {
        return Err(fail(&state)(AppError::BadRequest(msg!(
            "academic-year-required"
        ))));
    };
    let input = form.input();
    let answer = state
        .app
        .create_class(admin, &origin, year_id, &input)
        .await;
    let org = org_of(admin, org_field(&form.org));
    respond(
        &state,
        answer,
        |id| format!("/school/classes/{id}?saved=class"),
        |errors| classes_view(&state, &session, org, Some(year_id), input, errors, None),
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
pub(super) struct ClassForms {
    class: Option<ClassInput>,
    group: GroupInput,
    subgroup_name: String,
    errors: FieldErrors,
}

pub(super) async fn class_view(
    state: &AppState,
    session: &UiSession,
    id: i64,
    forms: ClassForms,
    notice: Option<&'static str>,
) -> Result<ClassPage, Response> {
    let admin = &administrator(state, session)?;
    let setup = state
        .app
        .class_setup(admin, id)
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

pub(super) async fn class_page(
    State(state): State<AppState>,
    session: UiSession,
    Path(id): Path<i64>,
    Query(q): Query<OrgQuery>,
) -> Page {
    administrator(&state, &session)?;
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

pub(super) async fn update_class(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    session: UiSession,
    Path(id): Path<i64>,
    Submitted(form): Submitted<ClassForm>,
) -> Page {
    let admin = &administrator(&state, &session)?;
    let input = form.input();
    let answer = state.app.update_class(admin, &origin, id, &input).await;
    respond(
        &state,
        answer,
        |()| format!("/school/classes/{id}?saved=class"),
        |errors| {
            let forms = ClassForms {
                class: Some(input),
                errors,
                ..ClassForms::default()
            };
            class_view(&state, &session, id, forms, None)
        },
    )
    .await
}

pub(super) async fn create_subgroup(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    session: UiSession,
    Path(id): Path<i64>,
    Submitted(form): Submitted<SubgroupForm>,
) -> Page {
    let admin = &administrator(&state, &session)?;
    let name = form.subgroup_name;
    let answer = state
        .app
        .create_subgroup(admin, &origin, id, &name, &form.students)
        .await;
    respond(
        &state,
        answer,
        |_| format!("/school/classes/{id}?saved=subgroup"),
        |errors| {
            let forms = ClassForms {
                subgroup_name: name,
                errors,
                ..ClassForms::default()
            };
            class_view(&state, &session, id, forms, None)
        },
    )
    .await
}

pub(super) async fn create_group(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    session: UiSession,
    Path(id): Path<i64>,
    Submitted(form): Submitted<GroupForm>,
) -> Page {
    let admin = &administrator(&state, &session)?;
    let input = GroupInput::from(form);
    let answer = state
        .app
        .create_subject_group(admin, &origin, id, &input)
        .await;
    respond(
        &state,
        answer,
        |_| format!("/school/classes/{id}?saved=group"),
        |errors| {
            let forms = ClassForms {
                group: input,
                errors,
                ..ClassForms::default()
            };
            class_view(&state, &session, id, forms, None)
        },
    )
    .await
}

pub(super) async fn delete_group(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    session: UiSession,
    Path(id): Path<i64>,
    _: Submitted<Fields>,
) -> Page {
    let admin = &administrator(&state, &session)?;
    let class = state
        .app
        .delete_subject_group(admin, &origin, id)
        .await
        .map_err(fail(&state))?;
    Ok(see(format!("/school/classes/{class}?saved=group_deleted")))
}

pub(super) async fn delete_class(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    session: UiSession,
    Path(id): Path<i64>,
    _: Submitted<Fields>,
) -> Page {
    let admin = &administrator(&state, &session)?;
    let class = state
        .app
        .class_setup(admin, id)
        .await
        .map_err(fail(&state))?
        .class;
    let org_amp = if class.organization_id == admin.home() {
        String::new()
    } else {
        format!("&org={}", class.organization_id)
    };
    let answer = state.app.delete_class(admin, &origin, id).await;
    respond(
        &state,
        answer,
        |year| format!("/school/classes?year={year}&saved=class_deleted{org_amp}"),
        |errors| {
            let forms = ClassForms {
                errors,
                ..ClassForms::default()
            };
            class_view(&state, &session, id, forms, None)
        },
    )
    .await
}
