//! `explain`: who may read, write or administer a destination (or the
//! temporary destinations), and through which grants. [`explain`] builds an
//! [`Explanation`] from a loaded input; [`render_text`] and [`render_json`]
//! print it (the JSON schema is docs/explain-json.md).

use crate::diagnostics::{codes, Diagnostic};
use crate::error::Error;
use crate::model::{Policy, TargetKind};
use crate::pipeline::Loaded;
use crate::semantics::{AuthzMap, DestKind, Entry, Location, Right, EVERYONE};
use crate::source::{SourceFile, Sources, Span};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// What is asked about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    /// A queue or topic: a name, a wildcard subscription such as
    /// `ORDERS.*`, or a composite `A,B`.
    Destination { kind: DestKind, name: String },
    /// All temporary queues and topics.
    Temp,
    /// Everything the group or user asked about may do (no destination).
    Everything,
}

/// A user asked about (`--user`, with `--members`): the groups they hold
/// and whether `everyone` (`*`) reaches them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserQuestion {
    pub name: String,
    /// The groups the user holds, sorted.
    pub groups: Vec<String>,
    /// `*` matches the user: they hold at least one principal (before
    /// ActiveMQ 6.3.0), or they are authenticated (from 6.3.0).
    pub everyone: bool,
}

/// The question `explain` answers.
#[derive(Clone, Debug)]
pub struct Question {
    pub subject: Subject,
    /// Answer for this group only (and everyone, which it belongs to).
    pub group: Option<String>,
    /// Answer for this user only: the union over their groups (and
    /// everyone, when it reaches them). Exclusive with `group`.
    pub user: Option<UserQuestion>,
}

impl Question {
    /// Is `principal` (a group name, `*` for everyone) among those asked
    /// about? All are when neither a group nor a user is asked about.
    fn relevant(&self, principal: &str) -> bool {
        match (&self.group, &self.user) {
            (Some(g), _) => principal == g || principal == EVERYONE,
            (None, Some(u)) => {
                if principal == EVERYONE {
                    u.everyone
                } else {
                    u.groups.iter().any(|g| g == principal)
                }
            }
            (None, None) => true,
        }
    }

    fn asks_whom(&self) -> bool {
        self.group.is_some() || self.user.is_some()
    }
}

/// A grant that gives a group a right: where it is and what it says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Grant {
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
pub struct Holder {
    /// The ActiveMQ group name; `*` is everyone.
    pub group: String,
    pub grants: Vec<Grant>,
}

/// Who holds one right.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RightAnswer {
    #[serde(serialize_with = "right_str")]
    pub right: Right,
    /// Every authenticated user holds it (temporary destinations nothing is
    /// granted on, or a configuration without an authorizationPlugin).
    pub open: bool,
    /// With a group or user asked about: do they hold the right (through a
    /// group, as everyone, or because the right is open)?
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<bool>,
    /// The groups holding the right, sorted by name (`*` first); with a
    /// group asked about, only it and `*`; with a user, only their groups
    /// and `*` when it reaches them.
    pub groups: Vec<Holder>,
}

fn right_str<S: serde::Serializer>(r: &Right, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(r.as_str())
}

/// The answer of `explain`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Explanation {
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
    /// `read`, `write`, `admin`, in that order (empty for `all`).
    pub rights: Vec<RightAnswer>,
    /// The user asked about, with their groups.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<UserAnswer>,
    /// Without a destination (`kind` `all`): every entry that gives the
    /// group or user asked about a right.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Vec<Permission>>,
}

/// The user asked about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UserAnswer {
    pub name: String,
    /// The groups they hold, sorted.
    pub groups: Vec<String>,
    /// `everyone` (`*`) reaches them.
    pub everyone: bool,
}

/// One right on one pattern, and who among those asked about holds it there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Permission {
    /// `queue`, `topic` or `temp`.
    pub kind: &'static str,
    /// The entry's pattern (`>` for the defaultEntry); `null` for temp.
    pub pattern: Option<String>,
    #[serde(serialize_with = "right_str")]
    pub right: Right,
    /// Every authenticated user holds it (temp without a temp entry, or no
    /// authorizationPlugin).
    pub open: bool,
    /// The groups (among those asked about) that hold it, and the grants.
    pub groups: Vec<Holder>,
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

