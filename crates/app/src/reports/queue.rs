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

/// Reports how far a job got, writing only when the percentage moves.
pub(crate) struct Progress<'a> {
    pub(super) app: &'a App,
    pub(super) job_id: i64,
    pub(super) last: std::sync::atomic::AtomicI32,
}

impl Progress<'_> {
    /// Records that `done` of `total` steps are complete.
    pub(crate) async fn step(&self, done: usize, total: usize) {
        let p = progress_percent(done, total);
        let last = self.last.swap(p, std::sync::atomic::Ordering::Relaxed);
        if p != last {
            // Progress is a courtesy: a failed write must not fail the report.
            let node = self.app.job_node();
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

pub(super) const NOT_FOUND: crate::Message = msg!("report-not-found-or-expired");
pub(super) const INTERRUPTED: crate::Message = msg!("report-interrupted");
pub(super) const BUILD_FAILED: crate::Message = msg!("report-build-failed");

/// A failure reason as the job row keeps it: the message's id and arguments, so that it is
/// shown in its reader's language.
pub(super) fn stored_reason(message: &crate::Message) -> String {
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
    pub(super) async fn build_report(
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
