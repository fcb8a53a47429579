//! What a form use case answered, as a handler acts on it: done (redirect or show the result),
//! or the same form again with a message next to each wrong field. Anything else (forbidden, not
//! found, a failure) is the error page, answered here.

// A handler leaves early with a ready response through `?`: the size of a `Response` in an `Err`
// costs nothing next to the request it answers (as in the page modules).
#![allow(clippy::result_large_err)]

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use sgo_app::form::{FieldErrors, FormError, FormResult};

use askama::Template;

use crate::AppState;
use crate::ui::{PageError, render};

/// The status of a form shown again with messages next to its fields.
pub(crate) const INVALID: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

/// A use case's answer to a form, once refusals are answered.
pub(crate) enum Outcome<T> {
    /// Saved; the value is what the use case gave back (an id, a summary).
    Done(T),
    /// Nothing saved; the form goes back with these messages.
    Invalid(FieldErrors),
}

/// Answers refusals and failures with the error page; field messages go back to the handler.
pub(crate) fn settle<T>(state: &AppState, answer: FormResult<T>) -> Result<Outcome<T>, Response> {
    match answer {
        Ok(value) => Ok(Outcome::Done(value)),
        Err(FormError::Invalid(errors)) => Ok(Outcome::Invalid(errors)),
        Err(FormError::Refused(e)) => Err(PageError(state.clone(), e).into_response()),
    }
}

/// The whole answer to a form: on success a redirect to the address `done` makes of the use
/// case's value, on field errors the page `again` renders with them (422), anything else the
/// error page.
pub(crate) async fn respond<T, P, F>(
    state: &AppState,
    answer: FormResult<T>,
    done: impl FnOnce(T) -> String,
    again: impl FnOnce(FieldErrors) -> F,
) -> Result<Response, Response>
where
    P: Template,
    F: Future<Output = Result<P, Response>>,
{
    match settle(state, answer)? {
        Outcome::Done(value) => Ok(see_other(&done(value))),
        Outcome::Invalid(errors) => {
            let page = again(errors).await?;
            Ok((INVALID, render(&page)).into_response())
        }
    }
}

/// After a successful POST: back to a page that says what happened (303).
pub(crate) fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}
