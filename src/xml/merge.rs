//! Merging an authorization map into a configuration document.
//!
//! One patch is computed: the existing `<authorizationPlugin>` element is
//! replaced, or a new one is inserted into `<plugins>` (a `<plugins>` is
//! created in the `<broker>` when there is none). Every byte outside the
//! patch is copied unchanged. The new block is indented like its
//! surroundings, uses the document's line ends and the namespace prefix of
//! the element it goes into, so merging the same map twice gives the same
//! bytes.

use super::config::{ConfigDoc, ConfigFormat, Element};
use super::emit::{size_hint, write_fragment, EmitOptions};
use super::layout::line_indent;
use super::PLUGIN_HOLDS_OTHER_MAP;
use crate::diagnostics::Diagnostic;
use crate::semantics::AuthzMap;
use std::ops::Range;

/// What to produce for an AWS CLI JSON input.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MergeOutput {
    /// The input's format: XML for XML, update-configuration JSON for JSON.
    #[default]
    Auto,
    /// Always the plain XML.
    Xml,
}

/// Options of [`merge_with`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MergeOptions {
    /// Comment placed first inside the plugin.
    pub header: Option<String>,
    /// Replace a plugin that holds another map type (LDAP...) instead of
    /// refusing.
    pub replace_other_map: bool,
    /// Output format.
    pub output: MergeOutput,
}

/// One replacement in the XML text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Patch {
    /// The byte range of the XML text that is replaced (empty for inserts).
    pub range: Range<usize>,
    /// The new bytes.
    pub replacement: String,
}

impl Patch {
    /// Apply the patch to `xml`.
    pub fn apply(&self, xml: &str) -> String {
        let mut out = String::with_capacity(xml.len() + self.replacement.len());
        out.push_str(&xml[..self.range.start]);
        out.push_str(&self.replacement);
        out.push_str(&xml[self.range.end..]);
        out
    }
}

/// Merge `map` into `doc` with a header comment; the output has the input's
/// format (XML, or JSON for `aws mq update-configuration --cli-input-json`).
pub fn merge(
    doc: &ConfigDoc,
    map: &AuthzMap,
    header: Option<&str>,
) -> Result<String, Vec<Diagnostic>> {
    merge_with(
        doc,
        map,
        &MergeOptions {
            header: header.map(str::to_string),
            ..MergeOptions::default()
        },
    )
}

/// Merge `map` into `doc`.
pub fn merge_with(
    doc: &ConfigDoc,
    map: &AuthzMap,
    opts: &MergeOptions,
) -> Result<String, Vec<Diagnostic>> {
    let place = locate(doc, opts)?;
    let xml = &*doc.xml;
    let (head, tail) = (&xml[..place.range.start], &xml[place.range.end..]);
    let mut out = String::with_capacity(head.len() + place.size_hint(map) + tail.len());
    out.push_str(head);
    place.write(map, &mut out);
    out.push_str(tail);
    match (&doc.format, opts.output) {
        (ConfigFormat::AwsJson(j), MergeOutput::Auto) => {
            Ok(update_configuration_json(&j.object, &out))
        }
        _ => Ok(out),
    }
}

/// The JSON `aws mq update-configuration --cli-input-json` accepts, with
/// `xml` as its `Data`, keeping `ConfigurationId` (or `Id`) and `Description`.
pub(crate) fn update_configuration_json(
    input: &serde_json::Map<String, serde_json::Value>,
    xml: &str,
) -> String {
    use base64::Engine;
    let mut out = serde_json::Map::new();
    if let Some(id) = input.get("ConfigurationId").or_else(|| input.get("Id")) {
        if id.is_string() {
            out.insert("ConfigurationId".into(), id.clone());
        }
    }
    out.insert(
        "Data".into(),
        serde_json::Value::String(base64::engine::general_purpose::STANDARD.encode(xml)),
    );
    if let Some(d) = input.get("Description").filter(|d| d.is_string()) {
        out.insert("Description".into(), d.clone());
    }
    let mut s = serde_json::to_string_pretty(&serde_json::Value::Object(out))
        .unwrap_or_else(|_| String::from("{}"));
    s.push('\n');
    s
}

/// The leading whitespace of the line holding `pos`.
fn leading_ws(xml: &str, pos: usize) -> &str {
    let pos = pos.min(xml.len());
    let start = xml[..pos].rfind('\n').map_or(0, |i| i + 1);
    let line = &xml[start..pos];
    let n = line.len() - line.trim_start_matches([' ', '\t']).len();
    &line[..n]
}

