//! The evaluator: who may do what on a destination, exactly as ActiveMQ
//! 5.17.2's `DefaultAuthorizationMap` answers `getReadACLs`, `getWriteACLs`
//! and `getAdminACLs`.
//!
//! * A key is trimmed, cut at the first `?`, and if it then contains `,` it is
//!   a composite: split on `,`, each token trimmed, empty tokens skipped, and
//!   each token may carry its own `queue://`, `topic://`, `temp-queue://` or
//!   `temp-topic://` prefix ([`parse_key`]).
//! * A plain key matches every entry of its kind whose pattern matches it by
//!   rule F ([`matches_rule_f`], `docs/semantics.md#wildcard-keys-rule-f`); the
//!   groups are the union over those entries (`docs/semantics.md#union-of-entries`).
//! * A composite key matches the entries matched by *every* component, where
//!   entries are compared by value ([`same_acl_value`]), not by identity
//!   (`docs/semantics.md#composite-destinations`).
//! * The `defaultEntry`'s groups are added to every lookup, after the
//!   intersection (`docs/semantics.md#defaultentry`).
//! * The group `*` is returned as the literal name `"*"`; see [`user_allowed`].
//!
//! ActiveMQ compares the raw role strings with `equals`, so in a composite
//! lookup an entry whose attribute is absent (`null`) differs from one whose
//! attribute is empty (`""`); [`GroupList::present`] keeps that difference.
//!
//! [`AuthzMap::acl_groups`] is the direct, unindexed definition;
//! [`Evaluator`] is an indexed version for repeated lookups that gives the
//! same answers.

use super::pattern::matches_rule_f;
use super::{Acl, AuthzMap, DestKind, Entry, GroupList, Right, EVERYONE};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

pub use super::names::{parse_key, KeyComponent, ParsedKey};
pub use super::DEFAULT_GROUP_CLASS;

/// The principal class an entry's names become (`None` is the default).
pub(crate) fn effective_group_class(acl: &Acl) -> &str {
    acl.group_class.as_deref().unwrap_or(DEFAULT_GROUP_CLASS)
}

/// Entry equality as `AuthorizationEntry.equals` sees it: the three raw role
/// strings, the parsed sets, and the principal class (an unset class equals
/// the explicit default, since the map copies its class into every entry).
pub(crate) fn same_acl_value(a: &Acl, b: &Acl) -> bool {
    a.read == b.read
        && a.write == b.write
        && a.admin == b.admin
        && effective_group_class(a) == effective_group_class(b)
}

/// May a user holding `user_groups` do an operation whose allowed groups are
/// `groups_of_acl`? The group `*` admits any user with at least one group; a
/// user with no principal at all is never admitted (ActiveMQ 5.x).
pub fn user_allowed(groups_of_acl: &BTreeSet<String>, user_groups: &[&str]) -> bool {
    if user_groups.is_empty() {
        return false;
    }
    groups_of_acl.contains(EVERYONE) || user_groups.iter().any(|g| groups_of_acl.contains(*g))
}

fn component_entries<'m>(map: &'m AuthzMap, c: &KeyComponent<'_>) -> Vec<&'m Entry> {
    if c.temporary {
        return Vec::new();
    }
    map.entries
        .iter()
        .filter(|e| e.kind == c.kind && matches_rule_f(&e.pattern, c.name))
        .collect()
}

impl AuthzMap {
    /// The entries a lookup of `key` uses, in map order. For a composite key
    /// these are the entries matched by some component whose value is matched
    /// by every component. The defaultEntry is not included.
    pub fn matching_entries(&self, kind: DestKind, key: &str) -> Vec<&Entry> {
        match parse_key(kind, key) {
            ParsedKey::Single(c) => component_entries(self, &c),
            ParsedKey::Composite(comps) => {
                let per: Vec<Vec<&Entry>> =
                    comps.iter().map(|c| component_entries(self, c)).collect();
                if per.is_empty() {
                    return Vec::new();
                }
                let in_all = |acl: &Acl| {
                    per.iter()
                        .all(|es| es.iter().any(|e| same_acl_value(&e.acl, acl)))
                };
                self.entries
                    .iter()
                    .filter(|e| {
                        per.iter().any(|es| es.iter().any(|x| std::ptr::eq(*x, *e)))
                            && in_all(&e.acl)
                    })
                    .collect()
            }
        }
    }

