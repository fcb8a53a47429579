//! The report workers of one node: a loop claims the oldest job any node queued (or one whose
//! node died: its lease ran out) when a worker is free, builds it while renewing the lease, and
//! stores the outcome only while it still holds the job. A stopping node hands its jobs back.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use chrono::Utc;
use sgo_auth::token::new_cookie_id;
use sgo_core::report_job::REPORT_RETENTION_HOURS;
use sgo_core::{AccountId, Actor, OrganizationId};
use sgo_store::{Lease, ReportJobRecord};
use tokio::sync::{Notify, Semaphore};

use super::ReportRequest;
use super::queue::{BUILD_FAILED, INTERRUPTED, NOT_FOUND, Progress, stored_reason};
use crate::{App, AppError, AppResult};

/// The workers and the bells, shared by every clone of the app.
pub(crate) struct ReportQueue {
    workers: Arc<Semaphore>,
    /// Rung when any job finishes here.
    pub(super) finished: Notify,
    /// Rung when a job is queued here.
    pub(super) queued: Notify,
    /// This process's name in the jobs it holds: new at every start, so that a restarted node
    /// never mistakes the jobs of its previous run for its own.
    node: String,
    /// How long a claim holds without renewal.
    lease: Duration,
    /// The claiming loop, started with the first job or by the server.
    claiming: OnceLock<()>,
    /// Set when the node hands its jobs back: nothing more is claimed.
    stopping: AtomicBool,
}

impl ReportQueue {
    /// A queue building at most `workers` reports at once (at least one), holding each under a
    /// lease of `lease`.
    pub(crate) fn new(workers: usize, lease: Duration) -> ReportQueue {
        ReportQueue {
            workers: Arc::new(Semaphore::new(workers.max(1))),
            finished: Notify::new(),
            queued: Notify::new(),
            node: format!("{}:{}:{}", host_name(), std::process::id(), new_cookie_id()),
            lease: lease.max(Duration::from_secs(1)),
            claiming: OnceLock::new(),
            stopping: AtomicBool::new(false),
        }
    }

    /// The lease of a claim or renewal made now.
    fn lease(&self) -> Lease {
        let now = Utc::now();
        Lease {
            now,
            until: now + chrono::Duration::from_std(self.lease).unwrap_or(chrono::Duration::MAX),
        }
    }
}

/// The host's name, for reading which node holds a job.
fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "local".to_owned())
}

/// A job that keeps killing the nodes building it is failed after this many claims.
const MAX_ATTEMPTS: i32 = 3;

