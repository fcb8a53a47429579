#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

//! The credential sheet read back with poppler (`pdftotext`, `pdfinfo`, `pdftoppm`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use sgo_reports::credential_sheet::{CredentialCard, credential_sheet_pdf};

/// A name that would be code if it were pasted into typst source.
const HOSTILE_NAME: &str = r"Щукина #[$]\ Ёлка <script>alert(1)</script>";
const HOSTILE_ORGANIZATION: &str = r#"МБОУ «СОШ № 5» *жирно* _курсив_ @метка // #set text(red)"#;

fn card(i: usize) -> CredentialCard {
    CredentialCard {
        portal_url: "https://sgo.example.ru".into(),
        portal_name: "Сетевой город. Образование".into(),
        region: "Заречный край".into(),
        municipality: "Городской округ Заречный".into(),
        settlement: "г. Заречный".into(),
        organization_kind: "Общеобразовательная".into(),
        organization: if i == 3 {
            HOSTILE_ORGANIZATION.into()
        } else {
            "МБОУ СОШ № 1".into()
        },
        display_name: if i == 0 {
            HOSTILE_NAME.into()
        } else {
            format!("Иванова Мария {i}")
        },
        role_line: format!("ученик, {}А", 5 + i % 4),
        login: format!("ivanova{i}"),
        password: format!("Kx7#q{i}$z"),
    }
}

/// A scratch file for one test, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str, bytes: &[u8]) -> Self {
        let path = std::env::temp_dir().join(format!("sgo-reports-{}-{name}", std::process::id()));
        std::fs::write(&path, bytes).unwrap();
        Scratch(path)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn run(program: &str, args: &[&str], file: &Path) -> Vec<u8> {
    let output = Command::new(program)
        .args(args)
        .arg(file)
        .output()
        .unwrap_or_else(|e| panic!("{program} is needed (poppler-utils): {e}"));
    assert!(output.status.success(), "{program} failed: {output:?}");
    output.stdout
}

/// The text of the PDF with every run of whitespace made one space, so wrapping does not matter.
fn pdf_text(file: &Path) -> String {
    pages_text(file, &[])
}

