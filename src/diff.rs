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
//!
//! A map is first reduced to a [`Prepared`] side: each entry's parsed pattern
//! and, per right, the sorted numbers of its principals in a [`Names`]
//! table shared by both sides (`*` is 0; the patterns' literal segments are
//! stored once there too). The command keeps only that of the old side while
//! the new one is loaded, and the (principal, pattern) pairs are sorted
//! numbers rather than owned names.

use crate::semantics::coverage::PatternSet;
use crate::semantics::eval::FxMap;
use crate::semantics::pattern::{Literals, Pattern};
use crate::semantics::{Acl, AuthzMap, DestKind, Location, Right, RightSet, EVERYONE};
use serde::Serialize;

pub mod markdown;

/// The grant behind a change, on the side that grants the access (NEW for a
/// gain, OLD for a loss). Not part of the text and JSON forms.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Origin {
    /// Not known (a map built without locations).
    #[default]
    Unknown,
    /// A grant statement of a policy, or an entry of a configuration.
    At(Location),
    /// The configuration's `defaultEntry`.
    DefaultEntry,
    /// The temp entry (`grant ... on temp`, `tempDestinationAuthorizationEntry`).
    TempEntry,
    /// No temp entry: temporary destinations are open to every user.
    NoTempEntry,
}

/// Whether a change adds or removes access.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// The new side grants what the old side does not.
    Gained,
    /// The old side grants what the new side does not.
    Lost,
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
    /// The grant behind it, on the granting side.
    #[serde(skip)]
    pub grant: Origin,
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
    /// The temp entry behind it, on the granting side.
    #[serde(skip)]
    pub grant: Origin,
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
pub(crate) fn principal(name: &str, acl: &Acl) -> String {
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

/// The names shared by the two sides of a comparison: the principals, each
/// with a number (`*`, everyone, is always 0, below every other number), and
/// the literal segments of the patterns.
#[derive(Debug)]
pub struct Names {
    names: Vec<String>,
    ids: FxMap<Box<str>, u32>,
    /// The literal segments of the patterns, each stored once.
    literals: Literals,
}

const STAR: u32 = 0;

impl Default for Names {
    fn default() -> Self {
        Names::new()
    }
}

impl Names {
    /// A table holding only `*`.
    pub fn new() -> Names {
        let mut p = Names {
            names: Vec::new(),
            ids: FxMap::default(),
            literals: Literals::default(),
        };
        p.id(EVERYONE);
        p
    }

    fn id(&mut self, name: &str) -> u32 {
        if let Some(id) = self.ids.get(name) {
            return *id;
        }
        let id = self.names.len() as u32;
        self.names.push(name.to_string());
        self.ids.insert(name.into(), id);
        id
    }

    /// The principal key (see [`principal`]) of `name` in an entry with `acl`.
    fn of(&mut self, name: &str, acl: &Acl) -> u32 {
        if name == EVERYONE || acl.group_class.is_none() {
            self.id(name)
        } else {
            self.id(&principal(name, acl))
        }
    }

    /// Append the sorted numbers of the principals holding `right` in `acl`
    /// to `out`.
    fn holding(&mut self, acl: &Acl, right: Right, out: &mut Vec<u32>) {
        let start = out.len();
        for g in &acl.get(right).groups {
            let id = self.of(g, acl);
            out.push(id);
        }
        out[start..].sort_unstable();
        let mut kept = start;
        for i in start..out.len() {
            if kept == start || out[kept - 1] != out[i] {
                out[kept] = out[i];
                kept += 1;
            }
        }
        out.truncate(kept);
    }

    fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }

    /// Each number's position in the order of the names.
    fn ranks(&self) -> Vec<u32> {
        let mut order: Vec<u32> = (0..self.names.len() as u32).collect();
        order.sort_unstable_by(|a, b| self.name(*a).cmp(self.name(*b)));
        let mut rank = vec![0; order.len()];
        for (r, id) in order.into_iter().enumerate() {
            rank[id as usize] = r as u32;
        }
        rank
    }
}

