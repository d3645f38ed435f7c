//! A whole XML document (or one element of it) as a tree with byte spans,
//! for the files audit reads beyond what [`crate::xml::ConfigDoc`] keeps:
//! `jetty.xml`, transport connectors, authentication users, the management
//! context. Names are compared by local name; comments are skipped, so a
//! commented-out element is not seen; nothing is fetched or expanded (a
//! DOCTYPE declaring entities is refused).

use crate::source::Span;
use quick_xml::events::Event;
use quick_xml::Reader;

/// One attribute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attr {
    /// The qualified name as written.
    pub name: String,
    /// The local part of the name.
    pub local: String,
    /// The value, entity references decoded (kept raw when one is unknown).
    pub value: String,
    /// Span of `name="value"`.
    pub span: Span,
    /// Span of the value between the quotes.
    pub value_span: Span,
}

/// One element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Element {
    /// The qualified name as written.
    pub name: String,
    /// The local name.
    pub local: String,
    /// From `<` of the start tag to `>` of the end tag.
    pub span: Span,
    /// The start tag (or the whole empty-element tag).
    pub start_tag: Span,
    pub attrs: Vec<Attr>,
    /// Indexes of the child elements, in document order.
    pub children: Vec<usize>,
    pub parent: Option<usize>,
    /// The element's own text (CDATA included), trimmed.
    pub text: String,
}

impl Element {
    /// The attribute whose local name is `local`.
    pub fn attr(&self, local: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.local == local)
    }

    /// The value of attribute `local`.
    pub fn attr_value(&self, local: &str) -> Option<&str> {
        self.attr(local).map(|a| a.value.as_str())
    }
}

/// The elements of a document in document order; index 0 is the root.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tree {
    pub elements: Vec<Element>,
}

/// Why a text is not well-formed XML.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XmlError {
    pub span: Span,
    pub message: String,
}

impl Tree {
    pub fn root(&self) -> Option<&Element> {
        self.elements.first()
    }

    /// The child elements of `index`.
    pub fn children(&self, index: usize) -> impl Iterator<Item = (usize, &Element)> {
        self.elements
            .get(index)
            .map(|e| e.children.as_slice())
            .unwrap_or_default()
            .iter()
            .filter_map(move |&c| self.elements.get(c).map(|e| (c, e)))
    }

    /// Every element below `index` (not `index` itself), in document order.
    pub fn descendants(&self, index: usize) -> impl Iterator<Item = (usize, &Element)> {
        let span = self.elements.get(index).map(|e| e.span);
        self.elements
            .iter()
            .enumerate()
            .skip(index + 1)
            .take_while(move |(_, e)| span.is_some_and(|s| e.span.start < s.end))
    }

    /// Every element, with its index.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &Element)> {
        self.elements.iter().enumerate()
    }
}

