//! The parts of a configuration an analysis looks at besides the
//! authorization map: the broker's `advisorySupport`, the destinations it
//! declares and the users of its `simpleAuthenticationPlugin`.

use super::config::{children_in, ConfigDoc};
use super::parse::build_subtree;
use crate::semantics::names::split_destination;
use crate::semantics::{DestKind, GroupList};
use crate::source::Span;

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

/// Read a boolean as Spring's `CustomBooleanEditor` does.
pub(crate) fn spring_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "on" | "yes" | "1" => Some(true),
        "false" | "off" | "no" | "0" => Some(false),
        _ => None,
    }
}

pub(super) fn gather_facts(doc: &ConfigDoc) -> ConfigFacts {
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
