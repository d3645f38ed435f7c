//! `narrow-grant-cannot-restrict`: a narrow grant next to a broader grant of
//! the same right to other groups; ActiveMQ unions entries, so the narrow one
//! restricts nothing.

use crate::analysis::{finding, Context, Rule, RuleMeta};
use crate::diagnostics::{Code, Diagnostic, Named, Severity, SHOWN};
use crate::model::{Who, ADVISORY_PATTERN};
use crate::semantics::coverage::PatternSet;
use crate::semantics::pattern::Pattern;
use crate::semantics::{DestKind, Right, RightSet};
use std::collections::{BTreeMap, HashMap, HashSet};

pub(crate) static META: RuleMeta = RuleMeta {
    code: Code {
        id: "MQA202",
        name: "narrow-grant-cannot-restrict",
    },
    severity: Severity::Note,
    summary: "a narrow grant beside a broader grant of the same right to other groups, which it cannot restrict",
    docs: r#"## What it does
Finds a grant on a narrower pattern (`ORDERS.PAYROLL`) when a broader overlapping grant
(`ORDERS.>`) gives the same right to other application groups. Operator grants (a group holding
all three rights on every queue or every topic) and `everyone` on `advisory` or `temp` are
deliberate and never count.

## Why is this bad?
ActiveMQ has no "most specific entry wins": every matching entry adds its groups. Authors often
write the narrow grant meaning "only finance may read payroll", but the broader grant still lets
the other group in. The note names who else gets in and through which grant.

## Example
```
grant apps read on queue ORDERS.>
grant finance read on queue ORDERS.PAYROLL   # apps still reads ORDERS.PAYROLL
```

## Use instead
Narrow the broader grant so that it no longer matches the restricted destinations, and state
the intent as a test:
```
grant apps read on queue ORDERS.IN, ORDERS.OUT
grant finance read on queue ORDERS.PAYROLL
assert only finance can read queue ORDERS.PAYROLL
```
"#,
};

pub(crate) struct NarrowGrantCannotRestrict;

fn is_operator(cx: &Context, who: Who, kind: DestKind) -> bool {
    let all = Pattern::parse(">");
    Right::ALL
        .iter()
        .all(|r| cx.index.effective(who, *r, kind).union_covers(&all).is_ok())
}

/// The broader patterns of one right: for each distinct pattern, the groups
/// holding it (as one of their broadest, and neither an operator nor
/// `everyone` on advisories), sorted by `Who`, each with its item.
struct Broader {
    right: Vec<Right>,
    holders: Vec<Vec<(Who, usize)>>,
}

/// The groups reached through a set of broader patterns: how many, and the
/// first few by `Who` (one more than shown, so that a grant's own group can
/// be dropped).
struct Reached {
    count: usize,
    first: Vec<Who>,
}

impl Broader {
    fn holds(&self, e: u32, who: Who) -> Option<usize> {
        let h = &self.holders[e as usize];
        h.binary_search_by_key(&who, |(w, _)| *w)
            .ok()
            .map(|at| h[at].1)
    }

    /// The union of the holders of `entries`: counted once per distinct set
    /// of entries (many narrow grants share the same broader patterns), in
    /// time proportional to the holders of all but the largest entry.
    fn reached(&self, entries: &[u32]) -> Reached {
        let Some(&largest) = entries
            .iter()
            .max_by_key(|&&e| (self.holders[e as usize].len(), std::cmp::Reverse(e)))
        else {
            return Reached {
                count: 0,
                first: Vec::new(),
            };
        };
        let big = &self.holders[largest as usize];
        let mut extra: Vec<Who> = entries
            .iter()
            .filter(|&&e| e != largest)
            .flat_map(|&e| self.holders[e as usize].iter().map(|(w, _)| *w))
            .filter(|w| big.binary_search_by_key(w, |(b, _)| *b).is_err())
            .collect();
        extra.sort_unstable();
        extra.dedup();
        let mut first: Vec<Who> = big
            .iter()
            .map(|(w, _)| *w)
            .take(SHOWN + 1)
            .chain(extra.iter().copied().take(SHOWN + 1))
            .collect();
        first.sort_unstable();
        first.truncate(SHOWN + 1);
        Reached {
            count: big.len() + extra.len(),
            first,
        }
    }
}

/// What a narrow grant's target meets: its broader patterns (entries of
/// [`Broader`], sorted) and the distinct groups of the grant reaching them.
#[derive(Default)]
struct Found {
    entries: Vec<u32>,
    principals: Vec<Who>,
}

