//! Running the server: the load balancer's probes, the Prometheus metrics on their own
//! listener, JSON logs that keep secrets out, and an orderly stop on SIGTERM. Everything
//! through the real `sgo serve` process.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod support;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use sgo_app::{Engine, Role};
use support::{Client, Database, Installation, Journal};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// `/healthz` answers while the process runs; `/readyz` only while the database answers with
/// this program's schema; `/metrics` is not on the public listener.
async fn probes_follow_the_database(engine: Engine) {
    let install = Installation::new(engine).await;
    let server = install.serve(&[]);
    let public = Client::anonymous(&server.url);
    let health = public.get("/healthz").await;
    assert_eq!((health.status, health.body.as_str()), (200, "ok"));
    let ready = public.get("/readyz").await;
    assert_eq!((ready.status, ready.body.as_str()), (200, "ok"));
    assert_eq!(public.get("/metrics").await.status, 404);

    // A node of a newer version migrated the database: migrations only add, this one still
    // serves (a rolling upgrade).
    let database = Database::of(&install);
    database
        .execute(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             SELECT 99990101000000, 'из будущего', TRUE, checksum, 0 FROM _sqlx_migrations \
             WHERE version = (SELECT MIN(version) FROM _sqlx_migrations)",
        )
        .await;
    let newer = public.get("/readyz").await;
    assert_eq!(newer.status, 200, "{}", newer.body);
    // This program's newest migration did not finish: not ready, but alive.
    let newest = "(SELECT MAX(version) FROM _sqlx_migrations WHERE version < 99990101000000)";
    database
        .execute(&format!(
            "UPDATE _sqlx_migrations SET success = FALSE WHERE version = {newest}"
        ))
        .await;
    let broken = public.get("/readyz").await;
    assert_eq!(broken.status, 503, "{}", broken.body);
    assert!(broken.body.contains("схема базы данных"), "{}", broken.body);
    assert!(broken.body.contains("не завершены"), "{}", broken.body);
    assert_eq!(public.get("/healthz").await.status, 200);
    database
        .execute(&format!(
            "UPDATE _sqlx_migrations SET success = TRUE WHERE version = {newest}"
        ))
        .await;
    database
        .execute("DELETE FROM _sqlx_migrations WHERE version = 99990101000000")
        .await;
    assert_eq!(public.get("/readyz").await.status, 200);

    if let Some(url) = &install.db.database_url {
        // The database refuses connections: not ready, but alive; ready again once it is back.
        let name = url.rsplit('/').next().unwrap().to_owned();
        let admin = Database::Postgres(sgo_store::testing::postgres_admin_url());
        admin
            .execute(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false"))
            .await;
        admin
            .execute(&format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
            ))
            .await;
        let started = Instant::now();
        let down = public.get("/readyz").await;
        assert_eq!(down.status, 503, "{}", down.body);
        assert!(
            down.body.contains("нет связи с базой данных"),
            "{}",
            down.body
        );
        assert!(started.elapsed() < Duration::from_secs(10));
        assert_eq!(public.get("/healthz").await.status, 200);
        admin
            .execute(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true"))
            .await;
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if public.get("/readyz").await.status == 200 {
                break;
            }
            assert!(Instant::now() < deadline, "not ready again");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

mod sqlite {
    #[tokio::test]
    async fn probes_follow_the_database() {
        super::probes_follow_the_database(super::Engine::Sqlite).await;
    }
}

mod postgres {
    #[tokio::test]
    async fn probes_follow_the_database() {
        super::probes_follow_the_database(super::Engine::Postgres).await;
    }
}

/// One sample of the Prometheus text format.
#[derive(Debug)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

/// Parses the samples of a scrape (label values may hold `{`, `}` and `,`, as route templates do).
fn samples(text: &str) -> Vec<Sample> {
    let mut out = Vec::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let name_end = line.find(['{', ' ']).unwrap();
        let name = line[..name_end].to_owned();
        let mut labels = BTreeMap::new();
        let mut rest = &line[name_end..];
        if let Some(mut inner) = rest.strip_prefix('{') {
            loop {
                if let Some(after) = inner.strip_prefix('}') {
                    rest = after;
                    break;
                }
                let eq = inner.find("=\"").unwrap();
                let key = inner[..eq].trim_start_matches(',').to_owned();
                let mut value = String::new();
                let mut chars = inner[eq + 2..].char_indices();
                let mut end = 0;
                while let Some((i, c)) = chars.next() {
                    match c {
                        '\\' => value.push(chars.next().unwrap().1),
                        '"' => {
                            end = eq + 2 + i + 1;
                            break;
                        }
                        c => value.push(c),
                    }
                }
                labels.insert(key, value);
                inner = &inner[end..];
            }
        }
        let value = rest.trim().split(' ').next().unwrap().parse().unwrap();
        out.push(Sample {
            name,
            labels,
            value,
        });
    }
    out
}

/// The sum of the samples named `name` that carry all of `labels`.
fn value(text: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    samples(text)
        .iter()
        .filter(|s| s.name == name)
        .filter(|s| {
            labels
                .iter()
                .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
        })
        .map(|s| s.value)
        .sum()
}

/// The metric names docs/operations.md lists in its table of metrics.
fn documented_metrics() -> Vec<String> {
    let doc = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/operations.md"),
    )
    .unwrap();
    let section = doc.split("## Metrics").nth(1).unwrap();
    let section = section.split("\n## ").next().unwrap();
    let mut names: Vec<String> = section
        .lines()
        .filter(|l| l.starts_with("| `sgo_"))
        .map(|l| l[3..].split('`').next().unwrap().to_owned())
        .collect();
    names.dedup();
    names
}

async fn scrape(url: &str) -> String {
    let reply = Client::anonymous(url).get("/metrics").await;
    assert_eq!(reply.status, 200);
    reply.body
}

#[tokio::test]
async fn metrics_are_scraped_from_their_own_listener() {
    let install = Installation::new(Engine::Sqlite).await;
    let server = install.serve(&[("SGO_METRICS_LISTEN", "127.0.0.1:0")]);
    let metrics = server.metrics_url.clone().unwrap();
    assert_ne!(metrics, server.url);
    // The exporter answers nothing but /metrics.
    assert_eq!(Client::anonymous(&metrics).get("/").await.status, 404);
    let journal = Journal::open(&server.url, &install).await;
    let before = scrape(&metrics).await;

    let public = Client::anonymous(&server.url);
    for _ in 0..3 {
        assert_eq!(public.get("/healthz").await.status, 200);
    }
    assert_eq!(public.get("/no/such/page").await.status, 404);
    // A student signs in and reads the diary twice: the second week comes from the cache, the
    // second session check too.
    let student = install.all(Role::Student)[0].clone();
    let reader = Client::sign_in(&server.url, &student).await;
    assert_eq!(reader.get("/diary").await.status, 200);
    assert_eq!(reader.get("/diary").await.status, 200);
    // Three wrong passwords pause the login (the default lockout), the fourth is not checked.
    let other = install.all(Role::Student)[1].clone();
    for _ in 0..3 {
        let (reply, client) = Client::try_sign_in(&server.url, &other, "неверно-1").await;
        assert!(client.is_none(), "{}", reply.status);
    }
    let (_, locked) = Client::try_sign_in(&server.url, &other, &other.password).await;
    assert!(locked.is_none());
    let group_page = journal.teacher.get("/journal").await;
    assert_eq!(group_page.status, 200);

    let after = scrape(&metrics).await;
    println!("{after}");
    for name in documented_metrics() {
        assert!(
            after.contains(&format!("# TYPE {name} ")),
            "{name} is documented but not exported"
        );
    }
    let moved = |name: &str, labels: &[(&str, &str)]| {
        value(&after, name, labels) - value(&before, name, labels)
    };
    let healthz = [("method", "GET"), ("route", "/healthz"), ("status", "200")];
    assert_eq!(moved("sgo_http_requests_total", &healthz), 3.0);
    assert_eq!(
        moved(
            "sgo_http_request_duration_seconds_count",
            &[("method", "GET"), ("route", "/healthz")]
        ),
        3.0
    );
    assert_eq!(
        moved(
            "sgo_http_requests_total",
            &[("route", "unmatched"), ("status", "404")]
        ),
        1.0
    );
    // Routes are templates, never paths with ids.
    assert!(after.contains("route=\"/journal/group/{id}\""), "{after}");
    assert!(!after.contains("route=\"/journal/group/1"), "{after}");
    assert_eq!(moved("sgo_sign_ins_total", &[("outcome", "ok")]), 1.0);
    assert_eq!(moved("sgo_sign_ins_total", &[("outcome", "failed")]), 3.0);
    assert_eq!(moved("sgo_sign_ins_total", &[("outcome", "locked")]), 1.0);
    let diary_hits = [("cache", "diary_week"), ("result", "hit")];
    assert!(moved("sgo_cache_lookups_total", &diary_hits) >= 1.0);
    let diary_misses = [("cache", "diary_week"), ("result", "miss")];
    assert!(moved("sgo_cache_lookups_total", &diary_misses) >= 1.0);
    let session_hits = [("cache", "session"), ("result", "hit")];
    assert!(moved("sgo_cache_lookups_total", &session_hits) >= 1.0);
    assert!(value(&after, "sgo_db_pool_connections", &[]) >= 1.0);
    assert!(value(&after, "sgo_db_pool_max_connections", &[]) >= 1.0);
    assert!(value(&after, "sgo_db_pool_acquire_seconds_count", &[]) >= 2.0);
    assert_eq!(value(&after, "sgo_report_jobs_queued", &[]), 0.0);
    // The scrape itself is not counted among the portal's requests.
    assert_eq!(
        value(&after, "sgo_http_requests_total", &[("route", "/metrics")]),
        0.0
    );
}

#[tokio::test]
async fn json_logs_carry_no_secrets() {
    let install = Installation::new(Engine::Sqlite).await;
    let server_key = "b3BzLXRlc3QtcmVkYWN0aW9uLWtleS0zMmJ5dGVzISE=";
    let smtp_password = "smtp-пароль-секрет-91";
    let wrong_password = "неверный-пароль-7c1f";
    let recovery_token = "0f1e2d3c4b5a69788796a5b4c3d2e1f0secret";
    std::fs::write(
        install.work.path.join("sgo.toml"),
        format!(
            "[smtp]\nhost = \"127.0.0.1\"\nport = 9\ntls = \"none\"\nusername = \"sgo\"\n\
             password = \"{smtp_password}\"\nfrom = \"СГО <noreply@example.ru>\"\n"
        ),
    )
    .unwrap();
    let mut server = install.serve(&[
        ("SGO_LOG_FORMAT", "json"),
        (
            "SGO_LOG",
            "debug,hyper=info,hyper_util=info,h2=info,rustls=info",
        ),
        ("SGO_SERVER_KEY", server_key),
    ]);
    let teacher = install.all(Role::Teacher)[0].clone();
    let signed = Client::sign_in(&server.url, &teacher).await;
    let session = signed
        .cookie
        .split("sgo_session=")
        .nth(1)
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(signed.get("/journal").await.status, 200);
    let (_, refused) = Client::try_sign_in(&server.url, &teacher, wrong_password).await;
    assert!(refused.is_none());
    let recover = Client::anonymous(&server.url)
        .get(&format!("/recover/{recovery_token}"))
        .await;
    assert!(recover.status < 500, "{}", recover.status);
    let status = server.terminate(Duration::from_secs(20));
    assert!(status.success(), "{status}");

    let log = server.log_text();
    let mut messages = Vec::new();
    for line in log.lines().filter(|l| !l.trim().is_empty()) {
        let event: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"));
        assert!(event["timestamp"].is_string(), "{line}");
        assert!(event["level"].is_string(), "{line}");
        messages.push(event["message"].as_str().unwrap_or_default().to_owned());
    }
    assert!(messages.iter().any(|m| m == "SGO слушает"), "{log}");
    assert!(messages.iter().any(|m| m == "сервер остановлен"), "{log}");
    for (what, secret) in [
        ("the password", teacher.password.as_str()),
        ("a wrong password", wrong_password),
        ("the session token", session.as_str()),
        ("the server key", server_key),
        ("the SMTP password", smtp_password),
        ("a recovery link's token", recovery_token),
    ] {
        assert!(!log.contains(secret), "{what} is in the log:\n{log}");
    }
}

/// Reads an HTTP/1.1 answer until the server closes the connection.
async fn read_to_close(stream: &mut tokio::net::TcpStream) -> String {
    let mut bytes = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut bytes)).await;
    String::from_utf8_lossy(&bytes).into_owned()
}

