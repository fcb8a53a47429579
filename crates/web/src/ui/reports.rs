//! The reports pages: the catalogue with each report's filters and the account's recent reports,
//! ordering a report (it is built in the queue), its progress, and the finished report as a page
//! or downloaded as XLSX or PDF.

use crate::routes::Routes;
use askama::Template;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use sgo_app::AppError;
use sgo_app::reports::{
    Cell, ReportClassChoice, ReportFormat, ReportJob, ReportJobState, ReportRequest, ResultsReach,
    StudentReportForm, cell_text, render_document,
};
use sgo_core::message::Message;
use sgo_core::{ClassId, GroupId, OrganizationId, PeriodId, StudentId};

use super::{Header, PageError, UiSession, local_time, render};
use crate::AppState;
use crate::download::download;
use crate::form::Submitted;
use crate::ui::request::UiRequest;

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route("/reports", get(catalogue))
        .route("/reports/jobs", post(order))
        .route("/reports/jobs/{id}", get(job_page))
        .route("/reports/jobs/{id}/file", get(job_file))
}

/// A class report the catalogue offers: its address name (also the ids of its form), title and
/// what it shows.
struct ClassReportCard {
    slug: &'static str,
    title: &'static str,
    text: &'static str,
}

const CLASS_REPORTS: [ClassReportCard; 3] = [
    ClassReportCard {
        slug: "class-progress",
        title: "Успеваемость класса за период",
        text: "Итоговые отметки учеников по всем предметам (выставленные учителем или предложенные \
               средневзвешенным баллом), успеваемость и качество знаний, распределение оценок, \
               ученики с «2» и без оценок.",
    },
    ClassReportCard {
        slug: "class-attendance",
        title: "Посещаемость класса за период",
        text: "Пропущенные уроки каждого ученика: по болезни, по уважительной и неуважительной \
               причине, без указания причины; опоздания; итоги класса и пропуски по предметам.",
    },
    ClassReportCard {
        slug: "journal-filling",
        title: "Заполнение журнала",
        text: "По каждому предмету класса: проведённые уроки, уроки без темы, выставленные \
               оценки и их число на урок.",
    },
];

#[derive(Template)]
#[template(path = "reports/index.html")]
struct CataloguePage<'a> {
    portal_name: &'a str,
    header: Header,
    reports: &'static [ClassReportCard],
    classes: Vec<ReportClassChoice>,
    /// The school or territory of the period results, when the actor may order them.
    results_reach: Option<ResultsReach>,
    /// The choices of the reports on one student; no students, no such reports.
    student: StudentReportForm,
    /// The first and last day of the student's current period, for the subject report's dates.
    grades_from: String,
    grades_to: String,
    today: String,
    jobs: Vec<JobLine>,
    error: Option<String>,
}

/// One of the account's reports in the catalogue's list.
struct JobLine {
    id: i64,
    title: String,
    state: &'static str,
    state_class: &'static str,
    created: String,
}

#[derive(Deserialize)]
struct CatalogueQuery {
    /// The student whose reports the forms are for; the page offers a choice.
    student: Option<String>,
}

/// `GET /reports[?student=ID]`.
async fn catalogue(req: UiRequest, Query(q): Query<CatalogueQuery>) -> Response {
    // A mistyped id simply falls back to the first student offered.
    let student = q.student.and_then(|s| s.trim().parse().ok());
    catalogue_page(&req.state, &req.session, student, None, StatusCode::OK).await
}