/// Check a destination given on the command line with the policy
/// language's pattern checks (as a quoted pattern: a `*` inside a segment is
/// a literal character), each component of a composite `A,B` on its own (a
/// component may carry a `queue://` or `topic://` prefix, as in ActiveMQ).
/// The destination is registered in `sources` as `<DEST>`, so that each
/// problem points into the argument itself.
pub(crate) fn check_destination(sources: &mut Sources, dest: &str) -> Vec<Diagnostic> {
    use crate::model::validate;
    let mut problems = Vec::new();
    let composite = dest.contains(',');
    let mut start = 0;
    for part in dest.split(',') {
        let lead = part.len() - part.trim_start().len();
        let mut value = part.trim();
        let mut at = start + lead;
        if composite {
            for prefix in ["queue://", "topic://", "temp-queue://", "temp-topic://"] {
                if let Some(rest) = value.strip_prefix(prefix) {
                    value = rest;
                    at += prefix.len();
                    break;
                }
            }
        }
        for p in validate::pattern(value, true) {
            let span = match &p.range {
                Some(r) => Span::new(at + r.start, at + r.end),
                None => Span::new(at, at + value.len()),
            };
            problems.push((span, p));
        }
        start += part.len() + 1;
    }
    if problems.is_empty() {
        return Vec::new();
    }
    let id = sources.add(SourceFile::new("<DEST>", dest));
    problems
        .into_iter()
        .map(|(span, p)| {
            Diagnostic::error(codes::INVALID_PATTERN, p.message)
                .primary(id, span, "in the destination")
                .help(p.help)
        })
        .collect()
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
    question: &Question,
) -> RightAnswer {
    let groups: Vec<Holder> = holders
        .into_iter()
        .filter(|(k, _)| question.relevant(k))
        .map(|(group, grants)| Holder { group, grants })
        .collect();
    RightAnswer {
        right,
        open,
        // an open temp destination still wants a principal: a user without
        // one is refused (as `*` does not match them)
        allowed: question.asks_whom().then_some(
            (open && question.user.as_ref().is_none_or(|u| u.everyone)) || !groups.is_empty(),
        ),
        groups,
    }
}

