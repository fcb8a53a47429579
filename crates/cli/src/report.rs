//! `sgo report`: builds a report as one of the portal's accounts would and writes it to a file,
//! for scheduled exports to the education authority and for the report benchmark. It is a
//! local administrator's tool: whoever runs it already holds the database, so it names the
//! account instead of signing in; the account's own permissions still decide what it may see.

use sgo_app::ids::OrganizationId;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::NaiveDate;
use sgo_app::reports::{ReportFormat, ReportJobState, ReportRequest, write_document};

use crate::config::{self, Overrides};

/// What `sgo report` was asked for.
pub struct ReportArgs {
    /// The account's organization.
    pub organization: i64,
    /// The account's login.
    pub login: String,
    /// The day of the period results.
    pub on: Option<NaiveDate>,
    /// Where to write; the format follows the extension.
    pub out: PathBuf,
}

/// Builds the period results of the account's school or territory and writes them to a file.
pub async fn run(common: Overrides, args: ReportArgs) -> anyhow::Result<()> {
    let format = args
        .out
        .extension()
        .and_then(|e| e.to_str())
        .and_then(ReportFormat::from_extension)
        .context("укажите файл с расширением .xlsx, .pdf или .html")?;
    let config = config::load(&common)?;
    crate::open::init_logging(&config);
    let app = crate::open::open_app(&config).await?;
    let actor = app
        .actor_by_login(OrganizationId::new(args.organization), &args.login)
        .await
        .with_context(|| format!("учётная запись {} не найдена", args.login))?;
    let on = args.on.unwrap_or_else(|| app.today());
    let started = Instant::now();
    let id = app
        .queue_report(&actor, ReportRequest::PeriodResults { on, school: None })
        .await?;
    let job = app
        .wait_report_job(&actor, id, Duration::from_secs(3600))
        .await?;
    let built = started.elapsed();
    if job.state != ReportJobState::Done {
        anyhow::bail!(
            "отчёт не построен: {}",
            job.error
                .map_or_else(|| job.state.label().to_owned(), |m| m.to_string())
        );
    }
    let doc = app.report_job_document(&actor, id).await?;
    std::fs::write(&args.out, write_document(&doc, format)?)
        .with_context(|| format!("не удалось записать {}", args.out.display()))?;
    let rows: usize = doc.sections.iter().map(|s| s.rows.len()).sum();
    println!(
        "{}: {} строк, построен за {:.3} с, записан в {}",
        doc.title,
        rows,
        built.as_secs_f64(),
        args.out.display()
    );
    Ok(())
}
