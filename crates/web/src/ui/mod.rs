//! The HTML interface: server-rendered pages in Russian.

mod announcements;
mod api_tokens;
mod audit_log;
pub(crate) mod csrf;
mod diary;
mod esia;
mod files;
mod home;
mod import;
mod journal;
mod login;
mod mail;
mod passkeys;
mod people;
mod progress;
mod recovery;
mod region;
mod reports;
mod request;
mod resources;
mod school;
mod sessions;
mod settings;
mod student_choice;

use crate::routes::Routes;
use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use sgo_app::AppError;
use sgo_app::session::Authenticated;

use crate::AppState;
use crate::cookies;

pub(crate) use csrf::check as check_csrf;
pub(crate) use csrf::for_session as csrf_token_for;
pub(crate) use esia::CALLBACK_PATH as ESIA_CALLBACK_PATH;

/// The web session cookie.
pub(crate) const SESSION_COOKIE: &str = "sgo_session";

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route("/", get(home::root))
        .route("/login", get(login::page).post(login::submit))
        .route("/login/options", get(login::options))
        .route("/logout", axum::routing::post(login::logout))
        .merge(recovery::routes())
        .route("/home", get(home::page))
        .route("/diary", get(diary::page))
        .merge(region::routes())
        .merge(school::routes())
        .merge(people::routes())
        .merge(import::routes())
        .merge(settings::routes())
        .merge(sessions::routes())
        .merge(api_tokens::routes())
        .merge(esia::routes())
        .merge(audit_log::routes())
        .merge(files::routes())
        .merge(journal::routes())
        .merge(reports::routes())
        .merge(progress::routes())
        .merge(announcements::routes())
        .merge(resources::routes())
        .merge(mail::routes())
        .merge(passkeys::routes())
        .route(
            "/static/app.css",
            get(|| {
                static_file(
                    "text/css; charset=utf-8",
                    include_str!("../../static/app.css"),
                )
            }),
        )
        .route(
            "/static/app.js",
            get(|| {
                static_file(
                    "text/javascript; charset=utf-8",
                    include_str!("../../static/app.js"),
                )
            }),
        )
        .route(
            "/static/login.js",
            get(|| {
                static_file(
                    "text/javascript; charset=utf-8",
                    include_str!("../../static/login.js"),
                )
            }),
        )
}

async fn static_file(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

/// Renders a template, or a plain 500 if the template itself fails.
pub(crate) fn render(t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "Внутренняя ошибка").into_response()
        }
    }
}

/// A page with a title and a sentence: errors and placeholders.
#[derive(Template)]
#[template(path = "message.html")]
pub(crate) struct MessagePage<'a> {
    pub portal_name: &'a str,
    pub title: &'a str,
    pub text: &'a str,
    pub link: &'a str,
    pub link_text: &'a str,
}

/// An error shown as a page with the right status.
pub(crate) struct PageError(pub AppState, pub AppError);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let PageError(state, e) = self;
        if matches!(e, AppError::Unauthenticated) {
            return Redirect::to("/login").into_response();
        }
        let status = crate::error_status::status_of(&e, StatusCode::BAD_REQUEST, "page");
        let text = e.to_string();
        let page = MessagePage {
            portal_name: &state.options.portal_name,
            title: "Ошибка",
            text: &text,
            link: "/",
            link_text: "На главную",
        };
        let response = (status, render(&page)).into_response();
        match e {
            AppError::TooManyRequests { retry_after, .. } => {
                with_retry_after(response, retry_after)
            }
            _ => response,
        }
    }
}

/// The pages a person with a one-time password may still open.
const FORCED_CHANGE_OPEN: [&str; 2] = [settings::PASSWORD_PATH, "/logout"];

/// A signed-in person on the HTML side; anyone else is sent to the login page.
pub(crate) struct UiSession {
    pub who: Authenticated,
    pub csrf: String,
}

