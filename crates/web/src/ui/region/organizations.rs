//! Organizations of the region: the card form, the organization's page, its administrator.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sgo_app::OrganizationKind;
use sgo_app::territory_admin::{
    AccountBriefRecord, AdministratorInput, FieldErrors, IssuedAccount, OrganizationInput,
    OrganizationRecord, has_administrator,
};

use super::super::{Header, PageError, render};
use super::{Choice, ChoiceGroup};
use crate::form::Submitted;
use crate::form::outcome::{INVALID, Outcome, see_other, settle};
use crate::ui::request::{Page, RegionAdminRequest, SignedInRequest};
use sgo_core::OrganizationId;

/// A text field of the card form.
struct FieldView {
    name: &'static str,
    label: &'static str,
    input_type: &'static str,
    required: bool,
    max: usize,
    value: String,
    error: Option<String>,
}

/// The card's text fields: name, label, input type, required, longest.
const TEXT_FIELDS: [(&str, &str, &str, bool, usize); 16] = [
    ("short_name", "Краткое название", "text", true, 200),
    ("full_name", "Полное название", "text", true, 500),
    ("inn", "ИНН", "text", false, 12),
    ("ogrn", "ОГРН", "text", false, 15),
    ("post_address", "Почтовый адрес", "text", false, 300),
    ("juridical_address", "Юридический адрес", "text", false, 300),
    ("phones", "Телефоны", "tel", false, 300),
    ("fax", "Факс", "tel", false, 300),
    ("email", "Электронная почта", "email", false, 300),
    ("web", "Сайт", "text", false, 300),
    ("director", "Руководитель", "text", false, 300),
    (
        "principal_uvr",
        "Заместитель по учебно-воспитательной работе",
        "text",
        false,
        300,
    ),
    (
        "principal_ahc",
        "Заместитель по административно-хозяйственной работе",
        "text",
        false,
        300,
    ),
    (
        "principal_it",
        "Заместитель по информатизации",
        "text",
        false,
        300,
    ),
    ("founding_date", "Дата основания", "date", false, 10),
    ("about", "Об организации", "textarea", false, 4000),
];

fn input_value<'a>(input: &'a OrganizationInput, name: &str) -> &'a str {
    match name {
        "short_name" => &input.short_name,
        "full_name" => &input.full_name,
        "inn" => &input.inn,
        "ogrn" => &input.ogrn,
        "post_address" => &input.post_address,
        "juridical_address" => &input.juridical_address,
        "phones" => &input.phones,
        "fax" => &input.fax,
        "email" => &input.email,
        "web" => &input.web,
        "director" => &input.director,
        "principal_uvr" => &input.principal_uvr,
        "principal_ahc" => &input.principal_ahc,
        "principal_it" => &input.principal_it,
        "founding_date" => &input.founding_date,
        "about" => &input.about,
        _ => "",
    }
}

/// The card form as sent; every field is text, checked by the use case.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct OrganizationForm {
    settlement: String,
    kind: String,
    short_name: String,
    full_name: String,
    authority: String,
    inn: String,
    ogrn: String,
    post_address: String,
    juridical_address: String,
    phones: String,
    fax: String,
    email: String,
    web: String,
    director: String,
    principal_uvr: String,
    principal_ahc: String,
    principal_it: String,
    about: String,
    founding_date: String,
}

impl From<OrganizationForm> for OrganizationInput {
    fn from(f: OrganizationForm) -> OrganizationInput {
        OrganizationInput {
            settlement: f.settlement,
            kind: f.kind,
            short_name: f.short_name,
            full_name: f.full_name,
            authority: f.authority,
            inn: f.inn,
            ogrn: f.ogrn,
            post_address: f.post_address,
            juridical_address: f.juridical_address,
            phones: f.phones,
            fax: f.fax,
            email: f.email,
            web: f.web,
            director: f.director,
            principal_uvr: f.principal_uvr,
            principal_ahc: f.principal_ahc,
            principal_it: f.principal_it,
            about: f.about,
            founding_date: f.founding_date,
        }
    }
}

#[derive(Template)]
#[template(path = "region/organization_form.html")]
struct OrganizationFormPage<'a> {
    portal_name: &'a str,
    header: Header,
    title: String,
    action: String,
    cancel: String,
    settlements: Vec<ChoiceGroup>,
    kinds: Vec<Choice>,
    authorities: Vec<Choice>,
    settlement_error: Option<String>,
    kind_error: Option<String>,
    authority_error: Option<String>,
    fields: Vec<FieldView>,
    has_errors: bool,
}

