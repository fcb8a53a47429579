//! The error of the use-case layer; `sgo-web` maps each variant to an HTTP status.

/// What a use case can refuse or fail with. Messages are Russian: they reach people.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No valid session.
    #[error("Сеанс завершён. Войдите снова.")]
    Unauthenticated,
    /// Wrong login, password or organization — deliberately one message for all three.
    #[error("Неправильный пароль или имя пользователя")]
    InvalidCredentials,
    /// A sign-in that cannot proceed for a reason the person should read.
    #[error("{0}")]
    LoginRefused(String),
    /// The actor may not do this.
    #[error("Доступ запрещён")]
    Forbidden,
    /// The thing does not exist (or is not visible).
    #[error("{0}")]
    NotFound(String),
    /// The request itself is wrong.
    #[error("{0}")]
    BadRequest(String),
    /// The request would store more than the actor may keep (HTTP 413).
    #[error("{0}")]
    TooLarge(String),
    /// The account did this too often; it may try again after `retry_after` seconds.
    #[error("{message}")]
    TooManyRequests {
        /// What the person reads.
        message: String,
        /// Seconds to wait, for `Retry-After`.
        retry_after: u64,
    },
    /// Storage failed.
    #[error("Внутренняя ошибка хранилища")]
    Store(#[from] sgo_store::StoreError),
    /// Credential machinery failed.
    #[error("Внутренняя ошибка")]
    Auth(#[from] sgo_auth::AuthError),
    /// A document (PDF, XLSX) could not be produced: a fault of ours, not of the input.
    #[error("Не удалось сформировать документ")]
    Report(#[from] sgo_reports::ReportError),
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
