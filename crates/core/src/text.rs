//! Text normalisation for case-insensitive matching of Cyrillic names and logins.
//!
//! SQLite folds ASCII only, so we store a normalised copy and compare that on both engines.

/// Lower-cases (Unicode), folds «ё» to «е», trims and collapses inner white space.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for ch in word.chars().flat_map(char::to_lowercase) {
            out.push(if ch == 'ё' { 'е' } else { ch });
        }
    }
    out
}

/// The HTML entity that stands for a character which could open markup or end an attribute;
/// `None` for any other character.
pub fn html_entity(c: char) -> Option<&'static str> {
    match c {
        '&' => Some("&amp;"),
        '<' => Some("&lt;"),
        '>' => Some("&gt;"),
        '"' => Some("&quot;"),
        '\'' => Some("&#39;"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_yo_and_spaces() {
        assert_eq!(normalise("  Королёв  Иван "), "королев иван");
        assert_eq!(normalise("МБОУ СОШ №1"), "мбоу сош №1");
        assert_eq!(normalise("ИвановИ"), normalise("ивановИ"));
    }
}
