//! The print queue of paper letters (class teachers and administration): the list, one PDF of
//! the pending letters, and marking them printed.

use crate::routes::Routes;
use askama::Template;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use sgo_app::AppError;
use sgo_app::mail::PaperLetterRecord;

use crate::form::{Fields, Submitted};
use crate::ui::request::{SignedInRequest, UiRequest};
use crate::ui::{Header, PageError, render};

pub(super) fn routes() -> Routes {
    Routes::new()
        .route("/mail/print-queue", get(page))
        .route("/mail/print-queue/pdf", post(pdf))
        .route("/mail/print-queue/printed", post(printed))
}

#[derive(Template)]
#[template(path = "mail/print_queue.html")]
struct QueuePage<'a> {
    portal_name: &'a str,
    header: Header,
    pending: Vec<PaperLetterRecord>,
    printed: Vec<PaperLetterRecord>,
}

impl QueuePage<'_> {
    fn date(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        at.with_timezone(&chrono::Local)
            .format("%d.%m.%Y")
            .to_string()
    }
}

/// `GET /mail/print-queue`.
async fn page(UiRequest { state, session, .. }: UiRequest) -> Response {
    let actor = &session.who.actor;
    let letters = async {
        Ok::<_, AppError>((
            state.app.paper_letters(actor, "pending").await?,
            state.app.paper_letters(actor, "printed").await?,
        ))
    }
    .await;
    let (pending, printed) = match letters {
        Ok(l) => l,
        Err(e) => return PageError(state, e).into_response(),
    };
    let header = match Header::load(&state, &session).await {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    render(&QueuePage {
        portal_name: &state.options.portal_name,
        header,
        pending,
        printed,
    })
}

/// `POST /mail/print-queue/pdf`: the chosen (or all) pending letters as one PDF.
async fn pdf(req: UiRequest, Submitted(form): Submitted<Fields>) -> Response {
    match req
        .app()
        .print_letters(&req.session.who.actor, &form.ids("letter"))
        .await
    {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "application/pdf"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"letters.pdf\"",
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => PageError(req.state, e).into_response(),
    }
}

/// `POST /mail/print-queue/printed`: marks the chosen letters printed.
async fn printed(req: UiRequest, Submitted(form): Submitted<Fields>) -> Response {
    let (actor, letters) = (&req.session.who.actor, form.ids("letter"));
    let printed = (req.app().mark_letters_printed(actor, &letters, &req.origin)).await;
    req.done_or_fail(printed, "/mail/print-queue")
}
