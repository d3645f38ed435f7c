//! Configuration documents: the XML (or AWS CLI JSON wrapping XML) a broker
//! is configured with, parsed into a flat element tree with byte spans.
//!
//! [`ConfigDoc::parse`] reads the text once ([`parse`](super::parse)) and
//! keeps the document's skeleton; this module finds the ActiveMQ Classic
//! broker in it (its `<plugins>`, its `<authorizationPlugin>`, a map of
//! another type) and builds the plugin's elements and the broker's facts
//! when first asked for.

use super::aws_json::parse_json;
pub use super::aws_json::AwsJson;
use super::document::Document;
use super::facts::gather_facts;
pub use super::facts::{ConfigFacts, ConfiguredUser, DeclaredDestination};
use super::namespace::Bindings;
use super::parse::{bom_len, build_subtree, parse_xml, Locator, Skeleton};
use super::{AMQ_NS, NO_BROKER, SEVERAL_AUTHORIZATION_PLUGINS, SEVERAL_BROKERS};
use crate::diagnostics::Diagnostic;
use crate::source::{SourceFile, SourceId, Span};
use std::sync::{Arc, OnceLock};

/// Map types other than `authorizationMap` that `<map>` may hold.
pub(crate) const OTHER_MAP_TYPES: &[&str] = &[
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

    /// The attribute whose local name is `local`.
    pub fn local_attr(&self, local: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.local == local)
    }

    /// The value of the attribute whose local name is `local`.
    pub fn local_attr_value(&self, local: &str) -> Option<&str> {
        self.local_attr(local).map(|a| a.value.as_str())
    }

    /// Whether this is `local` in the ActiveMQ namespace.
    pub fn is_amq(&self, local: &str) -> bool {
        self.local == local && self.ns.as_deref() == Some(AMQ_NS)
    }
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

    /// Every element of the `<broker>` (index 0), down to the deepest.
    pub fn broker_document(&self) -> Document {
        Document::build(&self.xml, self.broker_element().span)
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

    pub(super) fn from_skeleton(
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

pub(super) fn root_format(doc: &ConfigDoc) -> ConfigFormat {
    if doc.broker == 0 {
        ConfigFormat::AmazonMq
    } else if doc.elements.first().is_some_and(|r| r.local == "beans") {
        ConfigFormat::Spring
    } else {
        ConfigFormat::OtherRoot
    }
}

/// Child elements of `e` in `elements` (the vector `e` belongs to).
pub(crate) fn children_in<'a>(
    elements: &'a [Element],
    e: &'a Element,
) -> impl Iterator<Item = (usize, &'a Element)> + 'a {
    e.children
        .iter()
        .filter_map(move |&c| elements.get(c).map(|el| (c, el)))
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

    /// Parse `text`; when it parses, check that the skeleton's spans nest
    /// inside the text. Whether it parsed.
    fn parses_consistently(text: &str) -> bool {
        let Ok(doc) = parse(text) else {
            return false;
        };
        for e in &doc.elements {
            assert!(e.span.end as usize <= text.len(), "{text:?}");
            assert!(e.start_tag.start == e.span.start, "{text:?}");
            assert!(e.start_tag.end <= e.span.end, "{text:?}");
            for a in &e.attrs {
                assert!(e.start_tag.start < a.span.start, "{text:?}");
                assert!(a.span.end <= e.start_tag.end, "{text:?}");
            }
        }
        true
    }

    #[test]
    fn edge_cases_parse_or_are_refused() {
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
            parses_consistently(c);
            parses_consistently(&format!("{b}{c}</broker>"));
            parses_consistently(&format!(
                "{b}<plugins><authorizationPlugin>{c}</authorizationPlugin></plugins></broker>"
            ));
        }
        assert!(parses_consistently(SPRING));
        // XML whitespace is space, tab, carriage return and line feed only.
        for ok in [
            "<a b = '1' />",
            "<a\r\n\tb='1'/>",
            "<a></a \t>",
            " \r\n<a/>\n",
        ] {
            assert_eq!(code(ok), "no-broker", "{ok:?}");
        }
        for refused in [
            "<a\x0cb='1'/>",
            "<a b='1'\x0c/>",
            "<a b\x0c='1'/>",
            "<a></a\x0c>",
            "<a></a\u{a0}>",
            " \u{a0}<a/>",
            "<a/>\x0c",
        ] {
            assert_eq!(code(refused), "malformed-xml", "{refused:?}");
        }
        let at = |text: &str| {
            let d = parse(text).expect_err("refused");
            d[0].labels[0].span.start
        };
        assert_eq!(at("<a\x0cb='1'/>"), 2);
        assert_eq!(at(" \u{a0}<a/>"), 1);
        // Line ends are counted over the whole text.
        let many = "<x a='1'/>\n".repeat(5000);
        let crlf = format!("{b}{}</broker>", many.replace('\n', "\r\n"));
        assert_eq!(parse(&crlf).expect("parses").line_end, "\r\n");
        assert_eq!(
            parse(&format!("{b}{many}\r\n</broker>"))
                .expect("parses")
                .line_end,
            "\n"
        );
    }

    /// Every configuration the tests use, and many mutations of each.
    #[test]
    fn fixtures_and_mutations_parse_or_are_refused() {
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
            parses_consistently(t);
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
                    accepted += usize::from(parses_consistently(&m));
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
