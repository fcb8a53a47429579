//! The SignalR hub `signalr/queueHub` as netschoolpy uses it: a WebSocket without `/negotiate`,
//! the JSON protocol (records end with `\x1e`), `startTaskAsync(taskId, queueKey)` answered
//! once the queued report is built, followed by a `complete` invocation carrying the file id.

use std::collections::HashMap;
use std::time::Duration;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};
use sgo_app::{Actor, AppError};
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep_until};

use crate::AppState;
use crate::cookies;
use crate::webapi::input::Selection;
use crate::webapi::{ApiError, NS_COOKIE};

/// The record separator of the SignalR text protocols.
const RS: char = '\u{1e}';
/// The largest message or unfinished record a client may send; real ones are under 200 bytes.
const MAX_MESSAGE: usize = 64 << 10;
/// How long a client has for its handshake.
const HANDSHAKE_WAIT: Duration = Duration::from_secs(30);
/// How long a connection may stay silent while no report is awaited.
const IDLE_WAIT: Duration = Duration::from_secs(300);
/// How often the server pings: netschoolpy gives up after 15 s without a message.
const PING_EVERY: Duration = Duration::from_secs(10);
/// How long one `startTaskAsync` waits for its report.
const TASK_LIMIT: Duration = Duration::from_secs(300);
/// Reports awaited at once on one connection.
const MAX_PENDING: usize = 4;

/// `GET signalr/queueHub?at=…` (WebSocket): signed in by the `at` value, else like the rest of
/// the API (the `at` header or the NetSchool cookie). A refused sign-in is a plain 401; a browser
/// handshake from another site's page (its `Origin`) is refused with 403 before anything else.
pub(crate) async fn queue_hub(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    if !crate::same_origin::allowed(&headers, &state.app.settings().public_url) {
        return Err(ApiError(StatusCode::FORBIDDEN, msg!("api-foreign-origin")));
    }
    let at = query
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("at"))
        .map(|(_, v)| v.clone())
        .or_else(|| {
            headers
                .get("at")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        })
        .filter(|v| !v.is_empty());
    let who = match (at, cookies::get(&headers, NS_COOKIE)) {
        (Some(at), _) => state.app.authenticate_token(&at).await,
        (None, Some(cookie)) => state.app.authenticate_cookie(&cookie).await,
        (None, None) => Err(AppError::Unauthenticated),
    }?;
    Ok(ws
        .max_message_size(MAX_MESSAGE)
        .max_frame_size(MAX_MESSAGE)
        .on_upgrade(move |socket| serve(socket, state, who.actor)))
}

/// What became of one awaited report: the file id, or why there is none.
type Outcome = (Option<String>, Result<i64, String>);

fn record(value: &Value) -> String {
    let mut text = value.to_string();
    text.push(RS);
    text
}

/// What the connection does after a client record.
enum Step {
    /// Send these records (may be none).
    Reply(Vec<Value>),
    /// Start waiting for a report.
    Start {
        invocation: Option<String>,
        task_id: i64,
        queue_key: String,
    },
    /// Close the connection, after these records.
    Close(Vec<Value>),
}

fn invocation_error(invocation: Option<String>, message: &str) -> Step {
    match invocation {
        Some(id) => Step::Reply(vec![
            json!({"type": 3, "invocationId": id, "error": message}),
        ]),
        None => Step::Reply(Vec::new()),
    }
}

/// The handshake record: the JSON protocol, any version 1.
fn handshake(text: &str) -> Step {
    let value: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    if value
        .get("protocol")
        .and_then(Value::as_str)
        .is_some_and(|p| p.eq_ignore_ascii_case("json"))
    {
        Step::Reply(vec![json!({})])
    } else {
        Step::Close(vec![
            json!({"error": "Поддерживается только протокол json версии 1"}),
        ])
    }
}

