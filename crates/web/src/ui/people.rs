//! People pages: the user list, person and account cards, parent links, credential sheets.

use std::collections::HashMap;

use crate::routes::Routes;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use sgo_app::credentials::{CredentialRequest, Portal};
use sgo_app::people::{
    ASSIGNABLE_ROLES, FieldErrors, LinkedPerson, PeopleError, PeopleFilter, PersonInput, PersonRow,
};
use sgo_app::{AppError, Role};
use sgo_core::policy::{self, SchoolAdministrator};

use super::{Header, MessagePage, PageError, UiSession, csrf, render};
use crate::AppState;
use crate::extract::{ClientOrigin, FormFields};

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route("/people", get(list))
        .route("/people/export.xlsx", get(export))
        .route("/people/new", get(new_page).post(create))
        .route("/people/credentials", get(credentials_page).post(issue))
        .route("/people/{id}", get(card).post(update))
        .route("/people/{id}/link", post(link))
        .route("/people/{id}/unlink", post(unlink))
        .route("/people/{id}/move", post(move_student))
}

/// A submitted form; a body that is not a form reads as an empty one (its CSRF check fails).
fn form(body: &[u8]) -> FormFields {
    FormFields::parse(body).unwrap_or_default()
}

fn csrf_ok(fields: &FormFields, headers: &HeaderMap) -> bool {
    csrf::check(headers, Some(fields.get("csrf")))
}

fn expired_form(state: &AppState) -> Response {
    let page = MessagePage {
        portal_name: &state.options.portal_name,
        title: "Форма устарела",
        text: "Срок действия формы истёк. Обновите страницу и повторите.",
        link: "/people",
        link_text: "К списку пользователей",
    };
    (StatusCode::FORBIDDEN, render(&page)).into_response()
}

/// An option of a select or a checkbox.
struct Choice {
    value: String,
    name: String,
    selected: bool,
}

/// The actor as a school administrator, asked of the policy before the handler reads any input:
/// anyone else gets the 403 page the use cases answered before they took the capability.
fn administrator(
    state: &AppState,
    session: &UiSession,
) -> Result<SchoolAdministrator, Box<Response>> {
    policy::school_administrator(&session.who.actor)
        .ok_or_else(|| Box::new(PageError(state.clone(), AppError::Forbidden).into_response()))
}

fn choice(value: impl ToString, name: impl Into<String>, selected: bool) -> Choice {
    Choice {
        value: value.to_string(),
        name: name.into(),
        selected,
    }
}

// --- the list ---

fn parse_filter(q: &HashMap<String, String>) -> PeopleFilter {
    let get = |k: &str| q.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    PeopleFilter {
        class_id: get("class").and_then(|v| v.parse().ok()),
        role: get("role").and_then(|v| Role::from_code(v).ok()),
        name: get("q").map(str::to_owned),
        active: match get("active") {
            Some("1") => Some(true),
            Some("0") => Some(false),
            _ => None,
        },
    }
}

/// A row of the list as the template shows it.
struct Line {
    id: i64,
    full_name: String,
    login: String,
    roles: String,
    class: String,
    links: String,
    active: bool,
}

fn names(list: &[LinkedPerson]) -> String {
    list.iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn line(r: PersonRow) -> Line {
    let mut links = Vec::new();
    if !r.children.is_empty() {
        links.push(format!("дети: {}", names(&r.children)));
    }
    if !r.parents.is_empty() {
        links.push(format!("родители: {}", names(&r.parents)));
    }
    Line {
        id: r.account_id,
        roles: r.roles_text(),
        class: r.class.map(|c| c.name).unwrap_or_default(),
        full_name: r.full_name,
        login: r.login,
        links: links.join("; "),
        active: r.active,
    }
}

#[derive(Template)]
#[template(path = "people/list.html")]
struct ListPage<'a> {
    portal_name: &'a str,
    header: Header,
    lines: Vec<Line>,
    classes: Vec<Choice>,
    roles: Vec<Choice>,
    states: Vec<Choice>,
    name: String,
    export_href: String,
    may_edit: bool,
    notice: Option<&'static str>,
}

