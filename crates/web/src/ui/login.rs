//! The login page with its cascading choice of organization, sign-in and sign-out.

use sgo_core::{MunicipalityId, OrganizationId, RegionId, SettlementId};
use std::collections::HashMap;

use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header::SET_COOKIE};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sgo_app::territory::{CascadeOption, CascadeQuery};
use sgo_app::{AppError, OrganizationKind};

use super::{PageError, SESSION_COOKIE, csrf, first_page, render, with_retry_after, with_session};
use crate::AppState;
use crate::cookies;
use crate::extract::ClientOrigin;
use crate::form::{Fields, Submitted};
use crate::ui::request::UiRequest;
use crate::upload::STALE_FORM;

const LEVELS: [(&str, &str); 5] = [
    ("region", "Регион"),
    ("municipality", "Городской округ / муниципальный район"),
    ("settlement", "Населённый пункт"),
    ("kind", "Тип образовательной организации"),
    ("organization", "Образовательная организация"),
];

/// One select of the cascade.
pub(crate) struct Level {
    pub name: &'static str,
    pub label: &'static str,
    pub options: Vec<CascadeOption>,
    pub selected: String,
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    portal_name: &'a str,
    levels: Vec<Level>,
    csrf: String,
    login: String,
    error: Option<String>,
    /// Said after the person ended every session of theirs.
    notice: Option<&'static str>,
    esia: bool,
}

/// Where «Завершить все сеансы» sends the browser: the sign-in page with its notice.
pub(crate) const ALL_ENDED_PATH: &str = "/login?ended=all";

fn parse_id(v: Option<&String>) -> Option<i64> {
    v.and_then(|s| s.trim().parse().ok())
}

fn cascade_query(chosen: &HashMap<String, String>) -> CascadeQuery {
    CascadeQuery {
        region: (parse_id(chosen.get("region"))).map(RegionId::new),
        municipality: (parse_id(chosen.get("municipality"))).map(MunicipalityId::new),
        settlement: (parse_id(chosen.get("settlement"))).map(SettlementId::new),
        kind: chosen
            .get("kind")
            .and_then(|k| OrganizationKind::from_code(k).ok()),
    }
}

/// Fills each level whose parent is chosen; a valid choice is kept, a single option is chosen.
async fn levels(
    state: &AppState,
    chosen: &HashMap<String, String>,
) -> Result<Vec<Level>, AppError> {
    let mut query = CascadeQuery::default();
    let mut out = Vec::new();
    let mut parent_chosen = true;
    for (name, label) in LEVELS {
        let options = if parent_chosen {
            state.app.cascade(&query).await?
        } else {
            Vec::new()
        };
        let wanted = chosen.get(name).cloned().unwrap_or_default();
        let selected = if options.iter().any(|o| o.id == wanted) {
            wanted
        } else if options.len() == 1 {
            options[0].id.clone()
        } else {
            String::new()
        };
        parent_chosen = !selected.is_empty();
        match name {
            "region" => query.region = selected.parse().ok(),
            "municipality" => query.municipality = selected.parse().ok(),
            "settlement" => query.settlement = selected.parse().ok(),
            "kind" => query.kind = OrganizationKind::from_code(&selected).ok(),
            _ => {}
        }
        out.push(Level {
            name,
            label,
            options,
            selected,
        });
    }
    Ok(out)
}

async fn login_page(
    state: &AppState,
    headers: &HeaderMap,
    chosen: &HashMap<String, String>,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let page = |levels, csrf| LoginPage {
        portal_name: &state.options.portal_name,
        levels,
        csrf,
        login: chosen.get("login").cloned().unwrap_or_default(),
        notice: (chosen.get("ended").map(String::as_str) == Some("all"))
            .then_some("Все сеансы завершены. Войдите снова."),
        error,
        esia: state.app.esia_enabled(),
    };
    let (mut response, set_cookie) = match cascade_page(state, headers, chosen, status, page).await
    {
        Ok(answer) => answer,
        Err(failed) => return failed,
    };
    if let Some(c) = set_cookie {
        response.headers_mut().append(SET_COOKIE, c);
    }
    response
}

/// A page before sign-in with the cascade as `chosen` leaves it: `page` makes it of the levels
/// and a form token; with the cookie that sets the token when it is new. `Err` is the error page.
pub(super) async fn cascade_page<P: Template>(
    state: &AppState,
    headers: &HeaderMap,
    chosen: &HashMap<String, String>,
    status: StatusCode,
    page: impl FnOnce(Vec<Level>, String) -> P,
) -> Result<(Response, Option<HeaderValue>), Response> {
    let (token, set_cookie) = csrf::token(headers, state.options.secure_cookies);
    let levels = levels(state, chosen)
        .await
        .map_err(|e| PageError(state.clone(), e).into_response())?;
    Ok((
        (status, render(&page(levels, token))).into_response(),
        set_cookie,
    ))
}

