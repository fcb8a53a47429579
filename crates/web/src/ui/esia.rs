//! Sign-in with ESIA (Госуслуги): the start, the provider's callback, the account chooser, the
//! «not linked» page; linking from personal settings; the region's ESIA rules.

use sgo_core::AccountId;
use std::collections::HashMap;

use crate::routes::Routes;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header, header::SET_COOKIE};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use sgo_app::AppError;
use sgo_app::identity::{EsiaAccount, EsiaCallback, EsiaLink, EsiaOutcome, parse_region_esia_form};
use sgo_app::session::{Channel, SignedIn};

use super::{Header, MessagePage, PageError, SESSION_COOKIE, csrf, render};
use crate::AppState;
use crate::cookies;
use crate::extract::ClientOrigin;
use crate::form::outcome::INVALID;
use crate::form::{Fields, Submitted};
use crate::ui::request::{RegionAdminRequest, SignedInRequest, UiRequest};

/// Binds an ESIA round trip to the browser that started it.
pub(crate) const ESIA_COOKIE: &str = "sgo_esia";
/// The provider sends people back here (`public_url` + this path is the redirect URI).
pub(crate) const CALLBACK_PATH: &str = "/esia/callback";

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route("/esia/login", get(start_sign_in))
        .route(CALLBACK_PATH, get(callback))
        .route("/esia/choose", get(choose_page).post(choose))
        .route("/authorize/login", get(client_done))
        .route("/settings/esia", get(settings_page))
        .route("/settings/esia/link", get(link_warning).post(start_link))
        .route("/settings/esia/{id}/unlink", post(unlink))
        .route("/region/esia", get(region_page).post(region_save))
}

fn with_cookies(mut response: Response, values: &[String]) -> Response {
    for v in values {
        if let Ok(h) = HeaderValue::from_str(v) {
            response.headers_mut().append(SET_COOKIE, h);
        }
    }
    response
}

/// A refusal or failure of the ESIA path, on a page that says what to do next.
fn refusal(state: &AppState, e: AppError, back: &str) -> Response {
    match e {
        AppError::LoginRefused(text) => {
            let page = MessagePage {
                portal_name: &state.options.portal_name,
                title: "Вход через портал госуслуг",
                text: &text.to_string(),
                link: back,
                link_text: if back == "/login" {
                    "Вернуться ко входу"
                } else {
                    "Вернуться"
                },
            };
            (StatusCode::FORBIDDEN, render(&page)).into_response()
        }
        e => PageError(state.clone(), e).into_response(),
    }
}

/// `GET /esia/login`: off to the provider.
async fn start_sign_in(State(state): State<AppState>) -> Response {
    match state.app.esia_start_sign_in().await {
        Ok(start) => with_cookies(
            Redirect::to(&start.url).into_response(),
            &[cookies::set(
                ESIA_COOKIE,
                &start.login_state,
                state.options.secure_cookies,
                "Lax",
            )],
        ),
        Err(e) => refusal(&state, e, "/login"),
    }
}

/// Opens the web session and goes where this person starts.
fn signed_in(state: &AppState, signed: &SignedIn) -> Response {
    let target = sgo_core::policy::landing(&signed.actor).path();
    with_cookies(
        Redirect::to(target).into_response(),
        &[
            cookies::set(
                SESSION_COOKIE,
                &signed.token,
                state.options.secure_cookies,
                "Lax",
            ),
            cookies::clear(ESIA_COOKIE),
        ],
    )
}

#[derive(Template)]
#[template(path = "esia/not_linked.html")]
struct NotLinkedPage<'a> {
    portal_name: &'a str,
    name: String,
}

/// `GET /esia/callback?code=…&state=…` (or `error=…`).
async fn callback(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let bound = cookies::get(&headers, ESIA_COOKIE);
    let cb = EsiaCallback {
        code: q.get("code").cloned(),
        state: q.get("state").cloned(),
        error: q.get("error").cloned(),
    };
    match state
        .app
        .esia_callback(&cb, bound.as_deref(), &origin)
        .await
    {
        Ok(EsiaOutcome::SignedIn(signed)) => signed_in(&state, &signed),
        Ok(EsiaOutcome::Choose { auto_linked, .. }) => Redirect::to(if auto_linked {
            "/esia/choose?linked=1"
        } else {
            "/esia/choose"
        })
        .into_response(),
        Ok(EsiaOutcome::NotLinked { name }) => with_cookies(
            render(&NotLinkedPage {
                portal_name: &state.options.portal_name,
                name,
            }),
            &[cookies::clear(ESIA_COOKIE)],
        ),
        Ok(EsiaOutcome::Linked { new }) => with_cookies(
            Redirect::to(if new {
                "/settings/esia?done=linked"
            } else {
                "/settings/esia?done=already"
            })
            .into_response(),
            &[cookies::clear(ESIA_COOKIE)],
        ),
        Ok(EsiaOutcome::WebApi { login_state }) => {
            Redirect::to(&format!("/authorize/login?loginState={login_state}")).into_response()
        }
        Err(e) => refusal(&state, e, "/login"),
    }
}

