//! The error of the use-case layer; `sgo-web` maps each variant to an HTTP status.

use std::fmt;

use sgo_core::message::Message;

/// What a use case can refuse or fail with. What people read is a catalogue [`Message`]
/// ([`AppError::message`]); `Display` is its Russian text.
#[derive(Debug)]
pub enum AppError {
    /// No valid session.
    Unauthenticated,
    /// Wrong login, password or organization — deliberately one message for all three.
    InvalidCredentials,
    /// A sign-in that cannot proceed for a reason the person should read.
    LoginRefused(Message),
    /// The actor may not do this.
    Forbidden,
    /// The thing does not exist (or is not visible).
    NotFound(Message),
    /// The request itself is wrong.
    BadRequest(Message),
    /// The request would store more than the actor may keep (HTTP 413).
    TooLarge(Message),
    /// The account did this too often; it may try again after `retry_after` seconds.
    TooManyRequests {
        /// What the person reads.
        message: Message,
        /// Seconds to wait, for `Retry-After`.
        retry_after: u64,
    },
    /// Storage failed.
    Store(sgo_store::StoreError),
    /// Credential machinery failed.
    Auth(sgo_auth::AuthError),
    /// A document (PDF, XLSX) could not be produced: a fault of ours, not of the input.
    Report(sgo_reports::ReportError),
}

impl AppError {
    /// What the person reads; failures of ours say only that something failed.
    pub fn message(&self) -> Message {
        match self {
            AppError::Unauthenticated => sgo_core::msg!("session-ended"),
            AppError::InvalidCredentials => sgo_core::msg!("sign-in-credentials-invalid"),
            AppError::Forbidden => sgo_core::msg!("access-denied"),
            AppError::LoginRefused(m)
            | AppError::NotFound(m)
            | AppError::BadRequest(m)
            | AppError::TooLarge(m)
            | AppError::TooManyRequests { message: m, .. } => m.clone(),
            AppError::Store(_) => sgo_core::msg!("internal-store-failed"),
            AppError::Auth(_) => sgo_core::msg!("internal-error"),
            AppError::Report(_) => sgo_core::msg!("report-document-failed"),
        }
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.message(), f)
    }
}

impl std::error::Error for AppError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            AppError::Store(e) => Some(e),
            AppError::Auth(e) => Some(e),
            AppError::Report(e) => Some(e),
            _ => None,
        }
    }
}

impl From<sgo_store::StoreError> for AppError {
    fn from(e: sgo_store::StoreError) -> Self {
        AppError::Store(e)
    }
}

impl From<sgo_auth::AuthError> for AppError {
    fn from(e: sgo_auth::AuthError) -> Self {
        AppError::Auth(e)
    }
}

impl From<sgo_reports::ReportError> for AppError {
    fn from(e: sgo_reports::ReportError) -> Self {
        AppError::Report(e)
    }
}

/// Result of a use case.
pub type AppResult<T> = Result<T, AppError>;

/// The right over school `organization` from an administrator's capability, or `Forbidden` when
/// it does not reach that school (as every set-up use case answered before it took the capability).
pub(crate) fn administered(
    admin: &sgo_core::policy::SchoolAdministrator,
    organization: sgo_core::OrganizationId,
) -> AppResult<sgo_core::policy::SchoolAdministration> {
    admin.school(organization).ok_or(AppError::Forbidden)
}