/// What a comparison needs of one map, small enough to keep while the other
/// side is loaded: every entry's parsed pattern with the principals holding
/// each right (as numbers of a shared [`Names`]), the defaultEntry's and
/// the temp entry's holders. The map itself may be dropped once this is built.
#[derive(Debug)]
pub(crate) struct Prepared {
    /// Queue entries, then topic entries, in map order; the defaultEntry
    /// (pattern `>`) is added at the end of both kinds.
    entries: [Vec<Grant>; 2],
    /// Every holder list, one after the other (see [`Grant::holders`]).
    ids: Vec<u32>,
    /// Holders of each right on temporary destinations.
    temp: [Vec<u32>; 3],
    /// Whether the map has a temp entry.
    has_temp: bool,
    /// Which grant gave which principal which rights, per entry made by
    /// more than one statement (see [`Grant::source`]), sorted by principal
    /// within an entry.
    provenance: Vec<(u32, RightSet, Location)>,
}

/// Where an entry of a [`Prepared`] map came from.
#[derive(Clone, Copy, Debug)]
enum Source {
    /// An entry: its location, and its range in [`Prepared::provenance`].
    Entry(Option<Location>, u32, u32),
    /// The defaultEntry.
    Default,
}

/// One entry: its pattern and, per right, where the sorted numbers of its
/// holders start in [`Prepared::ids`] (they end where the next right's, or
/// the next entry's, start).
#[derive(Debug)]
struct Grant {
    pattern: Pattern,
    /// Start of read, write and admin, and the end of admin.
    holders: [u32; 4],
    /// Where it came from.
    source: Source,
}

impl Prepared {
    /// Read `map`, numbering its principals in `names`.
    pub(crate) fn new(map: &AuthzMap, names: &mut Names) -> Prepared {
        let mut entries: [Vec<Grant>; 2] = [Vec::new(), Vec::new()];
        let mut ids: Vec<u32> = Vec::new();
        let mut provenance: Vec<(u32, RightSet, Location)> = Vec::new();
        let grant =
            |pattern: &str, acl: &Acl, ids: &mut Vec<u32>, names: &mut Names| -> Option<Grant> {
                let mut holders = [ids.len() as u32; 4];
                for r in Right::ALL {
                    names.holding(acl, r, ids);
                    holders[r.index() + 1] = ids.len() as u32;
                }
                // an entry granting nothing takes no part
                (holders[0] != holders[3]).then(|| Grant {
                    pattern: Pattern::parse_shared(pattern, &mut names.literals),
                    holders,
                    source: Source::Default,
                })
            };
        for e in &map.entries {
            if let Some(mut g) = grant(&e.pattern, &e.acl, &mut ids, names) {
                let start = provenance.len();
                // an entry made by one statement (most are) needs no list:
                // its location is every principal's grant
                let one_place = e.provenance.iter().all(|p| Some(p.location) == e.location);
                for p in e.provenance.iter().filter(|_| !one_place) {
                    let id = names.of(&p.group, &e.acl);
                    provenance.push((id, p.rights, p.location));
                }
                // stable: a principal's first grant comes first
                provenance[start..].sort_by_key(|(id, _, _)| *id);
                g.source = Source::Entry(e.location, start as u32, provenance.len() as u32);
                entries[e.kind.index()].push(g);
            }
        }
        if let Some(d) = &map.default_entry {
            if let Some(g) = grant(">", d, &mut ids, names) {
                entries[0].push(Grant {
                    pattern: g.pattern.clone(),
                    holders: g.holders,
                    source: g.source,
                });
                entries[1].push(g);
            }
        }
        for list in &mut entries {
            list.shrink_to_fit();
        }
        ids.shrink_to_fit();
        provenance.shrink_to_fit();
        // no temp entry: every authenticated user
        let temp = Right::ALL.map(|r| {
            let mut out = Vec::new();
            match &map.temp {
                None => out.push(STAR),
                Some(acl) => names.holding(acl, r, &mut out),
            }
            out
        });
        Prepared {
            entries,
            ids,
            temp,
            has_temp: map.temp.is_some(),
            provenance,
        }
    }

