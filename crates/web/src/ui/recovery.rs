//! Password recovery: the request form («Забыли пароль?»), and the page a link from the e-mail
//! opens to choose a new password.

use std::collections::HashMap;

use crate::routes::Routes;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use sgo_app::AppError;
use sgo_app::recovery::{Availability, LINK_INVALID, NewPassword, REQUEST_ANSWER};
use sgo_app::settings::{FieldErrors, FormError};

use super::login::{Cascade, Level, cascade_page, refusal_text};
use super::{MessagePage, PageError, csrf, render};
use crate::AppState;
use crate::extract::ClientOrigin;
use crate::form::Submitted;
use crate::form::outcome::INVALID;

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route("/recover", get(request_page).post(request_submit))
        .route("/recover/{token}", get(reset_page).post(reset_submit))
}

#[derive(Template)]
#[template(path = "recover.html")]
struct RequestPage<'a> {
    portal_name: &'a str,
    levels: Vec<Level>,
    csrf: String,
    who: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "recover_reset.html")]
struct ResetPage<'a> {
    portal_name: &'a str,
    csrf: String,
    token: String,
    login: String,
    display_name: String,
    min_len: usize,
    errors: FieldErrors,
}

impl ResetPage<'_> {
    fn error(&self, field: &str) -> Option<&sgo_app::Message> {
        self.errors.get(field)
    }
}

/// A page that carries a secret in its address: no referrer to other sites, no caching.
fn private(mut response: Response, set_cookie: Option<HeaderValue>) -> Response {
    let h = response.headers_mut();
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Some(c) = set_cookie {
        h.append(header::SET_COOKIE, c);
    }
    response
}

fn message(state: &AppState, status: StatusCode, title: &str, text: &str, link: &str) -> Response {
    let link_text = if link == "/login" {
        "Вернуться ко входу"
    } else {
        "Запросить новую ссылку"
    };
    let page = MessagePage {
        portal_name: &state.options.portal_name,
        title,
        text,
        link,
        link_text,
    };
    private((status, render(&page)).into_response(), None)
}

const SCHOOL_ONLY: &str = "Чтобы получить новый пароль, обратитесь к администратору или классному \
    руководителю в вашей образовательной организации: они выдадут новый временный пароль.";

async fn request_form(
    state: &AppState,
    headers: &HeaderMap,
    chosen: &HashMap<String, String>,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    if state.app.recovery_availability() == Availability::SchoolOnly {
        return message(
            state,
            StatusCode::OK,
            "Восстановление пароля",
            SCHOOL_ONLY,
            "/login",
        );
    }
    let page = |levels, csrf| RequestPage {
        portal_name: &state.options.portal_name,
        levels,
        csrf,
        who: chosen.get("who").cloned().unwrap_or_default(),
        error,
    };
    match cascade_page(state, headers, chosen, status, page).await {
        Ok((response, set_cookie)) => private(response, set_cookie),
        Err(failed) => failed,
    }
}

/// `GET /recover`: the organization (as on the login page) and a login or e-mail address.
async fn request_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(chosen): Query<HashMap<String, String>>,
) -> Response {
    request_form(&state, &headers, &chosen, None, StatusCode::OK).await
}

/// The request form: the organization and who asks.
#[derive(Deserialize, Default)]
#[serde(default)]
struct RequestForm {
    #[serde(flatten)]
    cascade: Cascade,
    who: String,
}

/// `POST /recover`: sends links and answers the same whatever was found. A refused form shows
/// the request page again, which sets a fresh token cookie.
async fn request_submit(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    headers: HeaderMap,
    form: Result<Submitted<RequestForm>, Response>,
) -> Response {
    let form = match form {
        Ok(Submitted(form)) => form,
        Err(refused) => {
            let stale = "Срок действия формы истёк. Повторите запрос.";
            let Some(message) = refusal_text(&refused, stale) else {
                return refused;
            };
            let status = refused.status();
            return request_form(&state, &headers, &HashMap::new(), Some(message), status).await;
        }
    };
    let chosen = form.cascade.chosen(("who", &form.who));
    let who = form.who.trim();
    let missing = who
        .is_empty()
        .then_some("Введите имя пользователя или адрес электронной почты");
    let organization = match form.cascade.organization(missing) {
        Ok(organization) => organization,
        Err(problem) => {
            let problem = Some(problem.to_owned());
            return request_form(&state, &headers, &chosen, problem, StatusCode::BAD_REQUEST).await;
        }
    };
    if let Err(e) = state
        .app
        .request_password_reset(organization, who, &origin)
        .await
    {
        return PageError(state, e).into_response();
    }
    message(
        &state,
        StatusCode::OK,
        "Восстановление пароля",
        REQUEST_ANSWER,
        "/login",
    )
}

fn link_invalid(state: &AppState) -> Response {
    message(
        state,
        StatusCode::GONE,
        "Ссылка недействительна",
        &LINK_INVALID.to_string(),
        "/recover",
    )
}

async fn reset_form(
    state: &AppState,
    headers: &HeaderMap,
    token: String,
    errors: FieldErrors,
    status: StatusCode,
) -> Response {
    let link = match state.app.reset_link(&token).await {
        Ok(l) => l,
        Err(AppError::BadRequest(_)) => return link_invalid(state),
        Err(e) => return PageError(state.clone(), e).into_response(),
    };
    let (csrf, set_cookie) = csrf::token(headers, state.options.secure_cookies);
    let page = ResetPage {
        portal_name: &state.options.portal_name,
        csrf,
        token,
        login: link.login,
        display_name: link.display_name,
        min_len: sgo_app::password::MIN_PASSWORD_LEN,
        errors,
    };
    private((status, render(&page)).into_response(), set_cookie)
}

/// `GET /recover/{token}`: the new-password form, or why the link no longer works.
async fn reset_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    reset_form(
        &state,
        &headers,
        token,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// The new-password form.
#[derive(Deserialize, Default)]
#[serde(default)]
struct ResetForm {
    new_password: String,
    repeat_password: String,
}

/// `POST /recover/{token}`: sets the new password and spends the link. A stale form shows the
/// form again, which sets a fresh token cookie.
async fn reset_submit(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    headers: HeaderMap,
    Path(token): Path<String>,
    form: Result<Submitted<ResetForm>, Response>,
) -> Response {
    let form = match form {
        Ok(Submitted(form)) => form,
        Err(refused) if refused.status() == StatusCode::FORBIDDEN => {
            let mut errors = FieldErrors::default();
            errors.add("new_password", msg!("recovery-form-expired"));
            return reset_form(&state, &headers, token, errors, StatusCode::FORBIDDEN).await;
        }
        Err(refused) => return refused,
    };
    let input = NewPassword {
        new: form.new_password,
        repeat: form.repeat_password,
    };
    match state.app.reset_password(&token, &input, &origin).await {
        Ok(()) => message(
            &state,
            StatusCode::OK,
            "Пароль изменён",
            "Новый пароль сохранён. Все прежние сеансы этой учётной записи завершены: войдите с \
             новым паролем.",
            "/login",
        ),
        Err(FormError::Invalid(errors)) => {
            reset_form(&state, &headers, token, errors, INVALID).await
        }
        Err(FormError::Refused(AppError::BadRequest(_))) => link_invalid(&state),
        Err(FormError::Refused(e)) => PageError(state, e).into_response(),
    }
}