/// An integer argument, sent as a number or a string.
fn int_arg(v: Option<&Value>) -> Option<i64> {
    let v = v?;
    v.as_i64()
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

/// A record after the handshake.
fn message(text: &str) -> Step {
    let Ok(value) = serde_json::from_str::<Value>(text) else {
        return Step::Close(vec![
            json!({"type": 7, "error": "Неверное сообщение SignalR"}),
        ]);
    };
    match value.get("type").and_then(Value::as_i64) {
        Some(1) => {
            let invocation = value
                .get("invocationId")
                .and_then(Value::as_str)
                .map(str::to_owned);
            let target = value.get("target").and_then(Value::as_str).unwrap_or("");
            if !target.eq_ignore_ascii_case("startTaskAsync") {
                return invocation_error(invocation, &format!("Метод «{target}» не найден"));
            }
            let args = value.get("arguments").and_then(Value::as_array);
            let task_id = int_arg(args.and_then(|a| a.first()));
            let key = args
                .and_then(|a| a.get(1))
                .and_then(Value::as_str)
                .map(str::to_owned);
            match (task_id, key) {
                (Some(task_id), Some(queue_key)) => Step::Start {
                    invocation,
                    task_id,
                    queue_key,
                },
                _ => invocation_error(
                    invocation,
                    "startTaskAsync ждёт номер задания и ключ очереди",
                ),
            }
        }
        Some(6) => Step::Reply(vec![json!({"type": 6})]),
        Some(7) => Step::Close(Vec::new()),
        // Stream items, cancellations and acknowledgements ask nothing of this hub.
        _ => Step::Reply(Vec::new()),
    }
}

/// The records announcing an outcome: the invocation's completion, then `complete`.
fn outcome_records((invocation, result): Outcome) -> Vec<Value> {
    let mut out = Vec::new();
    match result {
        Ok(file_id) => {
            if let Some(id) = invocation {
                out.push(json!({"type": 3, "invocationId": id, "result": {"success": true}}));
            }
            out.push(json!({
                "type": 1,
                "target": "complete",
                "arguments": [{"data": file_id.to_string()}],
            }));
        }
        Err(message) => {
            if let Some(id) = invocation {
                out.push(json!({
                    "type": 3,
                    "invocationId": id,
                    "result": {"success": false, "message": message},
                }));
            }
        }
    }
    out
}

async fn send(socket: &mut WebSocket, records: &[Value]) -> bool {
    if records.is_empty() {
        return true;
    }
    let text: String = records.iter().map(record).collect();
    socket.send(Message::Text(text.into())).await.is_ok()
}

/// One connection: the handshake, then invocations until the client leaves or falls silent.
async fn serve(mut socket: WebSocket, state: AppState, actor: Actor) {
    let mut buffer = String::new();
    let mut handshaken = false;
    let mut tasks: JoinSet<Outcome> = JoinSet::new();
    let mut ping = tokio::time::interval_at(Instant::now() + PING_EVERY, PING_EVERY);
    let mut deadline = Instant::now() + HANDSHAKE_WAIT;
    'connection: loop {
        tokio::select! {
            incoming = socket.recv() => {
                let text = match incoming {
                    Some(Ok(Message::Text(t))) => t.to_string(),
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                    // The JSON protocol is text only; anything else ends the connection.
                    _ => break,
                };
                deadline = Instant::now() + IDLE_WAIT;
                buffer.push_str(&text);
                while let Some(end) = buffer.find(RS) {
                    let item: String = buffer.drain(..=end).collect();
                    let item = item.trim_end_matches(RS);
                    let step = if handshaken {
                        message(item)
                    } else {
                        handshaken = true;
                        handshake(item)
                    };
                    match step {
                        Step::Reply(records) => {
                            if !send(&mut socket, &records).await {
                                break 'connection;
                            }
                        }
                        Step::Start { invocation, task_id, queue_key } => {
                            if tasks.len() >= MAX_PENDING {
                                let refused = outcome_records((
                                    invocation,
                                    Err("Слишком много отчётов строится сразу".into()),
                                ));
                                if !send(&mut socket, &refused).await {
                                    break 'connection;
                                }
                                continue;
                            }
                            let (state, actor) = (state.clone(), actor.clone());
                            tasks.spawn(async move {
                                (invocation, await_report(&state, &actor, task_id, &queue_key).await)
                            });
                        }
                        Step::Close(records) => {
                            send(&mut socket, &records).await;
                            break 'connection;
                        }
                    }
                }
                if buffer.len() > MAX_MESSAGE {
                    send(&mut socket, &[json!({"type": 7, "error": "Слишком длинное сообщение"})]).await;
                    break;
                }
            }
            Some(done) = tasks.join_next(), if !tasks.is_empty() => {
                deadline = Instant::now() + IDLE_WAIT;
                let Ok(outcome) = done else { continue };
                if !send(&mut socket, &outcome_records(outcome)).await {
                    break;
                }
            }
            _ = ping.tick(), if handshaken => {
                if !send(&mut socket, &[json!({"type": 6})]).await {
                    break;
                }
            }
            () = sleep_until(deadline), if tasks.is_empty() => break,
        }
    }
    let _ = socket.send(Message::Close(None)).await;
}

fn message_of(e: AppError) -> String {
    match e {
        AppError::Store(_) | AppError::Auth(_) | AppError::Report(_) => {
            tracing::error!(error = %e, "report task failed in the queue hub");
            "Не удалось построить отчёт".into()
        }
        other => other.to_string(),
    }
}

/// Waits for the actor's queued report named by the task id and its queue key.
async fn await_report(
    state: &AppState,
    actor: &Actor,
    task_id: i64,
    queue_key: &str,
) -> Result<i64, String> {
    queue::await_report(state, actor, task_id, queue_key, TASK_LIMIT)
        .await
        .map_err(message_of)
}

/// Queues a report; the task id and the queue key.
pub(crate) async fn enqueue(
    state: &AppState,
    actor: &Actor,
    selection: Selection,
) -> Result<(i64, String), ApiError> {
    Ok(queue::enqueue(state, actor, selection).await?)
}

/// A finished report of the actor as HTML.
pub(crate) async fn report_html(
    state: &AppState,
    actor: &Actor,
    id: i64,
) -> Result<String, ApiError> {
    Ok(queue::report_html(state, actor, id).await?)
}

