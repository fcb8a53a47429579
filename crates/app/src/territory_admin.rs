//! Region administration: the territory and the organizations of the portal.
//!
//! The region administrator works inside the region of their own organization (the regional
//! education authority); municipalities, settlements and organizations of other regions are
//! invisible to them. Changes to the territory are logged against the administrator's own
//! organization, changes to an organization against that organization.

use chrono::NaiveDate;
use sgo_core::policy::RegionAdministration;
use sgo_core::territory_admin::{email_shape_ok, inn_shape_ok, login_shape_ok, ogrn_shape_ok};
use sgo_core::{OrganizationId, OrganizationKind, Role, text};
use sgo_store::{NewPersonAccount, OrganizationFields, PersonFields, StoreError};

use crate::{App, AppError, AppResult, Origin};

pub use sgo_store::{
    AccountBriefRecord, MunicipalityRecord, NamedRecord, OrganizationFilter,
    OrganizationListRecord, OrganizationRecord, SettlementRecord,
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

/// Whether another of `siblings` (not `except`) has the name, ignoring case and ё/е.
fn name_taken(siblings: &[NamedRecord], name: &str, except: Option<i64>) -> bool {
    let norm = text::normalise(name);
    siblings
        .iter()
        .any(|n| Some(n.id) != except && text::normalise(&n.name) == norm)
}

/// Why a region-administration form was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum RegionFormError {
    /// Refused or failed as a whole (forbidden, not found, storage).
    #[error(transparent)]
    Refused(#[from] AppError),
    /// Some fields are wrong; the form is shown again with these messages.
    #[error("Исправьте ошибки в форме")]
    Invalid(FieldErrors),
}

impl From<StoreError> for RegionFormError {
    fn from(e: StoreError) -> Self {
        RegionFormError::Refused(AppError::Store(e))
    }
}

/// Result of a region-administration form.
pub type FormResult<T> = Result<T, RegionFormError>;

/// A municipality with its settlements.
#[derive(Debug, Clone, PartialEq)]
pub struct MunicipalityTree {
    /// The municipality.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its settlements, by name.
    pub settlements: Vec<NamedRecord>,
}

/// The region as its administrator sees it.
#[derive(Debug, Clone)]
pub struct RegionOverview {
    /// The region.
    pub region_id: i64,
    /// Its name.
    pub region_name: String,
    /// Municipalities with settlements.
    pub municipalities: Vec<MunicipalityTree>,
    /// Organizations passing the filter, active or not.
    pub organizations: Vec<OrganizationListRecord>,
}

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

/// A new administrator of an organization as typed.
#[derive(Debug, Clone, Default, PartialEq)]
#[allow(missing_docs)]
pub struct AdministratorInput {
    pub last_name: String,
    pub first_name: String,
    pub middle_name: String,
    /// Empty: the system suggests one from the name.
    pub login: String,
}

/// An account just created, with its one-time password — shown once, never stored in clear.
#[derive(Debug, Clone)]
pub struct IssuedAccount {
    /// The account.
    pub account_id: i64,
    /// Its login.
    pub login: String,
    /// Its display name.
    pub display_name: String,
    /// The one-time password.
    pub password: String,
    /// The organization, with its place in the territory (what the login form asks for).
    pub organization: OrganizationRecord,
}

/// Kinds whose people sign in to work in them: they get an administrator account.
pub fn has_administrator(kind: OrganizationKind) -> bool {
    !kind.is_authority()
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// A required name: trimmed, inner spaces collapsed, no control characters.
fn clean_name(value: &str, field: &'static str, max: usize, errors: &mut FieldErrors) -> String {
    let v = value.split_whitespace().collect::<Vec<_>>().join(" ");
    if v.is_empty() {
        errors.add(field, "Заполните это поле");
    } else if chars(&v) > max {
        errors.add(field, format!("Не длиннее {max} символов"));
    }
    v
}

/// A part of a person's name: the rule for every name, then required and at most 100 characters.
fn person_name(
    value: &str,
    field: &'static str,
    required: bool,
    errors: &mut FieldErrors,
) -> String {
    match sgo_core::person::clean_person_name(value) {
        Ok(v) if required => clean_name(&v, field, 100, errors),
        Ok(v) => clean_line(&v, field, 100, errors),
        Err(e) => {
            errors.add(field, e.sentence());
            value.trim().to_owned()
        }
    }
}

/// An optional line of the card: trimmed; control characters are refused.
fn clean_line(value: &str, field: &'static str, max: usize, errors: &mut FieldErrors) -> String {
    let v = value.trim().to_owned();
    if chars(&v) > max {
        errors.add(field, format!("Не длиннее {max} символов"));
    } else if v
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        errors.add(field, "Недопустимые символы");
    }
    v
}

fn parse_date(value: &str) -> Option<NaiveDate> {
    let v = value.trim();
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(v, "%d.%m.%Y"))
        .ok()
}

