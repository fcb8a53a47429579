//! What the tests of the `sgo` binary share: a demo installation on either engine, the real
//! server process started on it (and stopped or killed), the other commands run on it, and a
//! teacher signed in through the login form who writes marks in the journal as the browser does.

#![allow(dead_code)] // each test file uses its own part of this module

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

use sgo_app::{Engine, Role};
use sgo_demo::DemoAccount;
use sgo_testkit::{Demo, TestStore, demo_store, tempdir};
use sqlx::Connection;

/// A demo region on a fresh database, with a data directory, ready to be served.
pub struct Installation {
    /// The database (removed with the installation).
    pub db: TestStore,
    /// The demo accounts with their passwords.
    pub accounts: Vec<DemoAccount>,
    /// Which engine.
    pub engine: Engine,
    /// The data directory (on SQLite the database's own directory).
    pub data_dir: PathBuf,
    /// Where the server runs and logs are written.
    pub work: tempdir::Dir,
}

impl Installation {
    /// A copy of the test kit's demo region (one school, three students a class).
    pub async fn new(engine: Engine) -> Installation {
        let (db, accounts) = demo_store(engine, Demo::default()).await;
        let work = tempdir::Dir::new();
        std::fs::create_dir_all(&work.path).unwrap();
        let data_dir = db.dir.clone();
        Installation {
            db,
            accounts,
            engine,
            data_dir,
            work,
        }
    }

    /// The flags that point a command at this installation.
    pub fn args(&self) -> Vec<String> {
        let mut args = vec!["--data-dir".to_owned(), path(&self.data_dir)];
        if let Some(url) = &self.db.database_url {
            args.push("--database-url".to_owned());
            args.push(url.clone());
        }
        args
    }

    /// Every account with a role, in the order of the demo.
    pub fn all(&self, role: Role) -> Vec<DemoAccount> {
        self.accounts
            .iter()
            .filter(|a| a.role == role)
            .cloned()
            .collect()
    }

    /// Starts `sgo serve` on it with these extra settings (`SGO_*` variables).
    pub fn serve(&self, env: &[(&str, &str)]) -> Server {
        Server::start(&self.work.path, &self.args(), env)
    }

    /// Runs another command of `sgo` on it and returns its output.
    pub fn sgo(&self, command: &str, extra: &[&str]) -> Output {
        let mut args = vec![command.to_owned()];
        args.extend(extra.iter().map(|s| (*s).to_owned()));
        args.extend(self.args());
        run_sgo(&self.work.path, &args)
    }

    /// `sgo fingerprint` of the installation; fails the test if the command fails.
    pub fn fingerprint(&self) -> String {
        let out = self.sgo("fingerprint", &[]);
        success(&out, "sgo fingerprint");
        String::from_utf8(out.stdout).unwrap()
    }
}

/// A database the test reads directly.
pub enum Database {
    /// An SQLite file.
    Sqlite(std::path::PathBuf),
    /// A PostgreSQL URL.
    Postgres(String),
}

impl Database {
    /// The installation's database.
    pub fn of(install: &Installation) -> Database {
        match &install.db.database_url {
            Some(url) => Database::Postgres(url.clone()),
            None => Database::Sqlite(install.data_dir.join("sgo.db")),
        }
    }

    /// The first column of a query's rows, as integers.
    pub async fn ids(&self, sql: &str) -> Vec<i64> {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        match self {
            Database::Sqlite(file) => {
                let url = format!("sqlite://{}", file.display());
                let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
                sqlx::query_scalar(sql).fetch_all(&mut conn).await.unwrap()
            }
            Database::Postgres(url) => {
                let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
                sqlx::query_scalar(sql).fetch_all(&mut conn).await.unwrap()
            }
        }
    }

    /// Runs a statement that returns no rows.
    pub async fn execute(&self, sql: &str) {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        match self {
            Database::Sqlite(file) => {
                let url = format!("sqlite://{}", file.display());
                let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
                sqlx::query(sql).execute(&mut conn).await.unwrap();
            }
            Database::Postgres(url) => {
                let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
                sqlx::query(sql).execute(&mut conn).await.unwrap();
            }
        }
    }
}

/// A path as a command-line argument.
pub fn path(p: &Path) -> String {
    p.to_str().unwrap().to_owned()
}

/// Runs `sgo` with the arguments in `cwd` (where no `sgo.toml` is).
pub fn run_sgo(cwd: &Path, args: &[String]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sgo"))
        .args(args)
        .current_dir(cwd)
        .env_remove("SGO_DATABASE_URL")
        .output()
        .unwrap()
}

/// Fails the test with the command's output unless it succeeded.
pub fn success(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A running `sgo serve`.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// The metrics listener's address, when `metrics_listen` was set.
    pub metrics_url: Option<String>,
    /// Its standard output and error.
    pub log: PathBuf,
}