/// Renders the card form for a new organization (`id` none) or an existing one.
async fn form_page(
    req: &RegionAdminRequest,
    id: Option<OrganizationId>,
    input: &OrganizationInput,
    errors: &FieldErrors,
    status: StatusCode,
) -> Page {
    let header = req.header().await?;
    let app = &req.app();
    let territory = app.region_territory(&req.admin).await.map_err(req.fail())?;
    let authority_list = app
        .region_authorities(&req.admin)
        .await
        .map_err(req.fail())?;
    let settlements = territory
        .into_iter()
        .filter(|m| !m.settlements.is_empty())
        .map(|m| ChoiceGroup {
            label: m.name,
            choices: m
                .settlements
                .into_iter()
                .map(|s| Choice::new(s.id, s.name, input.settlement.trim()))
                .collect(),
        })
        .collect();
    let mut kinds = vec![Choice::new("", "— выберите —", input.kind.trim())];
    kinds.extend(
        OrganizationKind::ALL
            .iter()
            .map(|k| Choice::new(k.code(), k.title(), input.kind.trim())),
    );
    let mut authorities = vec![Choice::new(
        "",
        "— не подчиняется —",
        input.authority.trim(),
    )];
    authorities.extend(
        authority_list
            .into_iter()
            .filter(|a| Some(a.id) != id.map(OrganizationId::get))
            .map(|a| Choice::new(a.id, a.name, input.authority.trim())),
    );
    let fields = TEXT_FIELDS
        .iter()
        .map(|&(name, label, input_type, required, max)| FieldView {
            name,
            label,
            input_type,
            required,
            max,
            value: input_value(input, name).to_owned(),
            error: errors.get(name).map(ToString::to_string),
        })
        .collect();
    let (title, action, cancel) = match id {
        Some(id) => (
            "Карточка организации".to_owned(),
            format!("/region/organizations/{id}"),
            format!("/region/organizations/{id}"),
        ),
        None => (
            "Новая организация".to_owned(),
            "/region/organizations".to_owned(),
            "/region".to_owned(),
        ),
    };
    let page = OrganizationFormPage {
        portal_name: &req.state.options.portal_name,
        header,
        title,
        action,
        cancel,
        settlements,
        kinds,
        authorities,
        settlement_error: errors.get("settlement").map(ToString::to_string),
        kind_error: errors.get("kind").map(ToString::to_string),
        authority_error: errors.get("authority").map(ToString::to_string),
        fields,
        has_errors: !errors.is_empty(),
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /region/organizations/new[?settlement=]`.
pub(crate) async fn new_form(
    req: RegionAdminRequest,
    Query(q): Query<HashMap<String, String>>,
) -> Page {
    let input = OrganizationInput {
        settlement: q.get("settlement").cloned().unwrap_or_default(),
        kind: q.get("kind").cloned().unwrap_or_default(),
        ..OrganizationInput::default()
    };
    let no_errors = FieldErrors::default();
    form_page(&req, None, &input, &no_errors, StatusCode::OK).await
}

/// `POST /region/organizations`.
pub(crate) async fn create(
    req: RegionAdminRequest,
    Submitted(form): Submitted<OrganizationForm>,
) -> Page {
    let input = OrganizationInput::from(form);
    let app = &req.app();
    let created = app
        .create_organization(&req.admin, &req.origin, &input)
        .await;
    match settle(&req.state, created)? {
        Outcome::Done(id) => Ok(see_other(&format!(
            "/region/organizations/{id}?done=created"
        ))),
        Outcome::Invalid(errors) => form_page(&req, None, &input, &errors, INVALID).await,
    }
}

/// `GET /region/organizations/{id}/edit`.
pub(crate) async fn edit_form(req: RegionAdminRequest, Path(id): Path<OrganizationId>) -> Page {
    let app = &req.app();
    let org = app
        .admin_organization(&req.admin, id)
        .await
        .map_err(req.fail())?;
    let input = OrganizationInput::from_record(&org.record);
    let no_errors = FieldErrors::default();
    form_page(&req, Some(id), &input, &no_errors, StatusCode::OK).await
}

/// `POST /region/organizations/{id}`: the edited card.
pub(crate) async fn update(
    req: RegionAdminRequest,
    Path(id): Path<OrganizationId>,
    Submitted(form): Submitted<OrganizationForm>,
) -> Page {
    let input = OrganizationInput::from(form);
    let app = &req.app();
    let saved = app
        .update_organization(&req.admin, &req.origin, id, &input)
        .await;
    match settle(&req.state, saved)? {
        Outcome::Done(()) => Ok(see_other(&format!("/region/organizations/{id}?done=saved"))),
        Outcome::Invalid(errors) => form_page(&req, Some(id), &input, &errors, INVALID).await,
    }
}

#[derive(Template)]
#[template(path = "region/organization.html")]
struct OrganizationPage<'a> {
    portal_name: &'a str,
    header: Header,
    notice: Option<&'static str>,
    org: OrganizationRecord,
    kind_title: &'static str,
    active: bool,
    authority_name: String,
    founding_date: String,
    administrators: Vec<AccountBriefRecord>,
    may_have_administrator: bool,
    admin: AdministratorInput,
    admin_errors: FieldErrors,
}

async fn organization_page(
    req: &RegionAdminRequest,
    id: OrganizationId,
    notice: Option<&'static str>,
    admin: AdministratorInput,
    admin_errors: FieldErrors,
    status: StatusCode,
) -> Page {
    let header = req.header().await?;
    let app = &req.app();
    let org = app
        .admin_organization(&req.admin, id)
        .await
        .map_err(req.fail())?;
    let authority_name = match org.record.authority_id {
        Some(a) => {
            let list = app
                .region_authorities(&req.admin)
                .await
                .map_err(req.fail())?;
            let found = list.into_iter().find(|x| x.id == a);
            found.map(|x| x.name).unwrap_or_else(|| "—".into())
        }
        None => "—".into(),
    };
    let page = OrganizationPage {
        portal_name: &req.state.options.portal_name,
        header,
        notice,
        kind_title: org.record.kind.title(),
        may_have_administrator: has_administrator(org.record.kind),
        founding_date: org
            .record
            .founding_date
            .map(|d| d.format("%d.%m.%Y").to_string())
            .unwrap_or_default(),
        org: org.record,
        active: org.active,
        authority_name,
        administrators: org.administrators,
        admin,
        admin_errors,
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /region/organizations/{id}`.
pub(crate) async fn page(
    req: RegionAdminRequest,
    Path(id): Path<OrganizationId>,
    Query(q): Query<HashMap<String, String>>,
) -> Page {
    let notice = match q.get("done").map(String::as_str) {
        Some("created") => Some("Организация создана. Создайте учётную запись её администратора."),
        Some("saved") => Some("Изменения сохранены."),
        Some("opened") => {
            Some("Организация снова работает: она есть на странице входа и в поиске.")
        }
        Some("closed") => Some("Организация закрыта: её нет на странице входа и в поиске."),
        _ => None,
    };
    let (no_input, no_errors) = (AdministratorInput::default(), FieldErrors::default());
    organization_page(&req, id, notice, no_input, no_errors, StatusCode::OK).await
}

/// The open/close form: `active=1` opens, `active=0` closes.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ActiveForm {
    active: bool,
}

/// `POST /region/organizations/{id}/active` with `active=1` (open) or `active=0` (close).
pub(crate) async fn set_active(
    req: RegionAdminRequest,
    Path(id): Path<OrganizationId>,
    Submitted(ActiveForm { active }): Submitted<ActiveForm>,
) -> Response {
    match req
        .app()
        .set_organization_active(&req.admin, &req.origin, id, active)
        .await
    {
        Ok(()) => {
            let done = if active { "opened" } else { "closed" };
            see_other(&format!("/region/organizations/{id}?done={done}"))
        }
        Err(e) => PageError(req.state.clone(), e).into_response(),
    }
}

#[derive(Template)]
#[template(path = "region/issued.html")]
struct IssuedPage<'a> {
    portal_name: &'a str,
    header: Header,
    issued: IssuedAccount,
    kind_title: &'static str,
}

/// The new administrator's form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct AdministratorForm {
    last_name: String,
    first_name: String,
    middle_name: String,
    login: String,
}

/// `POST /region/organizations/{id}/administrators`: creates the account and shows its
/// one-time password once; the answer is not a redirect, so the password never enters a URL.
pub(crate) async fn create_administrator(
    req: RegionAdminRequest,
    Path(id): Path<OrganizationId>,
    Submitted(form): Submitted<AdministratorForm>,
) -> Page {
    let input = AdministratorInput {
        last_name: form.last_name,
        first_name: form.first_name,
        middle_name: form.middle_name,
        login: form.login,
    };
    let created = req
        .app()
        .create_organization_administrator(&req.admin, &req.origin, id, &input)
        .await;
    match settle(&req.state, created)? {
        Outcome::Done(issued) => {
            let header = req.header().await?;
            let page = IssuedPage {
                portal_name: &req.state.options.portal_name,
                header,
                kind_title: issued.organization.kind.title(),
                issued,
            };
            let mut response = render(&page);
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            Ok(response)
        }
        Outcome::Invalid(errors) => organization_page(&req, id, None, input, errors, INVALID).await,
    }
}
