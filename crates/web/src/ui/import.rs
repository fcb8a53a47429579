//! Import pages: upload, the validation report, confirmation, progress.

use crate::routes::Routes;
use askama::Template;
use axum::Json;
use axum::extract::{DefaultBodyLimit, Path};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use sgo_app::AppError;
use sgo_app::import::{
    ImportBatchView, ImportCheck, ImportKind, ImportProgress, ImportStatus, RowError,
};
use sgo_core::policy::SchoolAdministrator;

use super::{Header, PageError, UiSession, local_time, render};
use crate::AppState;
use crate::form::outcome::INVALID;
use crate::form::{Fields, IMPORT_LIMIT_BYTES, ImportFile, Submitted, Uploaded};
use crate::ui::request::SchoolAdminRequest;

/// Rows shown in the preview of a checked file.
const PREVIEW_ROWS: usize = 20;

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route(
            "/people/import",
            get(page)
                .post(upload)
                .layer(DefaultBodyLimit::max(IMPORT_LIMIT_BYTES)),
        )
        .route("/people/import/template/{file}", get(template))
        .route("/people/import/{id}", get(batch_page))
        .route("/people/import/{id}/apply", post(apply))
        .route("/people/import/{id}/progress", get(progress))
        .route(
            "/static/import.js",
            get(|| {
                super::static_file(
                    "text/javascript; charset=utf-8",
                    include_str!("../../static/import.js"),
                )
            }),
        )
}

/// A row of the preview table.
struct PreviewRow {
    row: usize,
    name: String,
    detail: String,
    login: String,
    suggested: bool,
    parents: String,
}

/// The upload form, with the outcome of a refused file when there is one.
#[derive(Template)]
#[template(path = "import/upload.html")]
struct UploadPage<'a> {
    portal_name: &'a str,
    header: Header,
    kind: &'a str,
    file_error: Option<String>,
    check: Option<CheckSummary>,
    history: Vec<HistoryRow>,
    limit_mb: usize,
}

/// What a refused file held.
struct CheckSummary {
    file_name: String,
    students: usize,
    parents: usize,
    staff: usize,
    errors: Vec<RowError>,
}

/// A line of the recent imports table.
struct HistoryRow {
    id: i64,
    created_at: String,
    kind: &'static str,
    file_name: String,
    counts: String,
    status: &'static str,
}

/// A staged or applied batch.
#[derive(Template)]
#[template(path = "import/batch.html")]
struct BatchPage<'a> {
    portal_name: &'a str,
    header: Header,
    id: i64,
    kind: &'static str,
    students_kind: bool,
    file_name: String,
    created_at: String,
    status: &'static str,
    status_code: &'static str,
    counts: String,
    message: String,
    done: usize,
    total: usize,
    can_confirm: bool,
    preview: Vec<PreviewRow>,
    more: usize,
    started: bool,
}

fn counts(kind: ImportKind, students: i64, parents: i64, staff: i64) -> String {
    match kind {
        ImportKind::Students => format!("учеников: {students}, родителей: {parents}"),
        ImportKind::Staff => format!("сотрудников: {staff}"),
    }
}

fn history_row(b: ImportBatchView) -> HistoryRow {
    HistoryRow {
        id: b.id,
        created_at: local_time(b.created_at),
        kind: b.kind.title(),
        counts: counts(
            b.kind,
            i64::from(b.students),
            i64::from(b.parents),
            i64::from(b.staff),
        ),
        file_name: b.file_name,
        status: b.status.title(),
    }
}

