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
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};

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
///
/// Parsing reads the whole text once, checking that it is well-formed, but
/// keeps elements only where mqauthz looks: [`ConfigDoc::elements`] is the
/// document's skeleton (see there). The elements of the authorization plugin
/// and the facts are built from their byte spans when first asked for.
#[derive(Clone, Debug)]
pub struct ConfigDoc {
    /// The file the document came from.
    pub source: SourceId,
    /// How it was given.
    pub format: ConfigFormat,
    /// The XML text (the file text, or the decoded `Data` of AWS JSON).
    pub xml: Arc<str>,
    /// The skeleton of the document, in document order; index 0 is the
    /// root. It holds the root, every element named `broker` and every
    /// `authorizationPlugin` of the ActiveMQ namespace with all their
    /// ancestors, the children of the `<broker>` and of its `<plugins>`,
    /// and the map elements of other types (LDAP...) inside a plugin.
    /// `children` lists the children kept here; the whole content of the
    /// plugin is in [`ConfigDoc::plugin_elements`].
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
    /// The namespace bindings in scope at the authorization plugin.
    plugin_scope: Bindings,
    /// The plugin's elements, built on first use.
    plugin_tree: OnceLock<Vec<Element>>,
    /// Facts of the broker, gathered on first use.
    facts: OnceLock<ConfigFacts>,
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
        let skeleton = parse_xml(text, &loc)?;
        let mut doc = ConfigDoc::from_skeleton(id, Arc::clone(text), skeleton, Some(id), &loc)?;
        doc.format = root_format(&doc);
        Ok(doc)
    }

    /// Facts of the broker that analyses use besides the map: its
    /// `advisorySupport`, the destinations it declares, its users.
    pub fn facts(&self) -> &ConfigFacts {
        self.facts.get_or_init(|| gather_facts(self))
    }

    /// Every element of the `<authorizationPlugin>`: index 0 is the plugin
    /// itself (with no parent), `children` index into this slice, spans are
    /// those of [`ConfigDoc::xml`]. Empty when there is no plugin.
    pub fn plugin_elements(&self) -> &[Element] {
        self.plugin_tree
            .get_or_init(|| match self.authorization_plugin {
                Some(p) => build_subtree(
                    &self.xml,
                    self.elements[p].span,
                    &self.plugin_scope,
                    usize::MAX,
                ),
                None => Vec::new(),
            })
    }

    /// Register the decoded XML of an AWS JSON document as its own source so
    /// later diagnostics and entry locations point into it. Returns the file
    /// to register; call [`ConfigDoc::set_xml_source`] with its id.
    pub fn decoded_xml_file(&self, name: &str) -> Option<SourceFile> {
        match self.format {
            ConfigFormat::AwsJson(_) => Some(SourceFile::shared(
                format!("{name}#Data"),
                Arc::clone(&self.xml),
            )),
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

    /// Child elements of `index` that the skeleton keeps.
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

    fn from_skeleton(
        id: SourceId,
        xml: Arc<str>,
        skeleton: Skeleton,
        xml_source: Option<SourceId>,
        loc: &Locator,
    ) -> Result<ConfigDoc, Vec<Diagnostic>> {
        let Skeleton {
            elements,
            indent_unit,
            line_end,
            mut plugin_scopes,
        } = skeleton;
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
        // The map of another type found first walking the plugin's children
        // last to first, depth first: of those not inside another, the last.
        let other_map = authorization_plugin.and_then(|p| {
            let within = elements[p].span;
            let mut found: Option<usize> = None;
            for (i, e) in elements.iter().enumerate().skip(p + 1) {
                if e.span.start >= within.end {
                    break;
                }
                let nested = found.is_some_and(|f| e.span.end <= elements[f].span.end);
                if !nested && OTHER_MAP_TYPES.contains(&e.local.as_str()) {
                    found = Some(i);
                }
            }
            found
        });
        let plugin_scope = authorization_plugin
            .and_then(|p| {
                let at = plugin_scopes.iter().position(|(i, _)| *i == p)?;
                Some(plugin_scopes.swap_remove(at).1)
            })
            .unwrap_or_default();
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
            plugin_scope,
            plugin_tree: OnceLock::new(),
            facts: OnceLock::new(),
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

/// Namespace bindings: prefix (`None` for the default namespace) and URI.
type Bindings = Vec<(Option<String>, String)>;

/// What the pass over the whole text keeps.
struct Skeleton {
    elements: Vec<Element>,
    indent_unit: String,
    line_end: &'static str,
    /// For each `authorizationPlugin` of the ActiveMQ namespace: its index
    /// and the namespace bindings in scope at it.
    plugin_scopes: Vec<(usize, Bindings)>,
}

/// An element whose end tag has not been read yet.
struct Open<'a> {
    name: &'a str,
    start: usize,
    tag_end: usize,
    /// The blanks before the start tag when nothing else precedes it on
    /// its line.
    indent: Option<&'a str>,
    /// The namespace of the element (an index into [`Scopes::uris`]).
    ns: Option<u32>,
    /// [`Scopes::declared`] before this element's declarations.
    ns_mark: usize,
    /// Index in the skeleton, once kept.
    index: Option<usize>,
    /// Keep every child in the skeleton.
    kids: bool,
    /// A `broker` of the ActiveMQ namespace.
    amq_broker: bool,
    /// Inside (or itself) an `authorizationPlugin` of the ActiveMQ namespace.
    in_plugin: bool,
}

/// The namespace declarations in scope, borrowed from the text. A lookup
/// costs the same at any nesting depth, and the last one is remembered
/// until a declaration comes or goes.
struct Scopes<'a> {
    /// Every URI declared so far; index 0 is the `xml` prefix's.
    uris: Vec<Cow<'a, str>>,
    /// Per URI, whether it is the ActiveMQ namespace.
    amq: Vec<bool>,
    /// Per prefix (`None` for the default namespace), the URIs declared by
    /// the open elements, innermost last.
    bindings: HashMap<Option<&'a str>, Vec<u32>>,
    /// The prefixes the open elements declared, innermost last.
    declared: Vec<Option<&'a str>>,
    generation: u64,
    last: Option<(Option<&'a str>, u64, Option<u32>)>,
}

const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

impl<'a> Scopes<'a> {
    fn new() -> Scopes<'a> {
        Scopes {
            uris: vec![Cow::Borrowed(XML_NS)],
            amq: vec![false],
            bindings: HashMap::new(),
            declared: Vec::new(),
            generation: 0,
            last: None,
        }
    }

    /// Enter an element with these (checked) attributes.
    fn open(&mut self, attrs: &[RawAttr<'a>]) {
        for a in attrs {
            if a.name.as_bytes().first() != Some(&b'x') || !a.name.starts_with("xmlns") {
                continue;
            }
            let prefix = if a.name == "xmlns" {
                None
            } else if let Some(p) = a.name.strip_prefix("xmlns:") {
                Some(p)
            } else {
                continue;
            };
            let Ok(index) = u32::try_from(self.uris.len()) else {
                continue;
            };
            self.push_uri(a.value());
            self.bindings.entry(prefix).or_default().push(index);
            self.declared.push(prefix);
            self.generation += 1;
        }
    }

    /// Leave the elements that declared `declared[mark..]`.
    fn close(&mut self, mark: usize) {
        while self.declared.len() > mark {
            if let Some(prefix) = self.declared.pop() {
                if let Some(uris) = self.bindings.get_mut(&prefix) {
                    uris.pop();
                }
            }
            self.generation += 1;
        }
    }

    /// The namespace `prefix` resolves to.
    fn resolve(&mut self, prefix: Option<&'a str>) -> Option<u32> {
        if prefix == Some("xml") {
            return Some(0);
        }
        if let Some((p, g, ns)) = self.last {
            if p == prefix && g == self.generation {
                return ns;
            }
        }
        let ns = self
            .bindings
            .get(&prefix)
            .and_then(|u| u.last().copied())
            .filter(|&i| !self.uri(i).is_empty());
        self.last = Some((prefix, self.generation, ns));
        ns
    }

    fn push_uri(&mut self, uri: Cow<'a, str>) {
        self.amq.push(uri == AMQ_NS);
        self.uris.push(uri);
    }

    /// Whether the namespace `index` is the ActiveMQ one.
    fn is_amq(&self, index: Option<u32>) -> bool {
        index.is_some_and(|i| self.amq.get(i as usize).copied().unwrap_or(false))
    }

    fn uri(&self, index: u32) -> &str {
        self.uris.get(index as usize).map_or("", |u| u.as_ref())
    }

    /// The bindings in scope, owned.
    fn snapshot(&self) -> Bindings {
        self.bindings
            .iter()
            .filter_map(|(p, u)| {
                let i = *u.last()?;
                Some((p.map(str::to_string), self.uri(i).to_string()))
            })
            .collect()
    }
}

/// How often each indentation step occurs between a parent and a child.
#[derive(Default)]
struct IndentSteps<'a> {
    counts: Vec<(&'a str, usize)>,
    last: usize,
}

impl<'a> IndentSteps<'a> {
    fn add(&mut self, child: Option<&'a str>, parent: Option<&'a str>) {
        let (Some(c), Some(p)) = (child, parent) else {
            return;
        };
        // Indentation is a few blanks: compare in place.
        if c.len() <= p.len() || !short_eq(&c[..p.len()], p) {
            return;
        }
        let unit = &c[p.len()..];
        if let Some(e) = self
            .counts
            .get_mut(self.last)
            .filter(|e| short_eq(e.0, unit))
        {
            e.1 += 1;
            return;
        }
        match self.counts.iter().position(|e| e.0 == unit) {
            Some(i) => {
                self.counts[i].1 += 1;
                self.last = i;
            }
            None => {
                self.last = self.counts.len();
                self.counts.push((unit, 1));
            }
        }
    }

    /// The most frequent step (the shorter one on a tie, then the greater
    /// string), two spaces when there is none.
    fn unit(mut self) -> String {
        self.counts.sort_unstable();
        self.counts
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.len().cmp(&a.0.len())))
            .map_or_else(|| "  ".to_string(), |(u, _)| u.to_string())
    }
}

