//! The one scanner of start tags, attributes and references: it checks
//! what quick-xml leaves unchecked (attribute syntax, duplicates, entity
//! references) and keeps every attribute with its byte span.
//!
//! XML whitespace is space, tab, carriage return and line feed, nothing
//! else (XML 1.0, production `S`).

use super::config::Attr;
use super::namespace::split_qname;
use super::parse::{malformed, Locator};
use super::ENTITY_NOT_ALLOWED;
use crate::diagnostics::Diagnostic;
use crate::source::Span;
use std::borrow::Cow;
use std::collections::HashSet;

/// XML whitespace.
#[inline]
pub(super) fn is_xml_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// A problem found while scanning a tag or text.
pub(super) enum ScanError {
    Malformed(usize, String),
    Entity(Span, String),
}

impl ScanError {
    pub(super) fn into_diag(self, loc: &Locator) -> Diagnostic {
        match self {
            ScanError::Malformed(at, m) => malformed(loc, at, m),
            ScanError::Entity(span, name) => {
                let d = Diagnostic::error(
                    ENTITY_NOT_ALLOWED,
                    format!("reference to entity `&{name};`, which is not one of XML's predefined entities"),
                )
                .help("write the character itself or a character reference (`&#x41;`); only `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` are allowed");
                loc.label(d, span, "undefined entity")
            }
        }
    }
}

/// Up to this many attributes, duplicates are found by comparing.
const FEW: usize = 16;

/// Whether the tag being scanned already has an attribute `name` (`attrs`
/// so far): compared in place for a few, through `seen` (filled once the
/// tag has `FEW`) beyond.
fn is_duplicate<'a>(attrs: &[RawAttr<'a>], seen: &mut HashSet<&'a str>, name: &'a str) -> bool {
    if attrs.len() < FEW {
        return attrs.iter().any(|a| a.name == name);
    }
    if attrs.len() == FEW {
        seen.clear();
        seen.extend(attrs.iter().map(|a| a.name));
    }
    !seen.insert(name)
}

/// One attribute of a checked tag, borrowed from the text.
#[derive(Clone, Copy)]
pub(super) struct RawAttr<'a> {
    /// The qualified name.
    pub(super) name: &'a str,
    /// The value between the quotes, undecoded.
    raw: &'a str,
    /// Where the name starts.
    start: usize,
    /// Where the value starts.
    value_start: usize,
}

impl<'a> RawAttr<'a> {
    /// The decoded value; borrowed when decoding changes nothing.
    pub(super) fn value(&self) -> Cow<'a, str> {
        if self
            .raw
            .bytes()
            .any(|b| matches!(b, b'&' | b'\t' | b'\n' | b'\r'))
        {
            // The value was checked when the tag was read.
            Cow::Owned(
                unescape_attr(self.raw, self.value_start).unwrap_or_else(|_| self.raw.to_string()),
            )
        } else {
            Cow::Borrowed(self.raw)
        }
    }

    pub(super) fn to_attr(self) -> Attr {
        let value_end = self.value_start + self.raw.len();
        Attr {
            name: self.name.to_string(),
            local: split_qname(self.name).1.to_string(),
            value: self.value().into_owned(),
            span: Span::new(self.start, value_end + 1),
            value_span: Span::new(self.value_start, value_end),
        }
    }
}

fn is_name_char(c: char) -> bool {
    !(c.is_whitespace()
        || matches!(
            c,
            '<' | '>' | '=' | '"' | '\'' | '/' | '&' | '?' | '!' | ',' | ';'
        ))
}

/// Per byte: 1 when an ASCII byte is a name character ([`is_name_char`]),
/// 2 for the bytes of other characters, 0 otherwise.
static NAME_BYTES: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = if b >= 0x80 {
            2
        } else if matches!(
            b as u8,
            b'\t'
                | b'\n'
                | 0x0B
                | 0x0C
                | b'\r'
                | b' '
                | b'<'
                | b'>'
                | b'='
                | b'"'
                | b'\''
                | b'/'
                | b'&'
                | b'?'
                | b'!'
                | b','
                | b';'
        ) {
            0
        } else {
            1
        };
        b += 1;
    }
    t
};

/// The length of the name at the start of `s`.
#[inline]
fn name_len(s: &str) -> usize {
    name_end(s, 0)
}