impl App {
    /// Starts claiming queued jobs (and jobs other nodes left when their lease ran out); once per
    /// process, also done by the first queued report. A free worker claims the oldest job.
    pub fn start_report_workers(&self) {
        if self.reports.claiming.set(()).is_err() {
            return;
        }
        let app = self.clone();
        // Other nodes' queued jobs and expired leases are found by looking now and then.
        let every =
            (self.reports.lease / 3).clamp(Duration::from_millis(200), Duration::from_secs(2));
        tokio::spawn(async move {
            loop {
                let Ok(permit) = app.reports.workers.clone().acquire_owned().await else {
                    return;
                };
                // Registered before claiming, so a job queued in between still wakes us.
                let queued = app.reports.queued.notified();
                tokio::pin!(queued);
                queued.as_mut().enable();
                let claimed = if app.reports.stopping.load(Ordering::Acquire) {
                    Ok(None)
                } else {
                    app.store
                        .claim_report_job(&app.reports.node, app.reports.lease(), app.clock.now())
                        .await
                };
                match claimed {
                    Ok(Some(job)) => {
                        let worker = app.clone();
                        tokio::spawn(async move {
                            worker.run_report_job(job).await;
                            drop(permit);
                        });
                        continue;
                    }
                    Ok(None) => {}
                    Err(e) => tracing::warn!(error = %e, "claiming a report job failed"),
                }
                drop(permit);
                let _ = tokio::time::timeout(every, queued).await;
            }
        });
        // Imports whose node died are written again by whichever node finds them first.
        let app = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            loop {
                tick.tick().await;
                if !app.reports.stopping.load(Ordering::Acquire) {
                    app.resume_one_import().await;
                }
            }
        });
    }

    /// This process's name in the jobs it holds.
    pub(crate) fn job_node(&self) -> &str {
        &self.reports.node
    }

    /// How long a claim holds without renewal.
    pub(crate) fn job_lease_length(&self) -> Duration {
        self.reports.lease
    }

    /// A lease taken or renewed now.
    pub(crate) fn job_lease(&self) -> Lease {
        self.reports.lease()
    }

    /// Hands the jobs this node holds back to the queue and claims no more: called by a server
    /// that is stopping, so that another node builds them at once instead of after the lease.
    pub async fn release_jobs(&self) -> AppResult<u64> {
        self.reports.stopping.store(true, Ordering::Release);
        Ok(self.store.release_report_jobs(&self.reports.node).await?)
    }

    /// Builds a claimed job and stores the outcome, renewing the lease meanwhile. The build runs
    /// in its own task so that even a panic leaves the job failed rather than forever «строится»;
    /// a lease lost (this node was too slow, another took the job) abandons the build.
    async fn run_report_job(self, job: ReportJobRecord) {
        let id = job.id;
        let node = self.reports.node.clone();
        let built = if job.attempts > MAX_ATTEMPTS {
            Ok(Err(AppError::BadRequest(INTERRUPTED)))
        } else {
            let app = self.clone();
            let mut build = tokio::spawn(async move {
                let request: ReportRequest = serde_json::from_str(&job.request).map_err(|e| {
                    AppError::BadRequest(msg!("report-parameters-invalid", detail = e.to_string()))
                })?;
                // The owner's rights as they are now: a role removed meanwhile refuses the build.
                let actor = app.job_actor(job.account_id, job.organization_id).await?;
                let progress = Progress {
                    app: &app,
                    job_id: id,
                    last: std::sync::atomic::AtomicI32::new(0),
                };
                let doc = app.build_report(&actor, &request, &progress).await?;
                serde_json::to_string(&doc).map_err(|e| {
                    AppError::BadRequest(msg!("report-not-saved", detail = e.to_string()))
                })
            });
            let mut renew = tokio::time::interval(self.reports.lease / 3);
            renew.tick().await;
            loop {
                tokio::select! {
                    built = &mut build => break built,
                    _ = renew.tick() => {
                        let held = self.store.renew_report_job(id, &node, self.reports.lease().until).await;
                        if let Ok(false) = held {
                            tracing::warn!(job = id, "report job lease lost; another node builds it");
                            build.abort();
                            return;
                        }
                    }
                }
            }
        };
        let now = self.clock.now();
        let stored = match built {
            Ok(Ok(json)) => {
                let expires = now + chrono::Duration::hours(REPORT_RETENTION_HOURS);
                self.store
                    .finish_report_job(id, &node, &json, now, expires)
                    .await
                    .map(|_| ())
            }
            Ok(Err(e)) => {
                let message = match &e {
                    AppError::BadRequest(m) | AppError::NotFound(m) => m.clone(),
                    AppError::Forbidden | AppError::Unauthenticated => NOT_FOUND,
                    other => {
                        tracing::error!(job = id, error = %other, "report build failed");
                        BUILD_FAILED
                    }
                };
                self.store
                    .fail_report_job(id, &node, &stored_reason(&message), now)
                    .await
                    .map(|_| ())
            }
            Err(join) => {
                tracing::error!(job = id, error = %join, "report build panicked");
                self.store
                    .fail_report_job(id, &node, &stored_reason(&BUILD_FAILED), now)
                    .await
                    .map(|_| ())
            }
        };
        if let Err(e) = stored {
            tracing::error!(job = id, error = %e, "report outcome not saved");
        }
        self.reports.finished.notify_waiters();
    }

    /// The actor a job is built for: its owner with the roles they hold now.
    pub(crate) async fn job_actor(&self, account: i64, organization: i64) -> AppResult<Actor> {
        match self.store.account(account).await? {
            Some(a) if a.active => {}
            _ => return Err(AppError::NotFound(NOT_FOUND)),
        }
        Ok(Actor::new(
            AccountId::new(account),
            OrganizationId::new(organization),
            self.store.account_roles(account).await?,
        ))
    }
}
