//! Destination patterns and their algebra.
//!
//! A [`Pattern`] is an entry's physical name read the way ActiveMQ's
//! authorization map matches it against a *concrete* destination
//! (`docs/semantics.md#matching-rule-m`): the name is split on every `.`, empty segments are
//! kept, a segment is a wildcard only when it is exactly `*` (one segment) or
//! exactly `>` (zero or more further segments). A `>` that is not the last
//! segment matches "at least one more segment" and ignores the rest, so it is
//! normalised to `*` followed by a final `>`.
//!
//! The algebra ([`Pattern::covers`], [`Pattern::overlap`]) is decided over the
//! universe of concrete destinations: non-empty sequences of segments, each
//! segment any string other than `*` and `>`, over an unbounded alphabet.
//!
//! [`matches_rule_f`] is the other matching rule
//! (`docs/semantics.md#wildcard-keys-rule-f`), used when the key
//! itself contains wildcard segments (wildcard subscriptions, literal
//! wildcard names). It works on raw segments and is not an algebra.

use super::eval::FxHasher;
use std::cmp::Ordering;
use std::collections::HashSet;
use std::fmt;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::sync::Arc;

/// One segment of a normalised pattern.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Seg {
    /// A literal segment (possibly empty); never exactly `*` or `>`.
    Lit(Arc<str>),
    /// `*`: exactly one segment, which may be empty.
    Star,
}

/// A normalised destination pattern (rule M).
///
/// Equality, ordering and hashing look at the normalised form only, so
/// `FOO.>.BAR` equals `FOO.*.>`; [`Pattern::raw`] keeps the original text.
#[derive(Clone, Debug)]
pub struct Pattern(Arc<Inner>);

/// Shared by every clone of a pattern.
#[derive(Debug)]
struct Inner {
    segs: Box<[Seg]>,
    tail: bool,
    raw: Box<str>,
}

/// The most segments a destination pattern may have. Far beyond any real
/// destination name, it bounds the depth of every walk over patterns.
pub const MAX_SEGMENTS: usize = 256;

/// The number of segments of `raw` when it has more than [`MAX_SEGMENTS`]:
/// such a name is refused before it is parsed.
pub(crate) fn too_many_segments(raw: &str) -> Option<usize> {
    let count = raw.split('.').count();
    (count > MAX_SEGMENTS).then_some(count)
}

/// The literal used to fill `*` and `>` in examples and witnesses.
const FILL: &str = "X";

/// Literal segments shared by the patterns read with
/// [`Pattern::parse_shared`]: each distinct literal is stored once.
#[derive(Debug, Default)]
pub struct Literals(HashSet<Arc<str>, BuildHasherDefault<FxHasher>>);

impl Literals {
    fn get(&mut self, lit: &str) -> Arc<str> {
        if let Some(l) = self.0.get(lit) {
            return l.clone();
        }
        let l: Arc<str> = lit.into();
        self.0.insert(l.clone());
        l
    }
}

impl Pattern {
    /// Read a raw ActiveMQ physical name (already trimmed, options cut off).
    pub fn parse(raw: &str) -> Pattern {
        Pattern::parse_with(raw, |lit| lit.into())
    }

    /// [`Pattern::parse`], sharing the literal segments with the other
    /// patterns read with `lits` (many patterns repeat the same few words).
    pub(crate) fn parse_shared(raw: &str, lits: &mut Literals) -> Pattern {
        Pattern::parse_with(raw, |lit| lits.get(lit))
    }

    fn parse_with(raw: &str, mut lit_of: impl FnMut(&str) -> Arc<str>) -> Pattern {
        let mut segs = Vec::new();
        let mut tail = false;
        let mut parts = raw.split('.').peekable();
        while let Some(part) = parts.next() {
            match part {
                "*" => segs.push(Seg::Star),
                ">" => {
                    if parts.peek().is_some() {
                        segs.push(Seg::Star);
                    }
                    tail = true;
                    break;
                }
                lit => segs.push(Seg::Lit(lit_of(lit))),
            }
        }
        Pattern(Arc::new(Inner {
            segs: segs.into(),
            tail,
            raw: raw.into(),
        }))
    }

