//! Organizations of the region: the card form, its checks, the audit log of edits, and
//! opening or closing an organization.

use super::*;

/// An organization's page for the region administrator.
#[derive(Debug, Clone)]
pub struct AdminOrganization {
    /// The card and place.
    pub record: OrganizationRecord,
    /// Whether it is open for sign-in and search.
    pub active: bool,
    /// Its administrators.
    pub administrators: Vec<AccountBriefRecord>,
}

/// The organization form as typed: every field is text, checked by the use case.
#[derive(Debug, Clone, Default, PartialEq)]
#[allow(missing_docs)]
pub struct OrganizationInput {
    pub settlement: String,
    pub kind: String,
    pub short_name: String,
    pub full_name: String,
    pub authority: String,
    pub inn: String,
    pub ogrn: String,
    pub post_address: String,
    pub juridical_address: String,
    pub phones: String,
    pub fax: String,
    pub email: String,
    pub web: String,
    pub director: String,
    pub principal_uvr: String,
    pub principal_ahc: String,
    pub principal_it: String,
    pub about: String,
    /// `YYYY-MM-DD` (from a date input) or `ДД.ММ.ГГГГ`; empty when unknown.
    pub founding_date: String,
}

impl OrganizationInput {
    /// The form filled from a stored card, for editing.
    pub fn from_record(o: &OrganizationRecord) -> OrganizationInput {
        OrganizationInput {
            settlement: o.settlement_id.to_string(),
            kind: o.kind.code().to_owned(),
            short_name: o.short_name.clone(),
            full_name: o.full_name.clone(),
            authority: o.authority_id.map(|a| a.to_string()).unwrap_or_default(),
            inn: o.inn.clone(),
            ogrn: o.ogrn.clone(),
            post_address: o.post_address.clone(),
            juridical_address: o.juridical_address.clone(),
            phones: o.phones.clone(),
            fax: o.fax.clone(),
            email: o.email.clone(),
            web: o.web.clone(),
            director: o.director.clone(),
            principal_uvr: o.principal_uvr.clone(),
            principal_ahc: o.principal_ahc.clone(),
            principal_it: o.principal_it.clone(),
            about: o.about.clone(),
            founding_date: o
                .founding_date
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
        }
    }
}

fn parse_date(value: &str) -> Option<NaiveDate> {
    let v = value.trim();
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(v, "%d.%m.%Y"))
        .ok()
}

/// What changed between two values, for the audit log; `None` when nothing did.
fn change(label: &str, old: &str, new: &str) -> Option<String> {
    let short = |s: &str| {
        if chars(s) > 80 {
            format!("{}…", s.chars().take(80).collect::<String>())
        } else {
            s.to_owned()
        }
    };
    (old != new).then(|| format!("{label}: «{}» → «{}»", short(old), short(new)))
}

