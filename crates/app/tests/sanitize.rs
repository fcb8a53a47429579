#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

//! Inputs the fuzzer (`scripts/fuzz`, target `sanitize`) found, kept as named regression tests.

use sgo_app::html::sanitize;

/// fuzz/artifacts/sanitize/crash-4ffd7443…: a `<noscript>` mutation-XSS shape. The sanitiser
/// was right (the handler stays text inside `title`); the fuzz target's own check split
/// attributes at spaces inside values, and now walks the quoted values.
#[test]
fn fuzz_noscript_title_keeps_the_handler_as_text() {
    let input = "<onscript><p title=\"</noscript><img s=rcx onerror=alert(1)>\">";
    let clean = sanitize(input);
    assert_eq!(
        clean,
        "<p title=\"&lt;/noscript&gt;&lt;img s=rcx onerror=alert(1)&gt;\"></p>"
    );
    assert!(!clean.contains("<img"));
}
