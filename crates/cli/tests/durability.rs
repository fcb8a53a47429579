//! What survives: a backup taken while the journal is being written restores to exactly its
//! snapshot (SQLite, `sgo backup` / `sgo restore`), a PostgreSQL dump restores to the same
//! fingerprint, and marks acknowledged before `kill -9` are all there after a restart on both
//! engines, none half-written. Everything runs the real `sgo` binary over HTTP.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod support;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sgo_app::Engine;
use sqlx::Connection;
use support::{Database, Installation, Journal, path, run_sgo, success};

/// Writers running at once, each on its own cells: a kill lands in the middle of some write.
const WRITERS: i64 = 4;

/// The sequence number of writer `w`'s `n`-th write (n from 1), unique across the writers.
fn seq_of(w: i64, n: i64) -> i64 {
    n * WRITERS + w
}

/// The comment of a write; its sequence number starts at the 7th character, which the SQL
/// below reads back.
fn comment(tag: &str, seq: i64) -> String {
    assert_eq!(tag.len(), 6);
    format!("{tag}{seq}")
}

/// The mark of a write: 2 to 5 in turn.
fn value_of(seq: i64) -> i64 {
    2 + (seq / WRITERS) % 4
}

/// The cell of a write: each writer goes round its own share of the grid's cells.
fn cell_of(journal: &Journal, seq: i64) -> (i64, i64) {
    let own: Vec<(i64, i64)> = journal
        .cells
        .iter()
        .enumerate()
        .filter(|(i, _)| *i as i64 % WRITERS == seq % WRITERS)
        .map(|(_, c)| *c)
        .collect();
    own[(seq / WRITERS) as usize % own.len()]
}

/// What the writers saw.
#[derive(Default)]
struct Writes {
    /// Per writer, how many of its writes were answered 200 with the saved mark (its writes
    /// 1 to that number: each writer sends the next only after the answer).
    acknowledged: [i64; WRITERS as usize],
    /// Per writer, the write that got no answer (the server went away while or before it
    /// was sent).
    unanswered: [Option<i64>; WRITERS as usize],
    /// Drafts with a file saved (files the backup must carry).
    drafts: u32,
}

impl Writes {
    fn total(&self) -> i64 {
        self.acknowledged.iter().sum()
    }
}

/// Starts the writers: each writes marks into its cells, one after another as soon as the
/// previous is answered, until `stop` is set or the server is gone; the first one also saves
/// a mail draft with a file after every `draft_every`-th mark (0: never).
fn start_writers(
    journal: Arc<Journal>,
    tag: &'static str,
    draft_every: i64,
    stop: Arc<AtomicBool>,
    writes: Arc<Mutex<Writes>>,
) -> Vec<tokio::task::JoinHandle<()>> {
    (0..WRITERS)
        .map(|w| {
            let (journal, stop, writes) = (journal.clone(), stop.clone(), writes.clone());
            tokio::spawn(async move {
                let mut n = 0i64;
                while !stop.load(Ordering::SeqCst) {
                    n += 1;
                    let seq = seq_of(w, n);
                    let value = value_of(seq).to_string();
                    let cell = cell_of(&journal, seq);
                    match journal.write(cell, &value, &comment(tag, seq)).await {
                        Ok(reply) => {
                            assert_eq!(reply.status, 200, "write {seq}: {}", reply.body);
                            let saved: serde_json::Value =
                                serde_json::from_str(&reply.body).unwrap();
                            assert_eq!(saved["value"], value.as_str(), "write {seq}");
                            writes.lock().unwrap().acknowledged[w as usize] = n;
                        }
                        Err(_) => {
                            writes.lock().unwrap().unanswered[w as usize] = Some(n);
                            return;
                        }
                    }
                    if w == 0 && draft_every > 0 && n % draft_every == 0 {
                        save_draft(&journal, n).await;
                        writes.lock().unwrap().drafts += 1;
                    }
                }
            })
        })
        .collect()
}