/// `GET /login[?region=…&…]`.
pub(crate) async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(chosen): Query<HashMap<String, String>>,
) -> Response {
    login_page(&state, &headers, &chosen, None, StatusCode::OK).await
}

/// `GET /login/options?…`: the next level of the cascade as JSON `[{id, name}]`.
pub(crate) async fn options(
    State(state): State<AppState>,
    Query(chosen): Query<HashMap<String, String>>,
) -> Response {
    match state.app.cascade(&cascade_query(&chosen)).await {
        Ok(list) => Json(
            list.into_iter()
                .map(|o| serde_json::json!({ "id": o.id, "name": o.name }))
                .collect::<Vec<_>>(),
        )
        .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "login cascade failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Json(serde_json::json!({ "message": e.to_string() })),
            )
                .into_response()
        }
    }
}

/// The organization as the cascade of the login and recovery forms chose it.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Cascade {
    region: String,
    municipality: String,
    settlement: String,
    kind: String,
    pub organization: String,
}

impl Cascade {
    /// The choices, with one more field typed on the page, as the page shows them again.
    pub(super) fn chosen(&self, typed: (&str, &str)) -> HashMap<String, String> {
        [
            ("region", self.region.as_str()),
            ("municipality", &self.municipality),
            ("settlement", &self.settlement),
            ("kind", &self.kind),
            ("organization", &self.organization),
            typed,
        ]
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect()
    }

    /// The organization chosen, or what the page says instead: that none is chosen, else
    /// `missing` (what the form lacks besides).
    pub(super) fn organization(
        &self,
        missing: Option<&'static str>,
    ) -> Result<OrganizationId, &'static str> {
        match (self.organization.parse::<i64>(), missing) {
            (Err(_), _) => Err("Выберите образовательную организацию"),
            (Ok(_), Some(problem)) => Err(problem),
            (Ok(id), None) => Ok(OrganizationId::new(id)),
        }
    }
}

/// The sign-in form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct LoginForm {
    #[serde(flatten)]
    cascade: Cascade,
    login: String,
    password: String,
}

/// Why a form before sign-in was refused, said on its own page: a stale token (403) or a body
/// that is not a form (400). `None` for a refusal the page cannot help with (too large).
pub(super) fn refusal_text(refused: &Response, stale: &str) -> Option<String> {
    match refused.status() {
        StatusCode::FORBIDDEN => Some(stale.to_owned()),
        StatusCode::BAD_REQUEST => Some("Неверный формат формы".to_owned()),
        _ => None,
    }
}

/// `POST /login`. A refused form shows the login page again, which sets a fresh token cookie.
pub(crate) async fn submit(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    headers: HeaderMap,
    form: Result<Submitted<LoginForm>, Response>,
) -> Response {
    let form = match form {
        Ok(Submitted(form)) => form,
        Err(refused) => {
            let Some(message) =
                refusal_text(&refused, "Срок действия формы истёк. Повторите вход.")
            else {
                return refused;
            };
            let status = refused.status();
            return login_page(&state, &headers, &HashMap::new(), Some(message), status).await;
        }
    };
    // Everything but the password is shown again.
    let chosen = form.cascade.chosen(("login", &form.login));
    let again = |error: String, status| login_page(&state, &headers, &chosen, Some(error), status);
    let login = form.login.trim();
    let password = form.password.as_str();
    let missing =
        (login.is_empty() || password.is_empty()).then_some("Введите имя пользователя и пароль");
    let organization = match form.cascade.organization(missing) {
        Ok(organization) => organization,
        Err(problem) => return again(problem.to_owned(), StatusCode::BAD_REQUEST).await,
    };
    match state
        .app
        .sign_in(organization, login, password, &origin)
        .await
    {
        Ok(signed) => {
            let response = Redirect::to(first_page(&signed)).into_response();
            with_session(&state, &signed.token, response)
        }
        Err(e @ (AppError::InvalidCredentials | AppError::LoginRefused(_))) => {
            again(e.to_string(), StatusCode::UNAUTHORIZED).await
        }
        Err(AppError::TooManyRequests {
            message,
            retry_after,
        }) => {
            let page = again(message.to_string(), StatusCode::TOO_MANY_REQUESTS).await;
            with_retry_after(page, retry_after)
        }
        Err(e) => PageError(state, e).into_response(),
    }
}

/// `POST /logout`. A stale form is answered 400 with the stale-form sentence, as it always was.
pub(crate) async fn logout(req: UiRequest, form: Result<Submitted<Fields>, Response>) -> Response {
    if form.is_err() {
        return PageError(req.state, AppError::BadRequest(STALE_FORM)).into_response();
    }
    if let Err(e) = req.app().sign_out(&req.session.who, &req.origin).await {
        return PageError(req.state, e).into_response();
    }
    let mut response = Redirect::to("/login").into_response();
    if let Ok(v) = HeaderValue::from_str(&cookies::clear(SESSION_COOKIE)) {
        response.headers_mut().append(SET_COOKIE, v);
    }
    response
}
