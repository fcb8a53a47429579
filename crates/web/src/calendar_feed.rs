//! `/calendar/{secret}.ics`: a person's calendar feed, for calendar programs that cannot sign
//! in; the secret in the address is the only key (see `sgo_app::calendar_feed`).

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::AppState;
use crate::extract::ClientOrigin;
use crate::routes::Routes;

pub(crate) fn routes() -> Routes {
    Routes::new().route("/calendar/{file}", get(feed))
}

/// The address of a feed with `secret`, on the portal's address `portal`.
pub(crate) fn feed_url(portal: &str, secret: &str) -> String {
    format!("{portal}/calendar/{secret}.ics")
}

async fn feed(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    Path(file): Path<String>,
) -> Response {
    let secret = file.strip_suffix(".ics").unwrap_or(&file);
    match state.app.calendar_feed(secret, &origin).await {
        Ok(text) => {
            let mut response = text.into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/calendar; charset=utf-8"),
            );
            response
        }
        Err(e) => {
            let status = crate::error_status::status_of(&e, StatusCode::NOT_FOUND, "calendar feed");
            (status, e.message().to_string()).into_response()
        }
    }
}
