//! A class's weekly timetable and the lessons generated from it.

#![allow(clippy::result_large_err)] // see the note in mod.rs

use sgo_core::ClassId;

use super::*;
use crate::ui::request::SchoolAdminRequest;

/// An option of a timetable cell.
pub(super) struct GroupOption {
    id: i64,
    name: String,
}

/// A cell of the grid.
pub(super) struct Cell {
    weekday: u32,
    number: i32,
    group: String,
    room: String,
    error: Option<String>,
}

/// A row of the grid: one bell, six weekdays.
pub(super) struct GridRow {
    number: i32,
    time: String,
    cells: Vec<Cell>,
}

#[derive(Template)]
#[template(path = "school/timetable.html")]
pub(super) struct TimetablePage {
    portal_name: String,
    header: Header,
    c: Common,
    notice: Option<String>,
    class: SetupClassRecord,
    title: String,
    year: AcademicYear,
    weekdays: Vec<&'static str>,
    groups: Vec<GroupOption>,
    rows: Vec<GridRow>,
    valid_from: String,
    errors: FieldErrors,
    week: String,
}

#[derive(Deserialize)]
pub(super) struct TimetableQuery {
    on: Option<String>,
    created: Option<u64>,
    deleted: Option<u64>,
    kept: Option<u64>,
}

pub(super) async fn timetable_view(
    req: &SchoolAdminRequest,
    id: i64,
    on: Option<NaiveDate>,
    entered: Option<(String, Vec<CellInput>)>,
    errors: FieldErrors,
    notice: Option<String>,
) -> Result<TimetablePage, Response> {
    let setup = or_fail(
        req,
        req.app().timetable_setup(&req.admin, ClassId::new(id), on),
    )
    .await?;
    let (portal_name, header, c) = class_common(req, &setup.class).await?;
    let rows = setup
        .bells
        .iter()
        .map(|b| GridRow {
            number: b.number,
            time: crate::ui::time_range(b.start_time, b.end_time),
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
                            .map(ToString::to_string),
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
        week: week_start(setup.on).to_string(),
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

pub(super) async fn timetable_page(
    req: SchoolAdminRequest,
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
    Ok(render(
        &timetable_view(&req, id, on, None, FieldErrors::default(), notice).await?,
    ))
}

pub(super) async fn save_timetable(
    req: SchoolAdminRequest,
    Path(id): Path<ClassId>,
    Submitted(form): Submitted<Fields>,
) -> Page {
    let mut cells = Vec::new();
    for (name, value) in form.pairs() {
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
            group: value.to_owned(),
            room: form.get(&format!("room_{weekday}_{number}")).to_owned(),
        });
    }
    let valid_from = form.get("valid_from").to_owned();
    let answer = req
        .app()
        .save_timetable(&req.admin, &req.origin, id, &valid_from, &cells)
        .await;
    let on = parse_date(&valid_from);
    let done = format!("/school/classes/{id}/timetable?on={valid_from}");
    respond(
        &req.state,
        answer,
        |out| {
            let (created, deleted, kept) = (out.created, out.deleted, out.kept);
            format!("{done}&created={created}&deleted={deleted}&kept={kept}")
        },
        |errors| {
            let entered = Some((valid_from, cells));
            timetable_view(&req, id.get(), on, entered, errors, None)
        },
    )
    .await
}
