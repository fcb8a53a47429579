//! The report queue. A report is checked at once (so a wrong class or a foreign student is an
//! error on the spot), then built in the background by a bounded set of workers, so that many
//! people ordering reports at the same minute cannot take the database away from the diary. The
//! finished document is kept as JSON for a day. Any node builds any job: a free worker claims the
//! oldest queued one under a lease it renews while building, so a job whose node died is taken
//! by another once the lease runs out, and no node touches a job another live node holds.

use sgo_core::{AccountId, ClassId, GroupId, OrganizationId, PeriodId, StudentId};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sgo_auth::token::new_cookie_id;
use sgo_core::Actor;
use sgo_core::report_job::{
    MAX_UNFINISHED_JOBS_PER_ACCOUNT, REPORT_RETENTION_HOURS, ReportJobState, progress_percent,
};
use sgo_store::{NewReportJob, ReportJobRecord};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use sgo_store::Lease;
use tokio::sync::{Notify, Semaphore};

use super::student::Covering;
use super::{Document, class_name};
use crate::{App, AppError, AppResult};

/// A report someone asked for, with everything needed to build it later.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ReportRequest {
    /// «Успеваемость класса за период».
    ClassProgress {
        /// The class.
        class_id: ClassId,
        /// One of its periods.
        period_id: PeriodId,
    },
    /// «Посещаемость класса за период».
    ClassAttendance {
        /// The class.
        class_id: ClassId,
        /// One of its periods.
        period_id: PeriodId,
    },
    /// «Заполнение журнала» of a class for a period.
    JournalFilling {
        /// The class.
        class_id: ClassId,
        /// One of its periods.
        period_id: PeriodId,
    },
    /// «Отчёт об успеваемости и посещаемости ученика» for the year of one of their classes.
    StudentTotalMarks {
        /// The student.
        student_id: StudentId,
        /// One of the student's classes; its year is the report's.
        class_id: ClassId,
    },
    /// A student's marks in one subject group between two days.
    StudentGrades {
        /// The student.
        student_id: StudentId,
        /// A group the student studies.
        subject_group_id: GroupId,
        /// First day.
        from: NaiveDate,
        /// Last day.
        to: NaiveDate,
    },
    /// «Итоги успеваемости за период» of the actor's school or territory.
    PeriodResults {
        /// Each class is judged on its period holding this day.
        on: NaiveDate,
        /// One school of an authority's territory, class by class; the whole territory when
        /// absent.
        #[serde(default)]
        school: Option<OrganizationId>,
    },
}

impl ReportRequest {
    /// The report's address name, also stored with the job.
    pub fn kind(&self) -> &'static str {
        match self {
            ReportRequest::ClassProgress { .. } => "class-progress",
            ReportRequest::ClassAttendance { .. } => "class-attendance",
            ReportRequest::JournalFilling { .. } => "journal-filling",
            ReportRequest::StudentTotalMarks { .. } => "student-total-marks",
            ReportRequest::StudentGrades { .. } => "student-grades",
            ReportRequest::PeriodResults { .. } => "period-results",
        }
    }
}

/// A Latin file name stem for downloads of a report of this kind.
pub fn file_stem(kind: &str) -> &'static str {
    match kind {
        "class-progress" => "uspevaemost-klassa",
        "class-attendance" => "poseshchaemost-klassa",
        "journal-filling" => "zapolnenie-zhurnala",
        "period-results" => "itogi-uspevaemosti",
        "student-total-marks" => "itogovye-otmetki",
        "student-grades" => "otmetki-po-predmetu",
        _ => "otchet",
    }
}

/// A report job as its owner sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportJob {
    /// The job's id (the NetSchool `taskId` and file id).
    pub id: i64,
    /// The secret a NetSchool client presents to wait for the job.
    pub queue_key: String,
    /// The report's address name.
    pub kind: String,
    /// What was asked for, e.g. «Успеваемость класса 5А — 1 четверть».
    pub title: String,
    /// Where the job is.
    pub state: ReportJobState,
    /// 0..=100.
    pub progress: u8,
    /// Why it failed, for its owner.
    pub error: Option<crate::Message>,
    /// When it was asked for.
    pub created_at: DateTime<Utc>,
    /// When it finished.
    pub finished_at: Option<DateTime<Utc>>,
    /// When it is deleted.
    pub expires_at: DateTime<Utc>,
}

impl ReportJob {
    fn from_record(r: ReportJobRecord) -> ReportJob {
        ReportJob {
            id: r.id,
            queue_key: r.queue_key,
            kind: r.kind,
            title: r.title,
            // An unknown state can only come from a newer program; treat it as a failure.
            state: ReportJobState::parse(&r.state).unwrap_or(ReportJobState::Failed),
            progress: u8::try_from(r.progress.clamp(0, 100)).unwrap_or(0),
            // Stored as the message's id and arguments; a reason that does not read back (written
            // by an older program) says only that the build failed.
            error: r
                .error
                .map(|e| serde_json::from_str(&e).unwrap_or(BUILD_FAILED)),
            created_at: r.created_at,
            finished_at: r.finished_at,
            expires_at: r.expires_at,
        }
    }
}

