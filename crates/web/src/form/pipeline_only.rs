//! Fails when a handler reads a request body itself instead of through this module: a handler
//! taking `Bytes`, `Form`, `RawForm` or `Multipart` would skip the size limit, the CSRF check or
//! the typed reading that every form gets here.

use std::path::{Path, PathBuf};

/// The body types a handler may not take as a parameter.
const RAW_BODIES: [&str; 5] = [
    ": Bytes",
    ": Multipart",
    ": Form<",
    ": RawForm",
    ": axum::body::Bytes",
];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read the source folder") {
        let path = entry.expect("folder entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// A parameter line (`name: Type,` or `mut name: Type,`) whose type is a raw body.
fn raw_body_parameter(line: &str) -> bool {
    let line = line.trim();
    let parameter = line.ends_with(',')
        && line.split(':').next().is_some_and(|name| {
            name.trim_start_matches("mut ")
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '(' || c == ')')
        });
    parameter && RAW_BODIES.iter().any(|t| line.contains(t))
}

#[test]
fn handlers_take_bodies_only_through_the_form_pipeline() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for surface in ["ui", "webapi"] {
        sources(&root.join(surface), &mut files);
    }
    assert!(
        files.len() > 20,
        "the surfaces were not found under {root:?}"
    );
    let mut offenders = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read a source file");
        for (n, line) in text.lines().enumerate() {
            if raw_body_parameter(line) {
                offenders.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "handlers must take forms through crate::form (Submitted, Uploaded, …):\n{}",
        offenders.join("\n")
    );
}

#[test]
fn the_check_sees_a_raw_body_parameter() {
    assert!(raw_body_parameter("    body: Bytes,"));
    assert!(raw_body_parameter("    mut multipart: Multipart,"));
    assert!(raw_body_parameter("    Form(input): Form<LoginInput>,"));
    assert!(!raw_body_parameter(
        "    Submitted(form): Submitted<Fields>,"
    ));
    assert!(!raw_body_parameter(
        "let bytes: Bytes = body.collect().await?.to_bytes();"
    ));
}