fn pages_text(file: &Path, pages: &[&str]) -> String {
    let output = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .args(pages)
        .arg(file)
        .arg("-")
        .output()
        .expect("pdftotext is needed (poppler-utils)");
    assert!(output.status.success(), "{output:?}");
    let text = String::from_utf8(output.stdout).unwrap();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn ten_cards_make_two_pages_with_every_value_literally() {
    let cards: Vec<_> = (0..10).map(card).collect();
    let pdf = credential_sheet_pdf(&cards).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let file = Scratch::new("ten.pdf", &pdf);

    let info = String::from_utf8(run("pdfinfo", &[], &file.0)).unwrap();
    let pages = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .map(str::trim)
        .unwrap();
    assert_eq!(pages, "2", "{info}");
    assert!(info.contains("A4"), "{info}");

    let text = pdf_text(&file.0);
    for label in [
        "Регион",
        "Городской округ / муниципальный район",
        "Населённый пункт",
        "Тип ОО",
        "Образовательная организация",
        "Пользователь",
        "Имя пользователя",
        "Пароль",
        "При первом входе система попросит сменить пароль",
        "Сетевой город. Образование",
        "https://sgo.example.ru",
        "Заречный край",
        "Городской округ Заречный",
        "г. Заречный",
        "Общеобразовательная",
    ] {
        assert!(text.contains(label), "{label:?} missing from:\n{text}");
    }
    for c in &cards {
        for value in [&c.display_name, &c.login, &c.password, &c.role_line] {
            assert!(
                text.contains(value.as_str()),
                "{value:?} missing from:\n{text}"
            );
        }
    }
    assert!(text.contains(HOSTILE_NAME), "{text}");
    assert!(text.contains(HOSTILE_ORGANIZATION), "{text}");
    // Each card is on the sheet once: eight on the first page, two on the second.
    assert_eq!(text.matches("Имя пользователя").count(), 10);
    let first = pages_text(&file.0, &["-f", "1", "-l", "1"]);
    assert_eq!(first.matches("Имя пользователя").count(), 8, "{first}");
}

#[test]
fn the_first_page_is_not_blank() {
    let cards: Vec<_> = (0..10).map(card).collect();
    let pdf = credential_sheet_pdf(&cards).unwrap();
    let file = Scratch::new("page.pdf", &pdf);
    let prefix = file.0.with_extension("");
    let status = Command::new("pdftoppm")
        .args(["-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&file.0)
        .arg(&prefix)
        .status()
        .unwrap();
    assert!(status.success());
    let png_path = file.0.with_extension("png");
    let bytes = std::fs::read(&png_path).unwrap();
    let _ = std::fs::remove_file(&png_path);

    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut pixels).unwrap();
    assert_eq!(frame.color_type, png::ColorType::Rgb);
    // A4 at 50 dpi is about 413 × 585 pixels.
    assert!((400..430).contains(&frame.width), "{}", frame.width);
    assert!((570..600).contains(&frame.height), "{}", frame.height);
    let total = (frame.width * frame.height) as usize;
    let inked = pixels[..frame.buffer_size()]
        .chunks(3)
        .filter(|p| p.iter().any(|c| *c < 200))
        .count();
    // Text, cut lines and big passwords on eight cards, but mostly paper.
    assert!(inked > total / 50, "only {inked} of {total} pixels inked");
    assert!(inked < total / 2, "{inked} of {total} pixels inked");
}

#[test]
fn no_cards_is_still_a_document() {
    let pdf = credential_sheet_pdf(&[]).unwrap();
    let file = Scratch::new("empty.pdf", &pdf);
    assert!(pdf_text(&file.0).contains("Нет учётных записей для печати"));
}

#[test]
fn very_long_names_grow_the_card_instead_of_overlapping() {
    let mut long = card(1);
    long.organization = "Муниципальное бюджетное общеобразовательное учреждение «Средняя \
        общеобразовательная школа № 12 с углублённым изучением отдельных предметов имени \
        Героя Советского Союза И. И. Иванова» городского округа Заречный Заречного края"
        .into();
    let cards: Vec<_> = (0..8)
        .map(|i| if i == 0 { long.clone() } else { card(i) })
        .collect();
    let pdf = credential_sheet_pdf(&cards).unwrap();
    let file = Scratch::new("long.pdf", &pdf);
    // For eyeballing the layout: SGO_KEEP_PDF=/some/dir keeps two sample sheets there.
    if let Ok(dir) = std::env::var("SGO_KEEP_PDF") {
        std::fs::write(Path::new(&dir).join("long.pdf"), &pdf).unwrap();
        let all: Vec<_> = (0..10).map(card).collect();
        std::fs::write(
            Path::new(&dir).join("ten.pdf"),
            credential_sheet_pdf(&all).unwrap(),
        )
        .unwrap();
    }
    let text = pdf_text(&file.0);
    assert!(text.contains("Героя Советского Союза"), "{text}");
    assert_eq!(text.matches("Имя пользователя").count(), 8);
}

#[test]
fn thirty_cards_take_well_under_a_second_once_warm() {
    let cards: Vec<_> = (0..30).map(card).collect();
    let started = Instant::now();
    credential_sheet_pdf(&cards).unwrap();
    let first = started.elapsed();
    let started = Instant::now();
    let pdf = credential_sheet_pdf(&cards).unwrap();
    let warm = started.elapsed();
    // Different people on the second sheet: no help from a cache of the same document.
    let others: Vec<_> = (100..130).map(card).collect();
    let started = Instant::now();
    credential_sheet_pdf(&others).unwrap();
    let fresh = started.elapsed();
    println!(
        "30 cards: first call {first:?}, same cards again {warm:?}, other cards {fresh:?}, {} KiB",
        pdf.len() / 1024
    );
    assert!(fresh.as_secs_f64() < 2.0, "{fresh:?}");
}

#[test]
fn sheets_can_be_made_on_several_threads_at_once() {
    let handles: Vec<_> = (0..4)
        .map(|t| {
            std::thread::spawn(move || {
                let cards: Vec<_> = (t * 10..t * 10 + 5).map(card).collect();
                credential_sheet_pdf(&cards).unwrap()
            })
        })
        .collect();
    for (t, handle) in handles.into_iter().enumerate() {
        let pdf = handle.join().unwrap();
        let file = Scratch::new(&format!("thread{t}.pdf"), &pdf);
        let text = pdf_text(&file.0);
        assert!(text.contains(&format!("ivanova{}", t * 10 + 4)), "{text}");
    }
}
