//! `explain`: who may read, write or administer a destination (or the
//! temporary destinations), and through which grants. [`explain`] builds an
//! [`Explanation`] from a loaded input; [`render_text`] and [`render_json`]
//! print it (the JSON schema is docs/explain-json.md).

use crate::error::Error;
use crate::model::{Policy, TargetKind};
use crate::pipeline::Loaded;
use crate::semantics::{AuthzMap, DestKind, Entry, Location, Right, EVERYONE};
use crate::source::Sources;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// What is asked about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Subject {
    /// A queue or topic: a name, a wildcard subscription such as
    /// `ORDERS.*`, or a composite `A,B`.
    Destination { kind: DestKind, name: String },
    /// All temporary queues and topics.
    Temp,
}

/// The question `explain` answers.
#[derive(Clone, Debug)]
pub(crate) struct Question {
    pub subject: Subject,
    /// Answer for this group only (and everyone, which it belongs to).
    pub group: Option<String>,
}

/// A grant that gives a group a right: where it is and what it says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Grant {
    /// The file, as named on the command line.
    pub file: String,
    /// 1-based line of the statement (or configuration entry).
    pub line: usize,
    /// The text of that line, trimmed.
    pub statement: String,
}

impl Grant {
    fn at(sources: &Sources, loc: &Location) -> Option<Grant> {
        let file = sources.get(loc.source)?;
        let lc = file.line_col(loc.span.start as usize);
        Some(Grant {
            file: file.name.clone(),
            line: lc.line,
            statement: file.line_text(lc.line - 1).trim().to_string(),
        })
    }

    /// `file:line  statement`, as the text output shows it.
    fn place(&self) -> String {
        format!("{}:{}  {}", self.file, self.line, self.statement)
    }
}

/// A group holding a right, and the grants that give it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Holder {
    /// The ActiveMQ group name; `*` is everyone.
    pub group: String,
    pub grants: Vec<Grant>,
}

/// Who holds one right.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct RightAnswer {
    #[serde(serialize_with = "right_str")]
    pub right: Right,
    /// Every authenticated user holds it (temporary destinations nothing is
    /// granted on, or a configuration without an authorizationPlugin).
    pub open: bool,
    /// With a group asked about: does it hold the right (itself, as
    /// everyone, or because the right is open)?
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<bool>,
    /// The groups holding the right, sorted by name (`*` first); with a
    /// group asked about, only it and `*`.
    pub groups: Vec<Holder>,
}

fn right_str<S: serde::Serializer>(r: &Right, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(r.as_str())
}

/// The answer of `explain`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Explanation {
    /// The schema version of the JSON form.
    pub version: u32,
    /// The input, as named on the command line (`<stdin>` for `-`).
    pub input: String,
    /// `queue`, `topic` or `temp`.
    pub kind: &'static str,
    /// The destination asked about; `None` for temp.
    pub destination: Option<String>,
    /// The group asked about.
    pub group: Option<String>,
    /// `false`: a configuration without an authorizationPlugin, where every
    /// authenticated user may do everything.
    pub authorization_plugin: bool,
    /// The destination holds a wildcard: the answer is whether a
    /// subscription is accepted.
    pub wildcard: bool,
    /// The map has a defaultEntry, which adds its groups to every
    /// destination.
    pub default_entry: bool,
    /// Nothing is granted on temp: every authenticated user may create,
    /// read and write temporary destinations.
    pub temp_ungranted: bool,
    /// `read`, `write`, `admin`, in that order.
    pub rights: Vec<RightAnswer>,
}

/// The grants among `entries` that gave `group` the `right`, sorted as the
/// text output lists them and without repeats.
fn grants(sources: &Sources, entries: &[&Entry], group: &str, right: Right) -> Vec<Grant> {
    let mut out = Vec::new();
    for e in entries {
        if !e.acl.get(right).groups.contains(group) {
            continue;
        }
        let mut found = false;
        for p in &e.provenance {
            if p.group == group && p.rights.contains(right) {
                out.extend(Grant::at(sources, &p.location));
                found = true;
            }
        }
        if !found {
            if let Some(loc) = &e.location {
                out.extend(Grant::at(sources, loc));
            }
        }
    }
    let mut keyed: Vec<(String, Grant)> = out.into_iter().map(|g| (g.place(), g)).collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed.dedup_by(|a, b| a.0 == b.0);
    keyed.into_iter().map(|(_, g)| g).collect()
}