/// Where the fragment goes: the range it replaces, the text around it and
/// how it is laid out.
struct Place {
    range: Range<usize>,
    before: String,
    emit: EmitOptions,
    /// Without the base indentation of the first line and the line end of
    /// the last (the fragment replaces an element in place).
    trim: bool,
    after: String,
}

impl Place {
    fn write(&self, map: &AuthzMap, out: &mut String) {
        out.push_str(&self.before);
        write_fragment(out, map, &self.emit, self.trim);
        out.push_str(&self.after);
    }

    fn size_hint(&self, map: &AuthzMap) -> usize {
        self.before.len() + size_hint(map, &self.emit) + self.after.len()
    }
}

/// The patch merging `map` into `doc`.
pub fn plan(
    doc: &ConfigDoc,
    map: &AuthzMap,
    opts: &MergeOptions,
) -> Result<Patch, Vec<Diagnostic>> {
    let place = locate(doc, opts)?;
    let mut replacement = String::with_capacity(place.size_hint(map));
    place.write(map, &mut replacement);
    Ok(Patch {
        range: place.range,
        replacement,
    })
}

/// Where the fragment of the map goes in `doc`.
fn locate(doc: &ConfigDoc, opts: &MergeOptions) -> Result<Place, Vec<Diagnostic>> {
    let xml = &*doc.xml;
    let le = doc.line_end;
    let unit = doc.indent_unit.as_str();
    let emit = |prefix: &Option<String>, base: String| EmitOptions {
        header_comment: opts.header.clone(),
        indent_unit: unit.to_string(),
        base_indent: base,
        prefix: prefix.clone(),
        line_end: le,
    };
    if let Some(p) = doc.authorization_plugin {
        if let (Some(other), false) = (doc.other_map, opts.replace_other_map) {
            let o = doc.element(other);
            let d = Diagnostic::error(
                PLUGIN_HOLDS_OTHER_MAP,
                format!("the existing `<authorizationPlugin>` holds `<{}>`", o.name),
            )
            .help("replacing it would drop that map; allow replacing another map type explicitly if that is intended");
            return Err(vec![doc.locate(d, o.start_tag, "would be replaced")]);
        }
        let el = doc.element(p);
        let start = el.span.start as usize;
        return Ok(Place {
            range: start..el.span.end as usize,
            before: String::new(),
            emit: emit(&el.prefix, leading_ws(xml, start).to_string()),
            trim: true,
            after: String::new(),
        });
    }
    if let Some(pl) = doc.plugins {
        let el = doc.element(pl);
        let at = insert_into(xml, el, le, unit);
        return Ok(Place {
            range: at.range,
            before: at.before,
            emit: emit(&el.prefix, at.child),
            trim: false,
            after: at.after,
        });
    }
    let broker = doc.broker_element();
    let name = match &broker.prefix {
        Some(p) => format!("{p}:plugins"),
        None => "plugins".to_string(),
    };
    let at = insert_into(xml, broker, le, unit);
    let child = at.child;
    Ok(Place {
        range: at.range,
        before: format!("{}{child}<{name}>{le}", at.before),
        emit: emit(&broker.prefix, format!("{child}{unit}")),
        trim: false,
        after: format!("{child}</{name}>{le}{}", at.after),
    })
}

/// Where a block of whole lines goes as the last content of an element.
struct Insertion {
    range: Range<usize>,
    before: String,
    /// The indentation of the block's lines (each ends with the line end).
    child: String,
    after: String,
}

