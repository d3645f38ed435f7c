//! A trie of destination patterns for set-level questions: does a union of
//! patterns cover a pattern (with a witness when it does not), which stored
//! patterns overlap a pattern, which match a destination.
//!
//! Patterns are stored in their normalised form ([`Pattern`], rule M). Every
//! stored pattern ends at one node: in `exact` when it has no final `>`, in
//! `tail` when it has one (a `tail` item matches every continuation from its
//! node, including none).
//!
//! Complexity (n stored patterns, d the depth of the query pattern):
//! * [`PatternSet::insert`]: O(d log b), b the branching of a node.
//! * [`PatternSet::matching`]: O(number of trie paths consistent with the
//!   destination), at most 2^d through `*` nodes, typically O(d).
//! * [`PatternSet::overlapping`]: O(visited nodes + output); a pattern full of
//!   wildcards visits the part of the trie it can reach (the whole trie for
//!   `>`), a literal pattern O(d · 2^(stars on its path)).
//! * [`PatternSet::union_covers`]: a subset construction over the trie. At a
//!   wildcard of the query it branches on the literals present among the
//!   children of the current node set plus one fresh literal (all absent
//!   literals behave alike), and memoises node sets. For a mostly literal set
//!   this is linear in the trie nodes reachable from the query; the worst case
//!   is exponential in the depth (union universality is hard in general), never
//!   in n through all-pairs comparisons.

use super::pattern::{Pattern, Seg};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// Most nodes have a few literal children: those are kept in a short list
/// (sharing the patterns' literal strings), wide nodes in a hash map.
const WIDE: usize = 8;

#[derive(Debug, Clone)]
enum Lits {
    Few(Vec<(Arc<str>, u32)>),
    // boxed so that the (far more common) short list sets the node size
    #[allow(clippy::box_collection)]
    Many(Box<HashMap<Arc<str>, u32>>),
}

impl Default for Lits {
    fn default() -> Self {
        Lits::Few(Vec::new())
    }
}

impl Lits {
    fn get(&self, lit: &str) -> Option<&u32> {
        match self {
            Lits::Few(v) => v.iter().find(|(l, _)| &**l == lit).map(|(_, n)| n),
            Lits::Many(m) => m.get(lit),
        }
    }

    fn insert(&mut self, lit: Arc<str>, node: u32) {
        match self {
            Lits::Few(v) if v.len() < WIDE => {
                v.reserve_exact(1);
                v.push((lit, node))
            }
            Lits::Few(v) => {
                let mut m: HashMap<Arc<str>, u32> = v.drain(..).collect();
                m.insert(lit, node);
                *self = Lits::Many(Box::new(m));
            }
            Lits::Many(m) => {
                m.insert(lit, node);
            }
        }
    }

    /// The children in no particular order.
    fn values(&self) -> Box<dyn Iterator<Item = &u32> + '_> {
        match self {
            Lits::Few(v) => Box::new(v.iter().map(|(_, n)| n)),
            Lits::Many(m) => Box::new(m.values()),
        }
    }

    /// The literals in no particular order.
    fn keys(&self) -> Box<dyn Iterator<Item = &Arc<str>> + '_> {
        match self {
            Lits::Few(v) => Box::new(v.iter().map(|(l, _)| l)),
            Lits::Many(m) => Box::new(m.keys()),
        }
    }
}

const NIL: u32 = u32::MAX;

/// The items ending at a node, in insertion order, chained through
/// `PatternSet::next`.
#[derive(Debug, Clone, Copy)]
struct List {
    head: u32,
    last: u32,
}

impl Default for List {
    fn default() -> Self {
        List {
            head: NIL,
            last: NIL,
        }
    }
}

#[derive(Default, Debug, Clone)]
struct Node {
    lits: Lits,
    star: Option<u32>,
    exact: List,
    tail: List,
}

/// A set of patterns, each with a payload `T`, indexed as a trie.
#[derive(Debug, Clone)]
pub struct PatternSet<T> {
    nodes: Vec<Node>,
    items: Vec<(Pattern, T)>,
    /// The next item in the same node list, or `NIL`.
    next: Vec<u32>,
}

impl<T> Default for PatternSet<T> {
    fn default() -> Self {
        PatternSet::new()
    }
}

