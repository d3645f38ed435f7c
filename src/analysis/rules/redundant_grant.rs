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
                    found.rights.insert(r);
                    found.covering.extend(by.into_iter().copied());
                }
            }
            per_grant[item.grant].push(found);
        }
        for (gi, found) in per_grant.iter().enumerate() {
            report_grant(cx, gi, found, out);
        }
    }
}

fn report_grant(cx: &Context, gi: usize, found: &[Found], out: &mut Vec<Diagnostic>) {
    let policy = cx.policy;
    let index = cx.index;
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
    if !has_temp && found.iter().all(full) {
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
            if of_p.iter().all(|&k| full(&found[k])) {
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
        if rest.iter().all(|&k| found[k].rights.contains(r)) && !has_temp {
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
        if f.rights.is_empty() {
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

fn remove_right_help(r: Right) -> String {
    format!("remove `{r}` from this grant")
}
