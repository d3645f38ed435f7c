//! JSON with positions: AWS CLI output read into a tree whose every value
//! and member name keeps its byte span, so findings point at the line of
//! the member they are about.
//!
//! The text is first checked by `serde_json` (whose error gives the line and
//! column of a syntax error); the tree is then built by a small scanner over
//! text known to be well-formed.

use crate::source::Span;

/// A JSON value and the span of its text.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub span: Span,
    pub value: Value,
}

/// The value of a [`Node`].
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// A number as written.
    Number(String),
    String(String),
    Array(Vec<Node>),
    Object(Vec<Member>),
}

/// A member of an object.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub name: String,
    /// Span of the member name (with its quotes).
    pub name_span: Span,
    pub value: Node,
}

impl Member {
    /// From the name to the end of the value.
    pub fn span(&self) -> Span {
        self.name_span.join(self.value.span)
    }
}

/// Whether two member names are the same for AWS output: the CLI writes
/// PascalCase (`BrokerId`), the REST API camelCase (`brokerId`).
pub fn same_name(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

impl Node {
    /// The member called `name` (PascalCase or camelCase) of an object.
    pub fn member(&self, name: &str) -> Option<&Member> {
        match &self.value {
            Value::Object(members) => members.iter().find(|m| same_name(&m.name, name)),
            _ => None,
        }
    }

    /// The value of member `name` of an object.
    pub fn get(&self, name: &str) -> Option<&Node> {
        self.member(name).map(|m| &m.value)
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// A number as written, when it is one.
    pub fn as_number(&self) -> Option<&str> {
        match &self.value {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[Member]> {
        match &self.value {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }

    pub fn is_object(&self) -> bool {
        matches!(self.value, Value::Object(_))
    }

    /// What kind of value this is, for messages.
    pub fn kind(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }
}

/// A JSON syntax error: where, and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
}

/// Parse a JSON text (a leading byte-order mark is skipped).
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let start = if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(&text[start..]) {
        let at = start + offset_of(&text[start..], e.line(), e.column());
        let message = e.to_string();
        // serde_json appends " at line L column C"; the location is shown
        // by the renderer
        let message = match message.rfind(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        };
        return Err(SyntaxError {
            span: Span::new(at, (at + 1).min(text.len()).max(at)),
            message,
        });
    }
    let mut scanner = Scanner {
        text,
        bytes: text.as_bytes(),
        pos: start,
        depth: 0,
        too_deep: None,
    };
    let node = scanner.value();
    if let Some(at) = scanner.too_deep {
        return Err(SyntaxError {
            span: Span::new(at, at + 1),
            message: format!("the document is nested more than {MAX_DEPTH} levels deep"),
        });
    }
    node.ok_or_else(|| SyntaxError {
        span: Span::new(start, start),
        message: "not a JSON document".to_string(),
    })
}

/// How deep arrays and objects may nest (as serde_json allows).
const MAX_DEPTH: usize = 128;

/// Byte offset of a 1-based line and column (serde_json counts columns in
/// bytes; column 0 means the end of the previous line).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let at = offset + column.saturating_sub(1).min(l.len());
            let mut at = at.min(text.len());
            while at > 0 && !text.is_char_boundary(at) {
                at -= 1;
            }
            return at;
        }
        offset += l.len();
    }
    text.len()
}

struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// Arrays and objects open at `pos`.
    depth: usize,
    /// Where nesting went past [`MAX_DEPTH`].
    too_deep: Option<usize>,
}

