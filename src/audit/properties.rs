//! Java `.properties` files as `java.util.Properties.load` reads them, with
//! the span of every key and value: `users.properties`, `groups.properties`,
//! `jetty-realm.properties`, `credentials.properties`, and `jmx.password`
//! (whose lines are `user password`, a white-space separator).

use crate::source::Span;

/// Which file a properties input is, told by its file name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PropertiesKind {
    /// JAAS `users.properties` (`user=password`); any `*users*.properties`.
    Users,
    /// JAAS `groups.properties` (`group=user1,user2`); any `*groups*.properties`.
    Groups,
    /// The console's `jetty-realm.properties` (`user: password, role...`).
    JettyRealm,
    /// `credentials.properties` (`activemq.password=...`).
    Credentials,
    /// `jmx.password` (`user password`).
    JmxPassword,
}

impl PropertiesKind {
    /// The kind of a file by its name (the last path component), if any.
    pub fn of_file_name(name: &str) -> Option<PropertiesKind> {
        let lower = name.to_ascii_lowercase();
        if lower == "jmx.password" {
            return Some(PropertiesKind::JmxPassword);
        }
        let stem = lower.strip_suffix(".properties")?;
        Some(if stem == "jetty-realm" {
            PropertiesKind::JettyRealm
        } else if stem == "credentials" {
            PropertiesKind::Credentials
        } else if stem.contains("groups") {
            PropertiesKind::Groups
        } else if stem.contains("users") {
            PropertiesKind::Users
        } else {
            return None;
        })
    }

    /// How the kind reads in messages.
    pub fn describe(self) -> &'static str {
        match self {
            PropertiesKind::Users => "JAAS users file",
            PropertiesKind::Groups => "JAAS groups file",
            PropertiesKind::JettyRealm => "console realm file",
            PropertiesKind::Credentials => "credentials file",
            PropertiesKind::JmxPassword => "JMX password file",
        }
    }

    /// Whether the values of this file are (or start with) passwords.
    fn values_are_passwords(self) -> bool {
        matches!(
            self,
            PropertiesKind::Users | PropertiesKind::JettyRealm | PropertiesKind::JmxPassword
        )
    }
}

/// One `key=value` of a properties file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Property {
    pub key: String,
    pub value: String,
    pub key_span: Span,
    /// The value as written (continuation lines included).
    pub value_span: Span,
    /// The whole logical line.
    pub span: Span,
}

/// A malformed escape, where Java's loader throws.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PropertiesError {
    pub span: Span,
    pub message: String,
}

/// Read every property in file order (a repeated key appears twice; Java
/// keeps the last).
pub fn parse(text: &str) -> Result<Vec<Property>, PropertiesError> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = if text.starts_with('\u{feff}') { 3 } else { 0 };
    while i < b.len() {
        // skip leading white space of a natural line
        while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\x0c') {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        if matches!(b[i], b'\n' | b'\r') {
            i += 1;
            continue;
        }
        if matches!(b[i], b'#' | b'!') {
            while i < b.len() && !matches!(b[i], b'\n' | b'\r') {
                i += 1;
            }
            continue;
        }
        // a logical line: natural lines joined while one ends in an odd
        // number of backslashes
        let start = i;
        let mut end = i;
        loop {
            let mut j = end;
            while j < b.len() && !matches!(b[j], b'\n' | b'\r') {
                j += 1;
            }
            let backslashes = b[end..j].iter().rev().take_while(|&&c| c == b'\\').count();
            end = j;
            if backslashes % 2 == 1 && j < b.len() {
                // skip the line end and the next line's leading white space
                if b[j] == b'\r' && b.get(j + 1) == Some(&b'\n') {
                    end += 2;
                } else {
                    end += 1;
                }
                while end < b.len() && matches!(b[end], b' ' | b'\t' | b'\x0c') {
                    end += 1;
                }
                continue;
            }
            break;
        }
        out.push(logical_line(text, start, end)?);
        i = end;
    }
    Ok(out)
}

/// Split one logical line `text[start..end]` into key and value.
fn logical_line(text: &str, start: usize, end: usize) -> Result<Property, PropertiesError> {
    let b = text.as_bytes();
    let mut k = start;
    let mut escaped = false;
    while k < end {
        let c = b[k];
        if escaped {
            escaped = false;
        } else if c == b'\\' {
            escaped = true;
        } else if matches!(c, b'=' | b':' | b' ' | b'\t' | b'\x0c') {
            break;
        }
        k += 1;
    }
    let key_end = k;
    // the separator: white space, then at most one `=` or `:`, then white space
    while k < end && matches!(b[k], b' ' | b'\t' | b'\x0c') {
        k += 1;
    }
    if k < end && matches!(b[k], b'=' | b':') {
        k += 1;
    }
    while k < end && matches!(b[k], b' ' | b'\t' | b'\x0c') {
        k += 1;
    }
    let key = unescape(text, start, key_end)?;
    let value = unescape(text, k, end)?;
    Ok(Property {
        key,
        value,
        key_span: Span::new(start, key_end),
        value_span: Span::new(k, end),
        span: Span::new(start, end),
    })
}

