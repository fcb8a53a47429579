//! `sgo restore FILE --data-dir DIR`: an archive of `sgo backup` into an empty data directory.
//!
//! Only the entries a backup writes are accepted (the database first, the server key, stored
//! files by key, the fingerprint last); anything else, a path that tries to leave the directory
//! included, stops the restore. The files go through the file store, like the server's own, and
//! the restored installation must then give exactly the fingerprint the archive carries; if it
//! does not, what was restored is removed again.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::backup::{DATABASE_ENTRY, FILES_DIR, FINGERPRINT_ENTRY, KEY_ENTRY, file_entry};
use crate::config::{self, Overrides};

/// Empties the data directory again unless the restore completed.
struct Undo {
    dir: PathBuf,
    created: bool,
    done: bool,
}

impl Drop for Undo {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        if self.created {
            let _ = std::fs::remove_dir_all(&self.dir);
        } else if let Ok(entries) = std::fs::read_dir(&self.dir) {
            for entry in entries.flatten() {
                let path = entry.path();
                let _ = if path.is_dir() {
                    std::fs::remove_dir_all(&path)
                } else {
                    std::fs::remove_file(&path)
                };
            }
        }
    }
}

/// What one archive entry is.
enum Entry {
    Database,
    Key,
    Fingerprint,
    File(String),
}

fn classify(path: &Path) -> Option<Entry> {
    let name = path.to_str()?;
    match name {
        DATABASE_ENTRY => return Some(Entry::Database),
        KEY_ENTRY => return Some(Entry::Key),
        FINGERPRINT_ENTRY => return Some(Entry::Fingerprint),
        _ => {}
    }
    let key = name
        .strip_prefix(FILES_DIR)?
        .strip_prefix('/')?
        .split('/')
        .nth(1)?;
    (sgo_app::is_file_key(key) && file_entry(key) == name).then(|| Entry::File(key.to_owned()))
}

/// Restores `archive` into the configured (empty) data directory.
pub async fn run(o: Overrides, archive: PathBuf) -> anyhow::Result<()> {
    let config = config::load(&o)?;
    anyhow::ensure!(
        config.database_url.is_none(),
        "sgo restore восстанавливает только встроенную базу SQLite. Копию PostgreSQL \
         восстанавливает pg_restore (например, pg_restore -d <адрес новой базы> sgo.dump); \
         см. docs/operations.md"
    );
    let dir = config.data_dir.clone();
    let created = !dir.exists();
    if !created {
        let mut entries = std::fs::read_dir(&dir)
            .with_context(|| format!("не удалось прочитать каталог {}", dir.display()))?;
        anyhow::ensure!(
            entries.next().is_none(),
            "каталог данных {} не пуст: восстановление делается только в пустой каталог",
            dir.display()
        );
    }
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("не удалось создать каталог {}", dir.display()))?;
    let mut undo = Undo {
        dir: dir.clone(),
        created,
        done: false,
    };

    let file = std::fs::File::open(&archive)
        .with_context(|| format!("не удалось открыть архив {}", archive.display()))?;
    let mut reader = tar::Archive::new(std::io::BufReader::new(file));
    let mut app = None;
    let mut expected = None;
    let mut files = 0usize;
    let broken = || {
        format!(
            "архив {} повреждён или не является копией SGO",
            archive.display()
        )
    };
    for entry in reader.entries().with_context(broken)? {
        let mut entry = entry.with_context(broken)?;
        let path = entry.path().with_context(broken)?.into_owned();
        let kind = classify(&path)
            .filter(|_| entry.header().entry_type() == tar::EntryType::Regular)
            .with_context(|| format!("{}: посторонняя запись {}", broken(), path.display()))?;
        anyhow::ensure!(
            expected.is_none(),
            "{}: запись {} после отпечатка",
            broken(),
            path.display()
        );
        match kind {
            Entry::Database => {
                anyhow::ensure!(app.is_none(), "{}: база встречается дважды", broken());
                let target = dir.join("sgo.db");
                entry.unpack(&target).with_context(broken)?;
                app = Some(crate::open::open_existing(&config, None).await?);
            }
            Entry::Key => {
                let target = dir.join("server.key");
                anyhow::ensure!(!target.exists(), "{}: ключ встречается дважды", broken());
                entry.unpack(&target).with_context(broken)?;
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o600))?;
                }
            }
            Entry::File(key) => {
                let app = app
                    .as_ref()
                    .with_context(|| format!("{}: файлы идут раньше базы", broken()))?;
                let mut bytes = Vec::new();
                entry.read_to_end(&mut bytes).with_context(broken)?;
                app.restore_stored_file(&key, &bytes)
                    .await
                    .with_context(|| format!("не удалось записать файл {key}"))?;
                files += 1;
            }
            Entry::Fingerprint => {
                let mut text = String::new();
                entry.read_to_string(&mut text).with_context(broken)?;
                expected = Some(text);
            }
        }
    }
    let app = app.with_context(|| format!("{}: в нём нет базы", broken()))?;
    let expected = expected.with_context(|| format!("{}: в нём нет отпечатка", broken()))?;
    let restored = app
        .fingerprint()
        .await
        .context("не удалось прочитать восстановленную базу")?
        .to_text();
    if restored != expected {
        let differs = restored
            .lines()
            .zip(expected.lines())
            .find(|(a, b)| a != b)
            .map(|(a, b)| format!("в копии «{b}», восстановлено «{a}»"))
            .unwrap_or_else(|| "разное число строк".to_owned());
        anyhow::bail!(
            "восстановленные данные не совпадают с отпечатком резервной копии ({differs}); \
             каталог {} очищен",
            dir.display()
        );
    }
    undo.done = true;
    println!(
        "Восстановлено в {}: таблиц {}, файлов {}; отпечаток совпадает с резервной копией.",
        dir.display(),
        restored.lines().filter(|l| l.starts_with("table ")).count(),
        files
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_backup_entries_are_accepted() {
        let key = "0123456789abcdef0123456789abcdef";
        assert!(matches!(
            classify(Path::new("sgo.db")),
            Some(Entry::Database)
        ));
        assert!(matches!(
            classify(Path::new("server.key")),
            Some(Entry::Key)
        ));
        assert!(matches!(
            classify(Path::new("fingerprint.txt")),
            Some(Entry::Fingerprint)
        ));
        assert!(
            matches!(classify(Path::new(&format!("files/01/{key}"))), Some(Entry::File(k)) if k == key)
        );
        for bad in [
            format!("files/02/{key}"),
            format!("files/01/{key}/x"),
            format!("files/../01/{key}"),
            "files/01/../../etc/passwd".to_owned(),
            "../sgo.db".to_owned(),
            "/etc/passwd".to_owned(),
            "demo-accounts.csv".to_owned(),
        ] {
            assert!(classify(Path::new(&bad)).is_none(), "{bad}");
        }
    }
}