static SERVERS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// The first `127.0.0.1:PORT` in a line.
fn address_in(line: &str) -> Option<String> {
    let start = line.find("127.0.0.1:")?;
    let rest = &line[start + "127.0.0.1:".len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    (!digits.is_empty()).then(|| format!("127.0.0.1:{digits}"))
}

impl Server {
    /// Starts the server on a port the system chooses (read back from its log, so parallel
    /// tests never race for one) and waits until it prints its address: it listens by then.
    pub fn start(work: &Path, args: &[String], env: &[(&str, &str)]) -> Server {
        let n = SERVERS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let log = work.join(format!("serve-{n}.log"));
        let out = std::fs::File::create(&log).unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_sgo"));
        command
            .arg("serve")
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .current_dir(work)
            .env_remove("SGO_DATABASE_URL")
            // The tests sign the same accounts in often and write quickly; the limits have tests
            // of their own.
            .env("SGO_SIGN_INS_PER_MINUTE", "0")
            .env("SGO_MAIL_PER_MINUTE", "0")
            .env("SGO_UPLOADS_PER_MINUTE", "0")
            .env("SGO_MAX_SESSIONS_PER_ACCOUNT", "0")
            .stdout(Stdio::from(out.try_clone().unwrap()))
            .stderr(Stdio::from(out));
        for (k, v) in env {
            command.env(k, v);
        }
        let child = command.spawn().unwrap();
        let mut server = Server {
            child,
            url: String::new(),
            metrics_url: None,
            log,
        };
        let wants_metrics = env.iter().any(|(k, _)| *k == "SGO_METRICS_LISTEN");
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = server.child.try_wait().unwrap() {
                panic!("sgo serve exited with {status}:\n{}", server.log_text());
            }
            let text = server.log_text();
            for line in text.lines() {
                if line.contains("SGO слушает") {
                    server.url = address_in(line).map(|a| format!("http://{a}")).unwrap();
                } else if line.contains("metrics at /metrics") {
                    server.metrics_url = address_in(line).map(|a| format!("http://{a}"));
                }
            }
            if !server.url.is_empty() && (!wants_metrics || server.metrics_url.is_some()) {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "sgo serve did not start:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    /// Everything the server printed so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills the process outright (SIGKILL): no drain, no cleanup, as a crash or power cut
    /// of the process would.
    pub fn kill9(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// Sends SIGTERM and waits (at most `within`) for the process to exit.
    pub fn terminate(&mut self, within: Duration) -> ExitStatus {
        self.signal_term();
        self.wait(within)
    }

    /// Sends SIGTERM without waiting.
    pub fn signal_term(&self) {
        let sent = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .unwrap();
        assert!(sent.success(), "kill -TERM failed");
    }

    /// Waits for the process to exit, at most `within`.
    pub fn wait(&mut self, within: Duration) -> ExitStatus {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "sgo serve did not exit within {within:?}:\n{}",
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A browser-like client: one cookie header, no redirects followed.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    /// The server's address.
    pub base: String,
    /// The cookie header it sends.
    pub cookie: String,
}

/// An answer: status and body.
pub struct Reply {
    /// The status.
    pub status: u16,
    /// The body as text.
    pub body: String,
    /// The `Location` header, if any.
    pub location: String,
    /// The `Set-Cookie` headers.
    pub set_cookies: Vec<String>,
}

impl Reply {
    /// The value of a cookie the answer sets.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.set_cookies.iter().find_map(|c| {
            let (pair, _) = c.split_once(';').unwrap_or((c, ""));
            let (k, v) = pair.split_once('=')?;
            (k.trim() == name).then(|| v.trim().to_owned())
        })
    }
}

async fn reply(res: reqwest::Response) -> Result<Reply, reqwest::Error> {
    let status = res.status().as_u16();
    let header = |name: &str| {
        res.headers()
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let location = header("location").into_iter().next().unwrap_or_default();
    let set_cookies = header("set-cookie");
    let body = res.text().await?;
    Ok(Reply {
        status,
        body,
        location,
        set_cookies,
    })
}

impl Client {
    /// A client without a session.
    pub fn anonymous(base: &str) -> Client {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        Client {
            http,
            base: base.to_owned(),
            cookie: String::new(),
        }
    }

    /// Signs in through the login form as a browser does; fails the test unless it works.
    pub async fn sign_in(base: &str, a: &DemoAccount) -> Client {
        let (reply, client) = Client::try_sign_in(base, a, &a.password).await;
        assert_eq!(reply.status, 303, "sign-in of {}: {}", a.login, reply.body);
        client.unwrap()
    }

    /// Posts the login form with `password`; the client when a session was opened.
    pub async fn try_sign_in(
        base: &str,
        a: &DemoAccount,
        password: &str,
    ) -> (Reply, Option<Client>) {
        let anonymous = Client::anonymous(base);
        let page = anonymous.get("/login").await;
        let csrf = page
            .cookie("sgo_csrf")
            .expect("the login page sets sgo_csrf");
        let with_csrf = Client {
            cookie: format!("sgo_csrf={csrf}"),
            ..anonymous
        };
        let organization = a.organization_id.to_string();
        let reply = with_csrf
            .post_form(
                "/login",
                &[
                    ("csrf", &csrf),
                    ("organization", &organization),
                    ("login", &a.login),
                    ("password", password),
                ],
            )
            .await;
        let client = reply.cookie("sgo_session").map(|session| Client {
            cookie: format!("sgo_session={session}; sgo_csrf={csrf}"),
            ..with_csrf
        });
        (reply, client)
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> Reply {
        let mut req = self.http.get(format!("{}{path}", self.base));
        if !self.cookie.is_empty() {
            req = req.header("cookie", &self.cookie);
        }
        reply(req.send().await.unwrap()).await.unwrap()
    }

    /// `POST path` with a URL-encoded form; `Err` when no answer came (the server is gone).
    pub async fn try_post_form(
        &self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> Result<Reply, reqwest::Error> {
        let mut req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(serde_urlencoded::to_string(fields).unwrap());
        if !self.cookie.is_empty() {
            req = req.header("cookie", &self.cookie);
        }
        reply(req.send().await?).await
    }

    /// `POST path` with a URL-encoded form.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        self.try_post_form(path, fields).await.unwrap()
    }

    /// `POST path` as `multipart/form-data` with text fields and files (name, file name, bytes).
    pub async fn post_multipart(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> Reply {
        let boundary = "sgo-test-boundary-7d3f0a";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        for (name, file_name, bytes) in files {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: text/plain\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let res = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .unwrap();
        reply(res).await.unwrap()
    }
}

/// A journal grid a teacher may write in: its form token and its mark cells.
pub struct Journal {
    /// The teacher, signed in.
    pub teacher: Client,
    /// The token the grid's script sends with every mark.
    pub csrf: String,
    /// (assignment, student) of every writable mark cell.
    pub cells: Vec<(i64, i64)>,
}

/// The value of `attribute="…"` after `from` in `html`.
fn attribute(html: &str, attribute: &str) -> Option<String> {
    let key = format!("{attribute}=\"");
    let start = html.find(&key)? + key.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_owned())
}

impl Journal {
    /// The first teacher's group page with writable mark cells, found as a teacher would: the
    /// journal's list of groups, then each group's grid.
    pub async fn open(base: &str, install: &Installation) -> Journal {
        for t in install.all(Role::Teacher) {
            let teacher = Client::sign_in(base, &t).await;
            let home = teacher.get("/journal").await;
            assert_eq!(home.status, 200, "{}", home.body);
            let groups: Vec<String> = home
                .body
                .split("href=\"/journal/group/")
                .skip(1)
                .filter_map(|rest| rest.split('"').next().map(str::to_owned))
                .filter(|id| id.chars().all(|c| c.is_ascii_digit()))
                .collect();
            for group in groups {
                let page = teacher.get(&format!("/journal/group/{group}")).await;
                assert_eq!(page.status, 200, "{}", page.body);
                let csrf = attribute(&page.body, "data-csrf").unwrap();
                let cells: Vec<(i64, i64)> = page
                    .body
                    .split("<input class=\"mark-cell\"")
                    .skip(1)
                    .filter_map(|input| {
                        let tag = &input[..input.find('>')?];
                        if tag.contains(" readonly") {
                            return None;
                        }
                        let a = attribute(tag, "data-assignment")?.parse().ok()?;
                        let s = attribute(tag, "data-student")?.parse().ok()?;
                        Some((a, s))
                    })
                    .collect();
                if cells.len() >= 4 {
                    return Journal {
                        teacher,
                        csrf,
                        cells,
                    };
                }
            }
        }
        panic!("no teacher of the demo has a group with writable mark cells");
    }

    /// Writes one mark as the grid's script does; `Err` when no answer came.
    pub async fn write(
        &self,
        cell: (i64, i64),
        value: &str,
        comment: &str,
    ) -> Result<Reply, reqwest::Error> {
        let (a, s) = (cell.0.to_string(), cell.1.to_string());
        self.teacher
            .try_post_form(
                "/journal/mark",
                &[
                    ("assignment", &a),
                    ("student", &s),
                    ("value", value),
                    ("comment", comment),
                    ("csrf", &self.csrf),
                ],
            )
            .await
    }
}