/// Parse `text[span]` (the whole text when `span` is `None`); spans are
/// offsets into `text`.
pub fn parse(text: &str, span: Option<Span>) -> Result<Tree, XmlError> {
    let mut from = span.map_or(0, |s| s.start as usize);
    if span.is_none() && text.starts_with('\u{feff}') {
        from = '\u{feff}'.len_utf8();
    }
    let to = span.map_or(text.len(), |s| s.end as usize);
    let Some(part) = text.get(from..to) else {
        return Err(XmlError {
            span: Span::new(from, from),
            message: "no such part of the document".into(),
        });
    };
    let mut reader = Reader::from_str(part);
    reader.config_mut().expand_empty_elements = false;
    reader.config_mut().check_end_names = true;
    let mut elements: Vec<Element> = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    loop {
        let start = from + usize::try_from(reader.buffer_position()).unwrap_or(0);
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => {
                let at = from + usize::try_from(reader.error_position()).unwrap_or(0);
                return Err(XmlError {
                    span: Span::new(at, (at + 1).min(text.len())),
                    message: format!("not well-formed XML: {e}"),
                });
            }
        };
        let end = from + usize::try_from(reader.buffer_position()).unwrap_or(0);
        match event {
            Event::Start(_) | Event::Empty(_) => {
                let empty = matches!(event, Event::Empty(_));
                let tag = text.get(start..end).unwrap_or_default();
                let (name, attrs) = scan_tag(tag, start);
                let index = elements.len();
                let parent = stack.last().copied();
                if let Some(p) = parent.and_then(|p| elements.get_mut(p)) {
                    p.children.push(index);
                } else if !elements.is_empty() {
                    return Err(XmlError {
                        span: Span::new(start, end),
                        message: "more than one root element".into(),
                    });
                }
                let local = name.rsplit(':').next().unwrap_or(&name).to_string();
                elements.push(Element {
                    name,
                    local,
                    span: Span::new(start, end),
                    start_tag: Span::new(start, end),
                    attrs,
                    children: Vec::new(),
                    parent,
                    text: String::new(),
                });
                if !empty {
                    stack.push(index);
                }
            }
            Event::End(_) => {
                if let Some(i) = stack.pop() {
                    let e = &mut elements[i];
                    e.span = Span::new(e.span.start as usize, end);
                    e.text = e.text.trim().to_string();
                }
            }
            Event::Text(t) => {
                if let Some(&i) = stack.last() {
                    let raw = String::from_utf8_lossy(t.as_ref()).into_owned();
                    let value = quick_xml::escape::unescape(&raw)
                        .map(|c| c.into_owned())
                        .unwrap_or(raw);
                    elements[i].text.push_str(&value);
                }
            }
            Event::CData(t) => {
                if let Some(&i) = stack.last() {
                    elements[i]
                        .text
                        .push_str(&String::from_utf8_lossy(t.as_ref()));
                }
            }
            Event::DocType(d) if String::from_utf8_lossy(d.as_ref()).contains("<!ENTITY") => {
                return Err(XmlError {
                    span: Span::new(start, end),
                    message: "the DOCTYPE declares entities, which are refused".into(),
                });
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some(&open) = stack.last() {
        let e = &elements[open];
        return Err(XmlError {
            span: e.start_tag,
            message: format!("not well-formed XML: `<{}>` is never closed", e.name),
        });
    }
    if elements.is_empty() {
        return Err(XmlError {
            span: Span::new(from, from),
            message: "no element in the document".into(),
        });
    }
    Ok(Tree { elements })
}

/// The name and attributes of a start tag `<name a="v" ...>` at `offset`.
fn scan_tag(tag: &str, offset: usize) -> (String, Vec<Attr>) {
    // the tag starts at its `<`
    let lt = tag.find('<').unwrap_or(0);
    let (tag, offset) = (&tag[lt..], offset + lt);
    let b = tag.as_bytes();
    let is_space = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r');
    let mut i = 1;
    while i < b.len() && !is_space(b[i]) && b[i] != b'>' && b[i] != b'/' {
        i += 1;
    }
    let name = tag[1..i].to_string();
    let mut attrs = Vec::new();
    loop {
        while i < b.len() && is_space(b[i]) {
            i += 1;
        }
        if i >= b.len() || b[i] == b'>' || b[i] == b'/' {
            break;
        }
        let name_start = i;
        while i < b.len() && b[i] != b'=' && !is_space(b[i]) && b[i] != b'>' {
            i += 1;
        }
        let attr_name = tag[name_start..i].to_string();
        while i < b.len() && (is_space(b[i]) || b[i] == b'=') {
            i += 1;
        }
        let Some(&quote) = b.get(i) else { break };
        if quote != b'"' && quote != b'\'' {
            break;
        }
        let value_start = i + 1;
        let mut j = value_start;
        while j < b.len() && b[j] != quote {
            j += 1;
        }
        let raw = &tag[value_start..j.min(tag.len())];
        let value = quick_xml::escape::unescape(raw)
            .map(|c| c.into_owned())
            .unwrap_or_else(|_| raw.to_string());
        // attribute-value normalisation: white space characters become spaces
        let value = value.replace(['\t', '\n', '\r'], " ");
        let local = attr_name
            .rsplit(':')
            .next()
            .unwrap_or(&attr_name)
            .to_string();
        attrs.push(Attr {
            name: attr_name,
            local,
            value,
            span: Span::new(offset + name_start, offset + (j + 1).min(tag.len())),
            value_span: Span::new(offset + value_start, offset + j.min(tag.len())),
        });
        i = j + 1;
    }
    (name, attrs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tree_with_spans() {
        let text = "<?xml version=\"1.0\"?>\n<!-- <x/> -->\n<beans a='1'>\n <bean class=\"a&amp;b\" id=\"x\"/>\n <v>  t&lt;  </v>\n</beans>";
        let t = parse(text, None).expect("parses");
        assert_eq!(t.elements.len(), 3);
        let bean = &t.elements[1];
        assert_eq!(bean.local, "bean");
        assert_eq!(bean.attr_value("class"), Some("a&b"));
        assert_eq!(&text[bean.attr("id").expect("id").span.range()], "id=\"x\"");
        assert_eq!(
            &text[bean.span.range()],
            "<bean class=\"a&amp;b\" id=\"x\"/>"
        );
        assert_eq!(t.elements[2].text, "t<");
        assert_eq!(t.children(0).count(), 2);
        assert_eq!(t.descendants(0).count(), 2);
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let text = "\u{feff}<a x=\"1\"/>";
        let t = parse(text, None).expect("parses");
        assert_eq!(t.elements[0].attr_value("x"), Some("1"));
        assert_eq!(&text[t.elements[0].span.range()], "<a x=\"1\"/>");
    }

    #[test]
    fn part_of_a_document() {
        let text = "<a><b x=\"1\"><c/></b><d/></a>";
        let t = parse(text, Some(Span::new(3, 20))).expect("parses");
        assert_eq!(t.elements.len(), 2);
        assert_eq!(&text[t.elements[1].span.range()], "<c/>");
    }

    #[test]
    fn malformed_is_located() {
        let text = "<a>\n<b></c>\n</a>";
        let e = parse(text, None).expect_err("malformed");
        assert!(e.message.contains("not well-formed"), "{}", e.message);
        assert!(parse("<a><b></a>", None).is_err());
        assert!(parse("", None).is_err());
        assert!(parse("<!DOCTYPE a [<!ENTITY x \"y\">]><a/>", None).is_err());
    }
}