    /// Build a pattern from normalised parts. `raw` is set to the display form.
    pub(crate) fn from_parts(segs: Vec<Seg>, tail: bool) -> Pattern {
        let segs: Box<[Seg]> = segs.into();
        let p = Pattern(Arc::new(Inner {
            segs,
            tail,
            raw: "".into(),
        }));
        let raw = p.to_string().into();
        let segs = p.0.segs.clone();
        Pattern(Arc::new(Inner { segs, tail, raw }))
    }

    /// The text this pattern was parsed from.
    pub fn raw(&self) -> &str {
        &self.0.raw
    }

    /// The normalised segments before the optional final `>`.
    pub fn segs(&self) -> &[Seg] {
        &self.0.segs
    }

    /// Whether the pattern ends in `>` (zero or more further segments).
    pub fn tail(&self) -> bool {
        self.0.tail
    }

    #[cfg(test)]
    /// True when the pattern names exactly one concrete destination.
    pub(crate) fn is_concrete(&self) -> bool {
        !self.0.tail && self.0.segs.iter().all(|s| matches!(s, Seg::Lit(_)))
    }

    /// Rule M: does this pattern match the concrete destination `dest`?
    ///
    /// `dest` is split on `.`; its segments are taken literally (a concrete
    /// destination has no wildcard segments; use [`matches_rule_f`] for keys
    /// that do).
    pub fn matches(&self, dest: &str) -> bool {
        self.matches_segments(dest.split('.'))
    }

    /// Rule M on an already split destination.
    pub(crate) fn matches_segments<'s, I>(&self, dest: I) -> bool
    where
        I: IntoIterator<Item = &'s str>,
    {
        let mut it = dest.into_iter();
        for seg in self.0.segs.iter() {
            match (seg, it.next()) {
                (_, None) => return false,
                (Seg::Star, Some(_)) => {}
                (Seg::Lit(l), Some(d)) => {
                    if &**l != d {
                        return false;
                    }
                }
            }
        }
        self.0.tail || it.next().is_none()
    }

    /// `>` alone matches the same destinations as `*.>` (destinations have at
    /// least one segment); the algebra works on the second form.
    fn canonical(&self) -> (&[Seg], bool) {
        if self.0.segs.is_empty() && self.0.tail {
            (&[Seg::Star], true)
        } else {
            (&self.0.segs[..], self.0.tail)
        }
    }

    /// Does every concrete destination matched by `other` match `self`?
    ///
    /// Exact over an unbounded alphabet, in O(|self| + |other|).
    pub fn covers(&self, other: &Pattern) -> bool {
        let (a, a_tail) = self.canonical();
        let (b, b_tail) = other.canonical();
        if a.len() > b.len() {
            // `other` matches a destination of length |b| that is too short.
            return false;
        }
        for (x, y) in a.iter().zip(b) {
            match (x, y) {
                (Seg::Star, _) => {}
                (Seg::Lit(l), Seg::Lit(m)) if l == m => {}
                // a fresh literal at `y` escapes `x`.
                _ => return false,
            }
        }
        a_tail || (a.len() == b.len() && !b_tail)
    }

    /// A concrete destination matched by both patterns, or `None` if their
    /// languages are disjoint. O(|self| + |other|).
    pub fn overlap(&self, other: &Pattern) -> Option<String> {
        let (a, b) = (&self.0.segs, &other.0.segs);
        let mut out: Vec<&str> = Vec::with_capacity(a.len().max(b.len()) + 1);
        for (x, y) in a.iter().zip(b.iter()) {
            match (x, y) {
                (Seg::Lit(l), Seg::Lit(m)) => {
                    if l != m {
                        return None;
                    }
                    out.push(l);
                }
                (Seg::Lit(l), Seg::Star) | (Seg::Star, Seg::Lit(l)) => out.push(l),
                (Seg::Star, Seg::Star) => out.push(FILL),
            }
        }
        let common = a.len().min(b.len());
        let (longer, longer_is_a) = if a.len() >= b.len() {
            (a, true)
        } else {
            (b, false)
        };
        let shorter_tail = if longer_is_a {
            other.0.tail
        } else {
            self.0.tail
        };
        if longer.len() > common {
            // The shorter pattern must absorb the rest with its `>`.
            if !shorter_tail {
                return None;
            }
            for s in &longer[common..] {
                out.push(match s {
                    Seg::Lit(l) => &**l,
                    Seg::Star => FILL,
                });
            }
        }
        if out.is_empty() {
            // Both are `>`: any destination will do.
            out.push(FILL);
        }
        Some(out.join("."))
    }