/// `GET /people`.
async fn list(
    State(state): State<AppState>,
    session: UiSession,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let filter = parse_filter(&q);
    let list = match state.app.list_people(&session.who.actor, &filter).await {
        Ok(l) => l,
        Err(e) => return PageError(state, e).into_response(),
    };
    let header = match Header::load(&state, &session).await {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    let classes = list
        .classes
        .iter()
        .map(|c| choice(c.id, c.name.clone(), filter.class_id == Some(c.id)))
        .collect();
    let roles = ASSIGNABLE_ROLES
        .iter()
        .map(|r| choice(r.code(), r.title(), filter.role == Some(*r)))
        .collect();
    let states = vec![
        choice("1", "Активные", filter.active == Some(true)),
        choice("0", "Отключённые", filter.active == Some(false)),
    ];
    let query: Vec<(&str, &str)> = ["class", "role", "q", "active"]
        .iter()
        .filter_map(|k| q.get(*k).map(|v| (*k, v.as_str())))
        .collect();
    let export_href = format!(
        "/people/export.xlsx?{}",
        serde_urlencoded::to_string(&query).unwrap_or_default()
    );
    let notice = match q.get("done").map(String::as_str) {
        Some("created") => Some("Пользователь создан."),
        _ => None,
    };
    render(&ListPage {
        portal_name: &state.options.portal_name,
        header,
        lines: list.rows.into_iter().map(line).collect(),
        classes,
        roles,
        states,
        name: filter.name.unwrap_or_default(),
        export_href,
        may_edit: list.may_edit,
        notice,
    })
}

/// `GET /people/export.xlsx`: the filtered list as a spreadsheet.
async fn export(
    State(state): State<AppState>,
    session: UiSession,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    match state
        .app
        .export_people_xlsx(&session.who.actor, &parse_filter(&q))
        .await
    {
        Ok(bytes) => (
            [
                (
                    header::CONTENT_TYPE,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"people.xlsx\"",
                ),
                (header::CACHE_CONTROL, "no-store"),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => PageError(state, e).into_response(),
    }
}

// --- the person form ---

/// The person form's values as typed, to show again with the errors.
#[derive(Default)]
struct FormValues {
    last_name: String,
    first_name: String,
    middle_name: String,
    birth_date: String,
    gender: String,
    snils: String,
    login: String,
    display_name: String,
    roles: Vec<String>,
    class_id: String,
    class_from: String,
    children: Vec<i64>,
    active: bool,
}

impl FormValues {
    fn from_fields(f: &FormFields) -> FormValues {
        FormValues {
            last_name: f.get("last_name").into(),
            first_name: f.get("first_name").into(),
            middle_name: f.get("middle_name").into(),
            birth_date: f.get("birth_date").into(),
            gender: f.get("gender").into(),
            snils: f.get("snils").into(),
            login: f.get("login").into(),
            display_name: f.get("display_name").into(),
            roles: f.all("roles"),
            class_id: f.get("class_id").into(),
            class_from: f.get("class_from").into(),
            children: f.ids("children"),
            active: f.get("active") == "1",
        }
    }

    fn input(&self) -> PersonInput {
        PersonInput {
            last_name: self.last_name.clone(),
            first_name: self.first_name.clone(),
            middle_name: self.middle_name.clone(),
            birth_date: self.birth_date.clone(),
            gender: self.gender.clone(),
            snils: self.snils.clone(),
            login: self.login.clone(),
            display_name: self.display_name.clone(),
            roles: self.roles.clone(),
            class_id: self.class_id.clone(),
            class_from: self.class_from.clone(),
            children: self.children.clone(),
            active: self.active,
        }
    }

    fn role_choices(&self) -> Vec<Choice> {
        ASSIGNABLE_ROLES
            .iter()
            .map(|r| {
                choice(
                    r.code(),
                    r.title(),
                    self.roles.iter().any(|c| c == r.code()),
                )
            })
            .collect()
    }

    fn gender_choices(&self) -> Vec<Choice> {
        sgo_core::person::Gender::ALL
            .iter()
            .map(|g| choice(g.code(), g.title(), self.gender == g.code()))
            .collect()
    }
}

/// Error messages of the form by field, as the template asks for them.
struct Errors(FieldErrors);

impl Errors {
    fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field)
    }
}

#[derive(Template)]
#[template(path = "people/new.html")]
struct NewPage<'a> {
    portal_name: &'a str,
    header: Header,
    form: FormValues,
    errors: Errors,
    role_choices: Vec<Choice>,
    genders: Vec<Choice>,
    classes: Vec<Choice>,
    students: Vec<Choice>,
}