/// A mail draft with a text file attached, through the compose form.
async fn save_draft(journal: &Journal, n: i64) {
    let text = format!("Черновик {n}");
    let draft = journal
        .teacher
        .post_multipart(
            "/mail/compose",
            &[
                ("csrf", &journal.csrf),
                ("subject", &text),
                ("text", &text),
                ("save_draft", "1"),
            ],
            &[("files", "план.txt", text.as_bytes())],
        )
        .await;
    assert_eq!(draft.status, 303, "draft {n}: {}", draft.body);
}

async fn join(writers: Vec<tokio::task::JoinHandle<()>>) {
    for w in writers {
        w.await.unwrap();
    }
}

/// Checks the writes a database holds (`history`, sequence numbers) writer by writer: each
/// writer's first `at_least[w]` writes at least, then none or more in order, never a gap; and
/// at most `at_most[w]`. Answers how many each writer has there.
fn contiguous(history: &[i64], at_least: &[i64], at_most: &[i64]) -> Vec<i64> {
    (0..WRITERS)
        .map(|w| {
            let mut ns: Vec<i64> = history
                .iter()
                .filter(|s| *s % WRITERS == w)
                .map(|s| s / WRITERS)
                .collect();
            ns.sort_unstable();
            let present = ns.len() as i64;
            assert_eq!(ns, (1..=present).collect::<Vec<_>>(), "writer {w}: a gap");
            let (low, high) = (at_least[w as usize], at_most[w as usize]);
            assert!(
                (low..=high).contains(&present),
                "writer {w}: {present} writes present, expected {low} to {high}"
            );
            present
        })
        .collect()
}

/// Sequence numbers of the writes tagged `tag` in the mark history, and those the marks
/// themselves show now as `seq * 10 + value`, read with a plain connection.
async fn written(database: &Database, tag: &str) -> (Vec<i64>, Vec<i64>) {
    let history = format!(
        "SELECT CAST(SUBSTR(new_comment, 7) AS BIGINT) FROM mark_history \
         WHERE new_comment LIKE '{tag}%' ORDER BY 1"
    );
    let marks = format!(
        "SELECT CAST(SUBSTR(comment, 7) AS BIGINT) * 10 + value FROM marks \
         WHERE comment LIKE '{tag}%' ORDER BY 1"
    );
    (database.ids(&history).await, database.ids(&marks).await)
}

/// The marks the cells must show when the writes in `history` (and no others) committed: each
/// cell shows its last write.
fn expected_marks(journal: &Journal, history: &[i64]) -> Vec<i64> {
    let mut last: BTreeMap<(i64, i64), i64> = BTreeMap::new();
    for &seq in history {
        let cell = cell_of(journal, seq);
        let newer = last.get(&cell).is_none_or(|&s| s < seq);
        if newer {
            last.insert(cell, seq);
        }
    }
    let mut marks: Vec<i64> = last.values().map(|&s| s * 10 + value_of(s)).collect();
    marks.sort_unstable();
    marks
}

/// The `fingerprint.txt` an archive of `sgo backup` carries.
fn fingerprint_in(archive: &Path) -> String {
    let mut tar = tar::Archive::new(std::fs::File::open(archive).unwrap());
    for entry in tar.entries().unwrap() {
        let mut entry = entry.unwrap();
        if entry.path().unwrap().to_str() == Some("fingerprint.txt") {
            let mut text = String::new();
            entry.read_to_string(&mut text).unwrap();
            return text;
        }
    }
    panic!("{} has no fingerprint.txt", archive.display());
}

/// `sgo fingerprint` of a restored data directory.
fn fingerprint_of_dir(cwd: &Path, dir: &Path) -> String {
    let out = run_sgo(
        cwd,
        &["fingerprint".to_owned(), "--data-dir".to_owned(), path(dir)],
    );
    success(&out, "sgo fingerprint");
    String::from_utf8(out.stdout).unwrap()
}

fn count_lines(fingerprint: &str, prefix: &str) -> usize {
    fingerprint
        .lines()
        .filter(|l| l.starts_with(prefix))
        .count()
}

