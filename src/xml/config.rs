//! Configuration documents: the XML (or AWS CLI JSON wrapping XML) a broker
//! is configured with, parsed into a flat element tree with byte spans.
//!
//! Parsing is deliberately strict about what could be dangerous and lenient
//! about the rest: a DOCTYPE declaring entities is refused, references to
//! entities other than the five predefined ones are refused, nothing is ever
//! fetched. Comments, processing instructions and CDATA are skipped, so a
//! commented-out `<authorizationPlugin>` is not seen.

use super::{
    AMQ_NS, DOCTYPE_NOT_ALLOWED, ENTITY_NOT_ALLOWED, INVALID_CONFIG_DATA, INVALID_CONFIG_JSON,
    MALFORMED_XML, NO_BROKER, SEVERAL_AUTHORIZATION_PLUGINS, SEVERAL_BROKERS,
};
use crate::diagnostics::Diagnostic;
use crate::semantics::{DestKind, GroupList};
use crate::source::{SourceFile, SourceId, Span};
use quick_xml::events::Event;
use quick_xml::Reader;
use std::collections::HashMap;

/// Map types other than `authorizationMap` that `<map>` may hold.
pub const OTHER_MAP_TYPES: &[&str] = &[
    "cachedLDAPAuthorizationMap",
    "lDAPAuthorizationMap",
    "simpleAuthorizationMap",
];

/// How the configuration was given.
#[derive(Clone, Debug, PartialEq)]
pub enum ConfigFormat {
    /// Spring `activemq.xml`: `<beans>` root holding the `<broker>`.
    Spring,
    /// Amazon MQ configuration: `<broker>` is the root.
    AmazonMq,
    /// Any other root element holding the `<broker>`.
    OtherRoot,
    /// AWS CLI JSON with the XML base64-encoded in `Data`.
    AwsJson(AwsJson),
}

/// The JSON wrapper of an AWS CLI configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct AwsJson {
    /// The whole JSON object, field order kept.
    pub object: serde_json::Map<String, serde_json::Value>,
    /// Span of the `Data` string literal in the JSON text.
    pub data_span: Span,
    /// The format of the decoded XML (never `AwsJson`).
    pub inner: Box<ConfigFormat>,
}

/// One attribute of an element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attr {
    /// The qualified name as written.
    pub name: String,
    /// The local part of the name.
    pub local: String,
    /// The value after entity decoding and attribute-value normalisation.
    pub value: String,
    /// Span of `name="value"` in the XML text.
    pub span: Span,
    /// Span of the raw value (between the quotes) in the XML text.
    pub value_span: Span,
}

/// One element of the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Element {
    /// The qualified name as written (`amq:broker`).
    pub name: String,
    /// The namespace prefix, if any.
    pub prefix: Option<String>,
    /// The local name (`broker`).
    pub local: String,
    /// The namespace URI the name resolves to.
    pub ns: Option<String>,
    /// From `<` of the start tag to `>` of the end tag (or of `/>`).
    pub span: Span,
    /// The start tag (or the whole empty-element tag).
    pub start_tag: Span,
    /// The end tag; `None` for `<x/>`.
    pub end_tag: Option<Span>,
    /// Attributes in document order (namespace declarations included).
    pub attrs: Vec<Attr>,
    /// Indexes of child elements, in document order.
    pub children: Vec<usize>,
    /// Index of the parent element.
    pub parent: Option<usize>,
}

impl Element {
    /// The attribute whose qualified name is `name`.
    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.name == name)
    }

    /// Whether this is `local` in the ActiveMQ namespace.
    pub fn is_amq(&self, local: &str) -> bool {
        self.local == local && self.ns.as_deref() == Some(AMQ_NS)
    }
}

/// A destination declared under `<broker><destinations>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeclaredDestination {
    /// Queue or topic.
    pub kind: DestKind,
    /// The name as ActiveMQ normalises it (trimmed, options cut off).
    pub name: String,
    /// Span of the `<queue>`/`<topic>` element in the XML text.
    pub span: Span,
}

/// A user of `simpleAuthenticationPlugin`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfiguredUser {
    /// The `username` attribute.
    pub username: String,
    /// The `groups` attribute, split as ActiveMQ splits it.
    pub groups: GroupList,
    /// Span of the `<authenticationUser>` element in the XML text.
    pub span: Span,
}

/// Facts of the configuration that analyses use besides the map.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConfigFacts {
    /// The broker's `advisorySupport` attribute: its value and span.
    pub advisory_support: Option<(String, Span)>,
    /// `advisorySupport` read as Spring reads a boolean; `None` when absent
    /// or not a boolean (ActiveMQ's default is `true`).
    pub advisory_support_enabled: Option<bool>,
    /// `<destinations>` children.
    pub destinations: Vec<DeclaredDestination>,
    /// `simpleAuthenticationPlugin` users.
    pub users: Vec<ConfiguredUser>,
}

