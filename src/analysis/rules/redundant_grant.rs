//! `redundant-grant`: a grant, or one principal, right or pattern of it, that
//! never changes an access decision.

use crate::analysis::{finding, Context, Rule, RuleMeta};
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::model::Who;
use crate::semantics::{Right, RightSet};
use std::collections::BTreeSet;

pub(crate) static META: RuleMeta = RuleMeta {
    code: Code {
        id: "MQA201",
        name: "redundant-grant",
    },
    severity: Severity::Warning,
    summary:
        "a grant (or one principal, right or pattern of it) that never changes an access decision",
    docs: r#"## What it does
Finds grants, and principals, rights or patterns within grants, whose access is already given to
the same group by other grants (its own or `everyone`'s) on every destination they match. The
covering grants may be one broader pattern or several patterns that together cover it.

Composite destinations count too: ActiveMQ grants `A,B` only through entries equal in value that
match every component, so a grant that is redundant destination by destination can still decide
a composite (such as the temporary destinations' advisory topics every client reads as one). Such
a grant is not reported.

## Why is this bad?
ActiveMQ unions every matching entry, so such a grant is dead weight: removing it changes
nothing. It usually means the author believed the narrower grant restricts something, or that a
broader grant was added later and the old ones were never cleaned up. Reviewers then read access
into the policy that the broker does not enforce separately.

## Example
```
grant ops read on queue ORDERS.>
grant ops read on queue ORDERS.IN      # ops already reads ORDERS.IN through ORDERS.>
```

## Use instead
```
grant ops read on queue ORDERS.>
```
"#,
};

pub(crate) struct RedundantGrant;

/// Redundant rights of one item, and the items covering them.
struct Found {
    item: usize,
    rights: RightSet,
    covering: BTreeSet<usize>,
}

impl Rule for RedundantGrant {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        let index = cx.index;
        let policy = cx.policy;
        // built at the first candidate: composite destinations can depend
        // on a grant that is redundant destination by destination
        let mut guard: Option<CompositeGuard> = None;
        // per grant: the items and what is redundant in each
        let mut per_grant: Vec<Vec<Found>> = Vec::new();
        per_grant.resize_with(policy.grants.len(), Vec::new);
        for (i, item) in index.items.iter().enumerate() {
            let mut found = Found {
                item: i,
                rights: RightSet::EMPTY,
                covering: BTreeSet::new(),
            };
            for r in item.rights.iter() {
                let set = index.effective(item.who, r, item.kind);
                // an identical pattern held earlier counts, a later one does not,
                // so of two duplicates only the second is reported
                let covered = set.union_covers_where(&item.pattern, |&j| {
                    let other = &index.items[j];
                    j != i && !(j > i && other.pattern == item.pattern && other.who == item.who)
                });
                if let Ok(by) = covered {
                    let guard = guard.get_or_insert_with(|| CompositeGuard::new(policy));
                    if !guard.removable(policy, item, r) {
                        continue;
                    }
                    found.rights.insert(r);
                    found.covering.extend(by.into_iter().copied());
                }
            }
            per_grant[item.grant].push(found);
        }
        for (gi, found) in per_grant.iter().enumerate() {
            if let Some(guard) = &guard {
                report_grant(cx, guard, gi, found, out);
            }
        }
    }
}

fn report_grant(
    cx: &Context,
    guard: &CompositeGuard,
    gi: usize,
    found: &[Found],
    out: &mut Vec<Diagnostic>,
) {
    let policy = cx.policy;
    let index = cx.index;
    // can these (found, rights) be removed together, composites included?
    let removable = |ks: &mut dyn Iterator<Item = (usize, RightSet)>| {
        let set: Vec<(&crate::analysis::index::Item, RightSet)> =
            ks.map(|(k, r)| (&index.items[found[k].item], r)).collect();
        guard.removable_set(policy, &set)
    };
    let grant = &policy.grants[gi];
    let rights = grant.right_set();
    let has_temp = grant.targets.len() * grant.principals.len() != found.len();
    if found.is_empty() || found.iter().all(|f| f.rights.is_empty()) {
        return;
    }
    let full = |f: &Found| f.rights == rights;
    let add_covering = |mut d: Diagnostic, covering: &mut dyn Iterator<Item = usize>| {
        let mut seen = BTreeSet::new();
        for j in covering {
            let item = &index.items[j];
            if seen.insert((item.grant, item.target)) && seen.len() <= 3 {
                let g = &policy.grants[item.grant];
                let t = &g.targets[item.target];
                let holder = match item.who {
                    Who::Everyone => "`everyone` holds".to_string(),
                    w => format!("`{}` holds", policy.group_name(w)),
                };
                d = d.secondary(policy.source, t.span, format!("{holder} it here"));
            }
        }
        d.labels_omitted(seen.len().saturating_sub(3))
    };
    if !has_temp && found.iter().all(full) && removable(&mut (0..found.len()).map(|k| (k, rights)))
    {
        let d = finding(&META, "grant never changes an access decision").primary(
            policy.source,
            grant.span,
            "every right it gives is already granted",
        );
        let d = add_covering(
            d,
            &mut found.iter().flat_map(|f| f.covering.iter().copied()),
        );
        out.push(d.help("remove this grant"));
        return;
    }
    let mut done = vec![false; found.len()];
    // one principal fully redundant
    let principals: BTreeSet<usize> = found
        .iter()
        .map(|f| index.items[f.item].principal)
        .collect();
    if principals.len() > 1 {
        for &p in &principals {
            let of_p: Vec<usize> = (0..found.len())
                .filter(|&k| index.items[found[k].item].principal == p)
                .collect();
            if of_p.iter().all(|&k| full(&found[k]))
                && removable(&mut of_p.iter().map(|&k| (k, rights)))
            {
                let pr = &grant.principals[p];
                let name = policy.group_name(pr.who);
                let d = finding(
                    &META,
                    format!("`{name}` already holds everything this grant gives it"),
                )
                .primary(policy.source, pr.span, "redundant principal");
                let d = add_covering(
                    d,
                    &mut of_p.iter().flat_map(|&k| found[k].covering.iter().copied()),
                );
                out.push(d.help(format!("remove `{name}` from this grant")));
                for k in of_p {
                    done[k] = true;
                }
            }
        }
    }
    // one target fully redundant for every principal
    let targets: BTreeSet<usize> = found.iter().map(|f| index.items[f.item].target).collect();
    for &t in &targets {
        let of_t: Vec<usize> = (0..found.len())
            .filter(|&k| !done[k] && index.items[found[k].item].target == t)
            .collect();
        if !of_t.is_empty()
            && of_t.iter().all(|&k| full(&found[k]))
            && (targets.len() > 1 || has_temp)
            && removable(&mut of_t.iter().map(|&k| (k, rights)))
        {
            let target = &grant.targets[t];
            let d = finding(
                &META,
                format!("{} adds nothing to this grant", target.describe()),
            )
            .primary(policy.source, target.span, "already granted elsewhere");
            let d = add_covering(
                d,
                &mut of_t.iter().flat_map(|&k| found[k].covering.iter().copied()),
            );
            out.push(d.help("remove this pattern from the grant"));
            for k in of_t {
                done[k] = true;
            }
        }
    }
    // one right redundant everywhere else
    let rest: Vec<usize> = (0..found.len()).filter(|&k| !done[k]).collect();
    if rest.is_empty() {
        return;
    }
    for r in rights.iter() {
        if rest.iter().all(|&k| found[k].rights.contains(r))
            && !has_temp
            && removable(&mut rest.iter().map(|&k| (k, RightSet::of(r))))
        {
            let span = grant.right_span(r).unwrap_or(grant.span);
            let d = finding(
                &META,
                format!("`{r}` in this grant is already granted on every destination it names"),
            )
            .primary(policy.source, span, "redundant right");
            let d = add_covering(
                d,
                &mut rest.iter().flat_map(|&k| found[k].covering.iter().copied()),
            );
            out.push(d.help(remove_right_help(r)));
            for &k in &rest {
                done[k] = true;
            }
            return;
        }
    }
    // individual items
    for k in rest {
        let f = &found[k];
        if f.rights.is_empty() || !removable(&mut std::iter::once((k, f.rights))) {
            continue;
        }
        let item = &index.items[f.item];
        let target = &grant.targets[item.target];
        let names: Vec<&str> = f.rights.iter().map(Right::as_str).collect();
        let d = finding(
            &META,
            format!(
                "`{}` already holds {} on {}",
                policy.group_name(item.who),
                names.join(", "),
                target.describe()
            ),
        )
        .primary(policy.source, target.span, "already granted elsewhere");
        let d = add_covering(d, &mut f.covering.iter().copied());
        out.push(d.help("split or narrow this grant so that it only gives what is new"));
    }
}

/// Whether removing one principal's right from one pattern leaves every
/// composite destination's answer as it is (`docs/semantics.md#composite-destinations`).
///
/// A policy compiles to one entry per (kind, pattern); ActiveMQ grants a
/// composite only through entries equal in value that match every
/// component. Removing `g`'s right `r` from the entry `E` of pattern `p`
/// moves `E` from its value class `v` to `v'`. The answers stay when:
/// the rest of `v` covers `p` (so `v` still reaches the same destinations)
/// or `E` was alone in `v` and another class holding `g` covers `p`; and
/// `v'` has no other entry, holds nobody, or already covers `p`. Anything
/// else is not called removable (the check is safe, not complete).
struct CompositeGuard {
    map: crate::semantics::AuthzMap,
    /// Entry index by (kind, pattern as written).
    by_pattern: std::collections::HashMap<(crate::semantics::DestKind, String), usize>,
    /// Entry indexes by value.
    by_value: std::collections::HashMap<[Vec<String>; 3], Vec<usize>>,
    /// Every entry's pattern, per kind, with its index.
    all: [PatternSet<usize>; 2],
}

use crate::semantics::coverage::PatternSet;
use crate::semantics::pattern::Pattern;

fn value_of(acl: &crate::semantics::Acl) -> [Vec<String>; 3] {
    Right::ALL.map(|r| acl.get(r).groups.iter().cloned().collect())
}

impl CompositeGuard {
    fn new(policy: &crate::model::Policy) -> CompositeGuard {
        let map = crate::compile::compile(policy);
        let mut by_pattern = std::collections::HashMap::new();
        let mut by_value: std::collections::HashMap<[Vec<String>; 3], Vec<usize>> =
            std::collections::HashMap::new();
        let mut all = [PatternSet::new(), PatternSet::new()];
        for (i, e) in map.entries.iter().enumerate() {
            by_pattern.insert((e.kind, e.pattern.clone()), i);
            by_value.entry(value_of(&e.acl)).or_default().push(i);
            all[e.kind.index()].insert(&Pattern::parse(&e.pattern), i);
        }
        CompositeGuard {
            map,
            by_pattern,
            by_value,
            all,
        }
    }

    /// Do the entries `ids` (of kind `kind`) together cover `p`?
    fn covers(&self, ids: &[usize], kind: crate::semantics::DestKind, p: &Pattern) -> bool {
        let mut set = PatternSet::new();
        let mut any = false;
        for &i in ids {
            let e = &self.map.entries[i];
            if e.kind == kind {
                set.insert(&Pattern::parse(&e.pattern), ());
                any = true;
            }
        }
        any && set.union_covers(p).is_ok()
    }

    fn removable(
        &self,
        policy: &crate::model::Policy,
        item: &crate::analysis::index::Item,
        r: Right,
    ) -> bool {
        self.removable_set(policy, &[(item, RightSet::of(r))])
    }

    /// Can the rights `removals` name, all of one grant, be taken out
    /// together without changing a composite destination's answer?
    fn removable_set(
        &self,
        policy: &crate::model::Policy,
        removals: &[(&crate::analysis::index::Item, RightSet)],
    ) -> bool {
        use std::collections::{BTreeMap, BTreeSet, HashMap};
        type Value = [Vec<String>; 3];
        // the entries whose value changes, with their new value
        let mut changed: BTreeMap<usize, Value> = BTreeMap::new();
        for (item, rights) in removals {
            let crate::model::TargetKind::Dest { kind, pattern } =
                &policy.grants[item.grant].targets[item.target].kind
            else {
                continue;
            };
            let Some(&ei) = self.by_pattern.get(&(*kind, pattern.clone())) else {
                continue;
            };
            let e = &self.map.entries[ei];
            let g = crate::compile::group_name(policy, item.who);
            let this = policy.grants[item.grant].span;
            let v = changed.entry(ei).or_insert_with(|| value_of(&e.acl));
            for r in rights.iter() {
                // another statement giving `g` the right keeps it in the entry
                let others_give = e
                    .provenance
                    .iter()
                    .any(|p| p.group == g && p.rights.contains(r) && p.location.span != this);
                if !others_give {
                    v[r.index()].retain(|x| *x != g);
                }
            }
        }
        changed.retain(|ei, v| value_of(&self.map.entries[*ei].acl) != *v);
        if changed.is_empty() {
            return true;
        }
        let pattern = |i: usize| Pattern::parse(&self.map.entries[i].pattern);
        let kind = |i: usize| self.map.entries[i].kind;
        let unaffected = |v: &Value| -> Vec<usize> {
            self.by_value
                .get(v)
                .map(|ids| {
                    ids.iter()
                        .copied()
                        .filter(|i| !changed.contains_key(i))
                        .collect()
                })
                .unwrap_or_default()
        };
        let covered_by = |ids: &[usize], i: usize| self.covers(ids, kind(i), &pattern(i));
        // the classes entries leave
        let mut by_old: HashMap<Value, Vec<usize>> = HashMap::new();
        for ei in changed.keys() {
            by_old
                .entry(value_of(&self.map.entries[*ei].acl))
                .or_default()
                .push(*ei);
        }
        for (v, members) in &by_old {
            let rest = unaffected(v);
            if !rest.is_empty() {
                // the class keeps its destinations
                if !members.iter().all(|&i| covered_by(&rest, i)) {
                    return false;
                }
                continue;
            }
            // the whole class moves: to one value, or its composites split
            let first = &changed[&members[0]];
            if members.iter().any(|i| changed[i] != *first) {
                return false;
            }
            // a principal losing a right there needs one other class
            // covering every destination of the class
            for r in Right::ALL {
                let lost: Vec<&String> = v[r.index()]
                    .iter()
                    .filter(|g| !first[r.index()].contains(g))
                    .collect();
                for g in lost {
                    let mut candidates: Vec<Value> = members
                        .iter()
                        .flat_map(|&i| {
                            self.all[kind(i).index()]
                                .overlapping(&pattern(i))
                                .into_iter()
                                .map(|(_, j)| *j)
                                .collect::<Vec<usize>>()
                        })
                        .filter(|j| !changed.contains_key(j))
                        .map(|j| value_of(&self.map.entries[j].acl))
                        .filter(|w| {
                            w[r.index()]
                                .iter()
                                .any(|x| x == g || x == crate::semantics::EVERYONE)
                        })
                        .collect();
                    candidates.sort();
                    candidates.dedup();
                    let kept = candidates.iter().any(|w| {
                        let ids = unaffected(w);
                        members.iter().all(|&i| covered_by(&ids, i))
                    });
                    if !kept {
                        return false;
                    }
                }
            }
        }
        // the classes entries join
        let mut by_new: HashMap<&Value, Vec<usize>> = HashMap::new();
        for (ei, v) in &changed {
            by_new.entry(v).or_default().push(*ei);
        }
        for (v, joiners) in by_new {
            if v.iter().all(|l| l.is_empty()) {
                continue;
            }
            let there = unaffected(v);
            if !there.is_empty() {
                if !joiners.iter().all(|&i| covered_by(&there, i)) {
                    return false;
                }
                continue;
            }
            // a new class made from one old class grants nothing new
            let olds: BTreeSet<Value> = joiners
                .iter()
                .map(|&i| value_of(&self.map.entries[i].acl))
                .collect();
            if olds.len() > 1 {
                return false;
            }
        }
        true
    }
}

fn remove_right_help(r: Right) -> String {
    format!("remove `{r}` from this grant")
}
