//! A signed-in request as one extractor: the state, where the request came from and the session,
//! and for administration the capability the policy gave. They run before the path, query and
//! form extractors of the handler, so that the sign-in page or the 403 page answers before any
//! input is read, and handlers do not each repeat the same lines.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use sgo_app::{AppError, Origin};
use sgo_core::policy::{self, RegionAdministration, SchoolAdministrator};

use super::{Header, PageError, UiSession};
use crate::AppState;
use crate::extract::ClientOrigin;

/// A signed-in person's request.
pub(crate) struct UiRequest {
    pub state: AppState,
    pub origin: Origin,
    pub session: UiSession,
}

impl FromRequestParts<AppState> for UiRequest {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let (origin, session, ()) = signed_in_parts(parts, state, |_| Some(())).await?;
        Ok(UiRequest {
            state: state.clone(),
            origin,
            session,
        })
    }
}

/// A school administrator's request (the region administrator is one for every school).
pub(crate) struct SchoolAdminRequest {
    pub state: AppState,
    pub origin: Origin,
    pub session: UiSession,
    pub admin: SchoolAdministrator,
}

/// The region administrator's request.
pub(crate) struct RegionAdminRequest {
    pub state: AppState,
    pub origin: Origin,
    pub session: UiSession,
    pub admin: RegionAdministration,
}

/// The session, the origin and what the policy makes of the actor; `None` is refused.
async fn signed_in_parts<C>(
    parts: &mut Parts,
    state: &AppState,
    capability: impl FnOnce(&sgo_core::Actor) -> Option<C>,
) -> Result<(Origin, UiSession, C), Response> {
    let session = UiSession::from_request_parts(parts, state).await?;
    let Ok(ClientOrigin(origin)) = ClientOrigin::from_request_parts(parts, state).await;
    match capability(&session.who.actor) {
        Some(admin) => Ok((origin, session, admin)),
        None => Err(PageError(state.clone(), AppError::Forbidden).into_response()),
    }
}

impl FromRequestParts<AppState> for SchoolAdminRequest {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let (origin, session, admin) =
            signed_in_parts(parts, state, policy::school_administrator).await?;
        Ok(SchoolAdminRequest {
            state: state.clone(),
            origin,
            session,
            admin,
        })
    }
}

impl FromRequestParts<AppState> for RegionAdminRequest {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let (origin, session, admin) =
            signed_in_parts(parts, state, policy::region_administration).await?;
        Ok(RegionAdminRequest {
            state: state.clone(),
            origin,
            session,
            admin,
        })
    }
}

/// What a page handler answers: the page, or a ready response (an error page, a redirect) that
/// left early through `?`.
pub(crate) type Page = Result<Response, Response>;

/// What every signed-in request can do besides its own work.
pub(crate) trait SignedInRequest {
    /// The server's state.
    fn state(&self) -> &AppState;
    /// The session.
    fn session(&self) -> &UiSession;

    /// The header of signed-in pages, or the error page.
    async fn header(&self) -> Result<Header, Response> {
        Header::load(self.state(), self.session())
            .await
            .map_err(IntoResponse::into_response)
    }

    /// Turns a use case's refusal or failure into the error page.
    fn fail(&self) -> impl Fn(AppError) -> Response {
        let state = self.state().clone();
        move |e| PageError(state.clone(), e).into_response()
    }

    /// After an action without a form to show again: to `to` when it was done (303), else the
    /// error page.
    fn done_or_fail<T>(&self, answer: sgo_app::AppResult<T>, to: &str) -> Response {
        match answer {
            Ok(_) => crate::form::outcome::see_other(to),
            Err(e) => self.fail()(e),
        }
    }
}

macro_rules! signed_in {
    ($($request:ty),*) => {$(
        impl $request {
            /// The use cases.
            pub(crate) fn app(&self) -> &sgo_app::App {
                &self.state.app
            }
        }

        impl SignedInRequest for $request {
            fn state(&self) -> &AppState {
                &self.state
            }
            fn session(&self) -> &UiSession {
                &self.session
            }
        }
    )*};
}

signed_in!(UiRequest, SchoolAdminRequest, RegionAdminRequest);
