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
use std::collections::BTreeMap;

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
    /// The principal: a group name, `*` for everyone. A principal of another
    /// `groupClass` is written with its kind, `role admin`, `user alice`
    /// (see [`Change::class`]).
    pub group: String,
    /// The principal's class when it is not ActiveMQ's `GroupPrincipal`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
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
    /// A concrete destination matched by `pattern` that changed; for a
    /// composite change, a composite destination.
    pub example: String,
    /// The change shows only on composite destinations (`A.1,B.1`): each
    /// component is still granted on its own, but no longer (or now) by
    /// entries equal in value, which ActiveMQ requires of a composite.
    /// `pattern` then lists the patterns the example's components match.
    #[serde(skip_serializing_if = "is_false")]
    pub composite: bool,
    /// The grant behind it, on the granting side.
    #[serde(skip)]
    pub grant: Origin,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// One difference on temporary destinations.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct TempChange {
    /// The principal, as in [`Change::group`].
    pub group: String,
    /// As [`Change::class`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
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

/// The principal key (see [`crate::semantics::principal`]) of `name` in an
/// entry with `acl`'s principal class.
pub(crate) fn principal(name: &str, acl: &Acl) -> String {
    crate::semantics::principal::key(name, crate::semantics::principal::class_of(acl)).into_owned()
}

/// A principal key as a change names it: the shown principal and its class
/// when not ActiveMQ's `GroupPrincipal`.
fn shown_key(key: &str) -> (String, Option<String>) {
    let (_, class) = crate::semantics::principal::split(key);
    (
        crate::semantics::principal::display(key).into_owned(),
        class.map(str::to_string),
    )
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
        let class = crate::semantics::principal::class_of(acl);
        self.id(&crate::semantics::principal::key(name, class))
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
    /// Per entry of `entries`, its value class: entries equal in value
    /// (`AuthorizationEntry.equals`) share one; [`DEFAULT_CLASS`] for the
    /// defaultEntry.
    classes: [Vec<u32>; 2],
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

/// The value class of the defaultEntry in [`Prepared::classes`].
const DEFAULT_CLASS: u32 = u32::MAX;

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
        let mut classes: [Vec<u32>; 2] = [Vec::new(), Vec::new()];
        type ValueKey<'k> = (
            &'k crate::semantics::GroupList,
            &'k crate::semantics::GroupList,
            &'k crate::semantics::GroupList,
            &'k str,
        );
        let mut class_of: FxMap<ValueKey<'_>, u32> = FxMap::default();
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
                let value = (
                    &e.acl.read,
                    &e.acl.write,
                    &e.acl.admin,
                    crate::semantics::eval::effective_group_class(&e.acl),
                );
                let next = class_of.len() as u32;
                let class = *class_of.entry(value).or_insert(next);
                entries[e.kind.index()].push(g);
                classes[e.kind.index()].push(class);
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
                classes[0].push(DEFAULT_CLASS);
                classes[1].push(DEFAULT_CLASS);
            }
        }
        for list in &mut classes {
            list.shrink_to_fit();
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
            classes,
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
            let (shown_group, class) = shown_key(names.name(group));
            out.push((
                key,
                Change {
                    group: shown_group,
                    class,
                    right,
                    kind,
                    change: direction,
                    pattern: pattern.raw().to_string(),
                    example,
                    composite: false,
                    grant,
                },
            ));
        }
    }
}

/// A value class: its holders and its entries (kind, index).
type Class<'p> = (&'p [u32], Vec<(DestKind, usize)>);

/// One side's value classes for a right: per class, its holders and its
/// entries (kind, index into [`Prepared::entries`]).
struct Classes<'p> {
    side: &'p Prepared,
    /// Class id → (holders, entries), classes with holders only, by id.
    by_id: BTreeMap<u32, Class<'p>>,
    /// The defaultEntry's holders, if it has any.
    default: Option<&'p [u32]>,
}