    /// The grant that gave principal `group` the `right` through `g`.
    fn origin(&self, g: &Grant, group: u32, right: Right) -> Origin {
        let (location, start, end) = match g.source {
            Source::Default => return Origin::DefaultEntry,
            Source::Entry(location, start, end) => (location, start as usize, end as usize),
        };
        let list = &self.provenance[start..end];
        let first = list.partition_point(|(id, _, _)| *id < group);
        let own = list[first..]
            .iter()
            .take_while(|(id, _, _)| *id == group)
            .find(|(_, rights, _)| rights.contains(right));
        match own.map(|(_, _, at)| *at).or(location) {
            Some(at) => Origin::At(at),
            None => Origin::Unknown,
        }
    }

    fn temp_origin(&self) -> Origin {
        if self.has_temp {
            Origin::TempEntry
        } else {
            Origin::NoTempEntry
        }
    }

    /// The sorted numbers of the principals holding right `r` in `g`.
    fn holders(&self, g: &Grant, r: usize) -> &[u32] {
        &self.ids[g.holders[r] as usize..g.holders[r + 1] as usize]
    }
}

/// One side's patterns for a (right, kind), each with the principals holding it.
struct Side<'p> {
    /// Each pattern with its holders and its entry's index.
    set: PatternSet<(&'p [u32], u32)>,
    /// The map of the side and the kind, for the grants behind a change.
    prepared: &'p Prepared,
    kind: DestKind,
    /// Per principal number: does it hold any pattern here?
    holds_any: Vec<bool>,
    /// The patterns everyone (`*`) holds here.
    everyone: PatternSet<()>,
}

