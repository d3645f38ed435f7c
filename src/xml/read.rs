//! Reading the `<authorizationPlugin>` of a configuration into an
//! [`AuthzMap`], value by value as ActiveMQ reads it (`docs/semantics.md#union-of-entries`,
//! `docs/semantics.md#defaultentry`, `docs/semantics.md#temporary-destinations`).
//!
//! Whatever cannot be modelled is reported with its span, never dropped
//! silently: LDAP maps, bean references, `<destination>` children,
//! `tempQueue`/`tempTopic`, the `entries` element, unknown children.

use super::config::{children_in, ConfigDoc, ConfigFacts, Element};
use super::{
    DEFAULT_GROUP_CLASS, INVALID_AUTHORIZATION_MAP, UNSUPPORTED_AUTHORIZATION_MAP,
    UNSUPPORTED_CONSTRUCT,
};
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::semantics::names::split_destination;
use crate::semantics::MAX_SEGMENTS;
use crate::semantics::{Acl, AuthzMap, DestKind, Entry, GroupList, Location};
use crate::source::Span;

/// What reading a configuration gives.
#[derive(Clone, Debug, Default)]
pub struct ReadResult {
    /// The map, when the configuration has an `authorizationPlugin` with an
    /// `authorizationMap` (possibly partial when diagnostics say so).
    pub map: Option<AuthzMap>,
    /// Facts besides the map: advisorySupport, declared destinations, users.
    pub facts: ConfigFacts,
    /// Everything that could not be modelled or would stop the broker.
    pub diagnostics: Vec<Diagnostic>,
}

/// Read the authorization map of `doc`.
pub fn read_map(doc: &ConfigDoc) -> (Option<AuthzMap>, Vec<Diagnostic>) {
    let r = read(doc);
    (r.map, r.diagnostics)
}

/// Read the authorization map and the configuration facts of `doc`.
pub fn read(doc: &ConfigDoc) -> ReadResult {
    let mut r = Reader {
        doc,
        tree: doc.plugin_elements(),
        diags: Vec::new(),
        next_id: 0,
    };
    if let Some(a) = doc.broker_element().attr("plugins") {
        r.unsupported(
            a.span,
            format!("the broker's plugins are a bean reference `{}`", a.value),
            "declare the plugins inline in `<plugins>`; mqauthz cannot see referenced beans",
        );
    }
    if let Some(p) = doc.authorization_plugin {
        let el = doc.element(p);
        let in_plugins = el.parent.is_some_and(|q| doc.element(q).local == "plugins");
        if !in_plugins {
            r.invalid(
                el.start_tag,
                "`<authorizationPlugin>` is not inside the broker's `<plugins>`".into(),
                "move it into `<broker><plugins>`; schema validation rejects it elsewhere",
            );
        }
    }
    let map = r.tree.first().and_then(|p| r.plugin(p));
    let mut diagnostics = r.diags;
    crate::diagnostics::sort(&mut diagnostics);
    ReadResult {
        map,
        facts: doc.facts().clone(),
        diagnostics,
    }
}

struct Reader<'a> {
    doc: &'a ConfigDoc,
    /// The elements of the authorization plugin.
    tree: &'a [Element],
    diags: Vec<Diagnostic>,
    next_id: usize,
}

/// The attributes an entry element may carry.
const ENTRY_ATTRS: &[&str] = &[
    "admin",
    "destination",
    "groupClass",
    "queue",
    "read",
    "tempQueue",
    "tempTopic",
    "topic",
    "write",
    "id",
];

fn is_xmlns(name: &str) -> bool {
    name == "xmlns" || name.starts_with("xmlns:") || name.starts_with("xsi:")
}

impl<'a> Reader<'a> {
    fn report(
        &mut self,
        code: Code,
        severity: Severity,
        span: Span,
        message: String,
        label: &str,
        help: &str,
    ) {
        let d = Diagnostic::new(code, severity, message).help(help);
        let d = self.doc.locate(d, span, label);
        self.diags.push(d);
    }

    fn unsupported(&mut self, span: Span, message: String, help: &str) {
        self.report(
            UNSUPPORTED_CONSTRUCT,
            Severity::Error,
            span,
            message,
            "cannot be modelled",
            help,
        );
    }

    fn invalid(&mut self, span: Span, message: String, help: &str) {
        self.report(
            INVALID_AUTHORIZATION_MAP,
            Severity::Error,
            span,
            message,
            "the broker would not start",
            help,
        );
    }