/// Insert a block of whole lines (each starting with the child indent,
/// each ending with `le`) as the last content of `parent`.
fn insert_into(xml: &str, parent: &Element, le: &str, unit: &str) -> Insertion {
    let parent_indent = leading_ws(xml, parent.start_tag.start as usize);
    match parent.end_tag {
        Some(end) => {
            let e = end.start as usize;
            match line_indent(xml, e) {
                Some(ws) if e - ws.len() > parent.start_tag.end as usize => Insertion {
                    range: e - ws.len()..e - ws.len(),
                    before: String::new(),
                    child: format!("{ws}{unit}"),
                    after: String::new(),
                },
                _ => Insertion {
                    range: e..e,
                    before: le.to_string(),
                    child: format!("{parent_indent}{unit}"),
                    after: parent_indent.to_string(),
                },
            }
        }
        None => {
            // `<plugins/>`: turn `/>` into `>` ... `</plugins>`.
            let end = parent.start_tag.end as usize;
            let slash = end.saturating_sub(2);
            Insertion {
                range: slash..end,
                before: format!(">{le}"),
                child: format!("{parent_indent}{unit}"),
                after: format!("{parent_indent}</{}>", parent.name),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantics::{Acl, DestKind, Entry, GroupList};
    use crate::source::{SourceFile, SourceId};

    fn map() -> AuthzMap {
        AuthzMap {
            entries: vec![Entry {
                kind: DestKind::Queue,
                pattern: "Q.>".into(),
                acl: Acl {
                    read: GroupList::parse("a"),
                    ..Acl::default()
                },
                id: 0,
                provenance: vec![],
                location: None,
            }],
            default_entry: None,
            temp: None,
        }
    }

    fn merged(text: &str) -> String {
        let d = ConfigDoc::parse(SourceId(0), &SourceFile::new("b.xml", text)).expect("parses");
        let out = merge(&d, &map(), Some("h")).expect("merges");
        let d2 =
            ConfigDoc::parse(SourceId(0), &SourceFile::new("b.xml", out.clone())).expect("parses");
        assert_eq!(
            merge(&d2, &map(), Some("h")).expect("merges"),
            out,
            "idempotent"
        );
        out
    }

    #[test]
    fn inserts_into_plugins() {
        let out = merged("<broker xmlns=\"http://activemq.apache.org/schema/core\">\n  <plugins>\n  </plugins>\n</broker>\n");
        assert_eq!(
            out,
            "<broker xmlns=\"http://activemq.apache.org/schema/core\">\n  <plugins>\n    <authorizationPlugin>\n      <!-- h -->\n      <map>\n        <authorizationMap>\n          <authorizationEntries>\n            <authorizationEntry queue=\"Q.>\" read=\"a\"/>\n          </authorizationEntries>\n        </authorizationMap>\n      </map>\n    </authorizationPlugin>\n  </plugins>\n</broker>\n"
        );
    }

    #[test]
    fn creates_plugins() {
        let out = merged("<amq:broker xmlns:amq=\"http://activemq.apache.org/schema/core\"/>");
        assert!(out.starts_with("<amq:broker xmlns:amq=\"http://activemq.apache.org/schema/core\">\n  <amq:plugins>\n    <amq:authorizationPlugin>"));
        assert!(out.ends_with("</amq:plugins>\n</amq:broker>"));
        let out = merged("<broker xmlns=\"http://activemq.apache.org/schema/core\"><a/></broker>");
        assert!(out.ends_with("<a/>\n  <plugins>\n    <authorizationPlugin>\n      <!-- h -->\n      <map>\n        <authorizationMap>\n          <authorizationEntries>\n            <authorizationEntry queue=\"Q.>\" read=\"a\"/>\n          </authorizationEntries>\n        </authorizationMap>\n      </map>\n    </authorizationPlugin>\n  </plugins>\n</broker>"));
        merged("<broker xmlns=\"http://activemq.apache.org/schema/core\"><plugins/></broker>");
    }

    #[test]
    fn refuses_other_map() {
        let d = ConfigDoc::parse(
            SourceId(0),
            &SourceFile::new(
                "b.xml",
                "<broker xmlns=\"http://activemq.apache.org/schema/core\"><plugins><authorizationPlugin><map><cachedLDAPAuthorizationMap/></map></authorizationPlugin></plugins></broker>",
            ),
        )
        .expect("parses");
        let err = merge(&d, &map(), None).expect_err("refused");
        assert_eq!(err[0].code.name, "plugin-holds-other-map");
        let ok = merge_with(
            &d,
            &map(),
            &MergeOptions {
                replace_other_map: true,
                ..MergeOptions::default()
            },
        )
        .expect("replaces");
        assert!(!ok.contains("LDAP"));
    }

    #[test]
    fn keeps_bom_and_crlf() {
        let text = "\u{feff}<?xml version=\"1.0\"?>\r\n<broker xmlns=\"http://activemq.apache.org/schema/core\">\r\n    <plugins>\r\n        <x/>\r\n    </plugins>\r\n</broker>\r\n";
        let out = merged(text);
        assert!(out.starts_with("\u{feff}<?xml version=\"1.0\"?>\r\n"));
        assert!(out.contains("\r\n        <authorizationPlugin>\r\n            <!-- h -->\r\n"));
        assert_eq!(out.matches('\n').count(), out.matches("\r\n").count());
    }

    #[test]
    fn replacement_covers_exactly_the_old_element() {
        let text = "<broker xmlns=\"http://activemq.apache.org/schema/core\"><plugins> <authorizationPlugin a='1'><!-- x --></authorizationPlugin> </plugins></broker>";
        let d = ConfigDoc::parse(SourceId(0), &SourceFile::new("b.xml", text)).expect("parses");
        let p = plan(&d, &map(), &MergeOptions::default()).expect("plan");
        assert_eq!(
            &text[p.range.clone()],
            "<authorizationPlugin a='1'><!-- x --></authorizationPlugin>"
        );
    }
}