/// The workers and the bells, shared by every clone of the app.
pub(crate) struct ReportQueue {
    workers: Arc<Semaphore>,
    /// Rung when any job finishes here.
    finished: Notify,
    /// Rung when a job is queued here.
    queued: Notify,
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

/// Reports how far a job got, writing only when the percentage moves.
pub(crate) struct Progress<'a> {
    app: &'a App,
    job_id: i64,
    last: std::sync::atomic::AtomicI32,
}

impl Progress<'_> {
    /// Records that `done` of `total` steps are complete.
    pub(crate) async fn step(&self, done: usize, total: usize) {
        let p = progress_percent(done, total);
        let last = self.last.swap(p, std::sync::atomic::Ordering::Relaxed);
        if p != last {
            // Progress is a courtesy: a failed write must not fail the report.
            let node = &self.app.reports.node;
            if let Err(e) = self
                .app
                .store
                .report_job_progress(self.job_id, node, p)
                .await
            {
                tracing::warn!(job = self.job_id, error = %e, "report progress not saved");
            }
        }
    }
}

const NOT_FOUND: crate::Message = msg!("report-not-found-or-expired");
const INTERRUPTED: crate::Message = msg!("report-interrupted");
const BUILD_FAILED: crate::Message = msg!("report-build-failed");

/// A failure reason as the job row keeps it: the message's id and arguments, so that it is
/// shown in its reader's language.
fn stored_reason(message: &crate::Message) -> String {
    serde_json::to_string(message).unwrap_or_default()
}

impl App {
    /// Checks that the actor may build the report, then queues it; the job's id.
    pub async fn queue_report(&self, actor: &Actor, request: ReportRequest) -> AppResult<i64> {
        let title = self.check_report(actor, &request).await?;
        let now = self.clock.now();
        self.store.delete_expired_report_jobs(now).await?;
        let unfinished = self
            .store
            .unfinished_report_jobs_of(actor.account_id.get())
            .await?;
        if unfinished >= MAX_UNFINISHED_JOBS_PER_ACCOUNT {
            return Err(AppError::BadRequest(msg!(
                "report-queue-full",
                count = unfinished
            )));
        }
        let request_json = serde_json::to_string(&request).map_err(|e| {
            AppError::BadRequest(msg!("report-parameters-invalid", detail = e.to_string()))
        })?;
        let id = self
            .store
            .insert_report_job(&NewReportJob {
                account_id: actor.account_id.get(),
                organization_id: actor.organization_id.get(),
                queue_key: new_cookie_id(),
                kind: request.kind().to_owned(),
                title,
                request: request_json,
                created_at: now,
                expires_at: now + chrono::Duration::hours(REPORT_RETENTION_HOURS),
            })
            .await?;
        self.start_report_workers();
        self.reports.queued.notify_one();
        Ok(id)
    }

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

    /// What the report will be called, once the actor is known to be allowed to build it.
    async fn check_report(&self, actor: &Actor, request: &ReportRequest) -> AppResult<String> {
        Ok(match *request {
            ReportRequest::ClassProgress {
                class_id,
                period_id,
            }
            | ReportRequest::ClassAttendance {
                class_id,
                period_id,
            }
            | ReportRequest::JournalFilling {
                class_id,
                period_id,
            } => {
                let t = self.report_class(actor, class_id, period_id).await?;
                let what = match request {
                    ReportRequest::ClassProgress { .. } => "Успеваемость класса",
                    ReportRequest::ClassAttendance { .. } => "Посещаемость класса",
                    _ => "Заполнение журнала",
                };
                format!("{what} {} — {}", t.class_name(), t.period.name)
            }
            ReportRequest::StudentTotalMarks {
                student_id,
                class_id,
            } => {
                let t = self
                    .report_student(actor, student_id, class_id, Covering::AllGroups)
                    .await?;
                format!("Итоговые отметки — {}, {}", t.name, class_name(&t.class))
            }
            ReportRequest::StudentGrades {
                student_id,
                subject_group_id,
                from,
                to,
            } => {
                let (t, group) = self
                    .grades_target(actor, student_id, subject_group_id, from, to)
                    .await?;
                format!(
                    "Оценки по предмету {} — {}, {} — {}",
                    group.subject_name,
                    t.name,
                    from.format("%d.%m.%Y"),
                    to.format("%d.%m.%Y")
                )
            }
            ReportRequest::PeriodResults { on, school } => {
                let name = match school {
                    Some(id) => self.results_school(actor, id, on).await?.short_name,
                    None => self.results_target(actor).await?.name,
                };
                format!(
                    "Итоги успеваемости за период — {name} на {}",
                    on.format("%d.%m.%Y")
                )
            }
        })
    }

