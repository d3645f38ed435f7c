//! Semantic difference between two authorization maps.
//!
//! Two maps are compared by what they let users do, never by their text. For
//! each principal (a group, or `*` for everyone), right and kind, the
//! destinations one side grants and the other does not are reported as
//! patterns of the granting side, each with a concrete example destination.
//!
//! A group's effective access is what its own entries give plus what `*`
//! (everyone) and the defaultEntry give. A change of everyone's access is
//! reported once, for everyone; a named group's lines list only what changes
//! for it beyond that, so replacing `everyone` by named groups reads as a loss
//! for everyone and nothing new for the named groups that already had it.
//!
//! The method is exact and needs no sampling: per side, right and kind one
//! [`PatternSet`] holds every entry pattern (and `>` for the defaultEntry)
//! with the principals it names; a pattern `p` that a principal holds on one
//! side is a change when the union of the other side's patterns held by that
//! principal (directly or through `*`) does not cover `p`, and the covering
//! search's witness is the example. Each query is one trie search, so the
//! work grows with the number of (principal, pattern) pairs, never with pairs
//! of entries.

use crate::semantics::coverage::PatternSet;
use crate::semantics::pattern::Pattern;
use crate::semantics::{Acl, AuthzMap, DestKind, Right, EVERYONE};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Whether a change adds or removes access.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// The new side grants what the old side does not.
    Gained,
    /// The old side grants what the new side does not.
    Lost,
}

impl Direction {
    /// `gained` or `lost`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Gained => "gained",
            Direction::Lost => "lost",
        }
    }
}

/// One difference on queues or topics.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Change {
    /// The principal: a group name, `*` for everyone. A group of an entry with
    /// a non-default `groupClass` is written `name (class)`.
    pub group: String,
    /// The right that changed.
    #[serde(serialize_with = "ser_display")]
    pub right: Right,
    /// Queue or topic.
    #[serde(serialize_with = "ser_display")]
    pub kind: DestKind,
    /// Gained or lost.
    pub change: Direction,
    /// A pattern of the granting side whose destinations are (partly) new.
    pub pattern: String,
    /// A concrete destination matched by `pattern` that changed.
    pub example: String,
}

/// One difference on temporary destinations.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct TempChange {
    /// The principal, as in [`Change::group`].
    pub group: String,
    /// The right that changed.
    #[serde(serialize_with = "ser_display")]
    pub right: Right,
    /// Gained or lost.
    pub change: Direction,
}

fn ser_display<T: std::fmt::Display, S: serde::Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

/// Every difference between two maps, sorted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MapDiff {
    /// Changes on queues and topics.
    pub changes: Vec<Change>,
    /// Changes on temporary destinations.
    pub temp: Vec<TempChange>,
}

impl MapDiff {
    /// True when both maps mean the same.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.temp.is_empty()
    }

    /// True when the new side grants something the old side does not.
    pub fn has_gains(&self) -> bool {
        self.changes.iter().any(|c| c.change == Direction::Gained)
            || self.temp.iter().any(|c| c.change == Direction::Gained)
    }
}

/// The map of a configuration without an `authorizationPlugin`: every
/// authenticated user may do everything (a defaultEntry granting `*` all
/// rights, no temp entry).
pub fn open_map() -> AuthzMap {
    let all = crate::semantics::GroupList::from_groups([EVERYONE]);
    AuthzMap {
        entries: Vec::new(),
        default_entry: Some(Acl {
            read: all.clone(),
            write: all.clone(),
            admin: all,
            group_class: None,
        }),
        temp: None,
    }
}

/// The principal key of `name` in an entry with `acl`'s principal class.
pub fn principal(name: &str, acl: &Acl) -> String {
    if name == EVERYONE {
        return EVERYONE.to_string();
    }
    match &acl.group_class {
        Some(class) => format!("{name} ({class})"),
        None => name.to_string(),
    }
}

/// How a principal is shown to people: `everyone` for `*`, and a group
/// literally named `everyone` quoted so the two cannot be confused.
pub fn shown(group: &str) -> &str {
    match group {
        EVERYONE => "everyone",
        "everyone" => "\"everyone\"",
        _ => group,
    }
}

/// One side's patterns for a (right, kind), each with the principals holding it.
struct Side {
    set: PatternSet<usize>,
    holders: Vec<BTreeSet<String>>,
}

