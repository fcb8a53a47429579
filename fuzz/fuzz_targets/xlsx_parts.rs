//! The parts of a workbook, chosen by the fuzzer, packed into a zip and read as an upload.
//! The input is split at `\0` into: sheet, shared strings, styles, workbook.
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;

const RELS: &str =
    r#"<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>"#;
const BOOK: &str =
    r#"<workbook><workbookPr date1904="0"/><sheets><sheet r:id="rId1"/></sheets></workbook>"#;

fuzz_target!(|data: &[u8]| {
    let mut parts = data.split(|b| *b == 0);
    let sheet = parts.next().unwrap_or_default();
    let strings = parts.next();
    let styles = parts.next();
    let book = parts.next().unwrap_or(BOOK.as_bytes());
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut add = |name: &str, bytes: &[u8]| {
        zip.start_file(name, options).is_ok() && zip.write_all(bytes).is_ok()
    };
    let mut ok = add("xl/workbook.xml", book)
        && add("xl/_rels/workbook.xml.rels", RELS.as_bytes())
        && add("xl/worksheets/sheet1.xml", sheet);
    if let Some(strings) = strings {
        ok &= add("xl/sharedStrings.xml", strings);
    }
    if let Some(styles) = styles {
        ok &= add("xl/styles.xml", styles);
    }
    if !ok {
        return;
    }
    let Ok(cursor) = zip.finish() else {
        return;
    };
    if let Ok(table) = sgo_sheet::read_table("upload.xlsx", &cursor.into_inner()) {
        assert!(table.headers.len() <= sgo_sheet::MAX_COLUMNS);
        assert!(table.rows.len() <= sgo_sheet::MAX_ROWS);
    }
});
