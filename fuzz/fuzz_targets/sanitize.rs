//! The sanitiser of rich text (mail, announcements), compiled from the app's own source file so
//! that the target does not build sgo-app (and typst behind it).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../crates/app/src/html.rs"]
mod html;

/// The attributes (name, value) of a serialised tag, from just after its name up to its `>`.
fn attributes(mut rest: &str) -> Vec<(&str, &str)> {
    let mut found = Vec::new();
    loop {
        rest = rest.trim_start_matches([' ', '/']);
        if rest.is_empty() || rest.starts_with('>') {
            return found;
        }
        let end = rest.find(['=', ' ', '>']).unwrap_or(rest.len()).max(1);
        let name = &rest[..end];
        rest = &rest[end..];
        let mut value = "";
        if let Some(quoted) = rest.strip_prefix("=\"") {
            let (inside, after) = quoted.split_once('"').unwrap_or((quoted, ""));
            value = inside;
            rest = after;
        }
        found.push((name, value));
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let clean = html::sanitize(input);
    // Every tag in the output is an allowed one, and no attribute is an event handler or a
    // style. The serialiser escapes `<` in text and `"` in attribute values, so a `<` always
    // opens a tag and a `"` always delimits a value.
    for tag in clean.split('<').skip(1) {
        let tag = tag.trim_start_matches('/');
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        assert!(
            html::TAGS.contains(&name.as_str()),
            "tag {name:?} in {clean:?}"
        );
        for (attribute, value) in attributes(&tag[name.len()..]) {
            let attribute = attribute.to_ascii_lowercase();
            assert!(
                !attribute.starts_with("on") && attribute != "style",
                "attribute {attribute:?} in {clean:?}"
            );
            if attribute == "href" || attribute == "src" {
                let value = value.trim().to_ascii_lowercase();
                for scheme in ["javascript:", "vbscript:", "data:"] {
                    assert!(
                        !value.starts_with(scheme),
                        "{attribute}={value:?} in {clean:?}"
                    );
                }
            }
        }
    }
    let _ = html::to_text(input);
});
