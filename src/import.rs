//! Recovering a policy from an authorization map (`mqauthz import`).
//!
//! The policy means exactly what the map means: every group named in the map
//! is declared, every entry becomes grants (one grant per set of principals,
//! rights and kind, listing its patterns), `*` becomes `everyone`, the
//! defaultEntry becomes grants on `queue >` and `topic >` and the temp entry
//! grants on `temp`. What the language cannot say (patterns with empty
//! segments or a `>` that is not last, a `groupClass`, group names the
//! language forbids, an empty temp entry) becomes a `#` comment in the text
//! and an [`Unexpressible`] item for the caller to report.

use crate::diagnostics::{Diagnostic, Severity};
use crate::model::validate;
use crate::semantics::{Acl, AuthzMap, DestKind, Location, Right, RightSet, EVERYONE};
use crate::source::{SourceFile, SourceId};
use crate::syntax;
use crate::xml::ConfigDoc;
use std::collections::{BTreeMap, BTreeSet};

/// Part of the map cannot be written in the policy language.
pub(crate) const NOT_IMPORTABLE: crate::diagnostics::Code = crate::diagnostics::Code {
    id: "MQA320",
    name: "not-importable",
};

/// Something of the map the policy language cannot express.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unexpressible {
    /// What was left out, in words.
    pub message: String,
    /// Where it is, when the map knows (entries read from XML do).
    pub location: Option<Location>,
    /// Which part of the map: an entry, the defaultEntry or the temp entry.
    pub place: Place,
}

/// The part of a map an [`Unexpressible`] item belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// An `authorizationEntry` (index into the map's entries).
    Entry(usize),
    /// The `defaultEntry`.
    Default,
    /// The `tempDestinationAuthorizationEntry`.
    Temp,
}

/// The element of the plugin a defaultEntry or temp item is about.
fn element_span(doc: &ConfigDoc, local: &str) -> Option<crate::source::Span> {
    doc.plugin_elements()
        .iter()
        .find(|e| e.local == local)
        .map(|e| e.start_tag)
}

/// A warning for each part of the map an import left out, located at its
/// entry (or the defaultEntry or temp element) in the configuration.
pub(crate) fn unexpressible(imported: &Imported, doc: &ConfigDoc) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for u in &imported.unexpressible {
        let d = Diagnostic::new(NOT_IMPORTABLE, Severity::Warning, u.message.clone())
            .help("it is left out of the policy as a comment; the imported policy grants less than the configuration");
        let d = match (u.place, u.location) {
            (Place::Entry(_), Some(loc)) => d.primary(loc.source, loc.span, "not imported"),
            (Place::Default, _) => match element_span(doc, "defaultEntry") {
                Some(span) => doc.locate(d, span, "not imported"),
                None => d,
            },
            (Place::Temp, _) => match element_span(doc, "tempDestinationAuthorizationEntry") {
                Some(span) => doc.locate(d, span, "not imported"),
                None => d,
            },
            _ => d,
        };
        out.push(d);
    }
    out
}

/// The result of an import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Imported {
    /// The policy text, in canonical form.
    pub text: String,
    /// What was left out of it (also written as comments in `text`).
    pub unexpressible: Vec<Unexpressible>,
}

/// A pattern as it must be written in a policy, or why it cannot be.
pub(crate) fn write_pattern(pattern: &str) -> Result<String, String> {
    let bare_ok = syntax::is_bare_pattern(pattern) && validate::pattern(pattern, false).is_empty();
    if bare_ok {
        return Ok(pattern.to_string());
    }
    match validate::pattern(pattern, true).first() {
        None => Ok(syntax::quote(pattern)),
        Some(p) => Err(p.message.clone()),
    }
}

/// A principal as it must be written in a policy, or why it cannot be.
pub(crate) fn write_principal(group: &str) -> Result<String, String> {
    if group == EVERYONE {
        return Ok("everyone".to_string());
    }
    if group == "everyone" {
        return Ok(syntax::quote(group));
    }
    match validate::group_name(group).first() {
        None => Ok(syntax::write_name(group)),
        Some(p) => Err(p.message.clone()),
    }
}