#[tokio::test]
async fn sigterm_drains_requests_in_flight_and_exits_0() {
    let install = Installation::new(Engine::Sqlite).await;
    let mut server = install.serve(&[
        ("SGO_SHUTDOWN_DRAIN_SECONDS", "2"),
        ("SGO_METRICS_LISTEN", "127.0.0.1:0"),
    ]);
    let metrics = server.metrics_url.clone().unwrap();
    let address = server.url.trim_start_matches("http://").to_owned();
    let body = "csrf=x&organization=1&login=nobody&password=nothing";
    let head = format!(
        "POST /login HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    );
    // Two requests in progress: their bodies have not fully arrived when the signal comes.
    let mut finishing = tokio::net::TcpStream::connect(&address).await.unwrap();
    finishing.write_all(head.as_bytes()).await.unwrap();
    finishing.write_all(&body.as_bytes()[..10]).await.unwrap();
    let mut stalled = tokio::net::TcpStream::connect(&address).await.unwrap();
    stalled.write_all(head.as_bytes()).await.unwrap();
    stalled.write_all(&body.as_bytes()[..10]).await.unwrap();
    // The server counts a request in progress once it has read its head: wait for both.
    let deadline = Instant::now() + Duration::from_secs(10);
    while value(&scrape(&metrics).await, "sgo_http_requests_in_flight", &[]) < 2.0 {
        assert!(Instant::now() < deadline, "the two requests never arrived");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.signal_term();
    while !server.log_text().contains("stopping") {
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(Instant::now() < deadline, "{}", server.log_text());
    }
    // No new connections once stopping (the log line comes just before the listener is told to
    // close, and the accept loop ends on its next turn, so allow it a moment) …
    let closing = Instant::now() + Duration::from_secs(1);
    while tokio::net::TcpStream::connect(&address).await.is_ok() {
        assert!(
            Instant::now() < closing,
            "new connections were still accepted a second after stopping began"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // … but the request in progress gets its whole answer.
    finishing.write_all(&body.as_bytes()[10..]).await.unwrap();
    let answer = read_to_close(&mut finishing).await;
    assert!(answer.starts_with("HTTP/1.1 "), "{answer}");
    assert!(answer.contains("\r\n\r\n"), "{answer}");
    // The stalled one is cut off when the drain time is over, and the server exits 0.
    let status = server.wait(Duration::from_secs(15));
    assert!(status.success(), "{status}\n{}", server.log_text());
    let log = server.log_text();
    assert!(log.contains("in_flight=2"), "{log}");
    assert!(log.contains("drain time over"), "{log}");
    assert!(log.contains("сервер остановлен"), "{log}");
    let cut = read_to_close(&mut stalled).await;
    assert!(!cut.starts_with("HTTP/1.1 2"), "{cut}");
}
