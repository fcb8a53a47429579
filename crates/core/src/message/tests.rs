use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::*;

/// Every `msg!("id", name = …)` written in the Rust source under `crates/`: id → argument names.
fn used_in_source() -> BTreeMap<String, BTreeSet<Vec<String>>> {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    collect_rust_files(&crates, &mut files);
    assert!(
        files.len() > 50,
        "the scan found too few files under {crates:?}"
    );
    let mut used: BTreeMap<String, BTreeSet<Vec<String>>> = BTreeMap::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        // Comments may show the macro with example ids.
        let code: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        for (id, args) in macro_calls(&code) {
            used.entry(id).or_default().insert(args);
        }
    }
    used
}

fn collect_rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            if name != "target" && !name.to_string_lossy().starts_with('.') {
                collect_rust_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The id and argument names of each `msg!(…)` in `code`.
fn macro_calls(code: &str) -> Vec<(String, Vec<String>)> {
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("msg!(") {
        rest = &rest[at + 5..];
        let body = rest.trim_start();
        let Some(body) = body.strip_prefix('"') else {
            continue;
        };
        let Some(end) = body.find('"') else { break };
        let id = body[..end].to_owned();
        // The macro refuses any other shape when compiling; what is left is this scanner's own text.
        if !is_message_id(&id) {
            continue;
        }
        let args = top_level_parts(&body[end + 1..])
            .iter()
            .filter_map(|part| part.split_once('=').map(|(name, _)| name.trim().to_owned()))
            .collect();
        found.push((id, args));
    }
    found
}

/// The comma-separated parts of what follows the id, up to the macro's closing parenthesis.
fn top_level_parts(after_id: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut current = String::new();
    let mut in_string = false;
    let mut chars = after_id.chars();
    while let Some(c) = chars.next() {
        if in_string {
            current.push(c);
            match c {
                '\\' => current.extend(chars.next()),
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                current.push(c);
            }
            '(' | '[' | '{' => {
                depth += 1;
                current.push(c);
            }
            ')' | ']' | '}' if depth == 0 => break,
            ')' | ']' | '}' => {
                depth -= 1;
                current.push(c);
            }
            ',' if depth == 0 => parts.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    parts.push(current);
    parts
        .into_iter()
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

#[test]
fn the_catalogue_parses_without_errors_or_duplicates() {
    for language in Language::ALL {
        let source = language.source().to_owned();
        if let Err((_, errors)) = fluent_bundle::FluentResource::try_new(source) {
            panic!("{} has syntax errors: {errors:?}", language.tag());
        }
    }
    let defined: Vec<&str> = Language::Russian
        .source()
        .lines()
        .filter_map(|l| l.split_once(" =").map(|(id, _)| id))
        .filter(|id| is_message_id(id))
        .collect();
    let unique: BTreeSet<&str> = defined.iter().copied().collect();
    assert_eq!(
        defined.len(),
        unique.len(),
        "an id is defined twice in ru.ftl"
    );
    assert_eq!(unique.len(), ids().count());
}

#[test]
fn every_id_in_the_source_is_in_the_catalogue_and_every_catalogue_id_is_used() {
    let used = used_in_source();
    let known: BTreeMap<&str, &[&str]> = ids().collect();
    let missing: Vec<&String> = used
        .keys()
        .filter(|id| !known.contains_key(id.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "ids used but not in ru.ftl: {missing:?}"
    );
    let unused: Vec<&&str> = known.keys().filter(|id| !used.contains_key(**id)).collect();
    assert!(
        unused.is_empty(),
        "ids in ru.ftl that no source uses: {unused:?}"
    );
}

#[test]
fn every_message_of_the_source_renders_with_its_arguments() {
    for (id, calls) in used_in_source() {
        let Some((id, names)) = catalogue::known(&id) else {
            continue;
        };
        for args in calls {
            let mut wanted: Vec<&str> = names.to_vec();
            wanted.sort_unstable();
            let mut given: Vec<&str> = args.iter().map(String::as_str).collect();
            given.sort_unstable();
            assert_eq!(
                given, wanted,
                "msg!(\"{id}\") is given other arguments than its text uses"
            );
            for value in [Arg::Number(2), Arg::Text("текст".into())] {
                let names: Vec<&'static str> = names.to_vec();
                let message = Message::__with(
                    MessageId(id),
                    names.into_iter().map(|n| (n, value.clone())).collect(),
                );
                for language in Language::ALL {
                    if let Err(errors) = try_render(&message, language) {
                        panic!("{id} in {}: {errors:?}", language.tag());
                    }
                }
            }
        }
    }
}

#[test]
fn arguments_are_placed_without_isolation_marks() {
    let m = msg!("field-too-long", max = 200);
    let text = render(&m, Language::Russian);
    assert_eq!(text, "Не длиннее 200 знаков");
    assert!(!text.contains(['\u{2068}', '\u{2069}']));
    let m = msg!("mark-attendance-code-unknown", code = "Я");
    assert_eq!(m.to_string(), "Неизвестный код посещаемости «Я»");
}

#[test]
fn a_message_without_arguments_is_a_constant() {
    const STALE: Message = msg!("form-stale");
    assert_eq!(STALE.id(), "form-stale");
    assert!(STALE.args().is_empty());
    assert_eq!(STALE, *"Срок действия формы истёк. Обновите страницу.");
}

#[test]
fn ids_are_kebab_case_ascii() {
    assert!(is_message_id("class-letter-invalid"));
    assert!(is_message_id("period-2-start"));
    assert!(!is_message_id("Class"));
    assert!(!is_message_id("class--letter"));
    assert!(!is_message_id("class-"));
    assert!(!is_message_id("Укажите имя"));
    assert!(!is_message_id(""));
}

#[test]
fn a_message_is_stored_and_read_back_by_id() {
    let m = msg!("field-too-long", max = 200);
    let json = serde_json::to_string(&m).unwrap();
    assert_eq!(json, r#"{"id":"field-too-long","args":{"max":200}}"#);
    let back: Message = serde_json::from_str(&json).unwrap();
    assert_eq!(back, m);
    // Text that is not a catalogue message does not become one.
    assert!(serde_json::from_str::<Message>(r#"{"id":"Отчёт не построен"}"#).is_err());
    assert!(serde_json::from_str::<Message>(r#"{"id":"field-too-long","args":{"x":1}}"#).is_err());
}
