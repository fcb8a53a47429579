//! `sgo fingerprint`: what an installation holds, as text to compare with another copy — per
//! table its row count and a checksum of its rows, per stored file its key and SHA-256. Two
//! installations on the same engine hold the same data exactly when their texts are equal.

use anyhow::Context;

use crate::config::{self, Overrides};

/// Prints the fingerprint of the configured installation; reads only, migrates nothing.
pub async fn run(o: Overrides) -> anyhow::Result<()> {
    let config = config::load(&o)?;
    let app = crate::open::open_existing(&config, None).await?;
    let print = app
        .fingerprint()
        .await
        .context("не удалось прочитать базу данных и файлы")?;
    print!("{}", print.to_text());
    Ok(())
}
