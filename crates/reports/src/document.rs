//! A report as data: a title, facts about what it covers, and tables. The same document is
//! written as HTML (the page users read and the file the NetSchool clients parse), XLSX and PDF.

use std::fmt::Write as _;

use typst::foundations::{Dict, IntoValue, Str, Value};

use crate::xlsx::Cell;
use crate::{ReportError, pdf};

/// A finished report.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Document {
    /// The report's name, e.g. «Успеваемость класса».
    pub title: String,
    /// What the report covers, as label and value: («Класс», «5А»), («Период», «1 четверть»).
    pub facts: Vec<(String, String)>,
    /// The tables, in order.
    pub sections: Vec<Section>,
}

/// One table of a report.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Section {
    /// A heading above the table; also the XLSX sheet name. May be empty.
    pub caption: String,
    /// Column titles.
    pub headers: Vec<String>,
    /// Data rows.
    pub rows: Vec<Vec<Cell>>,
    /// Rows printed after the data in bold (totals); in XLSX they follow the data rows.
    pub totals: Vec<Vec<Cell>>,
    /// Shown instead of an empty table.
    pub empty_text: String,
}

/// How a cell reads in HTML and PDF: numbers with a decimal comma, whole numbers without decimals.
pub fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::Text(t) => t.clone(),
        Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{n:.0}"),
        Cell::Number(n) => format!("{n:.2}").replace('.', ","),
        Cell::Fixed(n, decimals) => format!("{n:.*}", usize::from(*decimals)).replace('.', ","),
        Cell::Empty => String::new(),
    }
}

fn escape(out: &mut String, text: &str) {
    for c in text.chars() {
        match sgo_core::text::html_entity(c) {
            Some(entity) => out.push_str(entity),
            None => out.push(c),
        }
    }
}