impl<'p> Classes<'p> {
    fn new(side: &'p Prepared, right: Right) -> Classes<'p> {
        let r = right.index();
        let mut by_id: BTreeMap<u32, Class<'p>> = BTreeMap::new();
        let mut default = None;
        for kind in DestKind::ALL {
            let k = kind.index();
            for (i, g) in side.entries[k].iter().enumerate() {
                let holders = side.holders(g, r);
                if holders.is_empty() {
                    continue;
                }
                let class = side.classes[k][i];
                if class == DEFAULT_CLASS {
                    default = Some(holders);
                } else {
                    by_id
                        .entry(class)
                        .or_insert_with(|| (holders, Vec::new()))
                        .1
                        .push((kind, i));
                }
            }
        }
        Classes {
            side,
            by_id,
            default,
        }
    }

    fn pattern(&self, (kind, i): (DestKind, usize)) -> &'p Pattern {
        &self.side.entries[kind.index()][i].pattern
    }
}

/// Does a holder list give the right to principal `group` (itself or as
/// everyone)? For everyone (`*`), only `*` counts.
fn holds_for(holders: &[u32], group: u32) -> bool {
    holders.first() == Some(&STAR) || (group != STAR && holders.binary_search(&group).is_ok())
}

/// Can `name` stand as a component of a composite as it is? (Not when it
/// would read differently: a comma, a `?`, surrounding blanks or a
/// `queue://`-like prefix. Entry patterns with such names are too rare to
/// be worth quoting; their composite changes are not reported.)
fn plain_component(name: &str) -> bool {
    !name.is_empty()
        && !name.contains([',', '?'])
        && name.trim_matches(crate::semantics::is_java_trim) == name
        && !["queue://", "topic://", "temp-queue://", "temp-topic://"]
            .iter()
            .any(|p| name.starts_with(p))
}

