//! The credential sheet: A4 pages of cards, one per person, with everything a family needs to fill
//! in the login form, and the one-time password.

use crate::ReportError;

/// One card of the sheet.
#[derive(Debug, Clone, Default)]
pub struct CredentialCard {
    /// Portal address, e.g. `https://sgo.example.ru`.
    pub portal_url: String,
    /// Portal name as on the login page.
    pub portal_name: String,
    /// Регион.
    pub region: String,
    /// Городской округ / муниципальный район.
    pub municipality: String,
    /// Населённый пункт.
    pub settlement: String,
    /// Тип образовательной организации, as the login form names it.
    pub organization_kind: String,
    /// Образовательная организация (short name as in the login form).
    pub organization: String,
    /// Who the card is for (display name), with the class or role in brackets if wanted.
    pub display_name: String,
    /// Role or class line, e.g. «ученик, 5А» or «родитель».
    pub role_line: String,
    /// Имя пользователя.
    pub login: String,
    /// The one-time password.
    pub password: String,
}

/// The sheet as a PDF document.
pub fn credential_sheet_pdf(cards: &[CredentialCard]) -> Result<Vec<u8>, ReportError> {
    let _ = cards;
    Err(ReportError::Unavailable)
}