    /// Builds the report's document.
    async fn build_report(
        &self,
        actor: &Actor,
        request: &ReportRequest,
        progress: &Progress<'_>,
    ) -> AppResult<Document> {
        Ok(match *request {
            ReportRequest::ClassProgress {
                class_id,
                period_id,
            } => self.class_progress(actor, class_id, period_id).await?.0,
            ReportRequest::ClassAttendance {
                class_id,
                period_id,
            } => self.class_attendance(actor, class_id, period_id).await?.0,
            ReportRequest::JournalFilling {
                class_id,
                period_id,
            } => self.journal_filling(actor, class_id, period_id).await?.0,
            ReportRequest::PeriodResults { on, school } => {
                self.period_results(actor, on, school, Some(progress))
                    .await?
                    .0
            }
            ReportRequest::StudentTotalMarks {
                student_id,
                class_id,
            } => {
                self.student_total_marks(actor, student_id, class_id)
                    .await?
                    .0
            }
            ReportRequest::StudentGrades {
                student_id,
                subject_group_id,
                from,
                to,
            } => {
                self.student_grades(actor, student_id, subject_group_id, from, to)
                    .await?
                    .0
            }
        })
    }

    /// A job of the actor's; not found for anyone else's job and once it has expired.
    pub async fn report_job(&self, actor: &Actor, job_id: i64) -> AppResult<ReportJob> {
        match self.store.report_job(job_id, self.clock.now()).await? {
            Some(r) if r.account_id == actor.account_id.get() => Ok(ReportJob::from_record(r)),
            _ => Err(AppError::NotFound(NOT_FOUND)),
        }
    }

    /// The actor's recent jobs, newest first.
    pub async fn report_jobs(&self, actor: &Actor) -> AppResult<Vec<ReportJob>> {
        Ok(self
            .store
            .report_jobs_of(actor.account_id.get(), self.clock.now(), 20)
            .await?
            .into_iter()
            .map(ReportJob::from_record)
            .collect())
    }

    /// Waits until the job is done or failed, or until `limit` passes; the job as it stands.
    pub async fn wait_report_job(
        &self,
        actor: &Actor,
        job_id: i64,
        limit: Duration,
    ) -> AppResult<ReportJob> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            // Registered before reading, so a job finishing in between still wakes us.
            let finished = self.reports.finished.notified();
            tokio::pin!(finished);
            finished.as_mut().enable();
            let job = self.report_job(actor, job_id).await?;
            let now = tokio::time::Instant::now();
            if job.state.is_finished() || now >= deadline {
                return Ok(job);
            }
            // Another server process may build the job, so look again now and then anyway.
            let nap = (deadline - now).min(Duration::from_millis(500));
            let _ = tokio::time::timeout(nap, finished).await;
        }
    }

    /// The document of a finished job of the actor's.
    pub async fn report_job_document(&self, actor: &Actor, job_id: i64) -> AppResult<Document> {
        let job = self.report_job(actor, job_id).await?;
        if job.state != ReportJobState::Done {
            return Err(AppError::BadRequest(match job.state {
                ReportJobState::Failed => job.error.unwrap_or(BUILD_FAILED),
                _ => msg!("report-still-building"),
            }));
        }
        let json = self
            .store
            .report_job_document(job_id, self.clock.now())
            .await?
            .ok_or_else(|| AppError::NotFound(NOT_FOUND))?;
        serde_json::from_str(&json).map_err(|e| {
            tracing::error!(job = job_id, error = %e, "stored report unreadable");
            AppError::NotFound(NOT_FOUND)
        })
    }

    /// The actor of an active account, found by login without a password: for the local
    /// administrator's command line only, never for a request from the network.
    pub async fn actor_by_login(
        &self,
        organization_id: OrganizationId,
        login: &str,
    ) -> AppResult<Actor> {
        let organization_id = organization_id.get();
        let missing = || AppError::NotFound(msg!("account-not-found"));
        let account = self
            .store
            .credentials(organization_id, &sgo_core::text::normalise(login))
            .await?
            .filter(|c| c.active)
            .ok_or_else(missing)?;
        Ok(Actor::new(
            AccountId::new(account.account_id),
            OrganizationId::new(organization_id),
            self.store.account_roles(account.account_id).await?,
        ))
    }

    /// Deletes finished reports past their keeping time.
    pub async fn sweep_report_jobs(&self) -> AppResult<u64> {
        Ok(self
            .store
            .delete_expired_report_jobs(self.clock.now())
            .await?)
    }
}