/// The document as a standalone HTML page (UTF-8, every value escaped, no scripts).
pub fn document_html(doc: &Document) -> String {
    let mut out = String::with_capacity(4096);
    out.push_str("<!DOCTYPE html>\n<html lang=\"ru\"><head><meta charset=\"utf-8\"><title>");
    escape(&mut out, &doc.title);
    out.push_str(
        "</title><style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;\
         margin:0.5em 0 1.5em}th,td{border:1px solid #999;padding:2px 6px;text-align:left}\
         td.n{text-align:right}tr.total td{font-weight:bold}</style></head><body>\n<h1>",
    );
    escape(&mut out, &doc.title);
    out.push_str("</h1>\n");
    if !doc.facts.is_empty() {
        out.push_str("<dl class=\"facts\">");
        for (label, value) in &doc.facts {
            out.push_str("<dt>");
            escape(&mut out, label);
            out.push_str("</dt><dd>");
            escape(&mut out, value);
            out.push_str("</dd>");
        }
        out.push_str("</dl>\n");
    }
    for section in &doc.sections {
        if !section.caption.is_empty() {
            out.push_str("<h2>");
            escape(&mut out, &section.caption);
            out.push_str("</h2>\n");
        }
        if section.rows.is_empty() && section.totals.is_empty() {
            out.push_str("<p class=\"empty\">");
            escape(&mut out, &section.empty_text);
            out.push_str("</p>\n");
            continue;
        }
        out.push_str("<table>\n<thead><tr>");
        for h in &section.headers {
            out.push_str("<th>");
            escape(&mut out, h);
            out.push_str("</th>");
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        let rows = section.rows.iter().map(|r| (r, false));
        let totals = section.totals.iter().map(|r| (r, true));
        for (row, total) in rows.chain(totals) {
            out.push_str(if total {
                "<tr class=\"total\">"
            } else {
                "<tr>"
            });
            for cell in row {
                out.push_str(match cell {
                    Cell::Number(_) | Cell::Fixed(..) => "<td class=\"n\">",
                    _ => "<td>",
                });
                escape(&mut out, &cell_text(cell));
                out.push_str("</td>");
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody></table>\n");
    }
    let _ = writeln!(out, "</body></html>");
    out
}

/// The document as an XLSX workbook: a sheet per table, the title and facts above the header row.
pub fn document_xlsx(doc: &Document) -> Result<Vec<u8>, ReportError> {
    crate::xlsx::sections_xlsx(doc)
}

/// The document as a PDF (A4, landscape when a table is wide), with the fonts embedded.
pub fn document_pdf(doc: &Document) -> Result<Vec<u8>, ReportError> {
    let mut inputs = Dict::new();
    inputs.insert("title".into(), Value::Str(doc.title.as_str().into()));
    let facts = doc.facts.iter().map(|(label, value)| {
        pdf::dict([("label", label.as_str()), ("value", value.as_str())]).into_value()
    });
    inputs.insert("facts".into(), pdf::array(facts));
    let wide = doc.sections.iter().any(|s| s.headers.len() > 8);
    inputs.insert("landscape".into(), Value::Bool(wide));
    let sections = doc.sections.iter().map(|s| {
        let mut d = Dict::new();
        d.insert("caption".into(), Value::Str(s.caption.as_str().into()));
        d.insert("empty".into(), Value::Str(s.empty_text.as_str().into()));
        d.insert(
            "headers".into(),
            pdf::array(s.headers.iter().map(|h| Value::Str(h.as_str().into()))),
        );
        d.insert("rows".into(), text_rows(&s.rows, s.headers.len()));
        d.insert("totals".into(), text_rows(&s.totals, s.headers.len()));
        let numeric: Vec<Value> = (0..s.headers.len())
            .map(|i| {
                Value::Bool(
                    s.rows
                        .iter()
                        .any(|r| matches!(r.get(i), Some(Cell::Number(_) | Cell::Fixed(..)))),
                )
            })
            .collect();
        d.insert(Str::from("numeric"), numeric.into_value());
        d.into_value()
    });
    inputs.insert("sections".into(), pdf::array(sections));
    pdf::render("document.typ", inputs)
}

/// Rows as text, each exactly `width` cells: typst fills a table cell by cell, so a short row
/// would shift every row after it.
fn text_rows(rows: &[Vec<Cell>], width: usize) -> Value {
    pdf::array(rows.iter().map(|r| {
        let cells = (0..width).map(|i| r.get(i).map(cell_text).unwrap_or_default());
        pdf::array(cells.map(|t| Value::Str(t.as_str().into())))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Document {
        Document {
            title: "Успеваемость <класса>".into(),
            facts: vec![("Класс".into(), "5А".into())],
            sections: vec![Section {
                caption: "Итоги".into(),
                headers: vec!["№".into(), "Ученик".into(), "Средний балл".into()],
                rows: vec![vec![
                    Cell::Number(1.0),
                    Cell::Text("Иванов & <b>".into()),
                    Cell::Number(4.256),
                ]],
                totals: vec![vec![
                    Cell::Empty,
                    Cell::Text("Итого".into()),
                    Cell::Fixed(85.714, 1),
                ]],
                empty_text: String::new(),
            }],
        }
    }

    #[test]
    fn cells_read_with_a_decimal_comma() {
        assert_eq!(cell_text(&Cell::Number(5.0)), "5");
        assert_eq!(cell_text(&Cell::Number(4.256)), "4,26");
        assert_eq!(cell_text(&Cell::Fixed(85.714, 1)), "85,7");
        assert_eq!(cell_text(&Cell::Empty), "");
    }

    #[test]
    fn html_escapes_every_value() {
        let html = document_html(&sample());
        assert!(html.contains("<h1>Успеваемость &lt;класса&gt;</h1>"));
        assert!(html.contains("<td>Иванов &amp; &lt;b&gt;</td>"));
        assert!(html.contains("<td class=\"n\">4,26</td>"));
        assert!(
            html.contains(
                "<tr class=\"total\"><td></td><td>Итого</td><td class=\"n\">85,7</td></tr>"
            )
        );
        assert!(!html.contains("<b>"));
    }

    #[test]
    fn an_empty_table_says_so() {
        let mut doc = sample();
        doc.sections[0].rows.clear();
        doc.sections[0].totals.clear();
        doc.sections[0].empty_text = "Нет оценок за период".into();
        let html = document_html(&doc);
        assert!(html.contains("<p class=\"empty\">Нет оценок за период</p>"));
        assert!(!html.contains("<table>"));
    }

    #[test]
    fn pdf_is_typeset() {
        let pdf = document_pdf(&sample()).unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        let mut wide = sample();
        wide.sections[0].headers = (0..12).map(|i| format!("Столбец {i}")).collect();
        assert!(document_pdf(&wide).unwrap().starts_with(b"%PDF"));
    }
}