    /// The groups allowed `right` on `key` (a concrete, wildcard or composite
    /// name of `kind`), defaultEntry included. `*` is returned as `"*"`.
    pub fn acl_groups(&self, kind: DestKind, key: &str, right: Right) -> BTreeSet<String> {
        let mut out: BTreeSet<String> = self
            .matching_entries(kind, key)
            .into_iter()
            .flat_map(|e| e.acl.get(right).groups.iter().cloned())
            .collect();
        if let Some(d) = &self.default_entry {
            out.extend(d.get(right).groups.iter().cloned());
        }
        out
    }

    /// The groups allowed `right` on every temporary destination, or `None`
    /// when there is no `tempDestinationAuthorizationEntry` (open to every
    /// authenticated user).
    pub fn temp_groups(&self, right: Right) -> Option<BTreeSet<String>> {
        self.temp.as_ref().map(|t| t.get(right).groups.clone())
    }
}

/// A fast, non-cryptographic hasher for the index's segment maps.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        for chunk in bytes.chunks(8) {
            let mut v = [0u8; 8];
            v[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(v)).wrapping_mul(K);
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(i)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// A node of one namespace's tree, like ActiveMQ's `DestinationMapNode`.
#[derive(Default)]
struct Node {
    /// Children by literal segment (never `*` or `>`).
    children: FxMap<Box<str>, u32>,
    star: Option<u32>,
    gt: Option<u32>,
    /// Value classes of entries whose pattern ends at this node.
    here: Vec<u32>,
    /// Value classes of entries ending at this node or below (deduplicated).
    subtree: Vec<u32>,
}

#[derive(Default)]
struct Tree {
    nodes: Vec<Node>,
}

impl Tree {
    fn new() -> Tree {
        Tree {
            nodes: vec![Node::default()],
        }
    }

    fn insert(&mut self, pattern: &str, class: u32) {
        let mut at = 0usize;
        for seg in pattern.split('.') {
            let next = match seg {
                "*" => self.nodes[at].star,
                ">" => self.nodes[at].gt,
                lit => self.nodes[at].children.get(lit).copied(),
            };
            let next = match next {
                Some(n) => n as usize,
                None => {
                    let id = self.nodes.len();
                    self.nodes.push(Node::default());
                    let idu = id as u32;
                    match seg {
                        "*" => self.nodes[at].star = Some(idu),
                        ">" => self.nodes[at].gt = Some(idu),
                        lit => {
                            self.nodes[at].children.insert(lit.into(), idu);
                        }
                    }
                    id
                }
            };
            at = next;
        }
        if !self.nodes[at].here.contains(&class) {
            self.nodes[at].here.push(class);
        }
    }

    /// Fill `subtree` bottom-up (children always have larger ids).
    fn finish(&mut self) {
        for id in (0..self.nodes.len()).rev() {
            let mut set: BTreeSet<u32> = self.nodes[id].here.iter().copied().collect();
            let node = &self.nodes[id];
            let kids: Vec<u32> = node
                .children
                .values()
                .copied()
                .chain(node.star)
                .chain(node.gt)
                .collect();
            for k in kids {
                set.extend(self.nodes[k as usize].subtree.iter().copied());
            }
            self.nodes[id].subtree = set.into_iter().collect();
        }
    }
}

/// Reusable buffers for [`Evaluator::lookup`]; one per thread.
#[derive(Default)]
pub struct Scratch {
    segs: Vec<(usize, usize)>,
    class_seen: Vec<u32>,
    group_seen: Vec<u32>,
    stamp: u32,
    classes: Vec<u32>,
    groups: Vec<u32>,
    counts: Vec<u32>,
}

impl Scratch {
    /// Fresh buffers.
    pub fn new() -> Scratch {
        Scratch::default()
    }