async fn upload_page(
    state: &AppState,
    session: &UiSession,
    admin: &SchoolAdministrator,
    kind: &str,
    file_error: Option<String>,
    check: Option<CheckSummary>,
    status: StatusCode,
) -> Response {
    let history = match state.app.import_history(admin).await {
        Ok(h) => h.into_iter().map(history_row).collect(),
        Err(e) => return PageError(state.clone(), e).into_response(),
    };
    let header = match Header::load(state, session).await {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    let page = UploadPage {
        portal_name: &state.options.portal_name,
        header,
        kind,
        file_error,
        check,
        history,
        limit_mb: IMPORT_LIMIT_BYTES / (1024 * 1024),
    };
    (status, render(&page)).into_response()
}

async fn page(req: SchoolAdminRequest) -> Response {
    upload_page(
        &req.state,
        &req.session,
        &req.admin,
        "students",
        None,
        None,
        StatusCode::OK,
    )
    .await
}

/// The upload form's text: what the file holds (its file comes beside it).
#[derive(Deserialize, Default)]
#[serde(default)]
struct UploadForm {
    kind: String,
}

async fn upload(req: SchoolAdminRequest, upload: Uploaded<UploadForm, ImportFile>) -> Response {
    let (file_name, spool) = upload
        .files
        .into_iter()
        .find(|(name, _)| name == "file")
        .map(|(_, file)| (file.name, file.content))
        .unwrap_or_default();
    // The import's own limit (a few megabytes) bounds what is read into memory here.
    let bytes = match spool.into_bytes().await {
        Ok(bytes) => bytes,
        Err(e) => {
            let e = sgo_app::StoreError::Files(format!("reading the spooled import file: {e}"));
            return PageError(req.state, AppError::Store(e)).into_response();
        }
    };
    let Some(kind) = ImportKind::from_code(&upload.form.kind) else {
        let message = "Выберите, что загружаете: учеников с родителями или сотрудников.".to_owned();
        return upload_page(
            &req.state,
            &req.session,
            &req.admin,
            "students",
            Some(message),
            None,
            INVALID,
        )
        .await;
    };
    let result = req
        .app()
        .import_check_file(&req.admin, kind, &file_name, &bytes)
        .await;
    match result {
        Ok(ImportCheck {
            batch_id: Some(id), ..
        }) => Redirect::to(&format!("/people/import/{id}")).into_response(),
        Ok(check) => {
            let summary = CheckSummary {
                file_name: check.file_name,
                students: check.batch.students.len(),
                parents: check.batch.parents.len(),
                staff: check.batch.staff.len(),
                errors: check.errors,
            };
            upload_page(
                &req.state,
                &req.session,
                &req.admin,
                kind.code(),
                None,
                Some(summary),
                INVALID,
            )
            .await
        }
        Err(AppError::BadRequest(message)) => {
            upload_page(
                &req.state,
                &req.session,
                &req.admin,
                kind.code(),
                Some(message.to_string()),
                None,
                INVALID,
            )
            .await
        }
        Err(e) => PageError(req.state, e).into_response(),
    }
}

/// A batch id from the path; anything else is as unknown as a missing batch.
fn batch_id(state: &AppState, raw: &str) -> Result<i64, Box<PageError>> {
    raw.parse().map_err(|_| {
        Box::new(PageError(
            state.clone(),
            AppError::NotFound(msg!("import-batch-not-found")),
        ))
    })
}

fn preview(view: &ImportBatchView) -> (Vec<PreviewRow>, usize) {
    let Some(batch) = &view.batch else {
        return (Vec::new(), 0);
    };
    let rows: Vec<PreviewRow> = match view.kind {
        ImportKind::Students => batch
            .students
            .iter()
            .take(PREVIEW_ROWS)
            .map(|s| PreviewRow {
                row: s.row,
                name: s.person.full_name(),
                detail: s.class_name.clone(),
                login: s.person.login.clone(),
                suggested: s.person.login_suggested,
                parents: s
                    .parents
                    .iter()
                    .filter_map(|&p| batch.parents.get(p))
                    .map(|p| format!("{} ({})", p.person.full_name(), p.person.login))
                    .collect::<Vec<_>>()
                    .join("; "),
            })
            .collect(),
        ImportKind::Staff => batch
            .staff
            .iter()
            .take(PREVIEW_ROWS)
            .map(|s| PreviewRow {
                row: s.row,
                name: s.person.full_name(),
                detail: s
                    .roles
                    .iter()
                    .filter_map(|r| sgo_app::Role::from_code(r).ok())
                    .map(|r| r.title().to_lowercase())
                    .collect::<Vec<_>>()
                    .join(", "),
                login: s.person.login.clone(),
                suggested: s.person.login_suggested,
                parents: String::new(),
            })
            .collect(),
    };
    let all = match view.kind {
        ImportKind::Students => batch.students.len(),
        ImportKind::Staff => batch.staff.len(),
    };
    let more = all.saturating_sub(rows.len());
    (rows, more)
}

async fn batch_page(
    req: SchoolAdminRequest,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    let id = batch_id(&req.state, &raw).map_err(|e| *e)?;
    let view = req
        .app()
        .import_batch(&req.admin, id)
        .await
        .map_err(|e| PageError(req.state.clone(), e))?;
    let header = Header::load(&req.state, &req.session).await?;
    let (preview, more) = preview(&view);
    let page = BatchPage {
        portal_name: &req.state.options.portal_name,
        header,
        id: view.id,
        kind: view.kind.title(),
        students_kind: view.kind == ImportKind::Students,
        file_name: view.file_name.clone(),
        created_at: local_time(view.created_at),
        status: view.status.title(),
        status_code: view.status.code(),
        counts: counts(
            view.kind,
            i64::from(view.students),
            i64::from(view.parents),
            i64::from(view.staff),
        ),
        message: view.message.clone(),
        done: view.progress.done,
        total: view.progress.total,
        can_confirm: view.status == ImportStatus::Staged,
        started: matches!(
            view.status,
            ImportStatus::Applying | ImportStatus::Applied | ImportStatus::Failed
        ),
        preview,
        more,
    };
    Ok(render(&page))
}

async fn apply(
    req: SchoolAdminRequest,
    Path(raw): Path<String>,
    Submitted(_): Submitted<Fields>,
) -> Result<Response, PageError> {
    let id = batch_id(&req.state, &raw).map_err(|e| *e)?;
    let job = req
        .app()
        .confirm_import(&req.admin, &req.origin, id)
        .await
        .map_err(|e| PageError(req.state.clone(), e))?;
    // A big file takes seconds: the page polls the progress while the job writes.
    tokio::spawn(job.run());
    Ok(Redirect::to(&format!("/people/import/{id}")).into_response())
}

/// The progress as the page's script reads it.
#[derive(serde::Serialize)]
struct ProgressJson {
    status: &'static str,
    title: &'static str,
    done: usize,
    total: usize,
}

async fn progress(req: SchoolAdminRequest, Path(raw): Path<String>) -> Result<Response, PageError> {
    let id = batch_id(&req.state, &raw).map_err(|e| *e)?;
    let p: ImportProgress = req
        .app()
        .import_progress(&req.admin, id)
        .await
        .map_err(|e| PageError(req.state.clone(), e))?;
    Ok((
        [(header::CACHE_CONTROL, "no-store")],
        Json(ProgressJson {
            status: p.status.code(),
            title: p.status.title(),
            done: p.done,
            total: p.total,
        }),
    )
        .into_response())
}

async fn template(_session: UiSession, Path(file): Path<String>) -> Response {
    let kind = match file.as_str() {
        "students.csv" => ImportKind::Students,
        "staff.csv" => ImportKind::Staff,
        _ => return (StatusCode::NOT_FOUND, "Нет такого шаблона").into_response(),
    };
    let disposition = format!("attachment; filename=\"import-{file}\"");
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        kind.template_csv(),
    )
        .into_response()
}