/// Decode escapes and continuation lines of `text[from..to]`.
fn unescape(text: &str, from: usize, to: usize) -> Result<String, PropertiesError> {
    let part = &text[from..to];
    let mut out = String::with_capacity(part.len());
    let mut chars = part.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some((_, e)) = chars.next() else { break };
        match e {
            't' => out.push('\t'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            'f' => out.push('\x0c'),
            'u' => {
                let hex: String = (0..4)
                    .filter_map(|_| chars.next().map(|(_, h)| h))
                    .collect();
                let code = u32::from_str_radix(&hex, 16)
                    .ok()
                    .filter(|_| hex.len() == 4 && hex.chars().all(|h| h.is_ascii_hexdigit()));
                match code.and_then(char::from_u32) {
                    Some(ch) => out.push(ch),
                    None if code.is_some() => out.push('\u{fffd}'),
                    None => {
                        return Err(PropertiesError {
                            span: Span::new(from + i, from + i + 2 + hex.len()),
                            message:
                                "malformed `\\uxxxx` escape: four hexadecimal digits are needed"
                                    .into(),
                        })
                    }
                }
            }
            '\r' | '\n' => {
                // a continuation: the line end and the next line's indentation
                if e == '\r' && chars.peek().is_some_and(|(_, n)| *n == '\n') {
                    chars.next();
                }
                while chars
                    .peek()
                    .is_some_and(|(_, n)| matches!(n, ' ' | '\t' | '\x0c'))
                {
                    chars.next();
                }
            }
            other => out.push(other),
        }
    }
    Ok(out)
}

/// The spans of the passwords of a properties file of `kind`: the whole
/// value in `users.properties` and `jmx.password`, the part before the first
/// comma in `jetty-realm.properties`, the values of `*.password` keys in
/// `credentials.properties`.
pub fn password_spans(kind: PropertiesKind, props: &[Property]) -> Vec<Span> {
    let mut out = Vec::new();
    for p in props {
        if p.value_span.is_empty() {
            continue;
        }
        let span = match kind {
            PropertiesKind::JettyRealm => {
                let len = p.value.find(',').unwrap_or(p.value.len());
                // the raw text up to the first comma (escapes are rare here)
                let raw_len = len.min(p.value_span.range().len());
                Span::new(
                    p.value_span.start as usize,
                    p.value_span.start as usize + raw_len,
                )
            }
            PropertiesKind::Credentials if p.key.to_ascii_lowercase().ends_with("password") => {
                p.value_span
            }
            k if k.values_are_passwords() => p.value_span,
            _ => continue,
        };
        if !span.is_empty() {
            out.push(span);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_properties() {
        let text = "# c\n! c\nadmin=admin\n  user : pass word \nkey\\ one=v\\\n   two\njmx activemq\nempty\n";
        let p = parse(text).expect("parses");
        let kv: Vec<(&str, &str)> = p
            .iter()
            .map(|p| (p.key.as_str(), p.value.as_str()))
            .collect();
        assert_eq!(
            kv,
            [
                ("admin", "admin"),
                ("user", "pass word "),
                ("key one", "vtwo"),
                ("jmx", "activemq"),
                ("empty", ""),
            ]
        );
        assert_eq!(&text[p[1].key_span.range()], "user");
        assert_eq!(&text[p[2].span.range()], "key\\ one=v\\\n   two");
    }

    #[test]
    fn bad_unicode_escape_is_located() {
        let text = "a=\\u12G4\n";
        let e = parse(text).expect_err("malformed");
        assert_eq!(e.span.start, 2);
        assert_eq!(parse("a=\\u0041").expect("ok")[0].value, "A");
    }

    #[test]
    fn kinds_by_file_name() {
        use PropertiesKind::*;
        assert_eq!(
            PropertiesKind::of_file_name("users.properties"),
            Some(Users)
        );
        assert_eq!(
            PropertiesKind::of_file_name("login-groups.properties"),
            Some(Groups)
        );
        assert_eq!(
            PropertiesKind::of_file_name("jetty-realm.properties"),
            Some(JettyRealm)
        );
        assert_eq!(
            PropertiesKind::of_file_name("credentials.properties"),
            Some(Credentials)
        );
        assert_eq!(
            PropertiesKind::of_file_name("jmx.password"),
            Some(JmxPassword)
        );
        assert_eq!(PropertiesKind::of_file_name("log4j2.properties"), None);
        assert_eq!(PropertiesKind::of_file_name("jmx.access"), None);
    }

    #[test]
    fn password_spans_by_kind() {
        let text = "admin: secret, admin\n";
        let p = parse(text).expect("parses");
        let spans = password_spans(PropertiesKind::JettyRealm, &p);
        assert_eq!(&text[spans[0].range()], "secret");
        let text = "activemq.username=system\nactivemq.password=manager\n";
        let p = parse(text).expect("parses");
        let spans = password_spans(PropertiesKind::Credentials, &p);
        assert_eq!(spans.len(), 1);
        assert_eq!(&text[spans[0].range()], "manager");
    }
}