fn rights_text(rights: RightSet) -> String {
    if rights.is_all() {
        "all".to_string()
    } else {
        rights
            .iter()
            .map(Right::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Where a grant applies.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Where {
    Kind(DestKind),
    Temp,
}

/// A principal: its sort key (everyone first, then by name) and how it is written.
type Principal = (String, String);

/// (principals, rights, where) → patterns as written.
type Buckets = BTreeMap<(Vec<Principal>, RightSet, Where), BTreeSet<String>>;

struct Builder {
    buckets: Buckets,
    groups: BTreeSet<String>,
    comments: Vec<String>,
    skipped: Vec<Unexpressible>,
}

impl Builder {
    fn skip(&mut self, place: Place, location: Option<Location>, what: &str, why: String) {
        self.comments.push(format!("{what}: {why}"));
        self.skipped.push(Unexpressible {
            message: format!("{what} cannot be imported: {why}"),
            location,
            place,
        });
    }

    /// Add the grants of one ACL on `pattern` (as written) of `at`.
    fn acl(
        &mut self,
        acl: &Acl,
        at: &Where,
        pattern: &str,
        place: Place,
        location: Option<Location>,
        what: &str,
    ) {
        if let Some(class) = &acl.group_class {
            self.skip(
                place,
                location,
                what,
                format!("its names are `{class}` principals, not groups"),
            );
            return;
        }
        let mut per: BTreeMap<Principal, RightSet> = BTreeMap::new();
        for right in Right::ALL {
            for g in &acl.get(right).groups {
                match write_principal(g) {
                    Ok(w) => {
                        let key = if g == EVERYONE {
                            String::new()
                        } else {
                            format!("~{g}")
                        };
                        per.entry((key, w)).or_default().insert(right);
                        if g != EVERYONE {
                            self.groups.insert(g.clone());
                        }
                    }
                    Err(why) => {
                        let why = format!("group `{}`: {why}", g.escape_debug());
                        self.skip(place, location, &format!("{what} ({right})"), why);
                    }
                }
            }
        }
        let mut inverse: BTreeMap<RightSet, Vec<Principal>> = BTreeMap::new();
        for (w, rights) in per {
            inverse.entry(rights).or_default().push(w);
        }
        for (rights, principals) in inverse {
            self.buckets
                .entry((principals, rights, at.clone()))
                .or_default()
                .insert(pattern.to_string());
        }
    }
}

/// Import a map. `describe` names each place for comments and messages.
pub fn import(map: &AuthzMap) -> Imported {
    let mut b = Builder {
        buckets: BTreeMap::new(),
        groups: BTreeSet::new(),
        comments: Vec::new(),
        skipped: Vec::new(),
    };
    for (i, e) in map.entries.iter().enumerate() {
        let what = format!("{} entry `{}`", e.kind, e.pattern.escape_debug());
        match write_pattern(&e.pattern) {
            Ok(p) => b.acl(
                &e.acl,
                &Where::Kind(e.kind),
                &p,
                Place::Entry(i),
                e.location,
                &what,
            ),
            Err(why) => b.skip(Place::Entry(i), e.location, &what, why),
        }
    }
    if let Some(d) = &map.default_entry {
        for kind in DestKind::ALL {
            b.acl(
                d,
                &Where::Kind(kind),
                ">",
                Place::Default,
                None,
                "defaultEntry",
            );
        }
    }
    if let Some(t) = &map.temp {
        if Right::ALL.iter().all(|r| t.get(*r).is_empty()) {
            b.skip(
                Place::Temp,
                None,
                "tempDestinationAuthorizationEntry",
                "it grants nothing, which closes temporary destinations to everyone; a policy cannot say that".into(),
            );
        } else {
            b.acl(
                t,
                &Where::Temp,
                "",
                Place::Temp,
                None,
                "tempDestinationAuthorizationEntry",
            );
        }
    }
    b.skipped.dedup();
    let text = render(&b);
    Imported {
        text: canonical(&text),
        unexpressible: b.skipped,
    }
}

fn render(b: &Builder) -> String {
    let mut out = String::new();
    out.push_str("# Imported by mqauthz from a broker configuration.\n");
    if !b.comments.is_empty() {
        out.push_str("#\n# Left out (the policy language cannot express these):\n");
        let mut seen = BTreeSet::new();
        for c in &b.comments {
            let line: String = c
                .chars()
                .map(|ch| if ch.is_control() { ' ' } else { ch })
                .collect();
            if seen.insert(line.clone()) {
                out.push_str(&format!("# - {line}\n"));
            }
        }
    }
    if !b.groups.is_empty() {
        out.push('\n');
        for g in &b.groups {
            out.push_str(&format!("group {}\n", syntax::write_name(g)));
        }
    }
    if !b.buckets.is_empty() {
        out.push('\n');
    }
    for ((principals, rights, at), patterns) in &b.buckets {
        let targets = match at {
            Where::Temp => "temp".to_string(),
            Where::Kind(k) => format!(
                "{k} {}",
                patterns.iter().cloned().collect::<Vec<_>>().join(", ")
            ),
        };
        out.push_str(&format!(
            "grant {} {} on {targets}\n",
            principals
                .iter()
                .map(|(_, w)| w.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            rights_text(*rights)
        ));
    }
    out
}

/// Run the text through the parser and the formatter; the text is returned
/// as is should it not parse (which the tests rule out).
fn canonical(text: &str) -> String {
    let file = SourceFile::new("imported.mqa", text);
    let parsed = crate::syntax::parse(SourceId(0), &file);
    if parsed
        .diagnostics
        .iter()
        .any(|d| d.severity == crate::diagnostics::Severity::Error)
    {
        return text.to_string();
    }
    crate::fmt::format(&file, &parsed.file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_are_quoted_when_needed() {
        assert_eq!(write_pattern("ORDERS.>").as_deref(), Ok("ORDERS.>"));
        assert_eq!(
            write_pattern("a$b:c/d@e~f-g").as_deref(),
            Ok("a$b:c/d@e~f-g")
        );
        assert_eq!(write_pattern("temp").as_deref(), Ok("\"temp\""));
        assert_eq!(write_pattern("ORD*").as_deref(), Ok("\"ORD*\""));
        assert_eq!(write_pattern("R&D.>").as_deref(), Ok("\"R&D.>\""));
        assert_eq!(write_pattern("a\"b").as_deref(), Ok("\"a\\\"b\""));
        assert!(write_pattern("A..B").is_err());
        assert!(write_pattern("A.>.B").is_err());
        assert!(write_pattern("A,B").is_err());
    }

    #[test]
    fn principals() {
        assert_eq!(write_principal("*").as_deref(), Ok("everyone"));
        assert_eq!(write_principal("everyone").as_deref(), Ok("\"everyone\""));
        assert_eq!(write_principal("ops team").as_deref(), Ok("\"ops team\""));
        assert!(write_principal("a<b").is_err());
        assert!(write_principal("").is_err());
    }
}
