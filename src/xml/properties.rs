//! Spring property placeholders (`${admin.group}`) in a configuration, and
//! the values that resolve them: `--property KEY=VALUE` and Java
//! `.properties` files, as the broker's `PropertyPlaceholderConfigurer`
//! would read them.
//!
//! Resolution follows Spring's `PropertyPlaceholderHelper`: `${key}` is
//! replaced by the key's value, itself resolved again; `${key:default}`
//! gives `default` when the key has no value; placeholders nest
//! (`${${env}.group}`). A placeholder with no value stays as written and is
//! reported, since the broker would resolve it from properties mqauthz was
//! not given (or refuse to start).

use std::collections::BTreeMap;

/// Values for placeholders, by key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Properties {
    values: BTreeMap<String, String>,
}

/// How deep placeholders may nest or refer to each other; past it the
/// text is left as written (a cycle, as Spring would refuse).
const MAX_DEPTH: usize = 32;

impl Properties {
    /// No values.
    pub fn new() -> Properties {
        Properties::default()
    }

    /// Set `key` to `value` (a later value wins).
    pub fn set(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.values.insert(key.into(), value.into());
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(String::as_str)
    }

    /// Whether no value is set.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Add the entries of a Java `.properties` text (later keys win), read
    /// as `java.util.Properties.load` reads it: `#`/`!` comment lines, `=`,
    /// `:` or white space between key and value, backslash escapes
    /// (`\t`, `\n`, `\uXXXX`, `\=`...) and lines continued by a final odd
    /// backslash.
    pub fn load(&mut self, text: &str) {
        for line in logical_lines(text) {
            let (key, value) = split_entry(&line);
            self.values.insert(unescape(&key), unescape(&value));
        }
    }

    /// Resolve the placeholders in `text`; the keys left without a value
    /// are returned (in order, once each).
    pub fn resolve(&self, text: &str) -> (String, Vec<String>) {
        let mut missing = Vec::new();
        let out = self.resolve_at(text, 0, &mut missing);
        (out, missing)
    }

    fn resolve_at(&self, text: &str, depth: usize, missing: &mut Vec<String>) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let body_at = start + 2;
            let Some(len) = closing(&rest[body_at..]) else {
                // no closing brace: literal text, as Spring leaves it
                out.push_str(&rest[start..]);
                return out;
            };
            let whole = &rest[start..body_at + len + 1];
            let body = &rest[body_at..body_at + len];
            rest = &rest[body_at + len + 1..];
            if depth >= MAX_DEPTH {
                out.push_str(whole);
                continue;
            }
            let body = self.resolve_at(body, depth + 1, missing);
            let (key, default) = match body.split_once(':') {
                Some((k, d)) => (k, Some(d)),
                None => (body.as_str(), None),
            };
            match (self.get(key), default) {
                (Some(v), _) => out.push_str(&self.resolve_at(v, depth + 1, missing)),
                (None, Some(d)) => out.push_str(&self.resolve_at(d, depth + 1, missing)),
                (None, None) => {
                    if !missing.iter().any(|m| m == key) {
                        missing.push(key.to_string());
                    }
                    out.push_str("${");
                    out.push_str(key);
                    out.push('}');
                }
            }
        }
        out.push_str(rest);
        out
    }
}

/// Whether `text` holds a placeholder.
pub fn has_placeholder(text: &str) -> bool {
    text.contains("${")
}

/// The length of a placeholder's body: up to the `}` that closes it,
/// counting nested `${`.
fn closing(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' && bytes.get(i + 1) == Some(&b'{') {
            depth += 1;
            i += 2;
            continue;
        }
        if bytes[i] == b'}' {
            if depth == 0 {
                return Some(i);
            }
            depth -= 1;
        }
        i += 1;
    }
    None
}

fn is_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\x0c')
}