/// Where a checked start tag is, and what is known about it.
struct Tag<'a> {
    start: usize,
    end: usize,
    /// An empty-element tag.
    empty: bool,
    /// The result of [`line_indent`] at `start`, when already known.
    indent: Option<Option<&'a str>>,
    /// Whether an attribute may declare a namespace.
    declares: bool,
}

/// The skeleton being built while the text is read, shared by the fast
/// scanner and the quick-xml pass.
struct Pass<'a> {
    text: &'a str,
    elements: Vec<Element>,
    plugin_scopes: Vec<(usize, Bindings)>,
    stack: Vec<Open<'a>>,
    scopes: Scopes<'a>,
    steps: IndentSteps<'a>,
    roots: usize,
}

impl<'a> Pass<'a> {
    fn new(text: &'a str) -> Pass<'a> {
        Pass {
            text,
            elements: Vec::new(),
            plugin_scopes: Vec::new(),
            stack: Vec::new(),
            scopes: Scopes::new(),
            steps: IndentSteps::default(),
            roots: 0,
        }
    }

    /// Count a root element when nothing is open; whether it is the first.
    fn enter_root(&mut self) -> bool {
        if self.stack.is_empty() {
            self.roots += 1;
            self.roots == 1
        } else {
            true
        }
    }

    /// A checked start tag (or empty-element tag) named `name` with `attrs`,
    /// spanning `start..end`.
    fn start(&mut self, name: &'a str, attrs: &[RawAttr<'a>], tag: Tag<'a>) {
        let Tag {
            start,
            end,
            empty,
            indent,
            declares,
        } = tag;
        let text = self.text;
        let ns_mark = self.scopes.declared.len();
        if declares {
            self.scopes.open(attrs);
        }
        let (prefix, local) = split_qname(name);
        let ns = self.scopes.resolve(prefix);
        let amq = self.scopes.is_amq(ns);
        let parent = self.stack.last();
        let plugin = amq && local == "authorizationPlugin";
        let in_plugin = plugin || parent.is_some_and(|p| p.in_plugin);
        let keep = parent.is_none_or(|p| p.kids)
            || local == "broker"
            || plugin
            || (in_plugin && OTHER_MAP_TYPES.contains(&local));
        let amq_broker = amq && local == "broker";
        let kids =
            amq_broker || (amq && local == "plugins" && parent.is_some_and(|p| p.amq_broker));
        let indent = indent.unwrap_or_else(|| line_indent(text, start));
        self.steps.add(indent, parent.and_then(|p| p.indent));
        let index = if keep {
            let parent = keep_ancestors(text, &mut self.stack, &mut self.elements, &self.scopes);
            let index = self.elements.len();
            let ns = ns.map(|i| self.scopes.uri(i).to_string());
            self.elements
                .push(element_of(name, attrs, ns, start, end, parent));
            if let Some(p) = parent {
                self.elements[p].children.push(index);
            }
            if plugin {
                self.plugin_scopes.push((index, self.scopes.snapshot()));
            }
            Some(index)
        } else {
            None
        };
        if empty {
            self.scopes.close(ns_mark);
        } else {
            self.stack.push(Open {
                name,
                start,
                tag_end: end,
                indent,
                ns,
                ns_mark,
                index,
                kids,
                amq_broker,
                in_plugin,
            });
        }
    }