#[tokio::test]
async fn a_backup_taken_while_marks_are_written_restores_to_its_snapshot() {
    let install = Installation::new(Engine::Sqlite).await;
    let server = install.serve(&[]);
    let journal = Arc::new(Journal::open(&server.url, &install).await);
    let stop = Arc::new(AtomicBool::new(false));
    let writes = Arc::new(Mutex::new(Writes::default()));
    let writers = start_writers(journal.clone(), "bkup1-", 7, stop.clone(), writes.clone());
    // Some writes and files before the backup starts, and more while it runs.
    while writes.lock().unwrap().drafts < 2 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let before = writes.lock().unwrap().acknowledged;
    let archive = install.work.path.join("during.tar");
    let args = vec![
        "backup".to_owned(),
        "--out".to_owned(),
        path(&archive),
        "--data-dir".to_owned(),
        path(&install.data_dir),
    ];
    let cwd = install.work.path.clone();
    let backup = tokio::task::spawn_blocking(move || run_sgo(&cwd, &args))
        .await
        .unwrap();
    success(&backup, "sgo backup");
    let after = writes.lock().unwrap().acknowledged;
    stop.store(true, Ordering::SeqCst);
    join(writers).await;
    let total = writes.lock().unwrap().total();
    assert!(
        writes
            .lock()
            .unwrap()
            .unanswered
            .iter()
            .all(Option::is_none),
        "the server stopped answering"
    );

    // The restored copy is exactly what the backup says it holds …
    let restored = sgo_testkit::tempdir::Dir::new();
    let restore = run_sgo(
        &install.work.path,
        &[
            "restore".to_owned(),
            path(&archive),
            "--data-dir".to_owned(),
            path(&restored.path),
        ],
    );
    success(&restore, "sgo restore");
    let snapshot = fingerprint_in(&archive);
    let copy = fingerprint_of_dir(&install.work.path, &restored.path);
    assert_eq!(
        copy, snapshot,
        "the restored copy differs from the backup's snapshot"
    );
    assert!(!copy.contains(" missing"), "a file is missing:\n{copy}");
    assert!(
        count_lines(&copy, "file ") >= 2,
        "the drafts' files:\n{copy}"
    );
    // … holds every write acknowledged before the backup started, and no write half.
    let (history, marks) = written(&Database::Sqlite(restored.path.join("sgo.db")), "bkup1-").await;
    // Acknowledged before the backup started: in the copy; acknowledged after it ended: not.
    let in_copy = contiguous(&history, &before, &after);
    assert_eq!(marks, expected_marks(&journal, &history));
    let before: i64 = before.iter().sum();
    println!(
        "backup: {before} writes acknowledged before it started, {} by its end, {} in the \
         copy, {total} in all",
        after.iter().sum::<i64>(),
        in_copy.iter().sum::<i64>()
    );

    // A restore goes only into an empty directory.
    let again = run_sgo(
        &install.work.path,
        &[
            "restore".to_owned(),
            path(&archive),
            "--data-dir".to_owned(),
            path(&restored.path),
        ],
    );
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("не пуст"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );

    // With the writes stopped, a second backup restores to the live installation itself.
    let quiet = install.work.path.join("quiet.tar");
    success(
        &install.sgo("backup", &["--out", &path(&quiet)]),
        "sgo backup",
    );
    let quiet_copy = sgo_testkit::tempdir::Dir::new();
    success(
        &run_sgo(
            &install.work.path,
            &[
                "restore".to_owned(),
                path(&quiet),
                "--data-dir".to_owned(),
                path(&quiet_copy.path),
            ],
        ),
        "sgo restore",
    );
    assert_eq!(
        fingerprint_of_dir(&install.work.path, &quiet_copy.path),
        install.fingerprint(),
        "the copy of the idle installation differs from it"
    );

    // The copy taken under writes serves: the teacher signs in and sees the journal.
    let copy_args = vec!["--data-dir".to_owned(), path(&restored.path)];
    let copy_server = support::Server::start(&install.work.path, &copy_args, &[]);
    let again = Journal::open(&copy_server.url, &install).await;
    assert_eq!(again.cells.len(), journal.cells.len());
    let ready = support::Client::anonymous(&copy_server.url)
        .get("/readyz")
        .await;
    assert_eq!(ready.status, 200, "{}", ready.body);
    drop(server);
}