impl Scanner<'_> {
    fn skip_ws(&mut self) {
        while self
            .bytes
            .get(self.pos)
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.pos += 1;
        }
    }

    fn value(&mut self) -> Option<Node> {
        self.skip_ws();
        let start = self.pos;
        if matches!(self.bytes.get(start), Some(b'{' | b'[')) {
            if self.depth >= MAX_DEPTH {
                self.too_deep = Some(start);
                return None;
            }
            self.depth += 1;
            let node = self.container(start);
            self.depth -= 1;
            return node;
        }
        self.scalar(start)
    }

    fn container(&mut self, start: usize) -> Option<Node> {
        let value = match self.bytes.get(self.pos)? {
            b'{' => {
                self.pos += 1;
                let mut members = Vec::new();
                loop {
                    self.skip_ws();
                    match self.bytes.get(self.pos)? {
                        b'}' => {
                            self.pos += 1;
                            break;
                        }
                        b',' => {
                            self.pos += 1;
                            continue;
                        }
                        _ => {}
                    }
                    let name_start = self.pos;
                    let name = self.string()?;
                    let name_span = Span::new(name_start, self.pos);
                    self.skip_ws();
                    if self.bytes.get(self.pos) != Some(&b':') {
                        return None;
                    }
                    self.pos += 1;
                    let value = self.value()?;
                    members.push(Member {
                        name,
                        name_span,
                        value,
                    });
                }
                Value::Object(members)
            }
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_ws();
                    match self.bytes.get(self.pos)? {
                        b']' => {
                            self.pos += 1;
                            break;
                        }
                        b',' => {
                            self.pos += 1;
                            continue;
                        }
                        _ => {}
                    }
                    items.push(self.value()?);
                }
                Value::Array(items)
            }
            _ => return self.scalar(start),
        };
        Some(Node {
            span: Span::new(start, self.pos),
            value,
        })
    }

    fn scalar(&mut self, start: usize) -> Option<Node> {
        let value =
            match self.bytes.get(self.pos)? {
                b'"' => Value::String(self.string()?),
                b't' => {
                    self.pos += 4;
                    Value::Bool(true)
                }
                b'f' => {
                    self.pos += 5;
                    Value::Bool(false)
                }
                b'n' => {
                    self.pos += 4;
                    Value::Null
                }
                _ => {
                    while self.bytes.get(self.pos).is_some_and(|b| {
                        matches!(b, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                    }) {
                        self.pos += 1;
                    }
                    Value::Number(self.text.get(start..self.pos)?.to_string())
                }
            };
        Some(Node {
            span: Span::new(start, self.pos),
            value,
        })
    }

    /// A string literal at `pos`, decoded.
    fn string(&mut self) -> Option<String> {
        let start = self.pos;
        if self.bytes.get(start) != Some(&b'"') {
            return None;
        }
        let mut i = start + 1;
        while i < self.bytes.len() {
            match self.bytes[i] {
                b'\\' => i += 2,
                b'"' => break,
                _ => i += 1,
            }
        }
        self.pos = (i + 1).min(self.bytes.len());
        serde_json::from_str(self.text.get(start..self.pos)?).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_keep_their_spans() {
        let text =
            "{\n  \"BrokerId\": \"b-1\",\n  \"Logs\": {\"Audit\": false},\n  \"N\": [1, -2.5e3]\n}";
        let doc = parse(text).expect("parses");
        let id = doc.member("brokerId").expect("member");
        assert_eq!(&text[id.name_span.range()], "\"BrokerId\"");
        assert_eq!(&text[id.value.span.range()], "\"b-1\"");
        assert_eq!(id.value.as_str(), Some("b-1"));
        let audit = doc.get("Logs").and_then(|l| l.get("Audit")).expect("audit");
        assert_eq!(audit.as_bool(), Some(false));
        let n = doc.get("N").and_then(Node::as_array).expect("array");
        assert_eq!(n[1].as_number(), Some("-2.5e3"));
    }

    #[test]
    fn escapes_are_decoded() {
        let doc = parse(r#"{"a\u0041": "x\"y\n"}"#).expect("parses");
        assert_eq!(doc.get("aA").and_then(Node::as_str), Some("x\"y\n"));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let e = parse(&text).expect_err("too deep");
        assert!(e.message.contains("nested"), "{}", e.message);
        let ok = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn syntax_errors_are_located() {
        let text = "{\n  \"a\": 1,\n  \"b\" 2\n}";
        let e = parse(text).expect_err("malformed");
        assert_eq!(&text[e.span.start as usize..], "2\n}");
        assert!(e.message.contains("expected `:`"), "{}", e.message);
        assert!(parse("\u{feff}[]").is_ok());
        assert!(parse("").is_err());
    }
}
