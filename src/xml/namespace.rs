//! Namespace declarations in scope while a document is read.

use super::tag::RawAttr;
use super::AMQ_NS;
use std::borrow::Cow;
use std::collections::HashMap;

/// Namespace bindings: prefix (`None` for the default namespace) and URI.
pub(super) type Bindings = Vec<(Option<String>, String)>;

/// The namespace declarations in scope, borrowed from the text. A lookup
/// costs the same at any nesting depth, and the last one is remembered
/// until a declaration comes or goes.
pub(super) struct Scopes<'a> {
    /// Every URI declared so far; index 0 is the `xml` prefix's.
    pub(super) uris: Vec<Cow<'a, str>>,
    /// Per URI, whether it is the ActiveMQ namespace.
    pub(super) amq: Vec<bool>,
    /// Per prefix (`None` for the default namespace), the URIs declared by
    /// the open elements, innermost last.
    pub(super) bindings: HashMap<Option<&'a str>, Vec<u32>>,
    /// The prefixes the open elements declared, innermost last.
    pub(super) declared: Vec<Option<&'a str>>,
    generation: u64,
    last: Option<(Option<&'a str>, u64, Option<u32>)>,
}

const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

impl<'a> Scopes<'a> {
    pub(super) fn new() -> Scopes<'a> {
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
    pub(super) fn open(&mut self, attrs: &[RawAttr<'a>]) {
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
    pub(super) fn close(&mut self, mark: usize) {
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
    pub(super) fn resolve(&mut self, prefix: Option<&'a str>) -> Option<u32> {
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

    pub(super) fn push_uri(&mut self, uri: Cow<'a, str>) {
        self.amq.push(uri == AMQ_NS);
        self.uris.push(uri);
    }

    /// Whether the namespace `index` is the ActiveMQ one.
    pub(super) fn is_amq(&self, index: Option<u32>) -> bool {
        index.is_some_and(|i| self.amq.get(i as usize).copied().unwrap_or(false))
    }

    pub(super) fn uri(&self, index: u32) -> &str {
        self.uris.get(index as usize).map_or("", |u| u.as_ref())
    }

    /// The bindings in scope, owned.
    pub(super) fn snapshot(&self) -> Bindings {
        self.bindings
            .iter()
            .filter_map(|(p, u)| {
                let i = *u.last()?;
                Some((p.map(str::to_string), self.uri(i).to_string()))
            })
            .collect()
    }
}

/// Prefix and local part of a qualified name.
pub(super) fn split_qname(name: &str) -> (Option<&str>, &str) {
    match name.bytes().position(|b| b == b':') {
        Some(i) => (Some(&name[..i]), &name[i + 1..]),
        None => (None, name),
    }
}