impl Rule for NarrowGrantCannotRestrict {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        let index = cx.index;
        let policy = cx.policy;
        let advisory = Pattern::parse(ADVISORY_PATTERN);
        let mut operator: BTreeMap<(Who, DestKind), bool> = BTreeMap::new();
        // Like `index.by_right`, but only the broadest patterns of each group,
        // one entry per distinct pattern listing its groups: none whose
        // pattern another pattern of the same group and right covers
        // strictly. A group reaches an item through some broader pattern
        // exactly when it does through one of its broadest ones, and the
        // tests below depend on the pattern and the group only (a pattern
        // inside the advisory namespace has its broader ones there too, or
        // they count anyway), so the findings are those of every pattern.
        // A narrow grant meets each broader *pattern* once, however many
        // groups hold it: thousands of tenants on one shared pattern cost
        // one lookup per narrow grant, not one per tenant.
        let mut sets: BTreeMap<(Right, DestKind), PatternSet<u32>> = BTreeMap::new();
        let mut broader = Broader {
            right: Vec::new(),
            holders: Vec::new(),
        };
        let mut entry_of: HashMap<(Right, DestKind, u32), u32> = HashMap::new();
        let mut seen: HashSet<(Right, DestKind, u32, Who)> = HashSet::new();
        for (i, item) in index.items.iter().enumerate() {
            for r in item.rights.iter() {
                if !seen.insert((r, item.kind, item.pid, item.who)) {
                    continue;
                }
                let own = index.effective(item.who, r, item.kind);
                if own
                    .any_covering_strictly_where(&item.pattern, |&j| index.items[j].who == item.who)
                {
                    continue;
                }
                if item.who == Who::Everyone
                    && item.kind == DestKind::Topic
                    && advisory.covers(&item.pattern)
                {
                    continue;
                }
                let op = *operator
                    .entry((item.who, item.kind))
                    .or_insert_with(|| is_operator(cx, item.who, item.kind));
                if op {
                    continue;
                }
                let e = *entry_of.entry((r, item.kind, item.pid)).or_insert_with(|| {
                    let e = broader.holders.len() as u32;
                    broader.holders.push(Vec::new());
                    broader.right.push(r);
                    sets.entry((r, item.kind))
                        .or_default()
                        .insert(&item.pattern, e);
                    e
                });
                broader.holders[e as usize].push((item.who, i));
            }
        }
        drop(seen);
        drop(entry_of);
        for h in &mut broader.holders {
            h.sort_unstable();
            h.shrink_to_fit();
        }
        let empty = PatternSet::new();
        let mut ids = Vec::new();
        // (grant, target) → its broader patterns and principals; the items
        // of one (grant, target) share pattern, kind and rights
        let mut found: BTreeMap<(usize, usize), Found> = BTreeMap::new();
        for item in &index.items {
            if item.who == Who::Everyone {
                continue;
            }
            if let Some(f) = found.get_mut(&(item.grant, item.target)) {
                if !f.principals.contains(&item.who) {
                    f.principals.push(item.who);
                }
                continue;
            }
            let mut entries = Vec::new();
            for r in item.rights.iter() {
                let set = sets.get(&(r, item.kind)).unwrap_or(&empty);
                set.covering_strictly_ids(&item.pattern, &mut ids);
                for &id in &ids {
                    let (q, &e) = set.item(id);
                    if q.covers(&item.pattern) && !item.pattern.covers(q) {
                        entries.push(e);
                    }
                }
            }
            if entries.is_empty() {
                continue;
            }
            entries.sort_unstable();
            entries.dedup();
            found.insert(
                (item.grant, item.target),
                Found {
                    entries,
                    principals: vec![item.who],
                },
            );
        }
        drop(sets);
        let mut memo: HashMap<Vec<u32>, Reached> = HashMap::new();
        for ((gi, ti), f) in found {
            if !memo.contains_key(&f.entries) {
                memo.insert(f.entries.clone(), broader.reached(&f.entries));
            }
            let Some(reached) = memo.get(&f.entries) else {
                continue;
            };
            // with two groups in the grant, each reaches what the other holds
            let (total, shown): (usize, Vec<Who>) = match f.principals.as_slice() {
                [only] => {
                    let own = f.entries.iter().any(|&e| broader.holds(e, *only).is_some());
                    (
                        reached.count - usize::from(own),
                        reached
                            .first
                            .iter()
                            .copied()
                            .filter(|w| w != only)
                            .take(SHOWN)
                            .collect(),
                    )
                }
                _ => (
                    reached.count,
                    reached.first.iter().copied().take(SHOWN).collect(),
                ),
            };
            if total == 0 {
                continue;
            }
            let grant = &policy.grants[gi];
            let target = &grant.targets[ti];
            let named = Named {
                shown: shown
                    .iter()
                    .map(|w| policy.group_name(*w).to_string())
                    .collect(),
                total,
            };
            let mut d = finding(
                &META,
                format!(
                    "this grant on {} cannot keep others out: {} also {} access through a broader grant",
                    target.describe(),
                    named.text(),
                    if total == 1 { "has" } else { "have" }
                ),
            )
            .primary(policy.source, target.span, "narrower grant");
            for who in &shown {
                // the rights it gets, and its first broader grant of the first
                let mut rights = RightSet::EMPTY;
                let mut at: Option<(Right, usize)> = None;
                for &e in &f.entries {
                    if let Some(j) = broader.holds(e, *who) {
                        let r = broader.right[e as usize];
                        rights.insert(r);
                        at = Some(at.map_or((r, j), |a| a.min((r, j))));
                    }
                }
                let Some((_, j)) = at else { continue };
                let other = &index.items[j];
                let t = &policy.grants[other.grant].targets[other.target];
                let rs: Vec<&str> = rights.iter().map(Right::as_str).collect();
                d = d.secondary(
                    policy.source,
                    t.span,
                    format!("`{}` gets {} here", policy.group_name(*who), rs.join(", ")),
                );
            }
            let d = d.labels_omitted(total - shown.len()).named(named);
            let example = match &target.kind {
                crate::model::TargetKind::Dest { kind, pattern } => format!("{kind} {pattern}"),
                crate::model::TargetKind::Temp => "temp".to_string(),
            };
            let holders: Vec<String> = grant
                .principals
                .iter()
                .map(|p| policy.group_name(p.who).to_string())
                .collect();
            out.push(d.help(format!(
                "grants only add up; narrow the broader grant if it should not reach these destinations, and state the intent with `assert only {} can ... {example}`",
                holders.join(", ")
            )));
        }
    }
}