    fn unknown_child(&mut self, e: &Element, parent: &str) {
        self.unsupported(
            e.start_tag,
            format!("unexpected element `<{}>` in `<{parent}>`", e.name),
            "remove it or move it out of the authorization plugin; mqauthz cannot tell what it does",
        );
    }

    fn plugin(&mut self, plugin: &Element) -> Option<AuthzMap> {
        for a in &plugin.attrs {
            if a.local == "map" {
                self.unsupported(
                    a.span,
                    format!("the map is a bean reference `{}`", a.value),
                    "write the map inline as `<map><authorizationMap>...</authorizationMap></map>`",
                );
                return None;
            }
        }
        let reported = self.diags.len();
        let mut found = None;
        for (_, child) in self.children_of(plugin) {
            if child.local != "map" {
                self.unknown_child(child, "authorizationPlugin");
                continue;
            }
            for (_, m) in self.children_of(child) {
                if m.local == "authorizationMap" {
                    if found.is_some() {
                        self.unsupported(
                            m.start_tag,
                            "a second `<authorizationMap>` in the plugin".into(),
                            "keep one map; Spring would silently use the last one",
                        );
                        continue;
                    }
                    found = Some(m);
                } else if super::config::OTHER_MAP_TYPES.contains(&m.local.as_str()) {
                    self.report(
                        UNSUPPORTED_AUTHORIZATION_MAP,
                        Severity::Error,
                        m.start_tag,
                        format!("the plugin uses `<{}>`, which mqauthz cannot model", m.name),
                        "its rules live outside this file (LDAP) or in another format; only `authorizationMap` can be checked and merged",
                        "mqauthz reads only `<authorizationMap>`",
                    );
                } else {
                    self.unknown_child(m, "map");
                }
            }
        }
        let Some(map_el) = found else {
            if self.diags.len() == reported {
                self.invalid(
                    plugin.start_tag,
                    "`<authorizationPlugin>` has no map".into(),
                    "add `<map><authorizationMap><authorizationEntries>...</authorizationEntries></authorizationMap></map>`",
                );
            }
            return None;
        };
        Some(self.map(map_el))
    }

    fn map(&mut self, m: &Element) -> AuthzMap {
        let mut group_class = None;
        for a in &m.attrs {
            match a.local.as_str() {
                "groupClass" => group_class = Some(a.value.clone()),
                "id" => {}
                "defaultEntry" | "tempDestinationAuthorizationEntry" => self.unsupported(
                    a.span,
                    format!("`{}` is a bean reference `{}`", a.name, a.value),
                    "write the entry inline as a child element",
                ),
                _ if is_xmlns(&a.name) => {}
                _ => self.invalid(
                    a.span,
                    format!("unknown attribute `{}` on `<authorizationMap>`", a.name),
                    "remove it; schema validation rejects unknown attributes",
                ),
            }
        }
        let mut map = AuthzMap::default();
        let mut saw_entries = false;
        for (_, c) in self.children_of(m) {
            match c.local.as_str() {
                "authorizationEntries" => {
                    if saw_entries {
                        self.unsupported(
                            c.start_tag,
                            "a second `<authorizationEntries>` list".into(),
                            "merge the lists into one; Spring would keep only the last",
                        );
                        continue;
                    }
                    saw_entries = true;
                    for (_, e) in self.children_of(c) {
                        if e.local == "authorizationEntry" {
                            self.entry(e, group_class.as_deref(), &mut map.entries);
                        } else {
                            self.invalid(
                                e.start_tag,
                                format!("`<{}>` in the entry list", e.name),
                                "only `<authorizationEntry>` may appear here; the broker fails with a ClassCastException",
                            );
                        }
                    }
                }
                "defaultEntry" => {
                    if map.default_entry.is_some() {
                        self.unsupported(
                            c.start_tag,
                            "a second `<defaultEntry>`".into(),
                            "keep one; Spring would keep only the last",
                        );
                        continue;
                    }
                    map.default_entry = self.wrapped_acl(c, None);
                }
                "tempDestinationAuthorizationEntry" => {
                    if map.temp.is_some() {
                        self.unsupported(
                            c.start_tag,
                            "a second `<tempDestinationAuthorizationEntry>`".into(),
                            "keep one; Spring would keep only the last",
                        );
                        continue;
                    }
                    map.temp = self.wrapped_acl(c, group_class.as_deref());
                }
                "entries" => self.unsupported(
                    c.start_tag,
                    "the `<entries>` property is not read by mqauthz".into(),
                    "use `<authorizationEntries>`",
                ),
                _ => self.unknown_child(c, "authorizationMap"),
            }
        }
        if !saw_entries {
            self.invalid(
                m.start_tag,
                "`<authorizationMap>` has no `<authorizationEntries>`".into(),
                "add `<authorizationEntries/>` (even empty); without it the broker fails at startup with a NullPointerException",
            );
        }
        map
    }