    /// Close the innermost open element (its end tag, checked against its
    /// name, spans `start..end`).
    fn end(&mut self, open: Open<'a>, start: usize, end: usize) {
        self.scopes.close(open.ns_mark);
        if let Some(e) = open.index.and_then(|i| self.elements.get_mut(i)) {
            e.end_tag = Some(Span::new(start, end));
            e.span = Span::new(e.span.start as usize, end);
        }
    }

    /// The skeleton, once the whole text is read and every element closed.
    /// `no_cr`: the text is known to hold no carriage return.
    fn finish(self, no_cr: bool) -> Skeleton {
        Skeleton {
            elements: self.elements,
            indent_unit: self.steps.unit(),
            line_end: if no_cr {
                "\n"
            } else {
                detect_line_end(self.text)
            },
            plugin_scopes: self.plugin_scopes,
        }
    }
}

/// Read the XML text once: check that it is well-formed and safe, and keep
/// the skeleton (see [`ConfigDoc::elements`]).
///
/// A fast scanner reads documents made of elements, attributes, text,
/// comments and processing instructions; it accepts only what the quick-xml
/// pass accepts, and gives up on anything else (a DOCTYPE, CDATA, any
/// error), which the quick-xml pass then reads and reports.
fn parse_xml(text: &str, loc: &Locator) -> Result<Skeleton, Vec<Diagnostic>> {
    match parse_fast(text) {
        Some(skeleton) => Ok(skeleton),
        None => parse_checked(text, loc),
    }
}

/// How much text the scanner reads before looking for carriage returns
/// in it.
const CR_BLOCK: usize = 16 * 1024;

/// Character data shorter than this is read byte by byte.
const SHORT_TEXT: usize = 64;

