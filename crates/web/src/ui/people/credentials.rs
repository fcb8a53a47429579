//! Credential sheets: new one-time passwords for a class or the ticked people, as a PDF.

use sgo_core::AccountId;
use std::collections::HashMap;

use askama::Template;
use axum::extract::Query;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sgo_app::AppError;
use sgo_app::credentials::{CredentialRequest, Portal};
use sgo_app::people::PeopleFilter;

use super::super::{Header, PageError, UiSession, render};
use super::{Choice, choice};
use crate::AppState;
use crate::form::Submitted;
use crate::ui::request::UiRequest;

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
        .filter(|r| accounts.contains(&r.account_id.get()))
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
pub(super) async fn page(req: UiRequest, Query(q): Query<HashMap<String, String>>) -> Response {
    let class = q.get("class").and_then(|v| v.parse().ok());
    credentials_form(
        &req.state,
        &req.session,
        class,
        true,
        Vec::new(),
        None,
        StatusCode::OK,
    )
    .await
}

/// The sheet form: a class (with or without parents) or the ticked people, and the confirmation.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct IssueForm {
    class: String,
    parents: bool,
    account: Vec<i64>,
    confirm: bool,
}

/// `POST /people/credentials`: new passwords for a class or the ticked people, as a PDF.
pub(super) async fn issue(
    req: UiRequest,
    headers: HeaderMap,
    Submitted(form): Submitted<IssueForm>,
) -> Response {
    let class_id = form.class.trim().parse::<i64>().ok();
    let with_parents = form.parents;
    let accounts = form.account;
    if !form.confirm {
        let problem = "Подтвердите выдачу: прежние пароли перестанут действовать".to_owned();
        return credentials_form(
            &req.state,
            &req.session,
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
        accounts: accounts.iter().copied().map(AccountId::new).collect(),
    };
    let portal = Portal {
        name: req.state.options.portal_name.clone(),
        url: crate::extract::portal_url(&req.state, &headers),
    };
    match req
        .app()
        .issue_credentials(&req.session.who.actor, &req.origin, &portal, &request)
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
                &req.state,
                &req.session,
                class_id,
                with_parents,
                accounts,
                Some(problem.to_string()),
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(e) => PageError(req.state, e).into_response(),
    }
}
