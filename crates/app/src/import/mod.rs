//! Importing students with parents, and staff, from XLSX or CSV: validate, confirm, apply.
//!
//! A file is read and every row checked before anything is written; a file without errors is
//! staged as a batch. Confirming the batch yields an [`ImportJob`] that the caller runs in the
//! background: it writes everything in one transaction, so a failure leaves the school as it was.

mod job;

use chrono::{DateTime, Duration, Utc};
use sgo_core::import::{Batch, SchoolFacts, class_key, validate};
use sgo_core::policy::SchoolAdministrator;
use sgo_core::{Actor, OrganizationId, Role, text};
use sgo_store::{
    IMPORT_APPLIED, IMPORT_APPLYING, IMPORT_FAILED, IMPORT_STAGED, ImportAccount,
    ImportBatchRecord, ImportPlan, NewImportBatch,
};

use crate::error::administered;
use crate::{App, AppError, AppResult, Origin};

pub use job::ImportJob;
pub use sgo_core::import::{
    Gender, ImportKind, ParentEntry, PersonEntry, RowError, StaffEntry, StudentEntry,
};

/// How long a checked file waits for confirmation.
pub const BATCH_LIFETIME_HOURS: i64 = 24;

/// The outcome of checking a file.
#[derive(Debug, Clone)]
pub struct ImportCheck {
    /// Which file it was.
    pub kind: ImportKind,
    /// The name it was uploaded under.
    pub file_name: String,
    /// What would be created.
    pub batch: Batch,
    /// Refused rows; when any, nothing is staged.
    pub errors: Vec<RowError>,
    /// The staged batch, when the file had no errors.
    pub batch_id: Option<i64>,
}

/// Where a staged batch stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportStatus {
    /// Checked, waiting for confirmation.
    Staged,
    /// Checked, but waited longer than [`BATCH_LIFETIME_HOURS`].
    Expired,
    /// Being written.
    Applying,
    /// Written.
    Applied,
    /// Rolled back; the message says why.
    Failed,
}

impl ImportStatus {
    /// A code for scripts (`staged`, `expired`, `applying`, `applied`, `failed`).
    pub fn code(self) -> &'static str {
        match self {
            ImportStatus::Staged => "staged",
            ImportStatus::Expired => "expired",
            ImportStatus::Applying => "applying",
            ImportStatus::Applied => "applied",
            ImportStatus::Failed => "failed",
        }
    }

    /// The Russian word shown to people.
    pub fn title(self) -> &'static str {
        match self {
            ImportStatus::Staged => "ожидает подтверждения",
            ImportStatus::Expired => "срок подтверждения истёк",
            ImportStatus::Applying => "выполняется",
            ImportStatus::Applied => "выполнен",
            ImportStatus::Failed => "не выполнен",
        }
    }
}

/// A staged batch as its page shows it.
#[derive(Debug, Clone)]
pub struct ImportBatchView {
    /// Batch id.
    pub id: i64,
    /// Which file.
    pub kind: ImportKind,
    /// The uploaded file's name.
    pub file_name: String,
    /// When it was checked.
    pub created_at: DateTime<Utc>,
    /// Where it stands.
    pub status: ImportStatus,
    /// Counts of what it creates.
    pub students: i32,
    /// Distinct parents.
    pub parents: i32,
    /// Employees.
    pub staff: i32,
    /// Accounts written so far and in all.
    pub progress: ImportProgress,
    /// The outcome in words, once finished.
    pub message: String,
    /// The rows, while the batch is staged (emptied once applied).
    pub batch: Option<Batch>,
}

/// How far the writing of a batch has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportProgress {
    /// Where the batch stands.
    pub status: ImportStatus,
    /// Accounts written.
    pub done: usize,
    /// Accounts to write.
    pub total: usize,
}

pub(crate) fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

impl App {
    /// The administrator's own school, the one a file is imported into.
    fn may_import(&self, admin: &SchoolAdministrator) -> AppResult<OrganizationId> {
        administered(admin, admin.home()).map(|school| school.organization())
    }

    /// Reads an uploaded CSV or XLSX file and checks it as [`App::import_check_rows`] does.
    pub async fn import_check_file(
        &self,
        admin: &SchoolAdministrator,
        kind: ImportKind,
        file_name: &str,
        bytes: &[u8],
    ) -> AppResult<ImportCheck> {
        self.may_import(admin)?;
        if bytes.is_empty() {
            return Err(AppError::BadRequest(msg!("import-file-required")));
        }
        // Unpacking and parsing a workbook takes up to a second of CPU: off the async workers.
        let (name, data) = (file_name.to_owned(), bytes.to_vec());
        let table = tokio::task::spawn_blocking(move || sgo_sheet::read_table(&name, &data))
            .await
            .map_err(|_| AppError::BadRequest(msg!("import-file-unreadable")))?
            // sgo-sheet words its own reasons; they are shown as they come.
            .map_err(|sgo_sheet::Unreadable(reason)| {
                AppError::BadRequest(msg!("import-sheet-unreadable", reason = reason))
            })?;
        self.import_check_rows(admin, kind, file_name, &table.headers, &table.rows)
            .await
    }