/// A composite destination's text: the first component's kind is the
/// composite's, the others carry their kind as a prefix when it differs.
fn composite_text(points: &[(DestKind, String)]) -> String {
    let base = points.first().map_or(DestKind::Queue, |p| p.0);
    points
        .iter()
        .map(|(k, n)| {
            if *k == base {
                n.clone()
            } else {
                format!("{k}://{n}")
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// What `from` grants on composite destinations that `to` does not, beyond
/// what the destinations one by one show (`docs/semantics.md#composite-destinations`).
///
/// ActiveMQ grants a composite `k1,...,kn` to a principal when one value
/// class of entries (entries equal in value) holding it matches every
/// component, or the defaultEntry holds it. So a principal's composites on
/// one side are the composites inside the destinations of one of its
/// classes. A class `V` of `from` keeps all its composites on `to` exactly
/// when a single class of `to` holding the principal covers all of `V`'s
/// destinations (or `to`'s defaultEntry holds it): otherwise the composite
/// of one destination of `V` missed by each candidate class is granted by
/// `from` and not by `to`. Candidates are `to`'s classes overlapping one
/// pattern of `V` (any class covering `V` overlaps it), so the work follows
/// the overlaps, not pairs of classes. The defaultEntry also grants
/// composites with a temporary component, which entries never match.
///
/// A class some of whose destinations `to` does not grant at all is left
/// to the destination-by-destination changes, which report it already.
#[allow(clippy::too_many_arguments)]
fn composite_one_way(
    from: &Classes,
    to: &Classes,
    right: Right,
    direction: Direction,
    names: &Names,
    rank: &[u32],
    out: &mut Vec<(u64, Change)>,
) {
    // `to`'s entries by pattern, per kind, each with its class
    let mut to_sets: [PatternSet<u32>; 2] = [PatternSet::new(), PatternSet::new()];
    for (class, (_, members)) in &to.by_id {
        for m in members {
            to_sets[m.0.index()].insert(to.pattern(*m), *class);
        }
    }
    let default_holds = |g: u32| to.default.is_some_and(|h| holds_for(h, g));
    // is the single destination granted to `g` on `to`?
    let granted = |g: u32, (kind, name): &(DestKind, String)| {
        default_holds(g)
            || to_sets[kind.index()]
                .matching(name)
                .into_iter()
                .any(|c| to.by_id.get(c).is_some_and(|(h, _)| holds_for(h, g)))
    };
    let mut emit = |g: u32, pattern: String, example: String, kind: DestKind| {
        let (group, class) = shown_key(names.name(g));
        out.push((
            order_key(g, rank, kind, right, direction),
            Change {
                group,
                class,
                right,
                kind,
                change: direction,
                pattern,
                example,
                composite: true,
                grant: Origin::Unknown,
            },
        ));
    };
    // `to`'s classes' patterns per kind, built when first needed
    let mut sets: FxMap<u32, [PatternSet<()>; 2]> = FxMap::default();
    for (holders, members) in from.by_id.values() {
        let first = members[0];
        let p0 = from.pattern(first);
        let mut candidates: Vec<u32> = to_sets[first.0.index()]
            .overlapping(p0)
            .into_iter()
            .map(|(_, c)| *c)
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        // per candidate: `None` when it covers the class, else a destination
        // of the class it misses and the pattern of the class matching it
        let mut misses: FxMap<u32, Option<(DestKind, String, String)>> = FxMap::default();
        let mut miss = |w: u32| -> Option<(DestKind, String, String)> {
            if let Some(m) = misses.get(&w) {
                return m.clone();
            }
            let set = sets.entry(w).or_insert_with(|| {
                let mut s = [PatternSet::new(), PatternSet::new()];
                for m in &to.by_id[&w].1 {
                    s[m.0.index()].insert(to.pattern(*m), ());
                }
                s
            });
            let mut found = None;
            for m in members {
                let p = from.pattern(*m);
                let s = &set[m.0.index()];
                if s.covering(p).into_iter().any(|(q, _)| q.covers(p)) {
                    continue;
                }
                if let Err(point) = s.union_covers(p) {
                    found = Some((m.0, point, p.raw().to_string()));
                    break;
                }
            }
            misses.insert(w, found.clone());
            found
        };
        for &g in holders.iter() {
            if default_holds(g) {
                continue;
            }
            // the principal's own holdings only; everyone's are reported once, for everyone
            let relevant: Vec<u32> = candidates
                .iter()
                .copied()
                .filter(|w| holds_for(to.by_id[w].0, g))
                .collect();
            let mut points: Vec<(DestKind, String)> = vec![(first.0, p0.example())];
            let mut patterns: Vec<String> = vec![p0.raw().to_string()];
            let mut covered = false;
            for w in relevant {
                match miss(w) {
                    None => {
                        covered = true;
                        break;
                    }
                    Some((kind, point, pattern)) => {
                        if !points.iter().any(|(k, n)| *k == kind && *n == point) {
                            points.push((kind, point));
                            patterns.push(pattern);
                        }
                    }
                }
            }
            if covered
                || !points.iter().all(|p| granted(g, p))
                || !points.iter().all(|(_, n)| plain_component(n))
            {
                continue;
            }
            let pattern_points: Vec<(DestKind, String)> = points
                .iter()
                .zip(&patterns)
                .map(|((k, _), p)| (*k, p.clone()))
                .collect();
            emit(
                g,
                composite_text(&pattern_points),
                composite_text(&points),
                first.0,
            );
        }
    }
    // the defaultEntry grants composites with a temporary component too
    if let Some(holders) = from.default {
        for &g in holders {
            if default_holds(g) {
                continue;
            }
            let point = (DestKind::Queue, "X".to_string());
            if !granted(g, &point) {
                continue;
            }
            emit(
                g,
                ">,temp-queue://>".to_string(),
                "X,temp-queue://ID:X".to_string(),
                DestKind::Queue,
            );
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
            let (group, class) = shown_key(names.name(*g));
            out.push(TempChange {
                group,
                class,
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
    for right in Right::ALL {
        let o = Classes::new(old, right);
        let n = Classes::new(new, right);
        composite_one_way(&n, &o, right, Direction::Gained, names, &rank, &mut changes);
        composite_one_way(&o, &n, right, Direction::Lost, names, &rank, &mut changes);
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
    changes.dedup_by(|b, a| a.0 == b.0 && a.1 == b.1);
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
    /// The grant behind it, on the granting side (the grant of one of the
    /// user's groups, or of everyone). Not part of the text and JSON forms.
    #[serde(skip)]
    pub grant: Origin,
}

/// One user's change on temporary destinations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UserTempChange {
    pub user: String,
    #[serde(serialize_with = "ser_display")]
    pub right: Right,
    pub change: Direction,
    /// The temp entry behind it, or its absence, on the granting side.
    #[serde(skip)]
    pub grant: Origin,
}

/// Who gains or loses what, per user.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct UserDiff {
    pub changes: Vec<UserChange>,
    pub temp: Vec<UserTempChange>,
}

/// A map with users for principals ([`user_map`]), and whether its
/// temporary destinations are open to every user (no temp entry).
#[derive(Debug)]
pub(crate) struct UserMap {
    map: AuthzMap,
    open_temp: bool,
}

/// `map` with users for principals: each entry's right lists the users who
/// hold it through one of their groups, or through `*` when it reaches
/// them; the grants behind an entry's rights are kept, per user. `open`: a
/// configuration without an authorizationPlugin, where every authenticated
/// user may do everything. A named group of an entry with a `groupClass`
/// matches no user's group (they hold ActiveMQ's group principals); `*`
/// still does.
pub(crate) fn user_map(map: &AuthzMap, users: &[DiffUser], open: bool) -> UserMap {
    let holds = |u: &DiffUser, g: &str, acl: &Acl| {
        if g == EVERYONE {
            u.everyone || open
        } else {
            acl.group_class.is_none() && u.groups.iter().any(|ug| ug == g)
        }
    };
    let convert = |acl: &Acl| -> Acl {
        let list = |groups: &crate::semantics::GroupList| {
            let names = users
                .iter()
                .filter(|u| groups.groups.iter().any(|g| holds(u, g, acl)));
            crate::semantics::GroupList::from_groups(names.map(|u| u.name.as_str()))
        };
        Acl {
            read: list(&acl.read),
            write: list(&acl.write),
            admin: list(&acl.admin),
            group_class: None,
        }
    };
    // which statement gave which user which rights: a group's grant is
    // every holder's grant
    let provenance = |e: &crate::semantics::Entry| -> Vec<crate::semantics::Provenance> {
        let mut out = Vec::new();
        for p in &e.provenance {
            for u in users.iter().filter(|u| holds(u, &p.group, &e.acl)) {
                out.push(crate::semantics::Provenance {
                    group: u.name.clone(),
                    rights: p.rights,
                    location: p.location,
                });
            }
        }
        out
    };
    let by_user = AuthzMap {
        entries: map
            .entries
            .iter()
            .map(|e| crate::semantics::Entry {
                kind: e.kind,
                pattern: e.pattern.clone(),
                acl: convert(&e.acl),
                id: e.id,
                provenance: provenance(e),
                location: e.location,
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
    };
    UserMap {
        map: by_user,
        open_temp: map.temp.is_none(),
    }
}

/// The per-user difference of two user maps ([`user_map`]).
pub(crate) fn diff_users(old: &UserMap, new: &UserMap) -> UserDiff {
    let d = diff(&old.map, &new.map);
    // Composite destinations are reported per group only: a user map merges
    // entries whose groups differ but whose users coincide, which ActiveMQ
    // does not (it compares the entries' group lists).
    let temp_origin = |dir: Direction| {
        let open = match dir {
            Direction::Gained => new.open_temp,
            Direction::Lost => old.open_temp,
        };
        if open {
            Origin::NoTempEntry
        } else {
            Origin::TempEntry
        }
    };
    let mut changes: Vec<UserChange> = d
        .changes
        .into_iter()
        .filter(|c| !c.composite)
        .map(|c| UserChange {
            user: c.group,
            right: c.right,
            kind: c.kind,
            change: c.change,
            pattern: c.pattern,
            example: c.example,
            grant: c.grant,
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
            grant: temp_origin(c.change),
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
    for c in &d.changes {
        let (sign, verb) = sign_verb(c.change);
        let (on, off) = paint(color, c.change);
        writeln!(
            out,
            "{on}{sign} user {} {verb} {} on {} {} (e.g. {}){off}",
            c.user, c.right, c.kind, c.pattern, c.example
        )?;
    }
    for c in &d.temp {
        let (sign, verb) = sign_verb(c.change);
        let (on, off) = paint(color, c.change);
        writeln!(
            out,
            "{on}{sign} user {} {verb} {} on temp{off}",
            c.user, c.right
        )?;
    }
    Ok(())
}

/// The escape codes around a change line: green for gains, red for losses,
/// none without colour.
fn paint(color: bool, dir: Direction) -> (&'static str, &'static str) {
    match (color, dir) {
        (false, _) => ("", ""),
        (true, Direction::Gained) => ("\x1b[32m", "\x1b[0m"),
        (true, Direction::Lost) => ("\x1b[31m", "\x1b[0m"),
    }
}

/// The human form of a difference, written line by line to `out`: one line
/// per change, `+` for gains and `-` for losses, green and red when `color`.
pub(crate) fn write_text(
    d: &MapDiff,
    color: bool,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    for c in &d.changes {
        let (sign, verb) = sign_verb(c.change);
        let (on, off) = paint(color, c.change);
        let composite = if c.composite { "composite " } else { "" };
        writeln!(
            out,
            "{on}{sign} {} {verb} {} on {composite}{} {} (e.g. {}){off}",
            shown(&c.group),
            c.right,
            c.kind,
            c.pattern,
            c.example
        )?;
    }
    for c in &d.temp {
        let (sign, verb) = sign_verb(c.change);
        let (on, off) = paint(color, c.change);
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
    fn composite_only_changes() {
        let q = DestKind::Queue;
        // equal values on both queues: the composite is granted to a
        let old = map(&[(q, "A.1", acl("a", "", "")), (q, "B.1", acl("a", "", ""))]);
        // b joins A.1 only: A.1 and B.1 no longer equal in value
        let new = map(&[(q, "A.1", acl("a,b", "", "")), (q, "B.1", acl("a", "", ""))]);
        assert_eq!(old.acl_groups(q, "A.1,B.1", Right::Read).len(), 1);
        assert!(new.acl_groups(q, "A.1,B.1", Right::Read).is_empty());
        let d = diff(&old, &new);
        let composite: Vec<&Change> = d.changes.iter().filter(|c| c.composite).collect();
        assert_eq!(composite.len(), 1, "{d:#?}");
        let c = composite[0];
        assert_eq!((c.group.as_str(), c.change), ("a", Direction::Lost));
        assert_eq!(c.example, "A.1,B.1");
        assert_eq!(c.pattern, "A.1,B.1");
        let mut text = Vec::new();
        write_text(&d, false, &mut text).expect("write");
        assert!(
            String::from_utf8_lossy(&text).contains("- a loses read on composite queue A.1,B.1")
        );
        // b's own gain on A.1 is an ordinary change
        assert!(d
            .changes
            .iter()
            .any(|c| !c.composite && c.group == "b" && c.change == Direction::Gained));
        // one entry covering both components keeps the composite
        let wide = map(&[(q, "*.1", acl("a", "", "")), (q, "A.1", acl("a,b", "", ""))]);
        assert!(diff(&old, &wide).changes.iter().all(|c| !c.composite));
        // entries equal in value across kinds keep composites across kinds
        let t = DestKind::Topic;
        let mixed = map(&[(q, "A", acl("a", "", "")), (t, "T", acl("a", "", ""))]);
        let split = map(&[(q, "A", acl("a", "", "")), (t, "T", acl("a", "a", ""))]);
        let d = diff(&mixed, &split);
        let c: Vec<&Change> = d.changes.iter().filter(|c| c.composite).collect();
        assert_eq!(c.len(), 1, "{d:#?}");
        assert_eq!(c[0].example, "A,topic://T");
    }

    #[test]
    fn default_entry_grants_composites_with_temporary_components() {
        let all = |g: &str| acl(g, g, g);
        let mut old = map(&[]);
        old.default_entry = Some(all("g"));
        let new = map(&[
            (DestKind::Queue, ">", all("g")),
            (DestKind::Topic, ">", all("g")),
        ]);
        let d = diff(&old, &new);
        assert!(d
            .changes
            .iter()
            .all(|c| c.composite && c.change == Direction::Lost));
        assert_eq!(d.changes.len(), 3, "{d:#?}");
        let key = &d.changes[0].example;
        assert!(old
            .acl_groups(DestKind::Queue, key, Right::Read)
            .contains("g"));
        assert!(!new
            .acl_groups(DestKind::Queue, key, Right::Read)
            .contains("g"));
    }

    #[test]
    fn no_plugin_equals_default_everyone() {
        let d = diff(&open_map(), &open_map());
        assert!(d.is_empty());
        let d = diff(&AuthzMap::default(), &open_map());
        assert_eq!(d.changes.len(), 6);
    }
}