/// A parsed configuration document.
#[derive(Clone, Debug)]
pub struct ConfigDoc {
    /// The file the document came from.
    pub source: SourceId,
    /// How it was given.
    pub format: ConfigFormat,
    /// The XML text (the file text, or the decoded `Data` of AWS JSON).
    pub xml: String,
    /// All elements; index 0 is the root.
    pub elements: Vec<Element>,
    /// Index of the `<broker>` element.
    pub broker: usize,
    /// Index of the broker's first `<plugins>` child.
    pub plugins: Option<usize>,
    /// Index of the `<authorizationPlugin>` element.
    pub authorization_plugin: Option<usize>,
    /// Index of a map element of another type inside the plugin (LDAP...).
    pub other_map: Option<usize>,
    /// The line end the document uses most.
    pub line_end: &'static str,
    /// The indentation step the document uses.
    pub indent_unit: String,
    /// Where spans in the XML text are reported: the file itself for XML,
    /// or a separately registered source for the decoded XML of JSON.
    xml_source: Option<SourceId>,
    /// Facts gathered while parsing.
    pub facts: ConfigFacts,
}

/// The byte offset where parsing starts (after a UTF-8 byte-order mark).
fn bom_len(text: &str) -> usize {
    if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    }
}

impl ConfigDoc {
    /// Parse a configuration file: XML (Spring or Amazon MQ) or AWS CLI JSON.
    pub fn parse(id: SourceId, file: &SourceFile) -> Result<ConfigDoc, Vec<Diagnostic>> {
        let text = &file.text;
        let start = bom_len(text);
        let first = text[start..].trim_start();
        if first.starts_with('{') || first.starts_with('[') {
            return parse_json(id, file);
        }
        let loc = Locator {
            id,
            json_data: None,
            xml: text,
        };
        let tree = parse_xml(text, &loc)?;
        let mut doc = ConfigDoc::from_tree(id, text.clone(), tree, Some(id), &loc)?;
        doc.format = root_format(&doc);
        Ok(doc)
    }

    /// Register the decoded XML of an AWS JSON document as its own source so
    /// later diagnostics and entry locations point into it. Returns the file
    /// to register; call [`ConfigDoc::set_xml_source`] with its id.
    pub fn decoded_xml_file(&self, name: &str) -> Option<SourceFile> {
        match self.format {
            ConfigFormat::AwsJson(_) => Some(SourceFile::new(format!("{name}#Data"), &*self.xml)),
            _ => None,
        }
    }

    /// Report spans of the XML text against `id` from now on.
    pub fn set_xml_source(&mut self, id: SourceId) {
        self.xml_source = Some(id);
    }

    /// The element at `index`.
    pub fn element(&self, index: usize) -> &Element {
        &self.elements[index]
    }

    /// The broker element.
    pub fn broker_element(&self) -> &Element {
        &self.elements[self.broker]
    }

    /// Child elements of `index`.
    pub fn children(&self, index: usize) -> impl Iterator<Item = (usize, &Element)> {
        self.elements[index]
            .children
            .iter()
            .map(move |&c| (c, &self.elements[c]))
    }

    /// The text of a span of the XML.
    pub fn xml_slice(&self, span: Span) -> &str {
        self.xml.get(span.range()).unwrap_or("")
    }

    /// Span of the broker element in the XML text.
    pub fn broker_span(&self) -> Span {
        self.elements[self.broker].span
    }

    /// Span of the broker's `<plugins>` element in the XML text.
    pub fn plugins_span(&self) -> Option<Span> {
        self.plugins.map(|i| self.elements[i].span)
    }

    /// Span of the `<authorizationPlugin>` element in the XML text.
    pub fn authorization_plugin_span(&self) -> Option<Span> {
        self.authorization_plugin.map(|i| self.elements[i].span)
    }

    /// Span of a map element of another type (LDAP...) inside the plugin.
    pub fn other_map_span(&self) -> Option<Span> {
        self.other_map.map(|i| self.elements[i].span)
    }

    /// Whether the document is AWS CLI JSON.
    pub fn is_json(&self) -> bool {
        matches!(self.format, ConfigFormat::AwsJson(_))
    }

    /// Where to point a label for a span of the XML text: the XML's own
    /// source when known, otherwise the `Data` string of the JSON.
    pub fn label_at(&self, span: Span) -> (SourceId, Span) {
        match (&self.format, self.xml_source) {
            (_, Some(id)) => (id, span),
            (ConfigFormat::AwsJson(j), None) => (self.source, j.data_span),
            (_, None) => (self.source, span),
        }
    }

    /// A diagnostic's primary label at a span of the XML, with a note giving
    /// the position inside the decoded XML when the label cannot show it.
    pub fn locate(&self, d: Diagnostic, span: Span, label: &str) -> Diagnostic {
        let (id, at) = self.label_at(span);
        let d = d.primary(id, at, label);
        if self.is_json() && self.xml_source.is_none() {
            let lc = SourceFile::new("", &*self.xml).line_col(span.start as usize);
            d.note(format!(
                "at line {}, column {} of the XML decoded from `Data`",
                lc.line, lc.col
            ))
        } else {
            d
        }
    }