/// A line of the chooser.
struct Choice {
    account_id: i64,
    organization: String,
    roles: String,
    name: String,
}

fn choices(accounts: Vec<EsiaAccount>) -> Vec<Choice> {
    accounts
        .into_iter()
        .map(|a| Choice {
            account_id: a.account_id,
            organization: a.organization_name,
            roles: a
                .roles
                .iter()
                .map(|r| r.title())
                .collect::<Vec<_>>()
                .join(", "),
            name: a.display_name,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "esia/choose.html")]
struct ChoosePage<'a> {
    portal_name: &'a str,
    csrf: String,
    auto_linked: bool,
    choices: Vec<Choice>,
}

/// `GET /esia/choose`: the accounts this identity may enter.
async fn choose_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let bound = cookies::get(&headers, ESIA_COOKIE);
    let accounts = match state
        .app
        .esia_accounts(
            bound.as_deref().unwrap_or_default(),
            bound.as_deref(),
            Channel::Web,
        )
        .await
    {
        Ok(a) => a,
        Err(e) => return refusal(&state, e, "/login"),
    };
    let (csrf, set_cookie) = csrf::token(&headers, state.options.secure_cookies);
    let page = ChoosePage {
        portal_name: &state.options.portal_name,
        csrf,
        auto_linked: q.contains_key("linked"),
        choices: choices(accounts),
    };
    let mut response = render(&page);
    if let Some(c) = set_cookie {
        response.headers_mut().append(SET_COOKIE, c);
    }
    response
}

/// The chooser's form: the account to enter.
#[derive(Deserialize, Default)]
#[serde(default)]
struct ChooseForm {
    account: String,
}

/// `POST /esia/choose`: enters the chosen account.
async fn choose(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    headers: HeaderMap,
    Submitted(form): Submitted<ChooseForm>,
) -> Response {
    let Ok(account) = form.account.trim().parse::<i64>() else {
        return refusal(
            &state,
            AppError::BadRequest(msg!("esia-account-choice-required")),
            "/esia/choose",
        );
    };
    let bound = cookies::get(&headers, ESIA_COOKIE);
    match state
        .app
        .esia_sign_in(
            bound.as_deref().unwrap_or_default(),
            AccountId::new(account),
            Channel::Web,
            bound.as_deref(),
            &origin,
        )
        .await
    {
        Ok(signed) => signed_in(&state, &signed),
        Err(e) => refusal(&state, e, "/login"),
    }
}

/// `GET /authorize/login?loginState=…`: where a NetSchool client's ESIA round trip ends.
async fn client_done(State(state): State<AppState>) -> Response {
    render(&MessagePage {
        portal_name: &state.options.portal_name,
        title: "Вход через портал госуслуг",
        text: "Вход через портал госуслуг выполнен. Вернитесь в приложение.",
        link: "/login",
        link_text: "Вход на сайт",
    })
}

#[derive(Template)]
#[template(path = "esia/settings.html")]
struct SettingsPage<'a> {
    portal_name: &'a str,
    header: Header,
    enabled: bool,
    notice: Option<&'static str>,
    links: Vec<EsiaLink>,
}

/// `GET /settings/esia`.
async fn settings_page(req: UiRequest, Query(q): Query<HashMap<String, String>>) -> Response {
    let header = match Header::load(&req.state, &req.session).await {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    let links = match req.app().esia_links(&req.session.who.actor).await {
        Ok(l) => l,
        Err(e) => return PageError(req.state, e).into_response(),
    };
    let notice = match q.get("done").map(String::as_str) {
        Some("linked") => Some(
            "Учётная запись портала Госуслуг привязана. Теперь вы можете входить через Госуслуги.",
        ),
        Some("already") => Some("Эта учётная запись портала Госуслуг уже была привязана."),
        Some("unlinked") => Some("Привязка удалена."),
        _ => None,
    };
    render(&SettingsPage {
        portal_name: &req.state.options.portal_name,
        header,
        enabled: req.app().esia_enabled(),
        notice,
        links,
    })
}

#[derive(Template)]
#[template(path = "esia/link_warning.html")]
struct WarningPage<'a> {
    portal_name: &'a str,
    header: Header,
}

