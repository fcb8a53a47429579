//! The region's ESIA rules as its administrator sets them: the confirmed-account date and
//! whether first sign-ins are linked automatically.

use chrono::NaiveDate;
use sgo_core::identity::RegionIdentitySettings;
use sgo_core::policy::RegionAdministration;

use super::RegionEsiaSettings;
use crate::{App, AppError, AppResult, Origin};

impl App {
    async fn esia_region(&self, admin: &RegionAdministration) -> AppResult<i64> {
        self.store
            .organization_region(admin.organization().get())
            .await?
            .ok_or_else(|| AppError::NotFound(msg!("region-not-found")))
    }

    /// The administered region's ESIA rules.
    pub async fn region_esia_settings(
        &self,
        admin: &RegionAdministration,
    ) -> AppResult<RegionEsiaSettings> {
        let region = self.esia_region(admin).await?;
        Ok(self.store.region_identity_settings(region).await?)
    }

    /// Sets the administered region's ESIA rules.
    pub async fn set_region_esia_settings(
        &self,
        admin: &RegionAdministration,
        origin: &Origin,
        settings: &RegionEsiaSettings,
    ) -> AppResult<()> {
        let region = self.esia_region(admin).await?;
        self.store
            .set_region_identity_settings(region, settings)
            .await?;
        let from = settings
            .esia_confirmed_from
            .map_or("нет".to_owned(), |d| d.format("%d.%m.%Y").to_string());
        self.audit(
            Some(admin.by()),
            "region.esia_settings",
            format!("region:{region}"),
            origin,
            "ok",
            format!(
                "подтверждённая учётная запись с: {from}; автопривязка: {}",
                settings.esia_auto_link
            ),
        )
        .await;
        Ok(())
    }
}

/// The settings the region form edits, as typed.
pub fn parse_region_esia_form(
    required: bool,
    from: &str,
    auto_link: bool,
) -> Result<RegionIdentitySettings, String> {
    let esia_confirmed_from = if required {
        Some(
            NaiveDate::parse_from_str(from.trim(), "%Y-%m-%d")
                .map_err(|_| "Укажите дату начала действия правила".to_owned())?,
        )
    } else {
        None
    };
    Ok(RegionIdentitySettings {
        esia_confirmed_from,
        esia_auto_link: auto_link,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_needs_a_date_only_when_it_is_on() {
        assert_eq!(
            parse_region_esia_form(true, " 2026-09-01 ", false),
            Ok(RegionIdentitySettings {
                esia_confirmed_from: NaiveDate::from_ymd_opt(2026, 9, 1),
                esia_auto_link: false,
            })
        );
        assert_eq!(
            parse_region_esia_form(true, "01.09.2026", true),
            Err("Укажите дату начала действия правила".to_owned())
        );
        assert!(parse_region_esia_form(true, "", true).is_err());
        // A date left in the field of a switched-off rule is ignored.
        assert_eq!(
            parse_region_esia_form(false, "2026-09-01", true),
            Ok(RegionIdentitySettings {
                esia_confirmed_from: None,
                esia_auto_link: true,
            })
        );
    }
}
