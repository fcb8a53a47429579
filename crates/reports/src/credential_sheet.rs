//! The credential sheet: A4 pages of cards, one per person, with everything a family needs to fill
//! in the login form, and the one-time password.

use typst::foundations::{Dict, IntoValue};

use crate::{ReportError, pdf};

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
/// Two columns by four rows of cards on each A4 page, cut lines between them.
pub fn credential_sheet_pdf(cards: &[CredentialCard]) -> Result<Vec<u8>, ReportError> {
    let mut inputs = Dict::new();
    inputs.insert(
        "cards".into(),
        pdf::array(cards.iter().map(|c| card_value(c).into_value())),
    );
    pdf::render("credential_sheet.typ", inputs)
}

fn card_value(card: &CredentialCard) -> Dict {
    pdf::dict([
        ("portal_name", card.portal_name.trim()),
        ("portal_url", card.portal_url.trim()),
        ("region", card.region.trim()),
        ("municipality", card.municipality.trim()),
        ("settlement", card.settlement.trim()),
        ("organization_kind", card.organization_kind.trim()),
        ("organization", card.organization.trim()),
        ("display_name", card.display_name.trim()),
        ("role_line", card.role_line.trim()),
        // Login and password are shown exactly: a space in them would matter when typing.
        ("login", card.login.as_str()),
        ("password", card.password.as_str()),
    ])
}
