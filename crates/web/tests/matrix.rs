//! The role × route matrix: every route of the router, tried by fourteen kinds of actor with
//! ids that belong to one student of one school, on both engines. A route missing from the
//! expectations fails the test, so a new route cannot go in unexamined.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

#[path = "matrix/actors.rs"]
mod actors;
#[path = "matrix/expect.rs"]
mod expect;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use sgo_testkit::both_engines;

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
    let api = uri.starts_with("/webapi/") || uri.starts_with("/api/");
    let mut b = Request::builder()
        .method(method.clone())
        .uri(uri)
        .header(header::HOST, "sgo.example.ru");
    if api && !actor.at.is_empty() {
        b = b.header("at", &actor.at);
    }
    if uri.starts_with("/api/") && !actor.bearer.is_empty() {
        b = b.header(header::AUTHORIZATION, format!("Bearer {}", actor.bearer));
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
            let csrf = sgo_testkit::csrf_for(&actor.cookie);
            let (content_type, body) = sgo_testkit::multipart(&[("csrf", &csrf)], &[]);
            b.header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body))
                .unwrap()
        } else {
            let form = format!("csrf={}", sgo_testkit::csrf_for(&actor.cookie));
            b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(form))
                .unwrap()
        }
    } else {
        b.body(Body::empty()).unwrap()
    }
}

/// The portal's own scripts and styles and the API reference page: the same for everyone,
/// cached for an hour.
const STATIC: [&str; 2] = ["/static/", "/api/docs/"];

/// What an answer's headers lack: every page its framing, script and referrer defences, every
/// answer to a signed-in actor `no-store` (personal data on a shared school computer).
fn header_problem(actor: &Actor, uri: &str, res: &sgo_testkit::Response) -> Option<String> {
    let html = res.header("content-type").starts_with("text/html");
    let problems = if html {
        sgo_testkit::headers::page_header_problems(&res.headers, false)
    } else if actor.kind != Kind::Anonymous
        && !STATIC.iter().any(|p| uri.starts_with(p))
        && !sgo_testkit::headers::not_cached(&res.headers)
    {
        vec![format!("cache-control «{}»", res.header("cache-control"))]
    } else {
        Vec::new()
    };
    (!problems.is_empty()).then(|| format!("headers: {}", problems.join("; ")))
}

fn seen(res: &sgo_testkit::Response) -> Seen {
    let s = res.status;
    if s.is_server_error() {
        Seen::ServerError
    } else if s == StatusCode::UNAUTHORIZED {
        Seen::Unauthorized
    } else if s == StatusCode::FORBIDDEN || s == StatusCode::NOT_FOUND {
        Seen::Denied
    } else if s.is_redirection() && res.header("location") == "/login?ended=all" {
        // «Завершить все сеансы» done: the person is sent to sign in anew, by their own wish.
        Seen::Redirect
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

async fn role_route_matrix(engine: sgo_app::Engine) {
    let m = Matrix::new(engine).await;
    let mut paths = sgo_web::route_paths();
    // Routes that end sessions or delete things go last, so that they cannot take away what
    // the other routes are tried with.
    paths.sort_by_key(|p| expect::order(p));
    let mut failures = Vec::new();
    let mut table = Vec::new();
    let mut rows = Vec::new();
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
                let api = uri.starts_with("/webapi/") || uri.starts_with("/api/");
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
                if let Some(problem) = header_problem(actor, &uri, &res) {
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
            rows.push((format!("{method} {path}"), row));
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
    check_documented(&rows);
}

/// Where docs/security.md keeps the table of who may do what.
const DOC_BEGIN: &str = "<!-- role-route-matrix: begin (written by crates/web/tests/matrix.rs) -->";
const DOC_END: &str = "<!-- role-route-matrix: end -->";

/// The outcomes as a Markdown table: one row per route and method, one column per actor.
fn markdown(rows: &[(String, String)]) -> String {
    let mut out = String::from("| route |");
    for k in Kind::ALL {
        out.push_str(&format!(" {} |", k.column()));
    }
    out.push_str("\n|---|");
    out.push_str(&"---|".repeat(Kind::ALL.len()));
    out.push('\n');
    for (route, letters) in rows {
        out.push_str(&format!("| `{route}` |"));
        for c in letters.chars() {
            out.push_str(&format!(" {c} |"));
        }
        out.push('\n');
    }
    out
}

/// docs/security.md shows what this test saw: it fails when the table there differs, and
/// rewrites it when `SGO_UPDATE_DOCS=1` (then commit the file).
fn check_documented(rows: &[(String, String)]) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/security.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let (Some(begin), Some(end)) = (doc.find(DOC_BEGIN), doc.find(DOC_END)) else {
        panic!("docs/security.md lacks the markers {DOC_BEGIN} … {DOC_END}");
    };
    let table = markdown(rows);
    let documented = doc[begin + DOC_BEGIN.len()..end].trim();
    if documented == table.trim() {
        return;
    }
    if std::env::var("SGO_UPDATE_DOCS").as_deref() == Ok("1") {
        let updated = format!("{}{DOC_BEGIN}\n{table}{}", &doc[..begin], &doc[end..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    panic!(
        "docs/security.md shows another role × route table than the matrix saw; run \
         `SGO_UPDATE_DOCS=1 cargo nextest run -p sgo-web --test matrix` and commit it"
    );
}

both_engines!(role_route_matrix);