/// Where the name starting at byte `i` of `s` ends.
#[inline]
fn name_end(s: &str, mut i: usize) -> usize {
    let bytes = s.as_bytes();
    loop {
        // ASCII name characters first, one table look-up each.
        while i < bytes.len() && NAME_BYTES[usize::from(bytes[i])] == 1 {
            i += 1;
        }
        match bytes.get(i) {
            Some(&b) if NAME_BYTES[usize::from(b)] == 2 => {
                match s.get(i..).and_then(|r| r.chars().next()) {
                    Some(c) if is_name_char(c) => i += c.len_utf8(),
                    _ => return i,
                }
            }
            _ => return i,
        }
    }
}

/// Per byte: 1 for the bytes that end or interrupt an attribute value
/// (either quote, `<`, `&`), 0 otherwise.
static VALUE_STOPS: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b'"' as usize] = 1;
    t[b'\'' as usize] = 1;
    t[b'<' as usize] = 1;
    t[b'&' as usize] = 1;
    t
};

/// Values longer than this are searched with `memchr3`; shorter ones
/// byte by byte, which costs less than setting up the vector search.
const SHORT_VALUE: usize = 32;

/// Check a start tag or empty-element tag `raw` found at byte `at`: its
/// name, and its attributes (put into `attrs`) with their references.
/// `seen` is scratch space for the duplicate check of many attributes.
pub(super) fn scan_tag<'a>(
    raw: &'a str,
    at: usize,
    empty: bool,
    attrs: &mut Vec<RawAttr<'a>>,
    seen: &mut HashSet<&'a str>,
) -> Result<&'a str, ScanError> {
    attrs.clear();
    let inner_end = raw.len().saturating_sub(if empty { 2 } else { 1 });
    let inner = raw.get(1..inner_end).unwrap_or("");
    let off = at + 1;
    let tag_name_end = name_len(inner);
    let name = &inner[..tag_name_end];
    if name.is_empty() || name.starts_with(':') || name.ends_with(':') {
        return Err(ScanError::Malformed(
            at,
            "a tag without a valid name".into(),
        ));
    }
    let bytes = inner.as_bytes();
    let mut i = tag_name_end;
    loop {
        let ws_start = i;
        while i < bytes.len() && is_xml_space(bytes[i]) {
            i += 1;
        }
        if i >= bytes.len() {
            break;
        }
        if i == ws_start {
            return Err(ScanError::Malformed(
                off + i,
                "attributes must be separated by whitespace".into(),
            ));
        }
        let a_start = i;
        i = name_end(inner, i);
        let a_name = &inner[a_start..i];
        if a_name.is_empty() {
            return Err(ScanError::Malformed(
                off + i,
                "expected an attribute name".into(),
            ));
        }
        while i < bytes.len() && is_xml_space(bytes[i]) {
            i += 1;
        }
        if i >= bytes.len() || bytes[i] != b'=' {
            return Err(ScanError::Malformed(
                off + i,
                format!("attribute `{a_name}` has no value"),
            ));
        }
        i += 1;
        while i < bytes.len() && is_xml_space(bytes[i]) {
            i += 1;
        }
        let quote = match bytes.get(i) {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => {
                return Err(ScanError::Malformed(
                    off + i,
                    format!("the value of attribute `{a_name}` is not quoted"),
                ))
            }
        };
        i += 1;
        let v_start = i;
        let mut refs = false;
        // Short values byte by byte; the rest of a long one with memchr3.
        let short_end = bytes.len().min(i + SHORT_VALUE);
        let value_end = loop {
            while i < short_end && VALUE_STOPS[usize::from(bytes[i])] == 0 {
                i += 1;
            }
            if i < short_end {
                match bytes[i] {
                    b'<' => {
                        return Err(ScanError::Malformed(
                            off + i,
                            "`<` inside an attribute value".into(),
                        ))
                    }
                    b'&' => refs = true,
                    q if q == quote => break i,
                    _ => {}
                }
                i += 1;
                continue;
            }
            match memchr::memchr3(quote, b'<', b'&', &bytes[i..]) {
                None => {
                    return Err(ScanError::Malformed(
                        off + v_start,
                        format!("the value of attribute `{a_name}` is not closed"),
                    ))
                }
                Some(n) if bytes[i + n] == quote => break i + n,
                Some(n) if bytes[i + n] == b'<' => {
                    return Err(ScanError::Malformed(
                        off + i + n,
                        "`<` inside an attribute value".into(),
                    ))
                }
                Some(n) => {
                    refs = true;
                    i += n + 1;
                }
            }
        };
        let raw_value = &inner[v_start..value_end];
        i = value_end + 1;
        if refs {
            check_refs(raw_value, off + v_start)?;
        }
        let duplicate = is_duplicate(attrs, seen, a_name);
        if duplicate {
            return Err(ScanError::Malformed(
                off + a_start,
                format!("attribute `{a_name}` appears twice"),
            ));
        }
        attrs.push(RawAttr {
            name: a_name,
            raw: raw_value,
            start: off + a_start,
            value_start: off + v_start,
        });
    }
    Ok(name)
}