    fn from_tree(
        id: SourceId,
        xml: String,
        elements: Vec<Element>,
        xml_source: Option<SourceId>,
        loc: &Locator,
    ) -> Result<ConfigDoc, Vec<Diagnostic>> {
        let brokers: Vec<usize> = (0..elements.len())
            .filter(|&i| elements[i].is_amq("broker"))
            .collect();
        let broker = match brokers.as_slice() {
            [] => {
                let mut d = Diagnostic::error(
                    NO_BROKER,
                    format!("no `<broker>` element in namespace `{AMQ_NS}`"),
                )
                .help(format!(
                    "a configuration needs `<broker xmlns=\"{AMQ_NS}\">`, as the root (Amazon MQ) or inside `<beans>` (activemq.xml)"
                ));
                let bare = elements.iter().find(|e| e.local == "broker");
                d = match bare {
                    Some(e) => loc.label(d, e.start_tag, "this `broker` is in another namespace"),
                    None => match elements.first() {
                        Some(root) => loc.label(d, root.start_tag, "root element"),
                        None => d,
                    },
                };
                return Err(vec![d]);
            }
            [one] => *one,
            [first, rest @ ..] => {
                let mut d = Diagnostic::error(
                    SEVERAL_BROKERS,
                    format!("{} `<broker>` elements in one configuration", brokers.len()),
                )
                .help("keep one broker per configuration file");
                d = loc.label(d, elements[*first].start_tag, "first broker");
                for &r in rest {
                    let (sid, sp) = loc.at(elements[r].start_tag);
                    d = d.secondary(sid, sp, "another broker");
                }
                return Err(vec![d]);
            }
        };

        // Elements nest, so being inside the broker is span containment.
        let broker_span = elements[broker].span;
        let in_broker = |i: usize| {
            let s = elements[i].span;
            broker_span.start <= s.start && s.end <= broker_span.end
        };
        let plugins = elements[broker]
            .children
            .iter()
            .copied()
            .find(|&c| elements[c].is_amq("plugins"));
        let auth: Vec<usize> = (0..elements.len())
            .filter(|&i| elements[i].is_amq("authorizationPlugin") && in_broker(i))
            .collect();
        let authorization_plugin = match auth.as_slice() {
            [] => None,
            [one] => Some(*one),
            [first, rest @ ..] => {
                let mut d = Diagnostic::error(
                    SEVERAL_AUTHORIZATION_PLUGINS,
                    format!("{} `<authorizationPlugin>` elements in the broker", auth.len()),
                )
                .help("keep a single `<authorizationPlugin>`; the broker would install each of them and every one would have to allow an operation");
                d = loc.label(d, elements[*first].start_tag, "first plugin");
                for &r in rest {
                    let (sid, sp) = loc.at(elements[r].start_tag);
                    d = d.secondary(sid, sp, "another plugin");
                }
                return Err(vec![d]);
            }
        };
        let other_map = authorization_plugin.and_then(|p| {
            let mut stack = elements[p].children.clone();
            while let Some(i) = stack.pop() {
                if OTHER_MAP_TYPES.contains(&elements[i].local.as_str()) {
                    return Some(i);
                }
                stack.extend(elements[i].children.iter().copied());
            }
            None
        });
        let line_end = detect_line_end(&xml);
        let indent_unit = detect_indent_unit(&xml, &elements);
        let facts = gather_facts(&elements, broker);
        Ok(ConfigDoc {
            source: id,
            format: ConfigFormat::OtherRoot,
            xml,
            elements,
            broker,
            plugins,
            authorization_plugin,
            other_map,
            line_end,
            indent_unit,
            xml_source,
            facts,
        })
    }
}

fn root_format(doc: &ConfigDoc) -> ConfigFormat {
    if doc.broker == 0 {
        ConfigFormat::AmazonMq
    } else if doc.elements.first().is_some_and(|r| r.local == "beans") {
        ConfigFormat::Spring
    } else {
        ConfigFormat::OtherRoot
    }
}

/// Where diagnostics found while parsing the XML text point.
struct Locator<'a> {
    id: SourceId,
    /// For JSON: the span of `Data` in the JSON text.
    json_data: Option<Span>,
    xml: &'a str,
}

impl Locator<'_> {
    fn at(&self, span: Span) -> (SourceId, Span) {
        match self.json_data {
            Some(d) => (self.id, d),
            None => (self.id, span),
        }
    }

    fn label(&self, d: Diagnostic, span: Span, message: &str) -> Diagnostic {
        let (id, at) = self.at(span);
        let d = d.primary(id, at, message);
        if self.json_data.is_some() {
            let lc = SourceFile::new("", self.xml).line_col(span.start as usize);
            d.note(format!(
                "at line {}, column {} of the XML decoded from `Data`",
                lc.line, lc.col
            ))
        } else {
            d
        }
    }
}

fn malformed(loc: &Locator, at: usize, message: impl Into<String>) -> Diagnostic {
    let d = Diagnostic::error(MALFORMED_XML, message)
        .help("fix the XML so that it is well-formed; the broker would not start with it either");
    let lc = SourceFile::new("", loc.xml).line_col(at);
    let d = loc.label(d, Span::new(at, at), "");
    if loc.json_data.is_none() {
        d.note(format!("at line {}, column {}", lc.line, lc.col))
    } else {
        d
    }
}

