//! A queued report over real HTTP and a real WebSocket, the way netschoolpy builds one: the
//! SignalR handshake on `signalr/queueHub?at=…`, `reports/{id}/queue`, `startTaskAsync`, the
//! completion and the `complete` invocation, then `files/{id}`.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod queue_hub;

use sgo_testkit::both_engines;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use queue_hub::{RS, Socket, next_text};
use serde_json::{Value, json};
use sgo_app::{Engine, Role};
use sgo_testkit::world;
use tokio_tungstenite::connect_async;
use tokio_tungstenite::tungstenite::Message;

/// How long the hub may take to answer.
const WAIT: Duration = Duration::from_secs(30);

/// Opens the hub and shakes hands.
async fn hub(addr: &str, at: &str) -> Socket {
    let (ws, _, answer) = queue_hub::open(addr, at, WAIT).await;
    assert_eq!(answer, format!("{{}}{RS}"));
    ws
}

/// The next records, skipping the hub's pings.
async fn records(ws: &mut Socket) -> Vec<Value> {
    loop {
        let text = next_text(ws, WAIT).await;
        assert!(text.ends_with(RS), "{text:?}");
        let records: Vec<Value> = text
            .split(RS)
            .filter(|r| !r.is_empty())
            .map(|r| serde_json::from_str(r).unwrap())
            .filter(|r: &Value| r["type"] != 6)
            .collect();
        if !records.is_empty() {
            return records;
        }
    }
}

/// The JSON answer to a NetSchool API request sent as `at`.
async fn api_json(request: reqwest::RequestBuilder, at: &str) -> Value {
    let res = request.header("at", at).send().await.unwrap();
    res.json().await.unwrap()
}

async fn invoke(ws: &mut Socket, id: &str, args: Value) {
    let call =
        json!({"arguments": args, "invocationId": id, "target": "startTaskAsync", "type": 1});
    ws.send(Message::text(format!("{call}{RS}"))).await.unwrap();
}

async fn flow(engine: Engine) {
    let w = world(engine, 1).await;
    let addr = queue_hub::serve(&w).await;
    let student = w.first(Role::Student, w.admin().organization_id);
    let at = w.token(&student).await;
    let http = reqwest::Client::new();
    let api = |path: &str| format!("http://{addr}/webapi/{path}");

    let form = api_json(http.get(api("reports/studenttotalmarks")), &at).await;
    let selected: Vec<Value> = form["filterSources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| json!({"filterId": f["filterId"], "filterValue": f["defaultValue"], "filterText": ""}))
        .collect();

    let mut ws = hub(&addr, &at).await;
    // Pings are answered, whatever the hub's own schedule.
    ws.send(Message::text(format!(r#"{{"type":6}}{RS}"#)))
        .await
        .unwrap();
    assert_eq!(records_or_ping(&mut ws).await, json!({"type": 6}));

    let body = json!({"selectedData": selected, "params": []});
    let queue = http
        .post(api("reports/studenttotalmarks/queue"))
        .json(&body);
    let queued = api_json(queue, &at).await;
    let task = queued["taskId"].as_i64().unwrap();
    let key = queued["queueKey"].as_str().unwrap().to_owned();

    // The wrong key is refused like an unknown task.
    invoke(&mut ws, "0", json!([task, "not-the-key"])).await;
    let refused = records(&mut ws).await;
    assert_eq!(refused[0]["type"], 3);
    assert_eq!(refused[0]["invocationId"], "0");
    assert_eq!(refused[0]["result"]["success"], false);
    assert!(refused[0]["result"]["message"].is_string());

    invoke(&mut ws, "1", json!([task, key])).await;
    let mut got = Vec::new();
    while got.len() < 2 {
        got.extend(records(&mut ws).await);
    }
    assert_eq!(
        got[0],
        json!({"type": 3, "invocationId": "1", "result": {"success": true}})
    );
    assert_eq!(got[1]["type"], 1);
    assert_eq!(got[1]["target"], "complete");
    let file_id = got[1]["arguments"][0]["data"].as_str().unwrap().to_owned();

    let file = http
        .get(api(&format!("files/{file_id}")))
        .header("at", &at)
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), 200);
    let html = file.text().await.unwrap();
    assert!(html.contains("<h2>Итоговые отметки</h2>"), "{html}");

    // A closing record ends the connection politely.
    ws.send(Message::text(format!(r#"{{"type":7}}{RS}"#)))
        .await
        .unwrap();
    let end = tokio::time::timeout(Duration::from_secs(10), ws.next())
        .await
        .unwrap();
    assert!(matches!(
        end,
        None | Some(Ok(Message::Close(_))) | Some(Err(_))
    ));

    // Another account's task is not there for this one.
    let other = w
        .token(&w.first(Role::Parent, student.organization_id))
        .await;
    let mut ws = hub(&addr, &other).await;
    invoke(&mut ws, "0", json!([task, queued["queueKey"]])).await;
    assert_eq!(records(&mut ws).await[0]["result"]["success"], false);

    // Unknown methods and broken arguments get an error completion; nonsense closes.
    invoke(&mut ws, "1", json!(["x"])).await;
    assert!(records(&mut ws).await[0]["error"].is_string());
    ws.send(Message::text(format!(
        r#"{{"type":1,"invocationId":"2","target":"dropTables","arguments":[]}}{RS}"#
    )))
    .await
    .unwrap();
    assert!(records(&mut ws).await[0]["error"].is_string());
    ws.send(Message::text(format!("not json{RS}")))
        .await
        .unwrap();
    assert_eq!(records(&mut ws).await[0]["type"], 7);

    // Oversized messages are refused by the socket itself.
    let mut ws = hub(&addr, &other).await;
    let huge = "x".repeat(200 << 10);
    let _ = ws.send(Message::text(huge)).await;
    let end = tokio::time::timeout(Duration::from_secs(10), ws.next())
        .await
        .unwrap();
    assert!(!matches!(end, Some(Ok(Message::Text(_)))), "{end:?}");

    // A handshake in another protocol is answered with an error and the socket closes.
    let (mut ws, _) = connect_async(format!("ws://{addr}/webapi/signalr/queueHub?at={other}"))
        .await
        .unwrap();
    ws.send(Message::text(format!(
        r#"{{"protocol":"messagepack","version":1}}{RS}"#
    )))
    .await
    .unwrap();
    assert!(next_text(&mut ws, WAIT).await.contains("error"));

    // Without a valid `at` there is no socket.
    let refused = connect_async(format!("ws://{addr}/webapi/signalr/queueHub?at=nonsense")).await;
    match refused {
        Err(tokio_tungstenite::tungstenite::Error::Http(res)) => {
            assert_eq!(res.status(), 401);
        }
        other => panic!("expected 401, got {other:?}"),
    }
}

/// The next record including pings.
async fn records_or_ping(ws: &mut Socket) -> Value {
    let text = next_text(ws, WAIT).await;
    serde_json::from_str(text.split(RS).next().unwrap()).unwrap()
}

both_engines!(flow);
