//! `sgo-web` reaches data only through `sgo-app`'s own types: store records stay in the store.
//! Web's sources never name `sgo_store` (it is only a dev-dependency, for test fixtures), and
//! the store types `sgo-app` still hands out under its own name are listed here. The list may
//! only shrink: a new re-export fails, and so does a listed one that is gone (take it off).

use std::path::{Path, PathBuf};

/// Store types `sgo-app` re-exports today. The first three open the store for the CLI; the
/// others wait for app-owned view types like `sgo_app::calendar::Period`.
const STILL_REEXPORTED: &[&str] = &[
    "Engine",
    "Store",
    "StoreError",
    "AccountBriefRecord",
    "BellRecord",
    "ClassMembershipRecord",
    "ClassRecord",
    "EsiaLinkRecord",
    "GroupTeacherRecord",
    "HolidayRecord",
    "MunicipalityRecord",
    "NamedRecord",
    "OrganizationListRecord",
    "OrganizationRecord",
    "PaperLetterRecord",
    "PersonalSettingsRecord",
    "SetupLessonRecord",
    "SettlementRecord",
    "SubgroupRecord",
    "SubjectGroupRecord",
    "SubjectRecord",
    "TimetableEntryRecord",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source folder") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn sources(crate_dir: &str) -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(crate_dir)
        .join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("a readable source file");
            (p, text)
        })
        .collect()
}

/// The store names in `pub use sgo_store::…;` statements (`X` of `X as Y`).
fn store_reexports(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("pub use sgo_store::") {
        let after = &rest[at + "pub use sgo_store::".len()..];
        let end = after.find(';').expect("a use statement ends with `;`");
        let list = after[..end].trim_start_matches('{').trim_end_matches('}');
        for item in list.split(',') {
            let name = item.split_whitespace().next().unwrap_or_default();
            if !name.is_empty() {
                names.push(name.to_owned());
            }
        }
        rest = &after[end..];
    }
    names
}

#[test]
fn web_sources_never_name_the_store() {
    let naming: Vec<String> = sources("web")
        .into_iter()
        .filter(|(_, text)| text.contains("sgo_store"))
        .map(|(p, _)| p.display().to_string())
        .collect();
    assert!(naming.is_empty(), "web names sgo_store in {naming:?}");
}

#[test]
fn app_hands_out_no_new_store_types() {
    let mut found: Vec<String> = sources("app")
        .iter()
        .flat_map(|(_, text)| store_reexports(text))
        .collect();
    found.sort();
    found.dedup();
    let listed: Vec<String> = STILL_REEXPORTED.iter().map(|s| s.to_string()).collect();
    let new: Vec<&String> = found.iter().filter(|n| !listed.contains(n)).collect();
    let gone: Vec<&String> = listed.iter().filter(|n| !found.contains(n)).collect();
    assert!(
        new.is_empty(),
        "sgo-app re-exports store types {new:?}: give it a view type of its own instead"
    );
    assert!(
        gone.is_empty(),
        "{gone:?} no longer re-exported: take them off STILL_REEXPORTED"
    );
}