/// Parse XML text into elements, or explain why not.
fn parse_xml(text: &str, loc: &Locator) -> Result<Vec<Element>, Vec<Diagnostic>> {
    let base = bom_len(text);
    let body = &text[base..];
    // quick-xml drops a leading byte-order mark without counting it, which
    // would shift every position; after our own BOM a second one is text
    // before the root element anyway.
    if body.starts_with('\u{feff}') {
        return Err(vec![malformed(loc, base, "text outside the root element")]);
    }
    let mut reader = Reader::from_str(body);
    {
        let cfg = reader.config_mut();
        cfg.check_comments = true;
        cfg.check_end_names = true;
        cfg.expand_empty_elements = false;
        cfg.trim_text(false);
    }
    let mut elements: Vec<Element> = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    let mut scopes = Namespaces::default();
    let mut roots = 0usize;
    loop {
        let start = base + usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => {
                let at = base + usize::try_from(reader.error_position()).unwrap_or(0);
                return Err(vec![malformed(loc, at.min(text.len()), e.to_string())]);
            }
        };
        let end = base + usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let end = end.min(text.len());
        let start = start.min(end);
        let Some(raw) = text.get(start..end) else {
            return Err(vec![malformed(loc, start, "unexpected character")]);
        };
        match event {
            Event::Eof => break,
            Event::Start(_) | Event::Empty(_) => {
                let empty = matches!(event, Event::Empty(_));
                if stack.is_empty() {
                    roots += 1;
                    if roots > 1 {
                        return Err(vec![malformed(
                            loc,
                            start,
                            "a second root element; a document has exactly one",
                        )]);
                    }
                }
                let tag = parse_tag(raw, start, empty).map_err(|e| vec![e.into_diag(loc)])?;
                scopes.open(&tag.attrs);
                let ns = scopes.resolve(tag.prefix.as_deref());
                let index = elements.len();
                let parent = stack.last().copied();
                if let Some(p) = parent {
                    elements[p].children.push(index);
                }
                elements.push(Element {
                    name: tag.name,
                    prefix: tag.prefix,
                    local: tag.local,
                    ns,
                    span: Span::new(start, end),
                    start_tag: Span::new(start, end),
                    end_tag: None,
                    attrs: tag.attrs,
                    children: Vec::new(),
                    parent,
                });
                if empty {
                    scopes.close();
                } else {
                    stack.push(index);
                }
            }
            Event::End(_) => {
                let Some(open) = stack.pop() else {
                    return Err(vec![malformed(loc, start, "an end tag with no start tag")]);
                };
                scopes.close();
                let raw_name = text[start..end]
                    .trim_start_matches("</")
                    .trim_end_matches('>')
                    .trim_end();
                if raw_name != elements[open].name {
                    return Err(vec![malformed(
                        loc,
                        start,
                        format!(
                            "end tag `</{raw_name}>` does not match start tag `<{}>`",
                            elements[open].name
                        ),
                    )]);
                }
                let e = &mut elements[open];
                e.end_tag = Some(Span::new(start, end));
                e.span = Span::new(e.span.start as usize, end);
            }
            Event::Text(_) => {
                if stack.is_empty() && !raw.trim().is_empty() {
                    return Err(vec![malformed(
                        loc,
                        start + (raw.len() - raw.trim_start().len()),
                        "text outside the root element",
                    )]);
                }
                check_refs(raw, start).map_err(|e| vec![e.into_diag(loc)])?;
            }
            Event::CData(_) => {
                if stack.is_empty() {
                    return Err(vec![malformed(
                        loc,
                        start,
                        "CDATA outside the root element",
                    )]);
                }
            }
            Event::DocType(_) => {
                if roots > 0 {
                    return Err(vec![malformed(
                        loc,
                        start,
                        "a DOCTYPE after the root element",
                    )]);
                }
                if raw.contains("<!ENTITY") {
                    let d = Diagnostic::error(
                        DOCTYPE_NOT_ALLOWED,
                        "the DOCTYPE declares entities, which are not allowed",
                    )
                    .help("remove the entity declarations; mqauthz never expands declared entities nor fetches external ones");
                    return Err(vec![loc.label(
                        d,
                        Span::new(start, end),
                        "entity declarations",
                    )]);
                }
                let subset = raw
                    .split_once('[')
                    .map(|(_, rest)| rest.rsplit_once(']').map_or(rest, |(s, _)| s));
                if subset.is_some_and(|s| !s.trim().is_empty()) {
                    let d = Diagnostic::error(
                        DOCTYPE_NOT_ALLOWED,
                        "the DOCTYPE has an internal subset with declarations, which are not allowed",
                    )
                    .help("remove the internal subset; declarations such as attribute defaults would change values without appearing in the elements");
                    return Err(vec![loc.label(d, Span::new(start, end), "internal subset")]);
                }
            }
            Event::Comment(_) | Event::PI(_) | Event::Decl(_) => {}
        }
    }
    if let Some(&open) = stack.last() {
        let e = &elements[open];
        return Err(vec![malformed(
            loc,
            e.start_tag.start as usize,
            format!("element `<{}>` is not closed", e.name),
        )]);
    }
    if elements.is_empty() {
        return Err(vec![malformed(
            loc,
            text.len(),
            "the document has no root element",
        )]);
    }
    Ok(elements)
}

/// The namespace declarations in scope: per prefix (`None` for the default
/// namespace), the URIs declared by the open elements, innermost last, so a
/// lookup costs the same at any nesting depth.
#[derive(Default)]
struct Namespaces {
    bindings: HashMap<Option<String>, Vec<String>>,
    /// The prefixes each open element declared.
    declared: Vec<Vec<Option<String>>>,
}