/// Answer `question` on a loaded input. `name` is the input's display name.
/// A destination with more segments than a real one is a usage error.
pub fn explain(
    sources: &Sources,
    loaded: &Loaded,
    name: &str,
    question: &Question,
) -> Result<Explanation, Error> {
    let (kind, destination) = match &question.subject {
        Subject::Temp => ("temp", None),
        Subject::Everything => ("all", None),
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
        user: question.user.as_ref().map(|u| UserAnswer {
            name: u.name.clone(),
            groups: u.groups.clone(),
            everyone: u.everyone,
        }),
        permissions: None,
    };
    if loaded.without_plugin() {
        x.authorization_plugin = false;
        if question.subject == Subject::Everything {
            x.permissions = Some(Vec::new());
        } else {
            // no authorization broker at all: every authenticated user
            x.rights = Right::ALL
                .into_iter()
                .map(|r| {
                    let mut a = answer(r, BTreeMap::new(), true, question);
                    a.allowed = question.asks_whom().then_some(true);
                    a
                })
                .collect();
        }
        return Ok(x);
    }
    let empty = AuthzMap::default();
    let map = loaded.map().unwrap_or(&empty);
    match &question.subject {
        Subject::Temp => {
            for r in Right::ALL {
                x.rights.push(match map.temp_groups(r) {
                    None => answer(r, BTreeMap::new(), true, question),
                    Some(groups) => {
                        let mut m: BTreeMap<String, Vec<Grant>> =
                            groups.into_iter().map(|g| (g, Vec::new())).collect();
                        if let Loaded::Policy { front, .. } = loaded {
                            temp_grants(sources, &front.policy, r, &mut m);
                        }
                        answer(r, m, false, question)
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
                x.rights.push(answer(r, m, false, question));
            }
            x.default_entry = map.default_entry.is_some();
        }
        Subject::Everything => {
            x.permissions = Some(everything(sources, loaded, map, question));
            x.default_entry = map.default_entry.is_some();
            x.temp_ungranted = map.temp.is_none();
        }
    }
    Ok(x)
}

/// Every entry of `map` giving a principal asked about a right, in map
/// order (queue and topic entries, then the defaultEntry, then temp).
fn everything(
    sources: &Sources,
    loaded: &Loaded,
    map: &AuthzMap,
    question: &Question,
) -> Vec<Permission> {
    let mut out = Vec::new();
    for kind in DestKind::ALL {
        for e in map.entries.iter().filter(|e| e.kind == kind) {
            for r in Right::ALL {
                let groups: Vec<Holder> = e
                    .acl
                    .get(r)
                    .groups
                    .iter()
                    .filter(|g| question.relevant(g))
                    .map(|g| Holder {
                        group: g.clone(),
                        grants: grants(sources, &[e], g, r),
                    })
                    .collect();
                if !groups.is_empty() {
                    out.push(Permission {
                        kind: kind.as_str(),
                        pattern: Some(e.pattern.clone()),
                        right: r,
                        open: false,
                        groups,
                    });
                }
            }
        }
    }
    if let Some(d) = &map.default_entry {
        for r in Right::ALL {
            let groups: Vec<Holder> = d
                .get(r)
                .groups
                .iter()
                .filter(|g| question.relevant(g))
                .map(|g| Holder {
                    group: g.clone(),
                    grants: Vec::new(),
                })
                .collect();
            for kind in DestKind::ALL {
                if !groups.is_empty() {
                    out.push(Permission {
                        kind: kind.as_str(),
                        pattern: Some(">".to_string()),
                        right: r,
                        open: false,
                        groups: groups.clone(),
                    });
                }
            }
        }
    }
    for r in Right::ALL {
        match map.temp_groups(r) {
            None if question.user.as_ref().is_none_or(|u| u.everyone) => out.push(Permission {
                kind: "temp",
                pattern: None,
                right: r,
                open: true,
                groups: Vec::new(),
            }),
            None => {}
            Some(set) => {
                let mut m: BTreeMap<String, Vec<Grant>> = set
                    .into_iter()
                    .filter(|g| question.relevant(g))
                    .map(|g| (g, Vec::new()))
                    .collect();
                if m.is_empty() {
                    continue;
                }
                if let Loaded::Policy { front, .. } = loaded {
                    temp_grants(sources, &front.policy, r, &mut m);
                }
                out.push(Permission {
                    kind: "temp",
                    pattern: None,
                    right: r,
                    open: false,
                    groups: m
                        .into_iter()
                        .map(|(group, grants)| Holder { group, grants })
                        .collect(),
                });
            }
        }
    }
    out
}

/// A group as the text output names it.
fn shown(group: &str) -> &str {
    if group == EVERYONE {
        "everyone"
    } else {
        group
    }
}

/// The user line of the text output.
fn user_line(u: &UserAnswer) -> String {
    let groups = if u.groups.is_empty() {
        "no group".to_string()
    } else {
        format!("groups {}", u.groups.join(", "))
    };
    let everyone = if u.everyone {
        "everyone reaches them"
    } else {
        "everyone does not reach them: a user without groups holds no principal"
    };
    format!("user {}: {groups}; {everyone}", u.name)
}

/// The text form of an explanation.
pub fn render_text(x: &Explanation) -> String {
    let name = &x.input;
    let mut out = String::new();
    if !x.authorization_plugin {
        let _ = writeln!(
            out,
            "{name} has no authorizationPlugin: every authenticated user may do everything."
        );
        return out;
    }
    let who = match (&x.group, &x.user) {
        (Some(g), _) => format!("{g} on "),
        (None, Some(u)) => format!("{} on ", u.name),
        (None, None) => String::new(),
    };
    match (&x.destination, &x.permissions) {
        (None, Some(_)) => {
            let whom = x
                .group
                .clone()
                .or_else(|| x.user.as_ref().map(|u| u.name.clone()))
                .unwrap_or_default();
            let _ = writeln!(out, "everything {whom} may do ({name})");
        }
        (None, None) => {
            let _ = writeln!(out, "{who}temporary queues and topics ({name})");
            if x.temp_ungranted {
                let _ = writeln!(out, "nothing is granted on `temp`, so every authenticated user may create, read and write them");
            }
        }
        (Some(dest), _) => {
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
    if let Some(u) = &x.user {
        let _ = writeln!(out, "{}", user_line(u));
    }
    out.push('\n');
    if let Some(permissions) = &x.permissions {
        if permissions.iter().all(|p| p.open) {
            out.push_str("no grant reaches them");
            if permissions.is_empty() {
                out.push('\n');
            } else {
                out.push_str(" (temporary destinations are open to every user)\n");
            }
        }
        for p in permissions {
            let what = match &p.pattern {
                Some(pattern) => format!("{} {pattern}", p.kind),
                None => "temp".to_string(),
            };
            if p.open {
                let _ = writeln!(
                    out,
                    "{:<6} {what}  (temporary destinations are open to every user)",
                    p.right.as_str()
                );
                continue;
            }
            let _ = writeln!(out, "{:<6} {what}", p.right.as_str());
            holder_lines(&mut out, &p.groups);
        }
        return out;
    }
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
                if x.user.is_some() {
                    holder_lines(&mut out, &a.groups);
                    continue;
                }
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

/// One line per group and grant: `group  file:line  statement`; a group
/// whose grant has no line is named alone.
fn holder_lines(out: &mut String, holders: &[Holder]) {
    for h in holders {
        if h.grants.is_empty() {
            let _ = writeln!(out, "         {}", shown(&h.group));
        }
        for g in &h.grants {
            let _ = writeln!(out, "         {:<16} {}", shown(&h.group), g.place());
        }
    }
}

/// The JSON form of an explanation (docs/explain-json.md).
pub fn render_json(x: &Explanation) -> String {
    let mut s = serde_json::to_string_pretty(x).unwrap_or_default();
    s.push('\n');
    s
}
