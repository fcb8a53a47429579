//! Probes for load balancers and orchestrators, on the public listener: `/healthz` says the
//! process answers (no database involved, so a database outage does not get every node
//! restarted), `/readyz` says it can serve: the database answers, holds every migration of this
//! program (newer ones are fine: migrations only add), and the server is not stopping.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use sgo_app::operations::Readiness;

use crate::AppState;

fn text(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body,
    )
        .into_response()
}

/// `GET /healthz`: 200 while the process runs.
pub(crate) async fn healthz() -> Response {
    text(StatusCode::OK, "ok".into())
}

/// `GET /readyz`: 200 when this node can serve requests, else 503 with the reason.
pub(crate) async fn readyz(State(state): State<AppState>) -> Response {
    if state.options.lifecycle.is_draining() {
        return text(
            StatusCode::SERVICE_UNAVAILABLE,
            "сервер останавливается".into(),
        );
    }
    match state.app.readiness().await {
        Readiness::Ready => text(StatusCode::OK, "ok".into()),
        Readiness::DatabaseUnreachable => text(
            StatusCode::SERVICE_UNAVAILABLE,
            "нет связи с базой данных".into(),
        ),
        Readiness::SchemaMismatch(schema) => {
            let list = |v: &[i64]| v.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
            let reason = match (schema.missing().as_slice(), schema.failed.as_slice()) {
                (missing, []) => format!("нет миграций {}", list(missing)),
                (_, failed) => format!("не завершены миграции {}", list(failed)),
            };
            text(
                StatusCode::SERVICE_UNAVAILABLE,
                format!("схема базы данных не готова для этой версии программы: {reason}"),
            )
        }
    }
}