/// What a covering search returns: `Err` carries a witness suffix, stored
/// in reverse order.
type Step = Result<(), Vec<String>>;

/// Memo key: a sorted set of trie nodes and the query position
/// (`usize::MAX` once the query's final `>` is being expanded).
type MemoKey = (Vec<u32>, usize);

const TAIL_PHASE: usize = usize::MAX;

impl<T> PatternSet<T> {
    /// An empty set.
    pub fn new() -> PatternSet<T> {
        PatternSet {
            nodes: vec![Node::default()],
            items: Vec::new(),
            next: Vec::new(),
        }
    }

    /// Release spare capacity once every pattern is stored.
    pub(crate) fn shrink_to_fit(&mut self) {
        self.nodes.shrink_to_fit();
        self.items.shrink_to_fit();
        self.next.shrink_to_fit();
    }

    /// The stored patterns and payloads, in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&Pattern, &T)> {
        self.items.iter().map(|(p, t)| (p, t))
    }

    /// Store `pattern` with `payload`. Duplicates are kept as separate items.
    pub fn insert(&mut self, pattern: &Pattern, payload: T) {
        let id = self.items.len() as u32;
        let mut at = 0usize;
        for seg in pattern.segs() {
            let next = match seg {
                Seg::Star => self.nodes[at].star,
                Seg::Lit(l) => self.nodes[at].lits.get(l).copied(),
            };
            at = match next {
                Some(n) => n as usize,
                None => {
                    let n = self.nodes.len() as u32;
                    self.nodes.push(Node::default());
                    match seg {
                        Seg::Star => self.nodes[at].star = Some(n),
                        Seg::Lit(l) => {
                            self.nodes[at].lits.insert(l.clone(), n);
                        }
                    }
                    n as usize
                }
            };
        }
        let nd = &mut self.nodes[at];
        let list = if pattern.tail() {
            &mut nd.tail
        } else {
            &mut nd.exact
        };
        if list.head == NIL {
            list.head = id;
        } else {
            self.next[list.last as usize] = id;
        }
        list.last = id;
        self.next.push(NIL);
        self.items.push((pattern.clone(), payload));
    }

    /// The payloads of every stored pattern matching the concrete destination
    /// `dest` (rule M), in insertion order.
    pub fn matching(&self, dest: &str) -> Vec<&T> {
        let segs: Vec<&str> = dest.split('.').collect();
        let mut ids = Vec::new();
        self.match_walk(0, &segs, 0, &mut ids);
        ids.sort_unstable();
        ids.dedup();
        ids.into_iter().map(|i| &self.items[i as usize].1).collect()
    }

    fn match_walk(&self, node: u32, segs: &[&str], i: usize, out: &mut Vec<u32>) {
        let nd = &self.nodes[node as usize];
        out.extend(self.ids(nd.tail));
        if i == segs.len() {
            out.extend(self.ids(nd.exact));
            return;
        }
        if let Some(c) = nd.lits.get(segs[i]) {
            self.match_walk(*c, segs, i + 1, out);
        }
        if let Some(s) = nd.star {
            self.match_walk(s, segs, i + 1, out);
        }
    }

    /// Every stored pattern that shares at least one concrete destination
    /// with `p`, in insertion order.
    pub fn overlapping(&self, p: &Pattern) -> Vec<(&Pattern, &T)> {
        let mut ids = Vec::new();
        self.overlap_walk(0, p, 0, &mut ids);
        self.collect_ids(ids)
    }

    fn overlap_walk(&self, node: u32, p: &Pattern, i: usize, out: &mut Vec<u32>) {
        let nd = &self.nodes[node as usize];
        // A stored final `>` absorbs whatever remains of `p`.
        out.extend(self.ids(nd.tail));
        let segs = p.segs();
        if i == segs.len() {
            if i > 0 {
                out.extend(self.ids(nd.exact));
            }
            if p.tail() {
                // `p`'s final `>` absorbs whatever remains of every pattern below.
                let mut stack: Vec<u32> = self.children(nd).collect();
                while let Some(n) = stack.pop() {
                    let c = &self.nodes[n as usize];
                    out.extend(self.ids(c.exact));
                    out.extend(self.ids(c.tail));
                    stack.extend(self.children(c));
                }
            }
            return;
        }
        match &segs[i] {
            Seg::Lit(l) => {
                if let Some(c) = nd.lits.get(l) {
                    self.overlap_walk(*c, p, i + 1, out);
                }
            }
            Seg::Star => {
                for c in nd.lits.values() {
                    self.overlap_walk(*c, p, i + 1, out);
                }
            }
        }
        if let Some(s) = nd.star {
            self.overlap_walk(s, p, i + 1, out);
        }
    }

    /// The stored patterns that may cover `p` (every one that does, in
    /// insertion order): those whose path of literals and `*` matches a
    /// prefix of `p` segment by segment, ending in a `>` or at `p`'s end.
    /// O(trie paths consistent with `p`), at most 2^d, never all items.
    pub(crate) fn covering(&self, p: &Pattern) -> Vec<(&Pattern, &T)> {
        let mut ids = Vec::new();
        self.visit_covering(p, false, &mut |i| {
            ids.push(i);
            false
        });
        self.collect_ids(ids)
    }

    #[cfg(test)]
    /// Like [`PatternSet::covering`], without the patterns equal to `p`
    /// (covering it and covered by it): those that cover it strictly.
    pub(crate) fn covering_strictly(&self, p: &Pattern) -> Vec<(&Pattern, &T)> {
        let mut ids = Vec::new();
        self.covering_strictly_ids(p, &mut ids);
        ids.into_iter().map(|i| self.item(i)).collect()
    }

    /// [`PatternSet::covering_strictly`] as item numbers (for
    /// [`PatternSet::item`]), sorted, written into `out` (cleared first) so
    /// that a caller asking for many patterns reuses one buffer.
    pub(crate) fn covering_strictly_ids(&self, p: &Pattern, out: &mut Vec<u32>) {
        out.clear();
        self.visit_covering(p, true, &mut |i| {
            out.push(i);
            false
        });
        out.sort_unstable();
        out.dedup();
    }

    /// The stored pattern and payload numbered `id` (insertion order).
    pub fn item(&self, id: u32) -> (&Pattern, &T) {
        let (p, t) = &self.items[id as usize];
        (p, t)
    }

    /// Whether some stored pattern whose payload `keep` accepts covers `p`
    /// strictly. Stops at the first one found: O(trie paths consistent with
    /// `p`) plus the items looked at on the way.
    pub(crate) fn any_covering_strictly_where(
        &self,
        p: &Pattern,
        keep: impl Fn(&T) -> bool,
    ) -> bool {
        self.visit_covering(p, true, &mut |i| {
            let (q, t) = &self.items[i as usize];
            keep(t) && q.covers(p) && !p.covers(q)
        })
    }

    /// The items numbered in `ids` (with repeats), in insertion order.
    fn collect_ids(&self, mut ids: Vec<u32>) -> Vec<(&Pattern, &T)> {
        ids.sort_unstable();
        ids.dedup();
        ids.into_iter().map(|i| self.item(i)).collect()
    }

    /// Call `visit` with every item covering `p` (strictly, when `strict`),
    /// in trie order, possibly more than once; stop as soon as it returns
    /// true, and say whether it did.
    fn visit_covering(
        &self,
        p: &Pattern,
        strict: bool,
        visit: &mut dyn FnMut(u32) -> bool,
    ) -> bool {
        // `>` alone is the algebra's `*.>` (destinations have a segment)
        let star = [Seg::Star];
        let tail_only = p.segs().is_empty() && p.tail();
        let segs: &[Seg] = if tail_only { &star } else { p.segs() };
        let same = strict.then(|| {
            // `>` and `*.>` are equal; the walk below sees `p` as the second
            (p.tail(), p.tail() && matches!(segs, [Seg::Star]))
        });
        self.cover_walk(0, segs, 0, same, visit)
    }

    /// `same` is `Some((tail, star_tail))` while the path walked spells `p`
    /// itself, when the patterns equal to `p` are left out (`tail`: `p` ends
    /// in `>`; `star_tail`: `p` is `>` or `*.>`); `None` visits every
    /// covering pattern. Returns true once `visit` has.
    fn cover_walk(
        &self,
        node: u32,
        segs: &[Seg],
        i: usize,
        same: Option<(bool, bool)>,
        visit: &mut dyn FnMut(u32) -> bool,
    ) -> bool {
        let nd = &self.nodes[node as usize];
        let skip_tail = match same {
            // `>` stored at the root equals a query `*.>`
            Some((_, true)) if i == 0 => true,
            Some((true, _)) => i == segs.len(),
            _ => false,
        };
        if !skip_tail && self.ids(nd.tail).any(&mut *visit) {
            return true;
        }
        if i == segs.len() {
            return !matches!(same, Some((false, _))) && self.ids(nd.exact).any(visit);
        }
        match &segs[i] {
            Seg::Lit(l) => {
                if let Some(c) = nd.lits.get(l) {
                    if self.cover_walk(*c, segs, i + 1, same, visit) {
                        return true;
                    }
                }
                // off the path that spells `p`: nothing below equals it
                if let Some(s) = nd.star {
                    return self.cover_walk(s, segs, i + 1, None, visit);
                }
                false
            }
            Seg::Star => match nd.star {
                Some(s) => self.cover_walk(s, segs, i + 1, same, visit),
                None => false,
            },
        }
    }

    /// The items of a node list, in insertion order.
    fn ids(&self, list: List) -> impl Iterator<Item = u32> + '_ {
        let first = (list.head != NIL).then_some(list.head);
        std::iter::successors(first, |&i| {
            let n = self.next[i as usize];
            (n != NIL).then_some(n)
        })
    }

    fn children<'s>(&'s self, nd: &'s Node) -> impl Iterator<Item = u32> + 's {
        nd.lits.values().copied().chain(nd.star)
    }

    /// Decide exactly whether the union of the stored patterns covers `p`
    /// (every concrete destination `p` matches is matched by some stored
    /// pattern). `Ok` holds the payloads of the patterns used in one cover (one
    /// per deciding trie node), in insertion order; `Err` holds a concrete
    /// destination matched by `p` and by no stored pattern.
    pub fn union_covers(&self, p: &Pattern) -> Result<Vec<&T>, String> {
        self.union_covers_where(p, |_| true)
    }

    /// [`PatternSet::union_covers`] over only the stored patterns whose
    /// payload `keep` accepts (to ask whether the others cover one of them).
    pub(crate) fn union_covers_where(
        &self,
        p: &Pattern,
        keep: impl Fn(&T) -> bool,
    ) -> Result<Vec<&T>, String> {
        if p.segs().is_empty() && !p.tail() {
            // The empty pattern matches no destination.
            return Ok(Vec::new());
        }
        let mut used: BTreeSet<u32> = BTreeSet::new();
        let mut memo: HashMap<MemoKey, Step> = HashMap::new();
        let mut search = Search {
            set: self,
            keep: &keep,
            p,
            // a query without wildcards follows one node set per segment and
            // meets none twice: nothing to remember
            memoise: p.tail() || p.segs().iter().any(|s| matches!(s, Seg::Star)),
            used: &mut used,
            memo: &mut memo,
        };
        match search.walk(vec![0], 0) {
            Ok(()) => Ok(used
                .into_iter()
                .map(|i| &self.items[i as usize].1)
                .collect()),
            Err(mut rev) => {
                rev.reverse();
                Err(rev.join("."))
            }
        }
    }
}