/// The grants of `policy` that give each group of `out` the `right` on
/// temp, in the policy's order.
fn temp_grants(
    sources: &Sources,
    policy: &Policy,
    right: Right,
    out: &mut BTreeMap<String, Vec<Grant>>,
) {
    for grant in &policy.grants {
        let on_temp = grant.targets.iter().any(|t| t.kind == TargetKind::Temp);
        if !on_temp || !grant.right_set().contains(right) {
            continue;
        }
        for p in &grant.principals {
            let group = crate::compile::group_name(policy, p.who);
            let loc = Location {
                source: policy.source,
                span: grant.span,
            };
            if let Some(v) = out.get_mut(&group) {
                v.extend(Grant::at(sources, &loc));
            }
        }
    }
}

/// Does a destination hold a wildcard segment?
fn is_wildcard(dest: &str) -> bool {
    dest.split([',', '.']).any(|s| {
        let s = s.trim();
        s == "*" || s == ">"
    })
}

/// One right's answer from its holders.
fn answer(
    right: Right,
    holders: BTreeMap<String, Vec<Grant>>,
    open: bool,
    group: Option<&str>,
) -> RightAnswer {
    let relevant = |k: &str| group.is_none_or(|g| k == g || k == EVERYONE);
    let groups: Vec<Holder> = holders
        .into_iter()
        .filter(|(k, _)| relevant(k))
        .map(|(group, grants)| Holder { group, grants })
        .collect();
    RightAnswer {
        right,
        open,
        allowed: group.map(|_| open || !groups.is_empty()),
        groups,
    }
}

/// Answer `question` on a loaded input. `name` is the input's display name.
/// A destination with more segments than a real one is a usage error.
pub(crate) fn explain(
    sources: &Sources,
    loaded: &Loaded,
    name: &str,
    question: &Question,
) -> Result<Explanation, Error> {
    let group = question.group.as_deref();
    let (kind, destination) = match &question.subject {
        Subject::Temp => ("temp", None),
        Subject::Destination { kind, name } => (kind.as_str(), Some(name.clone())),
    };
    let mut x = Explanation {
        version: 1,
        input: name.to_string(),
        kind,
        destination,
        group: question.group.clone(),
        authorization_plugin: true,
        wildcard: false,
        default_entry: false,
        temp_ungranted: false,
        rights: Vec::new(),
    };
    if loaded.without_plugin() {
        x.authorization_plugin = false;
        x.rights = Right::ALL
            .into_iter()
            .map(|r| answer(r, BTreeMap::new(), true, group))
            .collect();
        return Ok(x);
    }
    let empty = AuthzMap::default();
    let map = loaded.map().unwrap_or(&empty);
    match &question.subject {
        Subject::Temp => {
            for r in Right::ALL {
                x.rights.push(match map.temp_groups(r) {
                    None => answer(r, BTreeMap::new(), true, group),
                    Some(groups) => {
                        let mut m: BTreeMap<String, Vec<Grant>> =
                            groups.into_iter().map(|g| (g, Vec::new())).collect();
                        if let Loaded::Policy { front, .. } = loaded {
                            temp_grants(sources, &front.policy, r, &mut m);
                        }
                        answer(r, m, false, group)
                    }
                });
            }
            x.temp_ungranted = map.temp.is_none();
        }
        Subject::Destination { kind, name: dest } => {
            let max = crate::semantics::MAX_SEGMENTS;
            if dest.split(['.', ',']).count() > max {
                return Err(Error::Usage(format!(
                    "the destination has more than {max} segments; no real destination has"
                )));
            }
            x.wildcard = is_wildcard(dest);
            let entries = map.matching_entries(*kind, dest);
            for r in Right::ALL {
                let m = map
                    .acl_groups(*kind, dest, r)
                    .into_iter()
                    .map(|g| {
                        let why = grants(sources, &entries, &g, r);
                        (g, why)
                    })
                    .collect();
                x.rights.push(answer(r, m, false, group));
            }
            x.default_entry = map.default_entry.is_some();
        }
    }
    Ok(x)
}

/// A group as the text output names it.
fn shown(group: &str) -> &str {
    if group == EVERYONE {
        "everyone"
    } else {
        group
    }
}

