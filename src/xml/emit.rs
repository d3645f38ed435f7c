//! Rendering an [`AuthzMap`] as an `<authorizationPlugin>` XML fragment.
//!
//! The output is deterministic: entries in the order given, attributes in a
//! fixed order (`queue`|`topic`, `read`, `write`, `admin`, `groupClass`),
//! empty attributes left out, every value escaped.

use crate::semantics::{Acl, AuthzMap, GroupList};

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

/// Escape an attribute value for a double-quoted attribute: `&`, `<`, `"`
/// and every control character become references. `>` and `'` stay as they
/// are (both are legal there), so `queue="ORDERS.>"` reads as written.
pub fn escape_attr(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            c if c.is_control() || c == '\u{fffe}' || c == '\u{ffff}' => {
                out.push_str(&format!("&#x{:X};", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out
}

/// Make text safe inside `<!-- -->`: no `--`, no trailing `-`, no control
/// characters, one line.
pub fn comment_text(text: &str) -> String {
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

struct Out<'a> {
    buf: String,
    opts: &'a EmitOptions,
}

impl Out<'_> {
    fn name(&self, local: &str) -> String {
        match &self.opts.prefix {
            Some(p) if !p.is_empty() => format!("{p}:{local}"),
            _ => local.to_string(),
        }
    }

    fn line(&mut self, depth: usize, text: &str) {
        self.buf.push_str(&self.opts.base_indent);
        for _ in 0..depth {
            self.buf.push_str(&self.opts.indent_unit);
        }
        self.buf.push_str(text);
        self.buf.push_str(self.opts.line_end);
    }

    fn open(&mut self, depth: usize, local: &str) {
        let t = format!("<{}>", self.name(local));
        self.line(depth, &t);
    }

    fn close(&mut self, depth: usize, local: &str) {
        let t = format!("</{}>", self.name(local));
        self.line(depth, &t);
    }

    fn entry(&mut self, depth: usize, local: &str, dest: Option<(&str, &str)>, acl: &Acl) {
        let mut t = format!("<{}", self.name(local));
        if let Some((attr, pattern)) = dest {
            t.push_str(&format!(" {attr}=\"{}\"", escape_attr(pattern)));
        }
        for (attr, list) in [
            ("read", &acl.read),
            ("write", &acl.write),
            ("admin", &acl.admin),
        ] {
            let raw = raw_of(list);
            if list.present || !raw.is_empty() {
                t.push_str(&format!(" {attr}=\"{}\"", escape_attr(&raw)));
            }
        }
        if let Some(gc) = &acl.group_class {
            t.push_str(&format!(" groupClass=\"{}\"", escape_attr(gc)));
        }
        t.push_str("/>");
        self.line(depth, &t);
    }
}

/// The attribute text of a group list: its raw string, or the groups
/// joined when no raw string was kept.
fn raw_of(list: &GroupList) -> String {
    if list.raw.is_empty() && !list.groups.is_empty() {
        list.groups
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(",")
    } else {
        list.raw.clone()
    }
}

/// Render `map` as an `<authorizationPlugin>` element.
pub fn fragment(map: &AuthzMap, opts: &EmitOptions) -> String {
    let mut o = Out {
        buf: String::new(),
        opts,
    };
    o.open(0, "authorizationPlugin");
    if let Some(h) = &opts.header_comment {
        for line in h.lines() {
            let t = format!("<!-- {} -->", comment_text(line));
            o.line(1, &t);
        }
    }
    o.open(1, "map");
    o.open(2, "authorizationMap");
    if map.entries.is_empty() {
        let t = format!("<{}/>", o.name("authorizationEntries"));
        o.line(3, &t);
    } else {
        o.open(3, "authorizationEntries");
        for e in &map.entries {
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
    o.close(0, "authorizationPlugin");
    o.buf
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantics::{DestKind, Entry};

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