impl<'p> Side<'p> {
    fn build(side: &'p Prepared, right: Right, kind: DestKind, names: &Names) -> Side<'p> {
        let r = right.index();
        let mut set = PatternSet::new();
        let mut everyone = PatternSet::new();
        let mut holds_any = vec![false; names.names.len()];
        for (i, g) in side.entries[kind.index()].iter().enumerate() {
            let holders = side.holders(g, r);
            if !holders.is_empty() {
                set.insert(&g.pattern, (holders, i as u32));
                for h in holders.iter() {
                    holds_any[*h as usize] = true;
                }
                if holders.first() == Some(&STAR) {
                    everyone.insert(&g.pattern, ());
                }
            }
        }
        Side {
            set,
            prepared: side,
            kind,
            holds_any,
            everyone,
        }
    }

    /// A destination matched by `p` that principal `group` does not hold
    /// here, if any. The readable [`Pattern::example`] is preferred when it
    /// is one.
    fn uncovered(&self, group: u32, p: &Pattern) -> Option<String> {
        let holds = |(h, _): &(&[u32], u32)| {
            h.first() == Some(&STAR) || (group != STAR && h.binary_search(&group).is_ok())
        };
        let own = group != STAR && self.holds_any[group as usize];
        let nonempty = !p.segs().is_empty() || p.tail();
        if nonempty && !own && self.everyone.overlapping(p).is_empty() {
            // Nothing `group` holds here shares a destination with `p`: the
            // covering search below would fail and the readable example is
            // held by none of the patterns it could use.
            return Some(p.example());
        }
        if self
            .set
            .covering(p)
            .into_iter()
            .any(|(q, h)| holds(h) && q.covers(p))
        {
            // one pattern `group` holds covers `p` on its own
            return None;
        }
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
#[allow(clippy::too_many_arguments)]
fn one_way(
    from: &Side,
    to: &Side,
    right: Right,
    kind: DestKind,
    direction: Direction,
    names: &Names,
    rank: &[u32],
    out: &mut Vec<(u64, Change)>,
) {
    // Every (principal, pattern) `from` grants, ordered by the principal's
    // name and then the pattern, each once (its first entry's raw text).
    let items: Vec<(&Pattern, &(&[u32], u32))> = from.set.iter().collect();
    let mut grants: Vec<(u32, u32)> = Vec::new();
    for (i, (_, (holders, _))) in items.iter().enumerate() {
        grants.extend(holders.iter().map(|g| (*g, i as u32)));
    }
    grants.sort_unstable_by(|a, b| {
        rank[a.0 as usize]
            .cmp(&rank[b.0 as usize])
            .then_with(|| items[a.1 as usize].0.cmp(items[b.1 as usize].0))
            .then(a.1.cmp(&b.1))
    });
    grants.dedup_by(|b, a| a.0 == b.0 && items[a.1 as usize].0 == items[b.1 as usize].0);
    let mut rest = &grants[..];
    while let Some(&(group, _)) = rest.first() {
        let n = rest.iter().take_while(|(g, _)| *g == group).count();
        let (mine, after) = rest.split_at(n);
        rest = after;
        let mut list: Vec<(&Pattern, (String, u32))> = Vec::new();
        for (_, i) in mine {
            let (p, (_, entry)) = items[*i as usize];
            if let Some(example) = to.uncovered(group, p) {
                list.push((p, (example, *entry)));
            }
        }
        let key = order_key(group, rank, kind, right, direction);
        let entries = &from.prepared.entries[from.kind.index()];
        for (pattern, (example, entry)) in fold(list) {
            let grant = from.prepared.origin(&entries[entry as usize], group, right);
            out.push((
                key,
                Change {
                    group: names.name(group).to_string(),
                    right,
                    kind,
                    change: direction,
                    pattern: pattern.raw().to_string(),
                    example,
                    grant,
                },
            ));
        }
    }
}

/// Drop a changed pattern covered by the union of the other changed patterns
/// of the same principal (so `ORDERS.>` is not followed by `ORDERS.IN`).
fn fold<T>(list: Vec<(&Pattern, T)>) -> Vec<(&Pattern, T)> {
    if list.len() < 2 {
        return list;
    }
    let mut set: PatternSet<usize> = PatternSet::new();
    for (i, (p, _)) in list.iter().enumerate() {
        set.insert(p, i);
    }
    let mut dropped = vec![false; list.len()];
    for (i, (p, _)) in list.iter().enumerate() {
        let other = |j: &usize| *j != i && !dropped[*j];
        // Settled without the covering search when no other pattern
        // shares a destination with `p` (none can help cover it) or one
        // covers it alone.
        let covered = if !set.overlapping(p).into_iter().any(|(_, j)| other(j)) {
            false
        } else if set
            .covering(p)
            .into_iter()
            .any(|(q, j)| other(j) && q.covers(p))
        {
            true
        } else {
            set.union_covers_where(p, other).is_ok()
        };
        dropped[i] = covered;
    }
    list.into_iter()
        .zip(dropped)
        .filter(|(_, d)| !d)
        .map(|(x, _)| x)
        .collect()
}

fn temp_one_way(
    from: &[u32],
    to: &[u32],
    right: Right,
    (direction, grant): (Direction, Origin),
    names: &Names,
    out: &mut Vec<TempChange>,
) {
    let to_star = to.first() == Some(&STAR);
    for g in from {
        let held = to_star || (*g != STAR && to.binary_search(g).is_ok());
        if !held {
            out.push(TempChange {
                group: names.name(*g).to_string(),
                right,
                change: direction,
                grant,
            });
        }
    }
}

/// Compare two maps by meaning.
pub fn diff(old: &AuthzMap, new: &AuthzMap) -> MapDiff {
    let mut names = Names::new();
    let o = Prepared::new(old, &mut names);
    let n = Prepared::new(new, &mut names);
    diff_prepared(&o, &n, &names)
}

/// [`diff`] of two prepared maps, whose principals are numbered in `names`.
pub(crate) fn diff_prepared(old: &Prepared, new: &Prepared, names: &Names) -> MapDiff {
    let rank = names.ranks();
    let mut changes = Vec::new();
    for kind in DestKind::ALL {
        for right in Right::ALL {
            let o = Side::build(old, right, kind, names);
            let n = Side::build(new, right, kind, names);
            let mut dir = |from: &Side, to: &Side, d: Direction| {
                one_way(from, to, right, kind, d, names, &rank, &mut changes)
            };
            dir(&n, &o, Direction::Gained);
            dir(&o, &n, Direction::Lost);
        }
    }
    let mut temp = Vec::new();
    for right in Right::ALL {
        let r = right.index();
        let (o, n) = (&old.temp[r], &new.temp[r]);
        let gained = (Direction::Gained, new.temp_origin());
        let lost = (Direction::Lost, old.temp_origin());
        temp_one_way(n, o, right, gained, names, &mut temp);
        temp_one_way(o, n, right, lost, names, &mut temp);
    }
    // the order of [`order`], its first five fields packed in one number
    changes.sort_unstable_by(|(ka, a), (kb, b)| {
        ka.cmp(kb)
            .then_with(|| a.pattern.cmp(&b.pattern))
            .then_with(|| a.example.cmp(&b.example))
    });
    let changes = changes.into_iter().map(|(_, c)| c).collect();
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

/// [`order`] up to the pattern as one number: everyone first, then by the
/// group's rank among the names, kind, right and change.
fn order_key(group: u32, rank: &[u32], kind: DestKind, right: Right, change: Direction) -> u64 {
    let named = u64::from(group != STAR);
    let dir = match change {
        Direction::Gained => 0,
        Direction::Lost => 1,
    };
    named << 63
        | u64::from(rank[group as usize]) << 16
        | (kind.index() as u64) << 8
        | (right.index() as u64) << 4
        | dir
}

/// Sort key: everyone first, then by group, kind, right, change, pattern.
#[cfg(test)]
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

/// A user, as the per-user difference sees them: the groups held and
/// whether `*` (everyone) matches them.
#[derive(Clone, Debug)]
pub struct DiffUser {
    pub name: String,
    pub groups: Vec<String>,
    pub everyone: bool,
}

/// One user's change on queues or topics (`diff --members`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UserChange {
    pub user: String,
    #[serde(serialize_with = "ser_display")]
    pub right: Right,
    #[serde(serialize_with = "ser_display")]
    pub kind: DestKind,
    pub change: Direction,
    pub pattern: String,
    pub example: String,
}

/// One user's change on temporary destinations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UserTempChange {
    pub user: String,
    #[serde(serialize_with = "ser_display")]
    pub right: Right,
    pub change: Direction,
}

/// Who gains or loses what, per user.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct UserDiff {
    pub changes: Vec<UserChange>,
    pub temp: Vec<UserTempChange>,
}

/// `map` with users for principals: each entry's right lists the users who
/// hold it through one of their groups, or through `*` when it reaches
/// them. `open`: a configuration without an authorizationPlugin, where every
/// authenticated user may do everything. A named group of an entry with a
/// `groupClass` matches no user's group (they hold ActiveMQ's group
/// principals); `*` still does.
pub(crate) fn user_map(map: &AuthzMap, users: &[DiffUser], open: bool) -> AuthzMap {
    let convert = |acl: &Acl| -> Acl {
        let list = |groups: &crate::semantics::GroupList| {
            let names = users.iter().filter(|u| {
                groups.groups.iter().any(|g| {
                    if g == EVERYONE {
                        u.everyone || open
                    } else {
                        acl.group_class.is_none() && u.groups.iter().any(|ug| ug == g)
                    }
                })
            });
            crate::semantics::GroupList::from_groups(names.map(|u| u.name.as_str()))
        };
        Acl {
            read: list(&acl.read),
            write: list(&acl.write),
            admin: list(&acl.admin),
            group_class: None,
        }
    };
    AuthzMap {
        entries: map
            .entries
            .iter()
            .map(|e| crate::semantics::Entry {
                kind: e.kind,
                pattern: e.pattern.clone(),
                acl: convert(&e.acl),
                id: e.id,
                provenance: Vec::new(),
                location: None,
            })
            .collect(),
        default_entry: map.default_entry.as_ref().map(convert),
        temp: match &map.temp {
            Some(acl) => Some(convert(acl)),
            // open temp: every user, written out so that it compares
            None => {
                let all =
                    crate::semantics::GroupList::from_groups(users.iter().map(|u| u.name.as_str()));
                Some(Acl {
                    read: all.clone(),
                    write: all.clone(),
                    admin: all,
                    group_class: None,
                })
            }
        },
    }
}

/// The per-user difference of two user maps ([`user_map`]).
pub(crate) fn diff_users(old: &AuthzMap, new: &AuthzMap) -> UserDiff {
    let d = diff(old, new);
    let mut changes: Vec<UserChange> = d
        .changes
        .into_iter()
        .map(|c| UserChange {
            user: c.group,
            right: c.right,
            kind: c.kind,
            change: c.change,
            pattern: c.pattern,
            example: c.example,
        })
        .collect();
    changes.sort_by(|a, b| {
        (&a.user, a.kind, a.right, a.change, &a.pattern, &a.example)
            .cmp(&(&b.user, b.kind, b.right, b.change, &b.pattern, &b.example))
    });
    let mut temp: Vec<UserTempChange> = d
        .temp
        .into_iter()
        .map(|c| UserTempChange {
            user: c.group,
            right: c.right,
            change: c.change,
        })
        .collect();
    temp.sort_by(|a, b| (&a.user, a.right, a.change).cmp(&(&b.user, b.right, b.change)));
    UserDiff { changes, temp }
}

/// The per-user section of the text form; `gap`: a blank line first (after
/// the group changes).
pub(crate) fn write_users_text(
    d: &UserDiff,
    color: bool,
    gap: bool,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let gap = if gap { "\n" } else { "" };
    if d.changes.is_empty() && d.temp.is_empty() {
        return writeln!(out, "{gap}per user: no user gains or loses anything");
    }
    writeln!(out, "{gap}per user:")?;
    let paint = |dir: Direction| -> (&'static str, &'static str) {
        match (color, dir) {
            (false, _) => ("", ""),
            (true, Direction::Gained) => ("\x1b[32m", "\x1b[0m"),
            (true, Direction::Lost) => ("\x1b[31m", "\x1b[0m"),
        }
    };
    for c in &d.changes {
        let (sign, verb) = sign_verb(c.change);
        let (on, off) = paint(c.change);
        writeln!(
            out,
            "{on}{sign} user {} {verb} {} on {} {} (e.g. {}){off}",
            c.user, c.right, c.kind, c.pattern, c.example
        )?;
    }
    for c in &d.temp {
        let (sign, verb) = sign_verb(c.change);
        let (on, off) = paint(c.change);
        writeln!(
            out,
            "{on}{sign} user {} {verb} {} on temp{off}",
            c.user, c.right
        )?;
    }
    Ok(())
}

/// The human form of a difference, written line by line to `out`: one line
/// per change, `+` for gains and `-` for losses, green and red when `color`.
pub(crate) fn write_text(
    d: &MapDiff,
    color: bool,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let paint = |dir: Direction| -> (&'static str, &'static str) {
        match (color, dir) {
            (false, _) => ("", ""),
            (true, Direction::Gained) => ("\x1b[32m", "\x1b[0m"),
            (true, Direction::Lost) => ("\x1b[31m", "\x1b[0m"),
        }
    };
    for c in &d.changes {
        let (sign, verb) = sign_verb(c.change);
        let (on, off) = paint(c.change);
        writeln!(
            out,
            "{on}{sign} {} {verb} {} on {} {} (e.g. {}){off}",
            shown(&c.group),
            c.right,
            c.kind,
            c.pattern,
            c.example
        )?;
    }
    for c in &d.temp {
        let (sign, verb) = sign_verb(c.change);
        let (on, off) = paint(c.change);
        writeln!(
            out,
            "{on}{sign} {} {verb} {} on temp{off}",
            shown(&c.group),
            c.right
        )?;
    }
    Ok(())
}

fn sign_verb(d: Direction) -> (&'static str, &'static str) {
    match d {
        Direction::Gained => ("+", "gains"),
        Direction::Lost => ("-", "loses"),
    }
}

/// The JSON form (schema version 1, see `docs/diff-json.md`), written to
/// `out` as it is serialised; with `users`, the per-user section of `diff
/// --members`.
pub(crate) fn write_json_with_users(
    d: &MapDiff,
    users: Option<&UserDiff>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    #[derive(Serialize)]
    struct Doc<'d> {
        version: u32,
        changes: &'d [Change],
        temp: &'d [TempChange],
        #[serde(skip_serializing_if = "Option::is_none")]
        users: Option<&'d UserDiff>,
    }
    let doc = Doc {
        version: 1,
        changes: &d.changes,
        temp: &d.temp,
        users,
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(std::io::Error::from)?;
    out.write_all(b"\n")
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
    fn changes_are_sorted_everyone_first_then_by_group() {
        let old = map(&[
            (DestKind::Topic, "T.>", acl("b,*", "b", "")),
            (DestKind::Queue, "Q.A", acl("a", "zz,b", "a")),
        ]);
        let new = map(&[
            (DestKind::Queue, "Q.*", acl("b", "a", "*")),
            (DestKind::Queue, "Q.B", acl("zz,a", "", "")),
            (DestKind::Topic, "T.X", acl("a", "*,b", "zz")),
        ]);
        for (a, b) in [(&old, &new), (&new, &old)] {
            let d = diff(a, b);
            assert!(d.changes.len() > 8, "{d:#?}");
            assert!(d.changes.windows(2).all(|w| order(&w[0]) < order(&w[1])));
            assert_eq!(d.changes[0].group, EVERYONE);
        }
    }

    /// The line of the grant behind each change of a compiled policy.
    fn lines(d: &MapDiff, file: &crate::source::SourceFile) -> Vec<(String, Right, usize)> {
        d.changes
            .iter()
            .map(|c| match c.grant {
                Origin::At(loc) => (
                    c.group.clone(),
                    c.right,
                    file.line_col(loc.span.start as usize).line,
                ),
                other => panic!("{c:?}: {other:?}"),
            })
            .collect()
    }

    #[test]
    fn changes_name_the_grant_behind_them() {
        use crate::source::{SourceFile, SourceId};
        let text = "group a\ngroup b\ngrant a read on queue X\ngrant b, a read, write on queue X\ngrant b admin on queue X.>\n";
        let file = SourceFile::new("p.mqa", text);
        let parsed = crate::syntax::parse(SourceId(0), &file);
        let mut diagnostics = parsed.diagnostics;
        let policy = crate::model::resolve(SourceId(0), &parsed.file, &mut diagnostics);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let new = crate::compile::compile(&policy);
        let d = diff(&AuthzMap::default(), &new);
        assert_eq!(
            lines(&d, &file),
            vec![
                ("a".to_string(), Right::Read, 3),
                ("a".to_string(), Right::Write, 4),
                ("b".to_string(), Right::Read, 4),
                ("b".to_string(), Right::Write, 4),
                ("b".to_string(), Right::Admin, 5),
            ]
        );
        // a loss names the old side's grant
        let back = diff(&new, &AuthzMap::default());
        assert_eq!(lines(&back, &file), lines(&d, &file));
        assert!(back.changes.iter().all(|c| c.change == Direction::Lost));
        // temp: the entry, or its absence, of the granting side
        let d = diff(&map(&[]), &open_map());
        assert!(d.temp.is_empty());
        let mut closed = map(&[]);
        closed.temp = Some(acl("a", "a", "a"));
        let d = diff(&closed, &map(&[]));
        assert!(d
            .temp
            .iter()
            .all(|c| (c.change == Direction::Gained) == (c.grant == Origin::NoTempEntry)));
        let mut other = map(&[]);
        other.temp = Some(acl("b", "b", "b"));
        let d = diff(&closed, &other);
        assert_eq!(d.temp.len(), 6);
        assert!(d.temp.iter().all(|c| c.grant == Origin::TempEntry));
    }

    #[test]
    fn no_plugin_equals_default_everyone() {
        let d = diff(&open_map(), &open_map());
        assert!(d.is_empty());
        let d = diff(&AuthzMap::default(), &open_map());
        assert_eq!(d.changes.len(), 6);
    }
}
