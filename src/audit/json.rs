//! A small JSON reader that keeps where every value and member name is.
//!
//! serde_json gives values but no positions; findings about AWS CLI JSON
//! must name the line of the member they are about. This reader checks the
//! text with serde_json first (for its precise error messages), then walks
//! it once more recording byte spans. Strings are decoded by serde_json, so
//! escapes and surrogate pairs are handled in one place. Depth is bounded
//! like serde_json's.

use crate::source::Span;

/// serde_json refuses deeper nesting than this too.
const MAX_DEPTH: usize = 128;

/// A JSON value with its span in the text.
#[derive(Clone, Debug, PartialEq)]
pub struct JValue {
    pub kind: JKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum JKind {
    Null,
    Bool(bool),
    /// The number as written.
    Number(String),
    String(String),
    Array(Vec<JValue>),
    Object(Vec<JMember>),
}

/// A member of an object: its name, the span of the name and the value.
#[derive(Clone, Debug, PartialEq)]
pub struct JMember {
    pub name: String,
    pub name_span: Span,
    pub value: JValue,
}

impl JMember {
    /// From the member name to the end of its value.
    pub fn span(&self) -> Span {
        self.name_span.join(self.value.span)
    }
}

/// A JSON text that is not valid, with the byte offset of the problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    pub at: usize,
    pub message: String,
}

impl JValue {
    /// The member named `name` in PascalCase (AWS CLI) or camelCase (REST):
    /// `get("BrokerId")` also finds `brokerId`.
    pub fn member(&self, name: &str) -> Option<&JMember> {
        let JKind::Object(members) = &self.kind else {
            return None;
        };
        members
            .iter()
            .find(|m| m.name == name)
            .or_else(|| members.iter().find(|m| is_camel_of(&m.name, name)))
    }

    /// The value of member `name` (see [`JValue::member`]).
    pub fn get(&self, name: &str) -> Option<&JValue> {
        self.member(name).map(|m| &m.value)
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            JKind::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.kind {
            JKind::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// An integer number (`-1`, `61617`); `None` for other values.
    pub fn as_i64(&self) -> Option<i64> {
        match &self.kind {
            JKind::Number(n) => n.parse().ok(),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[JValue]> {
        match &self.kind {
            JKind::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn is_object(&self) -> bool {
        matches!(self.kind, JKind::Object(_))
    }

    /// What the value is, for messages.
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            JKind::Null => "null",
            JKind::Bool(_) => "a boolean",
            JKind::Number(_) => "a number",
            JKind::String(_) => "a string",
            JKind::Array(_) => "an array",
            JKind::Object(_) => "an object",
        }
    }
}

/// `camel` is `pascal` with its first letter lowercased.
fn is_camel_of(camel: &str, pascal: &str) -> bool {
    let mut a = camel.chars();
    let mut b = pascal.chars();
    match (a.next(), b.next()) {
        (Some(x), Some(y)) => x == y.to_ascii_lowercase() && a.as_str() == b.as_str(),
        _ => false,
    }
}

/// Parse `text` (after an optional byte-order mark). Offsets are those of
/// `text`.
pub fn parse(text: &str) -> Result<JValue, JsonError> {
    let base = if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(&text[base..]) {
        return Err(JsonError {
            at: offset_of(text, base, e.line(), e.column()),
            message: e.to_string(),
        });
    }
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        pos: base,
    };
    let v = p.value(0)?;
    p.ws();
    if p.pos < p.bytes.len() {
        return Err(p.err("trailing characters after the JSON value"));
    }
    Ok(v)
}

/// Byte offset of serde_json's 1-based line and column.
fn offset_of(text: &str, base: usize, line: usize, column: usize) -> usize {
    let mut start = base;
    for _ in 1..line.max(1) {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    (start + column.saturating_sub(1)).min(text.len())
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn err(&self, message: &str) -> JsonError {
        JsonError {
            at: self.pos.min(self.bytes.len()),
            message: message.to_string(),
        }
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Result<JValue, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.err("JSON nested too deeply"));
        }
        self.ws();
        let start = self.pos;
        let kind = match self.bytes.get(self.pos) {
            Some(b'{') => {
                self.pos += 1;
                let mut members = Vec::new();
                self.ws();
                if self.bytes.get(self.pos) == Some(&b'}') {
                    self.pos += 1;
                } else {
                    loop {
                        self.ws();
                        let name_start = self.pos;
                        let name = self.string()?;
                        let name_span = Span::new(name_start, self.pos);
                        self.ws();
                        self.expect(b':')?;
                        let value = self.value(depth + 1)?;
                        members.push(JMember {
                            name,
                            name_span,
                            value,
                        });
                        self.ws();
                        match self.bytes.get(self.pos) {
                            Some(b',') => self.pos += 1,
                            Some(b'}') => {
                                self.pos += 1;
                                break;
                            }
                            _ => return Err(self.err("expected `,` or `}`")),
                        }
                    }
                }
                JKind::Object(members)
            }
            Some(b'[') => {
                self.pos += 1;
                let mut items = Vec::new();
                self.ws();
                if self.bytes.get(self.pos) == Some(&b']') {
                    self.pos += 1;
                } else {
                    loop {
                        items.push(self.value(depth + 1)?);
                        self.ws();
                        match self.bytes.get(self.pos) {
                            Some(b',') => self.pos += 1,
                            Some(b']') => {
                                self.pos += 1;
                                break;
                            }
                            _ => return Err(self.err("expected `,` or `]`")),
                        }
                    }
                }
                JKind::Array(items)
            }
            Some(b'"') => JKind::String(self.string()?),
            Some(b't') => self.word("true", JKind::Bool(true))?,
            Some(b'f') => self.word("false", JKind::Bool(false))?,
            Some(b'n') => self.word("null", JKind::Null)?,
            Some(b'-' | b'0'..=b'9') => {
                while let Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') =
                    self.bytes.get(self.pos)
                {
                    self.pos += 1;
                }
                JKind::Number(self.text[start..self.pos].to_string())
            }
            _ => return Err(self.err("expected a JSON value")),
        };
        Ok(JValue {
            kind,
            span: Span::new(start, self.pos),
        })
    }

    fn expect(&mut self, b: u8) -> Result<(), JsonError> {
        if self.bytes.get(self.pos) == Some(&b) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.err(&format!("expected `{}`", b as char)))
        }
    }

