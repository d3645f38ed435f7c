//! Rendering an [`AuthzMap`] as an `<authorizationPlugin>` XML fragment.
//!
//! The output is deterministic: entries in the order given, attributes in a
//! fixed order (`queue`|`topic`, `read`, `write`, `admin`, `groupClass`),
//! empty attributes left out, every value escaped.

use crate::semantics::{Acl, AuthzMap};
use std::fmt::Write as _;

/// How to lay the fragment out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmitOptions {
    /// Text of a comment placed first inside `<authorizationPlugin>`.
    pub header_comment: Option<String>,
    /// One level of indentation.
    pub indent_unit: String,
    /// Indentation of the `<authorizationPlugin>` element itself; every
    /// line of the fragment starts with it.
    pub base_indent: String,
    /// Namespace prefix for every element (`amq` gives `<amq:map>`).
    pub prefix: Option<String>,
    /// Line end after every line, the last one included.
    pub line_end: &'static str,
}

impl Default for EmitOptions {
    fn default() -> EmitOptions {
        EmitOptions {
            header_comment: None,
            indent_unit: "  ".to_string(),
            base_indent: String::new(),
            prefix: None,
            line_end: "\n",
        }
    }
}

#[cfg(test)]
/// Escape an attribute value for a double-quoted attribute: `&`, `<`, `"`
/// and every control character become references. `>` and `'` stay as they
/// are (both are legal there), so `queue="ORDERS.>"` reads as written.
pub(crate) fn escape_attr(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    escape_attr_into(&mut out, value);
    out
}

/// [`escape_attr`], appending to `out`.
pub(crate) fn escape_attr_into(out: &mut String, value: &str) {
    // Printable ASCII other than `&`, `<` and `"` is written as it is.
    if value
        .bytes()
        .all(|b| (0x20..0x7f).contains(&b) && !matches!(b, b'&' | b'<' | b'"'))
    {
        out.push_str(value);
        return;
    }
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            c if c.is_control() || c == '\u{fffe}' || c == '\u{ffff}' => {
                let _ = write!(out, "&#x{:X};", u32::from(c));
            }
            c => out.push(c),
        }
    }
}

/// Make text safe inside `<!-- -->`: no `--`, no trailing `-`, no control
/// characters, one line.
pub(crate) fn comment_text(text: &str) -> String {
    let mut s: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    while s.contains("--") {
        s = s.replace("--", "- -");
    }
    if s.ends_with('-') {
        s.push(' ');
    }
    s
}

/// Writes the fragment line by line into one buffer.
struct Out<'a> {
    buf: &'a mut String,
    opts: &'a EmitOptions,
    /// Leave out the base indentation of the next line (the first one).
    skip_indent: bool,
}

impl Out<'_> {
    fn name(&mut self, local: &str) {
        if let Some(p) = self.opts.prefix.as_deref().filter(|p| !p.is_empty()) {
            self.buf.push_str(p);
            self.buf.push(':');
        }
        self.buf.push_str(local);
    }

    fn indent(&mut self, depth: usize) {
        if !std::mem::take(&mut self.skip_indent) {
            self.buf.push_str(&self.opts.base_indent);
        }
        for _ in 0..depth {
            self.buf.push_str(&self.opts.indent_unit);
        }
    }

    fn end_line(&mut self) {
        self.buf.push_str(self.opts.line_end);
    }

    fn open(&mut self, depth: usize, local: &str) {
        self.indent(depth);
        self.buf.push('<');
        self.name(local);
        self.buf.push('>');
        self.end_line();
    }

    /// `</local>` without its line end.
    fn close_tag(&mut self, depth: usize, local: &str) {
        self.indent(depth);
        self.buf.push_str("</");
        self.name(local);
        self.buf.push('>');
    }

    fn close(&mut self, depth: usize, local: &str) {
        self.close_tag(depth, local);
        self.end_line();
    }

    fn attr(&mut self, name: &str, value: &str) {
        self.buf.push(' ');
        self.buf.push_str(name);
        self.buf.push_str("=\"");
        escape_attr_into(self.buf, value);
        self.buf.push('"');
    }

    fn entry(&mut self, depth: usize, local: &str, dest: Option<(&str, &str)>, acl: &Acl) {
        self.indent(depth);
        self.buf.push('<');
        self.name(local);
        if let Some((attr, pattern)) = dest {
            self.attr(attr, pattern);
        }
        for (attr, list) in [
            ("read", &acl.read),
            ("write", &acl.write),
            ("admin", &acl.admin),
        ] {
            let joined_empty = list.groups.iter().all(String::is_empty) && list.groups.len() < 2;
            if list.raw.is_empty() && !list.groups.is_empty() {
                // No raw string was kept: the groups joined.
                if joined_empty && !list.present {
                    continue;
                }
                self.buf.push(' ');
                self.buf.push_str(attr);
                self.buf.push_str("=\"");
                for (i, g) in list.groups.iter().enumerate() {
                    if i > 0 {
                        self.buf.push(',');
                    }
                    escape_attr_into(self.buf, g);
                }
                self.buf.push('"');
            } else if list.present || !list.raw.is_empty() {
                self.attr(attr, &list.raw);
            }
        }
        if let Some(gc) = &acl.group_class {
            self.attr("groupClass", gc);
        }
        self.buf.push_str("/>");
        self.end_line();
    }
}