impl Namespaces {
    /// Enter an element with these attributes.
    fn open(&mut self, attrs: &[Attr]) {
        let mut prefixes = Vec::new();
        for a in attrs {
            let prefix = if a.name == "xmlns" {
                None
            } else if let Some(p) = a.name.strip_prefix("xmlns:") {
                Some(p.to_string())
            } else {
                continue;
            };
            self.bindings
                .entry(prefix.clone())
                .or_default()
                .push(a.value.clone());
            prefixes.push(prefix);
        }
        self.declared.push(prefixes);
    }

    /// Leave the innermost element.
    fn close(&mut self) {
        for prefix in self.declared.pop().unwrap_or_default() {
            if let Some(uris) = self.bindings.get_mut(&prefix) {
                uris.pop();
            }
        }
    }

    /// The namespace URI `prefix` resolves to.
    fn resolve(&self, prefix: Option<&str>) -> Option<String> {
        if prefix == Some("xml") {
            return Some("http://www.w3.org/XML/1998/namespace".to_string());
        }
        let uri = self.bindings.get(&prefix.map(str::to_string))?.last()?;
        (!uri.is_empty()).then(|| uri.clone())
    }
}

/// A problem found while scanning a tag or text.
enum ScanError {
    Malformed(usize, String),
    Entity(Span, String),
}

impl ScanError {
    fn into_diag(self, loc: &Locator) -> Diagnostic {
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

struct Tag {
    name: String,
    prefix: Option<String>,
    local: String,
    attrs: Vec<Attr>,
}

fn split_name(name: &str) -> (Option<String>, String) {
    match name.split_once(':') {
        Some((p, l)) => (Some(p.to_string()), l.to_string()),
        None => (None, name.to_string()),
    }
}

fn is_name_char(c: char) -> bool {
    !(c.is_whitespace()
        || matches!(
            c,
            '<' | '>' | '=' | '"' | '\'' | '/' | '&' | '?' | '!' | ',' | ';'
        ))
}

/// Parse a start tag or empty-element tag `raw` found at byte `at`.
fn parse_tag(raw: &str, at: usize, empty: bool) -> Result<Tag, ScanError> {
    let inner_end = raw.len().saturating_sub(if empty { 2 } else { 1 });
    let inner = raw.get(1..inner_end).unwrap_or("");
    let off = at + 1;
    let name_len = inner
        .char_indices()
        .find(|&(_, c)| !is_name_char(c))
        .map_or(inner.len(), |(i, _)| i);
    let name = &inner[..name_len];
    if name.is_empty() || name.starts_with(':') || name.ends_with(':') {
        return Err(ScanError::Malformed(
            at,
            "a tag without a valid name".into(),
        ));
    }
    let (prefix, local) = split_name(name);
    let mut attrs: Vec<Attr> = Vec::new();
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let bytes = inner.as_bytes();
    let mut i = name_len;
    loop {
        let ws_start = i;
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
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
        while i < bytes.len()
            && inner[i..]
                .chars()
                .next()
                .is_some_and(|c| is_name_char(c) && c != '=')
        {
            i += inner[i..].chars().next().map_or(1, char::len_utf8);
        }
        let a_name = &inner[a_start..i];
        if a_name.is_empty() {
            return Err(ScanError::Malformed(
                off + i,
                "expected an attribute name".into(),
            ));
        }
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= bytes.len() || bytes[i] != b'=' {
            return Err(ScanError::Malformed(
                off + i,
                format!("attribute `{a_name}` has no value"),
            ));
        }
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
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
        while i < bytes.len() && bytes[i] != quote {
            if bytes[i] == b'<' {
                return Err(ScanError::Malformed(
                    off + i,
                    "`<` inside an attribute value".into(),
                ));
            }
            i += 1;
        }
        if i >= bytes.len() {
            return Err(ScanError::Malformed(
                off + v_start,
                format!("the value of attribute `{a_name}` is not closed"),
            ));
        }
        let raw_value = &inner[v_start..i];
        i += 1;
        let value = unescape_attr(raw_value, off + v_start)?;
        if !seen.insert(a_name) {
            return Err(ScanError::Malformed(
                off + a_start,
                format!("attribute `{a_name}` appears twice"),
            ));
        }
        let (_, a_local) = split_name(a_name);
        attrs.push(Attr {
            name: a_name.to_string(),
            local: a_local,
            value,
            span: Span::new(off + a_start, off + i),
            value_span: Span::new(off + v_start, off + i - 1),
        });
    }
    Ok(Tag {
        name: name.to_string(),
        prefix,
        local,
        attrs,
    })
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

/// Check the references in character data.
fn check_refs(raw: &str, at: usize) -> Result<(), ScanError> {
    for (i, c) in raw.char_indices() {
        if c == '&' {
            decode_ref(raw, i, at)?;
        }
    }
    Ok(())
}

fn detect_line_end(xml: &str) -> &'static str {
    let crlf = xml.matches("\r\n").count();
    let lf = xml.matches('\n').count() - crlf;
    if crlf > lf {
        "\r\n"
    } else {
        "\n"
    }
}

/// The whitespace between the start of the line holding `pos` and `pos`,
/// if that is all whitespace.
pub(crate) fn line_indent(xml: &str, pos: usize) -> Option<&str> {
    let pos = pos.min(xml.len());
    // Scan back over blanks only, so a long line costs nothing extra.
    let blanks = xml.as_bytes()[..pos]
        .iter()
        .rev()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    let line_start = pos - blanks;
    (line_start == 0 || xml.as_bytes()[line_start - 1] == b'\n').then(|| &xml[line_start..pos])
}

fn detect_indent_unit(xml: &str, elements: &[Element]) -> String {
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(xml.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    // The indentation before `pos` when only whitespace precedes it on its line.
    let indent = |pos: usize| -> Option<&str> {
        let line = match line_starts.binary_search(&pos) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let before = xml.get(line_starts.get(line).copied().unwrap_or(0)..pos)?;
        before
            .bytes()
            .all(|b| b == b' ' || b == b'\t')
            .then_some(before)
    };
    let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for e in elements {
        let Some(p) = e.parent else { continue };
        let (Some(ci), Some(pi)) = (
            indent(e.start_tag.start as usize),
            indent(elements[p].start_tag.start as usize),
        ) else {
            continue;
        };
        if let Some(unit) = ci.strip_prefix(pi).filter(|u| !u.is_empty()) {
            *counts.entry(unit).or_insert(0) += 1;
        }
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.len().cmp(&a.0.len())))
        .map_or_else(|| "  ".to_string(), |(u, _)| u.to_string())
}

/// Split a destination name as `ActiveMQDestination.setPhysicalName` does:
/// trim, cut options at the first `?`, split composites on `,`. Returns
/// `None` for a name that is empty after trimming (which ActiveMQ rejects);
/// otherwise the components with their kind (`own` unless a component of a
/// composite carries a `queue://`/`topic://` prefix) and, for temporary
/// prefixes, `Err(component)`.
pub fn split_destination(
    raw: &str,
    own: DestKind,
) -> Option<Vec<Result<(DestKind, String), String>>> {
    let trimmed = raw.trim_matches(crate::semantics::is_java_trim);
    if trimmed.is_empty() {
        return None;
    }
    let (name, composite) = match trimmed.find('?') {
        Some(q) => (&trimmed[..q], trimmed[..q].contains(',')),
        None => (trimmed, trimmed.contains(',')),
    };
    if !composite {
        return Some(vec![Ok((own, name.to_string()))]);
    }
    let mut out: Vec<Result<(DestKind, String), String>> = Vec::new();
    for token in name.split(',') {
        let token = token.trim_matches(crate::semantics::is_java_trim);
        if token.is_empty() {
            continue;
        }
        let comp = if let Some(n) = token.strip_prefix("queue://") {
            Ok((DestKind::Queue, n.to_string()))
        } else if let Some(n) = token.strip_prefix("topic://") {
            Ok((DestKind::Topic, n.to_string()))
        } else if token.starts_with("temp-queue://") || token.starts_with("temp-topic://") {
            Err(token.to_string())
        } else {
            Ok((own, token.to_string()))
        };
        if !out.contains(&comp) {
            out.push(comp);
        }
    }
    Some(out)
}

/// Read a boolean as Spring's `CustomBooleanEditor` does.
fn spring_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "on" | "yes" | "1" => Some(true),
        "false" | "off" | "no" | "0" => Some(false),
        _ => None,
    }
}