    /// Checks every row of a table against the school; when no row is refused, stages the
    /// batch for confirmation. A header without a required column, or a file without data,
    /// is a `BadRequest` with one message.
    pub async fn import_check_rows(
        &self,
        admin: &SchoolAdministrator,
        kind: ImportKind,
        file_name: &str,
        headers: &[String],
        rows: &[Vec<String>],
    ) -> AppResult<ImportCheck> {
        let organization = self.may_import(admin)?;
        let today = self.clock.today();
        let mut facts = SchoolFacts {
            today,
            ..SchoolFacts::default()
        };
        if kind == ImportKind::Students {
            let year = self
                .store
                .current_year(organization.get(), today)
                .await?
                .ok_or_else(|| AppError::BadRequest(msg!("import-no-current-year")))?;
            facts.classes = self
                .store
                .year_classes(year.id)
                .await?
                .into_iter()
                .map(|c| (class_key(c.grade, &c.letter), c.id))
                .collect();
        }
        facts.taken_logins = self
            .store
            .organization_login_norms(organization.get())
            .await?
            .into_iter()
            .collect();
        let checked = validate(kind, headers, rows, &facts).map_err(AppError::BadRequest)?;
        let mut check = ImportCheck {
            kind,
            file_name: file_name.to_owned(),
            batch: checked.batch,
            errors: checked.errors,
            batch_id: None,
        };
        if check.errors.is_empty() {
            let now = self.clock.now();
            self.store
                .delete_stale_import_batches(now - Duration::hours(BATCH_LIFETIME_HOURS))
                .await?;
            let payload = serde_json::to_string(&check.batch).map_err(|e| {
                AppError::BadRequest(msg!("import-batch-not-saved", detail = e.to_string()))
            })?;
            let id = self
                .store
                .create_import_batch(&NewImportBatch {
                    organization_id: organization.get(),
                    created_by: (admin.actor().account_id).get(),
                    created_at: now,
                    kind: kind.code().to_owned(),
                    file_name: file_name.chars().take(200).collect(),
                    payload,
                    students: count(check.batch.students.len()),
                    parents: count(check.batch.parents.len()),
                    staff: count(check.batch.staff.len()),
                    rows_total: count(check.batch.accounts()),
                })
                .await?;
            check.batch_id = Some(id);
        }
        Ok(check)
    }

    /// A batch the actor may see: their school's, else «not found» (ids are not secrets, but
    /// another school's batches are none of their business).
    async fn visible_batch(
        &self,
        admin: &SchoolAdministrator,
        id: i64,
    ) -> AppResult<ImportBatchRecord> {
        self.may_import(admin)?;
        self.store
            .import_batch(id)
            .await?
            .filter(|b| {
                admin
                    .school(OrganizationId::new(b.organization_id))
                    .is_some()
            })
            .ok_or_else(|| AppError::NotFound(msg!("import-batch-not-found")))
    }

    fn status_of(&self, b: &ImportBatchRecord) -> ImportStatus {
        match b.status.as_str() {
            IMPORT_STAGED if self.expired(b) => ImportStatus::Expired,
            IMPORT_STAGED => ImportStatus::Staged,
            IMPORT_APPLYING => ImportStatus::Applying,
            IMPORT_APPLIED => ImportStatus::Applied,
            IMPORT_FAILED => ImportStatus::Failed,
            _ => ImportStatus::Failed,
        }
    }

    fn expired(&self, b: &ImportBatchRecord) -> bool {
        self.clock.now() - b.created_at > Duration::hours(BATCH_LIFETIME_HOURS)
    }

    fn progress_of(&self, b: &ImportBatchRecord) -> ImportProgress {
        let status = self.status_of(b);
        let total = usize::try_from(b.rows_total).unwrap_or(0);
        let done = match status {
            ImportStatus::Applied => total,
            // Written here: this process counts; elsewhere: the holder's last renewal says.
            ImportStatus::Applying => job::read_progress(job::progress_key(&self.store, b.id))
                .map(|(done, _)| done)
                .unwrap_or_else(|| usize::try_from(b.rows_done).unwrap_or(0)),
            _ => 0,
        };
        ImportProgress {
            status,
            done,
            total,
        }
    }

    /// A batch of the actor's school with its rows while staged.
    pub async fn import_batch(
        &self,
        admin: &SchoolAdministrator,
        id: i64,
    ) -> AppResult<ImportBatchView> {
        let b = self.visible_batch(admin, id).await?;
        let kind = ImportKind::from_code(&b.kind).unwrap_or(ImportKind::Students);
        let batch = if b.status == IMPORT_STAGED {
            serde_json::from_str(&b.payload).ok()
        } else {
            None
        };
        Ok(ImportBatchView {
            id: b.id,
            kind,
            status: self.status_of(&b),
            progress: self.progress_of(&b),
            file_name: b.file_name,
            created_at: b.created_at,
            students: b.students,
            parents: b.parents,
            staff: b.staff,
            message: b.message,
            batch,
        })
    }