    fn word(&mut self, word: &str, kind: JKind) -> Result<JKind, JsonError> {
        if self.text[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(kind)
        } else {
            Err(self.err("expected a JSON value"))
        }
    }

    /// A string literal at `pos`, decoded.
    fn string(&mut self) -> Result<String, JsonError> {
        let start = self.pos;
        self.expect(b'"')?;
        loop {
            match self.bytes.get(self.pos) {
                Some(b'\\') => self.pos += 2,
                Some(b'"') => {
                    self.pos += 1;
                    break;
                }
                Some(_) => self.pos += 1,
                None => return Err(self.err("unterminated string")),
            }
        }
        let raw = self
            .text
            .get(start..self.pos)
            .ok_or_else(|| self.err("unterminated string"))?;
        serde_json::from_str::<String>(raw).map_err(|e| JsonError {
            at: start,
            message: e.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice(text: &str, span: Span) -> &str {
        &text[span.range()]
    }

    #[test]
    fn spans_of_members_and_values() {
        let text =
            "{\n  \"BrokerId\": \"b-1\",\n  \"Logs\": {\"Audit\": false},\n  \"N\": [1, -2.5e3]\n}";
        let v = parse(text).unwrap();
        let id = v.member("BrokerId").unwrap();
        assert_eq!(slice(text, id.name_span), "\"BrokerId\"");
        assert_eq!(slice(text, id.value.span), "\"b-1\"");
        assert_eq!(id.value.as_str(), Some("b-1"));
        let audit = v.get("Logs").unwrap().member("Audit").unwrap();
        assert_eq!(audit.value.as_bool(), Some(false));
        assert_eq!(slice(text, audit.span()), "\"Audit\": false");
        let n = v.get("N").unwrap().as_array().unwrap();
        assert_eq!(n[0].as_i64(), Some(1));
        assert_eq!(slice(text, n[1].span), "-2.5e3");
        assert_eq!(slice(text, v.span), text);
    }

    #[test]
    fn camel_case_members_are_found() {
        let v = parse(r#"{"brokerId": "b", "publiclyAccessible": true}"#).unwrap();
        assert_eq!(v.get("BrokerId").and_then(JValue::as_str), Some("b"));
        assert_eq!(
            v.get("PubliclyAccessible").and_then(JValue::as_bool),
            Some(true)
        );
        assert!(v.get("Brokerid").is_none());
    }

    #[test]
    fn escapes_are_decoded_and_bom_skipped() {
        let text = "\u{feff}{\"a\\\"b\": \"x\\u00e9\\ud83d\\ude00\"}";
        let v = parse(text).unwrap();
        let m = v.member("a\"b").unwrap();
        assert_eq!(m.value.as_str(), Some("xé😀"));
        assert_eq!(slice(text, m.value.span), "\"x\\u00e9\\ud83d\\ude00\"");
    }

    #[test]
    fn errors_have_positions_and_never_panic() {
        let e = parse("{\n  \"a\": 1 2\n}").unwrap_err();
        assert_eq!(e.at, 11, "{e:?}");
        for bad in [
            "",
            "{",
            "[1,]",
            "\"\\",
            "{\"a\" 1}",
            "01",
            "[",
            "nul",
            "\u{feff}",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        let deep = "[".repeat(1000) + &"]".repeat(1000);
        assert!(parse(&deep).is_err());
    }
}
