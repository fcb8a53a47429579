#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

//! Reading uploaded CSV and XLSX files.

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use sgo_sheet::{Table, Unreadable, read_table};

fn rows(table: &Table) -> Vec<Vec<&str>> {
    table
        .rows
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect()
}

fn message(result: Result<Table, Unreadable>) -> String {
    match result {
        Err(Unreadable(message)) => message,
        other => panic!("expected Unreadable, got {other:?}"),
    }
}

#[test]
fn utf8_csv_with_bom_and_semicolons() {
    let text = "\u{feff}Фамилия;Имя;Класс\r\nЩукина; Ёлка ;5А\r\n\r\n;;\r\nПетров;Пётр\r\n";
    let table = read_table("ученики.csv", text.as_bytes()).unwrap();
    assert_eq!(table.headers, ["Фамилия", "Имя", "Класс"]);
    assert_eq!(
        rows(&table),
        [["Щукина", "Ёлка", "5А"], ["Петров", "Пётр", ""]]
    );
}

#[test]
fn windows_1251_csv_with_commas_and_quotes() {
    let text =
        "Фамилия,Имя,Адрес\nЁлкина,Анна,\"г. Заречный, ул. Мира, 1\"\n\"Кац\",\"Ия \"\"Ия\"\"\",\n";
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1251.encode(text);
    assert!(!unmappable);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the test must really be cp1251"
    );
    let table = read_table("export.csv", &bytes).unwrap();
    assert_eq!(table.headers, ["Фамилия", "Имя", "Адрес"]);
    assert_eq!(
        rows(&table),
        [
            ["Ёлкина", "Анна", "г. Заречный, ул. Мира, 1"],
            ["Кац", "Ия \"Ия\"", ""]
        ]
    );
}

#[test]
fn tab_separated_text() {
    let table = read_table("a.txt", "Фамилия\tИмя\nИванов\tИван\n".as_bytes()).unwrap();
    assert_eq!(rows(&table), [["Иванов", "Иван"]]);
}

#[test]
fn semicolon_wins_over_comma_in_the_header() {
    let table = read_table("a.csv", "Фамилия;Адрес\nИванов;ул. Мира, 1\n".as_bytes()).unwrap();
    assert_eq!(rows(&table), [["Иванов", "ул. Мира, 1"]]);
}

#[test]
fn a_row_longer_than_the_header_names_its_line() {
    let text = "Фамилия;Имя\nИванов;Иван\n\nПетров;Пётр;лишнее\n";
    let message = message(read_table("a.csv", text.as_bytes()));
    assert!(message.starts_with("Строка 4:"), "{message}");
    assert!(message.contains("больше"), "{message}");
}

#[test]
fn trailing_empty_cells_are_not_too_long() {
    let table = read_table("a.csv", "Фамилия;Имя\nИванов;Иван;;\n".as_bytes()).unwrap();
    assert_eq!(rows(&table), [["Иванов", "Иван"]]);
}

#[test]
fn empty_and_binary_files_are_refused_in_russian() {
    assert!(message(read_table("a.csv", b"")).contains("пуста"));
    assert!(message(read_table("a.csv", b"\n;;\n")).contains("пуста"));
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    assert!(message(read_table("фото.png", png)).contains("не похож на таблицу"));
    let broken_zip = b"PK\x03\x04not really a workbook";
    assert!(message(read_table("a.xlsx", broken_zip)).contains("Не удалось открыть"));
}

#[test]
fn too_many_rows_or_columns() {
    let mut text = String::from("Фамилия\n");
    for i in 0..20_000 {
        text.push_str(&format!("Иванов {i}\n"));
    }
    assert_eq!(
        read_table("a.csv", text.as_bytes()).unwrap().rows.len(),
        20_000
    );
    text.push_str("Последний\n");
    assert!(message(read_table("a.csv", text.as_bytes())).contains("20\u{a0}000"));

    let header: Vec<String> = (0..101).map(|i| format!("Столбец {i}")).collect();
    let wide = header.join(";");
    assert!(message(read_table("a.csv", wide.as_bytes())).contains("101 столбцов"));
}

#[test]
fn xlsx_with_numbers_dates_and_text() {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let date_format = Format::new().set_num_format("dd/mm/yyyy");
    sheet.write_string(0, 0, "Фамилия").unwrap();
    sheet.write_string(0, 1, "Класс").unwrap();
    sheet.write_string(0, 2, "Дата зачисления").unwrap();
    sheet.write_string(0, 3, "Балл").unwrap();
    sheet.write_string(1, 0, "  Щукина Ёлка ").unwrap();
    sheet.write_number(1, 1, 5.0).unwrap();
    let date = ExcelDateTime::from_ymd(2015, 9, 1).unwrap();
    sheet
        .write_datetime_with_format(1, 2, &date, &date_format)
        .unwrap();
    sheet.write_number(1, 3, 4.25).unwrap();
    // Row 3 left empty; row 4 is short.
    sheet.write_string(3, 0, "Петров").unwrap();
    let second = book.add_worksheet();
    second.write_string(0, 0, "Не этот лист").unwrap();
    let bytes = book.save_to_buffer().unwrap();

    // The name says CSV: the content decides.
    let table = read_table("ученики.csv", &bytes).unwrap();
    assert_eq!(
        table.headers,
        ["Фамилия", "Класс", "Дата зачисления", "Балл"]
    );
    assert_eq!(
        rows(&table),
        [
            ["Щукина Ёлка", "5", "01.09.2015", "4.25"],
            ["Петров", "", "", ""]
        ]
    );
}

#[test]
fn xlsx_row_longer_than_the_header_names_its_sheet_row() {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "Фамилия").unwrap();
    sheet.write_string(1, 0, "Иванов").unwrap();
    sheet.write_string(6, 0, "Петров").unwrap();
    sheet.write_string(6, 1, "лишнее").unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let message = message(read_table("a.xlsx", &bytes));
    assert!(message.starts_with("Строка 7:"), "{message}");
}