    /// A readable concrete destination this pattern matches: `*` and `>` are
    /// filled with `X` (`ORDERS.>` gives `ORDERS.X`).
    pub fn example(&self) -> String {
        let mut out: Vec<&str> = self
            .0
            .segs
            .iter()
            .map(|s| match s {
                Seg::Lit(l) => &**l,
                Seg::Star => FILL,
            })
            .collect();
        if self.0.tail {
            out.push(FILL);
        }
        out.join(".")
    }
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Pattern) -> bool {
        self.0.tail == other.0.tail && self.0.segs == other.0.segs
    }
}

impl Eq for Pattern {}

impl Hash for Pattern {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.segs.hash(state);
        self.0.tail.hash(state);
    }
}

impl PartialOrd for Pattern {
    fn partial_cmp(&self, other: &Pattern) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Pattern {
    fn cmp(&self, other: &Pattern) -> Ordering {
        self.0
            .segs
            .cmp(&other.0.segs)
            .then(self.0.tail.cmp(&other.0.tail))
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.segs.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            match s {
                Seg::Lit(l) => f.write_str(l)?,
                Seg::Star => f.write_str("*")?,
            }
        }
        if self.0.tail {
            if !self.0.segs.is_empty() {
                f.write_str(".")?;
            }
            f.write_str(">")?;
        }
        Ok(())
    }
}

/// Rule F: does the entry pattern match `key`, where `key` may itself hold
/// wildcard segments? This mirrors the map's tree walk with `deep = false`
/// at the top level: a `*` in the key visits every child, a `>` in the key is
/// a literal child unless the walk has gone through an entry's `*`.
///
/// Both strings are split on `.` without normalisation. For keys without
/// wildcard segments this gives the same answer as [`Pattern::matches`].
pub fn matches_rule_f(entry_pattern: &str, key: &str) -> bool {
    const N: usize = 16;
    let (mut pb, mut kb) = ([""; N], [""; N]);
    match (split_into(entry_pattern, &mut pb), split_into(key, &mut kb)) {
        (Some(p), Some(k)) => rule_f(&pb[..p], &kb[..k], 0, false),
        _ => {
            // Longer names than the stack buffers hold.
            let p: Vec<&str> = entry_pattern.split('.').collect();
            let k: Vec<&str> = key.split('.').collect();
            rule_f(&p, &k, 0, false)
        }
    }
}

/// Split on `.` into `buf`; `None` when there are more segments than fit.
fn split_into<'s>(s: &'s str, buf: &mut [&'s str]) -> Option<usize> {
    let mut n = 0;
    for seg in s.split('.') {
        *buf.get_mut(n)? = seg;
        n += 1;
    }
    Some(n)
}