async fn catalogue_page(
    state: &AppState,
    session: &UiSession,
    student: Option<StudentId>,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let classes = match state.app.report_class_choices(&session.who.actor).await {
        Ok(c) => c,
        Err(e) => return PageError(state.clone(), e).into_response(),
    };
    let results_reach = match state.app.period_results_reach(&session.who.actor).await {
        Ok(r) => r,
        Err(e) => return PageError(state.clone(), e).into_response(),
    };
    let student = match state
        .app
        .student_report_form(&session.who.actor, student)
        .await
    {
        Ok(f) => f,
        Err(e) => return PageError(state.clone(), e).into_response(),
    };
    let today = state.app.today();
    let (grades_from, grades_to) = student
        .periods
        .iter()
        .find(|p| Some(p.id) == student.current_period)
        .map_or((today, today), |p| (p.start_date, p.end_date));
    let jobs = match state.app.report_jobs(&session.who.actor).await {
        Ok(j) => j,
        Err(e) => return PageError(state.clone(), e).into_response(),
    };
    let header = match Header::load(state, session).await {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    let page = CataloguePage {
        portal_name: &state.options.portal_name,
        header,
        reports: &CLASS_REPORTS,
        classes,
        results_reach,
        student,
        grades_from: grades_from.format("%Y-%m-%d").to_string(),
        grades_to: grades_to.format("%Y-%m-%d").to_string(),
        today: today.format("%Y-%m-%d").to_string(),
        jobs: jobs
            .into_iter()
            .map(|j| JobLine {
                id: j.id,
                title: j.title,
                state: j.state.label(),
                state_class: j.state.as_str(),
                created: local_time(j.created_at),
            })
            .collect(),
        error,
    };
    (status, render(&page)).into_response()
}

/// One cell as the page shows it.
struct ViewCell {
    text: String,
    numeric: bool,
}

/// One table as the page shows it.
struct ViewSection {
    caption: String,
    headers: Vec<String>,
    rows: Vec<Vec<ViewCell>>,
    totals: Vec<Vec<ViewCell>>,
    empty_text: String,
}

fn view_rows(rows: &[Vec<Cell>]) -> Vec<Vec<ViewCell>> {
    rows.iter()
        .map(|r| {
            r.iter()
                .map(|c| ViewCell {
                    text: cell_text(c),
                    numeric: matches!(c, Cell::Number(_) | Cell::Fixed(..)),
                })
                .collect()
        })
        .collect()
}

#[derive(Template)]
#[template(path = "reports/document.html")]
struct DocumentPage<'a> {
    portal_name: &'a str,
    header: Header,
    title: String,
    facts: Vec<(String, String)>,
    sections: Vec<ViewSection>,
    job_id: i64,
}

#[derive(Template)]
#[template(path = "reports/progress.html")]
struct ProgressPage<'a> {
    portal_name: &'a str,
    header: Header,
    job: ReportJob,
    state: &'static str,
    finished: bool,
}

/// `class:period` as the catalogue's select sends it.
fn parse_target(target: &str) -> Option<(i64, i64)> {
    let (class, period) = target.split_once(':')?;
    Some((class.trim().parse().ok()?, period.trim().parse().ok()?))
}

/// The catalogue's form: which report, for what.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ReportForm {
    report: String,
    target: String,
    school: String,
    on: String,
    student: String,
    class: String,
    group: String,
    from: String,
    to: String,
}

/// The request a catalogue form describes.
fn request_of(form: &ReportForm) -> Result<ReportRequest, Message> {
    let target = || {
        parse_target(&form.target)
            .map(|(class, period)| (ClassId::new(class), PeriodId::new(period)))
            .ok_or_else(|| msg!("report-class-and-period-required"))
    };
    let id = |value: &str, missing: Message| value.trim().parse::<i64>().map_err(|_| missing);
    let day = |value: &str| {
        chrono::NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
            .map_err(|_| msg!("report-date-format"))
    };
    match form.report.as_str() {
        "class-progress" => {
            let (class_id, period_id) = target()?;
            Ok(ReportRequest::ClassProgress {
                class_id,
                period_id,
            })
        }
        "class-attendance" => {
            let (class_id, period_id) = target()?;
            Ok(ReportRequest::ClassAttendance {
                class_id,
                period_id,
            })
        }
        "journal-filling" => {
            let (class_id, period_id) = target()?;
            Ok(ReportRequest::JournalFilling {
                class_id,
                period_id,
            })
        }
        "period-results" => {
            let school = match form.school.trim() {
                "" => None,
                id => Some(OrganizationId::new(
                    id.parse().map_err(|_| msg!("report-school-required"))?,
                )),
            };
            Ok(ReportRequest::PeriodResults {
                on: day(&form.on)?,
                school,
            })
        }
        "student-total-marks" => Ok(ReportRequest::StudentTotalMarks {
            student_id: StudentId::new(id(&form.student, msg!("report-student-required"))?),
            class_id: ClassId::new(id(&form.class, msg!("report-student-class-required"))?),
        }),
        "student-grades" => Ok(ReportRequest::StudentGrades {
            student_id: StudentId::new(id(&form.student, msg!("report-student-required"))?),
            subject_group_id: GroupId::new(id(&form.group, msg!("report-subject-required"))?),
            from: day(&form.from)?,
            to: day(&form.to)?,
        }),
        _ => Err(msg!("report-kind-required")),
    }
}

