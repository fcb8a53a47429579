//! `sgo backup --out FILE`: a consistent copy of an SQLite installation taken while it serves.
//!
//! The database is copied with `VACUUM INTO` (one read transaction: the database as of one
//! commit, writes go on meanwhile), then exactly the stored files that copy refers to are read
//! through the file store. The archive (tar) holds `sgo.db`, the server key when it is kept in
//! the data directory, `files/<first two>/<key>` and, last, `fingerprint.txt`: the
//! `sgo fingerprint` text of what the archive holds, which `sgo restore` checks the restored
//! installation against. On PostgreSQL the database's own tools do this job (pg_dump).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use sgo_app::operations::{FileFingerprint, Fingerprint};

use crate::config::{self, Overrides};

/// The archive's entry names, shared with `sgo restore`.
pub const DATABASE_ENTRY: &str = "sgo.db";
/// The server key, when the installation keeps it in its data directory.
pub const KEY_ENTRY: &str = "server.key";
/// The fingerprint of the archive's contents; the last entry.
pub const FINGERPRINT_ENTRY: &str = "fingerprint.txt";
/// The directory of stored files inside the archive.
pub const FILES_DIR: &str = "files";

/// The archive path of a stored file.
pub fn file_entry(key: &str) -> String {
    format!("{FILES_DIR}/{}/{key}", &key[..2])
}

/// Removes the scratch directory of the snapshot however the backup ends.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Writes the backup archive to `out`, which must not exist yet.
pub async fn run(o: Overrides, out: PathBuf) -> anyhow::Result<()> {
    let config = config::load(&o)?;
    anyhow::ensure!(
        config.database_url.is_none(),
        "sgo backup копирует только встроенную базу SQLite. Для PostgreSQL резервную копию \
         делает сама СУБД: pg_dump -Fc -f sgo.dump <адрес базы> (восстановление — pg_restore); \
         см. docs/operations.md"
    );
    let live = config.data_dir.join("sgo.db");
    anyhow::ensure!(
        live.is_file(),
        "в каталоге данных {} нет базы sgo.db",
        config.data_dir.display()
    );
    anyhow::ensure!(
        !out.exists(),
        "файл {} уже существует: укажите новое имя",
        out.display()
    );
    let name = out
        .file_name()
        .and_then(|n| n.to_str())
        .context("укажите имя файла резервной копии")?
        .to_owned();
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    // The snapshot is made beside the archive: on the disk that was chosen to hold the backup.
    let scratch = Scratch(dir.join(format!(".{name}.{}.snapshot", std::process::id())));
    std::fs::create_dir_all(&scratch.0)
        .with_context(|| format!("не удалось создать каталог {}", scratch.0.display()))?;
    let snapshot = scratch.0.join(DATABASE_ENTRY);
    sgo_app::sqlite_snapshot(&live, &snapshot)
        .await
        .context("не удалось снять копию базы данных")?;

    // The snapshot's tables, with the live file store. Bytes are stored before the row naming
    // them and removed after it, so every file the snapshot names existed when it was taken;
    // one whose row was deleted since may be gone by now: reported, the rest of the copy holds.
    let app = crate::open::open_existing(&config, Some(&snapshot)).await?;
    let tables = app
        .table_fingerprints()
        .await
        .context("не удалось прочитать копию базы данных")?;
    let keys = app
        .referenced_file_keys()
        .await
        .context("не удалось прочитать список файлов")?;

    let partial = dir.join(format!("{name}.partial"));
    let file = create_private(&partial)?;
    let mut archive = tar::Builder::new(BufWriter::new(file));
    let mut db = File::open(&snapshot)?;
    archive
        .append_file(DATABASE_ENTRY, &mut db)
        .context("не удалось записать архив")?;
    drop(db);
    let key_file = config.data_dir.join("server.key");
    if key_file.is_file() {
        append(&mut archive, KEY_ENTRY, &std::fs::read(&key_file)?)?;
    }
    let mut files = Vec::with_capacity(keys.len());
    let mut missing = 0usize;
    for key in &keys {
        let bytes = app
            .stored_file(key)
            .await
            .with_context(|| format!("не удалось прочитать файл {key}"))?;
        match &bytes {
            Some(b) => append(&mut archive, &file_entry(key), b)?,
            None => {
                missing += 1;
                eprintln!(
                    "Предупреждение: файла {key} уже нет в хранилище (удалён после снимка базы)"
                );
            }
        }
        files.push(FileFingerprint::of(key, bytes.as_deref()));
    }
    let print = Fingerprint { tables, files };
    append(&mut archive, FINGERPRINT_ENTRY, print.to_text().as_bytes())?;
    let file = archive
        .into_inner()
        .context("не удалось записать архив")?
        .into_inner()
        .map_err(|e| e.into_error())
        .context("не удалось записать архив")?;
    // On disk before it takes its name: a crash never leaves a half-written archive as `out`.
    file.sync_all().context("не удалось записать архив")?;
    drop(file);
    std::fs::rename(&partial, &out)
        .with_context(|| format!("не удалось переименовать архив в {}", out.display()))?;
    if let Ok(d) = File::open(&dir) {
        let _ = d.sync_all();
    }
    println!(
        "Резервная копия записана в {}: таблиц {}, файлов {}{}.",
        out.display(),
        print.tables.len(),
        print.files.len() - missing,
        if missing > 0 {
            format!(" (недостающих {missing})")
        } else {
            String::new()
        }
    );
    Ok(())
}

/// Creates the archive readable by its owner only: it holds everyone's data and the server key.
fn create_private(path: &Path) -> anyhow::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
        .open(path)
        .with_context(|| format!("не удалось создать файл {}", path.display()))
}

/// Appends one regular file with these contents.
fn append<W: Write>(archive: &mut tar::Builder<W>, name: &str, bytes: &[u8]) -> anyhow::Result<()> {
    let mut header = tar::Header::new_gnu();
    header.set_entry_type(tar::EntryType::Regular);
    header.set_size(bytes.len() as u64);
    header.set_mode(0o600);
    header.set_mtime(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0),
    );
    header.set_cksum();
    archive
        .append_data(&mut header, name, bytes)
        .context("не удалось записать архив")
}