struct Search<'s, T> {
    set: &'s PatternSet<T>,
    keep: &'s dyn Fn(&T) -> bool,
    p: &'s Pattern,
    memoise: bool,
    used: &'s mut BTreeSet<u32>,
    memo: &'s mut HashMap<MemoKey, Step>,
}

impl<T> Search<'_, T> {
    fn node(&self, n: u32) -> &Node {
        &self.set.nodes[n as usize]
    }

    /// Record a stored `>` that covers everything from here, if any.
    fn tail_cover(&mut self, alive: &[u32]) -> bool {
        self.cover_by(alive, |nd| nd.tail)
    }

    /// Record a stored pattern ending exactly here, if any.
    fn exact_cover(&mut self, alive: &[u32]) -> bool {
        self.cover_by(alive, |nd| nd.exact)
    }

    /// Record the kept items that `items` lists at the first node of `alive`
    /// holding any.
    fn cover_by(&mut self, alive: &[u32], items: impl Fn(&Node) -> List) -> bool {
        // One stored pattern per node is enough to decide coverage and to
        // name a cover; listing them all would make a query cost as much as
        // the number of grants sharing that pattern.
        let set = self.set;
        for n in alive {
            let first = set
                .ids(items(&set.nodes[*n as usize]))
                .find(|&i| (self.keep)(&set.items[i as usize].1));
            if let Some(i) = first {
                self.used.insert(i);
                return true;
            }
        }
        false
    }

    /// The node set after reading literal `lit` (`None`: a fresh literal).
    fn step(&self, alive: &[u32], lit: Option<&str>) -> Vec<u32> {
        let mut next: Vec<u32> = Vec::new();
        for n in alive {
            let nd = self.node(*n);
            if let Some(l) = lit {
                if let Some(c) = nd.lits.get(l) {
                    next.push(*c);
                }
            }
            if let Some(s) = nd.star {
                next.push(s);
            }
        }
        next.sort_unstable();
        next.dedup();
        next
    }

    /// A literal no node of `alive` has a child for: `X`, else `X1`, `X2`…
    /// (all absent literals behave alike). Looked up per candidate, so that
    /// a wide node is not listed when the fresh literal already decides.
    fn fresh(&self, alive: &[u32]) -> String {
        let taken = |l: &str| alive.iter().any(|n| self.node(*n).lits.get(l).is_some());
        let mut fresh = "X".to_string();
        let mut k = 1;
        while taken(&fresh) {
            fresh = format!("X{k}");
            k += 1;
        }
        fresh
    }

    /// The literals of the children of `alive`, sorted: the other branches
    /// at a wildcard, looked at once the fresh literal is covered.
    fn literals(&self, alive: &[u32]) -> Vec<String> {
        let mut lits: BTreeSet<&str> = BTreeSet::new();
        for n in alive {
            lits.extend(self.node(*n).lits.keys().map(|l| &**l));
        }
        lits.into_iter().map(str::to_string).collect()
    }

    /// Are all destinations of `p[i..]` (read after the path leading to
    /// `alive`) covered?
    fn walk(&mut self, alive: Vec<u32>, i: usize) -> Step {
        if self.tail_cover(&alive) {
            return Ok(());
        }
        let key = (alive, i);
        if self.memoise {
            if let Some(r) = self.memo.get(&key) {
                return r.clone();
            }
        }
        let alive = &key.0;
        let segs = self.p.segs();
        let r = if i < segs.len() {
            match &segs[i] {
                Seg::Lit(l) => {
                    let next = self.step(alive, Some(l));
                    self.descend(next, i, l)
                }
                Seg::Star => {
                    let fresh = self.fresh(alive);
                    let mut r = {
                        let next = self.step(alive, None);
                        self.descend(next, i, &fresh)
                    };
                    let lits = if r.is_ok() {
                        self.literals(alive)
                    } else {
                        Vec::new()
                    };
                    for l in lits {
                        if r.is_err() {
                            break;
                        }
                        let next = self.step(alive, Some(&l));
                        r = self.descend(next, i, &l);
                    }
                    r
                }
            }
        } else {
            // `p` may end here (unless it is `>` at the root, which matches
            // no empty destination).
            let needs_empty = i > 0 || !self.p.tail();
            if needs_empty && !self.exact_cover(alive) {
                Err(Vec::new())
            } else if self.p.tail() {
                self.continuations(alive)
            } else {
                Ok(())
            }
        };
        if self.memoise {
            self.memo.insert(key, r.clone());
        }
        r
    }

    /// Continue `walk` at `next` after reading segment `seg` of `p`.
    fn descend(&mut self, next: Vec<u32>, i: usize, seg: &str) -> Step {
        let r = if next.is_empty() {
            // Nothing can match any more: finish `p` with its example.
            let mut rest: Vec<String> = self.p.segs()[i + 1..]
                .iter()
                .map(|s| match s {
                    Seg::Lit(l) => l.to_string(),
                    Seg::Star => "X".to_string(),
                })
                .collect();
            rest.reverse();
            Err(rest)
        } else {
            self.walk(next, i + 1)
        };
        r.map_err(|mut w| {
            w.push(seg.to_string());
            w
        })
    }

    /// `p`'s final `>`: every non-empty continuation from `alive` must be
    /// accepted.
    fn continuations(&mut self, alive: &[u32]) -> Step {
        // the fresh literal first: when it is not covered, that decides
        let fresh = self.fresh(alive);
        let next = self.step(alive, None);
        if let Err(mut w) = self.universal(next) {
            w.push(fresh);
            return Err(w);
        }
        for l in self.literals(alive) {
            let next = self.step(alive, Some(&l));
            if let Err(mut w) = self.universal(next) {
                w.push(l);
                return Err(w);
            }
        }
        Ok(())
    }

    /// Is every continuation (including the empty one) from `alive` accepted?
    fn universal(&mut self, alive: Vec<u32>) -> Step {
        if self.tail_cover(&alive) {
            return Ok(());
        }
        let key = (alive, TAIL_PHASE);
        if let Some(r) = self.memo.get(&key) {
            return r.clone();
        }
        let alive = &key.0;
        let r = if !self.exact_cover(alive) {
            Err(Vec::new())
        } else {
            self.continuations(alive)
        };
        self.memo.insert(key, r.clone());
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantics::pattern::tests::{arb_raw_pattern, universe};
    use proptest::prelude::*;

    fn set(ps: &[&str]) -> PatternSet<String> {
        let mut s = PatternSet::new();
        for p in ps {
            s.insert(&Pattern::parse(p), p.to_string());
        }
        s
    }

    #[test]
    fn union_cover_examples() {
        let s = set(&["FOO", "FOO.*.>", "FOO.*"]);
        let used = s.union_covers(&Pattern::parse("FOO.>")).unwrap();
        assert!(!used.is_empty());
        let s = set(&["FOO.A", "FOO.*.B"]);
        let w = s.union_covers(&Pattern::parse("FOO.*")).unwrap_err();
        assert_eq!(w, "FOO.X");
        let s = set(&["A.X", "A.*.>"]);
        let w = s.union_covers(&Pattern::parse("A.>")).unwrap_err();
        assert_eq!(w, "A");
        let s = set(&["*.>"]);
        assert!(s.union_covers(&Pattern::parse(">")).is_ok());
        assert!(set(&["*", "*.*.>"])
            .union_covers(&Pattern::parse(">"))
            .is_ok());
        let s = set(&["*", "*.*.*.>"]);
        let w = s.union_covers(&Pattern::parse(">")).unwrap_err();
        assert!(w.split('.').count() == 2, "{w}");
        let empty: PatternSet<()> = PatternSet::new();
        assert_eq!(empty.union_covers(&Pattern::parse(">")), Err("X".into()));
        let s = set(&["X", "X1"]);
        assert_eq!(s.union_covers(&Pattern::parse("*")), Err("X2".into()));
    }

    proptest! {
        /// `covering` finds exactly the stored patterns that cover the query.
        #[test]
        fn covering_is_exact(
            stored in prop::collection::vec(arb_raw_pattern(), 0..12),
            query in arb_raw_pattern(),
        ) {
            let mut s = PatternSet::new();
            for (i, p) in stored.iter().enumerate() {
                s.insert(&Pattern::parse(p), i);
            }
            let q = Pattern::parse(&query);
            let expected: Vec<usize> = stored
                .iter()
                .enumerate()
                .filter(|(_, p)| Pattern::parse(p).covers(&q))
                .map(|(i, _)| i)
                .collect();
            let got: Vec<usize> = s
                .covering(&q)
                .into_iter()
                .filter(|(p, _)| p.covers(&q))
                .map(|(_, i)| *i)
                .collect();
            prop_assert_eq!(got, expected);
            let strictly: Vec<usize> = stored
                .iter()
                .enumerate()
                .filter(|(_, p)| {
                    let p = Pattern::parse(p);
                    p.covers(&q) && !q.covers(&p)
                })
                .map(|(i, _)| i)
                .collect();
            let got: Vec<usize> = s
                .covering_strictly(&q)
                .into_iter()
                .filter(|(p, _)| p.covers(&q))
                .map(|(_, i)| *i)
                .collect();
            prop_assert_eq!(&got, &strictly);
            prop_assert_eq!(s.any_covering_strictly_where(&q, |_| true), !strictly.is_empty());
            let odd: Vec<usize> = strictly.iter().copied().filter(|i| i % 2 == 1).collect();
            prop_assert_eq!(s.any_covering_strictly_where(&q, |i| i % 2 == 1), !odd.is_empty());
        }
    }

    #[test]
    fn overlapping_and_matching_examples() {
        let s = set(&["FOO.A", "FOO.*", "BAR.>", ">", "FOO.A.B"]);
        let names =
            |v: Vec<(&Pattern, &String)>| v.into_iter().map(|(_, t)| t.clone()).collect::<Vec<_>>();
        assert_eq!(
            names(s.overlapping(&Pattern::parse("FOO.B"))),
            ["FOO.*", ">"]
        );
        assert_eq!(
            names(s.overlapping(&Pattern::parse("FOO.>"))),
            ["FOO.A", "FOO.*", ">", "FOO.A.B"]
        );
        assert_eq!(s.matching("BAR"), [&"BAR.>".to_string(), &">".to_string()]);
    }

    #[test]
    fn scales_to_100k_patterns() {
        let mut s: PatternSet<usize> = PatternSet::new();
        for i in 0..100_000usize {
            let p = match i % 4 {
                0 => format!("APP{}.ORDERS.Q{}", i % 1000, i),
                1 => format!("APP{}.EVENTS.*", i % 1000),
                2 => format!("APP{}.IN.{}.>", i % 1000, i % 7),
                _ => format!("T{i}"),
            };
            s.insert(&Pattern::parse(&p), i);
        }
        let start = std::time::Instant::now();
        assert!(s.union_covers(&Pattern::parse(">")).is_err());
        assert!(s.union_covers(&Pattern::parse("APP1.EVENTS.*")).is_ok());
        assert!(s.union_covers(&Pattern::parse("*.ORDERS.*")).is_err());
        assert!(s.union_covers(&Pattern::parse("*.*.*")).is_err());
        assert_eq!(s.overlapping(&Pattern::parse(">")).len(), 100_000);
        assert!(!s.matching("APP5.EVENTS.X").is_empty());
        assert!(start.elapsed().as_secs() < 20);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        #[test]
        fn union_covers_agrees_with_brute_force(
            members in prop::collection::vec(arb_raw_pattern(), 0..6),
            p in arb_raw_pattern(),
        ) {
            let pats: Vec<Pattern> = members.iter().map(|m| Pattern::parse(m)).collect();
            let mut s = PatternSet::new();
            for (i, q) in pats.iter().enumerate() {
                s.insert(q, i);
            }
            let pp = Pattern::parse(&p);
            let u = universe();
            let uncovered = u
                .iter()
                .find(|d| pp.matches(d) && !pats.iter().any(|q| q.matches(d)));
            match s.union_covers(&pp) {
                Ok(used) => {
                    prop_assert!(uncovered.is_none(), "{:?} should not cover {} ({:?})", members, p, uncovered);
                    // the payloads used cover p on their own
                    let only: Vec<&Pattern> = used.iter().map(|i| &pats[**i]).collect();
                    for d in u.iter().filter(|d| pp.matches(d)) {
                        prop_assert!(only.iter().any(|q| q.matches(d)), "used set misses {}", d);
                    }
                }
                Err(w) => {
                    prop_assert!(uncovered.is_some(), "{:?} covers {} but got witness {}", members, p, w);
                    prop_assert!(pp.matches(&w), "witness {} not matched by {}", w, p);
                    prop_assert!(!pats.iter().any(|q| q.matches(&w)), "witness {} is covered", w);
                }
            }
            let over: Vec<usize> = s.overlapping(&pp).into_iter().map(|(_, i)| *i).collect();
            let want: Vec<usize> = (0..pats.len()).filter(|i| pats[*i].overlap(&pp).is_some()).collect();
            prop_assert_eq!(over, want);
            for d in u.iter().take(400) {
                let got: Vec<usize> = s.matching(d).into_iter().copied().collect();
                let want: Vec<usize> = (0..pats.len()).filter(|i| pats[*i].matches(d)).collect();
                prop_assert_eq!(got, want);
            }
        }
    }
}