/// Decode one reference starting at `&` (index `i` of `s`): the character
/// and the length of the reference.
fn decode_ref(s: &str, i: usize, at: usize) -> Result<(char, usize), ScanError> {
    let rest = &s[i + 1..];
    let Some(semi) = rest.find(';').filter(|&n| n <= 40) else {
        return Err(ScanError::Malformed(
            at + i,
            "`&` must start a reference such as `&amp;`".into(),
        ));
    };
    let name = &rest[..semi];
    let len = semi + 2;
    let c = match name {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "quot" => '"',
        "apos" => '\'',
        _ => {
            if let Some(num) = name.strip_prefix('#') {
                let n = if let Some(hex) = num.strip_prefix('x') {
                    u32::from_str_radix(hex, 16).ok()
                } else {
                    num.parse::<u32>().ok()
                };
                match n.filter(|&n| n != 0).and_then(char::from_u32) {
                    Some(c) if !num.starts_with('+') && !num.starts_with("x+") => c,
                    _ => {
                        return Err(ScanError::Malformed(
                            at + i,
                            format!("`&{name};` is not a valid character reference"),
                        ))
                    }
                }
            } else if !name.is_empty() && name.chars().all(is_name_char) {
                return Err(ScanError::Entity(
                    Span::new(at + i, at + i + len),
                    name.to_string(),
                ));
            } else {
                return Err(ScanError::Malformed(
                    at + i,
                    "`&` must start a reference such as `&amp;`".into(),
                ));
            }
        }
    };
    Ok((c, len))
}

/// Decode an attribute value as an XML parser does: references replaced,
/// literal tabs and line ends turned into spaces.
fn unescape_attr(raw: &str, at: usize) -> Result<String, ScanError> {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '&' => {
                let (ch, len) = decode_ref(raw, i, at)?;
                out.push(ch);
                while chars.peek().is_some_and(|&(j, _)| j < i + len) {
                    chars.next();
                }
            }
            '\r' => {
                if chars.peek().is_some_and(|&(_, n)| n == '\n') {
                    chars.next();
                }
                out.push(' ');
            }
            '\n' | '\t' => out.push(' '),
            _ => out.push(c),
        }
    }
    Ok(out)
}

/// Decode the references of character data.
pub(super) fn unescape_text(raw: &str, at: usize) -> Result<String, ScanError> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = 0;
    for i in memchr::memchr_iter(b'&', raw.as_bytes()) {
        if i < rest {
            continue;
        }
        let (c, len) = decode_ref(raw, i, at)?;
        out.push_str(&raw[rest..i]);
        out.push(c);
        rest = i + len;
    }
    out.push_str(&raw[rest..]);
    Ok(out)
}

/// Check the references in character data (or an attribute value).
pub(super) fn check_refs(raw: &str, at: usize) -> Result<(), ScanError> {
    for i in memchr::memchr_iter(b'&', raw.as_bytes()) {
        decode_ref(raw, i, at)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_bytes_match_name_chars() {
        for b in 0u8..0x80 {
            assert_eq!(
                NAME_BYTES[usize::from(b)] == 1,
                is_name_char(char::from(b)),
                "{b}"
            );
        }
        assert_eq!(name_len("a\u{a0}b"), 1);
        assert_eq!(name_len("ä:b c"), 4);
        assert_eq!(name_len("producerFlowControl=\"1\""), 19);
        assert_eq!(name_len("abcdefgh"), 8);
        assert_eq!(name_len("abcdefghä i"), 10);
    }
}
