//! `sgo demo`: a demo region with a progress bar and the list of demo logins.

use std::path::Path;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use sgo_app::App;
use sgo_demo::{self as demo, DemoAccount, DemoOptions, DemoProgress};

use crate::config::{self, Overrides};

/// Generates the region into the configured database and writes `demo-accounts.csv`.
pub async fn run(
    o: Overrides,
    schools: u32,
    students_per_class: u32,
    seed: u64,
) -> anyhow::Result<()> {
    anyhow::ensure!((1..=2000).contains(&schools), "--schools: от 1 до 2000");
    anyhow::ensure!(
        (1..=40).contains(&students_per_class),
        "--students-per-class: от 1 до 40"
    );
    let config = config::load(&o)?;
    crate::open::init_logging(&config);
    let app = crate::open::open_app(&config).await?;
    let accounts = generate(&app, &config.data_dir, schools, students_per_class, seed).await?;
    print_summary(&config.data_dir, &accounts);
    Ok(())
}

/// Generates a region, showing progress, and writes the accounts file.
pub async fn generate(
    app: &App,
    data_dir: &Path,
    schools: u32,
    students_per_class: u32,
    seed: u64,
) -> anyhow::Result<Vec<DemoAccount>> {
    let options = DemoOptions {
        schools,
        students_per_class,
        seed,
        today: app.today(),
    };
    let bar = ProgressBar::new(u64::from(schools));
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} школ, {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message("Демо-регион");
    let progress = |p: DemoProgress| match p {
        DemoProgress::Started { schools } => bar.set_length(u64::from(schools)),
        DemoProgress::SchoolDone { done } => bar.set_position(u64::from(done)),
        DemoProgress::Finishing => bar.set_message("Индексы"),
    };
    let accounts = demo::generate(app.store(), app.key(), &options, &progress)
        .await
        .context("не удалось создать демо-регион")?;
    bar.finish_with_message("Готово");
    let csv = data_dir.join("demo-accounts.csv");
    demo::write_accounts_csv(&csv, &accounts)
        .with_context(|| format!("не удалось записать {}", csv.display()))?;
    Ok(accounts)
}

/// Prints where the logins are and a few of them.
pub fn print_summary(data_dir: &Path, accounts: &[DemoAccount]) {
    println!(
        "Учётные записи демо-региона: {}",
        data_dir.join("demo-accounts.csv").display()
    );
    let mut shown = std::collections::HashSet::new();
    for a in accounts {
        if shown.insert(a.role) {
            println!(
                "  {:<14} {} / {}  ({}, {})",
                a.role.title(),
                a.login,
                a.password,
                a.display_name,
                a.organization_short_name
            );
        }
    }
}