/// The bridge to the app's report queue: a NetSchool task is a report job, its file the job's
/// document.
mod queue {
    use std::time::Duration;

    use sgo_app::reports::{ReportFormat, ReportJobState, ReportRequest, write_document};
    use sgo_app::{Actor, AppError, AppResult};

    use crate::AppState;
    use crate::webapi::input::{Selection, Span};

    fn missing() -> AppError {
        AppError::NotFound(msg!("report-not-found-or-expired"))
    }

    pub(super) async fn enqueue(
        state: &AppState,
        actor: &Actor,
        selection: Selection,
    ) -> AppResult<(i64, String)> {
        let request = match selection {
            Selection::TotalMarks {
                student_id,
                class_id,
            } => ReportRequest::StudentTotalMarks {
                student_id,
                class_id,
            },
            Selection::Grades {
                student_id,
                subject_group_id,
                span,
            } => {
                let (from, to) = match span {
                    Span::Days(from, to) => (from, to),
                    Span::Period(id) => state
                        .app
                        .student_report_form(actor, Some(student_id))
                        .await?
                        .periods
                        .iter()
                        .find(|p| p.id == id)
                        .map(|p| (p.start_date, p.end_date))
                        .ok_or_else(|| {
                            AppError::BadRequest(msg!("report-student-period-required"))
                        })?,
                };
                ReportRequest::StudentGrades {
                    student_id,
                    subject_group_id,
                    from,
                    to,
                }
            }
        };
        let id = state.app.queue_report(actor, request).await?;
        let job = state.app.report_job(actor, id).await?;
        Ok((id, job.queue_key))
    }

    pub(super) async fn await_report(
        state: &AppState,
        actor: &Actor,
        task_id: i64,
        queue_key: &str,
        limit: Duration,
    ) -> AppResult<i64> {
        // The key proves the task was handed to this client; a wrong one reads as no task.
        if state.app.report_job(actor, task_id).await?.queue_key != queue_key {
            return Err(missing());
        }
        let job = state.app.wait_report_job(actor, task_id, limit).await?;
        match job.state {
            ReportJobState::Done => Ok(job.id),
            ReportJobState::Failed => Err(AppError::BadRequest(
                job.error.unwrap_or(msg!("report-failed")),
            )),
            ReportJobState::Queued | ReportJobState::Running => {
                Err(AppError::BadRequest(msg!("report-still-building-late")))
            }
        }
    }

    pub(super) async fn report_html(state: &AppState, actor: &Actor, id: i64) -> AppResult<String> {
        let doc = state.app.report_job_document(actor, id).await?;
        let bytes = write_document(&doc, ReportFormat::Html)?;
        String::from_utf8(bytes).map_err(|_| missing())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_read_as_netschoolpy_sends_them() {
        assert!(
            matches!(handshake(r#"{"protocol":"json","version":1}"#), Step::Reply(r) if r == [json!({})])
        );
        assert!(matches!(
            handshake(r#"{"protocol":"messagepack","version":1}"#),
            Step::Close(_)
        ));
        assert!(matches!(
            message(r#"{"arguments":[12,"k-1"],"invocationId":"0","target":"startTaskAsync","type":1}"#),
            Step::Start { invocation: Some(i), task_id: 12, queue_key } if i == "0" && queue_key == "k-1"
        ));
        assert!(matches!(
            message(r#"{"arguments":["12","k"],"target":"StartTaskAsync","type":1}"#),
            Step::Start {
                invocation: None,
                task_id: 12,
                ..
            }
        ));
        assert!(
            matches!(message(r#"{"arguments":[],"invocationId":"1","target":"startTaskAsync","type":1}"#),
            Step::Reply(r) if r[0]["error"].is_string() && r[0]["invocationId"] == "1")
        );
        assert!(
            matches!(message(r#"{"invocationId":"2","target":"other","type":1}"#),
            Step::Reply(r) if r[0]["type"] == 3)
        );
        assert!(matches!(message(r#"{"type":6}"#), Step::Reply(r) if r == [json!({"type": 6})]));
        assert!(matches!(message(r#"{"type":7}"#), Step::Close(r) if r.is_empty()));
        assert!(matches!(message("{oops"), Step::Close(_)));
    }

    #[test]
    fn outcomes_complete_the_invocation_then_name_the_file() {
        let ok = outcome_records((Some("0".into()), Ok(42)));
        assert_eq!(
            ok,
            [
                json!({"type": 3, "invocationId": "0", "result": {"success": true}}),
                json!({"type": 1, "target": "complete", "arguments": [{"data": "42"}]}),
            ]
        );
        let failed = outcome_records((Some("0".into()), Err("нет".into())));
        assert_eq!(failed.len(), 1);
        assert_eq!(failed[0]["result"]["success"], false);
        assert_eq!(failed[0]["result"]["message"], "нет");
        assert_eq!(record(&json!({})), "{}\u{1e}");
    }
}
