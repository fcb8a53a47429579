//! The bell schedule, per shift.

#![allow(clippy::result_large_err)] // see the note in mod.rs

use sgo_core::OrganizationId;

use super::*;
use crate::ui::request::SchoolAdminRequest;

/// One row of a shift's bell form.
pub(super) struct BellRow {
    number: i32,
    start: String,
    end: String,
    error: Option<String>,
}

/// A shift's bell form.
pub(super) struct ShiftBells {
    shift: i32,
    rows: Vec<BellRow>,
}

#[derive(Template)]
#[template(path = "school/bells.html")]
pub(super) struct BellsPage {
    portal_name: String,
    header: Header,
    c: Common,
    notice: Option<&'static str>,
    shifts: Vec<ShiftBells>,
    shift_error: Option<String>,
}

/// Bell rows as entered: number, start, end.
pub(super) type BellRows = Vec<(i32, String, String)>;

/// Rows offered per shift: SGO schools rarely have more than eight lessons a day.
pub(super) const BELL_ROWS: i32 = 8;

pub(super) async fn bells_view(
    req: &SchoolAdminRequest,
    org: OrganizationId,
    entered: Option<(i32, BellRows)>,
    errors: FieldErrors,
    notice: Option<&'static str>,
) -> Result<BellsPage, Response> {
    let (portal_name, header, c) = common(req, org, "bells").await?;
    let bells: Vec<BellRecord> = or_fail(req, req.app().setup_bells(&req.admin, org)).await?;
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
                            .map(ToString::to_string),
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
        shift_error: errors.get("shift").map(ToString::to_string),
    })
}

pub(super) async fn bells_page(req: SchoolAdminRequest, Query(q): Query<OrgQuery>) -> Page {
    let org = org_of(&req.admin, q.org.map(OrganizationId::get));
    let notice = notice(q.saved.as_deref());
    let page = bells_view(
        &req,
        OrganizationId::new(org),
        None,
        FieldErrors::default(),
        notice,
    )
    .await?;
    Ok(render(&page))
}

pub(super) async fn save_bells(
    req: SchoolAdminRequest,
    Submitted(form): Submitted<Fields>,
) -> Page {
    let org = org_of_form(&req.admin, &form);
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
    let answer = req
        .app()
        .save_bells(
            &req.admin,
            &req.origin,
            OrganizationId::new(org),
            shift,
            &rows,
        )
        .await;
    let entered = shift.trim().parse::<i32>().ok().map(|s| (s, rows));
    respond(
        &req.state,
        answer,
        |()| {
            format!(
                "/school/bells?saved=bells{}",
                org_amp(&req.admin, OrganizationId::new(org))
            )
        },
        |errors| bells_view(&req, OrganizationId::new(org), entered, errors, None),
    )
    .await
}