#[tokio::test]
async fn a_postgresql_dump_taken_while_marks_are_written_restores_to_its_snapshot() {
    let install = Installation::new(Engine::Postgres).await;
    let server = install.serve(&[]);
    let journal = Arc::new(Journal::open(&server.url, &install).await);
    let stop = Arc::new(AtomicBool::new(false));
    let writes = Arc::new(Mutex::new(Writes::default()));
    let writers = start_writers(journal.clone(), "pgdmp-", 5, stop.clone(), writes.clone());
    while writes.lock().unwrap().drafts < 2 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let url = install.db.database_url.clone().unwrap();
    let admin = sgo_store::testing::postgres_admin_url();
    let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();

    // A dump while the marks are being written: one snapshot, with every write acknowledged
    // before it started and no write half.
    let before = writes.lock().unwrap().acknowledged;
    let during = install.work.path.join("during.dump");
    let args = [
        "-Fc".to_owned(),
        "-f".to_owned(),
        path(&during),
        url.clone(),
    ];
    let dumped = tokio::task::spawn_blocking(move || {
        std::process::Command::new("pg_dump")
            .args(args)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    success(&dumped, "pg_dump under writes");
    let after = writes.lock().unwrap().acknowledged;
    stop.store(true, Ordering::SeqCst);
    join(writers).await;
    let under = format!("sgo_under_writes_{}", std::process::id());
    let create = format!("CREATE DATABASE {under}");
    sqlx::query(sqlx::AssertSqlSafe(create))
        .execute(&mut conn)
        .await
        .unwrap();
    let under_url = sgo_store::testing::replace_database(&admin, &under);
    let restored = std::process::Command::new("pg_restore")
        .args(["--no-owner", "-d", &under_url, &path(&during)])
        .output()
        .unwrap();
    {
        success(&restored, "pg_restore of the dump under writes");
        let (history, marks) = written(&Database::Postgres(under_url.clone()), "pgdmp-").await;
        let in_copy = contiguous(&history, &before, &after);
        assert_eq!(marks, expected_marks(&journal, &history));
        println!(
            "pg_dump: {} writes acknowledged before it started, {} by its end, {} in the copy",
            before.iter().sum::<i64>(),
            after.iter().sum::<i64>(),
            in_copy.iter().sum::<i64>()
        );
    }
    let drop_it = format!("DROP DATABASE IF EXISTS {under} WITH (FORCE)");
    sqlx::query(sqlx::AssertSqlSafe(drop_it))
        .execute(&mut conn)
        .await
        .unwrap();

    // `sgo backup` sends PostgreSQL installations to pg_dump.
    let refused = install.sgo(
        "backup",
        &["--out", &path(&install.work.path.join("x.tar"))],
    );
    assert!(!refused.status.success());
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(message.contains("pg_dump"), "{message}");

    // With the writes stopped, a dump restores to the installation itself.
    let original = install.fingerprint();
    let dump = install.work.path.join("sgo.dump");
    let dumped = std::process::Command::new("pg_dump")
        .args(["-Fc", "-f", &path(&dump), &url])
        .output()
        .unwrap();
    success(&dumped, "pg_dump");
    let name = format!("sgo_restored_{}", std::process::id());
    let create = format!("CREATE DATABASE {name}");
    sqlx::query(sqlx::AssertSqlSafe(create))
        .execute(&mut conn)
        .await
        .unwrap();
    let restored_url = sgo_store::testing::replace_database(&admin, &name);
    let restored = std::process::Command::new("pg_restore")
        .args(["--no-owner", "-d", &restored_url, &path(&dump)])
        .output()
        .unwrap();
    let result = async {
        success(&restored, "pg_restore");
        let args = vec![
            "fingerprint".to_owned(),
            "--data-dir".to_owned(),
            path(&install.data_dir),
            "--database-url".to_owned(),
            restored_url.clone(),
        ];
        let out = run_sgo(&install.work.path, &args);
        success(&out, "sgo fingerprint");
        let copy = String::from_utf8(out.stdout).unwrap();
        assert_eq!(
            copy, original,
            "the restored database differs from the dumped one"
        );
        assert!(
            count_lines(&copy, "file ") >= 2,
            "the drafts' files:\n{copy}"
        );
        assert!(!copy.contains(" missing"), "{copy}");
        // The restored database serves.
        let args = vec![
            "--data-dir".to_owned(),
            path(&install.data_dir),
            "--database-url".to_owned(),
            restored_url.clone(),
        ];
        let copy_server = support::Server::start(&install.work.path, &args, &[]);
        let ready = support::Client::anonymous(&copy_server.url)
            .get("/readyz")
            .await;
        assert_eq!(ready.status, 200, "{}", ready.body);
    }
    .await;
    let drop_it = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    sqlx::query(sqlx::AssertSqlSafe(drop_it))
        .execute(&mut conn)
        .await
        .unwrap();
    drop(server);
    result
}

/// Marks are written by several writers as fast as they are answered; the server is killed
/// with SIGKILL and started again on the same database. Every acknowledged write must be there,
/// and each write entirely or not at all: its history row and the mark agree.
async fn acknowledged_marks_survive_kill_9(engine: Engine) {
    let install = Installation::new(engine).await;
    let mut server = install.serve(&[]);
    let journal = Arc::new(Journal::open(&server.url, &install).await);
    let stop = Arc::new(AtomicBool::new(false));
    let writes = Arc::new(Mutex::new(Writes::default()));
    let writers = start_writers(journal.clone(), "kill9-", 0, stop, writes.clone());
    while writes.lock().unwrap().total() < 200 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill9();
    join(writers).await;
    let (acknowledged, unanswered) = {
        let w = writes.lock().unwrap();
        (w.acknowledged, w.unanswered)
    };
    for w in 0..WRITERS as usize {
        assert_eq!(
            unanswered[w],
            Some(acknowledged[w] + 1),
            "writer {w} stops at the kill"
        );
    }

    let restarted = install.serve(&[]);
    let database = Database::of(&install);
    let (history, marks) = written(&database, "kill9-").await;
    // Every acknowledged write, and at most the one each writer had in flight.
    let at_most: Vec<i64> = acknowledged.iter().map(|a| a + 1).collect();
    let present = contiguous(&history, &acknowledged, &at_most);
    // No write half: the marks are exactly what the history says was written.
    assert_eq!(marks, expected_marks(&journal, &history));
    if engine == Engine::Sqlite {
        let damaged = database
            .ids("SELECT COUNT(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'")
            .await;
        assert_eq!(damaged, vec![0]);
    }
    // And the server serves them again.
    let reopened = Journal::open(&restarted.url, &install).await;
    assert_eq!(reopened.cells, journal.cells);
    let acked: i64 = acknowledged.iter().sum();
    let present: i64 = present.iter().sum();
    println!(
        "{engine:?}: {acked} writes acknowledged before kill -9, {present} present after the \
         restart ({} unacknowledged but committed, of {WRITERS} in flight), {} cells showing a \
         mark of this run",
        present - acked,
        marks.len()
    );
}

mod sqlite {
    #[tokio::test]
    async fn acknowledged_marks_survive_kill_9() {
        super::acknowledged_marks_survive_kill_9(super::Engine::Sqlite).await;
    }
}

mod postgres {
    #[tokio::test]
    async fn acknowledged_marks_survive_kill_9() {
        super::acknowledged_marks_survive_kill_9(super::Engine::Postgres).await;
    }
}
