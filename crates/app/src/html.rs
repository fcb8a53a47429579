//! Rich text people write (announcements, mail): sanitised on save, so that what is stored can
//! be shown as HTML without running anyone's script.

use std::collections::HashSet;

/// The tags a body may keep: text formatting, lists, links, tables, images by address.
const TAGS: [&str; 32] = [
    "a",
    "b",
    "blockquote",
    "br",
    "caption",
    "code",
    "div",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
];

/// Keeps only safe tags and attributes; links get `rel="noopener noreferrer"` and only
/// http(s)/mailto addresses survive.
pub fn sanitize(html: &str) -> String {
    let tags: HashSet<&str> = TAGS.into_iter().collect();
    ammonia::Builder::default()
        .tags(tags)
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener noreferrer"))
        .add_tag_attributes("a", ["href", "title"])
        .add_tag_attributes("img", ["src", "alt", "width", "height"])
        .add_tag_attributes("td", ["colspan", "rowspan"])
        .add_tag_attributes("th", ["colspan", "rowspan"])
        .clean(html)
        .to_string()
}

/// The text of a body without tags, for e-mails, letters and search; entities decoded.
pub fn to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    let mut tag = String::new();
    for c in html.chars() {
        match (in_tag, c) {
            (false, '<') => {
                in_tag = true;
                tag.clear();
            }
            (true, '>') => {
                in_tag = false;
                let name = tag
                    .trim_start_matches('/')
                    .split(|c: char| c.is_whitespace() || c == '/')
                    .next()
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                if matches!(
                    name.as_str(),
                    "br" | "p" | "div" | "li" | "tr" | "h1" | "h2" | "h3" | "h4"
                ) && !out.ends_with('\n')
                {
                    out.push('\n');
                }
            }
            (true, c) => tag.push(c),
            (false, c) => out.push(c),
        }
    }
    let decoded = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    decoded.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_handlers_are_removed() {
        let dirty = r#"<p onclick="x()">Собрание<script>alert(1)</script></p><img src="javascript:alert(2)" onerror="alert(3)"><a href="javascript:alert(4)">ссылка</a><iframe src="https://evil"></iframe>"#;
        let clean = sanitize(dirty);
        assert!(!clean.contains("script"), "{clean}");
        assert!(!clean.contains("onclick"), "{clean}");
        assert!(!clean.contains("onerror"), "{clean}");
        assert!(!clean.contains("javascript"), "{clean}");
        assert!(!clean.contains("iframe"), "{clean}");
        assert!(clean.contains("<p>Собрание</p>"), "{clean}");
    }

    #[test]
    fn formatting_and_safe_links_stay() {
        let clean = sanitize(
            r#"<p><b>В 18:00</b> <a href="https://school.example.ru/plan">план</a></p><ul><li>раз</li></ul>"#,
        );
        assert!(clean.contains("<b>В 18:00</b>"));
        assert!(clean.contains(r#"href="https://school.example.ru/plan""#));
        assert!(clean.contains(r#"rel="noopener noreferrer""#));
        assert!(clean.contains("<ul><li>раз</li></ul>"));
    }

    #[test]
    fn text_keeps_lines_and_decodes_entities() {
        assert_eq!(
            to_text("<p>Собрание &amp; концерт</p><p>в&nbsp;18:00 &lt;актовый зал&gt;</p>"),
            "Собрание & концерт\nв 18:00 <актовый зал>"
        );
    }
}
