//! Passwords are never printed: the line of a source snippet is shown with
//! every password value replaced by `***`. The source text itself is never
//! changed (a merge copies it byte for byte); only what is rendered is.
//!
//! Masked: an XML attribute or JSON member whose name holds `password`
//! (`password="..."`, `keyStorePassword='...'`, `"Password": "..."`), a
//! Spring `<property name="...password..." value="..."/>`, a properties line
//! whose key holds `password` (`activemq.password=manager`), and every value
//! of a file that is all credentials (`users.properties`,
//! `jetty-realm.properties`, `jmx.password`). A `${...}` placeholder names
//! no password and stays visible.

use std::borrow::Cow;

/// What replaces a password.
pub const MASK: &str = "***";

/// A line as shown, and how its byte offsets moved.
#[derive(Debug)]
pub struct Masked<'a> {
    text: Cow<'a, str>,
    /// Replaced byte ranges of the original line, in order.
    edits: Vec<(usize, usize)>,
}

impl Masked<'_> {
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The offset in the shown line of byte `offset` of the original line;
    /// an offset inside a password moves to the mask's start (or, with
    /// `end`, to its end).
    pub fn map(&self, offset: usize, end: bool) -> usize {
        let mut shift: isize = 0;
        for &(start, stop) in &self.edits {
            if offset < start || (offset == start && !end) {
                break;
            }
            let moved = |o: usize| o.saturating_add_signed(shift);
            if offset < stop || (end && offset == stop) {
                return if end && offset > start {
                    moved(start) + MASK.len()
                } else {
                    moved(start)
                };
            }
            shift += MASK.len() as isize - (stop - start) as isize;
        }
        offset.saturating_add_signed(shift)
    }
}

/// Mask the passwords of one line of the file named `file`.
pub fn line<'a>(file: &str, line: &'a str) -> Masked<'a> {
    let mut edits = value_ranges(line);
    if let Some(range) = credentials_file_value(file, line) {
        edits.push(range);
    }
    edits.sort_unstable();
    edits.dedup();
    // overlapping ranges: keep the first
    let mut kept: Vec<(usize, usize)> = Vec::with_capacity(edits.len());
    for e in edits {
        if kept.last().is_none_or(|last| e.0 >= last.1) && e.0 < e.1 {
            kept.push(e);
        }
    }
    if kept.is_empty() {
        return Masked {
            text: Cow::Borrowed(line),
            edits: kept,
        };
    }
    let mut out = String::with_capacity(line.len());
    let mut at = 0;
    for &(start, stop) in &kept {
        out.push_str(&line[at..start]);
        out.push_str(MASK);
        at = stop;
    }
    out.push_str(&line[at..]);
    Masked {
        text: Cow::Owned(out),
        edits: kept,
    }
}

/// Mask every line of a text (a diff of a configuration, say).
pub fn text(file: &str, text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for piece in text.split_inclusive('\n') {
        let body = piece.trim_end_matches(['\n', '\r']);
        out.push_str(line(file, body).text());
        out.push_str(&piece[body.len()..]);
    }
    out
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':')
}