fn gather_facts(elements: &[Element], broker: usize) -> ConfigFacts {
    let mut facts = ConfigFacts::default();
    let b = &elements[broker];
    if let Some(a) = b.attr("advisorySupport") {
        facts.advisory_support = Some((a.value.clone(), a.value_span));
        facts.advisory_support_enabled = spring_bool(&a.value);
    }
    for &c in &b.children {
        if elements[c].is_amq("destinations") {
            for &d in &elements[c].children {
                let e = &elements[d];
                let kind = match e.local.as_str() {
                    "queue" => DestKind::Queue,
                    "topic" => DestKind::Topic,
                    _ => continue,
                };
                let Some(name) = e.attr("physicalName") else {
                    continue;
                };
                for (k, n) in split_destination(&name.value, kind)
                    .into_iter()
                    .flatten()
                    .flatten()
                {
                    facts.destinations.push(DeclaredDestination {
                        kind: k,
                        name: n,
                        span: e.span,
                    });
                }
            }
        }
        if elements[c].is_amq("plugins") {
            for &p in &elements[c].children {
                if !elements[p].is_amq("simpleAuthenticationPlugin") {
                    continue;
                }
                let mut stack = vec![p];
                while let Some(i) = stack.pop() {
                    let e = &elements[i];
                    if e.local == "authenticationUser" {
                        if let Some(u) = e.attr("username") {
                            facts.users.push(ConfiguredUser {
                                username: u.value.clone(),
                                groups: GroupList::parse(
                                    e.attr("groups").map_or("", |g| g.value.as_str()),
                                ),
                                span: e.span,
                            });
                        }
                    }
                    stack.extend(e.children.iter().rev().copied());
                }
            }
        }
    }
    facts
}