async fn new_form(
    state: &AppState,
    session: &UiSession,
    admin: &SchoolAdministrator,
    form: FormValues,
    errors: FieldErrors,
    status: StatusCode,
) -> Response {
    let options = match state.app.person_form_options(admin).await {
        Ok(o) => o,
        Err(e) => return PageError(state.clone(), e).into_response(),
    };
    let header = match Header::load(state, session).await {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    let classes = options
        .classes
        .iter()
        .map(|c| choice(c.id, c.name.clone(), form.class_id == c.id.to_string()))
        .collect();
    let students = options
        .students
        .iter()
        .map(|s| {
            choice(
                s.account_id,
                s.name.clone(),
                form.children.contains(&s.account_id),
            )
        })
        .collect();
    let page = NewPage {
        portal_name: &state.options.portal_name,
        header,
        role_choices: form.role_choices(),
        genders: form.gender_choices(),
        form,
        errors: Errors(errors),
        classes,
        students,
    };
    (status, render(&page)).into_response()
}

/// `GET /people/new`.
async fn new_page(State(state): State<AppState>, session: UiSession) -> Response {
    let admin = match administrator(&state, &session) {
        Ok(admin) => admin,
        Err(refusal) => return *refusal,
    };
    let form = FormValues {
        active: true,
        ..FormValues::default()
    };
    new_form(
        &state,
        &session,
        &admin,
        form,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// `POST /people/new`.
async fn create(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    session: UiSession,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let admin = match administrator(&state, &session) {
        Ok(admin) => admin,
        Err(refusal) => return *refusal,
    };
    let fields = form(&body);
    if !csrf_ok(&fields, &headers) {
        return expired_form(&state);
    }
    let form = FormValues::from_fields(&fields);
    match state
        .app
        .create_person(&admin, &origin, &form.input())
        .await
    {
        Ok(id) => Redirect::to(&format!("/people/{id}?done=created")).into_response(),
        Err(PeopleError::Invalid(errors)) => {
            new_form(
                &state,
                &session,
                &admin,
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(PeopleError::App(e)) => PageError(state, e).into_response(),
    }
}

// --- the card ---

/// A stay in a class as the card lists it.
struct Stay {
    class: String,
    year: String,
    from: String,
    to: String,
}

fn date_text(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

#[derive(Template)]
#[template(path = "people/card.html")]
struct CardPage<'a> {
    portal_name: &'a str,
    header: Header,
    id: i64,
    title: String,
    login: String,
    roles: String,
    class: String,
    active: bool,
    must_change: bool,
    may_edit: bool,
    is_student: bool,
    is_parent: bool,
    children: Vec<LinkedPerson>,
    parents: Vec<LinkedPerson>,
    history: Vec<Stay>,
    form: FormValues,
    errors: Errors,
    role_choices: Vec<Choice>,
    genders: Vec<Choice>,
    move_classes: Vec<Choice>,
    link_students: Vec<Choice>,
    link_parents: Vec<Choice>,
    today: String,
    notice: Option<&'static str>,
    problem: Option<String>,
}

struct CardState {
    form: Option<FormValues>,
    errors: FieldErrors,
    notice: Option<&'static str>,
    problem: Option<String>,
    status: StatusCode,
}

async fn card_page(state: &AppState, session: &UiSession, id: i64, with: CardState) -> Response {
    let card = match state.app.person_card(&session.who.actor, id).await {
        Ok(c) => c,
        Err(e) => return PageError(state.clone(), e).into_response(),
    };
    let header = match Header::load(state, session).await {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    let r = &card.record;
    let form = with.form.unwrap_or_else(|| FormValues {
        last_name: r.last_name.clone(),
        first_name: r.first_name.clone(),
        middle_name: r.middle_name.clone(),
        birth_date: r.birth_date.map(|d| d.to_string()).unwrap_or_default(),
        gender: r.gender.clone().unwrap_or_default(),
        snils: r.snils.clone().unwrap_or_default(),
        login: r.login.clone(),
        display_name: r.display_name.clone(),
        roles: card.row.roles.iter().map(|r| r.code().to_owned()).collect(),
        class_id: String::new(),
        class_from: String::new(),
        children: Vec::new(),
        active: r.active,
    });
    let current = card.row.class.as_ref().map(|c| c.id);
    let page = CardPage {
        portal_name: &state.options.portal_name,
        header,
        id,
        title: card.row.full_name.clone(),
        login: r.login.clone(),
        roles: card.row.roles_text(),
        class: card
            .row
            .class
            .as_ref()
            .map(|c| c.name.clone())
            .unwrap_or_default(),
        active: r.active,
        must_change: r.must_change_password,
        may_edit: card.may_edit,
        is_student: card.row.roles.contains(&Role::Student),
        is_parent: card.row.roles.contains(&Role::Parent),
        children: card.row.children.clone(),
        parents: card.row.parents.clone(),
        history: card
            .history
            .iter()
            .map(|h| Stay {
                class: format!("{}{}", h.grade, h.letter),
                year: h.year_name.clone(),
                from: date_text(h.from_date),
                to: h.to_date.map(date_text).unwrap_or_default(),
            })
            .collect(),
        role_choices: form.role_choices(),
        genders: form.gender_choices(),
        form,
        errors: Errors(with.errors),
        move_classes: card
            .classes
            .iter()
            .filter(|c| Some(c.id) != current)
            .map(|c| choice(c.id, c.name.clone(), false))
            .collect(),
        link_students: card
            .link_students
            .iter()
            .map(|s| choice(s.account_id, s.name.clone(), false))
            .collect(),
        link_parents: card
            .link_parents
            .iter()
            .map(|s| choice(s.account_id, s.name.clone(), false))
            .collect(),
        today: state.app.today().to_string(),
        notice: with.notice,
        problem: with.problem,
    };
    (with.status, render(&page)).into_response()
}

/// `GET /people/{id}`.
async fn card(
    State(state): State<AppState>,
    session: UiSession,
    Path(id): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let notice = match q.get("done").map(String::as_str) {
        Some("created") => Some("Пользователь создан."),
        Some("saved") => Some("Изменения сохранены."),
        Some("linked") => Some("Связь родителя и ученика обновлена."),
        Some("moved") => Some("Перевод ученика записан."),
        _ => None,
    };
    let with = CardState {
        form: None,
        errors: FieldErrors::default(),
        notice,
        problem: None,
        status: StatusCode::OK,
    };
    card_page(&state, &session, id, with).await
}

/// `POST /people/{id}`: edit the person and the account.
async fn update(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    session: UiSession,
    Path(id): Path<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let admin = match administrator(&state, &session) {
        Ok(admin) => admin,
        Err(refusal) => return *refusal,
    };
    let fields = form(&body);
    if !csrf_ok(&fields, &headers) {
        return expired_form(&state);
    }
    let form = FormValues::from_fields(&fields);
    match state
        .app
        .update_person(&admin, &origin, id, &form.input())
        .await
    {
        Ok(()) => Redirect::to(&format!("/people/{id}?done=saved")).into_response(),
        Err(PeopleError::Invalid(errors)) => {
            let with = CardState {
                form: Some(form),
                errors,
                notice: None,
                problem: None,
                status: StatusCode::UNPROCESSABLE_ENTITY,
            };
            card_page(&state, &session, id, with).await
        }
        Err(PeopleError::App(e)) => PageError(state, e).into_response(),
    }
}

/// A refusal on the card shown above it (bad date, wrong choice) rather than on an error page.
async fn card_problem(state: &AppState, session: &UiSession, id: i64, e: AppError) -> Response {
    match e {
        AppError::BadRequest(message) => {
            let with = CardState {
                form: None,
                errors: FieldErrors::default(),
                notice: None,
                problem: Some(message),
                status: StatusCode::BAD_REQUEST,
            };
            card_page(state, session, id, with).await
        }
        e => PageError(state.clone(), e).into_response(),
    }
}

/// The two ends of a link form on the card of `id`: the other end is `student` or `parent`.
fn link_ends(id: i64, fields: &FormFields) -> Option<(i64, i64)> {
    if let Ok(student) = fields.get("student").trim().parse::<i64>() {
        Some((id, student))
    } else if let Ok(parent) = fields.get("parent").trim().parse::<i64>() {
        Some((parent, id))
    } else {
        None
    }
}

async fn change_link(
    state: AppState,
    origin: sgo_app::Origin,
    session: UiSession,
    id: i64,
    headers: HeaderMap,
    body: Bytes,
    add: bool,
) -> Response {
    let admin = match administrator(&state, &session) {
        Ok(admin) => admin,
        Err(refusal) => return *refusal,
    };
    let fields = form(&body);
    if !csrf_ok(&fields, &headers) {
        return expired_form(&state);
    }
    let Some((parent, student)) = link_ends(id, &fields) else {
        let e = AppError::BadRequest("Выберите, кого связать".into());
        return card_problem(&state, &session, id, e).await;
    };
    let done = if add {
        state
            .app
            .link_parent(&admin, &origin, parent, student)
            .await
    } else {
        state
            .app
            .unlink_parent(&admin, &origin, parent, student)
            .await
    };
    match done {
        Ok(()) => Redirect::to(&format!("/people/{id}?done=linked")).into_response(),
        Err(e) => card_problem(&state, &session, id, e).await,
    }
}

/// `POST /people/{id}/link`.
async fn link(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    session: UiSession,
    Path(id): Path<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    change_link(state, origin, session, id, headers, body, true).await
}

/// `POST /people/{id}/unlink`.
async fn unlink(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    session: UiSession,
    Path(id): Path<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    change_link(state, origin, session, id, headers, body, false).await
}

/// `POST /people/{id}/move`: to another class, or out of the school with an empty class.
async fn move_student(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    session: UiSession,
    Path(id): Path<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let admin = match administrator(&state, &session) {
        Ok(admin) => admin,
        Err(refusal) => return *refusal,
    };
    let fields = form(&body);
    if !csrf_ok(&fields, &headers) {
        return expired_form(&state);
    }
    let class = match fields.get("class").trim() {
        "" => None,
        v => match v.parse::<i64>() {
            Ok(c) => Some(c),
            Err(_) => {
                let e = AppError::BadRequest("Выберите класс из списка".into());
                return card_problem(&state, &session, id, e).await;
            }
        },
    };
    let Ok(date) = NaiveDate::parse_from_str(fields.get("date").trim(), "%Y-%m-%d") else {
        let e = AppError::BadRequest("Укажите дату перевода".into());
        return card_problem(&state, &session, id, e).await;
    };
    match state
        .app
        .move_student(&admin, &origin, id, class, date)
        .await
    {
        Ok(()) => Redirect::to(&format!("/people/{id}?done=moved")).into_response(),
        Err(e) => card_problem(&state, &session, id, e).await,
    }
}

// --- credential sheets ---

#[derive(Template)]
#[template(path = "people/credentials.html")]
struct CredentialsPage<'a> {
    portal_name: &'a str,
    header: Header,
    classes: Vec<Choice>,
    with_parents: bool,
    accounts: Vec<Choice>,
    problem: Option<String>,
}

async fn credentials_form(
    state: &AppState,
    session: &UiSession,
    chosen_class: Option<i64>,
    with_parents: bool,
    accounts: Vec<i64>,
    problem: Option<String>,
    status: StatusCode,
) -> Response {
    let list = match state
        .app
        .list_people(&session.who.actor, &PeopleFilter::default())
        .await
    {
        Ok(l) => l,
        Err(e) => return PageError(state.clone(), e).into_response(),
    };
    let header = match Header::load(state, session).await {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    let picked = list
        .rows
        .iter()
        .filter(|r| accounts.contains(&r.account_id))
        .map(|r| choice(r.account_id, format!("{} ({})", r.full_name, r.login), true))
        .collect();
    let page = CredentialsPage {
        portal_name: &state.options.portal_name,
        header,
        classes: list
            .classes
            .iter()
            .map(|c| choice(c.id, c.name.clone(), chosen_class == Some(c.id)))
            .collect(),
        with_parents,
        accounts: picked,
        problem,
    };
    (status, render(&page)).into_response()
}

/// `GET /people/credentials[?class=…]`.
async fn credentials_page(
    State(state): State<AppState>,
    session: UiSession,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let class = q.get("class").and_then(|v| v.parse().ok());
    credentials_form(
        &state,
        &session,
        class,
        true,
        Vec::new(),
        None,
        StatusCode::OK,
    )
    .await
}

/// The portal's address for the sheet: `public_url` when configured (the `Host` header is the
/// client's to choose), else the address the person reached it by.
fn portal_url(state: &AppState, headers: &HeaderMap) -> String {
    let public = state.app.settings().public_url.trim().trim_end_matches('/');
    if !public.is_empty() {
        return public.to_owned();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    let scheme = if state.options.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

/// `POST /people/credentials`: new passwords for a class or the ticked people, as a PDF.
async fn issue(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    session: UiSession,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let fields = form(&body);
    if !csrf_ok(&fields, &headers) {
        return expired_form(&state);
    }
    let class_id = fields.get("class").trim().parse::<i64>().ok();
    let with_parents = fields.get("parents") == "1";
    let accounts = fields.ids("account");
    if fields.get("confirm") != "1" {
        let problem = "Подтвердите выдачу: прежние пароли перестанут действовать".to_owned();
        return credentials_form(
            &state,
            &session,
            class_id,
            with_parents,
            accounts,
            Some(problem),
            StatusCode::BAD_REQUEST,
        )
        .await;
    }
    let request = CredentialRequest {
        class_id,
        with_parents,
        accounts: accounts.clone(),
    };
    let portal = Portal {
        name: state.options.portal_name.clone(),
        url: portal_url(&state, &headers),
    };
    match state
        .app
        .issue_credentials(&session.who.actor, &origin, &portal, &request)
        .await
    {
        Ok(sheet) => (
            [
                (header::CONTENT_TYPE, "application/pdf".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}\"", sheet.file_name),
                ),
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ],
            sheet.pdf,
        )
            .into_response(),
        Err(AppError::BadRequest(problem)) => {
            credentials_form(
                &state,
                &session,
                class_id,
                with_parents,
                accounts,
                Some(problem),
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(e) => PageError(state, e).into_response(),
    }
}
