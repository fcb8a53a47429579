//! File contents on PostgreSQL through the real `sgo` binary: `sgo files migrate` moves a data
//! directory's files into the database, and a 50 MB attachment goes up to and down from
//! `sgo serve` without the server ever holding it in memory.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use sgo_app::{Engine, Role};
use sgo_core::files::FileOwner;
use sgo_store::NewFile;
use sgo_store::{FileStore, LocalFileStore};
use sgo_testkit::{World, demo_server_key, multipart, tempdir};
use sha2::{Digest, Sha256};

/// Bytes that do not compress and do not repeat, from a seed.
fn contents(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(len);
    out
}

/// `sgo` with `args`, run in `dir` (so that no `sgo.toml` of the checkout is read); answers
/// whether it succeeded and what it printed.
async fn sgo(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_sgo"))
        .args(args)
        .current_dir(dir)
        .env("SGO_LOG", "warn")
        .output()
        .await
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// Records a pending file of the first school's administrator for the bytes under `key`.
async fn record(w: &World, key: &str, n: usize, size: usize) {
    let admin = w.admin();
    let file = NewFile {
        organization_id: admin.organization_id,
        storage_key: key.to_owned(),
        guid: format!("migrated-{n}"),
        name: format!("Файл {n}.pdf"),
        content_type: "application/pdf".into(),
        size: size as i64,
        description: String::new(),
        owner: FileOwner::Pending,
        uploaded_by: w.id_of(&admin).await,
        uploaded_at: chrono::Utc::now(),
    };
    w.store().insert_file(&file).await.unwrap();
}

async fn read(files: &dyn FileStore, key: &str) -> Option<Vec<u8>> {
    Some(files.read(key).await.unwrap()?.into_vec().await.unwrap())
}

#[tokio::test]
async fn files_migrate_moves_a_data_directory_into_postgres() {
    let w = World::build(Engine::Postgres).start().await;
    let url = w.db.database_url.clone().unwrap();
    let data = tempdir::Dir::new();
    let local = LocalFileStore::new(data.path.join("files"));
    let chunk = sgo_store::FILE_CHUNK_BYTES;
    let sizes = [0, 1000, chunk, 2 * chunk + 1];
    let mut kept = Vec::new();
    for (n, size) in sizes.into_iter().enumerate() {
        let key = format!("{:032x}", 0xa0 + n);
        let bytes = contents(size, n as u64);
        local
            .write(&key, sgo_store::stream_of(bytes.clone()), u64::MAX)
            .await
            .unwrap();
        record(&w, &key, n, size).await;
        kept.push((key, bytes));
    }
    // A file nobody names any more (its record went, removing its bytes failed): not moved.
    let orphan = format!("{:032x}", 0xff);
    local
        .write(&orphan, sgo_store::stream_of(b"orphan".to_vec()), 10)
        .await
        .unwrap();
    // An earlier run that was interrupted had moved the first file already.
    let db = w.app.file_store();
    let (first_key, first_bytes) = &kept[0];
    db.write(
        first_key,
        sgo_store::stream_of(first_bytes.clone()),
        u64::MAX,
    )
    .await
    .unwrap();

    let data_dir = data.path.to_str().unwrap();
    let (ok, out) = sgo(
        &data.path,
        &[
            "files",
            "migrate",
            "--data-dir",
            data_dir,
            "--database-url",
            &url,
        ],
    )
    .await;
    assert!(ok, "{out}");
    assert!(out.contains("Файлов в "), "{out}");
    assert!(out.contains(": 5. Перенесено в базу: 3"), "{out}");
    assert!(out.contains("уже были в базе: 1"), "{out}");
    assert!(
        out.contains("пропущены: 1, удалено из каталога: 0."),
        "{out}"
    );
    for (key, bytes) in &kept {
        assert_eq!(read(db, key).await.as_ref(), Some(bytes), "{key}");
        // The source stays unless asked otherwise.
        assert_eq!(read(&local, key).await.as_ref(), Some(bytes), "{key}");
    }
    assert!(read(db, &orphan).await.is_none());

    // Run again with --delete-source: nothing left to copy, the moved files leave the directory.
    let (ok, out) = sgo(
        &data.path,
        &[
            "files",
            "migrate",
            "--data-dir",
            data_dir,
            "--database-url",
            &url,
            "--delete-source",
        ],
    )
    .await;
    assert!(ok, "{out}");
    assert!(
        out.contains("Перенесено в базу: 0 (0.0 МБ), уже были в базе: 4"),
        "{out}"
    );
    assert!(out.contains("удалено из каталога: 4."), "{out}");
    assert_eq!(local.keys().await.unwrap(), vec![orphan.clone()]);
    for (key, bytes) in &kept {
        assert_eq!(read(db, key).await.as_ref(), Some(bytes), "{key}");
    }

    // Without PostgreSQL there is nowhere to move them.
    let (ok, out) = sgo(&data.path, &["files", "migrate", "--data-dir", data_dir]).await;
    assert!(!ok, "{out}");
    assert!(out.contains("PostgreSQL"), "{out}");
}

/// The highest resident memory of a process so far (`VmHWM`), in KiB.
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// A free local port (the server binds it a moment later).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Kills the server when the test ends, however it ends.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Uploads a mail attachment through the NetSchool API; answers its GUID.
async fn upload(client: &reqwest::Client, base: &str, at: &str, bytes: &[u8]) -> String {
    let (content_type, body) = multipart(&[], &[("file", "Видеоурок.mp4", bytes)]);
    let res = client
        .post(format!("{base}/webapi/attachments"))
        .header("at", at)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let text = res.text().await.unwrap();
    assert_eq!(status, reqwest::StatusCode::OK, "{text}");
    serde_json::from_str(&text).unwrap()
}

/// Downloads a file through the NetSchool API; answers its announced length, the length
/// received and the SHA-256 of what was received.
async fn download(client: &reqwest::Client, base: &str, at: &str, id: i64) -> (u64, u64, Vec<u8>) {
    let mut res = client
        .get(format!("{base}/webapi/attachments/{id}"))
        .header("at", at)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::OK);
    let announced = res.content_length().unwrap();
    let mut hash = Sha256::new();
    let mut received = 0u64;
    while let Some(piece) = res.chunk().await.unwrap() {
        received += piece.len() as u64;
        hash.update(&piece);
    }
    (announced, received, hash.finalize().to_vec())
}

