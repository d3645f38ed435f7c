//! Reading a configuration's XML: one quick-xml pass over the whole text
//! checks that it is well-formed and safe and keeps the document's
//! skeleton; [`build_subtree`] later builds the elements of one part (the
//! authorization plugin, the destinations, the users) from its byte span.
//!
//! Strict about what could be dangerous, lenient about the rest: a DOCTYPE
//! declaring entities is refused, references to entities other than the
//! five predefined ones are refused, nothing is ever fetched. Comments,
//! processing instructions and CDATA are skipped, so a commented-out
//! `<authorizationPlugin>` is not seen.

use super::config::{Element, OTHER_MAP_TYPES};
use super::layout::{detect_line_end, line_indent, IndentSteps};
use super::namespace::{split_qname, Bindings, Scopes};
use super::tag::{check_refs, is_xml_space, scan_tag, unescape_text, RawAttr};
use super::{DOCTYPE_NOT_ALLOWED, MALFORMED_XML};
use crate::diagnostics::Diagnostic;
use crate::source::{SourceFile, SourceId, Span};
use quick_xml::events::Event;
use quick_xml::Reader;
use std::borrow::Cow;
use std::collections::HashSet;

/// The byte offset where parsing starts (after a UTF-8 byte-order mark).
pub(super) fn bom_len(text: &str) -> usize {
    if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    }
}

/// Where diagnostics found while parsing the XML text point.
pub(super) struct Locator<'a> {
    pub(super) id: SourceId,
    /// For JSON: the span of `Data` in the JSON text.
    pub(super) json_data: Option<Span>,
    pub(super) xml: &'a str,
}

impl Locator<'_> {
    pub(super) fn at(&self, span: Span) -> (SourceId, Span) {
        match self.json_data {
            Some(d) => (self.id, d),
            None => (self.id, span),
        }
    }

    pub(super) fn label(&self, d: Diagnostic, span: Span, message: &str) -> Diagnostic {
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

pub(super) fn malformed(loc: &Locator, at: usize, message: impl Into<String>) -> Diagnostic {
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

/// What the pass over the whole text keeps.
pub(super) struct Skeleton {
    pub(super) elements: Vec<Element>,
    pub(super) indent_unit: String,
    pub(super) line_end: &'static str,
    /// For each `authorizationPlugin` of the ActiveMQ namespace: its index
    /// and the namespace bindings in scope at it.
    pub(super) plugin_scopes: Vec<(usize, Bindings)>,
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

/// Where a checked start tag is.
struct Tag {
    start: usize,
    end: usize,
    /// An empty-element tag.
    empty: bool,
}

/// The skeleton being built while the text is read.
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
    fn start(&mut self, name: &'a str, attrs: &[RawAttr<'a>], tag: Tag) {
        let Tag { start, end, empty } = tag;
        let text = self.text;
        let ns_mark = self.scopes.declared.len();
        self.scopes.open(attrs);
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
        let indent = line_indent(text, start);
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
    fn finish(self) -> Skeleton {
        Skeleton {
            elements: self.elements,
            indent_unit: self.steps.unit(),
            line_end: detect_line_end(self.text),
            plugin_scopes: self.plugin_scopes,
        }
    }
}

/// Read the XML text once: check that it is well-formed and safe, and keep
/// the skeleton (see [`ConfigDoc::elements`](super::ConfigDoc::elements)).
pub(super) fn parse_xml(text: &str, loc: &Locator) -> Result<Skeleton, Vec<Diagnostic>> {
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
                let tag = Tag { start, end, empty };
                pass.start(name, &attrs, tag);
            }
            Event::End(_) => {
                let Some(open) = pass.stack.pop() else {
                    return Err(vec![malformed(loc, start, "an end tag with no start tag")]);
                };
                let raw_name = raw.strip_prefix("</").unwrap_or(raw);
                let raw_name = raw_name.strip_suffix('>').unwrap_or(raw_name);
                let raw_name =
                    raw_name.trim_end_matches(|c: char| c.is_ascii() && is_xml_space(c as u8));
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
                if pass.stack.is_empty() {
                    if let Some(at) = raw.bytes().position(|b| !is_xml_space(b)) {
                        return Err(vec![malformed(
                            loc,
                            start + at,
                            "text outside the root element",
                        )]);
                    }
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
    Ok(pass.finish())
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
pub(super) fn build_subtree(
    xml: &str,
    span: Span,
    scope: &[(Option<String>, String)],
    max_depth: usize,
) -> Vec<Element> {
    build_elements(xml, span, scope, max_depth, None)
}

/// [`build_subtree`], and when `texts` is given, each element's own
/// character data (references decoded, CDATA included, trimmed) at the
/// element's index.
pub(super) fn build_elements(
    xml: &str,
    span: Span,
    scope: &[(Option<String>, String)],
    max_depth: usize,
    mut texts: Option<&mut Vec<String>>,
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
                    if let Some(t) = texts.as_deref_mut() {
                        t.push(String::new());
                    }
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
                if let Some(t) = index.and_then(|i| texts.as_deref_mut()?.get_mut(i)) {
                    let trimmed = t.trim();
                    if trimmed.len() != t.len() {
                        *t = trimmed.to_string();
                    }
                }
                if stack.is_empty() {
                    break;
                }
            }
            Event::Text(_) | Event::CData(_) => {
                let own = stack.last().and_then(|s| s.0);
                if let Some(t) = own.and_then(|i| texts.as_deref_mut()?.get_mut(i)) {
                    match raw.strip_prefix("<![CDATA[") {
                        Some(cdata) => t.push_str(cdata.strip_suffix("]]>").unwrap_or(cdata)),
                        // The text was checked when the document was read.
                        None => t.push_str(&unescape_text(raw, start).unwrap_or_default()),
                    }
                }
            }
            _ => {}
        }
    }
    elements
}
