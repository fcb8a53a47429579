//! Writing a confirmed batch: one transaction, run by the node that holds the batch's lease. On
//! PostgreSQL the holder renews the lease and records its progress from another connection while
//! it writes, so every node shows the progress and a batch whose node died is taken over by
//! another once the lease has run out (the dead node's writing was rolled back with it).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use sgo_core::{Actor, OrganizationId};
use sgo_store::{Engine, ImportOutcome, ImportPlan, Store};

use super::{ImportStatus, count};
use crate::{App, Origin};

/// A confirmed batch, ready to be written by [`ImportJob::run`] (in the background: a large
/// file takes seconds).
pub struct ImportJob {
    pub(super) app: App,
    pub(super) actor: Actor,
    pub(super) origin: Origin,
    pub(super) plan: ImportPlan,
    pub(super) details: String,
}

impl ImportJob {
    /// The batch being written.
    pub fn batch_id(&self) -> i64 {
        self.plan.batch_id
    }

    /// Writes the batch in one transaction and records the outcome; returns the final status.
    pub async fn run(self) -> ImportStatus {
        let ImportJob {
            app,
            actor,
            origin,
            plan,
            details,
        } = self;
        let key = progress_key(&app.store, plan.batch_id);
        let total = plan.accounts.len();
        set_progress(key, 0, total);
        let written = Arc::new(AtomicUsize::new(0));
        let counter = written.clone();
        let report = move |done| {
            set_progress(key, done, total);
            counter.store(done, Ordering::Relaxed);
        };
        let apply = app.store.apply_import(&plan, &report);
        let outcome = if app.store.engine() == Engine::Postgres {
            let mut renew = tokio::time::interval(app.job_lease_length() / 3);
            renew.tick().await;
            tokio::pin!(apply);
            loop {
                tokio::select! {
                    outcome = &mut apply => break Some(outcome),
                    _ = renew.tick() => {
                        let held = app.store.renew_import_batch(
                            plan.batch_id,
                            app.job_node(),
                            app.job_lease().until,
                            count(written.load(Ordering::Relaxed)),
                        );
                        match held.await {
                            Ok(true) => {}
                            // Another node took the batch over: dropping the writing rolls it back.
                            Ok(false) => break None,
                            Err(e) => tracing::warn!(error = %e, batch = plan.batch_id, "import lease not renewed"),
                        }
                    }
                }
            }
        } else {
            Some(apply.await)
        };
        forget_progress(key);
        let Some(outcome) = outcome else {
            tracing::warn!(
                batch = plan.batch_id,
                "import lease lost; another node writes it"
            );
            return ImportStatus::Applying;
        };
        app.catch_up().await;
        let failure = match outcome {
            Ok(ImportOutcome::Applied(_)) => {
                app.audit_change(
                    &actor,
                    OrganizationId::new(plan.organization_id),
                    &origin,
                    "import.apply",
                    format!("import:{}", plan.batch_id),
                    details,
                )
                .await;
                return ImportStatus::Applied;
            }
            // Someone else finished or failed it; its state is theirs to record.
            Ok(ImportOutcome::NotClaimed) => return ImportStatus::Failed,
            Ok(ImportOutcome::LoginTaken(login)) => format!(
                "Логин «{login}» занят в школе (его выдали, пока файл ждал подтверждения). \
                 Ничего не записано: загрузите файл заново, логин будет предложен другой."
            ),
            Err(e) => {
                tracing::error!(error = %e, batch = plan.batch_id, "import failed");
                "Ошибка базы данных при записи. Ничего не записано; попробуйте загрузить файл ещё раз."
                    .to_owned()
            }
        };
        if let Err(e) = app
            .store
            .fail_import_batch(plan.batch_id, &failure, app.clock.now())
            .await
        {
            tracing::error!(error = %e, batch = plan.batch_id, "could not mark the import failed");
        }
        ImportStatus::Failed
    }
}

/// Progress of the jobs this process runs: the job's transaction hides its rows from every other
/// connection until it commits, so the count is kept here (and, on PostgreSQL, copied to the
/// batch's row with each lease renewal for the other nodes).
type ProgressMap = HashMap<(usize, i64), (usize, usize)>;

fn progress_map() -> &'static Mutex<ProgressMap> {
    static MAP: OnceLock<Mutex<ProgressMap>> = OnceLock::new();
    MAP.get_or_init(Mutex::default)
}

/// Batch ids are per database; the store's address tells the databases of one process apart.
pub(super) fn progress_key(store: &Arc<dyn Store>, batch_id: i64) -> (usize, i64) {
    (Arc::as_ptr(store).cast::<()>() as usize, batch_id)
}

fn set_progress(key: (usize, i64), done: usize, total: usize) {
    if let Ok(mut map) = progress_map().lock() {
        map.insert(key, (done, total));
    }
}

fn forget_progress(key: (usize, i64)) {
    if let Ok(mut map) = progress_map().lock() {
        map.remove(&key);
    }
}

pub(super) fn read_progress(key: (usize, i64)) -> Option<(usize, usize)> {
    progress_map().lock().ok()?.get(&key).copied()
}

/// A job that keeps failing its nodes is failed after this many starts.
const MAX_ATTEMPTS: i32 = 3;

impl App {
    /// Takes over a batch whose node died while writing it, and writes it: one pass of the import
    /// worker, started with the report workers. Whether one was found.
    pub(crate) async fn resume_one_import(&self) -> bool {
        let batch = match self
            .store
            .reclaim_import_batch(self.job_node(), self.job_lease())
            .await
        {
            Ok(Some(b)) => b,
            Ok(None) => return false,
            Err(e) => {
                tracing::warn!(error = %e, "looking for abandoned imports failed");
                return false;
            }
        };
        let id = batch.id;
        let job = if batch.attempts > MAX_ATTEMPTS {
            Err(crate::AppError::BadRequest(msg!("import-interrupted")))
        } else {
            match self
                .job_actor(batch.created_by, batch.organization_id)
                .await
            {
                Ok(actor) => self.import_job(actor, Origin::default(), &batch),
                Err(e) => Err(e),
            }
        };
        match job {
            Ok(job) => {
                tracing::info!(batch = id, "taking over an import whose node stopped");
                job.run().await;
            }
            Err(e) => {
                let reason = e.message().text();
                if let Err(e) = self
                    .store
                    .fail_import_batch(id, &reason, self.clock.now())
                    .await
                {
                    tracing::error!(error = %e, batch = id, "could not mark the import failed");
                }
            }
        }
        true
    }
}