fn rule_f(p: &[&str], k: &[&str], i: usize, deep: bool) -> bool {
    let (n, m) = (k.len(), p.len());
    if i == n {
        return m == n || (m == n + 1 && p[n] == ">");
    }
    if deep && k[i] == ">" {
        return true;
    }
    if m <= i {
        return false;
    }
    if p[i] == "*" && rule_f(p, k, i + 1, true) {
        return true;
    }
    if p[i] == ">" {
        return true;
    }
    if k[i] == "*" || p[i] == k[i] {
        return rule_f(p, k, i + 1, deep);
    }
    false
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn shared_literals_read_the_same_pattern() {
        let mut lits = Literals::default();
        for raw in ["A.B.>", "A.*.B", ">", "A..B", "A.>.C", ""] {
            let shared = Pattern::parse_shared(raw, &mut lits);
            let own = Pattern::parse(raw);
            assert_eq!(shared, own);
            assert_eq!(shared.raw(), own.raw());
            assert_eq!(shared.tail(), own.tail());
        }
        let (a, b) = (
            Pattern::parse_shared("ORDERS.IN", &mut lits),
            Pattern::parse_shared("ORDERS.OUT", &mut lits),
        );
        match (&a.segs()[0], &b.segs()[0]) {
            (Seg::Lit(x), Seg::Lit(y)) => assert!(Arc::ptr_eq(x, y)),
            _ => panic!("literal segments expected"),
        }
    }

    #[test]
    fn parse_and_display() {
        let cases = [
            ("FOO.>", "FOO.>"),
            ("FOO.>.BAR", "FOO.*.>"),
            (">", ">"),
            (">.A", "*.>"),
            ("A..B", "A..B"),
            ("FOO.", "FOO."),
            ("FO*.*", "FO*.*"),
            ("FOO.>.>", "FOO.*.>"),
        ];
        for (raw, shown) in cases {
            let p = Pattern::parse(raw);
            assert_eq!(p.to_string(), shown, "{raw}");
            assert_eq!(p.raw(), raw);
            assert_eq!(Pattern::parse(&p.to_string()), p);
        }
        assert_eq!(Pattern::parse("FOO.>.BAR"), Pattern::parse("FOO.*.>"));
    }

    #[test]
    fn rule_m_table() {
        let yes = [
            (">", "ANY"),
            ("FOO.>", "FOO"),
            ("FOO.>", "FOO.A"),
            ("FOO.>", "FOO.A.B"),
            ("FOO.>", "FOO."),
            ("FOO.*", "FOO.A"),
            ("FOO.*", "FOO."),
            ("*", "FOO"),
            ("*.A", "FOO.A"),
            ("FOO.*.BAR", "FOO.X.BAR"),
            ("FOO.>.BAR", "FOO.A"),
            ("FOO.>.BAR", "FOO.A.B"),
            ("FOO.>.BAR", "FOO.X.BAR"),
            (">.A", "ANY"),
            (">.A", "ANY.B.C"),
            ("FOO.>.>", "FOO.A"),
            ("FO*", "FO*"),
        ];
        let no = [
            ("FOO.>", "FOOX"),
            ("FOO.>", "BAR"),
            ("FOO.*", "FOO"),
            ("FOO.*", "FOO.A.B"),
            ("*", "FOO.A"),
            ("*.A", "FOO.B"),
            ("FOO.*.BAR", "FOO.A"),
            ("FOO.*.BAR", "FOO.A.B"),
            ("FOO.>.BAR", "FOO"),
            ("FOO.>.>", "FOO"),
            ("FOO.A", "foo.a"),
            ("FO*", "FOO"),
        ];
        for (p, d) in yes {
            assert!(Pattern::parse(p).matches(d), "{p} should match {d}");
            assert!(matches_rule_f(p, d), "F: {p} should match {d}");
        }
        for (p, d) in no {
            assert!(!Pattern::parse(p).matches(d), "{p} should not match {d}");
            assert!(!matches_rule_f(p, d), "F: {p} should not match {d}");
        }
    }

    #[test]
    fn rule_f_table() {
        let cases = [
            ("FOO.A", "FOO.*", true),
            ("FOO.A.>", "FOO.*", true),
            ("FOO.A", "FOO.>", false),
            ("FOO.A.>", "FOO.>", false),
            ("FOO.>", "FOO.>", true),
            ("FOO.*", "FOO.>", true),
            ("*.A", "FOO.>", true),
            ("*", "FOO.>", true),
            ("*.*", "FOO.>", true),
            ("*", ">", true),
            ("*.>", ">", true),
            ("FOO.>", ">", false),
            ("*.*", ">", false),
            ("FOO", "*", true),
            ("FOO.>", "*", true),
            ("FOO.*", "*", false),
            ("BAR.*.BAZ", "BAR.>", false),
            ("BAR.*.BAZ", "BAR.*.*", true),
            ("BAR.*.BAZ", "BAR.X.*", true),
        ];
        for (p, k, want) in cases {
            assert_eq!(matches_rule_f(p, k), want, "entry {p} key {k}");
        }
    }

    #[test]
    fn covers_and_overlap_examples() {
        let c = |a: &str, b: &str| Pattern::parse(a).covers(&Pattern::parse(b));
        assert!(c(">", "FOO.>"));
        assert!(c("*.>", ">"));
        assert!(c(">", "*.>"));
        assert!(c("FOO.>", "FOO.*"));
        assert!(c("FOO.>", "FOO"));
        assert!(!c("FOO.*", "FOO.>"));
        assert!(!c("FOO.A", "FOO.*"));
        assert!(c("FOO.*.>", "FOO.>.BAR"));
        assert!(!c("*", ">"));
        let o = |a: &str, b: &str| Pattern::parse(a).overlap(&Pattern::parse(b));
        assert_eq!(o("FOO.*", "*.BAR").as_deref(), Some("FOO.BAR"));
        assert_eq!(o("FOO.A", "FOO.B"), None);
        assert_eq!(o(">", ">").as_deref(), Some("X"));
        assert_eq!(o("FOO.>", "FOO").as_deref(), Some("FOO"));
        assert_eq!(o("FOO.*", "FOO"), None);
        assert_eq!(Pattern::parse("ORDERS.>").example(), "ORDERS.X");
        assert!(Pattern::parse("A.B").is_concrete());
        assert!(!Pattern::parse("A.*").is_concrete());
    }

    /// A pattern over a small alphabet, as raw text.
    pub(crate) fn arb_raw_pattern() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(vec!["A", "B", "", "*", ">"]), 1..5)
            .prop_map(|v| v.join("."))
    }

    /// Every concrete destination over `A B "" F` with 1..=5 segments
    /// (`F` stands for any literal no pattern mentions).
    pub(crate) fn universe() -> Vec<String> {
        let alphabet = ["A", "B", "", "F"];
        let mut out = Vec::new();
        let mut layer: Vec<Vec<&str>> = vec![vec![]];
        for _ in 0..5 {
            let mut next = Vec::new();
            for prefix in &layer {
                for s in alphabet {
                    let mut v = prefix.clone();
                    v.push(s);
                    out.push(v.join("."));
                    next.push(v);
                }
            }
            layer = next;
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

        #[test]
        fn covers_and_overlap_agree_with_brute_force(a in arb_raw_pattern(), b in arb_raw_pattern()) {
            let (pa, pb) = (Pattern::parse(&a), Pattern::parse(&b));
            let u = universe();
            let brute_cover = u.iter().all(|d| !pb.matches(d) || pa.matches(d));
            prop_assert_eq!(pa.covers(&pb), brute_cover, "covers({}, {})", a, b);
            let brute_overlap = u.iter().any(|d| pa.matches(d) && pb.matches(d));
            let w = pa.overlap(&pb);
            prop_assert_eq!(w.is_some(), brute_overlap, "overlap({}, {})", a, b);
            if let Some(w) = w {
                prop_assert!(pa.matches(&w) && pb.matches(&w), "witness {} for {} {}", w, a, b);
            }
            prop_assert!(pa.matches(&pa.example()));
            // rule F equals rule M on concrete keys
            for d in u.iter().take(300) {
                prop_assert_eq!(matches_rule_f(&a, d), pa.matches(d), "{} vs {}", a, d);
            }
            let long = format!("{a}.A.A.A.A.A.A.A.A.A.A.A.A.A.A.A.A");
            let long_key = "A.A.A.A.A.A.A.A.A.A.A.A.A.A.A.A.A.A.A.A";
            prop_assert_eq!(matches_rule_f(&long, long_key), Pattern::parse(&long).matches(long_key));
        }
    }
}