    fn next_stamp(&mut self, n_classes: usize, n_groups: usize) {
        if self.class_seen.len() < n_classes {
            self.class_seen.resize(n_classes, 0);
        }
        if self.group_seen.len() < n_groups {
            self.group_seen.resize(n_groups, 0);
        }
        if self.stamp == u32::MAX {
            self.class_seen.iter_mut().for_each(|s| *s = 0);
            self.group_seen.iter_mut().for_each(|s| *s = 0);
            self.stamp = 0;
        }
        self.stamp += 1;
    }
}

/// An indexed evaluator built once from a map: one tree per namespace, entries
/// grouped into value classes (equal by [`same_acl_value`]), group names
/// interned. Lookups give the same answers as [`AuthzMap::acl_groups`].
///
/// A plain-key lookup walks the tree like ActiveMQ's `DestinationMap` (rule F)
/// and, with a reused [`Scratch`], allocates nothing.
pub struct Evaluator<'a> {
    map: &'a AuthzMap,
    trees: [Tree; 2],
    /// Per value class, the group ids for read, write, admin.
    class_groups: Vec<[Vec<u32>; 3]>,
    default_groups: [Vec<u32>; 3],
    group_names: Vec<String>,
    group_ids: BTreeMap<String, u32>,
}

impl<'a> Evaluator<'a> {
    /// Index `map`. O(total pattern length + entries × depth).
    pub fn new(map: &'a AuthzMap) -> Evaluator<'a> {
        let mut group_ids: BTreeMap<String, u32> = BTreeMap::new();
        let mut group_names: Vec<String> = Vec::new();
        let mut intern = |gl: &GroupList| -> Vec<u32> {
            let mut v: Vec<u32> = gl
                .groups
                .iter()
                .map(|g| {
                    *group_ids.entry(g.clone()).or_insert_with(|| {
                        group_names.push(g.clone());
                        (group_names.len() - 1) as u32
                    })
                })
                .collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        type ClassKey<'k> = (&'k GroupList, &'k GroupList, &'k GroupList, &'k str);
        let mut class_of: BTreeMap<ClassKey<'a>, u32> = BTreeMap::new();
        let mut class_groups: Vec<[Vec<u32>; 3]> = Vec::new();
        let mut trees = [Tree::new(), Tree::new()];
        for e in &map.entries {
            let key = (
                &e.acl.read,
                &e.acl.write,
                &e.acl.admin,
                effective_group_class(&e.acl),
            );
            let class = match class_of.get(&key) {
                Some(c) => *c,
                None => {
                    let c = class_groups.len() as u32;
                    class_groups.push([
                        intern(&e.acl.read),
                        intern(&e.acl.write),
                        intern(&e.acl.admin),
                    ]);
                    class_of.insert(key, c);
                    c
                }
            };
            trees[DestKind::index(e.kind)].insert(&e.pattern, class);
        }
        let default_groups = match &map.default_entry {
            Some(d) => [intern(&d.read), intern(&d.write), intern(&d.admin)],
            None => Default::default(),
        };
        for t in &mut trees {
            t.finish();
        }
        Evaluator {
            map,
            trees,
            class_groups,
            default_groups,
            group_names,
            group_ids,
        }
    }

    /// The map this evaluator indexes.
    pub fn map(&self) -> &'a AuthzMap {
        self.map
    }

    /// The name of an interned group id returned by [`Evaluator::lookup`].
    pub fn group_name(&self, id: u32) -> &str {
        &self.group_names[id as usize]
    }

    /// The id of a group name, if any entry mentions it.
    pub(crate) fn group_id(&self, name: &str) -> Option<u32> {
        self.group_ids.get(name).copied()
    }

    /// The ids of the groups allowed `right` on `key` (unsorted, distinct).
    /// The slice lives in `scratch` until its next use.
    pub fn lookup<'s>(
        &self,
        kind: DestKind,
        key: &str,
        right: Right,
        scratch: &'s mut Scratch,
    ) -> &'s [u32] {
        scratch.next_stamp(self.class_groups.len(), self.group_names.len());
        scratch.classes.clear();
        scratch.groups.clear();
        match parse_key(kind, key) {
            ParsedKey::Single(c) => self.collect_component(&c, scratch),
            ParsedKey::Composite(comps) => self.collect_composite(&comps, scratch),
        }
        let ri = Right::index(right);
        let stamp = scratch.stamp;
        let Scratch {
            classes,
            groups,
            group_seen,
            ..
        } = scratch;
        let default = &self.default_groups[ri];
        for g in classes
            .iter()
            .flat_map(|c| self.class_groups[*c as usize][ri].iter())
            .chain(default.iter())
        {
            let seen = &mut group_seen[*g as usize];
            if *seen != stamp {
                *seen = stamp;
                groups.push(*g);
            }
        }
        &scratch.groups
    }

    /// Like [`AuthzMap::acl_groups`], through the index.
    pub fn acl_groups(&self, kind: DestKind, key: &str, right: Right) -> BTreeSet<String> {
        let mut scratch = Scratch::new();
        self.lookup(kind, key, right, &mut scratch)
            .iter()
            .map(|g| self.group_names[*g as usize].clone())
            .collect()
    }

    /// Whether a user in `user_groups` may do `right` on `key` (see
    /// [`user_allowed`]).
    pub fn allows(
        &self,
        kind: DestKind,
        key: &str,
        right: Right,
        user_groups: &[&str],
        scratch: &mut Scratch,
    ) -> bool {
        if user_groups.is_empty() {
            return false;
        }
        let star = self.group_id(EVERYONE);
        let wanted: Vec<Option<u32>> = user_groups.iter().map(|g| self.group_id(g)).collect();
        self.lookup(kind, key, right, scratch)
            .iter()
            .any(|g| Some(*g) == star || wanted.contains(&Some(*g)))
    }

    /// Add the value classes matched by one plain component to
    /// `scratch.classes` (deduplicated with the current stamp).
    fn collect_component(&self, c: &KeyComponent<'_>, scratch: &mut Scratch) {
        if c.temporary {
            return;
        }
        scratch.segs.clear();
        let mut start = 0usize;
        for (i, b) in c.name.bytes().enumerate() {
            if b == b'.' {
                scratch.segs.push((start, i));
                start = i + 1;
            }
        }
        scratch.segs.push((start, c.name.len()));
        let tree = &self.trees[DestKind::index(c.kind)];
        let segs = std::mem::take(&mut scratch.segs);
        let mut walk = Walk {
            tree,
            name: c.name,
            segs: &segs,
            stamp: scratch.stamp,
            seen: &mut scratch.class_seen,
            out: &mut scratch.classes,
        };
        walk.visit(0, 0, false);
        scratch.segs = segs;
    }

    fn collect_composite(&self, comps: &[KeyComponent<'_>], scratch: &mut Scratch) {
        if comps.is_empty() {
            return;
        }
        let n = self.class_groups.len();
        scratch.counts.clear();
        scratch.counts.resize(n, 0);
        for (j, c) in comps.iter().enumerate() {
            scratch.classes.clear();
            self.collect_component(c, scratch);
            for cl in &scratch.classes {
                let cnt = &mut scratch.counts[*cl as usize];
                if *cnt == j as u32 {
                    *cnt += 1;
                }
            }
            // Fresh dedupe marks for the next component.
            scratch.next_stamp(n, self.group_names.len());
        }
        scratch.classes.clear();
        let all = comps.len() as u32;
        for (cl, cnt) in scratch.counts.iter().enumerate() {
            if *cnt == all {
                scratch.classes.push(cl as u32);
            }
        }
    }
}

