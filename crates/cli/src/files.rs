//! `sgo files`: the file contents of an installation. `sgo files migrate` moves files kept in a
//! data directory into the PostgreSQL database, where every node finds them.

use anyhow::Context;
use clap::Subcommand;

use crate::config::{self, Overrides};

/// What `sgo files` can do.
#[derive(Subcommand)]
pub enum FilesCommand {
    /// Copy the files of a data directory (`<data_dir>/files`) into the PostgreSQL database of
    /// the configuration. Files already there are skipped, so it can be run again after an
    /// interruption.
    Migrate {
        #[command(flatten)]
        common: Overrides,
        /// Remove each file from the data directory once it is in the database.
        #[arg(long)]
        delete_source: bool,
    },
}

/// Runs a `sgo files` command.
pub async fn run(command: FilesCommand) -> anyhow::Result<()> {
    match command {
        FilesCommand::Migrate {
            common,
            delete_source,
        } => migrate(common, delete_source).await,
    }
}

async fn migrate(common: Overrides, delete_source: bool) -> anyhow::Result<()> {
    let config = config::load(&common)?;
    crate::open::init_logging(&config);
    let Some(url) = config.database_url.as_deref() else {
        anyhow::bail!(
            "укажите базу PostgreSQL (--database-url или database_url): без неё файлы и так \
             хранятся в каталоге данных"
        );
    };
    let files_dir = config.data_dir.join("files");
    anyhow::ensure!(
        files_dir.is_dir(),
        "в каталоге данных нет файлов: {} не найден",
        files_dir.display()
    );
    // Only the store: the server key and the rest of the application are not needed to copy bytes.
    let access = crate::open::postgres_options(&config);
    let store = sgo_app::connect_store(Some(url), &config.data_dir.join("sgo.db"), &access)
        .await
        .context("не удалось открыть базу данных")?;
    let bar = indicatif::ProgressBar::new_spinner();
    let done =
        sgo_app::files::migrate_local_files(store.as_ref(), &files_dir, delete_source, &|n| {
            bar.set_message(format!("просмотрено файлов: {n}"))
        })
        .await
        .map_err(anyhow::Error::new)
        .context(
            "перенос файлов прерван; запустите команду снова, перенесённые файлы пропускаются",
        )?;
    bar.finish_and_clear();
    println!(
        "Файлов в {}: {}. Перенесено в базу: {} ({:.1} МБ), уже были в базе: {}, ни к чему не \
         прикреплены и пропущены: {}, удалено из каталога: {}.",
        files_dir.display(),
        done.found,
        done.copied,
        done.copied_bytes as f64 / (1024.0 * 1024.0),
        done.present,
        done.unused,
        done.deleted
    );
    Ok(())
}
