//! Uploads that must not hurt the server, and names that must not reach a spreadsheet as
//! formulas: XLSX files whose declared sizes would take hundreds of gigabytes, a zip bomb, and
//! names with line breaks or formula prefixes through the import and every form that sets a name.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use sgo_testkit::both_engines;
use std::io::Write;

use axum::http::StatusCode;
use sgo_app::{Engine, Role};
use sgo_testkit::{World, world};

const STAFF_HEADER: &str = "Фамилия;Имя;Отчество;Дата рождения;Роли;Логин;E-mail;Телефон";

/// An XLSX package made of the given parts (the declarations every workbook carries are added).
fn xlsx(sheet: &str, shared_strings: Option<&str>) -> Vec<u8> {
    let mut parts = vec![
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_owned(),
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_owned(),
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Лист1" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_owned(),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#.to_owned(),
        ),
        ("xl/worksheets/sheet1.xml", sheet.to_owned()),
    ];
    if let Some(strings) = shared_strings {
        parts.push(("xl/sharedStrings.xml", strings.to_owned()));
    }
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in parts {
        zip.start_file(name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn sheet(rows: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>"#
    )
}

/// A row of inline-text cells from column A.
fn text_row(number: u32, cells: &[&str]) -> String {
    let cells: String = cells
        .iter()
        .map(|c| format!(r#"<c t="inlineStr"><is><t>{c}</t></is></c>"#))
        .collect();
    format!(r#"<row r="{number}">{cells}</row>"#)
}

fn staff_header_row() -> String {
    let titles: Vec<&str> = STAFF_HEADER.split(';').collect();
    text_row(1, &titles)
}

/// The header, then one cell at the last cell Excel has: a dense reader takes 512 GiB for it.
pub fn far_cell_xlsx() -> Vec<u8> {
    let rows = format!(
        r#"{}<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#,
        staff_header_row()
    );
    let sheet = sheet(&rows).replace(
        "<sheetData>",
        r#"<dimension ref="A1:XFD1048576"/><sheetData>"#,
    );
    xlsx(&sheet, None)
}

/// Shared strings that declare a trillion entries: a reader that reserves for them aborts.
pub fn huge_count_xlsx() -> Vec<u8> {
    let strings = r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1000000000000" uniqueCount="1000000000000"><si><t>Фамилия</t></si><si><t>Имя</t></si><si><t>Роли</t></si></sst>"#;
    let rows = r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>"#;
    xlsx(&sheet(rows), Some(strings))
}

async fn upload(w: &World, cookie: &str, name: &str, bytes: &[u8]) -> sgo_testkit::Response {
    w.post_multipart(
        cookie,
        "/people/import",
        &[("kind", "staff")],
        &[("file", name, bytes)],
    )
    .await
}

async fn oversized_workbooks_are_refused(engine: Engine) {
    let w = world(engine, 1).await;
    let cookie = w.cookie(&w.admin()).await;

    let far = far_cell_xlsx();
    let huge = huge_count_xlsx();
    assert!(
        far.len() < 2048 && huge.len() < 2048,
        "both attacks are tiny"
    );
    let r = upload(&w, &cookie, "far.xlsx", &far).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(r.text().contains("16384 столбцов"), "{}", r.text());

    // The trillion declared strings are never reserved: the three real ones are read, and the
    // file is answered like any file missing its required columns.
    let r = upload(&w, &cookie, "strings.xlsx", &huge).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(
        r.text().contains("В файле нет строк с данными"),
        "{}",
        r.text()
    );

    // A zip bomb: 70 MB of spaces packed into a few dozen kilobytes.
    let padding = " ".repeat(70 << 20);
    let bomb = xlsx(&sheet(&format!("{}{padding}", staff_header_row())), None);
    assert!(bomb.len() < 1 << 20);
    let r = upload(&w, &cookie, "bomb.xlsx", &bomb).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(r.text().contains("распаковывается больше"), "{}", r.text());

    // The older formats are refused with a way out.
    let r = upload(
        &w,
        &cookie,
        "old.xls",
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest",
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("сохраните его как XLSX или CSV"));

    // The server is still there, and a sound workbook goes through.
    let rows = format!(
        "{}{}",
        staff_header_row(),
        text_row(2, &["Штатов", "Олег", "", "", "учитель", "xlsx_shtatov"])
    );
    let r = upload(&w, &cookie, "staff.xlsx", &xlsx(&sheet(&rows), None)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let page = w.get(&cookie, &r.location()).await;
    assert!(page.text().contains("xlsx_shtatov"));
}

async fn names_are_cleaned_and_formulas_refused(engine: Engine) {
    let w = world(engine, 1).await;
    let admin = w.admin();
    let cookie = w.cookie(&admin).await;

    // Import: a formula-looking name is a row error; a line break inside a name becomes a space.
    let csv = format!(
        "{STAFF_HEADER}\r\n=HYPERLINK(\"http://evil.example\";\"x\");Олег;;;учитель;;;\r\n\
         Иванов;@SUM(1);;;учитель;;;\r\n"
    );
    let r = upload(&w, &cookie, "staff.csv", csv.as_bytes()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let text = r.text();
    assert!(
        text.contains("data-row=\"2\"") && text.contains("data-row=\"3\""),
        "{text}"
    );
    assert!(text.contains("не может начинаться со знаков"), "{text}");
    let csv = format!("{STAFF_HEADER}\r\n\"Пере\r\nносов\";Олег;;;учитель;perenosov;;\r\n");
    let r = upload(&w, &cookie, "staff.csv", csv.as_bytes()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let page = w.get(&cookie, &r.location()).await.text();
    assert!(page.contains("Пере носов"), "{page}");
    assert!(!page.contains("Пере\r\nносов") && !page.contains("Пере\nносов"));

    // The person form.
    let person = [
        ("last_name", "-1+1"),
        ("first_name", "Олег"),
        ("roles", "teacher"),
    ];
    let r = w.post(&cookie, "/people/new", &person).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(r.text().contains("Не может начинаться со знаков"));
    let person = [
        ("last_name", "Строков\r\n"),
        ("first_name", "Олег\tИгоревич"),
        ("display_name", "+7 Олег"),
        ("roles", "teacher"),
    ];
    let r = w.post(&cookie, "/people/new", &person).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let person = [
        ("last_name", "Строков\r\n"),
        ("first_name", "Олег\tИгоревич"),
        ("roles", "teacher"),
    ];
    let r = w.post(&cookie, "/people/new", &person).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let card = w.get(&cookie, &r.location()).await.text();
    assert!(card.contains("Строков Олег Игоревич"), "{card}");

    // Personal settings: the name shown on screen.
    let teacher = w.first(Role::Teacher, admin.organization_id);
    let cookie = w.cookie(&teacher).await;
    let fields = [
        ("display_name", "=cmd|' /C calc'!A0"),
        ("email", ""),
        ("phone", ""),
        ("preferred_channel", "system"),
        ("signature_cert_url", ""),
    ];
    let r = w.post(&cookie, "/settings", &fields).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(r.text().contains("не может начинаться со знаков"));
}

both_engines!(
    oversized_workbooks_are_refused,
    names_are_cleaned_and_formulas_refused
);
