//! The reports pages: the catalogue with each report's filters, a report shown as a page, and
//! the same report downloaded as XLSX or PDF.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use sgo_app::AppError;
use sgo_app::reports::{
    Cell, ClassReport, Document, ReportClassChoice, ReportFormat, cell_text, write_document,
};

use super::{Header, PageError, UiSession, render};
use crate::AppState;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/reports", get(catalogue))
        .route("/reports/class-progress", get(class_progress))
        .route("/reports/class-attendance", get(class_attendance))
}

/// A class report the catalogue offers: its address name (also the ids of its form), title and
/// what it shows.
struct ClassReportCard {
    slug: &'static str,
    title: &'static str,
    text: &'static str,
}

const CLASS_REPORTS: [ClassReportCard; 2] = [
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
];

#[derive(Template)]
#[template(path = "reports/index.html")]
struct CataloguePage<'a> {
    portal_name: &'a str,
    header: Header,
    reports: &'static [ClassReportCard],
    classes: Vec<ReportClassChoice>,
    error: Option<String>,
}

/// `GET /reports`.
async fn catalogue(State(state): State<AppState>, session: UiSession) -> Response {
    catalogue_page(&state, &session, None, StatusCode::OK).await
}

async fn catalogue_page(
    state: &AppState,
    session: &UiSession,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let classes = match state.app.report_class_choices(&session.who.actor).await {
        Ok(c) => c,
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
    /// The query of this report without the format, for the download links.
    query: String,
}

#[derive(Deserialize)]
struct ClassReportQuery {
    #[serde(default)]
    target: String,
    #[serde(default)]
    format: String,
}

/// `class:period` as the catalogue's select sends it.
fn parse_target(target: &str) -> Option<(i64, i64)> {
    let (class, period) = target.split_once(':')?;
    Some((class.trim().parse().ok()?, period.trim().parse().ok()?))
}

/// `GET /reports/class-progress?target=<class>:<period>[&format=xlsx|pdf]`.
async fn class_progress(
    State(state): State<AppState>,
    session: UiSession,
    Query(q): Query<ClassReportQuery>,
) -> Response {
    class_report(state, session, q, ClassReport::Progress).await
}

/// `GET /reports/class-attendance?target=<class>:<period>[&format=xlsx|pdf]`.
async fn class_attendance(
    State(state): State<AppState>,
    session: UiSession,
    Query(q): Query<ClassReportQuery>,
) -> Response {
    class_report(state, session, q, ClassReport::Attendance).await
}

async fn class_report(
    state: AppState,
    session: UiSession,
    q: ClassReportQuery,
    report: ClassReport,
) -> Response {
    let format = match q.format.as_str() {
        "" => ReportFormat::Html,
        other => match ReportFormat::from_extension(other) {
            Some(f) => f,
            None => {
                let e = "Неизвестный формат: выберите HTML, XLSX или PDF".to_owned();
                return catalogue_page(&state, &session, Some(e), StatusCode::BAD_REQUEST).await;
            }
        },
    };
    let Some((class_id, period_id)) = parse_target(&q.target) else {
        let e = "Выберите класс и период".to_owned();
        return catalogue_page(&state, &session, Some(e), StatusCode::BAD_REQUEST).await;
    };
    let doc = match state
        .app
        .class_report(&session.who.actor, report, class_id, period_id)
        .await
    {
        Ok(doc) => doc,
        Err(AppError::BadRequest(e)) => {
            return catalogue_page(&state, &session, Some(e), StatusCode::BAD_REQUEST).await;
        }
        Err(e) => return PageError(state, e).into_response(),
    };
    let query = format!("target={class_id}:{period_id}");
    respond(&state, &session, doc, format, report.file_stem(), query).await
}

/// The report as a page inside the portal, or as a download.
async fn respond(
    state: &AppState,
    session: &UiSession,
    doc: Document,
    format: ReportFormat,
    file_stem: &str,
    query: String,
) -> Response {
    if format != ReportFormat::Html {
        let bytes = match write_document(&doc, format) {
            Ok(b) => b,
            Err(e) => return PageError(state.clone(), e).into_response(),
        };
        let mut response = bytes.into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(format.content_type()),
        );
        let disposition = format!(
            "attachment; filename=\"{file_stem}.{}\"",
            format.extension()
        );
        if let Ok(v) = HeaderValue::from_str(&disposition) {
            headers.insert(header::CONTENT_DISPOSITION, v);
        }
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
        return response;
    }
    let header = match Header::load(state, session).await {
        Ok(h) => h,
        Err(e) => return e.into_response(),
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
        query,
    };
    render(&page).into_response()
}
