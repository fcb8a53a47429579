//! NetSchool sign-in: `logindata`, `auth/getdata`, `login`/`auth/login`, `auth/logout`.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header::SET_COOKIE};
use axum::response::{IntoResponse, Response};

use sgo_app::new_cookie_id;
use sgo_app::session::{ChallengeAnswer, SignedIn};

use super::dto::{AccountInfo, GetData, IdName, LoginData, LoginResponse};
use super::{ApiError, ApiSession, NS_COOKIE, dates};
use crate::AppState;
use crate::cookies;
use crate::extract::ClientOrigin;
use crate::form::NetSchoolForm;

/// The pre-login cookie: the client's, or a new one to set on the response.
fn session_cookie(headers: &HeaderMap, state: &AppState) -> (String, Option<HeaderValue>) {
    match cookies::get(headers, NS_COOKIE) {
        Some(existing) if existing.len() <= 128 => (existing, None),
        _ => {
            let id = new_cookie_id();
            let header = HeaderValue::from_str(&cookies::set(
                NS_COOKIE,
                &id,
                state.options.secure_cookies,
                "Lax",
            ))
            .ok();
            (id, header)
        }
    }
}

fn with_cookie(mut response: Response, cookie: Option<HeaderValue>) -> Response {
    if let Some(c) = cookie {
        response.headers_mut().append(SET_COOKIE, c);
    }
    response
}

/// `GET logindata`: what sign-in methods exist; also hands out the NSSESSIONID.
pub(crate) async fn logindata(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let (_, cookie) = session_cookie(&headers, &state);
    let body = LoginData {
        product_name: state.options.portal_name.clone(),
        version: env!("CARGO_PKG_VERSION"),
        school_login: state.app.settings().legacy_login,
        em_login: false,
        esia_login: state.app.esia_enabled(),
        esia_login_page: if state.app.esia_enabled() {
            "/webapi/sso/esia/crosslogin"
        } else {
            ""
        },
        esia_main_auth: false,
        esia_button: state.app.esia_enabled(),
        signature_login: false,
        cache_ver: "1",
        windows_auth: false,
        enable_sms: false,
        esa_login: false,
        esa_login_page: "",
    };
    with_cookie(Json(body).into_response(), cookie)
}

/// `POST auth/getdata`: a fresh challenge bound to the NSSESSIONID.
pub(crate) async fn getdata(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (cookie_value, cookie) = session_cookie(&headers, &state);
    let c = state.app.issue_challenge(&cookie_value).await?;
    Ok(with_cookie(
        Json(GetData {
            lt: c.lt,
            ver: c.ver,
            salt: c.salt,
        })
        .into_response(),
        cookie,
    ))
}

/// `POST login` and `POST auth/login`.
pub(crate) async fn login(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    headers: HeaderMap,
    form: NetSchoolForm,
) -> Result<Response, ApiError> {
    match form.get("logintype").unwrap_or("1") {
        "1" => {}
        "8" => {
            return super::esia::login(&state, &form, &origin)
                .await
                .map(IntoResponse::into_response);
        }
        _ => {
            return Err(ApiError(
                StatusCode::BAD_REQUEST,
                msg!("api-login-type-unknown"),
            ));
        }
    }
    let answer = ChallengeAnswer {
        organization_id: form.get("scid").and_then(|v| v.trim().parse().ok()),
        login: form.get("un").unwrap_or_default().to_owned(),
        pw2: form.get("pw2").unwrap_or_default().to_owned(),
        pw: form.get("pw").map(str::to_owned),
        lt: form.get("lt").unwrap_or_default().to_owned(),
    };
    let cookie = cookies::get(&headers, NS_COOKIE);
    let signed = state
        .app
        .answer_challenge(cookie.as_deref(), &answer, &origin)
        .await?;
    // The session is bound to a new server-made NSSESSIONID, never to the pre-login one the
    // client sent; the clients' cookie jars take the new value from this answer.
    let fresh = signed.ns_cookie.as_deref().and_then(|id| {
        HeaderValue::from_str(&cookies::set(
            NS_COOKIE,
            id,
            state.options.secure_cookies,
            "Lax",
        ))
        .ok()
    });
    let body = login_success(&state, signed).await?;
    Ok(with_cookie(body.into_response(), fresh))
}

/// The NetSchool success answer for a new session (§2.4).
pub(crate) async fn login_success(
    state: &AppState,
    signed: SignedIn,
) -> Result<Json<LoginResponse>, ApiError> {
    let me = state.app.whoami(&signed.actor).await?;
    let organization = IdName {
        id: me.organization.id.get(),
        name: me.organization.short_name.clone(),
    };
    let timeout_ms = state.app.settings().session_idle.as_millis() as u64;
    Ok(Json(LoginResponse {
        at: signed.token.clone(),
        code: None,
        time_out: timeout_ms,
        access_token: signed.token.clone(),
        refresh_token: None,
        account_info: AccountInfo {
            active_token: None,
            secure_active_token: None,
            current_organization: IdName {
                id: organization.id,
                name: organization.name.clone(),
            },
            user: IdName {
                id: me.account.id.get(),
                name: me.account.display_name.clone(),
            },
            user_roles: Vec::new(),
            organizations: vec![organization],
            login_time: dates::timestamp(chrono::Utc::now()),
            active: true,
            can_login: true,
            store_tokens: true,
            access_token: signed.token,
        },
        token_type: "Bearer",
        entry_point: "/app/school/studentdiary/",
        request_data: serde_json::json!({ "warnType": "1" }),
        error_message: None,
    }))
}

/// `POST auth/logout`.
pub(crate) async fn logout(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    ApiSession(who): ApiSession,
) -> Result<StatusCode, ApiError> {
    state.app.sign_out(&who, &origin).await?;
    Ok(StatusCode::OK)
}

/// `GET context/expired?token=…`: whether a token is dead (a JSON boolean).
pub(crate) async fn expired(
    State(state): State<AppState>,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> Json<bool> {
    let alive = match q.get("token") {
        Some(t) => state.app.authenticate_token(t).await.is_ok(),
        None => false,
    };
    Json(!alive)
}