impl Side {
    fn build(map: &AuthzMap, right: Right, kind: DestKind) -> Side {
        let mut side = Side {
            set: PatternSet::new(),
            holders: Vec::new(),
        };
        let mut add = |pattern: &Pattern, acl: &Acl| {
            let groups: BTreeSet<String> = acl
                .get(right)
                .groups
                .iter()
                .map(|g| principal(g, acl))
                .collect();
            if groups.is_empty() {
                return;
            }
            side.set.insert(pattern, side.holders.len());
            side.holders.push(groups);
        };
        for e in map.entries.iter().filter(|e| e.kind == kind) {
            add(&Pattern::parse(&e.pattern), &e.acl);
        }
        if let Some(d) = &map.default_entry {
            add(&Pattern::parse(">"), d);
        }
        side
    }

    /// Every (principal, pattern) this side grants, deduplicated.
    fn grants(&self) -> BTreeSet<(String, Pattern)> {
        let mut out = BTreeSet::new();
        for (p, i) in self.set.iter() {
            for g in &self.holders[*i] {
                out.insert((g.clone(), p.clone()));
            }
        }
        out
    }

    /// A destination matched by `p` that `group` does not hold here, if any.
    /// The readable [`Pattern::example`] is preferred when it is one.
    fn uncovered(&self, group: &str, p: &Pattern) -> Option<String> {
        let star = group == EVERYONE;
        let holds = |i: &usize| {
            let h = &self.holders[*i];
            h.contains(EVERYONE) || (!star && h.contains(group))
        };
        let witness = self.set.union_covers_where(p, holds).err()?;
        let readable = p.example();
        if self.set.matching(&readable).into_iter().any(holds) {
            Some(witness)
        } else {
            Some(readable)
        }
    }
}

/// What `from` grants that `to` does not, as changes in `direction`.
fn one_way(
    from: &Side,
    to: &Side,
    right: Right,
    kind: DestKind,
    direction: Direction,
) -> Vec<Change> {
    let mut found: BTreeMap<String, Vec<(Pattern, String)>> = BTreeMap::new();
    for (group, p) in from.grants() {
        if let Some(example) = to.uncovered(&group, &p) {
            found.entry(group).or_default().push((p, example));
        }
    }
    let mut out = Vec::new();
    for (group, list) in found {
        for (pattern, example) in fold(list) {
            out.push(Change {
                group: group.clone(),
                right,
                kind,
                change: direction,
                pattern: pattern.raw().to_string(),
                example,
            });
        }
    }
    out
}

/// Drop a changed pattern covered by the union of the other changed patterns
/// of the same principal (so `ORDERS.>` is not followed by `ORDERS.IN`).
fn fold(list: Vec<(Pattern, String)>) -> Vec<(Pattern, String)> {
    let mut set: PatternSet<usize> = PatternSet::new();
    for (i, (p, _)) in list.iter().enumerate() {
        set.insert(p, i);
    }
    let mut dropped = vec![false; list.len()];
    for (i, (p, _)) in list.iter().enumerate() {
        let covered = set
            .union_covers_where(p, |j| *j != i && !dropped[*j])
            .is_ok();
        dropped[i] = covered;
    }
    list.into_iter()
        .zip(dropped)
        .filter(|(_, d)| !d)
        .map(|(x, _)| x)
        .collect()
}

/// The groups holding `right` on temporary destinations; no temp entry means
/// every authenticated user (`*`).
fn temp_holders(map: &AuthzMap, right: Right) -> BTreeSet<String> {
    match &map.temp {
        None => BTreeSet::from([EVERYONE.to_string()]),
        Some(acl) => acl
            .get(right)
            .groups
            .iter()
            .map(|g| principal(g, acl))
            .collect(),
    }
}

fn temp_one_way(
    from: &BTreeSet<String>,
    to: &BTreeSet<String>,
    right: Right,
    direction: Direction,
    out: &mut Vec<TempChange>,
) {
    let to_star = to.contains(EVERYONE);
    for g in from {
        let held = if g == EVERYONE {
            to_star
        } else {
            to_star || to.contains(g)
        };
        if !held {
            out.push(TempChange {
                group: g.clone(),
                right,
                change: direction,
            });
        }
    }
}

/// Compare two maps by meaning.
pub fn diff(old: &AuthzMap, new: &AuthzMap) -> MapDiff {
    let mut changes = Vec::new();
    for kind in [DestKind::Queue, DestKind::Topic] {
        for right in Right::ALL {
            let o = Side::build(old, right, kind);
            let n = Side::build(new, right, kind);
            changes.extend(one_way(&n, &o, right, kind, Direction::Gained));
            changes.extend(one_way(&o, &n, right, kind, Direction::Lost));
        }
    }
    let mut temp = Vec::new();
    for right in Right::ALL {
        let o = temp_holders(old, right);
        let n = temp_holders(new, right);
        temp_one_way(&n, &o, right, Direction::Gained, &mut temp);
        temp_one_way(&o, &n, right, Direction::Lost, &mut temp);
    }
    changes.sort_by(|a, b| order(a).cmp(&order(b)));
    temp.sort_by(|a, b| {
        (a.group != EVERYONE, &a.group, a.right, a.change).cmp(&(
            b.group != EVERYONE,
            &b.group,
            b.right,
            b.change,
        ))
    });
    MapDiff { changes, temp }
}

