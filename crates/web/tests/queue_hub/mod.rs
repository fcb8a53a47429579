//! The report queue hub over a real connection, for the tests that need its WebSocket: the
//! world's router served on a free port, the SignalR JSON handshake, and the hub's text frames.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use sgo_testkit::World;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::handshake::client::Response;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};

/// A client's connection to the hub.
pub type Socket = WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;

/// SignalR's record separator.
pub const RS: char = '\u{1e}';

/// Serves the world's router on a free port; the base address.
pub async fn serve(w: &World) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = w
        .router
        .clone()
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    format!("127.0.0.1:{}", addr.port())
}

/// Opens the hub as `at` from the server's own origin and sends the JSON handshake; the socket,
/// the upgrade answer and the hub's answer to the handshake (within `wait`).
pub async fn open(addr: &str, at: &str, wait: Duration) -> (Socket, Response, String) {
    let mut request = format!("ws://{addr}/webapi/signalr/queueHub?at={at}")
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("Origin", format!("http://{addr}").parse().unwrap());
    let (mut ws, upgrade) = connect_async(request).await.unwrap();
    ws.send(Message::text(format!(
        r#"{{"protocol":"json","version":1}}{RS}"#
    )))
    .await
    .unwrap();
    let answer = next_text(&mut ws, wait).await;
    (ws, upgrade, answer)
}

/// The next text frame within `wait`, skipping pings and pongs.
pub async fn next_text(ws: &mut Socket, wait: Duration) -> String {
    loop {
        let msg = tokio::time::timeout(wait, ws.next())
            .await
            .expect("the hub answers in time")
            .expect("the hub keeps the connection")
            .unwrap();
        match msg {
            Message::Text(t) => return t.to_string(),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("unexpected message {other:?}"),
        }
    }
}