/// The text form of an explanation.
pub(crate) fn render_text(x: &Explanation) -> String {
    let name = &x.input;
    let mut out = String::new();
    if !x.authorization_plugin {
        let _ = writeln!(
            out,
            "{name} has no authorizationPlugin: every authenticated user may do everything."
        );
        return out;
    }
    let who = x
        .group
        .as_ref()
        .map_or(String::new(), |g| format!("{g} on "));
    match &x.destination {
        None => {
            let _ = writeln!(out, "{who}temporary queues and topics ({name})");
            if x.temp_ungranted {
                let _ = writeln!(out, "nothing is granted on `temp`, so every authenticated user may create, read and write them");
            }
        }
        Some(dest) => {
            let _ = writeln!(out, "{who}{} {dest} ({name})", x.kind);
            if x.wildcard {
                let _ = writeln!(
                    out,
                    "`{dest}` is a wildcard: this answers whether a subscription is accepted; delivery is still filtered per destination, each by its own read check"
                );
            }
            if x.default_entry {
                let _ = writeln!(out, "the defaultEntry adds its groups to every destination");
            }
        }
    }
    out.push('\n');
    for a in &x.rights {
        let right = a.right.as_str();
        match a.allowed {
            Some(allowed) => {
                let verdict = match (allowed, a.open) {
                    (true, true) => "yes  (temporary destinations are open to every user)",
                    (true, false) => "yes",
                    (false, _) => "no",
                };
                let _ = writeln!(out, "{right:<6} {verdict}");
                for h in &a.groups {
                    let via = if h.group == EVERYONE {
                        "as everyone: "
                    } else {
                        ""
                    };
                    for g in &h.grants {
                        let _ = writeln!(out, "         {via}{}", g.place());
                    }
                }
            }
            None => {
                let list = if a.open {
                    "every authenticated user".to_string()
                } else if a.groups.is_empty() {
                    "nobody".to_string()
                } else {
                    let who: Vec<&str> = a.groups.iter().map(|h| shown(&h.group)).collect();
                    who.join(", ")
                };
                let _ = writeln!(out, "{right:<6} {list}");
                for h in &a.groups {
                    for g in &h.grants {
                        let _ = writeln!(out, "         {:<16} {}", shown(&h.group), g.place());
                    }
                }
            }
        }
    }
    out
}

/// The JSON form of an explanation (docs/explain-json.md).
pub(crate) fn render_json(x: &Explanation) -> String {
    let mut s = serde_json::to_string_pretty(x).unwrap_or_default();
    s.push('\n');
    s
}

/// The groups an input knows: a policy's declared groups; a configuration's
/// groups named by its map (every entry, the defaultEntry and the temp
/// entry) and held by its `simpleAuthenticationPlugin` users. `everyone`
/// (`*`) is always known. `None` for a configuration without a map, where
/// any group is as good as another.
pub(crate) fn known_groups(loaded: &Loaded) -> Option<BTreeSet<String>> {
    let mut known: BTreeSet<String> = ["everyone", EVERYONE].map(String::from).into();
    match loaded {
        Loaded::Policy { front, .. } => {
            known.extend(front.policy.groups.iter().map(|g| g.name.clone()));
        }
        Loaded::Config { doc, map, .. } => {
            let map = map.as_ref()?;
            let acls = map
                .entries
                .iter()
                .map(|e| &e.acl)
                .chain(map.default_entry.as_ref())
                .chain(map.temp.as_ref());
            for acl in acls {
                for r in Right::ALL {
                    known.extend(acl.get(r).groups.iter().cloned());
                }
            }
            for user in &doc.facts().users {
                known.extend(user.groups.groups.iter().cloned());
            }
        }
    }
    Some(known)
}

/// `--group NAME` must name a group the input knows: a typo would otherwise
/// answer "no" to everything. The error says what is close.
pub(crate) fn check_group(loaded: &Loaded, name: &str, input: &str) -> Result<(), Error> {
    let Some(known) = known_groups(loaded) else {
        return Ok(());
    };
    if known.contains(name) {
        return Ok(());
    }
    let hint = crate::util::did_you_mean(
        name,
        known.iter().map(String::as_str).filter(|g| *g != EVERYONE),
    )
    .map(|g| format!(" (did you mean `{g}`?)"))
    .unwrap_or_default();
    Err(Error::Usage(format!(
        "unknown group `{name}` in `{input}`{hint}"
    )))
}
