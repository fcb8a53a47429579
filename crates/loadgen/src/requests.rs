//! The request file: one JSON object per line,
//! `{"tag": "hot", "method": "GET", "path": "/webapi/…", "headers": {"at": "…"}, "body": "…"}`.
//! Everything but `path` may be left out (tag `all`, method GET, no headers, empty body).

use std::collections::BTreeMap;

use bytes::Bytes;
use hyper::header::{HeaderName, HeaderValue};
use hyper::{Method, Uri};
use serde::Deserialize;

#[derive(Deserialize)]
struct Line {
    #[serde(default = "default_tag")]
    tag: String,
    #[serde(default = "default_method")]
    method: String,
    path: String,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    #[serde(default)]
    body: String,
}

fn default_tag() -> String {
    "all".to_owned()
}

fn default_method() -> String {
    "GET".to_owned()
}

/// A request ready to be sent any number of times: everything is parsed once, so that sending
/// costs only clones of shared bytes.
#[derive(Debug, Clone)]
pub struct Template {
    /// Index into [`Requests::tags`].
    pub tag: usize,
    pub method: Method,
    pub path: Uri,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Bytes,
}

/// The requests of a file and the names of their tags, in order of first appearance.
#[derive(Debug)]
pub struct Requests {
    pub tags: Vec<String>,
    pub lines: Vec<Template>,
}

impl Requests {
    pub fn parse(text: &str) -> Result<Requests, String> {
        let mut tags: Vec<String> = Vec::new();
        let mut lines = Vec::new();
        for (n, raw) in text.lines().enumerate() {
            if raw.trim().is_empty() {
                continue;
            }
            let at = |what: String| format!("line {}: {what}", n + 1);
            let line: Line = serde_json::from_str(raw).map_err(|e| at(e.to_string()))?;
            let tag = match tags.iter().position(|t| *t == line.tag) {
                Some(i) => i,
                None => {
                    tags.push(line.tag.clone());
                    tags.len() - 1
                }
            };
            let method = Method::from_bytes(line.method.as_bytes())
                .map_err(|_| at(format!("bad method {:?}", line.method)))?;
            if !line.path.starts_with('/') {
                return Err(at(format!("the path must start with /: {:?}", line.path)));
            }
            let path: Uri = line
                .path
                .parse()
                .map_err(|e| at(format!("bad path {:?}: {e}", line.path)))?;
            let mut headers = Vec::with_capacity(line.headers.len());
            for (name, value) in &line.headers {
                let name = HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| at(format!("bad header name {name:?}")))?;
                let value = HeaderValue::from_str(value)
                    .map_err(|_| at(format!("bad value of header {name}")))?;
                headers.push((name, value));
            }
            lines.push(Template {
                tag,
                method,
                path,
                headers,
                body: Bytes::from(line.body),
            });
        }
        if lines.is_empty() {
            return Err("the request file has no request".to_owned());
        }
        Ok(Requests { tags, lines })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_read_with_defaults_and_tags_in_order() -> Result<(), String> {
        let text = concat!(
            r#"{"tag": "hot", "path": "/a?x=1", "headers": {"at": "t1"}}"#,
            "\n\n",
            r#"{"tag": "write", "method": "POST", "path": "/b", "body": "v=4"}"#,
            "\n",
            r#"{"path": "/c"}"#,
            "\n",
            r#"{"tag": "hot", "path": "/d"}"#,
        );
        let r = Requests::parse(text)?;
        assert_eq!(r.tags, ["hot", "write", "all"]);
        let tags: Vec<usize> = r.lines.iter().map(|l| l.tag).collect();
        assert_eq!(tags, [0, 1, 2, 0]);
        assert_eq!(r.lines[0].method, Method::GET);
        assert_eq!(r.lines[0].path, "/a?x=1");
        assert_eq!(r.lines[0].headers[0].0, "at");
        assert_eq!(r.lines[1].method, Method::POST);
        assert_eq!(r.lines[1].body, "v=4");
        Ok(())
    }

    #[test]
    fn bad_lines_are_refused_with_their_number() {
        let err = |text: &str| Requests::parse(text).err().unwrap_or_default();
        assert!(err("{\"path\": \"/a\"}\nnot json").starts_with("line 2:"));
        assert!(err(r#"{"path": "http://elsewhere/"}"#).contains("must start with /"));
        assert!(err(r#"{"path": "/a", "headers": {"bad name": "x"}}"#).contains("header"));
        assert!(err("").contains("no request"));
    }
}