/// XML whitespace.
#[inline]
fn is_xml_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// The fast scanner of [`parse_xml`]: `None` when the document holds
/// anything it does not read, or anything wrong.
fn parse_fast(text: &str) -> Option<Skeleton> {
    let base = bom_len(text);
    if text[base..].starts_with('\u{feff}') {
        return None;
    }
    let bytes = text.as_bytes();
    let mut pass = Pass::new(text);
    let mut attrs: Vec<RawAttr> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut i = base;
    // Carriage returns are looked for in the text just read, while it is
    // still in the cache: up to `cr_checked`, found or not (`cr`).
    let mut cr_checked = 0;
    let mut cr = false;
    loop {
        if i - cr_checked >= CR_BLOCK {
            cr = cr || memchr::memchr(b'\r', &bytes[cr_checked..i]).is_some();
            cr_checked = i;
        }
        // Character data up to the next markup: usually a line end and
        // some indentation, read byte by byte (noting where the last line
        // starts and whether it holds only blanks), otherwise with memchr.
        let mut lt = i;
        let mut line: Option<usize> = None;
        let mut amp = false;
        let short_end = bytes.len().min(i + SHORT_TEXT);
        while lt < short_end {
            match bytes[lt] {
                b'<' => break,
                b'\n' => line = Some(lt + 1),
                b' ' => {
                    if word_at(bytes, lt) == Some(ONES * u64::from(b' ')) {
                        lt += 8;
                        continue;
                    }
                }
                b'\t' => {}
                b'&' => {
                    amp = true;
                    line = None;
                }
                _ => line = None,
            }
            lt += 1;
        }
        let mut indent = line.map(|l| text.get(l..lt));
        if lt < bytes.len() && bytes[lt] != b'<' {
            lt = memchr::memchr(b'<', &bytes[lt..]).map_or(bytes.len(), |n| lt + n);
            amp = true;
            indent = None;
        }
        if lt > i {
            let run = text.get(i..lt)?;
            if pass.stack.is_empty() {
                if !run.bytes().all(is_xml_space) {
                    return None;
                }
            } else if amp {
                check_refs(run, i).ok()?;
            }
        }
        i = lt;
        if i >= bytes.len() {
            break;
        }
        match bytes.get(i + 1)? {
            b'/' => {
                let open = pass.stack.pop()?;
                let name_end = i + 2 + open.name.len();
                if bytes.get(i + 2..name_end)? != open.name.as_bytes() {
                    return None;
                }
                let mut j = name_end;
                while bytes.get(j).is_some_and(|&b| is_xml_space(b)) {
                    j += 1;
                }
                if *bytes.get(j)? != b'>' {
                    return None;
                }
                pass.end(open, i, j + 1);
                i = j + 1;
            }
            b'!' => {
                // Only comments; a body that neither is empty nor starts
                // with `-`, holding no `--` before its end.
                if !bytes[i..].starts_with(b"<!--") || matches!(bytes.get(i + 4)?, b'-' | b'>') {
                    return None;
                }
                let mut k = i + 4;
                loop {
                    k += memchr::memchr(b'-', bytes.get(k..)?)?;
                    if *bytes.get(k + 1)? == b'-' {
                        break;
                    }
                    k += 1;
                }
                if *bytes.get(k + 2)? != b'>' {
                    return None;
                }
                i = k + 3;
            }
            b'?' => {
                let j = i + 2 + memchr::memchr(b'>', bytes.get(i + 2..)?)?;
                if j < i + 4 || bytes[j - 1] != b'?' {
                    return None;
                }
                i = j + 1;
            }
            _ => {
                if !pass.enter_root() {
                    return None;
                }
                let (name, end, empty, declares) = scan_open_tag(text, i, &mut attrs, &mut seen)?;
                let tag = Tag {
                    start: i,
                    end,
                    empty,
                    indent,
                    declares,
                };
                pass.start(name, &attrs, tag);
                i = end;
            }
        }
    }
    if !pass.stack.is_empty() || pass.elements.is_empty() {
        return None;
    }
    let no_cr = !cr && memchr::memchr(b'\r', &bytes[cr_checked..]).is_none();
    Some(pass.finish(no_cr))
}

/// Read and check the start tag (or empty-element tag) at byte `at` of
/// `text` in one go: its name, the end of the tag, whether it is empty;
/// its attributes go into `attrs`. `None` on anything but a well-formed
/// tag separated by XML whitespace.
fn scan_open_tag<'a>(
    text: &'a str,
    at: usize,
    attrs: &mut Vec<RawAttr<'a>>,
    seen: &mut HashSet<&'a str>,
) -> Option<(&'a str, usize, bool, bool)> {
    attrs.clear();
    let mut declares = false;
    let bytes = text.as_bytes();
    let tag_name_end = name_end(text, at + 1);
    let name = text.get(at + 1..tag_name_end)?;
    if name.is_empty() || name.starts_with(':') || name.ends_with(':') {
        return None;
    }
    let mut i = tag_name_end;
    loop {
        let ws_start = i;
        while bytes.get(i).is_some_and(|&b| is_xml_space(b)) {
            i += 1;
        }
        match *bytes.get(i)? {
            b'>' => return Some((name, i + 1, false, declares)),
            b'/' => {
                return (*bytes.get(i + 1)? == b'>').then_some((name, i + 2, true, declares));
            }
            _ => {}
        }
        if i == ws_start {
            return None;
        }
        let a_start = i;
        i = name_end(text, i);
        if i == a_start {
            return None;
        }
        let a_name = text.get(a_start..i)?;
        declares |= a_name.starts_with("xmlns");
        while bytes.get(i).is_some_and(|&b| is_xml_space(b)) {
            i += 1;
        }
        if *bytes.get(i)? != b'=' {
            return None;
        }
        i += 1;
        while bytes.get(i).is_some_and(|&b| is_xml_space(b)) {
            i += 1;
        }
        let quote = match *bytes.get(i)? {
            q @ (b'"' | b'\'') => q,
            _ => return None,
        };
        i += 1;
        let v_start = i;
        let mut refs = false;
        let value_end = loop {
            // Eight bytes at a time up to the closing quote, `<` or `&`,
            // then byte by byte.
            let mut found = false;
            while let Some(w) = word_at(bytes, i) {
                let stops = zero_bytes(w ^ (ONES * u64::from(quote)))
                    | zero_bytes(w ^ (ONES * u64::from(b'<')))
                    | zero_bytes(w ^ (ONES * u64::from(b'&')));
                if stops != 0 {
                    i += (stops.trailing_zeros() / 8) as usize;
                    found = true;
                    break;
                }
                i += 8;
            }
            if !found {
                while i < bytes.len() && VALUE_STOPS[usize::from(bytes[i])] == 0 {
                    i += 1;
                }
            }
            match *bytes.get(i)? {
                b'<' => return None,
                b'&' => refs = true,
                q if q == quote => break i,
                _ => {}
            }
            i += 1;
        };
        let raw_value = text.get(v_start..value_end)?;
        i = value_end + 1;
        if refs {
            check_refs(raw_value, v_start).ok()?;
        }
        let duplicate = is_duplicate(attrs, seen, a_name);
        if duplicate {
            return None;
        }
        attrs.push(RawAttr {
            name: a_name,
            raw: raw_value,
            start: a_start,
            value_start: v_start,
        });
    }
}