#[tokio::test]
async fn a_50_mb_attachment_streams_through_sgo_serve_in_little_memory() {
    const SIZE: usize = 50_000_000;
    let w = World::build(Engine::Postgres).start().await;
    let url = w.db.database_url.clone().unwrap();
    let teacher = w.first(Role::Teacher, w.admin().organization_id);
    // A session opened here is a row of the shared database: the server accepts it too.
    let at = w.token(&teacher).await;
    let data = tempdir::Dir::new();
    std::fs::create_dir_all(&data.path).unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_sgo"))
        .args(["serve", "--database-url", &url, "--listen"])
        .arg(format!("127.0.0.1:{port}"))
        .arg("--data-dir")
        .arg(&data.path)
        .current_dir(&data.path)
        .env("SGO_SERVER_KEY", demo_server_key())
        .env("SGO_MAIL_FILE_LIMIT_KB", "51200")
        .env("SGO_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let server = Server(child);
    let pid = server.0.id();
    let client = reqwest::Client::new();
    let started = Instant::now();
    loop {
        let ready = client.get(format!("{base}/login")).send().await;
        if ready.is_ok_and(|r| r.status().is_success()) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "sgo serve did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // A small file first, so that the pools, buffers and caches every request needs exist
    // before the baseline is taken.
    let small = contents(300_000, 1);
    let guid = upload(&client, &base, &at, &small).await;
    let id = w.store().file_by_guid(&guid).await.unwrap().unwrap().id;
    let (_, received, _) = download(&client, &base, &at, id).await;
    assert_eq!(received, small.len() as u64);
    let before = peak_rss_kib(pid);

    let big = contents(SIZE, 2);
    let sent_hash = Sha256::digest(&big).to_vec();
    let guid = upload(&client, &base, &at, &big).await;
    drop(big);
    let file = w.store().file_by_guid(&guid).await.unwrap().unwrap();
    assert_eq!(file.size, SIZE as i64);
    let (announced, received, got_hash) = download(&client, &base, &at, file.id).await;
    assert_eq!((announced, received), (SIZE as u64, SIZE as u64));
    assert!(got_hash == sent_hash, "the downloaded bytes differ");

    let grown_mib = peak_rss_kib(pid).saturating_sub(before) / 1024;
    eprintln!("sgo serve peak memory grew by {grown_mib} MiB for a 50 MB upload and download");
    assert!(
        grown_mib < 20,
        "the server's peak memory grew by {grown_mib} MiB for a 50 MB file"
    );
    // The contents are in the database, not in the data directory.
    assert!(!data.path.join("files").exists());
    drop(server);
}