    /// A property element (`<defaultEntry>`, `<tempDestinationAuthorizationEntry>`)
    /// holding one entry bean element.
    fn wrapped_acl(&mut self, wrapper: &Element, map_class: Option<&str>) -> Option<Acl> {
        if let Some(a) = wrapper.attrs.iter().find(|a| !is_xmlns(&a.name)) {
            self.unsupported(
                a.span,
                format!(
                    "attribute `{}` on the property element `<{}>`",
                    a.name, wrapper.name
                ),
                "put the rights on the entry element inside it",
            );
        }
        let kids: Vec<&Element> = self.children_of(wrapper).map(|(_, e)| e).collect();
        let mut acl = None;
        for e in kids {
            if !matches!(
                e.local.as_str(),
                "authorizationEntry" | "tempDestinationAuthorizationEntry"
            ) {
                self.unknown_child(e, &wrapper.name);
                continue;
            }
            if wrapper.local == "tempDestinationAuthorizationEntry"
                && e.local != "tempDestinationAuthorizationEntry"
            {
                self.invalid(
                    e.start_tag,
                    format!("`<{}>` cannot be the temporary-destination entry", e.name),
                    "use `<tempDestinationAuthorizationEntry .../>` inside the property element; Spring cannot convert the type",
                );
                continue;
            }
            if acl.is_some() {
                self.unsupported(
                    e.start_tag,
                    format!("a second entry in `<{}>`", wrapper.name),
                    "keep one entry",
                );
                continue;
            }
            acl = Some(self.acl(e, map_class, false));
        }
        if acl.is_none() && wrapper.children.is_empty() {
            self.unsupported(
                wrapper.start_tag,
                format!("`<{}>` holds no entry element", wrapper.name),
                "put one entry element inside it",
            );
        }
        acl
    }

    /// The rights of an entry element; `with_dest` when destination
    /// attributes are expected.
    fn acl(&mut self, e: &Element, map_class: Option<&str>, with_dest: bool) -> Acl {
        // an absent attribute stays absent: ActiveMQ compares entries by value
        let list = |n: &str| {
            e.attr(n)
                .map_or_else(GroupList::default, |a| GroupList::parse(&a.value))
        };
        let class = e
            .attr("groupClass")
            .map(|a| a.value.clone())
            .or_else(|| map_class.map(str::to_string))
            .filter(|c| c != DEFAULT_GROUP_CLASS);
        for a in &e.attrs {
            if is_xmlns(&a.name) {
                continue;
            }
            if !ENTRY_ATTRS.contains(&a.local.as_str()) {
                self.invalid(
                    a.span,
                    format!("unknown attribute `{}` on `<{}>`", a.name, e.name),
                    "remove it; schema validation rejects unknown attributes",
                );
            } else if a.local == "destination" {
                self.unsupported(
                    a.span,
                    format!("the destination is a bean reference `{}`", a.value),
                    "use the `queue` or `topic` attribute",
                );
            } else if !with_dest
                && matches!(
                    a.local.as_str(),
                    "tempQueue" | "tempTopic" | "queue" | "topic"
                )
            {
                self.report(
                    UNSUPPORTED_CONSTRUCT,
                    Severity::Warning,
                    a.span,
                    format!("`{}` has no effect on this entry", a.name),
                    "ignored",
                    "remove it; this entry applies whatever the destination",
                );
            }
        }
        for (_, c) in self.children_of(e) {
            let msg = match c.local.as_str() {
                "destination" => "a `<destination>` child element".to_string(),
                "readACLs" | "writeACLs" | "adminACLs" => {
                    format!("principal objects in `<{}>`", c.name)
                }
                _ => format!("unexpected element `<{}>` in an entry", c.name),
            };
            self.unsupported(
                c.start_tag,
                msg,
                "use the `queue`/`topic` and `read`/`write`/`admin` attributes",
            );
        }
        Acl {
            read: list("read"),
            write: list("write"),
            admin: list("admin"),
            group_class: class,
        }
    }