/// The quick-xml pass of [`parse_xml`], which reports what is wrong.
fn parse_checked(text: &str, loc: &Locator) -> Result<Skeleton, Vec<Diagnostic>> {
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
    let mut pass = Pass::new(text);
    let mut attrs: Vec<RawAttr> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
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
                if !pass.enter_root() {
                    return Err(vec![malformed(
                        loc,
                        start,
                        "a second root element; a document has exactly one",
                    )]);
                }
                let name = scan_tag(raw, start, empty, &mut attrs, &mut seen)
                    .map_err(|e| vec![e.into_diag(loc)])?;
                let tag = Tag {
                    start,
                    end,
                    empty,
                    indent: None,
                    declares: true,
                };
                pass.start(name, &attrs, tag);
            }
            Event::End(_) => {
                let Some(open) = pass.stack.pop() else {
                    return Err(vec![malformed(loc, start, "an end tag with no start tag")]);
                };
                let raw_name = raw.strip_prefix("</").unwrap_or(raw);
                let raw_name = raw_name.strip_suffix('>').unwrap_or(raw_name).trim_end();
                if raw_name != open.name {
                    return Err(vec![malformed(
                        loc,
                        start,
                        format!(
                            "end tag `</{raw_name}>` does not match start tag `<{}>`",
                            open.name
                        ),
                    )]);
                }
                pass.end(open, start, end);
            }
            Event::Text(_) => {
                if pass.stack.is_empty() && !raw.trim().is_empty() {
                    return Err(vec![malformed(
                        loc,
                        start + (raw.len() - raw.trim_start().len()),
                        "text outside the root element",
                    )]);
                }
                check_refs(raw, start).map_err(|e| vec![e.into_diag(loc)])?;
            }
            Event::CData(_) => {
                if pass.stack.is_empty() {
                    return Err(vec![malformed(
                        loc,
                        start,
                        "CDATA outside the root element",
                    )]);
                }
            }
            Event::DocType(_) => {
                if pass.roots > 0 {
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
    if let Some(open) = pass.stack.last() {
        return Err(vec![malformed(
            loc,
            open.start,
            format!("element `<{}>` is not closed", open.name),
        )]);
    }
    if pass.elements.is_empty() {
        return Err(vec![malformed(
            loc,
            text.len(),
            "the document has no root element",
        )]);
    }
    Ok(pass.finish(false))
}

/// Keep every open element that is not kept yet (outermost first, so the
/// skeleton stays in document order); the index of the innermost one.
fn keep_ancestors(
    text: &str,
    stack: &mut [Open],
    elements: &mut Vec<Element>,
    scopes: &Scopes,
) -> Option<usize> {
    let mut parent: Option<usize> = None;
    for open in stack.iter_mut() {
        if let Some(i) = open.index {
            parent = Some(i);
            continue;
        }
        let raw = text.get(open.start..open.tag_end).unwrap_or("");
        let mut attrs = Vec::new();
        let mut seen = HashSet::new();
        // The tag was checked when it was read.
        let name = scan_tag(raw, open.start, false, &mut attrs, &mut seen).unwrap_or(open.name);
        let index = elements.len();
        let ns = open.ns.map(|i| scopes.uri(i).to_string());
        elements.push(element_of(
            name,
            &attrs,
            ns,
            open.start,
            open.tag_end,
            parent,
        ));
        if let Some(p) = parent {
            elements[p].children.push(index);
        }
        open.index = Some(index);
        parent = Some(index);
    }
    parent
}

/// An owned element from a checked tag spanning `start..end`.
fn element_of(
    name: &str,
    attrs: &[RawAttr],
    ns: Option<String>,
    start: usize,
    end: usize,
    parent: Option<usize>,
) -> Element {
    let (prefix, local) = split_qname(name);
    Element {
        name: name.to_string(),
        prefix: prefix.map(str::to_string),
        local: local.to_string(),
        ns,
        span: Span::new(start, end),
        start_tag: Span::new(start, end),
        end_tag: None,
        attrs: attrs.iter().map(|a| a.to_attr()).collect(),
        children: Vec::new(),
        parent,
    }
}

/// Build every element inside `span` (an element of `xml` that was checked
/// by [`parse_xml`]), down to `max_depth` levels below it, with namespaces
/// resolved from `scope` (the bindings in scope at the element). Index 0 is
/// the element itself; spans stay those of `xml`.
fn build_subtree(
    xml: &str,
    span: Span,
    scope: &[(Option<String>, String)],
    max_depth: usize,
) -> Vec<Element> {
    let from = span.start as usize;
    let Some(part) = xml.get(from..span.end as usize) else {
        return Vec::new();
    };
    let mut reader = Reader::from_str(part);
    {
        let cfg = reader.config_mut();
        cfg.expand_empty_elements = false;
        cfg.trim_text(false);
    }
    let mut scopes = Scopes::new();
    for (p, u) in scope {
        if let Ok(i) = u32::try_from(scopes.uris.len()) {
            scopes.push_uri(Cow::Borrowed(u.as_str()));
            scopes.bindings.entry(p.as_deref()).or_default().push(i);
        }
    }
    let mut elements: Vec<Element> = Vec::new();
    // Per open element: its index when built, and the declarations mark.
    let mut stack: Vec<(Option<usize>, usize)> = Vec::new();
    let mut attrs: Vec<RawAttr> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    loop {
        let start = from + usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = match reader.read_event() {
            Ok(Event::Eof) | Err(_) => break,
            Ok(e) => e,
        };
        let end = from + usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let Some(raw) = xml.get(start..end) else {
            break;
        };
        match event {
            Event::Start(_) | Event::Empty(_) => {
                let empty = matches!(event, Event::Empty(_));
                let parent = stack.last().and_then(|s| s.0);
                let built = if stack.len() <= max_depth && (stack.is_empty() || parent.is_some()) {
                    let Ok(name) = scan_tag(raw, start, empty, &mut attrs, &mut seen) else {
                        break;
                    };
                    let mark = scopes.declared.len();
                    scopes.open(&attrs);
                    let ns = scopes
                        .resolve(split_qname(name).0)
                        .map(|i| scopes.uri(i).to_string());
                    let index = elements.len();
                    elements.push(element_of(name, &attrs, ns, start, end, parent));
                    if let Some(p) = parent {
                        elements[p].children.push(index);
                    }
                    if empty {
                        scopes.close(mark);
                    }
                    (Some(index), mark)
                } else {
                    (None, scopes.declared.len())
                };
                if !empty {
                    stack.push(built);
                }
            }
            Event::End(_) => {
                let Some((index, mark)) = stack.pop() else {
                    break;
                };
                scopes.close(mark);
                if let Some(e) = index.and_then(|i| elements.get_mut(i)) {
                    e.end_tag = Some(Span::new(start, end));
                    e.span = Span::new(e.span.start as usize, end);
                }
                if stack.is_empty() {
                    break;
                }
            }
            _ => {}
        }
    }
    elements
}

/// Child elements of `e` in `elements` (the vector `e` belongs to).
pub fn children_in<'a>(
    elements: &'a [Element],
    e: &'a Element,
) -> impl Iterator<Item = (usize, &'a Element)> + 'a {
    e.children
        .iter()
        .filter_map(move |&c| elements.get(c).map(|el| (c, el)))
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

/// Up to this many attributes, duplicates are found by comparing.
const FEW: usize = 16;

/// Whether the tag being scanned already has an attribute `name` (`attrs`
/// so far): compared in place for a few, through `seen` (filled once the
/// tag has `FEW`) beyond.
fn is_duplicate<'a>(attrs: &[RawAttr<'a>], seen: &mut HashSet<&'a str>, name: &'a str) -> bool {
    if attrs.len() < FEW {
        return attrs.iter().any(|a| short_eq(a.name, name));
    }
    if attrs.len() == FEW {
        seen.clear();
        seen.extend(attrs.iter().map(|a| a.name));
    }
    !seen.insert(name)
}