impl App {
    /// Checks the organization form; `this` is the organization being edited, if any.
    async fn check_organization(
        &self,
        region: i64,
        input: &OrganizationInput,
        this: Option<OrganizationId>,
    ) -> FormResult<OrganizationFields> {
        let mut e = FieldErrors::default();
        let settlement = match input.settlement.trim().parse::<i64>() {
            Ok(id) => match self.settlement_in(region, id).await {
                Ok(s) => Some(s),
                Err(AppError::NotFound(_)) => {
                    e.add("settlement", msg!("organization-settlement-not-in-list"));
                    None
                }
                Err(other) => return Err(other.into()),
            },
            Err(_) => {
                e.add("settlement", msg!("organization-settlement-required"));
                None
            }
        };
        let kind = match OrganizationKind::from_code(input.kind.trim()) {
            Ok(k) => Some(k),
            Err(_) => {
                e.add("kind", msg!("organization-kind-required"));
                None
            }
        };
        let short_name = clean_name(&input.short_name, "short_name", MAX_NAME, &mut e);
        let full_name = clean_name(&input.full_name, "full_name", MAX_FULL_NAME, &mut e);
        if let Some(s) = &settlement
            && e.get("short_name").is_none()
        {
            let norm = text::normalise(&short_name);
            let taken = self
                .store
                .settlement_organization_names(s.id)
                .await?
                .iter()
                .any(|o| {
                    Some(o.id) != this.map(OrganizationId::get) && text::normalise(&o.name) == norm
                });
            if taken {
                e.add("short_name", msg!("organization-name-taken"));
            }
        }
        let authority_id = match input.authority.trim() {
            "" => None,
            v => match v.parse::<i64>() {
                Ok(id) if Some(id) == this.map(OrganizationId::get) => {
                    e.add("authority", msg!("organization-own-authority"));
                    None
                }
                Ok(id) => {
                    let ok = match self.store.organization(id).await? {
                        Some(a) => a.region_id == region && a.kind.is_authority(),
                        None => false,
                    };
                    if !ok {
                        e.add("authority", msg!("organization-authority-not-in-list"));
                    }
                    Some(id)
                }
                Err(_) => {
                    e.add("authority", msg!("organization-authority-not-in-list"));
                    None
                }
            },
        };
        let inn = input.inn.trim().to_owned();
        if !inn.is_empty() && !inn_shape_ok(&inn) {
            e.add("inn", msg!("organization-inn-invalid"));
        }
        let ogrn = input.ogrn.trim().to_owned();
        if !ogrn.is_empty() && !ogrn_shape_ok(&ogrn) {
            e.add("ogrn", msg!("organization-ogrn-invalid"));
        }
        let email = input.email.trim().to_owned();
        if !email.is_empty() && !email_shape_ok(&email) {
            e.add("email", msg!("organization-email-invalid"));
        }
        let founding_date = match input.founding_date.trim() {
            "" => None,
            v => match parse_date(v) {
                Some(d) if d > self.clock.today() => {
                    e.add("founding_date", msg!("organization-founding-date-future"));
                    None
                }
                Some(d) if d < NaiveDate::from_ymd_opt(1700, 1, 1).unwrap_or(d) => {
                    e.add("founding_date", msg!("organization-founding-year-check"));
                    None
                }
                Some(d) => Some(d),
                None => {
                    e.add("founding_date", msg!("organization-date-format"));
                    None
                }
            },
        };
        let fields = OrganizationFields {
            settlement_id: settlement.as_ref().map(|s| s.id).unwrap_or_default(),
            kind,
            name_norm: text::normalise(&format!("{short_name} {full_name}")),
            short_name,
            full_name,
            authority_id,
            inn,
            ogrn,
            post_address: clean_line(&input.post_address, "post_address", MAX_LINE, &mut e),
            juridical_address: clean_line(
                &input.juridical_address,
                "juridical_address",
                MAX_LINE,
                &mut e,
            ),
            phones: clean_line(&input.phones, "phones", MAX_LINE, &mut e),
            fax: clean_line(&input.fax, "fax", MAX_LINE, &mut e),
            email,
            web: clean_line(&input.web, "web", MAX_LINE, &mut e),
            director: clean_line(&input.director, "director", MAX_LINE, &mut e),
            principal_uvr: clean_line(&input.principal_uvr, "principal_uvr", MAX_LINE, &mut e),
            principal_ahc: clean_line(&input.principal_ahc, "principal_ahc", MAX_LINE, &mut e),
            principal_it: clean_line(&input.principal_it, "principal_it", MAX_LINE, &mut e),
            about: clean_line(&input.about, "about", MAX_ABOUT, &mut e),
            founding_date,
        };
        if e.is_empty() {
            Ok(fields)
        } else {
            Err(FormError::Invalid(e))
        }
    }

    /// Adds an organization of any kind to the actor's region.
    pub async fn create_organization(
        &self,
        admin: &RegionAdministration,
        origin: &Origin,
        input: &OrganizationInput,
    ) -> FormResult<OrganizationId> {
        let region = self.administered_region(admin).await?;
        let fields = self.check_organization(region, input, None).await?;
        let id = self.store.create_organization(&fields).await?;
        let kind = fields.kind.map(|k| k.title()).unwrap_or_default();
        self.audit_change(
            admin.actor(),
            OrganizationId::new(id),
            origin,
            "organization.create",
            format!("organization:{id}"),
            format!("Создана организация «{}» ({kind})", fields.short_name),
        )
        .await;
        Ok(OrganizationId::new(id))
    }

