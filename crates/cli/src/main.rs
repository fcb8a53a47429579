//! `sgo`: the server and its administrative tasks.

mod backup;
mod config;
mod demo;
mod exporter;
mod files;
mod fingerprint;
mod open;
mod report;
mod restore;
mod serve;

use clap::{Parser, Subcommand};

use config::Overrides;

/// SGO — «Сетевой город. Образование»: school journal, diary and NetSchool-compatible API.
#[derive(Parser)]
#[command(name = "sgo", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the web server.
    Serve {
        #[command(flatten)]
        common: Overrides,
        /// Address to listen on, e.g. 127.0.0.1:8080.
        #[arg(long)]
        listen: Option<String>,
        /// Generate a demo region on first start when the database is empty.
        #[arg(long)]
        demo: bool,
    },
    /// Generate a deterministic demo region into an empty database.
    Demo {
        #[command(flatten)]
        common: Overrides,
        /// Number of schools.
        #[arg(long, default_value_t = 2)]
        schools: u32,
        /// Students in each class.
        #[arg(long, default_value_t = 20)]
        students_per_class: u32,
        /// Seed of the generator: the same seed gives the same region.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Build the period results of an account's school or territory into a file.
    Report {
        #[command(flatten)]
        common: Overrides,
        /// The id of the account's organization.
        #[arg(long)]
        organization: i64,
        /// The account's login.
        #[arg(long)]
        login: String,
        /// The day (YYYY-MM-DD); today when omitted.
        #[arg(long)]
        on: Option<chrono::NaiveDate>,
        /// The file to write: .xlsx, .pdf or .html.
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Apply database migrations and exit.
    Migrate {
        #[command(flatten)]
        common: Overrides,
    },
    /// Copy a running SQLite installation (database and files) into one archive.
    Backup {
        #[command(flatten)]
        common: Overrides,
        /// The archive to write (must not exist).
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Restore an archive of `sgo backup` into an empty data directory.
    Restore {
        /// The archive.
        archive: std::path::PathBuf,
        #[command(flatten)]
        common: Overrides,
    },
    /// Print row counts and checksums of every table and stored file, to compare installations.
    Fingerprint {
        #[command(flatten)]
        common: Overrides,
    },
    /// Manage stored file contents (attachments).
    Files {
        #[command(subcommand)]
        command: files::FilesCommand,
    },
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve {
            common,
            listen,
            demo,
        } => serve::run(common, listen, demo).await,
        Command::Demo {
            common,
            schools,
            students_per_class,
            seed,
        } => demo::run(common, schools, students_per_class, seed).await,
        Command::Report {
            common,
            organization,
            login,
            on,
            out,
        } => {
            let args = report::ReportArgs {
                organization,
                login,
                on,
                out,
            };
            report::run(common, args).await
        }
        Command::Backup { common, out } => backup::run(common, out).await,
        Command::Restore { archive, common } => restore::run(common, archive).await,
        Command::Fingerprint { common } => fingerprint::run(common).await,
        Command::Migrate { common } => {
            async {
                let config = config::load(&common)?;
                crate::open::init_logging(&config);
                crate::open::open_app(&config).await?;
                println!("База данных в актуальном состоянии.");
                Ok(())
            }
            .await
        }
        Command::Files { command } => files::run(command).await,
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Ошибка: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