    fn entry(&mut self, e: &Element, map_class: Option<&str>, out: &mut Vec<Entry>) {
        let acl = self.acl(e, map_class, true);
        let id = self.next_id;
        self.next_id += 1;
        for name in ["tempQueue", "tempTopic"] {
            if let Some(a) = e.attr(name) {
                self.unsupported(
                    a.span,
                    format!("`{name}` turns this entry into a temporary-destination entry, which ActiveMQ never consults"),
                    "remove it; temporary destinations are governed by `<tempDestinationAuthorizationEntry>`",
                );
                return;
            }
        }
        if e.attr("destination").is_some() {
            return;
        }
        let queue = e.attr("queue");
        let topic = e.attr("topic");
        let (kind, attr) = match (queue, topic) {
            (Some(q), Some(t)) => {
                self.report(
                    UNSUPPORTED_CONSTRUCT,
                    Severity::Warning,
                    q.span,
                    "the entry has both `queue` and `topic`; ActiveMQ applies them alphabetically and keeps the topic".into(),
                    "ignored",
                    "give each entry exactly one of `queue` or `topic`",
                );
                (DestKind::Topic, t)
            }
            (Some(q), None) => (DestKind::Queue, q),
            (None, Some(t)) => (DestKind::Topic, t),
            (None, None) => {
                if self.children_of(e).next().is_none() {
                    self.invalid(
                        e.start_tag,
                        "the entry names no destination".into(),
                        "add `queue=\"...\"` or `topic=\"...\"`; the broker fails at startup with a NullPointerException",
                    );
                }
                return;
            }
        };
        let Some(parts) = split_destination(&attr.value, kind) else {
            self.invalid(
                attr.span,
                format!("`{}` is empty", attr.name),
                "ActiveMQ requires a non-empty destination name",
            );
            return;
        };
        if parts.is_empty() {
            self.report(
                UNSUPPORTED_CONSTRUCT,
                Severity::Warning,
                attr.span,
                format!("the composite `{}` names no destination", attr.value),
                "guards nothing",
                "remove the entry or name a destination",
            );
        }
        let location = Some(self.location(e.span));
        for part in parts {
            match part {
                Ok((_, pattern)) if pattern.split('.').count() > MAX_SEGMENTS => self.report(
                    UNSUPPORTED_CONSTRUCT,
                    Severity::Error,
                    attr.span,
                    format!(
                        "a destination of {} segments is beyond what mqauthz models (at most {MAX_SEGMENTS})",
                        pattern.split('.').count()
                    ),
                    "not read",
                    "no real destination has this many segments; check the value",
                ),
                Ok((kind, pattern)) => out.push(Entry {
                    kind,
                    pattern,
                    acl: acl.clone(),
                    id,
                    provenance: Vec::new(),
                    location,
                }),
                Err(component) => self.report(
                    UNSUPPORTED_CONSTRUCT,
                    Severity::Warning,
                    attr.span,
                    format!("component `{component}` is a temporary destination, which entries never govern"),
                    "has no effect",
                    "remove the component; temporary destinations are governed by `<tempDestinationAuthorizationEntry>`",
                ),
            }
        }
    }

