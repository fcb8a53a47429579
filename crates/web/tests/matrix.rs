//! The role × route matrix: every route of the router, tried by fourteen kinds of actor with
//! ids that belong to one student of one school, on both engines. A route missing from the
//! expectations fails the test, so a new route cannot go in unexamined.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

#[path = "matrix/actors.rs"]
mod actors;
mod common;
#[path = "matrix/expect.rs"]
mod expect;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};

use actors::{Actor, Kind, Matrix};
use expect::{Seen, expected, fill};

/// The methods a path serves, read from the router: an unused method answers 405 with `Allow`.
async fn methods(m: &Matrix, uri: &str) -> Vec<Method> {
    let res = m
        .world
        .send(
            Request::builder()
                .method(Method::PATCH)
                .uri(uri)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status, StatusCode::METHOD_NOT_ALLOWED, "PATCH {uri}");
    let allow = res.header("allow");
    let mut out: Vec<Method> = allow
        .split(',')
        .map(str::trim)
        .filter(|m| !m.is_empty() && *m != "HEAD")
        .map(|m| m.parse().unwrap())
        .collect();
    out.sort_by_key(|m| m.to_string());
    out
}

/// The pages whose forms carry files (multipart), as the browser sends them.
const MULTIPART: [&str; 6] = [
    "/announcements",
    "/announcements/{id}",
    "/resources",
    "/mail/compose",
    "/journal/lesson/{id}/assignments",
    "/people/import",
];

/// One request of the matrix, as the actor would send it.
fn request(actor: &Actor, method: &Method, path: &str, uri: &str) -> Request<Body> {
    let api = uri.starts_with("/webapi/");
    let mut b = Request::builder()
        .method(method.clone())
        .uri(uri)
        .header(header::HOST, "sgo.example.ru");
    if api && !actor.at.is_empty() {
        b = b.header("at", &actor.at);
    }
    if !api && !actor.cookie.is_empty() {
        b = b.header(header::COOKIE, &actor.cookie);
    }
    if *method == Method::POST {
        if api {
            b.header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{}"))
                .unwrap()
        } else if MULTIPART.contains(&path) {
            let csrf = common::csrf_for(&actor.cookie);
            let (content_type, body) = common::multipart(&[("csrf", &csrf)], &[]);
            b.header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body))
                .unwrap()
        } else {
            let form = format!("csrf={}", common::csrf_for(&actor.cookie));
            b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(form))
                .unwrap()
        }
    } else {
        b.body(Body::empty()).unwrap()
    }
}

/// What an answer's headers lack: every page its framing, script and referrer defences, every
/// answer to a signed-in actor `no-store` (personal data on a shared school computer).
fn header_problem(actor: &Actor, res: &common::Response) -> Option<String> {
    let html = res.header("content-type").starts_with("text/html");
    let problems = if html {
        common::headers::page_header_problems(&res.headers, false)
    } else if actor.kind != Kind::Anonymous && !common::headers::not_cached(&res.headers) {
        vec![format!("cache-control «{}»", res.header("cache-control"))]
    } else {
        Vec::new()
    };
    (!problems.is_empty()).then(|| format!("headers: {}", problems.join("; ")))
}

fn seen(res: &common::Response) -> Seen {
    let s = res.status;
    if s.is_server_error() {
        Seen::ServerError
    } else if s == StatusCode::UNAUTHORIZED {
        Seen::Unauthorized
    } else if s == StatusCode::FORBIDDEN || s == StatusCode::NOT_FOUND {
        Seen::Denied
    } else if s.is_redirection() && res.header("location").starts_with("/login") {
        Seen::SignIn
    } else if s.is_redirection() {
        Seen::Redirect
    } else if s.is_client_error() {
        Seen::Invalid
    } else {
        Seen::Allowed
    }
}

async fn matrix(engine: sgo_app::Engine) {
    let m = Matrix::new(engine).await;
    let mut paths = sgo_web::route_paths();
    // Routes that end sessions or delete things go last, so that they cannot take away what
    // the other routes are tried with.
    paths.sort_by_key(|p| expect::order(p));
    let mut failures = Vec::new();
    let mut table = Vec::new();
    for path in &paths {
        let uri = fill(path, &m.ids);
        for method in methods(&m, &uri).await {
            let Some(want) = expected(&method, path) else {
                failures.push(format!(
                    "{method} {path} is not in the role × route matrix (tests/matrix/expect.rs)"
                ));
                continue;
            };
            let mut row = String::new();
            let mut done_by_allowed = false;
            for actor in &m.actors {
                let res = m.world.send(request(actor, &method, path, &uri)).await;
                let got = seen(&res);
                let api = uri.starts_with("/webapi/");
                row.push_str(got.letter());
                let inside = matches!(got, Seen::Allowed | Seen::Redirect | Seen::Invalid);
                // A route that deletes its object deletes it for the first allowed actor; the
                // next allowed ones then find nothing there.
                let ok = want.accepts(actor.kind, api, got)
                    || (want.destroys
                        && done_by_allowed
                        && got == Seen::Denied
                        && want.accepts(actor.kind, api, Seen::Allowed));
                if inside && want.accepts(actor.kind, api, got) && actor.kind != Kind::Anonymous {
                    done_by_allowed = true;
                }
                if let Some(problem) = header_problem(actor, &res) {
                    failures.push(format!("{method} {uri} as {:?}: {problem}", actor.kind));
                }
                if !ok {
                    failures.push(format!(
                        "{method} {uri} as {:?}: got {got:?} ({}) {}",
                        actor.kind,
                        res.status,
                        res.text().chars().take(160).collect::<String>()
                    ));
                }
            }
            table.push(format!("{row}  {method} {path}"));
        }
    }
    println!(
        "{}\n{}",
        Kind::ALL
            .iter()
            .map(|k| format!("{k:?}"))
            .collect::<Vec<_>>()
            .join(" "),
        table.join("\n")
    );
    assert!(
        failures.is_empty(),
        "{} cells differ from the matrix:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn role_route_matrix_sqlite() {
    matrix(sgo_app::Engine::Sqlite).await;
}

#[tokio::test]
async fn role_route_matrix_postgres() {
    matrix(sgo_app::Engine::Postgres).await;
}