fn skip_space(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// A value that starts at `i` (after `=` or `:`): quoted, up to its closing
/// quote; else (properties) up to the end of the line.
fn value_at(line: &str, i: usize, json: bool) -> Option<(usize, usize)> {
    let bytes = line.as_bytes();
    let quote = *bytes.get(i)?;
    let (start, stop) = if quote == b'"' || quote == b'\'' {
        let mut j = i + 1;
        while j < bytes.len() && bytes[j] != quote {
            // JSON escapes a quote with a backslash
            j += if json && bytes[j] == b'\\' { 2 } else { 1 };
        }
        (i + 1, j.min(bytes.len()))
    } else {
        (i, line.trim_end().len().max(i))
    };
    let value = &line[start..stop];
    if value.is_empty() || (value.starts_with("${") && value.ends_with('}')) {
        return None;
    }
    Some((start, stop))
}

/// Byte ranges of password values named by a key that holds `password`.
fn value_ranges(line: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let lower = line.to_ascii_lowercase();
    let bytes = line.as_bytes();
    let mut from = 0;
    while let Some(found) = lower[from..].find("password") {
        let at = from + found;
        from = at + "password".len();
        // the rest of the name
        let mut i = from;
        while i < bytes.len() && is_name_byte(bytes[i]) && bytes[i] != b':' {
            i += 1;
        }
        // a quoted name: JSON `"password": ...`, Spring `name="password"`
        let quoted = matches!(bytes.get(i), Some(b'"') | Some(b'\''));
        if quoted {
            i += 1;
        }
        let j = skip_space(bytes, i);
        match bytes.get(j) {
            Some(b'=') | Some(b':') => {
                let json = bytes[j] == b':' && quoted;
                if let Some(range) = value_at(line, skip_space(bytes, j + 1), json) {
                    from = range.1;
                    out.push(range);
                }
            }
            // `<property name="...password..." value="..."/>`
            _ if quoted && lower[j..].starts_with("value") => {
                let k = skip_space(bytes, j + "value".len());
                if bytes.get(k) == Some(&b'=') {
                    if let Some(range) = value_at(line, skip_space(bytes, k + 1), false) {
                        from = range.1;
                        out.push(range);
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// In a file that is all credentials, the password of a line:
/// `user=password` (users.properties), `user: password, role...`
/// (jetty-realm.properties), `user password` (jmx.password).
fn credentials_file_value(file: &str, line: &str) -> Option<(usize, usize)> {
    let base = file
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(file)
        .to_ascii_lowercase();
    let trimmed = line.trim_start();
    if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with('!') {
        return None;
    }
    let bytes = line.as_bytes();
    let (sep, until_comma) = if base.ends_with("users.properties") {
        (line.find(['=', ':'])?, false)
    } else if base.ends_with("realm.properties") {
        (line.find(['=', ':'])?, true)
    } else if base.ends_with(".password") {
        let start = line.len() - trimmed.len();
        (start + trimmed.find(char::is_whitespace)?, false)
    } else {
        return None;
    };
    let start = skip_space(bytes, sep + 1);
    let mut stop = line.trim_end().len();
    if until_comma {
        if let Some(comma) = line[start..].find(',') {
            stop = start + line[start..start + comma].trim_end().len();
        }
    }
    (start < stop).then_some((start, stop))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(file: &str, l: &str) -> String {
        line(file, l).text().to_string()
    }

    #[test]
    fn xml_attributes() {
        assert_eq!(
            shown(
                "activemq.xml",
                r#"<authenticationUser username="app" password="s3cret" groups="apps"/>"#
            ),
            r#"<authenticationUser username="app" password="***" groups="apps"/>"#
        );
        assert_eq!(
            shown(
                "a.xml",
                "<sslContext keyStorePassword = 'pw' trustStorePassword=\"x\"/>"
            ),
            "<sslContext keyStorePassword = '***' trustStorePassword=\"***\"/>"
        );
        // a placeholder is no password
        let l = r#"<authenticationUser username="admin" password="${activemq.password}"/>"#;
        assert_eq!(shown("a.xml", l), l);
        assert_eq!(
            shown("a.xml", r#"<property name="password" value="hunter2"/>"#),
            r#"<property name="password" value="***"/>"#
        );
        // no password: untouched, not copied
        assert!(matches!(line("a.xml", "<broker/>").text, Cow::Borrowed(_)));
    }

    #[test]
    fn json_members_and_properties() {
        assert_eq!(
            shown("c.json", r#"  "Password": "a\"b", "Username": "u""#),
            r#"  "Password": "***", "Username": "u""#
        );
        assert_eq!(
            shown("credentials.properties", "activemq.password=manager"),
            "activemq.password=***"
        );
        assert_eq!(
            shown("credentials.properties", "activemq.username=system"),
            "activemq.username=system"
        );
        assert_eq!(shown("conf/users.properties", "admin=admin"), "admin=***");
        assert_eq!(
            shown("conf/users.properties", "# admin=admin"),
            "# admin=admin"
        );
        assert_eq!(
            shown("jetty-realm.properties", "admin: admin, admin"),
            "admin: ***, admin"
        );
        assert_eq!(shown("jmx.password", "admin activemq"), "admin ***");
    }

    #[test]
    fn offsets_follow_the_mask() {
        let l = r#"<u username="app" password="s3cret" groups="apps"/>"#;
        let m = line("a.xml", l);
        let value = l.find("s3cret").expect("value");
        let groups = l.find("groups").expect("groups");
        assert_eq!(m.map(value, false), value);
        assert_eq!(m.map(value + 2, false), value);
        assert_eq!(m.map(value + 6, true), value + 3);
        assert_eq!(m.map(groups, false), groups - 3);
        assert_eq!(&m.text()[m.map(groups, false)..][..6], "groups");
        assert_eq!(m.map(3, false), 3);
    }
}
