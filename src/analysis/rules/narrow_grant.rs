//! `narrow-grant-cannot-restrict`: a narrow grant next to a broader grant of
//! the same right to other groups; ActiveMQ unions entries, so the narrow one
//! restricts nothing.

use crate::analysis::{finding, Context, Rule, RuleMeta};
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::model::{Who, ADVISORY_PATTERN};
use crate::semantics::coverage::PatternSet;
use crate::semantics::pattern::Pattern;
use crate::semantics::{DestKind, Right, RightSet};
use std::collections::{BTreeMap, HashSet};

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

/// Other groups reaching a target through broader grants, sorted by
/// `Who`: the rights they get and a broader grant's item.
type Others = Vec<(Who, (RightSet, usize))>;

impl Rule for NarrowGrantCannotRestrict {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        let index = cx.index;
        let policy = cx.policy;
        let advisory = Pattern::parse(ADVISORY_PATTERN);
        let mut operator: BTreeMap<(Who, DestKind), bool> = BTreeMap::new();
        // (grant, target) → other group → (rights, a broader grant's item)
        // (the other groups sorted by `Who`, few per target)
        let mut found: BTreeMap<(usize, usize), Others> = BTreeMap::new();
        // Like `index.by_right`, but only the broadest patterns of each group:
        // one item per (pattern, group), the first, and none whose pattern
        // another pattern of the same group and right covers strictly. A
        // group reaches an item through some broader pattern exactly when it
        // does through one of its broadest ones, and the tests below depend
        // on the pattern and the group only (a pattern inside the advisory
        // namespace has its broader ones there too, or they count anyway),
        // so the findings are those of every pattern, while each item meets
        // each group a bounded number of times, however many grants the
        // group holds around it.
        let mut by_right: BTreeMap<(Right, DestKind), PatternSet<usize>> = BTreeMap::new();
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
                by_right
                    .entry((r, item.kind))
                    .or_default()
                    .insert(&item.pattern, i);
            }
        }
        drop(seen);
        let empty = PatternSet::new();
        let mut ids = Vec::new();
        for item in &index.items {
            if item.who == Who::Everyone {
                continue;
            }
            for r in item.rights.iter() {
                let set = by_right.get(&(r, item.kind)).unwrap_or(&empty);
                set.covering_strictly_ids(&item.pattern, &mut ids);
                for &id in &ids {
                    let (q, &j) = set.item(id);
                    let other = &index.items[j];
                    if other.who == item.who || !q.covers(&item.pattern) || item.pattern.covers(q) {
                        continue;
                    }
                    if other.who == Who::Everyone
                        && item.kind == DestKind::Topic
                        && advisory.covers(q)
                    {
                        continue;
                    }
                    let op = *operator
                        .entry((other.who, item.kind))
                        .or_insert_with(|| is_operator(cx, other.who, item.kind));
                    if op {
                        continue;
                    }
                    let others = found.entry((item.grant, item.target)).or_default();
                    let at = match others.binary_search_by_key(&other.who, |(w, _)| *w) {
                        Ok(at) => at,
                        Err(at) => {
                            others.insert(at, (other.who, (RightSet::EMPTY, j)));
                            at
                        }
                    };
                    others[at].1 .0.insert(r);
                }
            }
        }
        drop(by_right);
        for ((gi, ti), others) in found {
            let grant = &policy.grants[gi];
            let target = &grant.targets[ti];
            let names: Vec<String> = others
                .iter()
                .map(|(w, _)| format!("`{}`", policy.group_name(*w)))
                .collect();
            let mut d = finding(
                &META,
                format!(
                    "this grant on {} cannot keep others out: {} also {} access through a broader grant",
                    target.describe(),
                    names.join(", "),
                    if names.len() == 1 { "has" } else { "have" }
                ),
            )
            .primary(policy.source, target.span, "narrower grant");
            for (who, (rights, j)) in others.iter().take(4) {
                let other = &index.items[*j];
                let t = &policy.grants[other.grant].targets[other.target];
                let rs: Vec<&str> = rights.iter().map(Right::as_str).collect();
                d = d.secondary(
                    policy.source,
                    t.span,
                    format!("`{}` gets {} here", policy.group_name(*who), rs.join(", ")),
                );
            }
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