/// One attribute of a checked tag, borrowed from the text.
#[derive(Clone, Copy)]
struct RawAttr<'a> {
    /// The qualified name.
    name: &'a str,
    /// The value between the quotes, undecoded.
    raw: &'a str,
    /// Where the name starts.
    start: usize,
    /// Where the value starts.
    value_start: usize,
}

impl<'a> RawAttr<'a> {
    /// The decoded value; borrowed when decoding changes nothing.
    fn value(&self) -> Cow<'a, str> {
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

    fn to_attr(self) -> Attr {
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

/// Prefix and local part of a qualified name.
fn split_qname(name: &str) -> (Option<&str>, &str) {
    match name.bytes().position(|b| b == b':') {
        Some(i) => (Some(&name[..i]), &name[i + 1..]),
        None => (None, name),
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

/// Eight bytes of `bytes` from `i`, as one word.
#[inline]
fn word_at(bytes: &[u8], i: usize) -> Option<u64> {
    let chunk: [u8; 8] = bytes.get(i..i.checked_add(8)?)?.try_into().ok()?;
    Some(u64::from_le_bytes(chunk))
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The high bit of each zero byte of `v` is set (and maybe of bytes after
/// the first zero one): the lowest set bit marks the first zero byte.
#[inline]
fn zero_bytes(v: u64) -> u64 {
    v.wrapping_sub(ONES) & !v & HIGHS
}

/// The high bit of each byte of `w` that is not an ASCII letter is set
/// (and maybe of bytes after the first such byte): the lowest set bit marks
/// the first byte that is not a letter.
#[inline]
fn non_letters(w: u64) -> u64 {
    // Fold case, then compare each byte with `a` and `z` by adding; an
    // add only carries out of a byte that has its high bit set, which is
    // then the first non-letter or after it.
    let x = w | (ONES * 0x20);
    let from_a = x.wrapping_add(ONES * (0x80 - u64::from(b'a')));
    let past_z = x.wrapping_add(ONES * (0x80 - u64::from(b'z') - 1));
    (!(from_a & !past_z) | w) & HIGHS
}

/// Whether all eight bytes of `w` are ASCII letters.
#[cfg(test)]
fn all_letters(w: u64) -> bool {
    non_letters(w) == 0
}

/// Where the name starting at byte `i` of `s` ends.
#[inline]
fn name_end(s: &str, mut i: usize) -> usize {
    let bytes = s.as_bytes();
    // Letters eight at a time, up to the first byte that is not one.
    while let Some(w) = word_at(bytes, i) {
        let other = non_letters(w);
        if other != 0 {
            i += (other.trailing_zeros() / 8) as usize;
            break;
        }
        i += 8;
    }
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

/// Whether two short strings are equal, compared in place (no call to
/// `memcmp` for a few bytes).
#[inline]
fn short_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    // Eight bytes at a time, then the rest.
    let mut i = 0;
    while let (Some(x), Some(y)) = (word_at(a, i), word_at(b, i)) {
        if x != y {
            return false;
        }
        i += 8;
    }
    a.iter().zip(b).skip(i).all(|(x, y)| x == y)
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
fn scan_tag<'a>(
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
        i = name_end(inner, i);
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

/// Check the references in character data (or an attribute value).
fn check_refs(raw: &str, at: usize) -> Result<(), ScanError> {
    for i in memchr::memchr_iter(b'&', raw.as_bytes()) {
        decode_ref(raw, i, at)?;
    }
    Ok(())
}

fn detect_line_end(xml: &str) -> &'static str {
    let bytes = xml.as_bytes();
    // Without a carriage return every line end is a line feed.
    if memchr::memchr(b'\r', bytes).is_none() {
        return "\n";
    }
    let mut all = 0;
    let mut crlf = 0;
    for i in memchr::memchr_iter(b'\n', bytes) {
        all += 1;
        crlf += usize::from(i > 0 && bytes[i - 1] == b'\r');
    }
    if crlf > all - crlf {
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

fn gather_facts(doc: &ConfigDoc) -> ConfigFacts {
    let mut facts = ConfigFacts::default();
    let elements = &doc.elements;
    let Some(b) = elements.get(doc.broker) else {
        return facts;
    };
    if let Some(a) = b.attr("advisorySupport") {
        facts.advisory_support = Some((a.value.clone(), a.value_span));
        facts.advisory_support_enabled = spring_bool(&a.value);
    }
    for (_, c) in children_in(elements, b) {
        if c.is_amq("destinations") {
            let tree = build_subtree(&doc.xml, c.span, &[], 1);
            let Some(root) = tree.first() else { continue };
            for (_, e) in children_in(&tree, root) {
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
        if c.is_amq("plugins") {
            for (_, p) in children_in(elements, c) {
                if !p.is_amq("simpleAuthenticationPlugin") {
                    continue;
                }
                // Users are found by local name, so no namespaces are needed.
                for e in build_subtree(&doc.xml, p.span, &[], usize::MAX) {
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
    let xml: Arc<str> = Arc::from(xml);
    let loc = Locator {
        id,
        json_data: Some(data_span),
        xml: &xml,
    };
    let skeleton = parse_xml(&xml, &loc)?;
    let mut doc = ConfigDoc::from_skeleton(id, Arc::clone(&xml), skeleton, None, &loc)?;
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
        assert_eq!(doc.facts().advisory_support_enabled, Some(false));
        assert_eq!(doc.facts().destinations.len(), 2);
        assert_eq!(doc.facts().destinations[0].name, "Q.A");
        assert_eq!(doc.facts().users[0].username, "u");
        assert_eq!(doc.facts().users[0].groups.groups.len(), 2);
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
    fn skeleton_and_plugin_elements() {
        let doc = parse(
            "<beans xmlns:amq=\"http://activemq.apache.org/schema/core\"><bean><x/></bean><amq:broker><amq:plugins><amq:authorizationPlugin><amq:map><m:simpleAuthorizationMap xmlns:m=\"urn:m\"><amq:cachedLDAPAuthorizationMap/></m:simpleAuthorizationMap><lDAPAuthorizationMap/></amq:map></amq:authorizationPlugin></amq:plugins></amq:broker></beans>",
        )
        .expect("parses");
        // `bean` and `x` are not kept; the plugin's content is built on demand.
        assert!(doc
            .elements
            .iter()
            .all(|e| e.local != "bean" && e.local != "x"));
        let other = doc.other_map.map(|i| doc.element(i).local.as_str());
        assert_eq!(other, Some("lDAPAuthorizationMap"));
        let tree = doc.plugin_elements();
        assert!(tree[0].is_amq("authorizationPlugin"));
        assert_eq!(tree[0].parent, None);
        let map = children_in(tree, &tree[0]).next().expect("map").1;
        assert!(map.is_amq("map"));
        assert_eq!(tree.len(), 5);
        assert_eq!(tree[2].ns.as_deref(), Some("urn:m"));
        assert!(tree[3].is_amq("cachedLDAPAuthorizationMap"));
        let p = doc.authorization_plugin.expect("plugin");
        assert_eq!(doc.element(p).span, tree[0].span);
    }

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

    #[test]
    fn word_checks_match_bytes() {
        for b in 0u8..=255 {
            for at in 0..8 {
                let mut w = *b"abcdefgh";
                w[at] = b;
                let word = u64::from_le_bytes(w);
                assert_eq!(all_letters(word), b.is_ascii_alphabetic(), "{b} at {at}");
                let other = non_letters(word);
                let first = w.iter().position(|c| !c.is_ascii_alphabetic());
                let got = (other != 0).then(|| (other.trailing_zeros() / 8) as usize);
                assert_eq!(got, first, "{b} at {at}");
                let first = w.iter().position(|&c| c == b'<');
                let stops = zero_bytes(word ^ (ONES * u64::from(b'<')));
                let got = (stops != 0).then(|| (stops.trailing_zeros() / 8) as usize);
                assert_eq!(got, first, "{b} at {at}");
            }
        }
        let w = u64::from_le_bytes(*b"<<a<\0<\x80<");
        let stops = zero_bytes(w ^ (ONES * u64::from(b'<')));
        assert_eq!(stops.trailing_zeros() / 8, 0);
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
        assert_eq!(&*doc.xml, xml);
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

    /// The fast scanner either gives up or keeps exactly what the
    /// quick-xml pass keeps.
    fn fast_agrees(text: &str) -> bool {
        let Some(fast) = parse_fast(text) else {
            return false;
        };
        let loc = Locator {
            id: SourceId(0),
            json_data: None,
            xml: text,
        };
        let checked = match parse_checked(text, &loc) {
            Ok(s) => s,
            Err(d) => panic!(
                "fast scanner accepted {text:?}, refused with {:?}",
                d[0].message
            ),
        };
        assert_eq!(fast.elements, checked.elements, "{text:?}");
        assert_eq!(fast.indent_unit, checked.indent_unit, "{text:?}");
        assert_eq!(fast.line_end, checked.line_end, "{text:?}");
        let sorted = |s: Skeleton| {
            let mut v = s.plugin_scopes;
            for (_, b) in &mut v {
                b.sort();
            }
            v
        };
        assert_eq!(sorted(fast), sorted(checked), "{text:?}");
        true
    }

    #[test]
    fn fast_scanner_agrees_on_edge_cases() {
        let b = "<broker xmlns=\"http://activemq.apache.org/schema/core\">";
        let cases = [
            "<!--->",
            "<!---->",
            "<!-- a --->",
            "<!-- a -- b -->",
            "<!-->-->",
            "<?>",
            "<??>",
            "<?x?>",
            "<?x>?>",
            "<a\x0cb='1'/>",
            "<a b='1'\x0c/>",
            "<a b='1'/ >",
            "<a></a >",
            "<a></a\x0c>",
            "<a></a\u{a0}>",
            "<a></ab>",
            "<a></a></a>",
            "<a/><b/>",
            "<a>&amp;&#65;&#x42;</a>",
            "<a>&foo;</a>",
            "<a>&#0;</a>",
            "<a b='&lt;&gt;'/>",
            "<a b='<'/>",
            "<a b=\"x'y\" c='x\"y'/>",
            "<a b='1' b='2'/>",
            "<a b='1'c='2'/>",
            "<a b = '1' />",
            "<a b/>",
            "<a b=1/>",
            "<:a/>",
            "<a:/>",
            "< a/>",
            "<a>",
            "<a",
            "<",
            "",
            " \u{a0}<a/>",
            "<a/> x",
            "<a/>\u{feff}",
            "\u{feff}\u{feff}<a/>",
            "<a><![CDATA[x]]></a>",
            "<!DOCTYPE a><a/>",
            "<ä b='1'/>",
            "<a\u{a0}b='1'/>",
            "<a b='x>y'/>",
            "<a>]]></a>",
            "<a b='long value with many bytes before the closing quote, > and / too'/>",
            "<a b='long value with many bytes before the closing quote, and a <'/>",
            "<a b='long value with many bytes before the closing quote &amp; more'/>",
            "<a b='long value with many bytes before the closing quote &bad; more'/>",
            "<a b='long value with many bytes before the closing quote",
        ];
        for c in cases {
            fast_agrees(c);
            fast_agrees(&format!("{b}{c}</broker>"));
            fast_agrees(&format!(
                "{b}<plugins><authorizationPlugin>{c}</authorizationPlugin></plugins></broker>"
            ));
        }
        assert!(parse_fast(SPRING).is_some());
        // Carriage returns are looked for block by block.
        let many = "<x a='1'/>\n".repeat(5000);
        for text in [
            format!("{b}\r\n{many}</broker>"),
            format!("{b}{many}\r\n</broker>"),
            format!("{b}{}</broker>", many.replace('\n', "\r\n")),
            format!("{b}{many}</broker>"),
        ] {
            assert!(fast_agrees(&text));
        }
    }

    /// Every configuration the tests use, and many mutations of each.
    #[test]
    fn fast_scanner_agrees_on_fixtures_and_mutations() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
        let mut texts = vec![SPRING.to_string()];
        for dir in [
            "corpus",
            "fixtures/configs",
            "fixtures/merge",
            "fixtures/import",
        ] {
            let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
                continue;
            };
            for e in entries.flatten() {
                if e.path().extension().is_some_and(|x| x == "xml") {
                    if let Ok(t) = std::fs::read_to_string(e.path()) {
                        texts.push(t);
                    }
                }
            }
        }
        assert!(texts.len() > 20);
        let bytes: &[u8] = b"<>/!?-=\"'& \t\r\n\x0c:ab;#x[]";
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let (mut tried, mut accepted) = (0, 0);
        let mut next = move |n: usize| {
            seed ^= seed >> 12;
            seed ^= seed << 25;
            seed ^= seed >> 27;
            (seed.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n.max(1)
        };
        for t in &texts {
            fast_agrees(t);
            for _ in 0..400 {
                let mut m = t.clone().into_bytes();
                for _ in 0..1 + next(3) {
                    let at = next(m.len());
                    match next(3) {
                        0 if m.get(at).is_some_and(u8::is_ascii) => {
                            m[at] = bytes[next(bytes.len())];
                        }
                        1 if m.get(at).is_some_and(u8::is_ascii) => {
                            m.remove(at);
                        }
                        _ => m.insert(at, bytes[next(bytes.len())]),
                    }
                }
                if let Ok(m) = String::from_utf8(m) {
                    tried += 1;
                    accepted += usize::from(fast_agrees(&m));
                }
            }
        }
        // Most mutations keep the document well-formed; some do not.
        assert!(
            accepted > tried / 10 && accepted < tried,
            "{accepted} of {tried}"
        );
    }
}