/// What changed between two values, for the change log; `None` when nothing did.
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
    /// The region of the administrator's own organization.
    async fn administered_region(&self, admin: &RegionAdministration) -> AppResult<i64> {
        self.store
            .organization_region(admin.organization())
            .await?
            .ok_or_else(|| AppError::NotFound("Регион не найден".into()))
    }

    async fn municipality_in(&self, region: i64, id: i64) -> AppResult<MunicipalityRecord> {
        self.store
            .territory_municipality(id)
            .await?
            .filter(|m| m.region_id == region)
            .ok_or_else(|| AppError::NotFound("Муниципальное образование не найдено".into()))
    }

    async fn settlement_in(&self, region: i64, id: i64) -> AppResult<SettlementRecord> {
        self.store
            .territory_settlement(id)
            .await?
            .filter(|s| s.region_id == region)
            .ok_or_else(|| AppError::NotFound("Населённый пункт не найден".into()))
    }

    async fn organization_in(
        &self,
        region: i64,
        id: OrganizationId,
    ) -> AppResult<OrganizationRecord> {
        self.store
            .organization(id)
            .await?
            .filter(|o| o.region_id == region)
            .ok_or_else(|| AppError::NotFound("Организация не найдена".into()))
    }

    async fn municipality_trees(&self, region: i64) -> AppResult<Vec<MunicipalityTree>> {
        let mut trees: Vec<MunicipalityTree> = Vec::new();
        for row in self.store.territory_rows(region).await? {
            if trees.last().is_none_or(|t| t.id != row.municipality_id) {
                trees.push(MunicipalityTree {
                    id: row.municipality_id,
                    name: row.municipality_name.clone(),
                    settlements: Vec::new(),
                });
            }
            if let (Some(id), Some(name), Some(tree)) =
                (row.settlement_id, row.settlement_name, trees.last_mut())
            {
                tree.settlements.push(NamedRecord { id, name });
            }
        }
        Ok(trees)
    }

    /// The region's territory and the organizations that pass the filter.
    pub async fn region_overview(
        &self,
        admin: &RegionAdministration,
        filter: &OrganizationFilter,
    ) -> AppResult<RegionOverview> {
        let region = self.administered_region(admin).await?;
        let region_name = self
            .store
            .regions()
            .await?
            .into_iter()
            .find(|r| r.id == region)
            .map(|r| r.name)
            .unwrap_or_default();
        let mut filter = filter.clone();
        filter.name_norm = filter
            .name_norm
            .as_deref()
            .map(text::normalise)
            .filter(|n| !n.is_empty());
        if filter
            .name_norm
            .as_ref()
            .is_some_and(|n| chars(n) > MAX_NAME)
        {
            return Err(AppError::BadRequest("Слишком длинная строка поиска".into()));
        }
        Ok(RegionOverview {
            region_id: region,
            region_name,
            municipalities: self.municipality_trees(region).await?,
            organizations: self.store.region_organizations(region, &filter).await?,
        })
    }

    /// The education authorities of the actor's region (active ones), for the «reports to» choice.
    pub async fn region_authorities(
        &self,
        admin: &RegionAdministration,
    ) -> AppResult<Vec<NamedRecord>> {
        let region = self.administered_region(admin).await?;
        let mut out = Vec::new();
        for kind in [
            OrganizationKind::RegionalAuthority,
            OrganizationKind::MunicipalAuthority,
        ] {
            let filter = OrganizationFilter {
                kind: Some(kind),
                ..OrganizationFilter::default()
            };
            out.extend(
                self.store
                    .region_organizations(region, &filter)
                    .await?
                    .into_iter()
                    .filter(|o| o.active)
                    .map(|o| NamedRecord {
                        id: o.id,
                        name: o.short_name,
                    }),
            );
        }
        Ok(out)
    }

    /// Every municipality of the actor's region with its settlements (for the forms' choices).
    pub async fn region_territory(
        &self,
        admin: &RegionAdministration,
    ) -> AppResult<Vec<MunicipalityTree>> {
        let region = self.administered_region(admin).await?;
        self.municipality_trees(region).await
    }

    /// One municipality of the actor's region.
    pub async fn region_municipality(
        &self,
        admin: &RegionAdministration,
        id: i64,
    ) -> AppResult<MunicipalityRecord> {
        let region = self.administered_region(admin).await?;
        self.municipality_in(region, id).await
    }

    /// One settlement of the actor's region.
    pub async fn region_settlement(
        &self,
        admin: &RegionAdministration,
        id: i64,
    ) -> AppResult<SettlementRecord> {
        let region = self.administered_region(admin).await?;
        self.settlement_in(region, id).await
    }

    /// Adds a municipality to the actor's region.
    pub async fn create_municipality(
        &self,
        admin: &RegionAdministration,
        origin: &Origin,
        name: &str,
    ) -> FormResult<i64> {
        let region = self.administered_region(admin).await?;
        let mut errors = FieldErrors::default();
        let name = clean_name(name, "name", MAX_NAME, &mut errors);
        if errors.is_empty() && self.municipality_name_taken(region, &name, None).await? {
            errors.add(
                "name",
                "Муниципальное образование с таким названием уже есть",
            );
        }
        if !errors.is_empty() {
            return Err(RegionFormError::Invalid(errors));
        }
        let id = self.store.create_municipality(region, &name).await?;
        self.record_change(
            admin.actor(),
            admin.organization(),
            origin,
            "municipality.create",
            format!("municipality:{id}"),
            format!("Создано муниципальное образование «{name}»"),
        )
        .await;
        Ok(id)
    }

    async fn municipality_name_taken(
        &self,
        region: i64,
        name: &str,
        except: Option<i64>,
    ) -> AppResult<bool> {
        let siblings = self.store.municipalities(region).await?;
        Ok(name_taken(&siblings, name, except))
    }

    /// Renames a municipality of the actor's region.
    pub async fn rename_municipality(
        &self,
        admin: &RegionAdministration,
        origin: &Origin,
        id: i64,
        name: &str,
    ) -> FormResult<()> {
        let region = self.administered_region(admin).await?;
        let old = self.municipality_in(region, id).await?;
        let mut errors = FieldErrors::default();
        let name = clean_name(name, "name", MAX_NAME, &mut errors);
        if errors.is_empty()
            && self
                .municipality_name_taken(region, &name, Some(id))
                .await?
        {
            errors.add(
                "name",
                "Муниципальное образование с таким названием уже есть",
            );
        }
        if !errors.is_empty() {
            return Err(RegionFormError::Invalid(errors));
        }
        if old.name != name {
            self.store.rename_municipality(id, &name).await?;
            self.record_change(
                admin.actor(),
                admin.organization(),
                origin,
                "municipality.rename",
                format!("municipality:{id}"),
                format!(
                    "Муниципальное образование переименовано: «{}» → «{name}»",
                    old.name
                ),
            )
            .await;
        }
        Ok(())
    }

    async fn settlement_name_taken(
        &self,
        municipality: i64,
        name: &str,
        except: Option<i64>,
    ) -> AppResult<bool> {
        let siblings = self.store.settlements(municipality).await?;
        Ok(name_taken(&siblings, name, except))
    }

    /// Adds a settlement to a municipality of the actor's region.
    pub async fn create_settlement(
        &self,
        admin: &RegionAdministration,
        origin: &Origin,
        municipality: i64,
        name: &str,
    ) -> FormResult<i64> {
        let region = self.administered_region(admin).await?;
        let m = self.municipality_in(region, municipality).await?;
        let mut errors = FieldErrors::default();
        let name = clean_name(name, "name", MAX_NAME, &mut errors);
        if errors.is_empty() && self.settlement_name_taken(m.id, &name, None).await? {
            errors.add(
                "name",
                "В этом муниципальном образовании уже есть такой населённый пункт",
            );
        }
        if !errors.is_empty() {
            return Err(RegionFormError::Invalid(errors));
        }
        let id = self.store.create_settlement(m.id, &name).await?;
        self.record_change(
            admin.actor(),
            admin.organization(),
            origin,
            "settlement.create",
            format!("settlement:{id}"),
            format!("Создан населённый пункт «{name}» ({})", m.name),
        )
        .await;
        Ok(id)
    }

    /// Renames a settlement of the actor's region.
    pub async fn rename_settlement(
        &self,
        admin: &RegionAdministration,
        origin: &Origin,
        id: i64,
        name: &str,
    ) -> FormResult<()> {
        let region = self.administered_region(admin).await?;
        let old = self.settlement_in(region, id).await?;
        let mut errors = FieldErrors::default();
        let name = clean_name(name, "name", MAX_NAME, &mut errors);
        if errors.is_empty()
            && self
                .settlement_name_taken(old.municipality_id, &name, Some(id))
                .await?
        {
            errors.add(
                "name",
                "В этом муниципальном образовании уже есть такой населённый пункт",
            );
        }
        if !errors.is_empty() {
            return Err(RegionFormError::Invalid(errors));
        }
        if old.name != name {
            self.store.rename_settlement(id, &name).await?;
            self.record_change(
                admin.actor(),
                admin.organization(),
                origin,
                "settlement.rename",
                format!("settlement:{id}"),
                format!("Населённый пункт переименован: «{}» → «{name}»", old.name),
            )
            .await;
        }
        Ok(())
    }

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
                    e.add("settlement", "Выберите населённый пункт из списка");
                    None
                }
                Err(other) => return Err(other.into()),
            },
            Err(_) => {
                e.add("settlement", "Выберите населённый пункт");
                None
            }
        };
        let kind = match OrganizationKind::from_code(input.kind.trim()) {
            Ok(k) => Some(k),
            Err(_) => {
                e.add("kind", "Выберите тип организации");
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
                .any(|o| Some(o.id) != this && text::normalise(&o.name) == norm);
            if taken {
                e.add(
                    "short_name",
                    "В этом населённом пункте уже есть организация с таким кратким названием",
                );
            }
        }
        let authority_id = match input.authority.trim() {
            "" => None,
            v => match v.parse::<i64>() {
                Ok(id) if Some(id) == this => {
                    e.add("authority", "Организация не может подчиняться самой себе");
                    None
                }
                Ok(id) => {
                    let ok = match self.store.organization(id).await? {
                        Some(a) => a.region_id == region && a.kind.is_authority(),
                        None => false,
                    };
                    if !ok {
                        e.add(
                            "authority",
                            "Выберите орган управления образованием из списка",
                        );
                    }
                    Some(id)
                }
                Err(_) => {
                    e.add(
                        "authority",
                        "Выберите орган управления образованием из списка",
                    );
                    None
                }
            },
        };
        let inn = input.inn.trim().to_owned();
        if !inn.is_empty() && !inn_shape_ok(&inn) {
            e.add(
                "inn",
                "ИНН состоит из 10 цифр (для индивидуального предпринимателя — из 12)",
            );
        }
        let ogrn = input.ogrn.trim().to_owned();
        if !ogrn.is_empty() && !ogrn_shape_ok(&ogrn) {
            e.add("ogrn", "ОГРН состоит из 13 цифр (ОГРНИП — из 15)");
        }
        let email = input.email.trim().to_owned();
        if !email.is_empty() && !email_shape_ok(&email) {
            e.add(
                "email",
                "Адрес электронной почты должен быть вида name@example.ru",
            );
        }
        let founding_date = match input.founding_date.trim() {
            "" => None,
            v => match parse_date(v) {
                Some(d) if d > self.clock.today() => {
                    e.add("founding_date", "Дата основания не может быть в будущем");
                    None
                }
                Some(d) if d < NaiveDate::from_ymd_opt(1700, 1, 1).unwrap_or(d) => {
                    e.add("founding_date", "Проверьте год основания");
                    None
                }
                Some(d) => Some(d),
                None => {
                    e.add("founding_date", "Дата должна быть в формате ДД.ММ.ГГГГ");
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
            Err(RegionFormError::Invalid(e))
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
        self.record_change(
            admin.actor(),
            id,
            origin,
            "organization.create",
            format!("organization:{id}"),
            format!("Создана организация «{}» ({kind})", fields.short_name),
        )
        .await;
        Ok(id)
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
        if !self.store.update_organization(id, &new).await? {
            return Err(AppError::NotFound("Организация не найдена".into()).into());
        }
        self.record_change(
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
            return Err(AppError::BadRequest(
                "Нельзя закрыть организацию, в которой работаете вы сами".into(),
            ));
        }
        let was = self.store.organization_active(id).await?.unwrap_or(active);
        if was == active {
            return Ok(());
        }
        self.store.set_organization_active(id, active).await?;
        let (action, words) = if active {
            ("organization.activate", "открыта")
        } else {
            ("organization.deactivate", "закрыта")
        };
        self.record_change(
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
        let active = self.store.organization_active(id).await?.unwrap_or(false);
        let administrators = self
            .store
            .organization_accounts_with_role(id, Role::Administrator)
            .await?;
        Ok(AdminOrganization {
            record,
            active,
            administrators,
        })
    }

    /// Creates an administrator account for an organization of the actor's region and issues it
    /// a one-time password, which is returned for showing once.
    pub async fn create_organization_administrator(
        &self,
        admin: &RegionAdministration,
        origin: &Origin,
        organization: OrganizationId,
        input: &AdministratorInput,
    ) -> FormResult<IssuedAccount> {
        let region = self.administered_region(admin).await?;
        let org = self.organization_in(region, organization).await?;
        if !has_administrator(org.kind) {
            return Err(AppError::BadRequest(
                "Администратор создаётся для образовательных организаций".into(),
            )
            .into());
        }
        let mut e = FieldErrors::default();
        let last_name = person_name(&input.last_name, "last_name", true, &mut e);
        let first_name = person_name(&input.first_name, "first_name", true, &mut e);
        let middle_name = person_name(&input.middle_name, "middle_name", false, &mut e);
        let typed = input.login.trim();
        let login = if typed.is_empty() {
            if e.is_empty() {
                self.free_login(organization, &last_name, &first_name, &middle_name)
                    .await?
            } else {
                String::new()
            }
        } else if !login_shape_ok(typed) {
            e.add(
                "login",
                "Имя пользователя: буквы, цифры, точка, дефис или подчёркивание, не длиннее 64 символов",
            );
            String::new()
        } else if self
            .store
            .login_taken(organization, &text::normalise(typed), None)
            .await?
        {
            e.add(
                "login",
                "Такое имя пользователя в этой организации уже есть",
            );
            String::new()
        } else {
            typed.to_owned()
        };
        if !e.is_empty() {
            return Err(RegionFormError::Invalid(e));
        }
        let display_name = [&last_name, &first_name, &middle_name]
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let now = self.clock.now();
        let new = NewPersonAccount {
            person: PersonFields {
                last_name,
                first_name,
                middle_name,
                birth_date: None,
                gender: None,
                snils: None,
            },
            organization_id: organization,
            login_norm: text::normalise(&login),
            login: login.clone(),
            display_name: display_name.clone(),
            roles: vec![Role::Administrator],
            class_id: None,
            class_from: now.date_naive(),
            children: Vec::new(),
            now,
        };
        let account_id = match self.store.create_person_account(&new).await {
            Ok(id) => id,
            Err(StoreError::Conflict(_)) => {
                let mut e = FieldErrors::default();
                e.add(
                    "login",
                    "Такое имя пользователя в этой организации уже есть",
                );
                return Err(RegionFormError::Invalid(e));
            }
            Err(other) => return Err(other.into()),
        };
        let password = self.issue_one_time_password(account_id).await?;
        self.record_change(
            admin.actor(),
            organization,
            origin,
            "account.create",
            format!("account:{account_id}"),
            format!(
                "Создана учётная запись администратора «{display_name}» (имя пользователя {login}); выдан временный пароль"
            ),
        )
        .await;
        Ok(IssuedAccount {
            account_id,
            login,
            display_name,
            password,
            organization: org,
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

    #[test]
    fn names_are_required_and_tidied() {
        let mut e = FieldErrors::default();
        assert_eq!(
            clean_name("  МБОУ   СОШ №5 ", "short_name", 200, &mut e),
            "МБОУ СОШ №5"
        );
        assert!(e.is_empty());
        clean_name("   ", "short_name", 200, &mut e);
        assert_eq!(e.get("short_name"), Some("Заполните это поле"));
    }
}