/// Find the span of the string literal that is the value of top-level key
/// `key` in a JSON object text (best effort; `None` when not found).
fn json_string_span(text: &str, key: &str) -> Option<Span> {
    let needle = format!("\"{key}\"");
    let mut from = 0;
    while let Some(k) = text[from..].find(&needle) {
        let after = from + k + needle.len();
        let rest = &text[after..];
        let colon = rest.len() - rest.trim_start().len();
        if rest[colon..].starts_with(':') {
            let v = &rest[colon + 1..];
            let ws = v.len() - v.trim_start().len();
            let vstart = after + colon + 1 + ws;
            if text[vstart..].starts_with('"') {
                let bytes = text.as_bytes();
                let mut i = vstart + 1;
                while i < bytes.len() {
                    match bytes[i] {
                        b'\\' => i += 2,
                        b'"' => return Some(Span::new(vstart, i + 1)),
                        _ => i += 1,
                    }
                }
            }
            return Some(Span::new(vstart, text.len()));
        }
        from = after;
    }
    None
}

fn json_error(id: SourceId, file: &SourceFile, span: Span, message: String) -> Diagnostic {
    Diagnostic::error(INVALID_CONFIG_JSON, message)
        .primary(id, span, "")
        .help("give an AWS CLI configuration JSON (`aws mq describe-configuration-revision`) with the base64 XML in `Data`, or the XML itself")
        .note(format!("in `{}`", file.name))
}

fn parse_json(id: SourceId, file: &SourceFile) -> Result<ConfigDoc, Vec<Diagnostic>> {
    let text = &file.text;
    let base = bom_len(text);
    let whole = Span::new(base, text.len());
    let value: serde_json::Value = match serde_json::from_str(&text[base..]) {
        Ok(v) => v,
        Err(e) => {
            let line = e.line().saturating_sub(1);
            let first_line_base = if line == 0 { base } else { 0 };
            let at = (file.line_start(line) + first_line_base + e.column().saturating_sub(1))
                .min(text.len());
            return Err(vec![json_error(
                id,
                file,
                Span::new(at, at),
                format!("the configuration is not valid JSON: {e}"),
            )]);
        }
    };
    let serde_json::Value::Object(object) = value else {
        return Err(vec![json_error(
            id,
            file,
            whole,
            "the configuration JSON is not an object".into(),
        )]);
    };
    let data_span = json_string_span(text, "Data").unwrap_or(whole);
    let data = match object.get("Data") {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(_) => {
            return Err(vec![json_error(
                id,
                file,
                data_span,
                "the `Data` field is not a string".into(),
            )])
        }
        None => {
            return Err(vec![json_error(
                id,
                file,
                whole,
                "the configuration JSON has no `Data` field".into(),
            )])
        }
    };
    use base64::Engine;
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    let compact: String = data.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let bytes = engine.decode(compact.as_bytes()).map_err(|e| {
        vec![Diagnostic::error(
            INVALID_CONFIG_DATA,
            format!("the `Data` field is not valid base64: {e}"),
        )
        .primary(id, data_span, "")
        .help(
            "`Data` holds the XML encoded with standard base64, e.g. `base64 --wrap=0 broker.xml`",
        )]
    })?;
    let xml = String::from_utf8(bytes).map_err(|e| {
        vec![Diagnostic::error(
            INVALID_CONFIG_DATA,
            format!("the XML decoded from `Data` is not UTF-8: {e}"),
        )
        .primary(id, data_span, "")
        .help("encode the configuration as UTF-8 before base64")]
    })?;
    let loc = Locator {
        id,
        json_data: Some(data_span),
        xml: &xml,
    };
    let tree = parse_xml(&xml, &loc)?;
    let mut doc = ConfigDoc::from_tree(id, xml.clone(), tree, None, &loc)?;
    let inner = root_format(&doc);
    doc.format = ConfigFormat::AwsJson(AwsJson {
        object,
        data_span,
        inner: Box::new(inner),
    });
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<ConfigDoc, Vec<Diagnostic>> {
        ConfigDoc::parse(SourceId(0), &SourceFile::new("t.xml", text))
    }

    fn code(text: &str) -> &'static str {
        match parse(text) {
            Ok(_) => "ok",
            Err(d) => d[0].code.name,
        }
    }

    const SPRING: &str = r#"<?xml version="1.0"?>
<beans xmlns="http://www.springframework.org/schema/beans">
    <broker xmlns="http://activemq.apache.org/schema/core" advisorySupport="false">
        <destinations>
            <queue physicalName=" Q.A?x=1 "/>
            <topic physicalName="T.A"/>
        </destinations>
        <plugins>
            <!-- <authorizationPlugin/> -->
            <simpleAuthenticationPlugin>
                <users>
                    <authenticationUser username="u" password="p" groups="g1, g2"/>
                </users>
            </simpleAuthenticationPlugin>
        </plugins>
    </broker>