    /// Child elements of `e`, an element of the plugin.
    fn children_of(&self, e: &'a Element) -> impl Iterator<Item = (usize, &'a Element)> + 'a {
        children_in(self.tree, e)
    }

    fn location(&self, span: Span) -> Location {
        let (source, span) = self.doc.label_at(span);
        Location { source, span }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{SourceFile, SourceId};

    fn doc(plugin: &str) -> ConfigDoc {
        let text = format!(
            "<broker xmlns=\"http://activemq.apache.org/schema/core\"><plugins>{plugin}</plugins></broker>"
        );
        ConfigDoc::parse(SourceId(0), &SourceFile::new("b.xml", text)).expect("parses")
    }

    fn codes(d: &[Diagnostic]) -> Vec<&'static str> {
        d.iter().map(|d| d.code.name).collect()
    }

    #[test]
    fn reads_entries_as_activemq() {
        let d = doc(
            r##"<authorizationPlugin><map><authorizationMap groupClass="x.U">
            <authorizationEntries>
              <authorizationEntry queue=" CA,CB , topic://CT?x" read=" gb ,, gc , " admin="a"/>
              <authorizationEntry topic="topic://X" write="w" groupClass="org.apache.activemq.jaas.GroupPrincipal"/>
            </authorizationEntries>
            <defaultEntry><authorizationEntry read="d"/></defaultEntry>
            <tempDestinationAuthorizationEntry><tempDestinationAuthorizationEntry read="t"/></tempDestinationAuthorizationEntry>
          </authorizationMap></map></authorizationPlugin>"##,
        );
        let (map, diags) = read_map(&d);
        assert!(diags.is_empty(), "{diags:?}");
        let map = map.expect("map");
        let got: Vec<_> = map
            .entries
            .iter()
            .map(|e| (e.kind, e.pattern.as_str(), e.id))
            .collect();
        assert_eq!(
            got,
            vec![
                (DestKind::Queue, "CA", 0),
                (DestKind::Queue, "CB", 0),
                (DestKind::Topic, "CT", 0),
                (DestKind::Topic, "topic://X", 1),
            ]
        );
        let groups: Vec<_> = map.entries[0].acl.read.groups.iter().cloned().collect();
        assert_eq!(groups, vec!["", "gb", "gc"]);
        assert_eq!(map.entries[0].acl.read.raw, " gb ,, gc , ");
        assert_eq!(map.entries[0].acl.group_class.as_deref(), Some("x.U"));
        assert_eq!(map.entries[3].acl.group_class, None);
        let def = map.default_entry.expect("default");
        assert_eq!(def.group_class, None);
        let temp = map.temp.expect("temp");
        assert_eq!(temp.group_class.as_deref(), Some("x.U"));
        let loc = map.entries[0].location.expect("location");
        assert!(d.xml[loc.span.range()].starts_with("<authorizationEntry queue"));
    }

    #[test]
    fn reports_what_cannot_be_modelled() {
        let d = doc(
            r##"<authorizationPlugin><map><authorizationMap defaultEntry="#d">
            <authorizationEntries>
              <authorizationEntry tempQueue="true" read="a"/>
              <authorizationEntry><destination><queue physicalName="Q"/></destination></authorizationEntry>
              <authorizationEntry queue="Q" bogus="1"/>
              <authorizationEntry read="a"/>
              <authorizationEntry queue="  "/>
              <bean/>
            </authorizationEntries>
            <entries/>
          </authorizationMap></map></authorizationPlugin>"##,
        );
        let (_, diags) = read_map(&d);
        let c = codes(&diags);
        assert_eq!(
            c,
            vec![
                "unsupported-construct",
                "unsupported-construct",
                "unsupported-construct",
                "invalid-authorization-map",
                "invalid-authorization-map",
                "invalid-authorization-map",
                "invalid-authorization-map",
                "unsupported-construct",
            ]
        );
    }

    #[test]
    fn ldap_and_missing_entries() {
        let d = doc(
            r##"<authorizationPlugin><map><cachedLDAPAuthorizationMap/></map></authorizationPlugin>"##,
        );
        let (map, diags) = read_map(&d);
        assert!(map.is_none());
        assert_eq!(codes(&diags), vec!["unsupported-authorization-map"]);
        let d = doc(r##"<authorizationPlugin map="#m"/>"##);
        assert_eq!(codes(&read_map(&d).1), vec!["unsupported-construct"]);
        let d =
            doc(r##"<authorizationPlugin><map><authorizationMap/></map></authorizationPlugin>"##);
        let (map, diags) = read_map(&d);
        assert!(map.is_some());
        assert_eq!(codes(&diags), vec!["invalid-authorization-map"]);
    }

    #[test]
    fn property_elements() {
        let d = doc(
            r##"<authorizationPlugin><map><authorizationMap><authorizationEntries/>
            <defaultEntry><authorizationEntry queue="X" read="d"/></defaultEntry>
            <tempDestinationAuthorizationEntry><authorizationEntry read="t"/></tempDestinationAuthorizationEntry>
          </authorizationMap></map></authorizationPlugin>"##,
        );
        let (map, diags) = read_map(&d);
        let map = map.expect("map");
        assert_eq!(map.default_entry.map(|a| a.read.raw), Some("d".to_string()));
        assert_eq!(map.temp, None);
        assert_eq!(
            diags
                .iter()
                .map(|d| (d.code.name, d.severity))
                .collect::<Vec<_>>(),
            vec![
                ("unsupported-construct", Severity::Warning),
                ("invalid-authorization-map", Severity::Error),
            ]
        );
    }

    #[test]
    fn plugin_placement() {
        let text = "<broker xmlns=\"http://activemq.apache.org/schema/core\" plugins=\"#p\"><authorizationPlugin><map><authorizationMap><authorizationEntries/></authorizationMap></map></authorizationPlugin></broker>";
        let d = ConfigDoc::parse(SourceId(0), &SourceFile::new("b.xml", text)).expect("parses");
        let (map, diags) = read_map(&d);
        assert!(map.is_some());
        assert_eq!(
            codes(&diags),
            vec!["unsupported-construct", "invalid-authorization-map"]
        );
    }
}