    /// Rewrites the card of an organization of the actor's region.
    pub async fn update_organization(
        &self,
        admin: &RegionAdministration,
        origin: &Origin,
        id: OrganizationId,
        input: &OrganizationInput,
    ) -> FormResult<()> {
        let region = self.administered_region(admin).await?;
        let old = self.organization_in(region, id).await?;
        let new = self.check_organization(region, input, Some(id)).await?;
        let mut changes: Vec<String> = Vec::new();
        let text_of = |v: Option<i64>| v.map(|x| x.to_string()).unwrap_or_default();
        let date_of = |d: Option<NaiveDate>| {
            d.map(|x| x.format("%d.%m.%Y").to_string())
                .unwrap_or_default()
        };
        let pairs: Vec<(&str, String, String)> = vec![
            (
                "Населённый пункт",
                old.settlement_id.to_string(),
                new.settlement_id.to_string(),
            ),
            (
                "Тип",
                old.kind.title().to_owned(),
                new.kind.map(|k| k.title()).unwrap_or_default().to_owned(),
            ),
            (
                "Краткое название",
                old.short_name.clone(),
                new.short_name.clone(),
            ),
            (
                "Полное название",
                old.full_name.clone(),
                new.full_name.clone(),
            ),
            (
                "Орган управления образованием",
                text_of(old.authority_id),
                text_of(new.authority_id),
            ),
            ("ИНН", old.inn.clone(), new.inn.clone()),
            ("ОГРН", old.ogrn.clone(), new.ogrn.clone()),
            (
                "Почтовый адрес",
                old.post_address.clone(),
                new.post_address.clone(),
            ),
            (
                "Юридический адрес",
                old.juridical_address.clone(),
                new.juridical_address.clone(),
            ),
            ("Телефоны", old.phones.clone(), new.phones.clone()),
            ("Факс", old.fax.clone(), new.fax.clone()),
            ("Электронная почта", old.email.clone(), new.email.clone()),
            ("Сайт", old.web.clone(), new.web.clone()),
            ("Директор", old.director.clone(), new.director.clone()),
            (
                "Заместитель по УВР",
                old.principal_uvr.clone(),
                new.principal_uvr.clone(),
            ),
            (
                "Заместитель по АХЧ",
                old.principal_ahc.clone(),
                new.principal_ahc.clone(),
            ),
            (
                "Заместитель по ИТ",
                old.principal_it.clone(),
                new.principal_it.clone(),
            ),
            ("Об организации", old.about.clone(), new.about.clone()),
            (
                "Дата основания",
                date_of(old.founding_date),
                date_of(new.founding_date),
            ),
        ];
        for (label, a, b) in &pairs {
            changes.extend(change(label, a, b));
        }
        if changes.is_empty() {
            return Ok(());
        }
        if !self.store.update_organization(id.get(), &new).await? {
            return Err(AppError::NotFound(msg!("organization-not-found")).into());
        }
        self.audit_change(
            admin.actor(),
            id,
            origin,
            "organization.update",
            format!("organization:{id}"),
            changes.join("; "),
        )
        .await;
        Ok(())
    }

    /// Opens or closes an organization: a closed one leaves the login form and school search.
    pub async fn set_organization_active(
        &self,
        admin: &RegionAdministration,
        origin: &Origin,
        id: OrganizationId,
        active: bool,
    ) -> AppResult<()> {
        let region = self.administered_region(admin).await?;
        let org = self.organization_in(region, id).await?;
        if !active && id == admin.organization() {
            return Err(AppError::BadRequest(msg!("organization-close-own")));
        }
        let was = self
            .store
            .organization_active(id.get())
            .await?
            .unwrap_or(active);
        if was == active {
            return Ok(());
        }
        self.store.set_organization_active(id.get(), active).await?;
        let (action, words) = if active {
            ("organization.activate", "открыта")
        } else {
            ("organization.deactivate", "закрыта")
        };
        self.audit_change(
            admin.actor(),
            id,
            origin,
            action,
            format!("organization:{id}"),
            format!("Организация «{}» {words}", org.short_name),
        )
        .await;
        Ok(())
    }

    /// An organization of the actor's region with its state and administrators.
    pub async fn admin_organization(
        &self,
        admin: &RegionAdministration,
        id: OrganizationId,
    ) -> AppResult<AdminOrganization> {
        let region = self.administered_region(admin).await?;
        let record = self.organization_in(region, id).await?;
        let active = self
            .store
            .organization_active(id.get())
            .await?
            .unwrap_or(false);
        let administrators = self
            .store
            .organization_accounts_with_role(id.get(), Role::Administrator)
            .await?;
        Ok(AdminOrganization {
            record,
            active,
            administrators,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_name_the_field_and_both_values() {
        assert_eq!(change("ИНН", "1", "1"), None);
        assert_eq!(
            change("ИНН", "", "9912345678").as_deref(),
            Some("ИНН: «» → «9912345678»")
        );
        let long = "а".repeat(100);
        assert!(change("Об организации", "", &long).unwrap().ends_with("…»"));
    }

    #[test]
    fn dates_are_read_in_both_forms() {
        let d = NaiveDate::from_ymd_opt(1991, 12, 20);
        assert_eq!(parse_date("1991-12-20"), d);
        assert_eq!(parse_date(" 20.12.1991 "), d);
        assert_eq!(parse_date("20/12/1991"), None);
    }
}
