//! Keep-alive HTTP/1.1 connections to one server, at most `max` of them.
//!
//! A request takes a slot (one of `max`), then an idle connection, or opens a new one when none
//! is idle. Because a connection is opened only when every open one is busy, and each busy one
//! holds a slot, no more than `max` are ever open. When every slot is taken the request waits in
//! line (the semaphore is fair); its latency still counts from its due time, so the wait shows in
//! the figures instead of being hidden (the coordinated-omission correction).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::sync::Semaphore;

type Sender = SendRequest<Full<Bytes>>;

pub struct Pool {
    /// `host:port` to connect to.
    address: String,
    idle: Mutex<Vec<Sender>>,
    slots: Semaphore,
    opened: AtomicU64,
}

impl Pool {
    pub fn new(address: String, max: usize) -> Pool {
        Pool {
            address,
            idle: Mutex::new(Vec::new()),
            slots: Semaphore::new(max.max(1)),
            opened: AtomicU64::new(0),
        }
    }

    /// Connections opened during the run (more than `max` means some were closed and replaced).
    pub fn opened(&self) -> u64 {
        self.opened.load(Ordering::Relaxed)
    }

    /// Sends a request and reads the whole answer; gives its status.
    pub async fn send(&self, request: Request<Full<Bytes>>) -> Result<u16, String> {
        let _slot = self
            .slots
            .acquire()
            .await
            .map_err(|_| "the pool is closed".to_owned())?;
        let mut conn = match self.take_idle().await {
            Some(conn) => conn,
            None => self.connect().await?,
        };
        let response = conn
            .send_request(request)
            .await
            .map_err(|e| describe("send", &e))?;
        let status = response.status().as_u16();
        // The latency is to the last byte: a server that sends its headers early and the body
        // late must not look fast.
        response
            .into_body()
            .collect()
            .await
            .map_err(|e| describe("read", &e))?;
        // A connection the server closed (Connection: close) is dropped, not reused.
        if !conn.is_closed() {
            self.idle
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(conn);
        }
        Ok(status)
    }

    /// The most recently used idle connection that is still usable (the server may have closed
    /// one while it sat idle).
    async fn take_idle(&self) -> Option<Sender> {
        loop {
            let mut conn = self
                .idle
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .pop()?;
            if conn.ready().await.is_ok() {
                return Some(conn);
            }
        }
    }

    async fn connect(&self) -> Result<Sender, String> {
        let stream = TcpStream::connect(&self.address)
            .await
            .map_err(|e| format!("connect: {e}"))?;
        // Requests are small and answered one at a time: Nagle would only add delay.
        stream
            .set_nodelay(true)
            .map_err(|e| format!("connect: {e}"))?;
        let (sender, connection) = http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| describe("handshake", &e))?;
        // The connection's own task reads and writes the socket; it ends when the sender is
        // dropped or the server closes.
        tokio::spawn(async move {
            let _ = connection.await;
        });
        self.opened.fetch_add(1, Ordering::Relaxed);
        Ok(sender)
    }
}

/// hyper's errors say little on their own ("connection error"); the source says why.
fn describe(step: &str, e: &hyper::Error) -> String {
    match std::error::Error::source(e) {
        Some(source) => format!("{step}: {e}: {source}"),
        None => format!("{step}: {e}"),
    }
}
