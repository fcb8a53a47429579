//! Region administration: the territory and the organizations of the portal.
//!
//! The region administrator works inside the region of their own organization (the regional
//! education authority); municipalities, settlements and organizations of other regions are
//! invisible to them. Changes to the territory are logged against the administrator's own
//! organization, changes to an organization against that organization.

mod administrators;
mod municipalities;
mod organizations;
mod overview;
mod settlements;

use chrono::NaiveDate;
use sgo_core::policy::RegionAdministration;
use sgo_core::territory_admin::{email_shape_ok, inn_shape_ok, login_shape_ok, ogrn_shape_ok};
use sgo_core::{OrganizationId, OrganizationKind, Role, text};
use sgo_store::{NewPersonAccount, OrganizationFields, PersonFields, StoreError};

use crate::{App, AppError, AppResult, Origin};

pub use sgo_core::territory_admin::OrganizationFilter;
pub use sgo_store::{
    AccountBriefRecord, MunicipalityRecord, NamedRecord, OrganizationListRecord,
    OrganizationRecord, SettlementRecord,
};

/// Longest name of a municipality, settlement or organization.
const MAX_NAME: usize = 200;
/// Longest full name of an organization.
const MAX_FULL_NAME: usize = 500;
/// Longest card line (addresses, phones, people).
const MAX_LINE: usize = 300;
/// Longest «about» text.
const MAX_ABOUT: usize = 4000;

pub use crate::form::FieldErrors;

pub use administrators::{AdministratorInput, IssuedAccount, has_administrator};
pub use organizations::{AdminOrganization, OrganizationInput};
pub use overview::{MunicipalityTree, RegionOverview};

/// Whether another of `siblings` (not `except`) has the name, ignoring case and ё/е.
fn name_taken(siblings: &[NamedRecord], name: &str, except: Option<i64>) -> bool {
    let norm = text::normalise(name);
    siblings
        .iter()
        .any(|n| Some(n.id) != except && text::normalise(&n.name) == norm)
}

pub use crate::form::{FormError, FormResult};

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// A required name: trimmed, inner spaces collapsed, no control characters.
fn clean_name(value: &str, field: &'static str, max: usize, errors: &mut FieldErrors) -> String {
    let v = value.split_whitespace().collect::<Vec<_>>().join(" ");
    if v.is_empty() {
        errors.add(field, msg!("territory-field-required"));
    } else if chars(&v) > max {
        errors.add(field, msg!("territory-field-too-long", max = max));
    }
    v
}

/// An optional line of the card: trimmed; control characters are refused.
fn clean_line(value: &str, field: &'static str, max: usize, errors: &mut FieldErrors) -> String {
    let v = value.trim().to_owned();
    if chars(&v) > max {
        errors.add(field, msg!("territory-field-too-long", max = max));
    } else if v
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        errors.add(field, msg!("territory-field-characters-invalid"));
    }
    v
}

impl App {
    /// The region of the administrator's own organization.
    async fn administered_region(&self, admin: &RegionAdministration) -> AppResult<i64> {
        self.store
            .organization_region(admin.organization().get())
            .await?
            .ok_or_else(|| AppError::NotFound(msg!("region-not-found")))
    }

    async fn municipality_in(&self, region: i64, id: i64) -> AppResult<MunicipalityRecord> {
        self.store
            .territory_municipality(id)
            .await?
            .filter(|m| m.region_id == region)
            .ok_or_else(|| AppError::NotFound(msg!("municipality-not-found")))
    }

    async fn settlement_in(&self, region: i64, id: i64) -> AppResult<SettlementRecord> {
        self.store
            .territory_settlement(id)
            .await?
            .filter(|s| s.region_id == region)
            .ok_or_else(|| AppError::NotFound(msg!("settlement-not-found")))
    }

    async fn organization_in(
        &self,
        region: i64,
        id: OrganizationId,
    ) -> AppResult<OrganizationRecord> {
        self.store
            .organization(id.get())
            .await?
            .filter(|o| o.region_id == region)
            .ok_or_else(|| AppError::NotFound(msg!("organization-not-found")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_required_and_tidied() {
        let mut e = FieldErrors::default();
        assert_eq!(
            clean_name("  МБОУ   СОШ №5 ", "short_name", 200, &mut e),
            "МБОУ СОШ №5"
        );
        assert!(e.is_empty());
        clean_name("   ", "short_name", 200, &mut e);
        assert_eq!(
            e.get("short_name").map(ToString::to_string).as_deref(),
            Some("Заполните это поле")
        );
    }
}