/// One rule-F walk of a tree for a key split into `segs`.
struct Walk<'w> {
    tree: &'w Tree,
    name: &'w str,
    segs: &'w [(usize, usize)],
    stamp: u32,
    seen: &'w mut [u32],
    out: &'w mut Vec<u32>,
}

impl<'w> Walk<'w> {
    fn add(&mut self, classes: &[u32]) {
        for c in classes {
            let s = &mut self.seen[*c as usize];
            if *s != self.stamp {
                *s = self.stamp;
                self.out.push(*c);
            }
        }
    }

    fn seg(&self, i: usize) -> &'w str {
        let (a, b) = self.segs[i];
        let name: &'w str = self.name;
        &name[a..b]
    }

    /// Entries below `node` (at depth `i`) matching `key[i..]`.
    fn visit(&mut self, node: u32, i: usize, deep: bool) {
        let tree = self.tree;
        let nd = &tree.nodes[node as usize];
        if i == self.segs.len() {
            self.add(&nd.here);
            if let Some(g) = nd.gt {
                self.add(&tree.nodes[g as usize].here);
            }
            return;
        }
        let k = self.seg(i);
        if deep && k == ">" {
            self.add(&nd.subtree);
            return;
        }
        if let Some(s) = nd.star {
            self.visit(s, i + 1, true);
        }
        if let Some(g) = nd.gt {
            self.add(&tree.nodes[g as usize].subtree);
        }
        if k == "*" {
            for child in nd.children.values() {
                self.visit(*child, i + 1, deep);
            }
        } else if k != ">" {
            if let Some(child) = nd.children.get(k) {
                self.visit(*child, i + 1, deep);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acl(read: &str, write: &str, admin: &str) -> Acl {
        Acl {
            read: GroupList::parse(read),
            write: GroupList::parse(write),
            admin: GroupList::parse(admin),
            group_class: None,
        }
    }

    fn entry(id: usize, kind: DestKind, pattern: &str, acl: Acl) -> Entry {
        Entry {
            kind,
            pattern: pattern.to_string(),
            acl,
            id,
            provenance: Vec::new(),
            location: None,
        }
    }

    fn set(v: &[&str]) -> BTreeSet<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn check(map: &AuthzMap, kind: DestKind, key: &str, right: Right, want: &[&str]) {
        let got = map.acl_groups(kind, key, right);
        assert_eq!(got, set(want), "{kind} {key} {right}");
        let ev = Evaluator::new(map);
        assert_eq!(ev.acl_groups(kind, key, right), got, "indexed {kind} {key}");
    }

    #[test]
    fn union_and_default_entry() {
        let q = DestKind::Queue;
        let mut map = AuthzMap {
            entries: vec![
                entry(0, q, ">", acl("admins", "admins", "admins")),
                entry(1, q, "FOO.A", acl("ga", "", "")),
                entry(2, DestKind::Topic, "FOO.>", acl("tg", "", "")),
            ],
            default_entry: None,
            temp: None,
        };
        check(&map, q, "FOO.A", Right::Read, &["admins", "ga"]);
        check(&map, q, "FOO.B", Right::Read, &["admins"]);
        check(&map, DestKind::Topic, "BAR", Right::Read, &[]);
        map.default_entry = Some(acl("d", "", "*"));
        check(&map, DestKind::Topic, "BAR", Right::Read, &["d"]);
        check(&map, DestKind::Topic, "BAR", Right::Admin, &["*"]);
        assert_eq!(map.temp_groups(Right::Read), None);
    }

    #[test]
    fn composite_intersection_by_value() {
        let q = DestKind::Queue;
        let map = AuthzMap {
            entries: vec![
                entry(0, q, "R.1", acl("g1,g2", "", "")),
                entry(1, q, "R.2", acl("g1,g2", "", "")),
                entry(2, q, "P.1", acl("g1,g2", "", "")),
                entry(3, q, "P.2", acl("g2,g1", "", "")),
                entry(4, DestKind::Topic, "T", acl("g1,g2", "", "")),
            ],
            default_entry: Some(acl("d", "", "")),
            temp: None,
        };
        check(&map, q, "R.1,R.2", Right::Read, &["g1", "g2", "d"]);
        check(&map, q, "P.1,P.2", Right::Read, &["d"]);
        check(
            &map,
            q,
            " R.1 , topic://T ,, ?x=1",
            Right::Read,
            &["g1", "g2", "d"],
        );
        check(&map, q, "R.1,temp-queue://ID:1", Right::Read, &["d"]);
        // a prefix is a literal part of a plain name
        check(&map, q, "topic://T", Right::Read, &["d"]);
        check(
            &map,
            q,
            "R.1?consumer.prefetchSize=1",
            Right::Read,
            &["g1", "g2", "d"],
        );
        assert_eq!(map.matching_entries(q, "R.1,R.2").len(), 2);
    }

    #[test]
    fn group_class_default_equals_explicit_default() {
        let q = DestKind::Queue;
        let mut a = acl("g", "", "");
        a.group_class = Some(DEFAULT_GROUP_CLASS.to_string());
        let mut u = acl("g", "", "");
        u.group_class = Some("org.apache.activemq.jaas.UserPrincipal".to_string());
        let map = AuthzMap {
            entries: vec![
                entry(0, q, "A", acl("g", "", "")),
                entry(1, q, "B", a),
                entry(2, q, "C", u),
            ],
            default_entry: None,
            temp: None,
        };
        check(&map, q, "A,B", Right::Read, &["g"]);
        check(&map, q, "A,C", Right::Read, &[]);
    }

    #[test]
    fn wildcard_keys_and_groups() {
        let q = DestKind::Queue;
        let map = AuthzMap {
            entries: vec![
                entry(0, q, "FOO.A", acl("a", "", "")),
                entry(1, q, "FOO.B", acl(" gb ,, gc , ", "", "")),
            ],
            default_entry: None,
            temp: Some(acl("t", "", "")),
        };
        check(&map, q, "FOO.*", Right::Read, &["a", "gb", "gc", ""]);
        check(&map, q, "FOO.>", Right::Read, &[]);
        assert_eq!(map.temp_groups(Right::Read), Some(set(&["t"])));
        let g = set(&["*"]);
        assert!(user_allowed(&g, &["x"]));
        assert!(!user_allowed(&g, &[]));
        assert!(user_allowed(&set(&["a"]), &["b", "a"]));
        assert!(!user_allowed(&set(&["a"]), &["b"]));
        let ev = Evaluator::new(&map);
        let mut s = Scratch::new();
        assert!(ev.allows(q, "FOO.A", Right::Read, &["a"], &mut s));
        assert!(!ev.allows(q, "FOO.A", Right::Read, &["gb"], &mut s));
    }

    fn arb_map() -> impl proptest::strategy::Strategy<Value = AuthzMap> {
        use proptest::prelude::*;
        let raw = prop::sample::select(vec!["g1", "g1,g2", "g2,g1", "*", " g1 ,, ", ""]);
        let ent = (
            crate::semantics::pattern::tests::arb_raw_pattern(),
            any::<bool>(),
            raw.clone(),
            raw.clone(),
            raw,
        );
        (
            prop::collection::vec(ent, 0..7),
            prop::option::of(prop::sample::select(vec!["d", "*", ""])),
        )
            .prop_map(|(es, d)| AuthzMap {
                entries: es
                    .into_iter()
                    .enumerate()
                    .filter(|(_, (p, ..))| !p.is_empty())
                    .map(|(i, (p, topic, r, w, a))| {
                        let kind = if topic {
                            DestKind::Topic
                        } else {
                            DestKind::Queue
                        };
                        entry(i, kind, &p, acl(r, w, a))
                    })
                    .collect(),
                default_entry: d.map(|d| acl(d, d, d)),
                temp: None,
            })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 300, ..Default::default() })]

        #[test]
        fn evaluator_agrees_with_definition(
            map in arb_map(),
            keys in proptest::collection::vec(
                (crate::semantics::pattern::tests::arb_raw_pattern(),
                 crate::semantics::pattern::tests::arb_raw_pattern(),
                 0..4usize),
                1..8),
        ) {
            let ev = Evaluator::new(&map);
            let mut scratch = Scratch::new();
            for (a, b, form) in keys {
                let key = match form {
                    0 => a.clone(),
                    1 => format!("{a},{b}"),
                    2 => format!(" {a} , topic://{b} ?x=1"),
                    _ => format!("{a},temp-queue://{b}"),
                };
                for kind in DestKind::ALL {
                    for right in Right::ALL {
                        let want = map.acl_groups(kind, &key, right);
                        proptest::prop_assert_eq!(&ev.acl_groups(kind, &key, right), &want);
                        let ids: BTreeSet<String> = ev
                            .lookup(kind, &key, right, &mut scratch)
                            .iter()
                            .map(|g| ev.group_name(*g).to_string())
                            .collect();
                        proptest::prop_assert_eq!(ids, want);
                    }
                }
            }
        }
    }
}