/// The logical lines of a properties text: comments and blank lines
/// dropped, continuation lines joined (leading white space of a
/// continuation dropped), escapes kept for [`unescape`].
fn logical_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for raw in text.split(['\n', '\r']) {
        let line = match current {
            Some(_) => raw.trim_start_matches(is_ws),
            None => {
                let t = raw.trim_start_matches(is_ws);
                if t.is_empty() || t.starts_with('#') || t.starts_with('!') {
                    continue;
                }
                t
            }
        };
        let trailing = line.chars().rev().take_while(|&c| c == '\\').count();
        let (body, continued) = if trailing % 2 == 1 {
            (&line[..line.len() - 1], true)
        } else {
            (line, false)
        };
        let mut acc = current.take().unwrap_or_default();
        acc.push_str(body);
        if continued {
            current = Some(acc);
        } else {
            out.push(acc);
        }
    }
    if let Some(acc) = current {
        out.push(acc);
    }
    out
}

/// Split a logical line into its (still escaped) key and value.
fn split_entry(line: &str) -> (String, String) {
    let mut chars = line.char_indices().peekable();
    let mut key_end = line.len();
    let mut value_start = line.len();
    while let Some((i, c)) = chars.next() {
        if c == '\\' {
            chars.next();
            continue;
        }
        if c == '=' || c == ':' {
            key_end = i;
            value_start = i + 1;
            break;
        }
        if is_ws(c) {
            key_end = i;
            // white space, then at most one `=` or `:`, then white space
            let rest = &line[i..];
            let after_ws = rest.trim_start_matches(is_ws);
            let after_sep = after_ws
                .strip_prefix(['=', ':'])
                .unwrap_or(after_ws)
                .trim_start_matches(is_ws);
            value_start = line.len() - after_sep.len();
            break;
        }
    }
    let value = line[value_start..].trim_start_matches(is_ws);
    (line[..key_end].to_string(), value.to_string())
}

/// Undo the backslash escapes of a properties key or value.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('f') => out.push('\x0c'),
            Some('u') => {
                let hex: String = chars.clone().take(4).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) if hex.len() == 4 => {
                        out.push(ch);
                        for _ in 0..4 {
                            chars.next();
                        }
                    }
                    _ => out.push('u'),
                }
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loaded(text: &str) -> Properties {
        let mut p = Properties::new();
        p.load(text);
        p
    }

    #[test]
    fn java_properties_syntax() {
        let p = loaded(
            "# comment\n! also\n  admin.group = admins\nusers:apps\nkey\\ with\\ space  value\ncont = a, \\\n    b\n\\u0041x=\\u00e9\\t\nempty\ntrail\\\\=x\r\nwin=crlf\r\n",
        );
        assert_eq!(p.get("admin.group"), Some("admins"));
        assert_eq!(p.get("users"), Some("apps"));
        assert_eq!(p.get("key with space"), Some("value"));
        assert_eq!(p.get("cont"), Some("a, b"));
        assert_eq!(p.get("Ax"), Some("\u{e9}\t"));
        assert_eq!(p.get("empty"), Some(""));
        assert_eq!(p.get("trail\\"), Some("x"));
        assert_eq!(p.get("win"), Some("crlf"));
        assert_eq!(p.get("# comment"), None);
    }

    #[test]
    fn resolves_like_spring() {
        let mut p = Properties::new();
        p.set("admin.group", "admins");
        p.set("env", "prod");
        p.set("prod.group", "${admin.group},ops");
        p.set("loop", "${loop}");
        assert_eq!(p.resolve("${admin.group}"), ("admins".into(), vec![]));
        assert_eq!(
            p.resolve("a,${${env}.group}"),
            ("a,admins,ops".into(), vec![])
        );
        assert_eq!(p.resolve("${nope:fallback}"), ("fallback".into(), vec![]));
        assert_eq!(
            p.resolve("${nope}.${nope}"),
            ("${nope}.${nope}".into(), vec!["nope".to_string()])
        );
        assert_eq!(p.resolve("${open"), ("${open".into(), vec![]));
        // a cycle ends, leaving text as written
        let (out, _) = p.resolve("${loop}");
        assert!(out.contains("${loop}"));
    }
}
