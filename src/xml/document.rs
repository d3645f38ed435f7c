//! A whole XML document (or one element of a configuration) as elements
//! with byte spans, for what is read beyond the skeleton a
//! [`ConfigDoc`](super::ConfigDoc) keeps: the console's `jetty.xml` (a
//! Spring file of Jetty beans, not a broker configuration), every element
//! of the broker, the password attributes to mask.
//!
//! It is read by the same pass as a configuration ([`parse`](super::parse)),
//! with the same refusals: a DOCTYPE declaring entities or with an internal
//! subset, references to entities other than the predefined ones; nothing
//! is fetched; comments are skipped, so a commented-out element is not
//! seen.

use super::config::{children_in, Element};
use super::parse::{bom_len, build_elements, parse_xml, Locator};
use crate::diagnostics::Diagnostic;
use crate::source::{SourceId, Span};

/// The elements of a document (or of one element of it) in document order;
/// index 0 is the root. Spans are spans of the text read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Document {
    pub elements: Vec<Element>,
    /// Each element's own character data, trimmed.
    texts: Vec<String>,
}

/// Read `text` (an XML document) whole; the problems found are located in
/// `id` (MQA301-MQA303, as for a configuration).
pub fn parse_document(id: SourceId, text: &str) -> Result<Document, Vec<Diagnostic>> {
    let loc = Locator {
        id,
        json_data: None,
        xml: text,
    };
    let skeleton = parse_xml(text, &loc)?;
    let root = skeleton
        .elements
        .first()
        .map_or(Span::new(bom_len(text), text.len()), |r| r.span);
    Ok(Document::build(text, root))
}

impl Document {
    /// Every element of `span`, an element of `xml` that was checked when
    /// the document was read. Namespaces declared outside it are not
    /// resolved.
    pub(super) fn build(xml: &str, span: Span) -> Document {
        let mut texts = Vec::new();
        let elements = build_elements(xml, span, &[], usize::MAX, Some(&mut texts));
        Document { elements, texts }
    }

    pub fn root(&self) -> Option<&Element> {
        self.elements.first()
    }

    /// The child elements of `index`.
    pub fn children(&self, index: usize) -> impl Iterator<Item = (usize, &Element)> {
        self.elements
            .get(index)
            .into_iter()
            .flat_map(|e| children_in(&self.elements, e))
    }

    /// Every element below `index` (not `index` itself), in document order.
    pub fn descendants(&self, index: usize) -> impl Iterator<Item = (usize, &Element)> {
        let end = self.elements.get(index).map_or(0, |e| e.span.end);
        self.elements
            .iter()
            .enumerate()
            .skip(index + 1)
            .take_while(move |(_, e)| e.span.start < end)
    }

    /// Every element, with its index.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &Element)> {
        self.elements.iter().enumerate()
    }

    /// The character data of element `index` (CDATA included, references
    /// decoded, trimmed), not that of its children.
    pub fn text(&self, index: usize) -> &str {
        self.texts.get(index).map_or("", String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Document, Vec<Diagnostic>> {
        parse_document(SourceId(0), text)
    }

    #[test]
    fn a_document_with_spans() {
        let text = "<?xml version=\"1.0\"?>\n<!-- <x/> -->\n<beans a='1'>\n <bean class=\"a&amp;b\" id=\"x\"/>\n <v>  t&lt;<![CDATA[&c]]> <w>no</w> </v>\n</beans>";
        let t = parse(text).expect("parses");
        assert_eq!(t.elements.len(), 4);
        let bean = &t.elements[1];
        assert_eq!(bean.local, "bean");
        assert_eq!(bean.local_attr_value("class"), Some("a&b"));
        let id = bean.local_attr("id").expect("id");
        assert_eq!(&text[id.span.range()], "id=\"x\"");
        assert_eq!(
            &text[bean.span.range()],
            "<bean class=\"a&amp;b\" id=\"x\"/>"
        );
        assert_eq!(t.text(2), "t<&c");
        assert_eq!(t.text(3), "no");
        assert_eq!(t.children(0).count(), 2);
        assert_eq!(t.descendants(0).count(), 3);
        assert_eq!(t.descendants(2).count(), 1);
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let text = "\u{feff}<a x=\"1\"/>";
        let t = parse(text).expect("parses");
        assert_eq!(t.elements[0].local_attr_value("x"), Some("1"));
        assert_eq!(&text[t.elements[0].span.range()], "<a x=\"1\"/>");
    }

    #[test]
    fn refusals_are_those_of_a_configuration() {
        let code = |text: &str| parse(text).map(|_| "ok").unwrap_or_else(|d| d[0].code.name);
        assert_eq!(code("<a>\n<b></c>\n</a>"), "malformed-xml");
        assert_eq!(code("<a><b></a>"), "malformed-xml");
        assert_eq!(code(""), "malformed-xml");
        assert_eq!(
            code("<!DOCTYPE a [<!ENTITY x \"y\">]><a/>"),
            "doctype-not-allowed"
        );
        assert_eq!(code("<a>&x;</a>"), "entity-not-allowed");
        assert_eq!(code("<a/>"), "ok");
    }
}