    /// How far a batch has got, for the page's progress bar.
    pub async fn import_progress(
        &self,
        admin: &SchoolAdministrator,
        id: i64,
    ) -> AppResult<ImportProgress> {
        let b = self.visible_batch(admin, id).await?;
        Ok(self.progress_of(&b))
    }

    /// The newest batches of the actor's school.
    pub async fn import_history(
        &self,
        admin: &SchoolAdministrator,
    ) -> AppResult<Vec<ImportBatchView>> {
        let organization = self.may_import(admin)?;
        let rows = self.store.import_batches(organization.get(), 10).await?;
        Ok(rows
            .into_iter()
            .map(|b| ImportBatchView {
                id: b.id,
                kind: ImportKind::from_code(&b.kind).unwrap_or(ImportKind::Students),
                status: self.status_of(&b),
                progress: self.progress_of(&b),
                created_at: b.created_at,
                students: b.students,
                parents: b.parents,
                staff: b.staff,
                message: b.message.clone(),
                file_name: b.file_name,
                batch: None,
            })
            .collect())
    }

    /// Confirms a staged batch: it can be confirmed once, within [`BATCH_LIFETIME_HOURS`]; the
    /// returned job writes it.
    pub async fn confirm_import(
        &self,
        admin: &SchoolAdministrator,
        origin: &Origin,
        id: i64,
    ) -> AppResult<ImportJob> {
        let b = self.visible_batch(admin, id).await?;
        match self.status_of(&b) {
            ImportStatus::Staged => {}
            ImportStatus::Expired => {
                return Err(AppError::BadRequest(msg!(
                    "import-batch-expired",
                    hours = BATCH_LIFETIME_HOURS
                )));
            }
            ImportStatus::Applying | ImportStatus::Applied => {
                return Err(AppError::BadRequest(msg!("import-batch-already-applied")));
            }
            ImportStatus::Failed => {
                return Err(AppError::BadRequest(msg!("import-batch-failed")));
            }
        }
        if !self
            .store
            .claim_import_batch(id, self.job_node(), self.job_lease())
            .await?
        {
            return Err(AppError::BadRequest(msg!("import-batch-already-applied")));
        }
        self.import_job(admin.actor().clone(), origin.clone(), &b)
    }

    /// The job that writes a batch claimed for this node, from its stored payload.
    pub(crate) fn import_job(
        &self,
        actor: Actor,
        origin: Origin,
        b: &ImportBatchRecord,
    ) -> AppResult<ImportJob> {
        let id = b.id;
        let batch: Batch = serde_json::from_str(&b.payload).map_err(|e| {
            tracing::error!(error = %e, batch = id, "staged payload unreadable");
            AppError::BadRequest(msg!("import-batch-damaged"))
        })?;
        let kind = ImportKind::from_code(&b.kind).unwrap_or(ImportKind::Students);
        let details = match kind {
            ImportKind::Students => format!(
                "Импорт «{}» (пакет {id}, файл «{}»): учеников {}, родителей {}",
                kind.title(),
                b.file_name,
                batch.students.len(),
                batch.parents.len()
            ),
            ImportKind::Staff => format!(
                "Импорт «{}» (пакет {id}, файл «{}»): сотрудников {}",
                kind.title(),
                b.file_name,
                batch.staff.len()
            ),
        };
        Ok(ImportJob {
            app: self.clone(),
            actor,
            origin,
            plan: plan(
                &batch,
                id,
                OrganizationId::new(b.organization_id),
                self,
                details.clone(),
            ),
            details,
        })
    }
}

fn account(person: &PersonEntry, display_name: String, roles: Vec<String>) -> ImportAccount {
    ImportAccount {
        last_name: person.last_name.clone(),
        first_name: person.first_name.clone(),
        middle_name: person.middle_name.clone(),
        birth_date: person.birth_date,
        gender: person.gender.map(|g| g.code().to_owned()),
        login: person.login.clone(),
        login_norm: text::normalise(&person.login),
        display_name,
        email: person.email.clone(),
        phone: person.phone.clone(),
        roles,
        class_id: None,
    }
}

/// The accounts in order: students, then parents, then staff; links point into that order.
fn plan(
    batch: &Batch,
    batch_id: i64,
    organization_id: OrganizationId,
    app: &App,
    summary: String,
) -> ImportPlan {
    let mut accounts = Vec::with_capacity(batch.accounts());
    let mut links = Vec::new();
    let parents_from = batch.students.len();
    for (i, s) in batch.students.iter().enumerate() {
        accounts.push(ImportAccount {
            class_id: Some(s.class_id),
            ..account(
                &s.person,
                s.person.short_name(),
                vec![Role::Student.code().to_owned()],
            )
        });
        links.extend(s.parents.iter().map(|&p| (parents_from + p, i)));
    }
    for p in &batch.parents {
        accounts.push(account(
            &p.person,
            p.person.full_name(),
            vec![Role::Parent.code().to_owned()],
        ));
    }
    for s in &batch.staff {
        accounts.push(account(&s.person, s.person.full_name(), s.roles.clone()));
    }
    ImportPlan {
        batch_id,
        organization_id: organization_id.get(),
        at: app.clock.now(),
        class_from: app.clock.today(),
        accounts,
        links,
        summary,
    }
}
