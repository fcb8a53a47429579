#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

//! XLSX written by `table_xlsx` and read back with calamine.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use sgo_reports::xlsx::{Cell, table_xlsx};

fn read_back(bytes: Vec<u8>) -> (Vec<String>, calamine::Range<Data>) {
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let names = book.sheet_names();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    (names, range)
}

#[test]
fn text_stays_text_and_numbers_are_numbers() {
    let rows = vec![
        vec![
            Cell::Text("Щукина Ёлка".into()),
            Cell::Number(4.5),
            Cell::Text("=1+1".into()),
        ],
        vec![
            Cell::Text("=HYPERLINK(\"http://evil\",\"жми\")".into()),
            Cell::Number(5.0),
            Cell::Text("+7 900 000-00-00".into()),
        ],
        vec![
            Cell::Text("@SUM(A1:A2)".into()),
            Cell::Empty,
            Cell::Text("-2+3".into()),
        ],
    ];
    let bytes = table_xlsx(
        "Оценки 5А",
        &["Ученик", "Средний балл", "Примечание"],
        &rows,
    )
    .unwrap();
    let (names, range) = read_back(bytes);
    assert_eq!(names, ["Оценки 5А"]);
    assert_eq!(range.get_size(), (4, 3));

    let header: Vec<_> = range.rows().next().unwrap().to_vec();
    assert_eq!(
        header,
        [
            Data::String("Ученик".into()),
            Data::String("Средний балл".into()),
            Data::String("Примечание".into())
        ]
    );
    assert_eq!(range.get((1, 0)), Some(&Data::String("Щукина Ёлка".into())));
    assert_eq!(range.get((1, 1)), Some(&Data::Float(4.5)));
    assert_eq!(range.get((1, 2)), Some(&Data::String("=1+1".into())));
    assert_eq!(
        range.get((2, 0)),
        Some(&Data::String("=HYPERLINK(\"http://evil\",\"жми\")".into()))
    );
    assert_eq!(range.get((2, 1)), Some(&Data::Float(5.0)));
    assert_eq!(
        range.get((2, 2)),
        Some(&Data::String("+7 900 000-00-00".into()))
    );
    assert_eq!(range.get((3, 0)), Some(&Data::String("@SUM(A1:A2)".into())));
    assert_eq!(range.get((3, 1)), Some(&Data::Empty));
    assert_eq!(range.get((3, 2)), Some(&Data::String("-2+3".into())));
}

#[test]
fn no_formula_is_written_at_all() {
    let rows = vec![vec![Cell::Text("=1+1".into())]];
    let bytes = table_xlsx("Лист", &["A"], &rows).unwrap();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let formulas = book.worksheet_formula("Лист").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
}

#[test]
fn bad_sheet_names_are_made_acceptable() {
    let long = "Список учащихся 5А класса: итоги [1/2] *черновик*?";
    let bytes = table_xlsx(long, &["Имя"], &[]).unwrap();
    let (names, range) = read_back(bytes);
    assert_eq!(names, ["Список учащихся 5А класса_ итог"]);
    assert_eq!(range.get_size(), (1, 1));

    for (wanted, got) in [("", "Лист1"), ("'Итоги'", "Итоги"), ("History", "History_")]
    {
        let bytes = table_xlsx(wanted, &["Имя"], &[]).unwrap();
        assert_eq!(read_back(bytes).0, [got]);
    }
}

#[test]
fn header_is_bold_and_frozen() {
    // calamine does not read formats or panes; look at the raw parts of the file.
    let bytes = table_xlsx("Лист", &["Имя", "Класс"], &[vec![Cell::Text("А".into())]]).unwrap();
    let sheet = zip_part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(
        sheet.contains(
            r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
        ),
        "{sheet}"
    );
    assert!(sheet.contains("<cols>"), "columns get widths: {sheet}");
    let styles = zip_part(&bytes, "xl/styles.xml");
    assert!(styles.contains("<b/>"), "{styles}");
}

/// One file of the XLSX zip, as text.
fn zip_part(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut archive.by_name(name).unwrap(), &mut text).unwrap();
    text
}