impl FromRequestParts<AppState> for UiSession {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = cookies::get(&parts.headers, SESSION_COOKIE)
            .ok_or_else(|| Redirect::to("/login").into_response())?;
        let who = state
            .app
            .authenticate_token(&token)
            .await
            .map_err(|e| PageError(state.clone(), e).into_response())?;
        // After a one-time password nothing opens until a new one is chosen; signing out and the
        // password page itself stay reachable (static files and /login take no session).
        if who.must_change_password && !FORCED_CHANGE_OPEN.contains(&parts.uri.path()) {
            return Err(Redirect::to(settings::PASSWORD_PATH).into_response());
        }
        let csrf = csrf::for_session(&token);
        Ok(UiSession { who, csrf })
    }
}

/// The header of signed-in pages: who is signed in and the sections their roles open.
pub(crate) struct Header {
    pub user_name: String,
    pub organization_name: String,
    pub csrf: String,
    pub nav: Vec<NavLink>,
    /// Unread messages in the inbox, shown beside «Почта».
    pub mail_unread: usize,
}

/// A link of the header's menu.
pub(crate) struct NavLink {
    pub href: &'static str,
    pub title: &'static str,
}

/// The sections the policy opens to the actor, as links.
fn nav_for(actor: &sgo_app::Actor) -> Vec<NavLink> {
    use sgo_core::policy::Section;
    sgo_core::policy::menu(actor)
        .into_iter()
        .map(|section| {
            let (href, title) = match section {
                Section::Diary => ("/diary", "Дневник"),
                Section::Progress => ("/progress", "Успеваемость"),
                Section::Journal => ("/journal", "Журнал"),
                Section::Region => ("/region", "Регион"),
                Section::School => ("/school", "Школа"),
                Section::People => ("/people", "Пользователи"),
                Section::MyClass => ("/people", "Мой класс"),
                Section::AuditLog => ("/changes", "Журнал изменений"),
                Section::Reports => ("/reports", "Отчёты"),
                Section::Announcements => ("/announcements", "Объявления"),
                Section::Resources => ("/resources", "Ресурсы"),
                Section::Mail => ("/mail", "Почта"),
            };
            NavLink { href, title }
        })
        .collect()
}

impl Header {
    pub(crate) async fn load(state: &AppState, session: &UiSession) -> Result<Header, PageError> {
        let me = state
            .app
            .whoami(&session.who.actor)
            .await
            .map_err(|e| PageError(state.clone(), e))?;
        // A badge is a nicety: a failure to count must not break the page.
        let mail_unread = state
            .app
            .unread_mail(&session.who.actor)
            .await
            .map(|ids| ids.len())
            .unwrap_or(0);
        Ok(Header {
            mail_unread,
            user_name: me.account.display_name,
            organization_name: me.organization.short_name,
            csrf: session.csrf.clone(),
            nav: nav_for(&session.who.actor),
        })
    }
}

/// A moment as people read it on the pages: day and minute in the server's time zone.
pub(crate) fn local_time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&chrono::Local)
        .format("%d.%m.%Y %H:%M")
        .to_string()
}

/// When a lesson or a bell runs, as the timetables show it: `08:30–09:15`.
pub(crate) fn time_range(start: chrono::NaiveTime, end: chrono::NaiveTime) -> String {
    format!("{}–{}", start.format("%H:%M"), end.format("%H:%M"))
}

/// `page` telling the browser when to ask again, for an answer refused for the rate.
pub(crate) fn with_retry_after(mut page: Response, seconds: u64) -> Response {
    page.headers_mut()
        .insert(header::RETRY_AFTER, seconds.into());
    page
}

/// `response` with the session cookie of `token`: a new sign-in, or a new password's session.
pub(crate) fn with_session(state: &AppState, token: &str, mut response: Response) -> Response {
    let cookie = cookies::set(SESSION_COOKIE, token, state.options.secure_cookies, "Lax");
    if let Ok(v) = axum::http::HeaderValue::from_str(&cookie) {
        response
            .headers_mut()
            .append(axum::http::header::SET_COOKIE, v);
    }
    response
}

/// Where a person goes right after signing in: the password form while the password must
/// change, else where their role starts.
pub(crate) fn first_page(signed: &sgo_app::session::SignedIn) -> &'static str {
    if signed.must_change_password {
        settings::PASSWORD_PATH
    } else {
        sgo_core::policy::landing(&signed.actor).path()
    }
}
