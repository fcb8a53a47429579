//! Personal settings and the password change (also the forced one after a one-time password).

use std::collections::HashMap;

use crate::routes::Routes;
use askama::Template;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::{Deserialize, Deserializer};
use sgo_app::settings::{
    FieldErrors, PasswordInput, PersonalSettings, PreferredChannel, SettingsInput,
};

use super::{Header, PageError, UiSession, render, with_session};
use crate::AppState;
use crate::form::Submitted;
use crate::form::outcome::{INVALID, Outcome, settle};
use crate::ui::request::UiRequest;

/// The password page; also where a one-time password sends a person.
pub(crate) const PASSWORD_PATH: &str = "/settings/password";

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route("/settings", get(page).post(save))
        .route(PASSWORD_PATH, get(password_page).post(password_save))
}

/// A radio button of the preferred channel.
struct ChannelOption {
    code: &'static str,
    title: &'static str,
    checked: bool,
}

/// What the settings form shows: the stored values, or the values just submitted.
struct SettingsValues {
    display_name: String,
    email: String,
    phone: String,
    signature_cert_url: String,
    channel: String,
}

#[derive(Template)]
#[template(path = "settings/index.html")]
struct SettingsPage<'a> {
    portal_name: &'a str,
    header: Header,
    me: PersonalSettings,
    values: SettingsValues,
    channels: Vec<ChannelOption>,
    errors: FieldErrors,
    notice: Option<&'static str>,
}

impl SettingsPage<'_> {
    fn error(&self, field: &str) -> Option<&sgo_app::Message> {
        self.errors.get(field)
    }
}

#[derive(Template)]
#[template(path = "settings/password.html")]
struct PasswordPage<'a> {
    portal_name: &'a str,
    header: Header,
    forced: bool,
    min_len: usize,
    errors: FieldErrors,
}

impl PasswordPage<'_> {
    fn error(&self, field: &str) -> Option<&sgo_app::Message> {
        self.errors.get(field)
    }
}

fn channels(selected: &str) -> Vec<ChannelOption> {
    PreferredChannel::ALL
        .into_iter()
        .map(|c| ChannelOption {
            code: c.code(),
            title: c.title(),
            checked: c.code() == selected,
        })
        .collect()
}

async fn render_settings(
    state: &AppState,
    session: &UiSession,
    values: Option<SettingsValues>,
    errors: FieldErrors,
    notice: Option<&'static str>,
    status: StatusCode,
) -> Response {
    let header = match Header::load(state, session).await {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    let me = match state.app.personal_settings(&session.who.actor).await {
        Ok(m) => m,
        Err(e) => return PageError(state.clone(), e).into_response(),
    };
    let values = values.unwrap_or_else(|| SettingsValues {
        display_name: me.display_name.clone(),
        email: me.email.clone(),
        phone: me.phone.clone(),
        signature_cert_url: me.signature_cert_url.clone(),
        channel: me.preferred_channel.clone(),
    });
    let page = SettingsPage {
        portal_name: &state.options.portal_name,
        header,
        channels: channels(&values.channel),
        me,
        values,
        errors,
        notice,
    };
    (status, render(&page)).into_response()
}

/// `GET /settings`.
async fn page(req: UiRequest, Query(q): Query<HashMap<String, String>>) -> Response {
    let notice = match q.get("saved").map(String::as_str) {
        Some("password") => Some("Пароль изменён"),
        Some(_) => Some("Изменения сохранены"),
        None => None,
    };
    render_settings(
        &req.state,
        &req.session,
        None,
        FieldErrors::default(),
        notice,
        StatusCode::OK,
    )
    .await
}

/// The settings form as sent. The names are shown read-only, so a browser does not send them;
/// a request that does is refused by the use case, even with an empty value.
#[derive(Deserialize, Default)]
#[serde(default)]
struct SettingsForm {
    #[serde(deserialize_with = "sent")]
    last_name: Option<String>,
    #[serde(deserialize_with = "sent")]
    first_name: Option<String>,
    #[serde(deserialize_with = "sent")]
    middle_name: Option<String>,
    display_name: String,
    email: String,
    phone: String,
    preferred_channel: String,
    signature_cert_url: String,
}

/// A field that is in the form, whatever its value (an empty one too).
fn sent<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    String::deserialize(d).map(Some)
}

/// `POST /settings`.
async fn save(req: UiRequest, Submitted(form): Submitted<SettingsForm>) -> Response {
    let input = SettingsInput {
        last_name: form.last_name,
        first_name: form.first_name,
        middle_name: form.middle_name,
        display_name: form.display_name,
        email: form.email,
        phone: form.phone,
        preferred_channel: form.preferred_channel,
        signature_cert_url: form.signature_cert_url,
    };
    let saved = req
        .app()
        .save_personal_settings(&req.session.who.actor, &req.origin, &input)
        .await;
    match settle(&req.state, saved) {
        Ok(Outcome::Done(())) => Redirect::to("/settings?saved=1").into_response(),
        Ok(Outcome::Invalid(errors)) => {
            let values = SettingsValues {
                display_name: input.display_name,
                email: input.email,
                phone: input.phone,
                signature_cert_url: input.signature_cert_url,
                channel: input.preferred_channel,
            };
            render_settings(
                &req.state,
                &req.session,
                Some(values),
                errors,
                None,
                INVALID,
            )
            .await
        }
        Err(page) => page,
    }
}

async fn render_password(
    state: &AppState,
    session: &UiSession,
    errors: FieldErrors,
    status: StatusCode,
) -> Response {
    let header = match Header::load(state, session).await {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    // The stored flag, not the cached one: the page must not ask for a password nobody knows.
    let forced = match state.app.personal_settings(&session.who.actor).await {
        Ok(me) => me.must_change_password,
        Err(e) => return PageError(state.clone(), e).into_response(),
    };
    let page = PasswordPage {
        portal_name: &state.options.portal_name,
        header,
        forced,
        min_len: sgo_app::password::MIN_PASSWORD_LEN,
        errors,
    };
    (status, render(&page)).into_response()
}

/// `GET /settings/password`.
async fn password_page(UiRequest { state, session, .. }: UiRequest) -> Response {
    render_password(&state, &session, FieldErrors::default(), StatusCode::OK).await
}

/// The password form as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
struct PasswordForm {
    current_password: String,
    new_password: String,
    repeat_password: String,
}

/// `POST /settings/password`.
async fn password_save(req: UiRequest, Submitted(form): Submitted<PasswordForm>) -> Response {
    let input = PasswordInput {
        current: form.current_password,
        new: form.new_password,
        repeat: form.repeat_password,
    };
    let changed = req
        .app()
        .change_password(&req.session.who, &req.origin, &input)
        .await;
    match settle(&req.state, changed) {
        Ok(Outcome::Done(token)) => {
            let target = if req.session.who.must_change_password {
                sgo_core::policy::landing(&req.session.who.actor).path()
            } else {
                "/settings?saved=password"
            };
            with_session(&req.state, &token, Redirect::to(target).into_response())
        }
        Ok(Outcome::Invalid(errors)) => {
            render_password(&req.state, &req.session, errors, INVALID).await
        }
        Err(page) => page,
    }
}