/// `POST /reports/jobs`: queues the report the form describes and shows its progress.
async fn order(req: UiRequest, Submitted(form): Submitted<ReportForm>) -> Response {
    // A form in error comes back for the same student.
    let student = form.student.trim().parse().ok();
    let request = match request_of(&form) {
        Ok(r) => r,
        Err(e) => {
            return catalogue_page(
                &req.state,
                &req.session,
                student,
                Some(e.text()),
                StatusCode::BAD_REQUEST,
            )
            .await;
        }
    };
    match req
        .app()
        .queue_report(&req.session.who.actor, request)
        .await
    {
        Ok(id) => Redirect::to(&format!("/reports/jobs/{id}")).into_response(),
        Err(AppError::BadRequest(e)) => {
            catalogue_page(
                &req.state,
                &req.session,
                student,
                Some(e.to_string()),
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(e) => PageError(req.state, e).into_response(),
    }
}

/// `GET /reports/jobs/{id}`: the progress of a report, or the report once it is ready.
async fn job_page(UiRequest { state, session, .. }: UiRequest, Path(id): Path<i64>) -> Response {
    let actor = &session.who.actor;
    let job = match state.app.report_job(actor, id).await {
        Ok(j) => j,
        Err(e) => return PageError(state, e).into_response(),
    };
    let header = match Header::load(&state, &session).await {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    if job.state != ReportJobState::Done {
        let page = ProgressPage {
            portal_name: &state.options.portal_name,
            header,
            state: job.state.label(),
            finished: job.state.is_finished(),
            job,
        };
        return render(&page).into_response();
    }
    let doc = match state.app.report_job_document(actor, id).await {
        Ok(d) => d,
        Err(e) => return PageError(state, e).into_response(),
    };
    let page = DocumentPage {
        portal_name: &state.options.portal_name,
        header,
        title: doc.title.clone(),
        facts: doc.facts.clone(),
        sections: doc
            .sections
            .iter()
            .map(|s| ViewSection {
                caption: s.caption.clone(),
                headers: s.headers.clone(),
                rows: view_rows(&s.rows),
                totals: view_rows(&s.totals),
                empty_text: s.empty_text.clone(),
            })
            .collect(),
        job_id: id,
    };
    render(&page).into_response()
}

#[derive(Deserialize)]
struct FileQuery {
    #[serde(default)]
    format: String,
}

/// `GET /reports/jobs/{id}/file?format=xlsx|pdf|html`: the finished report as a download.
async fn job_file(req: UiRequest, Path(id): Path<i64>, Query(q): Query<FileQuery>) -> Response {
    let Some(format) = ReportFormat::from_extension(&q.format) else {
        let e = AppError::BadRequest(msg!("report-format-unknown"));
        return PageError(req.state, e).into_response();
    };
    let actor = &req.session.who.actor;
    let job = match req.app().report_job(actor, id).await {
        Ok(j) => j,
        Err(e) => return PageError(req.state, e).into_response(),
    };
    let rendered = match req.app().report_job_document(actor, id).await {
        Ok(doc) => render_document(doc, format).await,
        Err(e) => Err(e),
    };
    let bytes = match rendered {
        Ok(b) => b,
        Err(e) => return PageError(req.state, e).into_response(),
    };
    let stem = sgo_app::reports::file_stem(&job.kind);
    let name = format!("{stem}-{id}.{}", format.extension());
    download(bytes, format.content_type(), &name)
}