</beans>
"#;

    #[test]
    fn spring_document() {
        let doc = parse(SPRING).expect("parses");
        assert_eq!(doc.format, ConfigFormat::Spring);
        assert_eq!(doc.indent_unit, "    ");
        assert_eq!(doc.line_end, "\n");
        assert!(doc.plugins.is_some());
        assert!(doc.authorization_plugin.is_none());
        assert_eq!(doc.facts.advisory_support_enabled, Some(false));
        assert_eq!(doc.facts.destinations.len(), 2);
        assert_eq!(doc.facts.destinations[0].name, "Q.A");
        assert_eq!(doc.facts.users[0].username, "u");
        assert_eq!(doc.facts.users[0].groups.groups.len(), 2);
    }

    #[test]
    fn prefixed_broker() {
        let doc = parse(
            "<amq:broker xmlns:amq=\"http://activemq.apache.org/schema/core\">\r\n\t<amq:plugins>\r\n\t\t<amq:authorizationPlugin/>\r\n\t</amq:plugins>\r\n</amq:broker>",
        )
        .expect("parses");
        assert_eq!(doc.format, ConfigFormat::AmazonMq);
        assert_eq!(doc.line_end, "\r\n");
        assert_eq!(doc.indent_unit, "\t");
        assert!(doc.authorization_plugin.is_some());
    }

    #[test]
    fn refusals() {
        assert_eq!(code("<broker>"), "malformed-xml");
        assert_eq!(code("<a></b>"), "malformed-xml");
        assert_eq!(code("<a/><b/>"), "malformed-xml");
        assert_eq!(code("<beans/>"), "no-broker");
        assert_eq!(code("<broker/>"), "no-broker");
        let ns = "xmlns=\"http://activemq.apache.org/schema/core\"";
        assert_eq!(
            code(&format!("<beans><broker {ns}/><broker {ns}/></beans>")),
            "several-brokers"
        );
        assert_eq!(
            code("<!DOCTYPE b [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;\">]><b>&b;</b>"),
            "doctype-not-allowed"
        );
        assert_eq!(
            code("<!DOCTYPE b [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><b>&x;</b>"),
            "doctype-not-allowed"
        );
        assert_eq!(
            code("<!DOCTYPE b [<!ATTLIST b a CDATA \"x\">]><b/>"),
            "doctype-not-allowed"
        );
        assert_eq!(code("<!DOCTYPE b []><b/>"), "no-broker");
        assert_eq!(code("<!DOCTYPE b SYSTEM \"b.dtd\"><b/>"), "no-broker");
        assert_eq!(code("<b a=\"&x;\"/>"), "entity-not-allowed");
        assert_eq!(code("<b>&x;</b>"), "entity-not-allowed");
        assert_eq!(code("<b a=\"&#0;\"/>"), "malformed-xml");
        assert_eq!(code("<b a=\"1\" a=\"2\"/>"), "malformed-xml");
        assert_eq!(code(""), "malformed-xml");
        assert_eq!(code("\u{feff}\u{feff}<b/>"), "malformed-xml");
    }

    #[test]
    fn second_byte_order_mark_is_refused() {
        assert_eq!(code("\u{feff}\u{feff}\n"), "malformed-xml");
        assert_eq!(
            code("\u{feff}\u{feff}<broker xmlns=\"http://activemq.apache.org/schema/core\"/>"),
            "malformed-xml"
        );
    }

    #[test]
    fn malformed_has_position() {
        let err = parse("<beans>\n  <broker a=\"1>\n</beans>").expect_err("malformed");
        assert_eq!(err[0].code.name, "malformed-xml");
        assert!(!err[0].labels.is_empty());
    }

    #[test]
    fn attribute_values_are_decoded() {
        let doc = parse(
            "<broker xmlns=\"http://activemq.apache.org/schema/core\" a=\"x&amp;&lt;&#x41;&#66;\ty\"/>",
        )
        .expect("parses");
        assert_eq!(
            doc.elements[0].attr("a").map(|a| a.value.as_str()),
            Some("x&<AB y")
        );
    }

    #[test]
    fn composites_split() {
        let got = split_destination(" CA,CB , topic://CT,,CA?x", DestKind::Queue).expect("some");
        assert_eq!(
            got,
            vec![
                Ok((DestKind::Queue, "CA".to_string())),
                Ok((DestKind::Queue, "CB".to_string())),
                Ok((DestKind::Topic, "CT".to_string())),
            ]
        );
        assert_eq!(
            split_destination("topic://X", DestKind::Queue),
            Some(vec![Ok((DestKind::Queue, "topic://X".to_string()))])
        );
        assert_eq!(split_destination("  ", DestKind::Queue), None);
    }

    #[test]
    fn json_wrapper() {
        use base64::Engine;
        let xml = "<broker xmlns=\"http://activemq.apache.org/schema/core\"/>";
        let data = base64::engine::general_purpose::STANDARD.encode(xml);
        let text = format!("{{\"ConfigurationId\": \"c-1\", \"Data\": \"{data}\"}}");
        let doc = parse(&text).expect("parses");
        assert!(doc.is_json());
        assert_eq!(doc.xml, xml);
        assert_eq!(code("{\"Data\": \"***\"}"), "invalid-config-data");
        assert_eq!(code("{\"Id\": \"c-1\"}"), "invalid-config-json");
        assert_eq!(code("{\"Data\": 3}"), "invalid-config-json");
        assert_eq!(code("[1]"), "invalid-config-json");
        assert_eq!(code("{"), "invalid-config-json");
    }

    #[test]
    fn large_inputs_stay_fast() {
        let ns = "xmlns=\"http://activemq.apache.org/schema/core\"";
        let flat = format!(
            "<broker {ns}><plugins>{}</plugins></broker>",
            "<x a=\"1\"/>".repeat(100_000)
        );
        let t = std::time::Instant::now();
        let doc = parse(&flat).expect("parses");
        assert_eq!(doc.elements.len(), 100_002);
        let deep = format!(
            "<broker {ns}>{}{}</broker>",
            "<a>".repeat(100_000),
            "</a>".repeat(100_000)
        );
        parse(&deep).expect("parses");
        assert!(t.elapsed().as_secs() < 20);
    }
}