/// `GET /settings/esia/link`: the warning before leaving for the provider.
async fn link_warning(UiRequest { state, session, .. }: UiRequest) -> Response {
    if !state.app.esia_enabled() {
        return refusal(
            &state,
            AppError::LoginRefused(msg!("esia-not-configured")),
            "/settings/esia",
        );
    }
    match Header::load(&state, &session).await {
        Ok(header) => render(&WarningPage {
            portal_name: &state.options.portal_name,
            header,
        }),
        Err(e) => e.into_response(),
    }
}

/// `POST /settings/esia/link`: off to the provider to prove the ESIA side. Not by a redirect:
/// browsers hold a redirect that answers a form to the page's `form-action 'self'` and would stop
/// at the provider's address, so a short page sends the browser on (`Refresh`, and a link).
async fn start_link(req: UiRequest, Submitted(_): Submitted<Fields>) -> Response {
    match req.app().esia_start_link(&req.session.who.actor).await {
        Ok(start) => with_cookies(
            onward(&req.state, &start.url),
            &[cookies::set(
                ESIA_COOKIE,
                &start.login_state,
                req.state.options.secure_cookies,
                "Lax",
            )],
        ),
        Err(e) => refusal(&req.state, e, "/settings/esia"),
    }
}

/// A page that sends the browser on to `url` at once.
fn onward(state: &AppState, url: &str) -> Response {
    let Ok(refresh) = HeaderValue::from_str(&format!("0;url={url}")) else {
        return refusal(
            state,
            AppError::LoginRefused(msg!("esia-address-misconfigured")),
            "/settings/esia",
        );
    };
    let mut response = render(&MessagePage {
        portal_name: &state.options.portal_name,
        title: "Переход на портал госуслуг",
        text: "Сейчас откроется портал госуслуг. Если этого не произошло, перейдите по ссылке.",
        link: url,
        link_text: "Перейти на портал госуслуг",
    });
    response.headers_mut().insert(header::REFRESH, refresh);
    response
}

/// `POST /settings/esia/{id}/unlink`.
async fn unlink(req: UiRequest, Path(id): Path<i64>, _: Submitted<Fields>) -> Response {
    let actor = &req.session.who.actor;
    let unlinked = req.app().esia_unlink(actor, id, &req.origin).await;
    req.done_or_fail(unlinked, "/settings/esia?done=unlinked")
}

#[derive(Template)]
#[template(path = "region/esia.html")]
struct RegionPage<'a> {
    portal_name: &'a str,
    header: Header,
    required: bool,
    from: String,
    auto_link: bool,
    error: Option<String>,
    notice: Option<&'static str>,
}

/// `GET /region/esia`: the region's ESIA rules.
async fn region_page(
    req: RegionAdminRequest,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let header = match Header::load(&req.state, &req.session).await {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    let settings = match req.app().region_esia_settings(&req.admin).await {
        Ok(s) => s,
        Err(e) => return PageError(req.state, e).into_response(),
    };
    render(&RegionPage {
        portal_name: &req.state.options.portal_name,
        header,
        required: settings.esia_confirmed_from.is_some(),
        from: settings
            .esia_confirmed_from
            .map(|d| d.to_string())
            .unwrap_or_default(),
        auto_link: settings.esia_auto_link,
        error: None,
        notice: q
            .contains_key("saved")
            .then_some("Настройки входа через Госуслуги сохранены."),
    })
}

/// The region's ESIA rules as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
struct RegionEsiaForm {
    required: bool,
    from: String,
    auto_link: bool,
}

/// `POST /region/esia`.
async fn region_save(
    req: RegionAdminRequest,
    Submitted(form): Submitted<RegionEsiaForm>,
) -> Response {
    let RegionEsiaForm {
        required,
        from,
        auto_link,
    } = form;
    match parse_region_esia_form(required, &from, auto_link) {
        Ok(settings) => {
            match req
                .app()
                .set_region_esia_settings(&req.admin, &req.origin, &settings)
                .await
            {
                Ok(()) => Redirect::to("/region/esia?saved=1").into_response(),
                Err(e) => PageError(req.state, e).into_response(),
            }
        }
        Err(message) => {
            let header = match Header::load(&req.state, &req.session).await {
                Ok(h) => h,
                Err(e) => return e.into_response(),
            };
            let page = RegionPage {
                portal_name: &req.state.options.portal_name,
                header,
                required,
                from,
                auto_link,
                error: Some(message),
                notice: None,
            };
            (INVALID, render(&page)).into_response()
        }
    }
}
