//! The one way a page form reaches a handler: the body is held to its size limit, the CSRF token
//! is checked, and only then are the fields read into the handler's typed form. A refusal at any
//! step is answered here, so handlers start from a form that is known to be this browser's.
//!
//! - [`Submitted<T>`]: a URL-encoded page form.
//! - [`Uploaded<T, R>`]: a form with files (multipart, or plain when no file was chosen); the
//!   rule `R` says how large files may be and who may send them.
//! - [`CellSubmitted<T>`]: a page form sent by script (the journal grid) that wants refusals as
//!   JSON.
//! - [`NetSchoolForm`], [`NetSchoolBody`]: bodies of the NetSchool API, guarded by its session
//!   token and read leniently, as its clients expect.
//! - [`ScriptSubmitted<T>`]: a JSON request a page's script sends (the passkey ceremonies), its
//!   token in the body and its refusals as JSON.
//! - [`outcome`]: what a use case's answer becomes: a redirect, the form again with messages next
//!   to its fields, or an error page.
//!
//! A unit test in this module fails when a handler in `ui/` or `webapi/` takes `Bytes`, `Form` or
//! `Multipart` itself.

mod fields;
mod netschool;
pub(crate) mod outcome;
mod scripted;
mod submitted;
mod uploaded;

pub(crate) use fields::{Fields, ids};
pub(crate) use netschool::{NetSchoolBody, NetSchoolForm};
pub(crate) use scripted::ScriptSubmitted;
pub(crate) use submitted::{CellSubmitted, Submitted};
pub(crate) use uploaded::{
    ApiMailFiles, AssignmentFiles, IMPORT_LIMIT_BYTES, ImportFile, MailFiles, OpenApiMailFiles,
    Uploaded,
};

#[cfg(test)]
mod pipeline_only;