/// Sort key: everyone first, then by group, kind, right, change, pattern.
fn order(c: &Change) -> (bool, &str, DestKind, Right, Direction, &str, &str) {
    (
        c.group != EVERYONE,
        &c.group,
        c.kind,
        c.right,
        c.change,
        &c.pattern,
        &c.example,
    )
}

/// The human form of a difference: one line per change, `+` for gains and
/// `-` for losses, green and red when `color`.
pub fn render_text(d: &MapDiff, color: bool) -> String {
    let mut out = String::new();
    let paint = |dir: Direction, line: String| -> String {
        if !color {
            return line;
        }
        let code = match dir {
            Direction::Gained => "32",
            Direction::Lost => "31",
        };
        format!("\x1b[{code}m{line}\x1b[0m")
    };
    for c in &d.changes {
        let (sign, verb) = sign_verb(c.change);
        let line = format!(
            "{sign} {} {verb} {} on {} {} (e.g. {})",
            shown(&c.group),
            c.right,
            c.kind,
            c.pattern,
            c.example
        );
        out.push_str(&paint(c.change, line));
        out.push('\n');
    }
    for c in &d.temp {
        let (sign, verb) = sign_verb(c.change);
        let line = format!("{sign} {} {verb} {} on temp", shown(&c.group), c.right);
        out.push_str(&paint(c.change, line));
        out.push('\n');
    }
    out
}

fn sign_verb(d: Direction) -> (&'static str, &'static str) {
    match d {
        Direction::Gained => ("+", "gains"),
        Direction::Lost => ("-", "loses"),
    }
}

/// The JSON form (schema version 1, see `docs/diff-json.md`).
pub fn render_json(d: &MapDiff) -> String {
    let value = serde_json::json!({
        "version": 1,
        "changes": d.changes,
        "temp": d.temp,
    });
    let mut s = serde_json::to_string_pretty(&value).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantics::{Entry, GroupList};

    fn acl(r: &str, w: &str, a: &str) -> Acl {
        Acl {
            read: GroupList::parse(r),
            write: GroupList::parse(w),
            admin: GroupList::parse(a),
            group_class: None,
        }
    }

    fn map(entries: &[(DestKind, &str, Acl)]) -> AuthzMap {
        AuthzMap {
            entries: entries
                .iter()
                .enumerate()
                .map(|(id, (kind, p, acl))| Entry {
                    kind: *kind,
                    pattern: p.to_string(),
                    acl: acl.clone(),
                    id,
                    provenance: Vec::new(),
                    location: None,
                })
                .collect(),
            default_entry: None,
            temp: None,
        }
    }

    #[test]
    fn equal_maps_have_no_difference() {
        let a = map(&[
            (DestKind::Queue, "A.>", acl("g", "", "")),
            (DestKind::Queue, "A.B", acl("g", "", "")),
        ]);
        let b = map(&[(DestKind::Queue, "A.>", acl("g", "", ""))]);
        assert!(diff(&a, &b).is_empty());
    }

    #[test]
    fn everyone_replaced_by_groups() {
        let old = map(&[(DestKind::Queue, "X", acl("*", "", ""))]);
        let new = map(&[(DestKind::Queue, "X", acl("a,b", "", ""))]);
        let d = diff(&old, &new);
        assert_eq!(d.changes.len(), 1);
        assert_eq!(d.changes[0].group, "*");
        assert_eq!(d.changes[0].change, Direction::Lost);
        assert!(!d.has_gains());
    }

    #[test]
    fn gain_with_witness() {
        let old = map(&[(DestKind::Queue, "ORDERS.IN", acl("", "g", ""))]);
        let new = map(&[(DestKind::Queue, "ORDERS.>", acl("", "g", ""))]);
        let d = diff(&old, &new);
        assert_eq!(d.changes.len(), 1);
        let c = &d.changes[0];
        assert_eq!(c.pattern, "ORDERS.>");
        assert!(Pattern::parse("ORDERS.>").matches(&c.example));
        assert_ne!(c.example, "ORDERS.IN");
    }

    #[test]
    fn no_plugin_equals_default_everyone() {
        let d = diff(&open_map(), &open_map());
        assert!(d.is_empty());
        let d = diff(&AuthzMap::default(), &open_map());
        assert_eq!(d.changes.len(), 6);
    }
}
