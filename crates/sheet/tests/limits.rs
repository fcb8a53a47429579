#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

//! Files whose declared sizes would take the server down, and the fuzz findings, as named
//! regression tests: each is refused with a Russian message, quickly and without a large
//! allocation.

use std::io::Write;

use sgo_sheet::{Table, Unreadable, read_table};

const BOOK: &str = r#"<workbook xmlns:r="r"><sheets><sheet name="1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const RELS: &str =
    r#"<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>"#;

fn zip(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in parts {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn workbook(sheet_data: &str, shared_strings: Option<&str>) -> Vec<u8> {
    let sheet = format!("<worksheet><sheetData>{sheet_data}</sheetData></worksheet>");
    let mut parts: Vec<(&str, &[u8])> = vec![
        ("xl/workbook.xml", BOOK.as_bytes()),
        ("xl/_rels/workbook.xml.rels", RELS.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
    ];
    if let Some(s) = shared_strings {
        parts.push(("xl/sharedStrings.xml", s.as_bytes()));
    }
    zip(&parts)
}

fn message(result: Result<Table, Unreadable>) -> String {
    match result {
        Err(Unreadable(message)) => message,
        Ok(table) => panic!("expected a refusal, read {table:?}"),
    }
}

const HEADER: &str = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>Фамилия</t></is></c></row>"#;

#[test]
fn a_cell_at_xfd1048576_is_refused_without_building_the_grid() {
    let file = workbook(
        &format!(r#"{HEADER}<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#),
        None,
    );
    assert!(file.len() < 2048);
    let m = message(read_table("a.xlsx", &file));
    assert!(m.contains("16384 столбцов"), "{m}");
}

#[test]
fn an_empty_far_cell_and_a_far_row_are_harmless() {
    let file = workbook(
        &format!(
            r#"{HEADER}<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>Последний</t></is></c><c r="XFD1048576" s="3"/></row>"#
        ),
        None,
    );
    let table = read_table("a.xlsx", &file).unwrap();
    assert_eq!(table.rows, [["Последний"]]);
}

#[test]
fn a_declared_trillion_shared_strings_is_not_reserved() {
    let strings = r#"<sst count="1000000000000" uniqueCount="1000000000000"><si><t>Фамилия</t></si><si><r><t>Ива</t></r><r><t>нов</t></r><rPh><t>фонетика</t></rPh></si></sst>"#;
    let file = workbook(
        r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" t="s"><v>99</v></c></row>"#,
        Some(strings),
    );
    let table = read_table("a.xlsx", &file).unwrap();
    assert_eq!(table.headers, ["Фамилия"]);
    assert_eq!(table.rows, [["Иванов"]]);
}

#[test]
fn a_zip_bomb_is_refused_at_the_unpacked_limit() {
    let padding = vec![b' '; 70 << 20];
    let mut sheet = format!("<worksheet><sheetData>{HEADER}").into_bytes();
    sheet.extend_from_slice(&padding);
    sheet.extend_from_slice(b"</sheetData></worksheet>");
    let file = zip(&[
        ("xl/workbook.xml", BOOK.as_bytes()),
        ("xl/_rels/workbook.xml.rels", RELS.as_bytes()),
        ("xl/worksheets/sheet1.xml", &sheet),
    ]);
    assert!(file.len() < 1 << 20);
    let m = message(read_table("a.xlsx", &file));
    assert!(m.contains("распаковывается больше чем в 64 МБ"), "{m}");
}

#[test]
fn xls_and_ods_ask_for_xlsx_or_csv() {
    let m = message(read_table("a.xls", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"));
    assert!(m.contains("XLS") && m.contains("XLSX или CSV"), "{m}");
    let ods = zip(&[
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet",
        ),
        ("content.xml", b"<office:document-content/>"),
    ]);
    let m = message(read_table("a.ods", &ods));
    assert!(m.contains("ODS"), "{m}");
}

#[test]
fn malformed_parts_are_refused_not_panicked_on() {
    for sheet in [
        r#"<row r="0"><c r="A1"><v>1</v></c></row>"#,
        r#"<row r="1"><c r="A0"><v>1</v></c></row>"#,
        r#"<row r="1"><c r="A1"><v>1</v></row>"#,
        r#"<row r="99999999999"/>"#,
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>&bogus;</t></is></c></row>"#,
    ] {
        let m = message(read_table("a.xlsx", &workbook(sheet, None)));
        assert!(m.contains("файл повреждён"), "{sheet}: {m}");
    }
}

#[test]
fn escapes_entities_booleans_and_errors_read_as_excel_shows_them() {
    let sheet = r#"<row r="1"><c t="inlineStr"><is><t>Имя &amp; фамилия</t></is></c><c t="inlineStr"><is><t>Флаг</t></is></c><c t="inlineStr"><is><t>Ошибка</t></is></c></row><row r="2"><c t="inlineStr"><is><t>Б&#1073;_x0042_</t></is></c><c t="b"><v>1</v></c><c t="e"><v>#N/A</v></c></row>"#;
    let table = read_table("a.xlsx", &workbook(sheet, None)).unwrap();
    assert_eq!(table.headers, ["Имя & фамилия", "Флаг", "Ошибка"]);
    assert_eq!(table.rows, [["БбB", "ИСТИНА", "#N/A"]]);
}
