//! Rich text people write (announcements, mail): sanitised on save, so that what is stored can
//! be shown as HTML without running anyone's script.

use std::borrow::Cow;
use std::collections::HashSet;

use ammonia::UrlRelative;

/// The tags a body may keep: text formatting, lists, links, tables, images by address (the
/// fuzz target `sanitize` holds the output to exactly these).
pub(crate) const TAGS: [&str; 32] = [
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
/// http(s)/mailto addresses and links within the portal survive.
pub fn sanitize(html: &str) -> String {
    let tags: HashSet<&str> = TAGS.into_iter().collect();
    ammonia::Builder::default()
        .tags(tags)
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .url_relative(UrlRelative::Custom(Box::new(same_site)))
        .link_rel(Some("noopener noreferrer"))
        .add_tag_attributes("a", ["href", "title"])
        .add_tag_attributes("img", ["src", "alt", "width", "height"])
        .add_tag_attributes("td", ["colspan", "rowspan"])
        .add_tag_attributes("th", ["colspan", "rowspan"])
        .clean(html)
        .to_string()
}

/// Keeps a relative address only when it cannot leave the portal.
///
/// Relative links stay allowed (they were before, and bodies link to the portal's own pages and
/// files: `/files/12`, `#plan`, `?folder=Sent`); they resolve against the page they are shown on,
/// so they reach nothing a reader could not open anyway. A protocol-relative address
/// (`//host/…`) is another site under the page's own scheme, so it goes. Browsers read `\` as
/// `/` and drop tabs and line breaks inside an address, and ignore leading spaces, so
/// `/\host`, `/\t/host` and ` //host` are the same thing and go too.
fn same_site(url: &str) -> Option<Cow<'_, str>> {
    let seen: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take(2)
        .map(|c| if c == '\\' { '/' } else { c })
        .collect();
    if seen == "//" {
        None
    } else {
        Some(Cow::Borrowed(url))
    }
}

/// Plain text made safe to show as HTML: every character that could open markup escaped, line
/// breaks as `<br>`. NetSchool clients render a message's `text` as HTML, so a body written
/// without the HTML option reaches them this way and never as markup.
pub fn plain_to_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if let Some(entity) = sgo_core::text::html_entity(c) {
            out.push_str(entity);
            continue;
        }
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("<br>");
            }
            '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    out
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
    fn links_leave_the_portal_only_by_http_https_or_mailto() {
        for dirty in [
            r#"<a href="//evil.example/x">ссылка</a>"#,
            r#"<a href="/\evil.example/x">ссылка</a>"#,
            r#"<a href="\\evil.example/x">ссылка</a>"#,
            "<a href=\"/\t/evil.example/x\">ссылка</a>",
            "<a href=\" //evil.example/x\">ссылка</a>",
            r#"<img src="//evil.example/track.png">"#,
            r#"<a href="ftp://evil.example/x">ссылка</a>"#,
            r#"<a href="data:text/html,<script>alert(1)</script>">ссылка</a>"#,
        ] {
            let clean = sanitize(dirty);
            assert!(!clean.contains("evil"), "{dirty} → {clean}");
            assert!(!clean.contains("data:"), "{dirty} → {clean}");
        }
        let clean = sanitize(
            r##"<a href="https://school.example.ru/">a</a><a href="http://school.example.ru/">b</a><a href="mailto:school@example.ru">c</a><a href="/files/12">d</a><a href="#plan">e</a><img src="/files/13">"##,
        );
        for kept in [
            r#"href="https://school.example.ru/""#,
            r#"href="http://school.example.ru/""#,
            r#"href="mailto:school@example.ru""#,
            r#"href="/files/12""#,
            r##"href="#plan""##,
            r#"src="/files/13""#,
        ] {
            assert!(clean.contains(kept), "{kept} in {clean}");
        }
    }

    #[test]
    fn plain_text_is_escaped_with_line_breaks() {
        assert_eq!(
            plain_to_html("<img src=x onerror=alert(1)>\r\nИ \"ещё\" & 'то'\n<script>"),
            "&lt;img src=x onerror=alert(1)&gt;<br>И &quot;ещё&quot; &amp; &#39;то&#39;<br>&lt;script&gt;"
        );
    }

    #[test]
    fn text_keeps_lines_and_decodes_entities() {
        assert_eq!(
            to_text("<p>Собрание &amp; концерт</p><p>в&nbsp;18:00 &lt;актовый зал&gt;</p>"),
            "Собрание & концерт\nв 18:00 <актовый зал>"
        );
    }
}