/// About how many bytes the fragment of `map` takes.
pub(crate) fn size_hint(map: &AuthzMap, opts: &EmitOptions) -> usize {
    let line = opts.base_indent.len() + 4 * opts.indent_unit.len() + opts.line_end.len();
    let name = 24 + opts.prefix.as_deref().map_or(0, |p| p.len() + 1);
    let acl = |a: &Acl| {
        a.read.raw.len()
            + a.write.raw.len()
            + a.admin.raw.len()
            + 32
            + a.group_class.as_deref().map_or(0, |g| g.len() + 14)
    };
    let entries: usize = map
        .entries
        .iter()
        .map(|e| line + name + 16 + e.pattern.len() + acl(&e.acl))
        .sum();
    entries + 16 * (line + name) + opts.header_comment.as_deref().map_or(0, str::len)
}

/// A fault the emitter makes on purpose, named in the environment variable
/// `MQAUTHZ_FAULT_INJECT`, so that tests through the binary show that
/// `compile` catches a wrong translation before writing it (see
/// [`crate::verify`]). `emit-drop-entry` leaves out the first entry. Not
/// for use outside tests.
fn fault_injected(name: &str) -> bool {
    std::env::var_os("MQAUTHZ_FAULT_INJECT").is_some_and(|v| v == name)
}

/// Render `map` as an `<authorizationPlugin>` element.
pub fn fragment(map: &AuthzMap, opts: &EmitOptions) -> String {
    let mut buf = String::with_capacity(size_hint(map, opts));
    write_fragment(&mut buf, map, opts, false);
    buf
}

/// Append the fragment of `map` to `buf`; with `trim`, without the base
/// indentation of its first line and the line end of its last.
pub(crate) fn write_fragment(buf: &mut String, map: &AuthzMap, opts: &EmitOptions, trim: bool) {
    let mut o = Out {
        buf,
        opts,
        skip_indent: trim,
    };
    o.open(0, "authorizationPlugin");
    if let Some(h) = &opts.header_comment {
        for line in h.lines() {
            o.indent(1);
            o.buf.push_str("<!-- ");
            o.buf.push_str(&comment_text(line));
            o.buf.push_str(" -->");
            o.end_line();
        }
    }
    o.open(1, "map");
    o.open(2, "authorizationMap");
    if map.entries.is_empty() {
        o.indent(3);
        o.buf.push('<');
        o.name("authorizationEntries");
        o.buf.push_str("/>");
        o.end_line();
    } else {
        o.open(3, "authorizationEntries");
        let drop_first = fault_injected("emit-drop-entry");
        for e in map.entries.iter().skip(usize::from(drop_first)) {
            o.entry(
                4,
                "authorizationEntry",
                Some((e.kind.as_str(), &e.pattern)),
                &e.acl,
            );
        }
        o.close(3, "authorizationEntries");
    }
    if let Some(d) = &map.default_entry {
        o.open(3, "defaultEntry");
        o.entry(4, "authorizationEntry", None, d);
        o.close(3, "defaultEntry");
    }
    if let Some(t) = &map.temp {
        o.open(3, "tempDestinationAuthorizationEntry");
        o.entry(4, "tempDestinationAuthorizationEntry", None, t);
        o.close(3, "tempDestinationAuthorizationEntry");
    }
    o.close(2, "authorizationMap");
    o.close(1, "map");
    o.close_tag(0, "authorizationPlugin");
    if !trim {
        o.end_line();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantics::{DestKind, Entry, GroupList};

    /// An empty string leaves the attribute out.
    fn acl(r: &str, w: &str, a: &str) -> Acl {
        let list = |s: &str| {
            if s.is_empty() {
                GroupList::default()
            } else {
                GroupList::parse(s)
            }
        };
        Acl {
            read: list(r),
            write: list(w),
            admin: list(a),
            group_class: None,
        }
    }

    #[test]
    fn escapes_everything() {
        assert_eq!(
            escape_attr("a&b<c>d\"e'f\u{1}\t\n"),
            "a&amp;b&lt;c>d&quot;e'f&#x1;&#x9;&#xA;"
        );
    }

    #[test]
    fn comments_cannot_break() {
        let c = comment_text("a -- b --> c-");
        assert!(!c.contains("--"));
        assert!(!c.ends_with('-'));
        assert_eq!(comment_text("x---y"), "x- - -y");
    }

    #[test]
    fn layout() {
        let map = AuthzMap {
            entries: vec![Entry {
                kind: DestKind::Topic,
                pattern: "ActiveMQ.Advisory.>".into(),
                acl: acl("*", "", "admins"),
                id: 0,
                provenance: vec![],
                location: None,
            }],
            default_entry: None,
            temp: Some(acl("a", "a", "a")),
        };
        let opts = EmitOptions {
            header_comment: Some("generated -- do not edit".into()),
            prefix: Some("amq".into()),
            ..EmitOptions::default()
        };
        let got = fragment(&map, &opts);
        let want = "<amq:authorizationPlugin>
  <!-- generated - - do not edit -->
  <amq:map>
    <amq:authorizationMap>
      <amq:authorizationEntries>
        <amq:authorizationEntry topic=\"ActiveMQ.Advisory.>\" read=\"*\" admin=\"admins\"/>
      </amq:authorizationEntries>
      <amq:tempDestinationAuthorizationEntry>
        <amq:tempDestinationAuthorizationEntry read=\"a\" write=\"a\" admin=\"a\"/>
      </amq:tempDestinationAuthorizationEntry>
    </amq:authorizationMap>
  </amq:map>
</amq:authorizationPlugin>
";
        assert_eq!(got, want);
    }

    #[test]
    fn empty_map_keeps_entries_element() {
        let got = fragment(&AuthzMap::default(), &EmitOptions::default());
        assert!(got.contains("<authorizationEntries/>"));
        assert!(!got.contains("defaultEntry"));
    }
}
